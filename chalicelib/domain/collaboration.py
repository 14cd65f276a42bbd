"""Comments, the activity timeline and saved versions of a post: the pure parts.

A version's content is a snapshot of what a user edits (text, the text and options per
account, media, first comment, time, zone, recurrence); `diff` compares two of them field
by field, the way the version panel shows them.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import ConfigDict, Field

from chalicelib.domain.model import Model

MAX_COMMENT = 5000
MAX_MENTIONS = 20


class TimelineKind(StrEnum):
    CREATED = "created"
    EDITED = "edited"
    RESTORED = "restored"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    CHANGES_REQUESTED = "changes_requested"
    EXPIRED = "expired"
    PUBLISHED = "published"
    PARTIALLY_PUBLISHED = "partially_published"
    FAILED = "failed"
    UNCONFIRMED = "unconfirmed"
    METRICS = "metrics"


# ------------------------------------------------------------------------------ comments

_EMAIL_MENTION = re.compile(r"(?<![\w.])@([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")


def mentioned_emails(text: str) -> list[str]:
    """`@someone@example.com` in a comment: a mention by e-mail (for API callers)."""
    return [match.lower() for match in _EMAIL_MENTION.findall(text)]


class CommentIn(Model):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_COMMENT)
    mentions: list[str] = Field(
        default_factory=list,
        max_length=MAX_MENTIONS,
        description="user ids of the members mentioned (the web app's @ picker); "
        "`@their@email` in the text mentions them too",
    )


class Person(Model):
    id: str | None
    name: str
    email: str | None = None


class CommentOut(Model):
    id: str
    post_id: str
    author: Person
    text: str
    mentions: list[Person]
    created_at: datetime


class CommentList(Model):
    items: list[CommentOut]


class TimelineEventOut(Model):
    id: str
    kind: str
    actor: Person | None
    details: dict[str, Any] = Field(default_factory=dict)
    at: datetime


class Timeline(Model):
    items: list[TimelineEventOut] = Field(description="oldest first")


# ------------------------------------------------------------------------------ versions


class VersionTarget(Model):
    account_id: str
    network: str
    text: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)


class VersionContent(Model):
    text: str = ""
    targets: list[VersionTarget] = Field(default_factory=list)
    media_ids: list[str] = Field(default_factory=list)
    first_comment: str | None = None
    scheduled_at: str | None = None
    timezone: str | None = None
    recurrence: str | None = None


class VersionSummary(Model):
    version: int
    reason: str = Field(description="created, edited or restored")
    restored_from: int | None = None
    actor: Person | None
    at: datetime
    current: bool = False


class VersionList(Model):
    items: list[VersionSummary] = Field(description="newest first")


class VersionOut(VersionSummary):
    content: VersionContent


class Change(Model):
    field: str = Field(description="text, targets.<account_id>.text, media_ids, ...")
    label: str
    before: Any = None
    after: Any = None


class VersionDiff(Model):
    from_version: int
    to_version: int
    changes: list[Change]


class DiffQuery(Model):
    model_config = ConfigDict(extra="forbid")

    against: int | None = Field(
        default=None, ge=1, description="the version to compare with (default: the one before)"
    )


class RestoreIn(Model):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="the post's version you read (409 when stale)")
    restore_time: bool = Field(
        default=False, description="also bring back that version's time (else keep today's)"
    )


def diff(before: VersionContent, after: VersionContent) -> list[Change]:
    """What changed from `before` to `after`, field by field, in the order a post reads."""
    from chalicelib.networks.registry import network_name

    changes: list[Change] = []

    def compare(field: str, label: str, old: Any, new: Any) -> None:
        if old != new:
            changes.append(Change(field=field, label=label, before=old, after=new))

    compare("text", "Text", before.text, after.text)
    old_targets = {t.account_id: t for t in before.targets}
    new_targets = {t.account_id: t for t in after.targets}
    for account_id in [*old_targets, *(a for a in new_targets if a not in old_targets)]:
        old, new = old_targets.get(account_id), new_targets.get(account_id)
        network = (new or old).network if (new or old) else ""  # type: ignore[union-attr]
        if old is None or new is None:
            compare(
                f"targets.{account_id}",
                f"{network_name(network)} account",
                "included" if old else None,
                "included" if new else None,
            )
            continue
        compare(f"targets.{account_id}.text", f"{network_name(network)} text", old.text, new.text)
        compare(
            f"targets.{account_id}.options",
            f"{network_name(network)} options",
            old.options,
            new.options,
        )
    compare("media_ids", "Media", before.media_ids, after.media_ids)
    compare("first_comment", "First comment", before.first_comment, after.first_comment)
    compare("scheduled_at", "Time", before.scheduled_at, after.scheduled_at)
    compare("timezone", "Time zone", before.timezone, after.timezone)
    compare("recurrence", "Repeats", before.recurrence, after.recurrence)
    return changes
