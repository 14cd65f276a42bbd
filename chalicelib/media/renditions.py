"""Per-network image renditions: a JPEG cropped around the user's focal point and fitted
to the network's limits (aspect ratio, width, bytes).

A network's feed spec comes from the limits table its module declares (the same table
the posts validator checks), plus what only renditions care about (`FEED_EXTRAS`);
Stories, Reels covers and the thumbnail have their own rows. Rendering is pure: bytes
in, bytes out; `library` stores and reuses.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict

from chalicelib.domain.limits import NetworkLimits
from chalicelib.domain.model import Model

if TYPE_CHECKING:
    from PIL.Image import Image

JPEG = "image/jpeg"
PNG = "image/png"
GIF = "image/gif"
WEBP = "image/webp"
MIB = 1024 * 1024
# JPEG qualities tried in turn before the image is made smaller.
QUALITIES = (90, 84, 78, 70, 62)


class RenditionSpec(Model):
    """What one network surface accepts; anything else gets a JPEG rendition."""

    model_config = ConfigDict(frozen=True)

    name: str
    content_types: tuple[str, ...] = (JPEG,)
    max_bytes: int
    # width / height
    min_aspect: float | None = None
    max_aspect: float | None = None
    min_width: int | None = None
    max_width: int | None = None
    max_long_edge: int | None = None
    # Animated GIFs go as they are when the network takes them and they fit this size.
    gif_max_bytes: int | None = None

    @classmethod
    def from_limits(cls, limits: NetworkLimits, **extra: Any) -> RenditionSpec:
        """The spec of a network's feed, from the limits table it declares."""
        images = limits.images
        if images is None:
            raise ValueError(f"{limits.network} takes no images")
        content_types = images.content_types
        if limits.gifs and GIF not in content_types:
            content_types = (*content_types, GIF)
        fields: dict[str, Any] = {
            "name": limits.network,
            "content_types": content_types,
            "max_bytes": images.max_bytes,
            "min_aspect": images.min_aspect_ratio,
            "max_aspect": images.max_aspect_ratio,
            "min_width": images.min_width,
            "max_width": images.max_width,
            "gif_max_bytes": limits.gifs.max_bytes if limits.gifs else None,
        }
        return cls(**{**fields, **extra})


# What renditions add to a network's limits table: sizes the network's apps display
# (bigger only wastes the byte budget) and the shape a network's feed favours.
FEED_EXTRAS: dict[str, dict[str, Any]] = {
    "x": {"max_long_edge": 4096},
    # "At most 1,000,000 bytes": kept strictly under, as the product promises.
    "bluesky": {"max_long_edge": 2000, "max_bytes": 999_999},
    "pinterest": {"min_aspect": 2 / 3, "max_aspect": 2 / 3, "max_width": 1000},
}

# Specs that no network's limits table describes: surfaces other than the feed, and the
# library's thumbnail.
SPECS: dict[str, RenditionSpec] = {
    spec.name: spec
    for spec in (
        RenditionSpec(
            name="instagram_story",
            max_bytes=8 * MIB,
            min_aspect=9 / 16,
            max_aspect=9 / 16,
            max_width=1080,
        ),
        RenditionSpec(
            name="facebook_story",
            content_types=(JPEG, PNG),
            max_bytes=10 * MIB,
            min_aspect=9 / 16,
            max_aspect=9 / 16,
            max_width=1080,
        ),
        RenditionSpec(name="thumbnail", max_bytes=300_000, max_long_edge=480),
    )
}

# Surfaces (Stories, Reels covers) that are not the network's feed.
_SURFACE_SPECS = {
    ("instagram", "story"): "instagram_story",
    ("instagram", "reel"): "instagram_story",
    ("facebook", "story"): "facebook_story",
    ("facebook", "reel"): "facebook_story",
}


def spec_for(network: str, surface: str = "feed") -> RenditionSpec | None:
    """The spec of a network surface; None where the network takes no images."""
    from chalicelib.networks.registry import NETWORK_IDS, get_limits

    if (network, surface) in _SURFACE_SPECS:
        return SPECS[_SURFACE_SPECS[(network, surface)]]
    if network not in NETWORK_IDS:
        return None
    limits = get_limits(network)
    if limits.images is None:
        return None
    return RenditionSpec.from_limits(limits, **FEED_EXTRAS.get(network, {}))


def image_targets() -> list[tuple[str, str]]:
    """Every (network, surface) that takes images: what the composer previews."""
    from chalicelib.networks.registry import NETWORK_IDS

    return [(n, "feed") for n in NETWORK_IDS if spec_for(n)] + list(_SURFACE_SPECS)


@dataclass(frozen=True)
class ImageFacts:
    content_type: str
    size: int
    width: int
    height: int
    frames: int = 1


def fits(image: ImageFacts, spec: RenditionSpec) -> bool:
    """True when the original can be sent as it is."""
    if image.content_type not in spec.content_types:
        return False
    limit = spec.gif_max_bytes if image.content_type == GIF and spec.gif_max_bytes else None
    if image.size > (limit or spec.max_bytes):
        return False
    ratio = image.width / image.height
    return not (
        (spec.min_aspect and ratio < spec.min_aspect - 1e-9)
        or (spec.max_aspect and ratio > spec.max_aspect + 1e-9)
        or (spec.min_width and image.width < spec.min_width)
        or (spec.max_width and image.width > spec.max_width)
        or (spec.max_long_edge and max(image.width, image.height) > spec.max_long_edge)
    )


