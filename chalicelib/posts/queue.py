"""Reordering an account's queue: the queued posts swap their times, nothing else changes.

    reorder(ws, "a_1", [("p_2", 3), ("p_1", 5)], reviewer)  # p_2 now goes first

The times stay the queue's own (the slots the posts already hold); each post that moves
is rescheduled as `PATCH .../posts/{id}` would (re-armed, kept as a version, checked by
the approval policy). Either every post moves or, when one cannot, the ones already moved
go back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.approvals import Reviewer
from chalicelib.domain.posts import PostPatch, PostStatus, When
from chalicelib.domain.slots import reordered
from chalicelib.domain.timezones import iso_utc
from chalicelib.errors import Conflict, ValidationFailed, field_problem, invalid
from chalicelib.observability import logger
from chalicelib.store import posts as store
from chalicelib.store.base import utcnow


def reorder(
    workspace_id: str,
    account_id: str,
    order: list[tuple[str, int | None]],
    reviewer: Reviewer,
    now: datetime | None = None,
) -> list[store.PostItem]:
    """Give the queued posts `order` ((post id, version read or None), first to go first)
    their own times again in that order; returns them, soonest first."""
    from chalicelib.store import accounts as account_store

    now = now or utcnow()
    account = account_store.get(workspace_id, account_id)
    if account is None or account.status == "disconnected":
        raise invalid("account_id", "no such account in this workspace")
    items = _queued(workspace_id, account_id, order)
    times = {item.post_id: datetime.fromisoformat(item.scheduled_at) for item in items}
    moves = reordered(times, [post_id for post_id, _ in order])
    by_id = {item.post_id: item for item in items}
    done: list[tuple[store.PostItem, datetime]] = []
    try:
        for post_id, at in moves.items():
            before = by_id[post_id]
            by_id[post_id] = _move(workspace_id, before, at, reviewer, now)
            done.append((by_id[post_id], times[post_id]))
    except Exception:
        _undo(workspace_id, done, reviewer, now)
        raise
    return sorted(by_id.values(), key=lambda item: (item.scheduled_at or "", item.post_id))


def _queued(
    workspace_id: str, account_id: str, order: list[tuple[str, int | None]]
) -> list[store.PostItem]:
    """The posts of `order`, each a scheduled one-off post of the account's queue; one 422
    naming every wrong entry, or a 409 when a version read is not the current one."""
    problems: list[dict[str, Any]] = []
    items: list[store.PostItem] = []
    seen: set[str] = set()
    stale: list[dict[str, Any]] = []
    for index, (post_id, version) in enumerate(order):
        field = f"posts[{index}].id"
        if post_id in seen:
            problems.append(field_problem(field, "the same post appears twice"))
            continue
        seen.add(post_id)
        item = store.get(workspace_id, post_id)
        if item is None:
            problems.append(field_problem(field, "no such post in this workspace"))
        elif item.status != PostStatus.SCHEDULED or not item.scheduled_at:
            problems.append(
                field_problem(field, f"the post is {item.status}: only scheduled posts queue")
            )
        elif not any(target.account_id == account_id for target in item.targets):
            problems.append(field_problem(field, "the post is not in this account's queue"))
        elif item.recurrence:
            problems.append(field_problem(field, "a repeating post keeps its own times"))
        else:
            items.append(item)
            if version is not None and int(item.version) != version:
                stale.append(
                    field_problem(f"posts[{index}].version", f"version {item.version} is current")
                )
    if problems:
        raise ValidationFailed(problems[0]["field"] + ": " + problems[0]["message"], problems)
    if stale:
        raise Conflict(
            "Some of these posts changed since you read them; reload the queue and try again.",
            stale,
        )
    return items


def _move(
    workspace_id: str, item: store.PostItem, at: datetime, reviewer: Reviewer, now: datetime
) -> store.PostItem:
    from chalicelib.posts.facts import load_facts
    from chalicelib.posts.service import update_post

    patch = PostPatch(version=int(item.version), when=When(at=iso_utc(at), timezone=item.timezone))
    return update_post(
        workspace_id,
        item.post_id,
        patch,
        load_facts(workspace_id, list(item.media_ids)),
        now,
        actor=reviewer.actor,
        reviewer=reviewer,
    )


def _undo(
    workspace_id: str,
    done: list[tuple[store.PostItem, datetime]],
    reviewer: Reviewer,
    now: datetime,
) -> None:
    """Put the posts already moved back at their times (best effort: one changed meanwhile
    stays as it is, and is logged)."""
    for item, at in reversed(done):
        try:
            _move(workspace_id, item, at, reviewer, now)
        except Exception:
            logger.exception(
                "queue reorder: a post not moved back", extra={"post_id": item.post_id}
            )
