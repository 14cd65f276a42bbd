"""The offline writer: deterministic, shaped by the brief and the brand profile, each
network in its own habit, and a rewrite that does what it says."""

from __future__ import annotations

import re

from chalicelib.ai.offline import HABITS, OfflineWriter
from chalicelib.ai.writer import BrandProfile, Brief, SiteFacts

WRITER = OfflineWriter()
PROFILE = BrandProfile(
    business_name="Spoke & Chain",
    what_we_do="We repair and service bikes in Bristol, most of them the same day.",
    audience="Commuters and weekend riders",
    words_to_use=["bike repair", "cycling"],
    words_to_avoid=["care", "cheap"],
)
BRIEF = Brief(
    month="2026-10",
    focus="community",
    promotion=True,
    promotion_details="Free safety check with every service in October",
    tone="neutral",
    pillars=["maintenance tips", "group rides"],
)


def month(brief: Brief = BRIEF, network: str = "facebook") -> list[str]:
    ideas = WRITER.outline(brief, PROFILE, 12).value
    return [WRITER.caption(i, brief, PROFILE, network, 5000).value.full_text() for i in ideas]


def test_the_same_brief_writes_the_same_month_and_another_month_differs() -> None:
    assert month() == month()
    november = month(BRIEF.model_copy(update={"month": "2026-11"}))
    assert november != month()


def test_the_outline_follows_the_brief() -> None:
    ideas = WRITER.outline(BRIEF, PROFILE, 12).value
    promos = [n for n, i in enumerate(ideas) if i.kind == "promo"]
    assert len(promos) == 3 and promos[0] > 0 and promos[-1] - promos[0] >= 6, "spread"
    assert all(i.image_template == "promo" for i in ideas if i.kind == "promo")
    assert {i.pillar for i in ideas} == {"maintenance tips", "group rides"}
    assert all(len(i.headline) <= 40 for i in ideas)
    no_promo = WRITER.outline(BRIEF.model_copy(update={"promotion": False}), PROFILE, 8).value
    assert [i.kind for i in no_promo] == ["post"] * 8


def test_words_to_avoid_are_never_written() -> None:
    for network in HABITS:
        for text in month(network=network):
            assert not re.search(r"\b(care|cheap)\b", text, re.IGNORECASE), (network, text)


def test_each_network_in_its_habit() -> None:
    idea = WRITER.outline(BRIEF, PROFILE, 1).value[0]
    by_network = {n: WRITER.caption(idea, BRIEF, PROFILE, n, 5000).value for n in HABITS}
    assert len(by_network["x"].hashtags) <= 2 and len(by_network["x"].text) <= 200
    assert len(by_network["linkedin"].text) > len(by_network["x"].text)
    assert by_network["linkedin"].text.rstrip().endswith("?"), "LinkedIn ends on a question"
    # Instagram: a few tags on the caption, the rest in the first comment.
    instagram = by_network["instagram"]
    assert len(instagram.hashtags) == 3 and instagram.first_comment
    assert instagram.first_comment.count("#") >= 5
    assert all(t == t.lower() for t in instagram.hashtags)
    assert all(t[0].isupper() for t in by_network["mastodon"].hashtags), "CamelCase"
    assert by_network["youtube"].first_comment is None, "YouTube has no first comment"
    assert (
        "BikeRepair" in by_network["linkedin"].hashtags
        or "MaintenanceTips" in by_network["linkedin"].hashtags
    )


def test_rewrites() -> None:
    text = (
        "We really love fixing bikes. Every repair starts with a proper look at the frame. "
        "Then we true the wheels and check the brakes. Bring yours in any weekday!"
    )
    shorter = WRITER.rewrite(text, "x", "shorter", None, 280).value
    assert len(shorter) < len(text) and "really" not in shorter
    longer = WRITER.rewrite(text, "linkedin", "longer", None, 3000).value
    assert len(longer) > len(text) and "Then we true the wheels" in longer
    assert longer.count("\n\n") >= 4
    neutral = WRITER.rewrite(text + " 🚲", "facebook", "tone", "neutral", 63206).value
    assert "!" not in neutral and "🚲" not in neutral
    playful = WRITER.rewrite(text, "facebook", "tone", "playful", 63206).value
    assert playful != text and "!" in playful
    # Changing tone twice does not stack the first tone's words.
    again = WRITER.rewrite(playful, "facebook", "tone", "educational", 63206).value
    assert not any(p in again for p in ("Who's in?", "Fun fact:", "Plot twist:"))


def test_a_profile_from_site_facts() -> None:
    site = SiteFacts(
        url="http://127.0.0.1:8000/sites/bikes/",
        title="Spoke & Chain | Bike repair in Bristol",
        description="Same-day bike repair and servicing in Bristol.",
        headings=["Services", "Book a repair"],
        colours=["#0b6e4f", "#f2c14e"],
        logo="http://127.0.0.1:8000/sites/bikes/logo.png",
        key_phrases=["bike repair", "servicing", "same-day"],
    )
    profile = WRITER.profile(site).value
    assert profile.business_name == "Spoke & Chain"
    assert profile.what_we_do == "Same-day bike repair and servicing in Bristol."
    assert profile.colours == ["#0b6e4f", "#f2c14e"] and profile.logo_url == site.logo
    assert "bike repair" in profile.words_to_use
    assert profile.audience == "local riders and commuters"
    assert profile.written_by == "offline" and profile.website == site.url
