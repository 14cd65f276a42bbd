"""A post's activity timeline: who did what to it, oldest first.

Each event is recorded from the one place it happens, with one line:

>>> timeline.record(ws, post_id, TimelineKind.APPROVED, actor, {"comment": "Looks good"})

Recording never fails the action it follows: the action already happened; a lost
timeline line is logged. The post's creation is the one event not written: the post
itself says who created it and when, so `events` reads it from there (a write less for
every post).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalicelib.domain.collaboration import TimelineKind
from chalicelib.observability import logger

if TYPE_CHECKING:
    from chalicelib.store.collaboration import TimelineItem
    from chalicelib.store.posts import PostItem


def event(
    workspace_id: str,
    post_id: str,
    kind: TimelineKind | str,
    actor: str | None = None,
    details: dict[str, Any] | None = None,
) -> Any:
    """The event `record` would write, unsaved: for a caller that writes it in one batch
    with others (the publisher, with its audit record)."""
    from chalicelib.store import collaboration as store

    return store.timeline_event(
        workspace_id, post_id, TimelineKind(kind).value, actor, details or {}
    )


def record(
    workspace_id: str,
    post_id: str,
    kind: TimelineKind | str,
    actor: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Add one event to the post's timeline. `actor`: a user id, `api_key:<id>`, a client
    reviewer's label, or None for the system (the publisher)."""
    from chalicelib.store import collaboration as store

    value = TimelineKind(kind).value  # an unknown kind is a bug in the caller: raise
    try:
        store.add_event(workspace_id, post_id, value, actor, details or {})
    except Exception:
        logger.exception(
            "recording a timeline event failed",
            extra={"workspace_id": workspace_id, "post_id": post_id, "kind": str(kind)},
        )


def events(post: PostItem) -> list[TimelineItem]:
    """The post's timeline, oldest first: its creation (from the post, unless a post
    written before that kept it as an event) and the events recorded since."""
    from chalicelib.store import collaboration as store

    recorded = store.list_events(post.workspace_id, post.post_id)
    if not post.created_at or any(e.kind == TimelineKind.CREATED for e in recorded):
        return recorded
    created = store.TimelineItem(
        post.workspace_id,
        f"{post.post_id}#{post.created_at}#created",
        post_id=post.post_id,
        event_id=f"ev_created_{post.post_id}",
        kind=TimelineKind.CREATED.value,
        actor=post.created_by,
        details=json.dumps({"version": 1}),
        at=post.created_at,
    )
    return [created, *recorded]


def forget_post(workspace_id: str, post_id: str) -> None:
    """A deleted post takes its timeline, comments and versions with it (a failure is
    logged: what is left is reachable through no post)."""
    from chalicelib.store import collaboration as store

    try:
        store.forget_post(workspace_id, post_id)
    except Exception:
        logger.exception(
            "forgetting a deleted post's collaboration failed",
            extra={"workspace_id": workspace_id, "post_id": post_id},
        )
