"""Link tracking: the links of a post tagged with UTM parameters for the network it goes
to, so the business's web analytics can tell which network sent a visitor, and, when the
workspace asks, each link replaced by a short link of its own that redirects to it.

A workspace setting says whether links are tagged and with which medium and campaign;
`utm_source` is the network. A link that already names any `utm_` parameter is left as
the user wrote it, and so are X's own t.co links. The text as sent (tagged, then
shortened) is what is counted against the network's limit and what is published.

A short link is `<short_base>/<code>`, its code always SHORT_CODE_LENGTH characters: a
text is checked with a stand-in of the very same length before any code exists (codes
are made when the post is published: chalicelib/posts/short_links.py).

>>> tag_links("See example.com/shop!", "x", LinkTracking(enabled=True, campaign="spring"))
'See example.com/shop?utm_source=x&utm_medium=social&utm_campaign=spring!'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from pydantic import ConfigDict, Field, StringConstraints

from chalicelib.domain.model import Model

# What a campaign or medium may hold: what reads well in a URL and in analytics reports.
TagValue = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=60, pattern=r"^[A-Za-z0-9._-]+$"
    ),
]


class LinkTracking(Model):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(False, description="tag every link of every post")
    medium: TagValue = Field("social", description="`utm_medium`")
    campaign: TagValue | None = Field(None, description="`utm_campaign`, if any")
    shorten: bool = Field(
        False,
        description="replace each link (tagged when tagging is on) by a short link of the "
        "workspace's own that redirects to it and counts its clicks",
    )


class TrackingInForce(LinkTracking):
    """Link tracking as a post is checked and sent: with the base its short links take
    (a deployment setting, kept with the post so it goes out as it was checked)."""

    short_base: str | None = None


# Base62 codes of 8 characters: 2.2e14 of them, so codes made from a hash rarely meet.
SHORT_CODE_LENGTH = 8
SHORT_CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def link_tracking_of(stored: dict | None, short_base: str | None = None) -> TrackingInForce | None:
    """A workspace's (or a post's) link tracking as stored; None when it is off.

    `short_base` is the deployment's; a post's own (kept when it was checked) wins."""
    if not stored:
        return None
    return TrackingInForce.model_validate({"short_base": short_base, **stored})


def links_as_sent(
    text: str,
    network: str,
    tracking: LinkTracking | None,
    shorten: Callable[[str], str] | None = None,
) -> str:
    """`text` as `network` receives it: links tagged, then shortened when the workspace
    asks. `shorten(url)` gives a link's short link; without it (a check before anything
    is published) a stand-in of the same length takes its place."""
    tagged = tag_links(text, network, tracking)
    base = tracking.short_base if isinstance(tracking, TrackingInForce) else None
    if tracking is None or not tracking.shorten or not base:
        return tagged
    from chalicelib.domain.text import extract_urls

    stand_in = f"{base.rstrip('/')}/{SHORT_CODE_ALPHABET[0] * SHORT_CODE_LENGTH}"
    sent = tagged
    for link in reversed(extract_urls(tagged)):
        if not shortenable(link.value, base):
            continue
        short = shorten(absolute(link.value)) if shorten else stand_in
        sent = sent[: link.start] + short + sent[link.end :]
    return sent


def shortenable(url: str, short_base: str) -> bool:
    """X wraps every link in its own t.co; a link already short is left alone."""
    host = urlsplit(absolute(url)).netloc.lower()
    return host != "t.co" and not absolute(url).startswith(short_base.rstrip("/") + "/")


def absolute(url: str) -> str:
    """Where a link written without a scheme leads (a redirect needs an absolute URL)."""
    return url if "://" in url else f"https://{url}"


def tag_links(text: str, network: str, tracking: LinkTracking | None) -> str:
    """`text` with each of its links tagged for `network` (unchanged when tracking is off)."""
    if tracking is None or not tracking.enabled:
        return text
    from chalicelib.domain.text import extract_urls

    tagged = text
    for link in reversed(extract_urls(text)):  # from the end: earlier spans stay put
        tagged = tagged[: link.start] + tag_link(link.value, network, tracking) + tagged[link.end :]
    return tagged


def tag_link(url: str, network: str, tracking: LinkTracking) -> str:
    parts = urlsplit(url if "://" in url else f"//{url}")
    if parts.netloc.lower() == "t.co" or "utm_" in parts.query.lower():
        return url
    tags = {"utm_source": network, "utm_medium": tracking.medium}
    if tracking.campaign:
        tags["utm_campaign"] = tracking.campaign
    base, _, fragment = url.partition("#")
    separator = "&" if "?" in base else "?"
    tail = f"#{fragment}" if fragment else ""
    return f"{base}{separator}{urlencode(tags)}{tail}"
