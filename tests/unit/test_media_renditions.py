"""Renditions: for every network, a JPEG within its limits, cropped around the focal point."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from chalicelib.domain.validation import MediaFacts, TargetDraft, validate_target
from chalicelib.media.renditions import (
    SPECS,
    ImageFacts,
    RenditionSpec,
    fits,
    image_targets,
    plan,
    render,
    spec_for,
)
from chalicelib.networks.registry import NETWORK_IDS, get_limits
from tests.support.media_files import image_bytes

SOURCES = {
    # Noise compresses worst: it pushes every byte limit (bench/media.py times 12 MP).
    "noisy_3000x2000_jpeg": lambda: image_bytes("JPEG", (3000, 2000), noise=True, quality=95),
    "tall_transparent_png": lambda: image_bytes("PNG", (900, 3000), mode="RGBA"),
    "panorama_webp": lambda: image_bytes("WEBP", (5000, 1000)),
    "tiny_jpeg": lambda: image_bytes("JPEG", (200, 150)),
    "turned_phone_photo": lambda: image_bytes("JPEG", (1600, 1200), orientation=6),
}


@pytest.fixture(scope="module")
def sources() -> dict[str, bytes]:
    return {name: make() for name, make in SOURCES.items()}


TARGETS = [*image_targets(), ("library", "thumbnail")]


def _spec(network: str, surface: str) -> RenditionSpec:
    return SPECS["thumbnail"] if surface == "thumbnail" else spec_for(network, surface)


@pytest.mark.parametrize(("network", "surface"), TARGETS)
@pytest.mark.parametrize("source_name", sorted(SOURCES))
def test_every_rendition_is_within_its_networks_limits(sources, network, surface, source_name):
    spec = _spec(network, surface)
    made = render(sources[source_name], spec, (0.3, 0.6))
    image = Image.open(io.BytesIO(made.data))
    assert image.format == "JPEG"
    assert image.size == (made.width, made.height)
    assert len(made.data) <= spec.max_bytes
    ratio = made.width / made.height
    if spec.min_aspect == spec.max_aspect and spec.min_aspect:
        # A fixed ratio (Stories 9:16, Pinterest 2:3) is met exactly when the image is
        # at least one ratio unit wide, else to the nearest pixel.
        assert abs(made.height - made.width / spec.min_aspect) <= (0.5 if made.width < 9 else 1e-6)
    else:
        assert spec.min_aspect is None or ratio >= spec.min_aspect
        assert spec.max_aspect is None or ratio <= spec.max_aspect
    assert spec.max_width is None or made.width <= spec.max_width
    assert spec.min_width is None or made.width >= spec.min_width
    assert spec.max_long_edge is None or max(made.width, made.height) <= spec.max_long_edge


@pytest.mark.parametrize("network", [n for n in NETWORK_IDS if spec_for(n)])
@pytest.mark.parametrize("source_name", sorted(SOURCES))
def test_a_rendition_passes_the_post_validator_of_its_network(sources, network, source_name):
    spec = spec_for(network)
    made = render(sources[source_name], spec, (0.5, 0.5))
    facts = MediaFacts("m_1", made.content_type, len(made.data), made.width, made.height,
                       alt_text="A description")  # fmt: skip
    draft = TargetDraft(target="a_1", text="Hello", media=(facts,))
    problems = validate_target(draft, get_limits(network))
    assert [p for p in problems if p.field.startswith("media_ids")] == []


def test_the_limits_named_in_the_product_brief():
    assert spec_for("bluesky").max_bytes < 1_000_000
    assert spec_for("x").max_bytes <= 5 * 1024 * 1024
    assert (spec_for("instagram").min_aspect, spec_for("instagram").max_aspect) == (0.8, 1.91)
    assert spec_for("instagram").max_width == 1440
    assert spec_for("pinterest").min_aspect == spec_for("pinterest").max_aspect == 2 / 3
    assert spec_for("instagram", "story").min_aspect == 9 / 16
    assert spec_for("instagram", "reel").max_aspect == 9 / 16
    assert spec_for("youtube") is None
    assert spec_for("tiktok") is not None  # TikTok photo posts take images


def _two_colour_image() -> bytes:
    """Left half red, right half blue, 2000x1000."""
    image = Image.new("RGB", (2000, 1000), (220, 20, 20))
    image.paste((20, 20, 220), (1000, 0, 2000, 1000))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(("focal_x", "colour"), [(0.1, "red"), (0.9, "blue")])
def test_a_story_crop_keeps_what_is_around_the_focal_point(focal_x, colour):
    made = render(_two_colour_image(), spec_for("instagram", "story"), (focal_x, 0.5))
    red, _, blue = Image.open(io.BytesIO(made.data)).convert("RGB").resize((1, 1)).getpixel((0, 0))
    assert (red > blue) == (colour == "red")


def test_the_crop_window_stays_inside_the_image_at_the_edges():
    crop = plan(2000, 1000, spec_for("instagram", "story"), (1.0, 0.5)).crop
    assert crop[2] == pytest.approx(1.0)
    assert crop[0] > 0.5
    crop = plan(2000, 1000, spec_for("instagram", "story"), (0.0, 0.5)).crop
    assert crop[0] == 0.0


def test_an_instagram_portrait_at_exactly_4_5_is_not_cropped():
    result = plan(1080, 1350, spec_for("instagram"), (0.5, 0.5))
    assert result.crop == (0.0, 0.0, 1.0, 1.0)
    assert (result.width, result.height) == (1080, 1350)


def test_an_image_that_fits_is_sent_as_it_is():
    assert fits(ImageFacts("image/jpeg", 800_000, 1080, 1350), spec_for("instagram"))
    assert not fits(ImageFacts("image/png", 800_000, 1080, 1350), spec_for("instagram"))
    assert not fits(ImageFacts("image/jpeg", 800_000, 1080, 1400), spec_for("instagram"))
    assert not fits(ImageFacts("image/jpeg", 1_200_000, 1000, 1000), spec_for("bluesky"))
    assert fits(ImageFacts("image/gif", 12_000_000, 480, 270, frames=20), spec_for("x"))


def test_renditions_carry_no_exif_so_no_location_leaks():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {2: (48.0, 51.0, 24.0)}  # GPS latitude
    original = image_bytes("JPEG", (2000, 1500), exif=exif)
    made = render(original, spec_for("instagram"), (0.5, 0.5))
    assert not Image.open(io.BytesIO(made.data)).getexif()


def test_a_transparent_png_becomes_a_jpeg_on_white():
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    made = render(buffer.getvalue(), spec_for("instagram"), (0.5, 0.5))
    assert Image.open(io.BytesIO(made.data)).convert("RGB").getpixel((200, 200)) > (250, 250, 250)
