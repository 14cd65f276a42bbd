"""A post's activity timeline: who did what to it, oldest first.

Each event is recorded from the one place it happens, with one line:

>>> timeline.record(ws, post_id, TimelineKind.APPROVED, actor, {"comment": "Looks good"})

Recording never fails the action it follows: the action already happened; a lost
timeline line is logged. Three events are not written, the post itself says them, so
`events` reads them from there (writes less a post): its creation (who created it and
when), each target's publish (when, where, the link), until a recurring post's next
occurrence clears its targets (`keep_published` writes them then), and each published
target's first figures (its analytics row's first snapshot: chalicelib/store/metrics.py).
"""

from __future__ import annotations

import json
from datetime import datetime
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
    """The post's timeline, oldest first: its creation and its targets' publishes (from
    the post, unless a post written before that kept them as events) and the events
    recorded."""
    from chalicelib.store import collaboration as store

    recorded = store.list_events(post.workspace_id, post.post_id)
    derived = []
    if post.created_at and not any(e.kind == TimelineKind.CREATED for e in recorded):
        derived.append(
            _derived(
                post,
                TimelineKind.CREATED,
                post.created_at,
                "created",
                f"ev_created_{post.post_id}",
                {"version": 1},
                actor=post.created_by,
            )
        )
    told = {_publish_of(e.details_dict()) for e in recorded if e.kind == TimelineKind.PUBLISHED}
    derived += [e for e in _published(post) if _publish_of(e.details_dict()) not in told]
    derived += _first_figures(post, [e for e in recorded if e.kind == TimelineKind.METRICS])
    if not derived:
        return recorded
    return sorted([*derived, *recorded], key=lambda e: datetime.fromisoformat(e.at))


def keep_published(post: PostItem) -> None:
    """Write the publishes the post's targets say, before its next occurrence clears
    them (a recurring post); a write repeated writes the same items."""
    from chalicelib.store import collaboration as store

    try:
        with store.TimelineItem.batch_write() as batch:
            for event in _published(post):
                batch.save(event)
    except Exception:
        logger.exception(
            "keeping a series' publishes on its timeline failed",
            extra={"workspace_id": post.workspace_id, "post_id": post.post_id},
        )


def _published(post: PostItem) -> list[TimelineItem]:
    """The publish of each published target, as the publisher told it before."""
    from chalicelib.store import collaboration as store

    found = []
    for target in post.targets:
        if target.status != "published" or not target.published_at:
            continue
        at = store.stamp(datetime.fromisoformat(target.published_at))
        details = {
            "post_id": post.post_id,
            "account_id": target.account_id,
            "network": target.network,
            "attempt": int(target.attempts),
            "outcome": "published",
            "external_id": target.external_id,
            "url": target.url,
        }
        event_id = f"ev_published_{target.target_id}_{''.join(filter(str.isdigit, at))}"
        found.append(
            _derived(post, TimelineKind.PUBLISHED, at, target.target_id, event_id, details)
        )
    return found


def _first_figures(post: PostItem, told: list[TimelineItem]) -> list[TimelineItem]:
    """When each published target's first figures arrived, read from its analytics row
    (its first snapshot); a row whose line the collector once wrote (`told`: the line of
    a target at or after the row's publication, before its next) is not told twice."""
    from chalicelib.analytics.collection import HEADLINE
    from chalicelib.store import collaboration as store
    from chalicelib.store import metrics

    try:
        rows = [r for r in metrics.post_rows(post.workspace_id, post.post_id, post) if r.snapshots]
    except Exception:  # the timeline shows what it has: the lines of the post itself
        logger.exception(
            "reading a post's first figures failed",
            extra={"workspace_id": post.workspace_id, "post_id": post.post_id},
        )
        return []
    rows.sort(key=lambda r: r.published_at)
    written = set()
    for line in told:
        said_at = datetime.fromisoformat(line.at)
        target = line.details_dict().get("target_id")
        before = [r for r in rows if r.target_id == target and r.published_at <= said_at]
        if before:
            written.add((target, before[-1].published_at))
    found = []
    for row in rows:
        if (row.target_id, row.published_at) in written:
            continue
        moment, values = row.snapshots[0]
        at = store.stamp(moment)
        details = {
            "network": row.network,
            "account_id": row.account_id,
            "target_id": row.target_id,
            "metrics": {name: values[name] for name in HEADLINE if name in values},
        }
        event_id = f"ev_metrics_{row.target_id}_{''.join(filter(str.isdigit, at))}"
        found.append(_derived(post, TimelineKind.METRICS, at, row.target_id, event_id, details))
    return found


def _derived(
    post: PostItem,
    kind: TimelineKind,
    at: str,
    suffix: str,
    event_id: str,
    details: dict[str, Any],
    actor: str | None = None,
) -> TimelineItem:
    """A line the post itself says (not written), keyed as a recorded one would be."""
    from chalicelib.store import collaboration as store

    return store.TimelineItem(
        post.workspace_id,
        f"{post.post_id}#{at}#{suffix}",
        post_id=post.post_id,
        event_id=event_id,
        kind=kind.value,
        actor=actor,
        details=json.dumps(details),
        at=at,
    )


def _publish_of(details: dict[str, Any]) -> tuple[Any, ...]:
    return (details.get("account_id"), details.get("network"), details.get("external_id"))


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
