"""Is a post fit for one network? Every problem at once, each naming its target and field.

Pure: the network's `NetworkLimits` and the media's facts (as stored when the media was
inspected) come in as data, so the same checks serve `POST .../posts`, `.../validate`, the
bulk importer and the publisher's last look before sending.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.domain.limits import Capability, MediaKind, NetworkLimits, TextCounting
from chalicelib.domain.text import count, extract_hashtags, extract_mentions, extract_urls

_COUNTING_NAMES = {
    TextCounting.WEIGHTED: "weighted characters",
    TextCounting.GRAPHEMES: "characters",
    TextCounting.CODE_POINTS: "characters",
    TextCounting.UTF16: "characters",
    TextCounting.BYTES: "bytes",
}


_NOUNS = {MediaKind.IMAGE: "images", MediaKind.GIF: "GIFs", MediaKind.VIDEO: "videos"}


@dataclass(frozen=True)
class Problem:
    """One thing that stops a post from being sent: where it is and what to change."""

    field: str
    message: str
    target: str | None = None  # the account id, when the problem is one target's

    def as_detail(self) -> dict[str, Any]:
        """As the API's error details: `target` is null for a problem of the whole post."""
        return {"field": self.field, "message": self.message, "target": self.target}


@dataclass(frozen=True)
class MediaFacts:
    """What inspection learnt about one uploaded file."""

    media_id: str
    content_type: str
    bytes: int
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    alt_text: str | None = None
    ready: bool = True  # inspected; an upload in progress or a failed one is not

    @property
    def kind(self) -> MediaKind:
        if self.content_type == "image/gif":
            return MediaKind.GIF
        if self.content_type.startswith("video/"):
            return MediaKind.VIDEO
        return MediaKind.IMAGE

    @property
    def aspect_ratio(self) -> float | None:
        if self.width and self.height:
            return self.width / self.height
        return None


@dataclass(frozen=True)
class DraftFields:
    """The request's names for each part of a target, so problems point at what was sent."""

    text: str = "text"
    media: str = "media_ids"
    first_comment: str = "first_comment"
    title: str = "title"
    link: str = "link"


@dataclass(frozen=True)
class TargetDraft:
    """A post as one account on one network would receive it."""

    target: str
    text: str = ""
    media: tuple[MediaFacts, ...] = ()
    first_comment: str | None = None
    title: str | None = None
    link: str | None = None
    fields: DraftFields = field(default_factory=DraftFields)


def validate_target(draft: TargetDraft, limits: NetworkLimits) -> list[Problem]:
    """Every way `draft` breaks `limits`, in the order a user reads the composer."""
    checker = _Checker(draft, limits)
    checker.text()
    checker.media()
    checker.extras()
    return checker.problems


