"""Publishing again: a user's retry of a post's failed targets, an operator's redrive of
the dead-letter queue (API.md "Posts" and "admin")."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ConfigDict, Field

from chalicelib.api.routing import Access, ApiBlueprint, RequestContext
from chalicelib.domain.model import Model
from chalicelib.domain.posts import PostOut
from chalicelib.domain.roles import Role
from chalicelib.errors import ApiError

publishing = ApiBlueprint(__name__)


class RetryIn(Model):
    model_config = ConfigDict(extra="forbid")

    account_ids: list[str] | None = Field(
        default=None, description="only these accounts' targets; all failed ones by default"
    )


@publishing.endpoint(
    "POST",
    "/v1/workspaces/{ws}/posts/{post_id}/retry",
    auth=Role.EDITOR,
    body=RetryIn,
    response=PostOut,
)
def retry_post(ctx: RequestContext, ws: str, post_id: str, body: RetryIn) -> PostOut:
    """Publish the post's failed and unconfirmed targets again (409 when there are none)."""
    from chalicelib.api.posts import post_out
    from chalicelib.publishing.reopen import reopen_targets
    from chalicelib.store.audit import record_event

    item = reopen_targets(ws, post_id, account_ids=body.account_ids)
    record_event(
        ws,
        "post.retried",
        actor=ctx.principal.actor if ctx.principal else None,
        target=post_id,
        details={"account_ids": body.account_ids},
    )
    return post_out(item)


class TargetRef(Model):
    model_config = ConfigDict(extra="forbid")

    workspace_id: str
    post_id: str
    target_id: str


class RedriveIn(Model):
    model_config = ConfigDict(extra="forbid")

    targets: list[TargetRef] = Field(min_length=1, max_length=100)


class RedriveResult(Model):
    workspace_id: str
    post_id: str
    target_id: str
    redriven: bool
    reason: str | None = None


class RedriveOut(Model):
    results: list[RedriveResult]
    removed_from_queue: int


@publishing.endpoint(
    "POST",
    "/v1/admin/dead-letters/redrive",
    auth=Access.OPERATOR,
    body=RedriveIn,
    response=RedriveOut,
    tags=("admin",),
)
def redrive(ctx: RequestContext, body: RedriveIn) -> RedriveOut:
    """Re-arm the failed targets named (operators), and drop their dead letters."""
    from chalicelib.publishing.reopen import reopen_targets
    from chalicelib.store.audit import record_event

    results = []
    for ref in body.targets:
        try:
            reopen_targets(ref.workspace_id, ref.post_id, target_ids=[ref.target_id])
        except ApiError as error:
            results.append(RedriveResult(**ref.model_dump(), redriven=False, reason=error.message))
            continue
        record_event(
            ref.workspace_id,
            "post.redriven",
            actor="operator",
            target=ref.target_id,
            details={"post_id": ref.post_id},
        )
        results.append(RedriveResult(**ref.model_dump(), redriven=True))
    redriven = {r.target_id for r in results if r.redriven}
    return RedriveOut(results=results, removed_from_queue=_drop_letters(redriven))


def _drop_letters(target_ids: set[str], max_rounds: int = 10) -> int:
    """Delete the queue's messages about `target_ids`; others become visible again."""
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    if not target_ids:
        return 0
    sqs, url = client("sqs"), get_settings().dead_letter_queue_url
    removed = 0
    for _ in range(max_rounds):
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=5)
        messages: list[dict[str, Any]] = answer.get("Messages", [])
        if not messages:
            break
        for message in messages:
            try:
                target = json.loads(message["Body"]).get("target_id")
            except (ValueError, AttributeError):
                target = None
            if target in target_ids:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                removed += 1
            else:
                sqs.change_message_visibility(
                    QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                )
    return removed
