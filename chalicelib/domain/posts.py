"""Posts and their targets: the API's models (API.md "Posts") and the review of a draft.

`review_post` is the one check behind `POST .../posts`, `PATCH .../posts/{id}` and
`POST .../posts/validate`: it resolves `when` to a UTC instant and lists every problem of
every target at once (account, media, each network's limits, time, recurrence). The
caller fetches the facts (accounts, media, limits) from the workspace and passes them in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import ConfigDict, Field, model_validator
from pydantic.config import JsonDict

from chalicelib.domain.approvals import ApprovalState
from chalicelib.domain.limits import NetworkLimits
from chalicelib.domain.model import Model
from chalicelib.domain.recurrence import InvalidRule, first_occurrence, normalize_rule
from chalicelib.domain.slots import Slot
from chalicelib.domain.timezones import ZONE_NAMES, InvalidTime, parse_at, to_wall, zone
from chalicelib.domain.utm import LinkTracking, links_as_sent
from chalicelib.domain.validation import (
    DraftFields,
    MediaFacts,
    Problem,
    TargetDraft,
    validate_schedule_time,
    validate_target,
)


class PostStatus(StrEnum):
    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    EXPIRED = "expired"  # still pending approval at its time: never published
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    PARTIALLY_PUBLISHED = "partially_published"
    FAILED = "failed"


class TargetStatus(StrEnum):
    PENDING = "pending"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    RETRYING = "retrying"
    FAILED = "failed"
    UNCONFIRMED = "unconfirmed"
    CANCELLED = "cancelled"
    # Its account is paused by the workspace's plan: nothing is sent until it is active
    # again (chalicelib/billing/entitlements.py `fit_accounts`).
    HELD = "held"


# A post no publisher has started on can still be edited, rescheduled or cancelled.
EDITABLE = frozenset(
    {
        PostStatus.DRAFT,
        PostStatus.PENDING_APPROVAL,
        PostStatus.CHANGES_REQUESTED,
        PostStatus.REJECTED,
        PostStatus.EXPIRED,
        PostStatus.APPROVED,
        PostStatus.SCHEDULED,
    }
)
# Posts in review: never armed to publish.
IN_REVIEW = frozenset(
    {
        PostStatus.PENDING_APPROVAL,
        PostStatus.CHANGES_REQUESTED,
        PostStatus.REJECTED,
        PostStatus.EXPIRED,
    }
)

# Account statuses a post may target ("expiring": its token still works for now).
PUBLISHABLE_ACCOUNTS = frozenset({"connected", "expiring"})
MAX_TEXT = 100_000  # far above any network's limit: the networks' own limits say the rest


_NOT_TRUE: JsonDict = {"not": {"const": True}}
_ABSENT: JsonDict = {"type": "null"}


class When(Model):
    """When to publish: `{at, timezone}`, `{queue: true}` or `{now: true}`."""

    model_config = ConfigDict(
        extra="forbid",
        # What `_one_kind` enforces, for the OpenAPI document.
        json_schema_extra={
            "oneOf": [
                {
                    "required": ["at"],
                    "properties": {
                        "at": {"type": "string", "minLength": 1},
                        "queue": _NOT_TRUE,
                        "now": _NOT_TRUE,
                    },
                },
                {
                    "required": ["queue"],
                    "properties": {
                        "queue": {"const": True},
                        "now": _NOT_TRUE,
                        "at": _ABSENT,
                        "timezone": _ABSENT,
                    },
                },
                {
                    "required": ["now"],
                    "properties": {
                        "now": {"const": True},
                        "queue": _NOT_TRUE,
                        "at": _ABSENT,
                        "timezone": _ABSENT,
                    },
                },
            ]
        },
    )

    at: str | None = Field(
        default=None, description="wall-clock ISO 8601 time, e.g. 2026-12-01T09:00:00"
    )
    timezone: Annotated[str, ZONE_NAMES] | None = Field(
        default=None, description="IANA zone; the workspace's by default"
    )
    queue: bool | None = Field(default=None, description="the next free slot of the accounts")
    now: bool | None = Field(default=None, description="publish at once")

    @model_validator(mode="after")
    def _one_kind(self) -> When:
        kinds = [name for name in ("at", "queue", "now") if getattr(self, name)]
        if len(kinds) != 1:
            raise ValueError("give exactly one of at, queue: true or now: true")
        if self.timezone is not None and self.at is None:
            raise ValueError("timezone goes with at")
        return self

    @property
    def kind(self) -> str:
        return "at" if self.at else "queue" if self.queue else "now"


class TargetIn(Model):
    model_config = ConfigDict(extra="forbid")

    account_id: str = Field(min_length=1, max_length=64)
    text: str | None = Field(default=None, max_length=MAX_TEXT, description="variant text")
    options: dict[str, Any] = Field(default_factory=dict, description="e.g. title, link, board")


class PostIn(Model):
    """The body of `POST /v1/workspaces/{ws}/posts` and `.../posts/validate`."""

    model_config = ConfigDict(
        extra="forbid",
        # What `_recurrence` requires, for the OpenAPI document: a rule needs when.at.
        json_schema_extra={
            "if": {"required": ["recurrence"], "properties": {"recurrence": {"type": "string"}}},
            "then": {
                "required": ["when"],
                "properties": {"when": {"type": "object", "required": ["at"]}},
            },
        },
    )

    text: str = Field(default="", max_length=MAX_TEXT)
    media_ids: list[str] = Field(default_factory=list, max_length=35)
    targets: list[TargetIn] = Field(min_length=1, max_length=50)
    first_comment: str | None = Field(default=None, max_length=MAX_TEXT)
    when: When | None = None
    recurrence: str | None = Field(default=None, max_length=1000, description="RFC 5545 RRULE")


class PostPatch(Model):
    """The body of `PATCH .../posts/{id}`: the version edited, and what changes."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)
    text: str | None = Field(default=None, max_length=MAX_TEXT)
    media_ids: list[str] | None = Field(default=None, max_length=35)
    targets: list[TargetIn] | None = Field(default=None, min_length=1, max_length=50)
    first_comment: str | None = Field(default=None, max_length=MAX_TEXT)
    when: When | None = None
    recurrence: str | None = Field(default=None, max_length=1000)