@dataclass
class _Checker:
    draft: TargetDraft
    limits: NetworkLimits
    problems: list[Problem] = field(default_factory=list)

    def add(self, field_name: str, message: str) -> None:
        self.problems.append(Problem(field_name, message, self.draft.target))

    @property
    def network(self) -> str:
        return self.limits.name

    def length(self, text: str) -> int:
        rules = self.limits.text
        return count(text, rules.counting, rules.url_length)

    # -- text --------------------------------------------------------------------------------
    def text(self) -> None:
        rules, text, where = self.limits.text, self.draft.text, self.draft.fields.text
        if not text.strip():
            if rules.required or not self.draft.media:
                self.add(where, f"{self.network} needs text for this post")
            return
        length = self.length(text)
        if length > rules.max_length:
            unit = _COUNTING_NAMES[rules.counting]
            self.add(
                where,
                f"{self.network} allows {rules.max_length} {unit}; this text has {length}",
            )
        self.cap(where, "hashtags", len(extract_hashtags(text)), rules.max_hashtags)
        self.cap(where, "mentions", len(extract_mentions(text)), rules.max_mentions)
        self.cap(where, "links", len(extract_urls(text)), rules.max_links)

    def cap(self, where: str, things: str, found: int, most: int | None) -> None:
        if most is not None and found > most:
            self.add(where, f"{self.network} allows at most {most} {things}; this text has {found}")

    # -- media -------------------------------------------------------------------------------
    def media(self) -> None:
        media, limits, where = self.draft.media, self.limits, self.draft.fields.media
        if not media:
            if limits.requires_media:
                self.add(where, f"{self.network} needs at least one image or video")
            return
        kinds = Counter(self.kind_of(item) for item in media)
        if not limits.mixed_media and len(kinds) > 1:
            self.add(where, f"{self.network} does not mix images, GIFs and videos in one post")
        if limits.max_media and len(media) > limits.max_media:
            self.add(
                where,
                f"{self.network} allows at most {limits.max_media} media files; "
                f"this post has {len(media)}",
            )
        self.counts(kinds)
        for index, item in enumerate(media):
            self.one_file(f"{where}[{index}]", item)

    def kind_of(self, item: MediaFacts) -> MediaKind:
        """A GIF is an image to networks without GIF limits that take image/gif."""
        images = self.limits.images
        if (
            item.kind is MediaKind.GIF
            and self.limits.gifs is None
            and images is not None
            and item.content_type in images.content_types
        ):
            return MediaKind.IMAGE
        return item.kind

    def counts(self, kinds: Counter[MediaKind]) -> None:
        limits, where = self.limits, self.draft.fields.media
        for kind, rules in (
            (MediaKind.IMAGE, limits.images),
            (MediaKind.GIF, limits.gifs),
            (MediaKind.VIDEO, limits.videos),
        ):
            noun = _NOUNS[kind]
            found = kinds.get(kind, 0)
            if not found or rules is None:
                continue
            if found > rules.max_count:
                self.add(
                    where,
                    f"{self.network} allows at most {rules.max_count} {noun}; "
                    f"this post has {found}",
                )
            least = getattr(rules, "min_count", 1)
            if found < least:
                self.add(where, f"{self.network} needs at least {least} {noun} together")

    def one_file(self, where: str, item: MediaFacts) -> None:
        rules = {
            MediaKind.IMAGE: self.limits.images,
            MediaKind.GIF: self.limits.gifs,
            MediaKind.VIDEO: self.limits.videos,
        }[self.kind_of(item)]
        if rules is None:
            self.add(where, f"{self.network} does not accept {_NOUNS[self.kind_of(item)]}")
            return
        content_types = getattr(rules, "content_types", ("image/gif",))
        if item.content_type not in content_types:
            self.add(
                where,
                f"{self.network} does not accept {item.content_type}; "
                f"use {', '.join(content_types)}",
            )
        if item.bytes > rules.max_bytes:
            most, size = _size(rules.max_bytes), _size(item.bytes)
            if most == size:  # just past the limit: the rounded sizes would read the same
                most, size = f"{rules.max_bytes:,} bytes", f"{item.bytes:,} bytes"
            self.add(where, f"{self.network} allows files up to {most}; this one is {size}")
        self.shape(where, item, rules)
        if self.kind_of(item) is MediaKind.VIDEO:
            self.duration(where, item)
        if self.kind_of(item) is MediaKind.IMAGE:
            self.alt_text(where, item)

    def shape(self, where: str, item: MediaFacts, rules: Any) -> None:
        ratio = item.aspect_ratio
        low, high = (
            getattr(rules, "min_aspect_ratio", None),
            getattr(rules, "max_aspect_ratio", None),
        )
        if ratio is not None and not _within(ratio, low, high):
            self.add(
                where,
                f"{self.network} accepts aspect ratios from {_ratio(low)} to {_ratio(high)}; "
                f"this one is {item.width}x{item.height} ({ratio:.2f}:1)",
            )
        narrowest, widest = getattr(rules, "min_width", None), getattr(rules, "max_width", None)
        if item.width is not None and narrowest is not None and item.width < narrowest:
            self.add(where, f"{self.network} needs images at least {narrowest} pixels wide")
        if item.width is not None and widest is not None and item.width > widest:
            self.add(where, f"{self.network} accepts images at most {widest} pixels wide")

    def duration(self, where: str, item: MediaFacts) -> None:
        rules, seconds = self.limits.videos, item.duration_seconds
        if rules is None or seconds is None:
            return
        if rules.min_seconds is not None and seconds < rules.min_seconds:
            self.add(
                where,
                f"{self.network} needs videos of at least {rules.min_seconds:g} s; "
                f"this one is {seconds:g} s",
            )
        if rules.max_seconds is not None and seconds > rules.max_seconds:
            self.add(
                where,
                f"{self.network} accepts videos up to {rules.max_seconds:g} s; "
                f"this one is {seconds:g} s",
            )

    def alt_text(self, where: str, item: MediaFacts) -> None:
        rules = self.limits.images
        if rules is None:
            return
        if rules.alt_text_required and not (item.alt_text or "").strip():
            self.add(f"{where}.alt_text", f"{self.network} needs alt text on every image")
        most = rules.alt_text_max
        if most is not None and item.alt_text and len(item.alt_text) > most:
            self.add(
                f"{where}.alt_text",
                f"{self.network} allows alt text up to {most} characters; "
                f"this one has {len(item.alt_text)}",
            )

    # -- first comment, title, link ----------------------------------------------------------
    def extras(self) -> None:
        draft, limits, fields = self.draft, self.limits, self.draft.fields
        if draft.first_comment:
            most = limits.first_comment_max
            if Capability.FIRST_COMMENT not in limits.capabilities:
                self.add(fields.first_comment, f"{self.network} has no first comment")
            elif most is not None and self.length(draft.first_comment) > most:
                self.add(
                    fields.first_comment,
                    f"{self.network} allows a first comment of {most} characters; "
                    f"this one has {self.length(draft.first_comment)}",
                )
        self.bounded(fields.title, "title", draft.title, limits.title_max)
        self.bounded(fields.link, "link", draft.link, limits.link_max)

    def bounded(self, where: str, noun: str, value: str | None, most: int | None) -> None:
        if not value:
            return
        if most is None:
            self.add(where, f"{self.network} has no {noun}")
        elif len(value) > most:
            self.add(
                where,
                f"{self.network} allows a {noun} of {most} characters; this one has {len(value)}",
            )


def _within(value: float, low: float | None, high: float | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def _size(n: int) -> str:
    """Sizes as the networks state them: round in binary (5 MB = 5 MiB) or decimal units."""
    for unit, power in (("GB", 3), ("MB", 2), ("KB", 1)):
        for base in (1024, 1000):
            if n >= base**power and n % base**power == 0:
                return f"{n // base**power} {unit}"
    for unit, power in (("GB", 3), ("MB", 2), ("KB", 1)):
        if n >= 1024**power:
            return f"{n / 1024**power:.3g} {unit}"
    return f"{n} bytes"


def _ratio(value: float | None) -> str:
    return "any" if value is None else f"{value:.2f}:1"


# -------------------------------------------------------------------------------- schedule


def validate_schedule_time(
    at: datetime, now: datetime, field_name: str = "when.at"
) -> list[Problem]:
    """A post may be scheduled from now until one year ahead (both aware datetimes)."""
    if at < now:
        return [Problem(field_name, "this time is in the past")]
    if at > _one_year_after(now):
        return [Problem(field_name, "posts can be scheduled at most one year ahead")]
    return []


def _one_year_after(moment: datetime) -> datetime:
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:  # 29 February: a year later is 1 March
        return moment.replace(year=moment.year + 1, month=3, day=1)
