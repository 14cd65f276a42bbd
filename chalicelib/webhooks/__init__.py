"""Outgoing webhooks: where the product's events leave for the endpoints a workspace
registered (Standard Webhooks signatures, delivered through SQS, retried for 24 hours).

The one call the rest of the code makes is `emit`, from the one place each event happens:

    webhooks.emit(workspace_id, "post.published", {"post_id": ..., "status": ...})

It never raises (an outage of the webhooks must not fail a publish) and costs nothing when
the workspace has no endpoint for the event. `post_event`, `account_event` and
`import_event` build the payload of their event from the stored item first.

Modules: `service.py` (endpoints, secrets, emitting, redelivering), `delivery.py` (the
SQS consumer: one signed attempt and what follows), `queue.py` (the delivery queue).
"""

from __future__ import annotations

from typing import Any

from chalicelib.observability import logger


def emit(workspace_id: str, event_type: str, data: Any) -> int:
    """Queue `event_type` with `data` (a dict or a payload model) for every active endpoint
    of the workspace subscribed to it; returns how many deliveries were queued."""
    try:
        from chalicelib.webhooks.service import emit_event

        return emit_event(workspace_id, event_type, data)
    except Exception:
        logger.exception("webhook emit failed", extra={"event_type": event_type})
        return 0


def post_event(item: Any, target: Any, outcome: str, reason: str | None, result: Any) -> int:
    """A publish attempt's outcome (`published`, `failed`, `unconfirmed`; other outcomes
    such as `retrying` send nothing) as a post event on one target."""
    event_type = {
        "published": "post.published",
        "failed": "post.failed",
        "unconfirmed": "post.unconfirmed",
    }.get(outcome)
    if event_type is None:
        return 0
    data = {
        "post_id": item.post_id,
        "target_id": target.target_id,
        "account_id": target.account_id,
        "network": target.network,
        "status": outcome,
        "scheduled_at": item.scheduled_at,
        "attempt": int(target.attempts or 0) or None,
        "reason": reason,
    }
    if result is not None:
        published_at = getattr(result, "published_at", None)
        data.update(
            url=getattr(result, "url", None),
            external_id=getattr(result, "external_id", None),
            published_at=published_at.isoformat() if published_at else None,
        )
    return emit(item.workspace_id, event_type, data)


def post_scheduled(item: Any) -> int:
    """A post written as scheduled (created, rescheduled or edited)."""
    return emit(
        item.workspace_id,
        "post.scheduled",
        {"post_id": item.post_id, "status": str(item.status), "scheduled_at": item.scheduled_at},
    )


def account_event(item: Any, event_type: str, reason: str | None = None) -> int:
    """An account connected (or reconnected), or one that needs reconnecting."""
    return emit(
        item.workspace_id,
        event_type,
        {
            "account_id": item.account_id,
            "network": item.network,
            "display_name": item.display_name,
            "handle": item.handle,
            "status": item.status,
            "reason": reason,
        },
    )


def import_event(item: Any) -> int:
    """A bulk import done."""
    return emit(
        item.workspace_id,
        "import.done",
        {
            "import_id": item.import_id,
            "status": item.status,
            "rows": int(item.rows or 0),
            "valid_rows": int(item.valid_rows or 0),
            "created_posts": int(item.created_posts or 0),
        },
    )
