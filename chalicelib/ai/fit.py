"""A written caption always fits its network: checked with Schedulo's own validator.

A writer is asked for a caption within the network's count, but a model may not count the
way the network does (X weighs emoji and links, Bluesky counts graphemes, YouTube bytes),
so every caption goes through `fit_caption` before anyone sees it: when it does not fit, it
is written once more, and when that does not fit either it is cut at a word boundary
(hashtags going before words), never sent too long.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.ai.writer import Caption

if TYPE_CHECKING:
    from chalicelib.domain.limits import NetworkLimits
    from chalicelib.domain.validation import Problem

ELLIPSIS = "…"
# The parts of a post a caption writes; media problems (Instagram needs an image) are
# the plan's or the composer's, not the writer's.
_TEXT_FIELDS = frozenset({"text", "first_comment"})


def limits_of(network: str) -> NetworkLimits:
    from chalicelib.networks.registry import get_limits

    return get_limits(network)


def max_chars(network: str) -> int:
    """The network's own limit of its post text, in its own unit."""
    return limits_of(network).text.max_length


def counted(network: str, text: str) -> int:
    """`text`'s length as `network` counts it (the composer's and the validator's count)."""
    from chalicelib.domain.text import count

    rules = limits_of(network).text
    return count(text, rules.counting, rules.url_length)


@dataclass(frozen=True)
class Count:
    count: int
    limit: int


def count_of(network: str, text: str) -> Count:
    return Count(counted(network, text), max_chars(network))


def problems(network: str, caption: Caption) -> list[Problem]:
    """What the validator says about the caption's text and first comment on `network`."""
    from chalicelib.domain.validation import TargetDraft, validate_target

    draft = TargetDraft(
        target=network, text=caption.full_text(), first_comment=caption.first_comment or None
    )
    found = validate_target(draft, limits_of(network))
    # An empty text is the caller's to reject ("needs text"): fitting cannot mend it.
    return [p for p in found if p.field in _TEXT_FIELDS]


def fits(network: str, caption: Caption) -> bool:
    return not problems(network, caption)


def fit_caption(
    network: str, caption: Caption, regenerate: Callable[[], Caption] | None = None
) -> Caption:
    """`caption` when it fits `network`; else one regenerated caption when that fits; else
    the (regenerated) caption cut to fit."""
    if fits(network, caption):
        return caption
    if regenerate is not None:
        caption = regenerate()
        if fits(network, caption):
            return caption
    return cut_caption(network, caption)


def cut_caption(network: str, caption: Caption) -> Caption:
    """The caption made to fit: first comment and hashtag count to the network's rules,
    then hashtags dropped from the end, then the text cut at a word boundary."""
    from chalicelib.domain.limits import Capability
    from chalicelib.domain.text import extract_hashtags

    limits = limits_of(network)
    comment = caption.first_comment or None
    if comment is not None:
        if Capability.FIRST_COMMENT not in limits.capabilities:
            comment = None
        elif limits.first_comment_max is not None:
            comment = cut_text(network, comment, limits.first_comment_max) or None
    tags = list(
        {t.lstrip("#").lower(): t.lstrip("#") for t in caption.hashtags if t.strip("#")}.values()
    )
    most_tags = limits.text.max_hashtags
    if most_tags is not None:
        room = max(0, most_tags - len(extract_hashtags(caption.text)))
        tags = tags[:room]
    text = caption.text
    limit = limits.text.max_length
    while tags and counted(network, Caption(text=text, hashtags=tags).full_text()) > limit:
        tags = tags[:-1]
    if counted(network, Caption(text=text, hashtags=tags).full_text()) > limit:
        text = cut_text(network, text, limit)
    fitted = Caption(text=text, hashtags=tags, first_comment=comment)
    if not fits(network, fitted):
        # Too many inline hashtags or mentions: what is left is the words before them.
        fitted = Caption(text=_before_entities(text), hashtags=[], first_comment=comment)
    return fitted


def cut_text(network: str, text: str, limit: int) -> str:
    """The longest start of `text` ending at a word boundary, with an ellipsis, whose count
    on `network` is within `limit` (a word longer than the limit is cut inside it)."""
    if counted(network, text) <= limit:
        return text
    boundaries = [i for i, ch in enumerate(text) if ch.isspace() and i > 0]
    boundaries = [i for i in boundaries if text[:i].strip()]

    def candidate(index: int) -> str:
        return _ending(text[: boundaries[index]])

    def ok(index: int) -> bool:
        return counted(network, candidate(index)) <= limit

    # Counts grow with the prefix (a link cut short can only count less), so the longest
    # fitting prefix is found by bisection; the linear step below is the safety net.
    low, high = 0, len(boundaries) - 1
    best = -1
    while low <= high:
        middle = (low + high) // 2
        if ok(middle):
            best, low = middle, middle + 1
        else:
            high = middle - 1
    while best >= 0 and not ok(best):
        best -= 1
    if best >= 0:
        return candidate(best)
    # One word longer than the network allows: cut inside it, character by character.
    cut = text
    while cut and counted(network, _ending(cut)) > limit:
        cut = cut[: max(0, len(cut) - max(1, len(cut) // 10))]
    return _ending(cut) if cut else ""


def _ending(prefix: str) -> str:
    return prefix.rstrip(" \t\n,;:-\u2013\u2014(") + ELLIPSIS


def _before_entities(text: str) -> str:
    from chalicelib.domain.text import extract_hashtags, extract_mentions

    spans = [e.start for e in [*extract_hashtags(text), *extract_mentions(text)]]
    if not spans:
        return text
    return text[: min(spans)].rstrip() or ""
