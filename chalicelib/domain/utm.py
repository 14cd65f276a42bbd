"""Link tracking: the links of a post tagged with UTM parameters for the network it goes
to, so the business's web analytics can tell which network sent a visitor.

A workspace setting says whether links are tagged and with which medium and campaign;
`utm_source` is the network. A link that already names any `utm_` parameter is left as
the user wrote it, and so are X's own t.co links. The tagged text is what is counted
against the network's limit and what is published.

>>> tag_links("See example.com/shop!", "x", LinkTracking(enabled=True, campaign="spring"))
'See example.com/shop?utm_source=x&utm_medium=social&utm_campaign=spring!'
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode, urlsplit

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# What a campaign or medium may hold: what reads well in a URL and in analytics reports.
TagValue = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=60, pattern=r"^[A-Za-z0-9._-]+$"
    ),
]


class LinkTracking(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(False, description="tag every link of every post")
    medium: TagValue = Field("social", description="`utm_medium`")
    campaign: TagValue | None = Field(None, description="`utm_campaign`, if any")


def link_tracking_of(stored: dict | None) -> LinkTracking | None:
    """A workspace's (or a post's) link tracking as stored; None when it is off."""
    return LinkTracking.model_validate(stored) if stored else None


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