class TargetOut(Model):
    account_id: str
    network: str
    text: str | None
    options: dict[str, Any] = Field(default_factory=dict)
    status: TargetStatus
    attempts: int = 0
    external_id: str | None = None
    url: str | None = None
    error: str | None = None
    published_at: str | None = None


class PostOrigin(Model):
    """The content plan item a post is (issue 24)."""

    plan_id: str = Field(description="the plan (it may have been deleted since)")
    item_id: str
    month: str = Field(description="YYYY-MM: the month whose brief it was written from")


class PostOut(Model):
    id: str
    version: int
    status: PostStatus
    text: str
    media_ids: list[str]
    first_comment: str | None
    scheduled_at: str | None
    timezone: str
    recurrence: str | None
    created_by: str | None
    created_at: str
    updated_at: str
    targets: list[TargetOut]
    approval: ApprovalState | None = Field(
        default=None, description="its way through the approval policy, if it needed one"
    )
    origin: PostOrigin | None = Field(
        default=None, description="the content plan and brief it was written from, if any"
    )


class ProblemOut(Model):
    field: str
    message: str
    target: str | None = None


class ValidationOut(Model):
    valid: bool
    problems: list[ProblemOut]


# ------------------------------------------------------------------------------ the review


@dataclass(frozen=True)
class AccountFacts:
    """What the review needs to know about one connected account of the workspace."""

    account_id: str
    network: str
    status: str = "connected"
    timezone: str = "UTC"
    slots: tuple[Slot, ...] = ()


@dataclass
class Review:
    """The outcome: every problem, and when the post would go out."""

    problems: list[Problem] = field(default_factory=list)
    kind: str = "draft"  # draft, at, queue or now
    scheduled_at: datetime | None = None
    timezone: str = "UTC"
    recurrence: str | None = None

    @property
    def valid(self) -> bool:
        return not self.problems

    def as_output(self) -> ValidationOut:
        return ValidationOut(
            valid=self.valid,
            problems=[ProblemOut(**problem.as_detail()) for problem in self.problems],
        )


def review_post(
    post: PostIn,
    *,
    accounts: Mapping[str, AccountFacts],
    media: Mapping[str, MediaFacts],
    limits: Mapping[str, NetworkLimits],
    now: datetime,
    default_timezone: str,
    check_content: bool | None = None,
    media_as_sent: Mapping[tuple[str, str], MediaFacts] | None = None,
    link_tracking: LinkTracking | None = None,
) -> Review:
    """Every problem of `post` for its targets, and its resolved time.

    A draft (no `when`) only needs real accounts and media, so half-written posts can be
    saved; anything going out is checked in full (`check_content` forces either way).
    `media_as_sent[(network, media_id)]` is an image as that network will receive it (its
    rendition): a file a rendition makes fit is not refused for its original shape.
    With `link_tracking`, each network's text is checked with its links tagged (and
    shortened), as sent.
    """
    review = Review(kind=post.when.kind if post.when else "draft")
    full = post.when is not None if check_content is None else check_content
    found_media = _media(post, media, review)
    seen: set[str] = set()
    for index, target in enumerate(post.targets):
        account = _account(index, target, accounts, seen, review)
        if account is None:
            continue
        network = limits.get(account.network)
        if network is None:
            review.problems.append(
                Problem(
                    f"targets[{index}].account_id",
                    f"{account.network} is not a network Schedulo publishes to",
                    target.account_id,
                )
            )
        elif full:
            sent = tuple(
                (media_as_sent or {}).get((account.network, facts.media_id), facts)
                for facts in found_media
            )
            draft = _draft(post, index, sent, account.network, link_tracking)
            review.problems.extend(validate_target(draft, network))
    _when(post, review, now, default_timezone)
    return review


