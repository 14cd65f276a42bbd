"""In-app notifications, newest first, kept 90 days."""

from __future__ import annotations

import secrets
import time

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from chalicelib.store.base import StoredModel, iso, table_meta, utcnow

KEEP_SECONDS = 90 * 86400


class NotificationItem(StoredModel):
    Meta = table_meta("notifications")

    workspace_id = UnicodeAttribute(hash_key=True)
    # Newest first: ids sort descending by time (a reversed timestamp prefix).
    notification_id = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()
    title = UnicodeAttribute()
    message = UnicodeAttribute()
    link = UnicodeAttribute(null=True)
    subject_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    read = BooleanAttribute(default=False)
    ttl = NumberAttribute()


def _new_id() -> str:
    reverse = 10**13 - int(time.time() * 1000)
    return f"n_{reverse:013d}_{secrets.token_hex(4)}"


def create(
    workspace_id: str, kind: str, title: str, message: str, link: str | None, subject_id: str | None
) -> NotificationItem:
    item = NotificationItem(
        workspace_id=workspace_id,
        notification_id=_new_id(),
        kind=kind,
        title=title,
        message=message,
        link=link,
        subject_id=subject_id,
        created_at=iso(utcnow()),
        ttl=int(time.time()) + KEEP_SECONDS,
    )
    item.save()
    return item


def list_page(
    workspace_id: str, limit: int, cursor: str | None, unread_only: bool = False
) -> tuple[list[NotificationItem], str | None]:
    items = []
    last = None
    query = NotificationItem.query(
        workspace_id,
        NotificationItem.notification_id > cursor if cursor else None,
        filter_condition=(NotificationItem.read == False) if unread_only else None,  # noqa: E712
        limit=limit,
    )
    for item in query:
        items.append(item)
        last = item.notification_id
        if len(items) == limit:
            break
    return items, (last if len(items) == limit else None)


def mark_read(workspace_id: str, notification_id: str) -> NotificationItem | None:
    try:
        item = NotificationItem.get(workspace_id, notification_id)
    except DoesNotExist:
        return None
    item.update(actions=[NotificationItem.read.set(True)])
    return item


def unread_count(workspace_id: str, cap: int = 100) -> int:
    """Unread notifications, counted up to `cap` (the bell shows "99+" past that)."""
    query = NotificationItem.query(
        workspace_id,
        filter_condition=NotificationItem.read == False,  # noqa: E712
    )
    return sum(1 for _, _ in zip(range(cap), query, strict=False))
