"""The publisher Lambda: publish one post's targets, each exactly once.

Input `{workspace_id, post_id, version}` from the post's schedule (plus `target_id` from a
retry schedule). The first delivery of a version moves the post to `publishing` and to
the next version and claims its pending targets, all in one conditional write
(`targets.start_publishing`); any other delivery of it is stale and a logged no-op. A
retry claims its one target with a conditional write of its own. Each target is published
on its own thread and its outcome written under its attempt id (see
chalicelib/store/targets.py); the post's status is settled from the last outcome written.

Never before its time: whoever invokes the publisher (a post due within a minute is
invoked at once, the sweeper, a schedule firing early), it claims nothing before the
post's due second. It waits out a short remainder before the conditional start, so an
edit accepted meanwhile bumps the version and makes this invocation a stale no-op while
the edit's own invocation publishes the new version; a long remainder re-arms a schedule
for the due second instead (`_not_before_due`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.ids import new_id
from chalicelib.observability import logger
from chalicelib.publishing import outcomes
from chalicelib.settings import get_settings
from chalicelib.store import posts as store
from chalicelib.store import targets as claims
from chalicelib.store.base import iso, utcnow

# Networks that recognise a repeated publish (Bluesky's record key, Mastodon's
# Idempotency-Key, both derived from the target id): a crashed attempt is simply redone.
DEDUPLICATING = frozenset({"bluesky", "mastodon"})
IN_FLIGHT = ("pending", "publishing", "retrying")
UNCONFIRMED = (
    "Schedulo lost track of this post while {network} was publishing it: check before "
    "retrying, it may already be live."
)

# Test seam: called after the network accepted a post and before the outcome is written,
# so a test can stand in for a crash at the worst moment.
after_network_success: Callable[[store.TargetAttribute], None] | None = None

# An invocation that comes this much or less before the post's due second waits for it;
# earlier than that, it arms a schedule for the due second and returns. Posts due within
# NOW_WINDOW (60 s) of an edit are invoked at once, so they wait at most about a minute.
WAIT_LIMIT = timedelta(seconds=90)
# The clock and the sleep of that wait (test seams: a test may move time instead).
clock: Callable[[], datetime] = utcnow
sleep: Callable[[float], None] = time.sleep


@dataclass(frozen=True)
class Invocation:
    workspace_id: str
    post_id: str
    version: int
    target_id: str | None = None

    @classmethod
    def of(cls, event: dict[str, Any]) -> Invocation:
        return cls(
            str(event["workspace_id"]),
            str(event["post_id"]),
            int(event["version"]),
            event.get("target_id"),
        )


def handle_invocation(event: dict[str, Any]) -> dict[str, Any]:
    """Publish what is due of the post named by a schedule's input (or, from the expiry
    schedule of a post waiting for approval, expire it: see expiry.py)."""
    if event.get("action") == "expire":
        from chalicelib.publishing.expiry import handle_expiry

        return handle_expiry(event)
    invocation = Invocation.of(event)
    ws, post_id = invocation.workspace_id, invocation.post_id
    logger.thread_safe_append_keys(workspace_id=ws, post_id=post_id)
    try:
        return _publish(invocation, event)
    finally:
        logger.thread_safe_remove_keys(["workspace_id", "post_id"])


def _publish(invocation: Invocation, event: dict[str, Any]) -> dict[str, Any]:
    ws, post_id = invocation.workspace_id, invocation.post_id
    started = _start(invocation)
    if isinstance(started, str):
        return _no_op(started, event)
    item, claimed = started
    outcomes_by_target = publish_targets(item, invocation.target_id, claimed)
    settled = next((o.settled for o in outcomes_by_target.values() if o.settled), None)
    written = [o.post for o in outcomes_by_target.values() if o.post is not None]
    latest = max(written, key=lambda post: int(post.progress or 0), default=None)
    status = settled or settle(ws, post_id, latest)
    results = {target_id: o.status for target_id, o in outcomes_by_target.items()}
    logger.info("post published", extra={"post_id": post_id, "status": status, **results})
    return {"status": status, "targets": results}


@dataclass(frozen=True)
class TargetOutcome:
    status: str  # what became of the target: published, retrying, failed, skipped...
    post: store.PostItem | None = None  # the post as the outcome's write left it
    settled: str | None = None  # the post's status, when the outcome's write set it too


def _start(invocation: Invocation) -> tuple[store.PostItem, dict[str, str]] | str:
    """The post, publishing, with the attempt ids of the targets this invocation claimed
    when it started it; or why there is nothing to do."""
    for _ in range(5):  # a target cancelled between the read and the start: read again
        item = store.get(invocation.workspace_id, invocation.post_id)
        if item is None:
            return "the post is gone"
        if item.version != invocation.version:
            return f"stale version (the post is at {item.version})"
        if item.status not in ("publishing", "scheduled", "approved"):
            return f"the post is {item.status}"
        early = _not_before_due(item)
        if early is not None:
            return early
        if item.status != "publishing" and store.all_held(item):
            # Its accounts are paused by the plan: it goes out when they are resumed.
            return "held: its accounts are paused"
        if item.status == "publishing":  # started already: its due targets are claimed one by one
            return item, {}
        lease_until = utcnow() + timedelta(seconds=get_settings().publish_lease_seconds)
        claimed = claims.start_publishing(item, lease_until)
        if claimed is not None:
            return item, claimed
    return "the post is scheduled (its targets kept changing while it was started)"


def _not_before_due(item: store.PostItem) -> str | None:
    """Wait for the post's due second if it is near (None: go on); if it is further than
    WAIT_LIMIT, arm a schedule for it and say so. The one place that keeps every path
    (posts due within a minute, the sweeper, retries, a schedule firing early) from
    publishing early: nothing is claimed before it returns None."""
    if not item.scheduled_at:
        return None
    due = datetime.fromisoformat(item.scheduled_at)
    remaining = (due - clock()).total_seconds()
    if remaining <= 0:
        return None
    if remaining > WAIT_LIMIT.total_seconds():
        from chalicelib import scheduling

        scheduling.arm_again(item.workspace_id, item.post_id, int(item.version), due)
        return f"invoked {remaining:.0f} s before its time: armed again for {item.scheduled_at}"
    logger.info(
        "waiting for the due second",
        extra={"post_id": item.post_id, "seconds": round(remaining, 3)},
    )
    while remaining > 0:
        sleep(remaining)
        remaining = (due - clock()).total_seconds()
    return None


# A post with media: each target holds its network's upload chunk and buffers while it
# sends (about 27 MB a video target over a 110 MB process: 179 MB for 3 at once, 351 MB for
# 9, bench/publish.py --video-only), so at most this many go at once and the publisher
# stays within its 512 MB (.chalice/config.json) however many targets a post has (50).
# Text-only posts hold little and wait on the networks: all at once.
MEDIA_TARGETS_AT_ONCE = 8


def publish_targets(
    item: store.PostItem, only: str | None = None, claimed: dict[str, str] | None = None
) -> dict[str, TargetOutcome]:
    """Every target that is due, each on its own thread: a slow network blocks no other.
    `claimed` holds the attempt ids of targets this invocation claimed already."""
    claimed = claimed or {}
    now = utcnow()
    chosen = [
        (index, target)
        for index, target in enumerate(item.targets)
        if (only is None or target.target_id == only)
        and (target.target_id in claimed or _due(target, now))
    ]
    if not chosen:
        return {}
    from chalicelib.admin.suspension import publish_refusal

    refusal = publish_refusal(item.workspace_id)  # a suspended workspace publishes nothing

    def run(index: int, target: store.TargetAttribute) -> TargetOutcome:
        # Per thread: each target's log lines name their post and target.
        logger.thread_safe_append_keys(
            workspace_id=item.workspace_id, post_id=item.post_id, target_id=target.target_id
        )
        try:
            attempt_id = claimed.get(target.target_id)
            if attempt_id is not None:
                return publish_claimed(item, index, target, attempt_id, refusal)
            return publish_target(item, index, target, refusal)
        finally:
            logger.thread_safe_remove_keys(["target_id"])

    if len(chosen) == 1:  # the common case: no thread to start
        index, target = chosen[0]
        return {target.target_id: run(index, target)}
    workers = min(len(chosen), MEDIA_TARGETS_AT_ONCE) if item.media_ids else len(chosen)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="target") as pool:
        futures = {target.target_id: pool.submit(run, index, target) for index, target in chosen}
        return {target_id: future.result() for target_id, future in futures.items()}


def _due(target: store.TargetAttribute, now: datetime) -> bool:
    if target.status == "pending":
        return True
    if target.status == "retrying":
        return target.retry_at is None or target.retry_at <= iso(now)
    return target.status == "publishing" and _lease_over(target, now)


def _lease_over(target: store.TargetAttribute, now: datetime) -> bool:
    return target.lease_until is not None and target.lease_until < iso(now)


def publish_target(
    item: store.PostItem, index: int, target: store.TargetAttribute, refusal: str | None = None
) -> TargetOutcome:
    """Claim, publish and record one target."""
    ws, post_id = item.workspace_id, item.post_id
    now = utcnow()
    if target.status == "publishing" and target.network not in DEDUPLICATING:
        # An attempt took it and never came back: it may be live. Never post it again.
        reason = UNCONFIRMED.format(network=outcomes.network_name(target.network))
        if claims.expire(
            ws, post_id, index, target.target_id, target.attempt_id or "", now, reason
        ):
            outcomes.audit_attempt(item, target, int(target.attempts), "unconfirmed", reason)
            outcomes.notify_failed(item, target, reason)
            outcomes.count_unconfirmed(target.network)
            return TargetOutcome("unconfirmed")
        return TargetOutcome("skipped")
    attempt_id = new_id("a")
    lease_until = now + timedelta(seconds=get_settings().publish_lease_seconds)
    claimed = claims.claim(
        ws,
        post_id,
        index,
        target.target_id,
        int(target.attempts),
        attempt_id,
        now,
        lease_until,
        reclaim_expired=target.network in DEDUPLICATING,
    )
    if not claimed:
        return TargetOutcome("skipped")  # another invocation holds it, or it is done
    # As claimed: the attempt about to be made is the target's next.
    target.attempts = int(target.attempts) + 1
    return publish_claimed(item, index, target, attempt_id, refusal)


def publish_claimed(
    item: store.PostItem,
    index: int,
    target: store.TargetAttribute,
    attempt_id: str,
    refusal: str | None = None,
) -> TargetOutcome:
    """Publish a target this invocation holds (`target.attempts` counts this attempt) and
    record the outcome; with a `refusal` (the workspace is suspended), fail it for that
    reason without calling the network."""
    write = _Recorder(item, index, target, attempt_id, int(target.attempts))
    if refusal is not None:
        return write.failure(outcomes.Failure(refusal, False, kind="suspended"))
    started = time.monotonic()
    try:
        result = outcomes.publish_once(item, target)
    except outcomes.Failure as failure:
        return write.failure(failure)
    if after_network_success is not None:
        after_network_success(target)
    return write.success(result, time.monotonic() - started)


class _Recorder:
    """Writes the outcome of one claimed attempt, and tells the people and metrics."""

    def __init__(
        self,
        item: store.PostItem,
        index: int,
        target: store.TargetAttribute,
        attempt_id: str,
        attempt: int,
    ) -> None:
        self.item, self.index, self.target = item, index, target
        self.attempt_id, self.attempt = attempt_id, attempt

    def _record(self, settle: bool, **fields: Any) -> TargetOutcome:
        """Write the outcome. With `settle`, when no other target was in flight as the post
        was read, the post's status goes in the same write (if nothing moved since)."""
        held = (
            self.item.workspace_id,
            self.item.post_id,
            self.index,
            self.target.target_id,
            self.attempt_id,
        )
        settlement = self._settlement(fields["status"]) if settle else None
        if settlement is not None and claims.record_settled(*held, settlement, **fields):
            if settlement.done:
                outcomes.after_post_done(self.item, settlement.status)
            return TargetOutcome(fields["status"], settled=settlement.status)
        return TargetOutcome(fields["status"], claims.record(*held, **fields))

    def _settlement(self, outcome: str) -> claims.Settlement | None:
        others = [t.status for t in self.item.targets if t.target_id != self.target.target_id]
        if any(s in IN_FLIGHT for s in others):
            return None
        status, done = post_status([*others, outcome])
        return claims.Settlement(
            int(self.item.version), int(self.item.progress or 0), status, done, iso(utcnow())
        )

    def success(self, result: Any, seconds: float) -> TargetOutcome:
        # Its analytics row, refreshes planned, goes in the audit's batch: no extra write.
        planned = outcomes.planned_metrics(self.item, self.target, result)
        # The audit first: whoever sees the post published finds the attempt there too.
        outcomes.audit_attempt(
            self.item, self.target, self.attempt, "published", None, result, also=planned
        )
        published_at = iso(result.published_at)
        recorded = self._record(
            True,
            status="published",
            external_id=result.external_id,
            url=result.url,
            published_at=published_at,
            error="; ".join(result.warnings) or None,
        )
        outcomes.count_published(self.item, self.target, result.published_at, seconds)
        outcomes.arm_metrics(planned)
        return recorded

    def failure(self, failure: outcomes.Failure) -> TargetOutcome:
        settings = get_settings()
        if failure.retryable and self.attempt < settings.publish_max_attempts:
            when = outcomes.retry_time(failure, self.attempt, settings.retry_base_seconds)
            self._record(False, status="retrying", retry_at=iso(when), error=failure.reason)
            claims.look_again_at(
                self.item.workspace_id,
                self.item.post_id,
                when + timedelta(seconds=settings.sweep_grace_seconds),
            )
            outcomes.arm_retry(self.item, self.target, self.attempt + 1, when)
            outcomes.audit_attempt(self.item, self.target, self.attempt, "retrying", failure.reason)
            outcomes.count_retried(self.target.network, failure)
            return TargetOutcome("retrying")
        status = "unconfirmed" if failure.maybe_published else "failed"
        reason = failure.final_reason(self.attempt)
        # The post's status is settled after the people are told (by `settle`).
        recorded = self._record(False, status=status, error=reason)
        outcomes.audit_attempt(self.item, self.target, self.attempt, status, reason)
        if failure.kind != "suspended":  # operators' own refusal: no network failure, no alarm
            outcomes.count_failed(self.target.network, failure)
            outcomes.dead_letter(self.item, self.target, self.attempt, reason)
        outcomes.notify_failed(self.item, self.target, reason)
        return recorded


