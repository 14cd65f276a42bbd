"""Posts (API.md "Posts"): the calendar and list views, one post, cancelling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

from pydantic import ConfigDict, Field, WithJsonSchema

from chalicelib.api.idempotency import once
from chalicelib.api.responses import Reply
from chalicelib.api.routing import ApiBlueprint, RequestContext
from chalicelib.domain.approvals import Reviewer
from chalicelib.domain.model import Model
from chalicelib.domain.posts import (
    PostIn,
    PostOut,
    PostPatch,
    PostStatus,
    TargetOut,
    TargetStatus,
    ValidationOut,
)
from chalicelib.domain.roles import Role
from chalicelib.errors import invalid
from chalicelib.store.base import utcnow
from chalicelib.store.paging import bad_cursor, decode_cursor, encode_cursor

if TYPE_CHECKING:
    from chalicelib.store.posts import PostItem

posts = ApiBlueprint(__name__)

# Without `from`/`to` the list shows what is coming: the scheduling horizon is a year.
DEFAULT_SPAN = timedelta(days=366)
# Statuses a post reaches only once its time has come: asked for alone without `from`,
# the list looks back (the year up to `to`, or up to now) instead of ahead.
PAST_STATUSES = frozenset(
    {PostStatus.PUBLISHED, PostStatus.PARTIALLY_PUBLISHED, PostStatus.FAILED, PostStatus.EXPIRED}
)


# What `_moment` reads (datetime.fromisoformat): a date, or a date and time.
IsoMoment = Annotated[
    str,
    WithJsonSchema({"type": "string", "anyOf": [{"format": "date"}, {"format": "date-time"}]}),
]
# What `_statuses` reads: statuses separated by commas (blanks and empty parts ignored).
_ONE_STATUS = f"(?:{'|'.join(status.value for status in PostStatus)})"
_STATUS_LIST = rf"^\s*(?:{_ONE_STATUS}\s*)?(?:,\s*(?:{_ONE_STATUS}\s*)?)*$"


class PostQuery(Model):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    from_: IsoMoment | None = Field(
        default=None,
        alias="from",
        description=(
            "ISO date or time (UTC unless it has an offset); by default now, or, when every "
            "status asked for comes only after a post's time (published, "
            "partially_published, failed, expired), a year before `to`"
        ),
    )
    to: IsoMoment | None = Field(default=None, description="exclusive end; ISO date or time")
    status: str | None = Field(
        default=None,
        description="comma-separated statuses",
        json_schema_extra={"pattern": _STATUS_LIST},
    )
    account_id: str | None = None
    network: str | None = None
    q: str | None = Field(
        default=None,
        max_length=200,
        description="words the post's text (or a network's variant) contains, in any case",
    )
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = None


class PostList(Model):
    items: list[PostOut]
    next_cursor: str | None = None


class SlotQuery(Model):
    model_config = ConfigDict(extra="forbid")

    account_id: str = Field(min_length=1, max_length=64)
    count: int = Field(default=5, ge=1, le=50)


class NextSlot(Model):
    at: str = Field(description="UTC")
    local: str = Field(description="wall-clock time in the account's time zone")


class NextSlots(Model):
    account_id: str
    timezone: str
    items: list[NextSlot]


@posts.endpoint(
    "POST",
    "/v1/workspaces/{ws}/posts",
    auth=Role.EDITOR,
    body=PostIn,
    response=PostOut,
    status=201,
)
def create_post(ctx: RequestContext, ws: str, body: PostIn) -> PostOut | Reply:
    """Create a post for one or more accounts: a draft (no `when`), at a time, in the
    queue or now. 422 lists every problem of every target at once."""
    from chalicelib.posts.facts import load_facts
    from chalicelib.posts.service import create_post as create

    def run() -> PostOut:
        facts = load_facts(ws, body.media_ids)
        return post_out(create(ws, ctx.principal.actor, body, facts, reviewer=_reviewer(ctx)))

    return once(ctx, ws, "posts.create", 201, run)


@posts.endpoint(
    "POST",
    "/v1/workspaces/{ws}/posts/validate",
    auth=Role.EDITOR,
    body=PostIn,
    response=ValidationOut,
)
def validate_post(ctx: RequestContext, ws: str, body: PostIn) -> ValidationOut:
    """Check a post as `POST .../posts` would, storing nothing: `{valid, problems}`."""
    from chalicelib.posts.facts import load_facts
    from chalicelib.posts.service import validate

    return validate(body, load_facts(ws, body.media_ids)).as_output()


@posts.endpoint(
    "PATCH",
    "/v1/workspaces/{ws}/posts/{post_id}",
    auth=Role.EDITOR,
    body=PostPatch,
    response=PostOut,
)
def update_post(ctx: RequestContext, ws: str, post_id: str, body: PostPatch) -> PostOut:
    """Edit or reschedule a post not yet on its way; `version` is the one you read (409
    when someone changed it since)."""
    from chalicelib.posts.facts import load_facts
    from chalicelib.posts.service import update_post as update

    media_ids = body.media_ids if body.media_ids is not None else _current_media(ws, post_id)
    facts = load_facts(ws, media_ids)
    return post_out(
        update(ws, post_id, body, facts, actor=ctx.principal.actor, reviewer=_reviewer(ctx))
    )


@posts.endpoint(
    "POST",
    "/v1/workspaces/{ws}/posts/{post_id}/publish-now",
    auth=Role.EDITOR,
    response=PostOut,
)
def publish_now(ctx: RequestContext, ws: str, post_id: str) -> PostOut:
    """Send a draft or scheduled post at once."""
    from chalicelib.posts.facts import load_facts
    from chalicelib.posts.service import publish_now as send

    facts = load_facts(ws, _current_media(ws, post_id))
    return post_out(send(ws, post_id, facts, reviewer=_reviewer(ctx), actor=ctx.principal.actor))


@posts.endpoint(
    "GET",
    "/v1/workspaces/{ws}/queue/next-slots",
    auth=Role.VIEWER,
    query=SlotQuery,
    response=NextSlots,
)
def next_slots(ctx: RequestContext, ws: str, query: SlotQuery) -> NextSlots:
    """The account's next free queue slots, soonest first."""
    from chalicelib.domain.slots import next_free_slots
    from chalicelib.domain.timezones import iso_utc, to_wall
    from chalicelib.posts.facts import account_facts
    from chalicelib.posts.service import QUEUE_LOOKAHEAD
    from chalicelib.store import accounts as account_store
    from chalicelib.store import posts as store

    item = account_store.get(ws, query.account_id)
    if item is None:
        raise invalid("account_id", "no such account in this workspace")
    account = account_facts(item)
    now = utcnow()
    taken = store.taken_times(ws, account.account_id, now, now + QUEUE_LOOKAHEAD)
    found = next_free_slots(
        account.slots,
        account.timezone,
        now,
        [datetime.fromisoformat(t) for t in taken],
        query.count,
    )
    return NextSlots(
        account_id=account.account_id,
        timezone=account.timezone,
        items=[
            NextSlot(at=iso_utc(at), local=to_wall(at, account.timezone).isoformat())
            for at in found
        ],
    )


