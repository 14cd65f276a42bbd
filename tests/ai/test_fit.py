"""Captions fit each network's own count: a month of items on all ten networks, and the
ways a caption that does not fit is mended (written again once, then cut at a word)."""

from __future__ import annotations

import pytest

from chalicelib.ai.fit import counted, cut_caption, fit_caption, fits, max_chars, problems
from chalicelib.ai.offline import OfflineWriter
from chalicelib.ai.writer import BrandProfile, Brief, Caption
from chalicelib.domain.validation import TargetDraft, validate_target
from chalicelib.networks.registry import NETWORK_IDS, get_limits

PROFILE = BrandProfile(
    business_name="Crumb & Co",
    what_we_do=(
        "We bake slow-proved sourdough, laminated pastries and celebration cakes every "
        "morning in Chapel Allerton, with flour milled twenty miles away."
    ),
    audience="Local food lovers, families and the office crowd on their way in",
    voice="warm, local and a little bit proud",
    words_to_use=["sourdough", "fresh bread", "local bakery", "pastries"],
    words_to_avoid=["cheap"],
    colours=["#8b4513"],
)


def month_brief(month: str, **changes: object) -> Brief:
    values: dict[str, object] = {
        "month": month,
        "focus": "new_clients",
        "focus_details": "Bring a friend on their first visit and both get a free coffee 🎉☕",
        "promotion": True,
        "promotion_details": "20% off every celebration cake ordered before Mother's Day 💐",
        "tone": "playful",
        "pillars": ["baking tips", "behind the scenes", "our customers"],
    }
    values.update(changes)
    return Brief.model_validate(values)


def text_problems(network: str, caption: Caption) -> list[str]:
    draft = TargetDraft(
        target="acct", text=caption.full_text(), first_comment=caption.first_comment
    )
    found = validate_target(draft, get_limits(network))
    return [p.message for p in found if p.field in ("text", "first_comment")]


@pytest.mark.parametrize("tone", ["neutral", "educational", "promotional", "playful"])
def test_a_month_of_items_fits_every_network(tone: str) -> None:
    writer = OfflineWriter()
    brief = month_brief("2026-03", tone=tone)
    ideas = writer.outline(brief, PROFILE, 12).value
    assert len(ideas) == 12
    assert len({idea.title for idea in ideas}) == 12, "no title twice in a month"
    assert sum(idea.kind == "promo" for idea in ideas) == 3
    seen_texts: dict[str, set[str]] = {network: set() for network in NETWORK_IDS}
    for idea in ideas:
        for network in NETWORK_IDS:
            written = writer.caption(idea, brief, PROFILE, network, max_chars(network))
            caption = fit_caption(network, written.value)
            assert caption.text.strip(), (network, idea.title)
            assert text_problems(network, caption) == [], (network, idea.title)
            assert counted(network, caption.full_text()) <= get_limits(network).text.max_length
            seen_texts[network].add(caption.text)
    # Varied: a month on one network does not repeat a caption.
    for network, texts in seen_texts.items():
        assert len(texts) == 12, network


def test_a_tiny_room_still_gives_a_caption_that_fits() -> None:
    """A writer told to keep within 40 characters (say, a model ignoring the network's
    count) on every network: the cut keeps whole words and ends with an ellipsis."""
    writer = OfflineWriter()
    brief = month_brief("2026-11", tone="educational")
    for idea in writer.outline(brief, PROFILE, 12).value:
        for network in NETWORK_IDS:
            long = writer.caption(idea, brief, PROFILE, network, 5000).value
            times = max_chars(network) // len(long.text) + 2
            huge = Caption(text=(long.text + " ") * times, hashtags=long.hashtags * 5)
            caption = fit_caption(network, huge)
            assert fits(network, caption), network
            assert caption.text.endswith("…")
            words, known = caption.text[:-1].split(), set(huge.text.split())
            assert words and all(w in known for w in words[:-1])
            assert huge.text.startswith(caption.text[:-1].rstrip(" ,;:-"))


def test_regenerates_once_before_cutting() -> None:
    calls: list[int] = []

    def again() -> Caption:
        calls.append(1)
        return Caption(text="Fresh sourdough, every morning.", hashtags=["Sourdough"])

    too_long = Caption(text="word " * 100, hashtags=["Bread"])
    fitted = fit_caption("x", too_long, again)
    assert calls == [1]
    assert fitted.text == "Fresh sourdough, every morning."

    still_long = Caption(text="loaf " * 200)
    calls.clear()
    fitted = fit_caption("bluesky", still_long, lambda: calls.append(1) or still_long)
    assert calls == [1], "written again once, then cut"
    assert fitted.text.endswith("loaf…")
    assert counted("bluesky", fitted.full_text()) <= 300


def test_a_caption_that_fits_is_left_alone() -> None:
    caption = Caption(text="Fresh bread at 7.", hashtags=["Sourdough"], first_comment="Hi!")
    assert fit_caption("x", caption, lambda: pytest.fail("no second writing")) == caption


def test_x_counts_emoji_and_links_its_own_way() -> None:
    """X weighs an emoji as two and any link as 23: a text of 270 code points with emoji
    is too long for X though its len() is under 280."""
    text = "🥐" * 100 + " https://example.com/" + "a" * 200
    assert len("🥐" * 100) == 100 and counted("x", "🥐" * 100) == 200
    fitted = cut_caption("x", Caption(text="🥐" * 140))
    assert counted("x", fitted.full_text()) <= 280
    linked = cut_caption("x", Caption(text=text))
    assert counted("x", linked.full_text()) <= 280
    assert problems("x", linked) == []


def test_hashtags_go_before_words() -> None:
    text = "Fresh sourdough " * 16  # 255 characters: room for two of the three tags
    caption = Caption(text=text.strip(), hashtags=["Sourdough", "FreshBread", "LocalBakery"])
    fitted = cut_caption("x", caption)
    assert fitted.text == text.strip(), "the words stay whole while tags can go"
    assert fitted.hashtags == ["Sourdough", "FreshBread"]
    assert counted("x", fitted.full_text()) <= 280


def test_instagram_hashtag_cap_and_first_comments() -> None:
    tags = [f"tag{n}" for n in range(40)]
    fitted = cut_caption("instagram", Caption(text="Hello #inline", hashtags=tags))
    assert len(fitted.hashtags) == 29, "30 with the one in the text"
    assert fits("instagram", fitted)
    # YouTube has no first comment; LinkedIn's is capped at 1250.
    assert (
        cut_caption("youtube", Caption(text="Hi", first_comment="More below")).first_comment is None
    )
    comment = cut_caption("linkedin", Caption(text="Hi", first_comment="word " * 400)).first_comment
    assert comment is not None and comment.endswith("…") and len(comment) <= 1250
