"""In-app notifications, newest first, kept 90 days."""

from __future__ import annotations

import secrets
import time
from typing import Any

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from chalicelib.store.base import iso, table_meta, utcnow
from chalicelib.store.model import StoredModel
from chalicelib.store.paging import decode_id_cursor

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
    # One member's (e.g. a mention); None: every member's (a failed post, an account).
    recipient = UnicodeAttribute(null=True)
    ttl = NumberAttribute()


def _new_id() -> str:
    reverse = 10**13 - int(time.time() * 1000)
    return f"n_{reverse:013d}_{secrets.token_hex(4)}"


ID_SHAPE = r"n_[0-9]{13}_[0-9a-f]{8}"  # what _new_id makes: a list's cursor is one


def create(
    workspace_id: str,
    kind: str,
    title: str,
    message: str,
    link: str | None,
    subject_id: str | None,
    recipient: str | None = None,
) -> NotificationItem:
    item = new(workspace_id, kind, title, message, link, subject_id, recipient)
    item.save()
    return item


def new(
    workspace_id: str,
    kind: str,
    title: str,
    message: str,
    link: str | None,
    subject_id: str | None,
    recipient: str | None = None,
) -> NotificationItem:
    """A notification not written yet (`create` writes one; model.save_together several)."""
    return NotificationItem(
        workspace_id=workspace_id,
        notification_id=_new_id(),
        kind=kind,
        title=title,
        message=message,
        link=link,
        subject_id=subject_id,
        created_at=iso(utcnow()),
        recipient=recipient,
        ttl=int(time.time()) + KEEP_SECONDS,
    )


def _seen_by(user_id: str | None) -> Any:
    """The notifications a member sees: everyone's and their own."""
    everyone = NotificationItem.recipient.does_not_exist()
    return everyone | (NotificationItem.recipient == user_id) if user_id else everyone


def list_page(
    workspace_id: str,
    limit: int,
    cursor: str | None,
    unread_only: bool = False,
    user_id: str | None = None,
) -> tuple[list[NotificationItem], str | None]:
    start = decode_id_cursor(cursor, ID_SHAPE)  # checked: the last id of a page
    items = []
    last = None
    query = NotificationItem.query(
        workspace_id,
        NotificationItem.notification_id > start if start else None,
        filter_condition=(NotificationItem.read == False) & _seen_by(user_id)  # noqa: E712
        if unread_only
        else _seen_by(user_id),
        limit=limit,
    )
    for item in query:
        items.append(item)
        last = item.notification_id
        if len(items) == limit:
            break
    return items, (last if len(items) == limit else None)


def mark_read(
    workspace_id: str, notification_id: str, user_id: str | None = None
) -> NotificationItem | None:
    try:
        item = NotificationItem.get(workspace_id, notification_id)
    except DoesNotExist:
        return None
    if item.recipient is not None and item.recipient != user_id:
        return None  # another member's
    item.update(actions=[NotificationItem.read.set(True)])
    return item


def unread_count(workspace_id: str, cap: int = 100, user_id: str | None = None) -> int:
    """Unread notifications, counted up to `cap` (the bell shows "99+" past that)."""
    query = NotificationItem.query(
        workspace_id,
        filter_condition=(NotificationItem.read == False) & _seen_by(user_id),  # noqa: E712
    )
    return sum(1 for _, _ in zip(range(cap), query, strict=False))
