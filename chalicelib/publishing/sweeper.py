"""The sweeper (every 5 minutes): what the schedules missed.

DynamoDB is the source of truth and a schedule only a trigger, so the sweeper reads the
sparse `sweep-index` up to now (posts waiting or on their way, by when to look at them:
see chalicelib/store/posts.py) and
- arms a post whose schedule was never armed (its `armed_version` is behind `version`),
  however far ahead it is due: until it is armed, its `due_at` is when it was written,
- invokes the publisher for a post overdue by more than the grace period that no
  invocation reached, and for a post on its way whose lease or retry time has passed.
The publisher's claims decide what is done: the sweeper never touches a target itself, so
one that is claimed or done is left alone. Each run also evaluates the per-network
alarms' figures from the publisher's health counters (chalicelib/health.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib import scheduling
from chalicelib.health import evaluate_signals, record_sweep
from chalicelib.observability import logger
from chalicelib.settings import get_settings
from chalicelib.store import posts as store
from chalicelib.store.base import iso, utcnow

# An unarmed post due this soon is handed to the publisher at once (which waits for its
# due second); a later one is armed.
INVOKE_WITHIN = timedelta(seconds=60)


def sweep(now: datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    grace = timedelta(seconds=get_settings().sweep_grace_seconds)
    counts = {"armed": 0, "invoked": 0, "expired": 0, "looked_at": 0}
    acted: list[dict[str, str]] = []  # for the operators' health page
    for shard in range(store.SWEEP_SHARDS):
        for key in store.PostItem.sweep_index.query(str(shard), store.PostItem.due_at <= iso(now)):
            counts["looked_at"] += 1
            try:
                action = _sweep_one(key.workspace_id, key.post_id, now, grace)
            except Exception:  # one bad post must not stop the sweep
                logger.exception("sweeping a post failed", extra={"post_id": key.post_id})
                continue
            if action:
                counts[action] += 1
                acted.append(
                    {"workspace_id": key.workspace_id, "post_id": key.post_id, "action": action}
                )
    logger.info("sweep", extra=counts)
    # The per-network alarms' figures, evaluated here because this runs every 5 minutes
    # anyway: one metric per figure, not one per network (template.yaml's alarms).
    record_sweep(now, counts, acted, evaluate_signals(now))
    return counts


def _sweep_one(workspace_id: str, post_id: str, now: datetime, grace: timedelta) -> str | None:
    item = store.get(workspace_id, post_id)
    if item is None or item.due_at is None:
        return None
    # On its way: when its lease or retry time runs out; waiting: its scheduled time.
    due = datetime.fromisoformat(item.due_at)
    if item.status != "publishing" and item.scheduled_at is not None:
        due = datetime.fromisoformat(item.scheduled_at)
    payload: dict[str, Any] = {
        "workspace_id": workspace_id,
        "post_id": post_id,
        "version": item.version,
    }
    if item.status == "publishing":
        due = _in_flight_due(item, due, grace)
        if due <= now:
            scheduling.invoke_now(payload)
            return "invoked"
        return None
    if item.status == "pending_approval":
        return _sweep_pending(item, due, now)
    if item.status not in ("scheduled", "approved"):
        return None
    if due <= now - grace:
        logger.warning("overdue post never published: publishing now", extra=payload)
        scheduling.invoke_now(payload)
        return "invoked"
    if item.armed_version == item.version:
        return None
    if due - now <= INVOKE_WITHIN:
        scheduling.invoke_now(payload)
    else:
        scheduling.arm(workspace_id, post_id, int(item.version), due)
    store.mark_armed(workspace_id, post_id, int(item.version))
    logger.warning("unarmed post armed by the sweeper", extra=payload)
    return "armed"


def _in_flight_due(item: store.PostItem, due_at: datetime, grace: timedelta) -> datetime:
    """When a post on its way needs the publisher again: the first of its targets' lease
    ends and retry times (plus the grace), read from the targets because the start
    leaves the post's `due_at` at its scheduled time (moving it in the index would cost
    two writes); `due_at` itself when no target is in flight (its status is to settle)
    or one is pending (sent again: `due_at` is set then)."""
    moments = []
    for target in item.targets:
        if target.status == "publishing" and target.lease_until:
            moments.append(datetime.fromisoformat(target.lease_until))
        elif target.status == "retrying" and target.retry_at:
            moments.append(datetime.fromisoformat(target.retry_at) + grace)
        elif target.status in ("pending", "publishing", "retrying"):
            moments.append(due_at)
    return min(moments, default=due_at)


def _sweep_pending(item: store.PostItem, due: datetime, now: datetime) -> str | None:
    """A post waiting for approval is never published: past its time it expires (its
    expiry schedule missed it); an unarmed one gets its expiry schedule."""
    from chalicelib.posts.approvals import expire

    ws, post_id, version = item.workspace_id, item.post_id, int(item.version)
    if due <= now:
        return "expired" if expire(ws, post_id, version, now) == "expired" else None
    if item.armed_version == item.version:
        return None
    scheduling.arm_expiry(ws, post_id, version, due)
    store.mark_armed(ws, post_id, version)
    return "armed"
