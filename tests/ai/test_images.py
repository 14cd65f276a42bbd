"""Issue 24: branded template images (chalicelib.ai.images): sizes, brand colours,
readable text, headlines that fit, and the media library holding them as ready media."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from PIL import Image

from chalicelib.ai.images import (
    PREFERRED_SIZES,
    SQUARE,
    TEMPLATES,
    compose,
    contrast,
    fit,
    font,
    image_sizes,
    palette,
    render_image,
    store_item_images,
)
from chalicelib.ai.writer import BrandProfile
from chalicelib.errors import ValidationFailed
from chalicelib.media import renditions
from local.sandbox.sites import _logo_png
from tests.support.factories import call, signup

BAKERY = BrandProfile(business_name="Crumb & Co. Bakery", colours=["#8b4513", "#f4a261"])
HEADLINE = "Sourdough rises for 36 hours before it meets the oven"
# Brand colours that test the contrast rules: mid greys and yellows read with neither
# white nor their own shade at first; white and black brands; a saturated red.
AWKWARD = ["#777777", "#e9c46a", "#2a9d8f", "#ff0000", "#ffffff", "#000000", "#f4a261"]


def hexes(image: Image.Image, box: tuple[int, int, int, int] | None = None) -> Counter[str]:
    region = (image.crop(box) if box else image).convert("RGB")
    colours = region.getcolors(maxcolors=region.width * region.height) or []
    return Counter({bytes(rgb).hex(): count for count, rgb in colours})


def test_image_sizes_are_the_square_and_each_networks_preferred_size_once():
    assert image_sizes(["x", "instagram", "pinterest", "instagram", "linkedin"]) == [
        (1080, 1080),
        (1080, 1350),
        (1000, 1500),
    ]
    assert image_sizes([]) == [SQUARE]


@pytest.mark.parametrize("network", sorted(PREFERRED_SIZES))
def test_a_preferred_size_has_the_networks_shape_so_nothing_is_cropped(network):
    width, height = PREFERRED_SIZES[network]
    spec = renditions.spec_for(network)
    assert spec is not None
    planned = renditions.plan(width, height, spec, (0.5, 0.5))
    assert planned.crop == (0.0, 0.0, 1.0, 1.0)
    # ... and it is a size the square does not already serve as it is.
    assert not renditions.fits(renditions.ImageFacts(renditions.PNG, 100_000, *SQUARE), spec)


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("size", [SQUARE, *PREFERRED_SIZES.values()])
def test_every_template_renders_a_png_at_every_size(template, size):
    data = render_image(template, HEADLINE, BAKERY, *size, logo=_logo_png("bakery"))
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        assert image.size == size


def test_the_brand_colours_and_the_logo_are_in_the_image():
    image, layout = compose("quote", HEADLINE, BAKERY, *SQUARE, logo=_logo_png("bakery"))
    colours = hexes(image)
    # The quote is the brand's main colour, full bleed; its accent marks the quote.
    assert colours.most_common(1)[0][0] == "8b4513"
    assert colours["f4a261"] > 1000
    # The logo sits on a white tile in the footer, with its two colours.
    footer = hexes(image, (0, layout.box[3], 300, SQUARE[1]))
    assert footer["ffffff"] > 500 and footer["f4a261"] > 500


def test_the_tip_is_a_tint_of_the_brand_with_the_brands_own_colour_as_text():
    image, layout = compose("tip", HEADLINE, BAKERY, *SQUARE)
    background, headline = layout.palette.background, layout.palette.headline
    assert hexes(image).most_common(1)[0][0] == background.lstrip("#")
    # Reddish-brown text on a light brown tint, not plain black on white.
    red, green, blue = (int(headline[i : i + 2], 16) for i in (1, 3, 5))
    assert red > green > blue
    red, green, blue = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    assert min(red, green, blue) > 200 and red > blue


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("primary", AWKWARD)
def test_text_colours_reach_a_contrast_of_4_5_whatever_the_brand(template, primary):
    profile = BrandProfile(business_name="Any", colours=[primary, "#e9c46a"])
    colours = palette(template, profile)
    assert contrast(colours.headline, colours.background) >= 4.5
    assert contrast(colours.footer, colours.background) >= 4.5
    assert contrast(colours.label, colours.label_background) >= 4.5


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("primary", ["#777777", "#e9c46a", "#2a9d8f"])
def test_the_drawn_headline_reads_on_its_background(template, primary):
    """Measured on the pixels: the headline's box holds its background and its text,
    the two most common colours there, at a contrast of at least 4.5."""
    profile = BrandProfile(business_name="Any", colours=[primary, "#264653"])
    image, layout = compose(template, "Big news for every reader", profile, *SQUARE)
    (first, _), (second, _) = hexes(image, layout.box).most_common(2)
    assert contrast(f"#{first}", f"#{second}") >= 4.5
    assert {f"#{first}", f"#{second}"} == {layout.palette.background, layout.palette.headline}


@pytest.mark.parametrize(
    "headline",
    [
        "Fresh bread " * 25,  # 300 characters: many lines at a smaller size
        "Supercalifragilisticexpialidocious" * 3,  # one word wider than the image
    ],
)
@pytest.mark.parametrize("template", TEMPLATES)
def test_a_long_headline_is_wrapped_and_shrunk_to_fit_its_box(template, headline):
    _, short = compose(template, "Fresh bread", BAKERY, *SQUARE)
    _, layout = compose(template, headline, BAKERY, *SQUARE)
    left, top, right, bottom = layout.box
    face = font(layout.fitted.size)
    assert layout.fitted.size < short.fitted.size
    assert len(layout.fitted.lines) > 1
    assert all(face.getlength(line) <= right - left for line in layout.fitted.lines)
    assert layout.fitted.height <= bottom - top
    # Every character made it (nothing cut): the lines hold the whole headline.
    assert "".join(layout.fitted.lines).replace(" ", "") == headline.replace(" ", "")


def test_a_headline_too_long_for_an_image_is_cut_at_a_word_with_an_ellipsis():
    _, layout = compose("tip", "word " * 2000, BAKERY, 1080, 1080)
    text = " ".join(layout.fitted.lines)
    assert text.endswith("word…") and len(text) <= 300
    assert layout.fitted.height <= layout.box[3] - layout.box[1]


def test_at_the_smallest_size_the_lines_that_fit_end_in_an_ellipsis():
    fitted = fit("one two three four five six seven eight nine ten", 200, 80, 40, 30)
    assert fitted.size == 30
    assert fitted.height <= 80
    assert fitted.lines[-1].endswith("…")
    assert all(font(30).getlength(line) <= 200 for line in fitted.lines)


def test_emoji_the_font_cannot_draw_are_left_out_of_the_image_not_boxed():
    _, layout = compose("promo", "Fresh 🥐 croissants ❤️ today 👩‍🍳!", BAKERY, *SQUARE)
    assert " ".join(layout.fitted.lines) == "Fresh croissants today !"


def test_a_script_the_font_lacks_is_left_out_and_the_name_stands_in_when_nothing_is_left():
    _, mixed = compose("tip", "Café 中文 Ελληνικά", BAKERY, *SQUARE)
    assert " ".join(mixed.fitted.lines) == "Café Ελληνικά"
    _, none = compose("tip", "新鲜面包", BAKERY, *SQUARE)
    assert " ".join(none.fitted.lines) == BAKERY.business_name


def test_an_unknown_template_is_refused_naming_the_field():
    with pytest.raises(ValidationFailed) as raised:
        render_image("poster", HEADLINE, BAKERY, *SQUARE)
    assert raised.value.details[0]["field"] == "image_template"


def test_an_unreadable_logo_leaves_the_name_alone():
    image, layout = compose("quote", HEADLINE, BAKERY, *SQUARE, logo=b"<svg></svg>")
    footer = hexes(image, (0, layout.box[3], SQUARE[0], SQUARE[1]))
    assert footer["ffffff"] > 300  # the name, in white on the brown
    assert footer["f4a261"] == 0  # no logo tile


def test_stored_images_are_ready_media_in_the_library_with_network_renditions(client, monkeypatch):
    from chalicelib.settings import get_settings
    from chalicelib.store import media as store
    from tests.support.sandbox import running_sandbox

    monkeypatch.setenv("SCHEDULO_ALLOW_LOOPBACK_FETCH", "1")
    get_settings.cache_clear()
    owner = signup(client)
    with running_sandbox() as sandbox:
        profile = BAKERY.model_copy(update={"logo_url": f"{sandbox.url}/sites/bakery/logo.png"})
        media_id = store_item_images(
            owner.workspace_id, owner.user_id, "promo", HEADLINE, profile, ["x", "pinterest"]
        )

    listed = call(client, "GET", f"/v1/workspaces/{owner.workspace_id}/media", None, owner.headers)
    assert listed.status_code == 200
    (item,) = [m for m in listed.json["items"] if m["id"] == media_id]
    assert item["status"] == "ready"
    assert (item["content_type"], item["width"], item["height"]) == ("image/png", 1080, 1080)
    assert item["alt_text"] == HEADLINE
    assert item["thumbnail_url"]
    assert set(item["tags"]) == {"ai", "promo"}
    assert store.get(owner.workspace_id, media_id).created_by == owner.user_id

    def rendition(network: str) -> dict:
        answer = call(
            client,
            "GET",
            f"/v1/workspaces/{owner.workspace_id}/media/{media_id}/renditions/{network}",
            None,
            owner.headers,
        )
        assert answer.status_code == 200, answer.body
        return answer.json

    # X takes the square PNG as it is; Pinterest gets the template drawn as a 2:3 pin.
    assert rendition("x")["is_rendition"] is False
    pin = rendition("pinterest")
    assert (pin["is_rendition"], pin["width"], pin["height"]) == (True, 1000, 1500)
    assert store.get(owner.workspace_id, media_id).rendition("pinterest") is not None

    # The logo was drawn from the profile's logo URL: its colours are in the image.
    import requests

    original = requests.get(item["url"], timeout=10).content
    with Image.open(io.BytesIO(original)) as image:
        footer = hexes(image, (0, 800, 300, 1080))
    assert footer["ffffff"] > 500 and footer["f4a261"] > 500  # the logo's tile and centre


def test_another_workspace_cannot_see_the_stored_image(client):
    owner, stranger = signup(client), signup(client)
    media_id = store_item_images(
        owner.workspace_id, owner.user_id, "tip", HEADLINE, BAKERY, ["instagram"]
    )
    seen = call(
        client,
        "GET",
        f"/v1/workspaces/{stranger.workspace_id}/media/{media_id}",
        None,
        stranger.headers,
    )
    assert seen.status_code == 404
    mine = call(
        client, "GET", f"/v1/workspaces/{owner.workspace_id}/media/{media_id}", None, owner.headers
    )
    assert mine.status_code == 200 and mine.json["status"] == "ready"


def _stored_square(workspace_id: str, media_id: str) -> Image.Image:
    from chalicelib.media.library import file_for_target

    return Image.open(io.BytesIO(file_for_target(workspace_id, media_id, "x").read()))


def test_the_logo_comes_from_the_workspaces_library_and_never_another_workspaces(
    client, monkeypatch
):
    """A profile's logo_media_id is read in the workspace drawing the image: another
    workspace's media id (say, written into a PUT /brand) draws no logo from it."""
    from chalicelib.media.library import import_from_url
    from chalicelib.settings import get_settings
    from tests.support.sandbox import running_sandbox

    monkeypatch.setenv("SCHEDULO_ALLOW_LOOPBACK_FETCH", "1")
    get_settings.cache_clear()
    owner, stranger = signup(client), signup(client)
    with running_sandbox() as sandbox:
        logo = import_from_url(
            owner.workspace_id,
            f"{sandbox.url}/sites/bakery/logo.png",
            max_bytes=1_000_000,
            created_by=owner.user_id,
        )
    profile = BAKERY.model_copy(update={"logo_media_id": logo.media_id})

    mine = store_item_images(owner.workspace_id, owner.user_id, "quote", HEADLINE, profile, [])
    theirs = store_item_images(
        stranger.workspace_id, stranger.user_id, "quote", HEADLINE, profile, []
    )

    footer = (0, 800, 300, 1080)
    with _stored_square(owner.workspace_id, mine) as image:
        drawn = hexes(image, footer)
    assert drawn["ffffff"] > 500 and drawn["f4a261"] > 500  # the tile and the logo's centre
    with _stored_square(stranger.workspace_id, theirs) as image:
        drawn = hexes(image, footer)
    assert drawn["f4a261"] == 0  # no logo: the name alone
