"""A post's timeline events, comments and saved versions: three tables keyed by the
workspace, each item's sort key beginning with its post (`<post_id>#...`), so one query
reads a post's items in order and no read crosses tenants."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError

from chalicelib.domain.ids import new_id
from chalicelib.store.base import table_meta, utcnow
from chalicelib.store.model import StoredModel

VERSION_DIGITS = 9


def stamp(moment: datetime | None = None) -> str:
    """UTC with microseconds: events of one second keep the order they happened in."""
    return (moment or utcnow()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class TimelineItem(StoredModel):
    Meta = table_meta("post_timeline")

    workspace_id = UnicodeAttribute(hash_key=True)
    item_key = UnicodeAttribute(range_key=True)  # <post_id>#<stamp>#<event id>
    post_id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    actor = UnicodeAttribute(null=True)
    details = UnicodeAttribute(default="{}")  # JSON
    at = UnicodeAttribute()

    def details_dict(self) -> dict[str, Any]:
        value = json.loads(self.details or "{}")
        return value if isinstance(value, dict) else {}


class CommentItem(StoredModel):
    Meta = table_meta("post_comments")

    workspace_id = UnicodeAttribute(hash_key=True)
    item_key = UnicodeAttribute(range_key=True)  # <post_id>#<stamp>#<comment id>
    post_id = UnicodeAttribute()
    comment_id = UnicodeAttribute()
    author = UnicodeAttribute()
    text = UnicodeAttribute()
    mentions = UnicodeAttribute(default="[]")  # JSON list of user ids
    at = UnicodeAttribute()

    def mention_list(self) -> list[str]:
        value = json.loads(self.mentions or "[]")
        return [str(v) for v in value] if isinstance(value, list) else []


class VersionItem(StoredModel):
    Meta = table_meta("post_versions")

    workspace_id = UnicodeAttribute(hash_key=True)
    item_key = UnicodeAttribute(range_key=True)  # <post_id>#<version, zero-padded>
    post_id = UnicodeAttribute()
    version = NumberAttribute()
    actor = UnicodeAttribute(null=True)
    reason = UnicodeAttribute()  # created, edited, restored
    restored_from = NumberAttribute(null=True)
    content = UnicodeAttribute()  # JSON: the snapshot (chalicelib.domain.collaboration)
    at = UnicodeAttribute()


# ------------------------------------------------------------------------------ timeline


def timeline_event(
    workspace_id: str, post_id: str, kind: str, actor: str | None, details: dict[str, Any]
) -> TimelineItem:
    """An event not yet written (to save it with others in one batch)."""
    at = stamp()
    event_id = new_id("ev")
    return TimelineItem(
        workspace_id,
        f"{post_id}#{at}#{event_id}",
        post_id=post_id,
        event_id=event_id,
        kind=kind,
        actor=actor,
        details=json.dumps(details, default=str),
        at=at,
    )


def add_event(
    workspace_id: str, post_id: str, kind: str, actor: str | None, details: dict[str, Any]
) -> TimelineItem:
    item = timeline_event(workspace_id, post_id, kind, actor, details)
    item.save()
    return item


def list_events(workspace_id: str, post_id: str, limit: int = 500) -> list[TimelineItem]:
    """Oldest first."""
    query = TimelineItem.query(
        workspace_id, TimelineItem.item_key.startswith(f"{post_id}#"), limit=limit
    )
    return list(query)


# ------------------------------------------------------------------------------ comments


def add_comment(
    workspace_id: str, post_id: str, author: str, text: str, mentions: list[str]
) -> CommentItem:
    at = stamp()
    comment_id = new_id("c")
    item = CommentItem(
        workspace_id,
        f"{post_id}#{at}#{comment_id}",
        post_id=post_id,
        comment_id=comment_id,
        author=author,
        text=text,
        mentions=json.dumps(mentions),
        at=at,
    )
    item.save()
    return item


def list_comments(workspace_id: str, post_id: str, limit: int = 500) -> list[CommentItem]:
    """Oldest first."""
    query = CommentItem.query(
        workspace_id, CommentItem.item_key.startswith(f"{post_id}#"), limit=limit
    )
    return list(query)


def find_comment(workspace_id: str, post_id: str, comment_id: str) -> CommentItem | None:
    query = CommentItem.query(
        workspace_id,
        CommentItem.item_key.startswith(f"{post_id}#"),
        filter_condition=CommentItem.comment_id == comment_id,
    )
    return next(iter(query), None)


def delete_comment(item: CommentItem) -> None:
    item.delete()


# ------------------------------------------------------------------------------ versions


def _version_key(post_id: str, version: int) -> str:
    return f"{post_id}#{version:0{VERSION_DIGITS}d}"


def new_version(
    workspace_id: str,
    post_id: str,
    version: int,
    content: dict[str, Any],
    actor: str | None,
    reason: str,
    restored_from: int | None = None,
    at: str | None = None,
) -> VersionItem:
    """A version as it is kept, not written: the post's current version is the post."""
    return VersionItem(
        workspace_id,
        _version_key(post_id, version),
        post_id=post_id,
        version=version,
        actor=actor,
        reason=reason,
        restored_from=restored_from,
        content=json.dumps(content, default=str, sort_keys=True),
        at=at or stamp(),
    )


def put_version(item: VersionItem) -> VersionItem | None:
    """Keep one version; None when that version was already kept (a version's content
    never changes: whoever wrote it first wrote the same)."""
    try:
        item.save(condition=VersionItem.item_key.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    return item


def list_versions(workspace_id: str, post_id: str, limit: int = 500) -> list[VersionItem]:
    """Newest first."""
    query = VersionItem.query(
        workspace_id,
        VersionItem.item_key.startswith(f"{post_id}#"),
        scan_index_forward=False,
        limit=limit,
    )
    return list(query)


def get_version(workspace_id: str, post_id: str, version: int) -> VersionItem | None:
    try:
        return VersionItem.get(workspace_id, _version_key(post_id, version))
    except VersionItem.DoesNotExist:
        return None


# ------------------------------------------------------------------------------ a deleted post


def forget_post(workspace_id: str, post_id: str) -> int:
    """Delete a post's timeline, comments and versions; how many items went."""
    gone = 0
    for model in (TimelineItem, CommentItem, VersionItem):
        query = model.query(
            workspace_id,
            model.item_key.startswith(f"{post_id}#"),
            attributes_to_get=["workspace_id", "item_key"],
        )
        with model.batch_write() as batch:
            for item in query:
                batch.delete(item)
                gone += 1
    return gone
