"""Approvals (issue 21): the workspace's policy, decisions on posts, bulk decisions and the
inbox. The rules are in chalicelib/domain/approvals.py, the decisions in
chalicelib/posts/approvals.py.

Who may decide is the post's business, not the route's: any member may call approve,
reject or request-changes, and the engine answers 403 unless they are an approver of the
post's current step (and not its author, unless the policy allows it).
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, field_validator

from chalicelib.api.posts import PostList, post_out
from chalicelib.api.routing import ApiBlueprint, RequestContext
from chalicelib.domain.approvals import MAX_COMMENT, ApprovalPolicy, Decision, Reviewer
from chalicelib.domain.model import Model
from chalicelib.domain.posts import PostOut, When
from chalicelib.domain.roles import Role

approvals = ApiBlueprint(__name__)

MAX_BULK = 100


class PolicyOut(Model):
    policy: ApprovalPolicy
    updated_by: str | None = None
    updated_at: str | None = None


class SubmitIn(Model):
    model_config = ConfigDict(extra="forbid")

    comment: str | None = Field(default=None, max_length=MAX_COMMENT)
    version: int | None = Field(default=None, ge=1, description="the version you read")
    when: When | None = Field(default=None, description="a new time (else the post's own)")


class ApproveIn(Model):
    model_config = ConfigDict(extra="forbid")

    comment: str | None = Field(default=None, max_length=MAX_COMMENT)
    version: int | None = Field(default=None, ge=1, description="the version you read")
    when: When | None = Field(
        default=None, description="a new time: required once the post's time has passed"
    )


class DecisionCommentIn(Model):
    model_config = ConfigDict(extra="forbid")

    comment: str | None = Field(default=None, max_length=MAX_COMMENT)
    version: int | None = Field(default=None, ge=1, description="the version you read")


class BulkIn(Model):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "reject", "request_changes"]
    post_ids: list[str] = Field(min_length=1, max_length=MAX_BULK)
    comment: str | None = Field(default=None, max_length=MAX_COMMENT)

    @field_validator("post_ids")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("lists a post twice")
        if any(not post_id or len(post_id) > 64 for post_id in value):
            raise ValueError("a post id is 1 to 64 characters")
        return value


class BulkError(Model):
    code: str
    message: str


class BulkItem(Model):
    post_id: str
    status: int = Field(description="the HTTP status this post's decision alone would get")
    post: PostOut | None = None
    error: BulkError | None = None


class BulkOut(Model):
    items: list[BulkItem]
    succeeded: int
    failed: int


class InboxQuery(Model):
    model_config = ConfigDict(extra="forbid")

    box: Literal["waiting", "submitted", "all"] = Field(
        default="waiting",
        description="waiting: posts whose current step you may approve; submitted: posts "
        "in review you wrote; all: every post in review",
    )
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=64)


def reviewer_of(ctx: RequestContext) -> Reviewer:
    """The caller as a reviewer: a user with their role, or an API key with its role (the
    person behind the key counts as the key for self-approval)."""
    principal = ctx.principal
    return Reviewer(
        actor=principal.actor,
        role=ctx.role,
        user_id=principal.person,
    )


# ---------------------------------------------------------------------------------- policy


@approvals.endpoint(
    "GET", "/v1/workspaces/{ws}/approval-policy", auth=Role.VIEWER, response=PolicyOut
)
def get_policy(ctx: RequestContext, ws: str) -> PolicyOut:
    """The workspace's approval policy (`mode: off` unless one was set)."""
    from chalicelib.posts.approvals import get_policy as read

    policy, meta = read(ws)
    return PolicyOut(policy=policy, **meta)


@approvals.endpoint(
    "PUT",
    "/v1/workspaces/{ws}/approval-policy",
    auth=Role.ADMIN,
    body=ApprovalPolicy,
    response=PolicyOut,
)
def put_policy(ctx: RequestContext, ws: str, body: ApprovalPolicy) -> PolicyOut:
    """Set the approval policy (owners and admins; audited). Posts already in review keep
    the steps they were submitted with."""
    from chalicelib.billing.entitlements import require
    from chalicelib.billing.plans import Feature
    from chalicelib.domain.approvals import ApprovalMode
    from chalicelib.posts.approvals import set_policy

    if body.mode is not ApprovalMode.OFF:
        require(ws, Feature.APPROVALS)  # 402 plan_feature; turning approvals off always works
    meta = set_policy(ws, body, ctx.principal.actor)
    return PolicyOut(policy=body, **meta)


