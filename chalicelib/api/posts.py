"""Posts (API.md "Posts"): the calendar and list views, one post, cancelling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.api.routing import ApiBlueprint, RequestContext
from chalicelib.domain.posts import PostOut, PostStatus, TargetOut
from chalicelib.domain.roles import Role
from chalicelib.errors import NotFound, invalid
from chalicelib.store.base import utcnow
from chalicelib.store.paging import decode_cursor, encode_cursor

if TYPE_CHECKING:
    from chalicelib.store.posts import PostItem

posts = ApiBlueprint(__name__)

# Without `from`/`to` the list shows what is coming: the scheduling horizon is a year.
DEFAULT_SPAN = timedelta(days=366)


class PostQuery(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    from_: str | None = Field(
        default=None, alias="from", description="ISO date or time (UTC unless it has an offset)"
    )
    to: str | None = Field(default=None, description="exclusive end; ISO date or time")
    status: str | None = Field(default=None, description="comma-separated statuses")
    account_id: str | None = None
    network: str | None = None
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = None


class PostList(BaseModel):
    items: list[PostOut]
    next_cursor: str | None = None


@posts.endpoint(
    "GET", "/v1/workspaces/{ws}/posts", auth=Role.VIEWER, query=PostQuery, response=PostList
)
def list_posts(ctx: RequestContext, ws: str, query: PostQuery) -> PostList:
    """The calendar and list views: posts in [from, to) by scheduled time, filtered."""
    from chalicelib.store import posts as store

    statuses = _statuses(query.status)
    start_key = decode_cursor(query.cursor)
    if statuses == [PostStatus.DRAFT]:
        page = store.list_drafts(ws, limit=query.limit, start_key=start_key)
    else:
        start = _moment("from", query.from_) if query.from_ else utcnow()
        end = _moment("to", query.to) if query.to else start + DEFAULT_SPAN
        if end <= start:
            raise invalid("to", "must be after from")
        page = store.list_scheduled(
            ws,
            start,
            end,
            statuses=[s.value for s in statuses] or None,
            account_id=query.account_id,
            network=query.network,
            limit=query.limit,
            start_key=start_key,
        )
    return PostList(
        items=[post_out(item) for item in page.items], next_cursor=encode_cursor(page.last_key)
    )


@posts.endpoint("GET", "/v1/workspaces/{ws}/posts/{post_id}", auth=Role.VIEWER, response=PostOut)
def get_post(ctx: RequestContext, ws: str, post_id: str) -> PostOut:
    """One post with the status of each target."""
    from chalicelib.store import posts as store

    item = store.get(ws, post_id)
    if item is None:
        raise NotFound("Post not found.")
    return post_out(item)


@posts.endpoint("DELETE", "/v1/workspaces/{ws}/posts/{post_id}", auth=Role.EDITOR, response=PostOut)
def delete_post(ctx: RequestContext, ws: str, post_id: str) -> PostOut | None:
    """Cancel what is not yet published: 204 when the post is gone, else the post with its
    unpublished targets cancelled; 409 once it is on its way or published."""
    from chalicelib.posts.service import delete_post as cancel

    kept = cancel(ws, post_id)
    return post_out(kept) if kept is not None else None


def post_out(item: PostItem) -> PostOut:
    return PostOut(
        id=item.post_id,
        version=item.version,
        status=PostStatus(item.status),
        text=item.text,
        media_ids=list(item.media_ids),
        first_comment=item.first_comment,
        scheduled_at=item.scheduled_at,
        timezone=item.timezone,
        recurrence=item.recurrence,
        created_by=item.created_by,
        created_at=item.created_at,
        updated_at=item.updated_at,
        targets=[
            TargetOut(
                account_id=target.account_id,
                network=target.network,
                text=target.text,
                options=target.options or {},
                status=target.status,
                attempts=target.attempts,
                external_id=target.external_id,
                url=target.url,
                error=target.error,
                published_at=target.published_at,
            )
            for target in item.targets
        ],
    )


def _statuses(value: str | None) -> list[PostStatus]:
    if not value:
        return []
    try:
        return [PostStatus(part.strip()) for part in value.split(",") if part.strip()]
    except ValueError:
        known = ", ".join(status.value for status in PostStatus)
        raise invalid("status", f"use one or more of {known}") from None


def _moment(field: str, value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise invalid(
            field, "an ISO date or time such as 2026-12-01 or 2026-12-01T09:00:00Z"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