@dataclass(frozen=True)
class Plan:
    """Crop (fractions of the upright image) and the output size in pixels."""

    crop: tuple[float, float, float, float]
    width: int
    height: int


def plan(width: int, height: int, spec: RenditionSpec, focal: tuple[float, float]) -> Plan:
    """Where to crop an upright `width` x `height` image and how big to make it."""
    crop_w, crop_h = float(width), float(height)
    ratio = width / height
    if spec.min_aspect and ratio < spec.min_aspect:
        crop_h = width / spec.min_aspect
    elif spec.max_aspect and ratio > spec.max_aspect:
        crop_w = height * spec.max_aspect
    left = _centred(focal[0] * width, crop_w, width)
    top = _centred(focal[1] * height, crop_h, height)
    crop = (left / width, top / height, (left + crop_w) / width, (top + crop_h) / height)

    scale = 1.0
    if spec.max_width and crop_w * scale > spec.max_width:
        scale = spec.max_width / crop_w
    if spec.max_long_edge and max(crop_w, crop_h) * scale > spec.max_long_edge:
        scale = spec.max_long_edge / max(crop_w, crop_h)
    if spec.min_width and crop_w * scale < spec.min_width:
        scale = spec.min_width / crop_w
    out_w = max(1, round(crop_w * scale))
    out_h = max(1, round(crop_h * scale))
    if spec.min_aspect and spec.min_aspect == spec.max_aspect:
        # A fixed ratio (9:16, 2:3) exactly: a whole number of ratio units.
        exact = Fraction(spec.min_aspect).limit_denominator(64)
        units = out_w // exact.numerator
        if units:
            return Plan(crop, units * exact.numerator, units * exact.denominator)
    return Plan(crop, out_w, _height_within(out_w, out_h, spec))


def _centred(centre: float, length: float, total: float) -> float:
    """The start of a `length` window around `centre`, kept inside [0, total]."""
    return min(max(centre - length / 2, 0.0), total - length)


def _height_within(width: int, height: int, spec: RenditionSpec) -> int:
    """Nudge a rounded height so width/height stays inside the aspect bounds (a fixed
    ratio such as 9:16 is met to the nearest pixel)."""
    if spec.min_aspect and spec.min_aspect == spec.max_aspect:
        return max(1, round(width / spec.min_aspect))
    if spec.min_aspect and width / height < spec.min_aspect:
        height = math.floor(width / spec.min_aspect)
    if spec.max_aspect and width / height > spec.max_aspect:
        height = math.ceil(width / spec.max_aspect)
    return max(1, height)


@dataclass(frozen=True)
class Rendered:
    data: bytes
    width: int
    height: int
    content_type: str = JPEG


class RenditionError(Exception):
    """The image cannot be made to fit (e.g. a byte limit below what its width allows)."""


def render(original: bytes, spec: RenditionSpec, focal: tuple[float, float]) -> Rendered:
    """A JPEG of `original` within `spec`, cropped around `focal` (fractions of the image)."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(original)) as source:
        upright = _upright_size(source)
        target = plan(*upright, spec, focal)
        # JPEG can decode at 1/2, 1/4 or 1/8 scale: much faster for big downscales.
        scale = target.width / ((target.crop[2] - target.crop[0]) * upright[0])
        if scale < 1:
            stored = source.size
            source.draft("RGB", (math.ceil(stored[0] * scale), math.ceil(stored[1] * scale)))
        image = _flatten(ImageOps.exif_transpose(source))
    box = (
        target.crop[0] * image.width,
        target.crop[1] * image.height,
        target.crop[2] * image.width,
        target.crop[3] * image.height,
    )
    width, height = target.width, target.height
    for _ in range(12):
        resized = image.resize((width, height), Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
        for quality in QUALITIES:
            data = _jpeg(resized, quality)
            if len(data) <= spec.max_bytes:
                return Rendered(data, width, height)
        shrink = min(0.9, math.sqrt(spec.max_bytes / len(data)) * 0.95)
        if spec.min_width and width * shrink < spec.min_width:
            raise RenditionError(f"cannot fit {spec.name}'s {spec.max_bytes} bytes")
        width = max(1, round(width * shrink))
        height = _height_within(width, max(1, round(height * shrink)), spec)
    raise RenditionError(f"cannot fit {spec.name}'s {spec.max_bytes} bytes")


def _upright_size(image: Image) -> tuple[int, int]:
    orientation = image.getexif().get(0x0112, 1)
    width, height = image.size
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _flatten(image: Image) -> Image:
    """RGB on white: JPEG has no transparency; an animated image keeps its first frame."""
    from PIL import Image as PILImage

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        canvas = PILImage.new("RGB", rgba.size, (255, 255, 255))
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return image.convert("RGB")


def _jpeg(image: Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    # No EXIF is carried over: renditions never leak a photo's location.
    image.save(buffer, "JPEG", quality=quality, optimize=True)
    return buffer.getvalue()
