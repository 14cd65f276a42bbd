"""Branded post images from templates (quote, tip, promo, announcement), drawn with Pillow
in the brand's colours with its logo and a headline, and stored in the media library.

Text is always readable: its colour is chosen against the flat background it sits on for
a WCAG contrast ratio of at least 4.5 (white or near-black when a brand colour cannot
reach it), and the headline is wrapped and shrunk until it fits its box (cut with an
ellipsis only at the smallest size). The font ships with the code (`fonts/`: DejaVu Sans
Bold, Bitstream Vera licence), so the images look the same everywhere.

Sizes: the 1080x1080 square is the media item, and goes as it is to every network that
takes a square PNG. Where a network would not take it as it is (Instagram and TikTok want
JPEG, Pinterest a 2:3 pin) the media library would crop and convert the square; instead
the template is drawn again at the network's preferred size and stored as that network's
rendition, so no crop cuts the text (`store_item_images`).
"""

from __future__ import annotations

import functools
import io
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from chalicelib.ai.writer import BrandProfile
from chalicelib.errors import invalid

if TYPE_CHECKING:
    from PIL.Image import Image
    from PIL.ImageDraw import ImageDraw
    from PIL.ImageFont import FreeTypeFont

FONT_PATH = Path(__file__).parent / "fonts" / "DejaVuSans-Bold.ttf"
TEMPLATES: tuple[str, ...] = ("quote", "tip", "promo", "announcement")
SQUARE = (1080, 1080)
# Where a network's feed would not take the square as it is: the shape it shows best.
PREFERRED_SIZES: dict[str, tuple[int, int]] = {
    "instagram": (1080, 1350),  # 4:5, the tallest the feed shows uncropped
    "pinterest": (1000, 1500),  # 2:3, the pin shape (renditions' FEED_EXTRAS)
    "tiktok": (1080, 1920),  # 9:16, photo mode fills the screen
}
MIN_CONTRAST = 4.5
DEFAULT_COLOURS = ("#4b3fd6", "#f2b705")
WHITE, INK = "#ffffff", "#111111"
HEADLINE_MAX_CHARS = 300
# Templates' small labels (the headline says the rest).
LABELS = {"tip": "TIP", "promo": "OFFER", "announcement": "NEWS", "quote": ""}


# --- colours --------------------------------------------------------------------------


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(a: str, b: str, amount: float) -> str:
    """`a` moved `amount` (0..1) of the way to `b`."""
    return _hex(tuple(x + (y - x) * amount for x, y in zip(_rgb(a), _rgb(b), strict=True)))  # type: ignore[arg-type]


def text_colour(background: str, preferred: str | None = None) -> str:
    """`preferred` if it reads on `background` (contrast >= 4.5), else it darkened or
    lightened until it does, else white or near-black, whichever reads better. (Mid
    tones such as #777777 read with neither: `readable` darkens those backgrounds.)"""
    if preferred:
        if contrast(preferred, background) >= MIN_CONTRAST:
            return preferred
        towards = INK if luminance(background) > 0.18 else WHITE
        for step in range(1, 10):
            shade = mix(preferred, towards, step / 10)
            if contrast(shade, background) >= MIN_CONTRAST:
                return shade
    return max((WHITE, INK), key=lambda c: contrast(c, background))


def readable(background: str, preferred: str | None = None) -> tuple[str, str]:
    """(background, text) at a contrast of at least 4.5: the text colour from
    `text_colour`, and where even white or near-black fall short, the background moved
    away from the text a step at a time (darker under white, lighter under black)."""
    text = text_colour(background, preferred)
    away = INK if text == WHITE or luminance(text) > luminance(background) else WHITE
    step = 0
    while contrast(text, background) < MIN_CONTRAST and step < 20:
        step += 1
        background = mix(background, away, 0.05)
    return background, text


@dataclass(frozen=True)
class Palette:
    background: str
    headline: str  # on background
    accent: str  # decoration only, never behind text
    label_background: str
    label: str  # on label_background
    footer: str  # the business name, on background


