"""The media library's table: one item per file, keyed by workspace and media id.

Every function takes the workspace id; nothing here reads across tenants. Posts mark the
media they use (`mark_used` / `unmark_used`) and `delete` refuses media still in use, in
one conditional write.
"""

from __future__ import annotations

import secrets
import time
from typing import Any, cast

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.exceptions import DeleteError, DoesNotExist, UpdateError

from chalicelib.errors import Conflict, NotFound
from chalicelib.store.base import iso, table_meta, utcnow
from chalicelib.store.model import StoredModel
from chalicelib.store.paging import decode_cursor, encode_cursor

UPLOADING, READY, FAILED = "uploading", "ready", "failed"
ABANDONED_AFTER_SECONDS = 2 * 24 * 3600


def new_media_id() -> str:
    """Sortable by creation time (newest first in the library), unguessable."""
    return f"m_{int(time.time() * 1000):012x}{secrets.token_hex(6)}"


class MediaItem(StoredModel):
    Meta = table_meta("media")

    workspace_id = UnicodeAttribute(hash_key=True)
    media_id = UnicodeAttribute(range_key=True)
    status = UnicodeAttribute(default=UPLOADING)
    filename = UnicodeAttribute()
    declared_content_type = UnicodeAttribute()
    declared_size = NumberAttribute()
    max_bytes = NumberAttribute()
    upload_key = UnicodeAttribute()
    source_url = UnicodeAttribute(null=True)
    # Known once inspected.
    kind = UnicodeAttribute(null=True)
    content_type = UnicodeAttribute(null=True)
    size = NumberAttribute(null=True)
    width = NumberAttribute(null=True)
    height = NumberAttribute(null=True)
    duration_seconds = NumberAttribute(null=True)
    video_codec = UnicodeAttribute(null=True)
    audio_codec = UnicodeAttribute(null=True)
    frames = NumberAttribute(null=True)
    key = UnicodeAttribute(null=True)
    thumbnail_key = UnicodeAttribute(null=True)
    failure_reason = UnicodeAttribute(null=True)
    # Spec name -> {key, width, height, size, content_type, focal_x, focal_y}.
    renditions: MapAttribute[str, Any] = MapAttribute(default=dict)
    alt_text = UnicodeAttribute(null=True)
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    focal_x = NumberAttribute(default=0.5)
    focal_y = NumberAttribute(default=0.5)
    # Ids of the scheduled posts that use this file; DynamoDB drops an emptied set.
    used_by = UnicodeSetAttribute(null=True)
    # Until completed: DynamoDB's TTL forgets an abandoned upload when the bucket's
    # lifecycle rule deletes its file (two days).
    ttl = NumberAttribute(null=True)
    created_by = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()

    @property
    def focal(self) -> tuple[float, float]:
        return (float(self.focal_x), float(self.focal_y))

    def rendition(self, name: str) -> dict[str, Any] | None:
        found = (self.renditions.as_dict() if self.renditions else {}).get(name)
        return dict(found) if found else None


def create(
    workspace_id: str,
    media_id: str,
    *,
    filename: str,
    declared_content_type: str,
    declared_size: int,
    max_bytes: int,
    upload_key: str,
    created_by: str | None,
    source_url: str | None = None,
    alt_text: str | None = None,
    tags: list[str] | None = None,
) -> MediaItem:
    """A new item, uploading; `alt_text` and `tags` when known from the start (an image
    the app draws itself), which saves their update after."""
    now = iso(utcnow())
    item = MediaItem(
        workspace_id,
        media_id,
        filename=filename,
        declared_content_type=declared_content_type,
        declared_size=declared_size,
        max_bytes=max_bytes,
        upload_key=upload_key,
        created_by=created_by,
        source_url=source_url,
        alt_text=alt_text,
        tags=list(tags or []),
        ttl=int(time.time()) + ABANDONED_AFTER_SECONDS,
        created_at=now,
        updated_at=now,
    )
    item.save(condition=MediaItem.media_id.does_not_exist())
    return item