def _media(post: PostIn, media: Mapping[str, MediaFacts], review: Review) -> tuple[MediaFacts, ...]:
    found = []
    for index, media_id in enumerate(post.media_ids):
        facts = media.get(media_id)
        if facts is None:
            review.problems.append(
                Problem(f"media_ids[{index}]", "no such media in this workspace")
            )
        elif not facts.ready:
            review.problems.append(
                Problem(f"media_ids[{index}]", "this file is not ready: finish its upload first")
            )
        else:
            found.append(facts)
    return tuple(found)


def _account(
    index: int,
    target: TargetIn,
    accounts: Mapping[str, AccountFacts],
    seen: set[str],
    review: Review,
) -> AccountFacts | None:
    where = f"targets[{index}].account_id"
    account = accounts.get(target.account_id)
    if target.account_id in seen:
        review.problems.append(
            Problem(where, "this account is already a target", target.account_id)
        )
        return None
    seen.add(target.account_id)
    if account is None:
        review.problems.append(
            Problem(where, "no such account in this workspace", target.account_id)
        )
        return None
    if account.status not in PUBLISHABLE_ACCOUNTS:
        review.problems.append(
            Problem(
                where,
                "the account needs to be reconnected first"
                if account.status == "needs_reconnect"
                else f"the account is {account.status.replace('_', ' ')}, not connected",
                target.account_id,
            )
        )
    return account


def _draft(
    post: PostIn,
    index: int,
    media: tuple[MediaFacts, ...],
    network: str,
    link_tracking: LinkTracking | None,
) -> TargetDraft:
    target = post.targets[index]
    options = target.options
    prefix = f"targets[{index}]"
    text = post.text if target.text is None else target.text
    # A target's own first comment (options.first_comment) wins over the post's: each
    # network has its habit (Instagram's is the rest of the hashtags).
    own_comment = "first_comment" in options
    return TargetDraft(
        target=target.account_id,
        text=links_as_sent(text, network, link_tracking),
        media=media,
        first_comment=first_comment_of(options, post.first_comment),
        title=_option(options, "title"),
        link=_option(options, "link"),
        fields=DraftFields(
            text="text" if target.text is None else f"{prefix}.text",
            first_comment=f"{prefix}.options.first_comment" if own_comment else "first_comment",
            title=f"{prefix}.options.title",
            link=f"{prefix}.options.link",
        ),
    )


def first_comment_of(options: Mapping[str, Any], post_comment: str | None) -> str | None:
    """The first comment a target sends: its own (`options.first_comment`, empty for none)
    where it has one, else the post's."""
    if "first_comment" in options:
        return _option(options, "first_comment") or None
    return post_comment


def _option(options: Mapping[str, Any], name: str) -> str | None:
    value = options.get(name)
    return str(value) if value is not None else None


def _when(post: PostIn, review: Review, now: datetime, default_timezone: str) -> None:
    when = post.when
    zone_name = (when.timezone if when and when.timezone else None) or default_timezone
    try:
        zone(zone_name)
        review.timezone = zone_name
    except InvalidTime as error:
        review.problems.append(Problem("when.timezone", str(error)))
        return
    if when is not None and when.at:
        try:
            review.scheduled_at = parse_at(when.at, zone_name)
        except InvalidTime as error:
            review.problems.append(Problem("when.at", str(error)))
            return
    if when is not None and when.now:
        review.scheduled_at = now
    if post.recurrence is not None:
        _recurrence(post.recurrence, review, zone_name)
    if review.scheduled_at is not None and review.kind == "at":
        review.problems.extend(validate_schedule_time(review.scheduled_at, now))


def _recurrence(rule: str, review: Review, zone_name: str) -> None:
    if review.kind != "at" or review.scheduled_at is None:
        review.problems.append(
            Problem("recurrence", "a recurring post needs when.at, its first time")
        )
        return
    try:
        start = to_wall(review.scheduled_at, zone_name)
    except InvalidTime as error:
        review.problems.append(Problem("when.at", str(error)))
        return
    try:
        review.recurrence = normalize_rule(rule)
        first = first_occurrence(review.recurrence, start, zone_name)
    except InvalidRule as error:
        review.problems.append(Problem("recurrence", str(error)))
        return
    if first is None:
        review.problems.append(
            Problem("recurrence", "the rule has no occurrence at or after when.at")
        )
    else:
        review.scheduled_at = first