def palette(template: str, profile: BrandProfile) -> Palette:
    """The template's colours from the brand's, every text colour checked for contrast."""
    colours = [c.lower() for c in profile.colours if re.fullmatch(r"#[0-9a-fA-F]{6}", c)]
    primary = colours[0] if colours else DEFAULT_COLOURS[0]
    accent = colours[1] if len(colours) > 1 else DEFAULT_COLOURS[1]
    if template == "tip":
        # A light tint of the brand with its own colour (darkened if need be) as text.
        background, headline = readable(mix(primary, WHITE, 0.88), mix(primary, INK, 0.35))
        label_background = primary
    elif template == "promo":
        background, headline = readable(accent)
        label_background = primary
    else:  # quote, announcement: the brand's main colour, full bleed
        base = primary if template == "quote" else mix(primary, INK, 0.25)
        background, headline = readable(base)
        label_background = accent
    label_background, label = readable(label_background)
    return Palette(
        background=background,
        headline=headline,
        accent=accent if template != "promo" else primary,
        label_background=label_background,
        label=label,
        footer=headline if template != "tip" else text_colour(background),
    )


# --- text -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def font(size: int) -> FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT_PATH), size)


def wrap(text: str, face: FreeTypeFont, width: float) -> list[str]:
    """Greedy word wrap to `width` pixels; a word wider than a line is split."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while face.getlength(word) > width and len(word) > 1:
            cut = _head_that_fits(word, face, width)
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{line} {word}" if line else word
        if face.getlength(candidate) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _head_that_fits(word: str, face: FreeTypeFont, width: float) -> int:
    """How many of the word's first characters fit on a line (at least one)."""
    cut = 1
    for end in range(2, len(word) + 1):
        if face.getlength(word[:end]) > width:
            break
        cut = end
    return cut


@dataclass(frozen=True)
class Fitted:
    size: int
    lines: list[str]
    line_height: int

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)