# ------------------------------------------------------------------------------- decisions


@approvals.endpoint(
    "POST",
    "/v1/workspaces/{ws}/posts/{post_id}/submit",
    auth=Role.EDITOR,
    body=SubmitIn,
    response=PostOut,
)
def submit_post(ctx: RequestContext, ws: str, post_id: str, body: SubmitIn) -> PostOut:
    """Submit a draft (or a post sent back, rejected or expired) for approval; it is
    checked as if it were going out. 409 with approvals off; 402 on a plan without them."""
    from chalicelib.billing.entitlements import require
    from chalicelib.billing.plans import Feature

    require(ws, Feature.APPROVALS)
    return _decide(ctx, ws, post_id, Decision.SUBMIT, body, body.when)


@approvals.endpoint(
    "POST",
    "/v1/workspaces/{ws}/posts/{post_id}/approve",
    auth=Role.VIEWER,
    body=ApproveIn,
    response=PostOut,
)
def approve_post(ctx: RequestContext, ws: str, post_id: str, body: ApproveIn) -> PostOut:
    """Approve the post's current step; the last step's approval schedules it (422 without
    a new `when` once its time has passed; 403 for its author or a non-approver)."""
    return _decide(ctx, ws, post_id, Decision.APPROVE, body, body.when)


@approvals.endpoint(
    "POST",
    "/v1/workspaces/{ws}/posts/{post_id}/reject",
    auth=Role.VIEWER,
    body=DecisionCommentIn,
    response=PostOut,
)
def reject_post(ctx: RequestContext, ws: str, post_id: str, body: DecisionCommentIn) -> PostOut:
    """Reject the post (an approver of its current step)."""
    return _decide(ctx, ws, post_id, Decision.REJECT, body)


@approvals.endpoint(
    "POST",
    "/v1/workspaces/{ws}/posts/{post_id}/request-changes",
    auth=Role.VIEWER,
    body=DecisionCommentIn,
    response=PostOut,
)
def request_changes(ctx: RequestContext, ws: str, post_id: str, body: DecisionCommentIn) -> PostOut:
    """Send the post back to its author with a comment (an approver of its current step)."""
    return _decide(ctx, ws, post_id, Decision.REQUEST_CHANGES, body)


def _decide(
    ctx: RequestContext,
    ws: str,
    post_id: str,
    decision: Decision,
    body: DecisionCommentIn | SubmitIn | ApproveIn,
    when: When | None = None,
) -> PostOut:
    from chalicelib.posts.approvals import decide

    reviewer = reviewer_of(ctx)
    return post_out(decide(ws, post_id, decision, reviewer, body.comment, body.version, when))


@approvals.endpoint(
    "POST", "/v1/workspaces/{ws}/approvals/bulk", auth=Role.VIEWER, body=BulkIn, response=BulkOut
)
def bulk_decide(ctx: RequestContext, ws: str, body: BulkIn) -> BulkOut:
    """The same decision on up to 100 posts; each post succeeds or fails on its own, with
    the status its decision alone would get."""
    from chalicelib.posts.approvals import decide_many

    results = decide_many(
        ws, body.post_ids, Decision(body.decision), reviewer_of(ctx), body.comment
    )
    items = [
        BulkItem(
            post_id=result.post_id,
            status=result.status,
            post=post_out(result.item) if result.item is not None else None,
            error=BulkError(code=result.code or "error", message=result.message or "")
            if result.item is None
            else None,
        )
        for result in results
    ]
    succeeded = sum(1 for item in items if item.post is not None)
    return BulkOut(items=items, succeeded=succeeded, failed=len(items) - succeeded)


@approvals.endpoint(
    "GET", "/v1/workspaces/{ws}/approvals", auth=Role.VIEWER, query=InboxQuery, response=PostList
)
def approvals_inbox(ctx: RequestContext, ws: str, query: InboxQuery) -> PostList:
    """The approvals inbox: what waits for me, what I submitted, or everything in review."""
    from chalicelib.posts.approvals import inbox

    found = inbox(ws, reviewer_of(ctx), query.box, query.limit, query.cursor)
    return PostList(items=[post_out(item) for item in found.items], next_cursor=found.next_cursor)