def get(workspace_id: str, media_id: str) -> MediaItem:
    try:
        return MediaItem.get(workspace_id, media_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("Media not found.") from None


def get_many(workspace_id: str, media_ids: list[str]) -> dict[str, MediaItem]:
    """The items that exist among `media_ids` (one batch read per 100)."""
    keys = [(workspace_id, media_id) for media_id in dict.fromkeys(media_ids)]
    return {item.media_id: item for item in MediaItem.batch_get(keys)}


def _start_key(workspace_id: str, cursor: str | None) -> dict[str, Any] | None:
    """The cursor's key, refused unless it is one of this workspace's media pages."""
    return decode_cursor(cursor, workspace_id, ("workspace_id", "media_id"))


def list_media(
    workspace_id: str,
    *,
    limit: int,
    cursor: str | None = None,
    tag: str | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> tuple[list[MediaItem], str | None]:
    """Newest first, optionally one tag, kind or status; `(items, next_cursor)`."""
    condition = None
    for wanted in (
        MediaItem.tags.contains(tag) if tag else None,
        MediaItem.kind == kind if kind else None,
        MediaItem.status == status if status else None,
    ):
        if wanted is not None:
            condition = wanted if condition is None else condition & wanted
    results = MediaItem.query(
        workspace_id,
        scan_index_forward=False,
        filter_condition=condition,
        limit=limit,
        last_evaluated_key=_start_key(workspace_id, cursor),
    )
    items = list(results)
    more = len(items) == limit and results.last_evaluated_key is not None
    return items, encode_cursor(results.last_evaluated_key) if more else None


def _update(item: MediaItem, actions: list[Any], condition: Any = None) -> MediaItem:
    actions = [*actions, MediaItem.updated_at.set(iso(utcnow()))]
    exists = MediaItem.media_id.exists()
    try:
        item.update(actions=actions, condition=exists if condition is None else exists & condition)
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise Conflict("The media item changed meanwhile; try again.") from None
        raise
    return item


def mark_ready(
    item: MediaItem,
    *,
    inspection: dict[str, Any],
    key: str,
    thumbnail_key: str | None,
) -> MediaItem:
    actions = [
        MediaItem.status.set(READY),
        MediaItem.key.set(key),
        MediaItem.failure_reason.remove(),
        MediaItem.ttl.remove(),
    ]
    if thumbnail_key:
        actions.append(MediaItem.thumbnail_key.set(thumbnail_key))
    for name in (
        "kind",
        "content_type",
        "size",
        "width",
        "height",
        "duration_seconds",
        "video_codec",
        "audio_codec",
        "frames",
    ):
        value = inspection.get(name)
        if value is not None:
            actions.append(getattr(MediaItem, name).set(value))
    return _update(item, actions, MediaItem.status == UPLOADING)


def mark_failed(item: MediaItem, reason: str, content_type: str | None = None) -> MediaItem:
    actions = [
        MediaItem.status.set(FAILED),
        MediaItem.failure_reason.set(reason),
        MediaItem.ttl.remove(),
    ]
    if content_type:
        actions.append(MediaItem.content_type.set(content_type))
    return _update(item, actions, MediaItem.status == UPLOADING)


def update_details(
    item: MediaItem,
    *,
    alt_text: str | None = None,
    clear_alt_text: bool = False,
    tags: list[str] | None = None,
    focal: tuple[float, float] | None = None,
) -> MediaItem:
    """Alt text, tags and focal point; moving the focal point forgets the renditions."""
    actions: list[Any] = []
    if clear_alt_text:
        actions.append(MediaItem.alt_text.remove())
    elif alt_text is not None:
        actions.append(MediaItem.alt_text.set(alt_text))
    if tags is not None:
        actions.append(MediaItem.tags.set(cast(Any, tags)))
    if focal is not None and focal != item.focal:
        actions += [
            MediaItem.focal_x.set(focal[0]),
            MediaItem.focal_y.set(focal[1]),
            MediaItem.renditions.set({}),
        ]
    return _update(item, actions) if actions else item


def add_rendition(item: MediaItem, name: str, rendition: dict[str, Any]) -> MediaItem:
    """Remember a rendition made for the item's current focal point."""
    focal_unchanged = (MediaItem.focal_x == rendition["focal_x"]) & (
        MediaItem.focal_y == rendition["focal_y"]
    )
    return _update(item, [MediaItem.renditions[name].set(rendition)], focal_unchanged)


def _change_usage(workspace_id: str, media_id: str, action: Any) -> bool:
    """Apply a `used_by` action; False when the item does not exist."""
    try:
        MediaItem(workspace_id, media_id).update(
            actions=[action], condition=MediaItem.media_id.exists()
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def mark_used(workspace_id: str, media_id: str, post_id: str) -> None:
    """Record that a scheduled post uses this media (called by the posts code)."""
    if not _change_usage(workspace_id, media_id, MediaItem.used_by.add({post_id})):
        raise NotFound(f"Media {media_id} not found.")


def unmark_used(workspace_id: str, media_id: str, post_id: str) -> None:
    """The post no longer uses this media (published, cancelled, edited or deleted); an
    item deleted meanwhile has nothing left to unmark."""
    _change_usage(workspace_id, media_id, MediaItem.used_by.delete({post_id}))


def set_post_usage(workspace_id: str, post_id: str, before: list[str], after: list[str]) -> None:
    """Move a post's usage marks from the media it used to the media it uses now."""
    for media_id in set(after) - set(before):
        mark_used(workspace_id, media_id, post_id)
    for media_id in set(before) - set(after):
        unmark_used(workspace_id, media_id, post_id)


def delete(workspace_id: str, media_id: str) -> MediaItem:
    """Delete the item unless a scheduled post uses it (409)."""
    item = get(workspace_id, media_id)
    try:
        item.delete(condition=MediaItem.used_by.does_not_exist())
    except DeleteError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            current = get(workspace_id, media_id)
            posts = sorted(current.used_by or [])
            raise Conflict(
                "This media is used by a scheduled post; remove it from the post first.",
                [{"field": "used_by", "message": ", ".join(posts)}],
            ) from None
        raise
    return item