def fit(text: str, width: int, height: int, largest: int, smallest: int) -> Fitted:
    """The largest font size (down from `largest`) at which `text` wrapped to `width`
    fits `height`; at `smallest`, the lines that fit, the last ending in an ellipsis."""
    size = largest
    while True:
        face = font(size)
        line_height = round(size * 1.18)
        lines = wrap(text, face, width)
        if len(lines) * line_height <= height or size <= smallest:
            break
        size = max(smallest, int(size * 0.92))
    room = max(1, height // line_height)
    if len(lines) > room:
        lines = lines[:room]
        last = lines[-1]
        while last and face.getlength(last + "…") > width:
            last = last[:-1].rstrip()
        lines[-1] = last + "…"
    return Fitted(size, lines, line_height)


# --- drawing --------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Where the headline went: for tests and for anyone placing more on the image."""

    box: tuple[int, int, int, int]  # left, top, right, bottom available to the headline
    fitted: Fitted
    palette: Palette


def render_image(
    template: str,
    headline: str,
    profile: BrandProfile,
    width: int,
    height: int,
    logo: bytes | None = None,
) -> bytes:
    """The template drawn at `width` x `height` as a PNG."""
    image, _ = compose(template, headline, profile, width, height, logo)
    buffer = io.BytesIO()
    # Flat colour compresses well at any level; the lowest is the quickest by a third.
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def compose(
    template: str,
    headline: str,
    profile: BrandProfile,
    width: int,
    height: int,
    logo: bytes | None = None,
) -> tuple[Image, Layout]:
    from PIL import Image, ImageDraw

    if template not in TEMPLATES:
        raise invalid("image_template", f"must be one of {', '.join(TEMPLATES)}")
    headline = _shortened(drawable(headline)) or drawable(profile.business_name)
    colours = palette(template, profile)
    image = Image.new("RGB", (width, height), colours.background)
    draw = ImageDraw.Draw(image)
    unit = min(width, height)
    margin = round(unit * 0.08)
    footer_height = round(unit * 0.14)
    top = margin

    # Decoration first, away from where text goes.
    if template == "quote":
        draw.text(
            (margin, margin - unit * 0.06),
            "\u201c",
            font=font(round(unit * 0.3)),
            fill=colours.accent,
        )
        top = margin + round(unit * 0.2)
    elif template == "announcement":
        draw.rectangle((0, height - round(unit * 0.03), width, height), fill=colours.accent)
    elif template == "promo":
        # Small enough to stay clear of the headline's box in the corner it sits in.
        radius = round(unit * 0.2)
        draw.ellipse((width - radius, -radius, width + radius, radius), fill=colours.accent)
        draw.rectangle((0, height - round(unit * 0.03), width, height), fill=colours.accent)
    elif template == "tip":
        draw.rectangle((0, 0, round(unit * 0.025), height), fill=colours.label_background)

    label = LABELS[template]
    if label:
        top = _label(draw, label, margin, top, unit, colours) + round(unit * 0.05)

    bottom = height - margin - footer_height
    box = (margin, top, width - margin, bottom)
    fitted = fit(
        headline, box[2] - box[0], box[3] - box[1], round(unit * 0.11), round(unit * 0.035)
    )
    face = font(fitted.size)
    centred = template in ("quote", "promo")
    y = top + ((box[3] - box[1]) - fitted.height) // 2
    for line in fitted.lines:
        x = (width - face.getlength(line)) / 2 if centred else margin
        draw.text((x, y), line, font=face, fill=colours.headline)
        y += fitted.line_height

    _footer(image, draw, profile, logo, margin, height - margin - footer_height, unit, colours)
    return image, Layout(box, fitted, colours)


def _label(draw: ImageDraw, text: str, left: int, top: int, unit: int, colours: Palette) -> int:
    """A pill with the template's label; returns its bottom."""
    face = font(round(unit * 0.04))
    pad_x, pad_y = round(unit * 0.025), round(unit * 0.015)
    text_width = face.getlength(text)
    ascent, descent = face.getmetrics()
    bottom = top + ascent + descent + 2 * pad_y
    draw.rounded_rectangle(
        (left, top, left + text_width + 2 * pad_x, bottom),
        radius=(bottom - top) // 2,
        fill=colours.label_background,
    )
    draw.text((left + pad_x, top + pad_y), text, font=face, fill=colours.label)
    return bottom


def _footer(
    image: Image,
    draw: ImageDraw,
    profile: BrandProfile,
    logo: bytes | None,
    left: int,
    top: int,
    unit: int,
    colours: Palette,
) -> None:
    """The logo on a white tile (it reads on any background), then the business name."""
    size = round(unit * 0.12)
    x = left
    mark = _logo_image(logo, size - round(unit * 0.02)) if logo else None
    if mark is not None:
        draw.rounded_rectangle((x, top, x + size, top + size), radius=size // 6, fill=WHITE)
        image.paste(mark, (x + (size - mark.width) // 2, top + (size - mark.height) // 2), mark)
        x += size + round(unit * 0.03)
    name = drawable(profile.business_name)
    if name:
        room = image.width - left - x
        fitted = fit(name, room, size, round(unit * 0.045), round(unit * 0.025))
        face = font(fitted.size)
        draw.text(
            (x, top + (size - fitted.line_height) // 2),
            fitted.lines[0],
            font=face,
            fill=colours.footer,
        )


def _logo_image(data: bytes, box: int) -> Image | None:
    """The logo as RGBA within `box` pixels; None when Pillow cannot read it (SVG)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as source:
            if source.width * source.height > 16_000_000:
                return None
            source.draft("RGB", (box * 2, box * 2))
            mark = source.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    mark.thumbnail((box, box), Image.Resampling.LANCZOS)
    return mark


# --- sizes and the media library ------------------------------------------------------


def image_sizes(networks: list[str]) -> list[tuple[int, int]]:
    """The square, then each network's preferred size where it has one; no duplicates."""
    sizes = [SQUARE]
    for network in networks:
        size = PREFERRED_SIZES.get(network)
        if size and size not in sizes:
            sizes.append(size)
    return sizes


def store_item_images(
    workspace_id: str,
    user_id: str,
    template: str,
    headline: str,
    profile: BrandProfile,
    networks: list[str],
) -> str:
    """Render the template, store it as a READY media item of the workspace (the square
    PNG, inspected and thumbnailed as an upload is) with the headline as alt text, and
    register a rendition drawn at each of `networks`' preferred sizes where the library
    would otherwise crop or convert the square. Returns the media id."""
    from chalicelib.aws import client
    from chalicelib.media import library, renditions, uploads
    from chalicelib.settings import get_settings
    from chalicelib.store import media as store

    logo = logo_bytes(workspace_id, profile)
    png = render_image(template, headline, profile, *SQUARE, logo=logo)
    media_id = store.new_media_id()
    filename = f"{template}-{_slug(headline)}.png"
    key = uploads.upload_key(workspace_id, media_id, filename)
    s3 = client("s3")
    bucket = get_settings().media_bucket
    s3.put_object(Bucket=bucket, Key=key, Body=png, ContentType=renditions.PNG)
    store.create(
        workspace_id,
        media_id,
        filename=filename,
        declared_content_type=renditions.PNG,
        declared_size=len(png),
        max_bytes=len(png),
        upload_key=key,
        created_by=user_id,
        alt_text=_shortened(headline) or profile.business_name,
        tags=["ai", template],
    )
    item = library.complete_upload(workspace_id, media_id)

    square = renditions.ImageFacts(renditions.PNG, len(png), *SQUARE)
    for network in dict.fromkeys(networks):
        spec = renditions.spec_for(network)
        size = PREFERRED_SIZES.get(network)
        if spec is None or size is None or renditions.fits(square, spec):
            continue
        drawn, _ = compose(template, headline, profile, *size, logo=logo)
        # Handed over uncompressed (BMP): encoding a PNG only to decode it costs more
        # than the drawing itself.
        buffer = io.BytesIO()
        drawn.save(buffer, "BMP")
        # The library's encoder: JPEG within the network's bytes and width; the drawing
        # already has the network's shape, so nothing is cropped.
        made = renditions.render(buffer.getvalue(), spec, item.focal)
        rendition_key = uploads.rendition_key(workspace_id, media_id, spec.name, item.focal)
        s3.put_object(
            Bucket=bucket, Key=rendition_key, Body=made.data, ContentType=made.content_type
        )
        item = store.add_rendition(
            item,
            spec.name,
            {
                "key": rendition_key,
                "size": len(made.data),
                "width": made.width,
                "height": made.height,
                "focal_x": item.focal[0],
                "focal_y": item.focal[1],
            },
        )
    return media_id


def drawable(text: str) -> str:
    """`text` without what the shipped font has no glyph for and would draw as boxes:
    emoji and other pictographs, their joiners and variation selectors, and scripts
    DejaVu lacks (CJK)."""
    import unicodedata

    kept = (
        c
        for c in text
        if unicodedata.category(c) not in ("So", "Cs", "Co", "Cn")
        and not ("\ufe00" <= c <= "\ufe0f" or c == "\u200d")
        and (c.isspace() or has_glyph(c))
    )
    return re.sub(r"\s+", " ", "".join(kept)).strip()


@functools.lru_cache(maxsize=4096)
def has_glyph(char: str) -> bool:
    """False when the font draws `char` as its missing-glyph box."""
    face = font(40)
    return bytes(face.getmask(char)) != _missing_glyph()


@functools.lru_cache(maxsize=1)
def _missing_glyph() -> bytes:
    return bytes(font(40).getmask("\U0010fffd"))  # a private-use code point: never drawn


def _shortened(headline: str) -> str:
    """At most HEADLINE_MAX_CHARS, cut at a word boundary with an ellipsis."""
    text = re.sub(r"\s+", " ", headline).strip()
    if len(text) <= HEADLINE_MAX_CHARS:
        return text
    cut = text[: HEADLINE_MAX_CHARS - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:-") + "…"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "image"


# A plan draws a dozen images with one logo: fetched once a few minutes.
LOGO_CACHE_SECONDS = 300.0
_logos: dict[str, tuple[float, bytes | None]] = {}


def logo_bytes(workspace_id: str, profile: BrandProfile) -> bytes | None:
    """The brand's logo: its media item when it has one, else its URL (guarded fetch,
    2 MB); None when neither can be read (the image then shows the name alone)."""
    source = (
        f"{workspace_id}/{profile.logo_media_id}" if profile.logo_media_id else profile.logo_url
    )
    if not source:
        return None
    cached = _logos.get(source)
    if cached and time.monotonic() - cached[0] < LOGO_CACHE_SECONDS:
        return cached[1]
    data = _read_logo(workspace_id, profile)
    if len(_logos) > 32:
        _logos.clear()
    _logos[source] = (time.monotonic(), data)
    return data


def _read_logo(workspace_id: str, profile: BrandProfile) -> bytes | None:
    from chalicelib.errors import ApiError

    if profile.logo_media_id:
        from chalicelib.store import media as store

        try:
            item = store.get(workspace_id, profile.logo_media_id)
            if item.status == store.READY and item.key and (item.size or 0) <= 10 * 1024**2:
                return _read_key(item.key)
        except ApiError:
            pass
    if profile.logo_url:
        from chalicelib.media.fetch import FetchError, FetchLimits, fetch
        from chalicelib.settings import get_settings

        chunks: list[bytes] = []
        try:
            fetch(
                profile.logo_url,
                FetchLimits(
                    max_bytes=2 * 1024**2,
                    timeout_seconds=5,
                    allow_loopback=get_settings().allow_loopback_fetch,
                ),
                chunks.append,
            )
        except FetchError:
            return None
        return b"".join(chunks)
    return None


def _read_key(key: str) -> bytes:
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    body: bytes = (
        client("s3").get_object(Bucket=get_settings().media_bucket, Key=key)["Body"].read()
    )
    return body
