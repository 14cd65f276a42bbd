"""A post's activity timeline: who did what to it, oldest first.

Each event is recorded from the one place it happens, with one line:

>>> timeline.record(ws, post_id, TimelineKind.APPROVED, actor, {"comment": "Looks good"})

Recording never fails the action it follows: the action already happened; a lost
timeline line is logged.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.collaboration import TimelineKind
from chalicelib.observability import logger


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
