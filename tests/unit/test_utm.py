"""Link tracking: UTM parameters added to a post's links for the network it goes to."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chalicelib.domain.utm import LinkTracking, tag_links

ON = LinkTracking(enabled=True, campaign="spring-sale")


@pytest.mark.parametrize(
    ("text", "tagged"),
    [
        (
            "Shop now https://example.com/shop",
            "Shop now https://example.com/shop?utm_source=linkedin&utm_medium=social&utm_campaign=spring-sale",
        ),
        (
            "https://example.com/a?ref=1#top and example.org.",
            "https://example.com/a?ref=1&utm_source=linkedin&utm_medium=social&utm_campaign=spring-sale#top"
            " and example.org?utm_source=linkedin&utm_medium=social&utm_campaign=spring-sale.",
        ),
        (
            "Kept: https://example.com/?utm_source=newsletter",
            "Kept: https://example.com/?utm_source=newsletter",
        ),
        ("X's own https://t.co/abc123", "X's own https://t.co/abc123"),
        ("No links, #tags and @people", "No links, #tags and @people"),
    ],
)
def test_each_link_is_tagged_for_the_network_unless_it_names_its_own(text, tagged):
    assert tag_links(text, "linkedin", ON) == tagged


def test_without_tracking_the_text_is_as_written():
    text = "https://example.com/shop"
    assert tag_links(text, "x", None) == text
    assert tag_links(text, "x", LinkTracking(enabled=False, campaign="c")) == text


def test_the_medium_is_social_unless_set_and_the_campaign_optional():
    tracking = LinkTracking(enabled=True, medium="paid-social")
    assert tag_links("example.com", "bluesky", tracking) == (
        "example.com?utm_source=bluesky&utm_medium=paid-social"
    )


@pytest.mark.parametrize("campaign", ["spring sale", "a&b=c", "", "x" * 61])
def test_a_campaign_that_would_break_a_url_is_refused(campaign):
    with pytest.raises(ValidationError):
        LinkTracking(enabled=True, campaign=campaign)
