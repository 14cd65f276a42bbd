"""In-app notifications: what failed, what needs reconnecting."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from chalicelib.api.routing import ApiBlueprint, RequestContext
from chalicelib.domain.model import Model
from chalicelib.domain.roles import Role
from chalicelib.errors import NotFound

notifications = ApiBlueprint(__name__)


class NotificationOut(Model):
    id: str
    kind: str
    title: str
    message: str
    link: str | None
    subject_id: str | None
    read: bool
    created_at: datetime


class NotificationList(Model):
    items: list[NotificationOut]
    next_cursor: str | None = None
    unread: int = 0


class NotificationQuery(Model):
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = None
    unread: bool = False


def _out(item: Any) -> NotificationOut:
    return NotificationOut(
        id=item.notification_id,
        kind=item.kind,
        title=item.title,
        message=item.message,
        link=item.link,
        subject_id=item.subject_id,
        read=item.read,
        created_at=item.created_at,
    )


@notifications.endpoint(
    "GET",
    "/v1/workspaces/{ws}/notifications",
    auth=Role.VIEWER,
    query=NotificationQuery,
    response=NotificationList,
)
def list_notifications(ctx: RequestContext, ws: str, query: NotificationQuery) -> NotificationList:
    """Newest first; `unread=true` for the unread ones only."""
    from chalicelib.store import notifications as store

    user_id = ctx.principal.user_id  # a member sees everyone's and their own
    items, cursor = store.list_page(ws, query.limit, query.cursor, query.unread, user_id)
    return NotificationList(
        items=[_out(i) for i in items],
        next_cursor=cursor,
        unread=store.unread_count(ws, user_id=user_id),
    )


@notifications.endpoint(
    "POST",
    "/v1/workspaces/{ws}/notifications/{notification_id}/read",
    auth=Role.VIEWER,
    response=NotificationOut,
)
def mark_read(ctx: RequestContext, ws: str, notification_id: str) -> NotificationOut:
    """Mark one notification as read."""
    from chalicelib.store import notifications as store

    item = store.mark_read(ws, notification_id, ctx.principal.user_id)
    if item is None:
        raise NotFound("No such notification.")
    return _out(item)