def settle(workspace_id: str, post_id: str, latest: store.PostItem | None = None) -> str:
    """Write the post's status as its targets make it (re-read until nothing moved).
    `latest` is the post as this invocation's last write left it: no read needed first."""
    item = latest
    for _ in range(10):
        item = item or store.get(workspace_id, post_id)
        if item is None:
            return "gone"
        if item.status != "publishing":
            return item.status
        status, done = post_status([t.status for t in item.targets])
        if status == item.status and not done:
            return status
        settlement = claims.Settlement(
            int(item.version), int(item.progress or 0), status, done, iso(utcnow())
        )
        if claims.settle_status(workspace_id, post_id, settlement):
            if done:
                outcomes.after_post_done(item, status)
            return status
        item = None
    return "publishing"


def post_status(target_statuses: list[str]) -> tuple[str, bool]:
    """(the post's status, whether nothing is left in flight) from its targets'."""
    states = [s for s in target_statuses if s != "cancelled"]
    if any(s in IN_FLIGHT for s in states):
        return "publishing", False
    published = sum(s == "published" for s in states)
    if states and published == len(states):
        return "published", True
    return ("partially_published" if published else "failed"), True


def _no_op(reason: str, event: dict[str, Any]) -> dict[str, Any]:
    logger.info("publisher invocation ignored", extra={"reason": reason, "input": event})
    return {"status": "ignored", "reason": reason}
