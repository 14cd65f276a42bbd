"""An account's queue (API.md "Posts"): putting its queued posts in another order."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from chalicelib.api.routing import ApiBlueprint, RequestContext
from chalicelib.domain.model import Model
from chalicelib.domain.posts import PostOut
from chalicelib.domain.roles import Role

queue = ApiBlueprint(__name__)


class QueuedRef(Model):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=64, description="a scheduled post's id")
    version: int | None = Field(
        default=None, ge=1, description="the version read: 409 when the post changed since"
    )


class ReorderIn(Model):
    """The posts of one account's queue in the order they should go out."""

    model_config = ConfigDict(extra="forbid")

    account_id: str = Field(min_length=1, max_length=64)
    posts: list[QueuedRef] = Field(min_length=1, max_length=100)


class ReorderOut(Model):
    account_id: str
    items: list[PostOut] = Field(description="the posts named, soonest first")


@queue.endpoint(
    "POST",
    "/v1/workspaces/{ws}/queue/reorder",
    auth=Role.EDITOR,
    body=ReorderIn,
    response=ReorderOut,
)
def reorder_queue(ctx: RequestContext, ws: str, body: ReorderIn) -> ReorderOut:
    """Reorder an account's queued posts: they keep the times they hold, given out again
    earliest first in the order listed."""
    from chalicelib.api.approvals import reviewer_of
    from chalicelib.api.posts import post_out
    from chalicelib.posts.queue import reorder

    moved = reorder(
        ws, body.account_id, [(ref.id, ref.version) for ref in body.posts], reviewer_of(ctx)
    )
    return ReorderOut(account_id=body.account_id, items=[post_out(item) for item in moved])