@posts.endpoint(
    "GET", "/v1/workspaces/{ws}/posts", auth=Role.VIEWER, query=PostQuery, response=PostList
)
def list_posts(ctx: RequestContext, ws: str, query: PostQuery) -> PostList:
    """The calendar and list views: posts in [from, to) by scheduled time, filtered."""
    from chalicelib.store import posts as store

    statuses = _statuses(query.status)
    if statuses == [PostStatus.DRAFT]:
        start_key = decode_cursor(query.cursor, ws, ("workspace_id", "post_id"))
        page = store.list_drafts(ws, limit=query.limit, start_key=start_key, text=query.q)
    else:
        if not query.from_ and statuses and set(statuses) <= PAST_STATUSES:
            # Failures and publications are behind us: look back, not ahead.
            end = _moment("to", query.to) if query.to else utcnow() + timedelta(days=1)
            start = _shifted("to", end, -DEFAULT_SPAN)
        else:
            start = _moment("from", query.from_) if query.from_ else utcnow()
            end = _moment("to", query.to) if query.to else _shifted("from", start, DEFAULT_SPAN)
        if end <= start:
            raise invalid("to", "must be after from")
        start_key = decode_cursor(query.cursor, ws, ("workspace_id", "post_id", "scheduled_at"))
        if start_key is not None and not _within(start_key["scheduled_at"]["S"], start, end):
            raise bad_cursor()  # DynamoDB refuses a start key outside the query's range
        page = store.list_scheduled(
            ws,
            start,
            end,
            statuses=[s.value for s in statuses] or None,
            account_id=query.account_id,
            network=query.network,
            limit=query.limit,
            start_key=start_key,
            text=query.q,
        )
    return PostList(
        items=[post_out(item) for item in page.items], next_cursor=encode_cursor(page.last_key)
    )


def _within(scheduled_at: str, start: datetime, end: datetime) -> bool:
    """Whether a `scheduled_at` lies in what `store.list_scheduled(start, end)` queries."""
    from chalicelib.store.base import iso

    # The query's upper bound (store.posts._just_before): "." sorts before "Z".
    return iso(start) <= scheduled_at <= iso(end)[:-1] + "."


@posts.endpoint("GET", "/v1/workspaces/{ws}/posts/{post_id}", auth=Role.VIEWER, response=PostOut)
def get_post(ctx: RequestContext, ws: str, post_id: str) -> PostOut:
    """One post with the status of each target."""
    from chalicelib.store import posts as store

    return post_out(store.get_or_404(ws, post_id))


@posts.endpoint("DELETE", "/v1/workspaces/{ws}/posts/{post_id}", auth=Role.EDITOR, response=PostOut)
def delete_post(ctx: RequestContext, ws: str, post_id: str) -> PostOut | None:
    """Cancel what is not yet published: 204 when the post is gone, else the post with its
    unpublished targets cancelled; 409 once it is on its way or published."""
    from chalicelib.posts.service import delete_post as cancel

    kept = cancel(ws, post_id, actor=ctx.principal.actor)
    return post_out(kept) if kept is not None else None


def _current_media(workspace_id: str, post_id: str) -> list[str]:
    from chalicelib.store import posts as store

    return list(store.get_or_404(workspace_id, post_id).media_ids)


def post_out(item: PostItem) -> PostOut:
    return PostOut(
        id=item.post_id,
        version=int(item.version),
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
                status=TargetStatus(target.status),
                attempts=int(target.attempts),
                external_id=target.external_id,
                url=target.url,
                error=target.error,
                published_at=target.published_at,
            )
            for target in item.targets
        ],
        approval=item.approval or None,
        origin=item.origin or None,
    )


def _reviewer(ctx: RequestContext) -> Reviewer:
    """Who writes the post, with their role: the approval policy decides by it."""
    from chalicelib.api.approvals import reviewer_of

    return reviewer_of(ctx)


def _statuses(value: str | None) -> list[PostStatus]:
    if not value:
        return []
    try:
        return [PostStatus(part.strip()) for part in value.split(",") if part.strip()]
    except ValueError:
        known = ", ".join(status.value for status in PostStatus)
        raise invalid("status", f"use one or more of {known}") from None


def _shifted(field: str, moment: datetime, by: timedelta) -> datetime:
    """`moment + by`, or a 422 naming `field` when that leaves the calendar (year 1-9999)."""
    try:
        return moment + by
    except OverflowError:
        raise invalid(field, "use a date between the years 2 and 9998") from None


def _moment(field: str, value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise invalid(
            field, "an ISO date or time such as 2026-12-01 or 2026-12-01T09:00:00Z"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
