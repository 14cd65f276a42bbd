"""Collecting the networks' figures: each published target refreshed at about +1 h,
+24 h, +72 h, +7 d and +30 d, and each connected account's followers once a day.

Design (DESIGN.md section 1 terms): DynamoDB is the source of truth, EventBridge Scheduler
the trigger, as for posts; there is no polling loop.

- **The plan lives on the row.** When the publisher records a target `published`, its
  metrics row (chalicelib/store/metrics.py) is written in the same batch as the attempt's
  audit, with its next refresh's time in `due_at`, an account-derived `due_shard` and
  its `plan`: the sparse `due-index` is the queue of planned refreshes, across tenants.
  A row on plan is keyed there by its publication time for all five refreshes (its
  refresh k is due at publication + the k-th offset), so recording a refresh writes the
  row and nothing else; a refresh that leaves the plan (a retry, a throttled fetch, a
  reconnection, one taken so late the next is near) is keyed by its own due time until
  it is recorded.
- **One schedule per time bucket, not per refresh.** Refresh times are rounded up to
  10-minute buckets; one one-time schedule per bucket (`metrics-<YYYYMMDDTHHMM>` in the
  metrics group, `at()` the bucket's end, UTC, flexible window off, deleted after it
  fires, with the retry policy and the dead-letter queue) invokes the `collector`
  function with `{bucket}`. Arming is idempotent (an existing schedule is kept) and
  remembered per container, so a bucket costs one CreateSchedule however many targets it
  holds. 10,000 targets published in an hour arm about 6 schedules, not 50,000.
- **The collector drains what is due.** A bucket's run reads the due index (8 shards):
  its on-plan refreshes by publication-time windows (published in the bucket minus each
  offset) and every off-plan refresh due by now; it groups them by account, and per
  account opens its token as publishing does (`oauth.tokens.access_for`: refreshed when
  near expiry), calls the adapter's `metrics` with up to `metrics_batch` ids a call (X
  100, YouTube 50), each call first counted against the account's budget for its network
  (`BUDGETS`, a shared fixed-window counter in the rate-limits table, so concurrent
  collectors share it; an account's first request in its bucket's first, on-time run is
  not counted, each budget keeping back what those may make: `uncounted`). Each refresh
  is claimed before it is fetched, so overlapping runs never fetch it twice: a bucket's
  on-plan refreshes with one conditional write for the bucket, held for `CLAIM`
  (`store.metrics.claim_bucket`; a run that takes a bucket some run took before checks
  them against their rows); off-plan ones, which every run reads, each with a claim of
  its own (those of an account's bucket are attributes of one small item, written
  together: `store.metrics.claim_refreshes`). Refreshes a run has no time for are
  planned off plan, due at once, and the next bucket is armed. The daily job runs
  `collect_due` too, as the safety net the sweeper is for posts: it catches up the
  on-plan refreshes of the last `CATCH_UP` that no bucket's run took (a bucket whose
  arming failed, a run that died holding its claim), each checked against its row, each
  bucket claimed as its run would.
- **Snapshots are appended, never rewritten.** Each refresh appends one snapshot in a
  write conditional on the row still waiting for that refresh step, so a duplicate
  delivery appends nothing. A target's first snapshot is the `metrics` line, with its
  headline figures, on its post's timeline (read from the row: no write). A fetch that
  fails (throttled: at the network's reset time or the end of the budget's window;
  transient or missing from the answer: with exponential backoff) is planned again into
  a later bucket; earlier snapshots are untouched. After `MAX_ATTEMPTS` failures that
  refresh is given up and the next one planned. After the +30 d refresh the row is
  `done` and leaves the index.
- **Reconnect.** A refused token (REAUTH) marks the account `needs_reconnect` and tells
  the owners, exactly as publishing does (`oauth.health.mark_refresh_failed`), and every
  collecting row of the account becomes `paused`: out of the index, polled no more.
  Connecting it again (`oauth.tokens.store_secrets` on an account that needed
  reconnecting or was disconnected) calls `resume_collection`: its rows are due at once.
- **Followers.** A daily job (`collect_followers`) reads each workspace's accounts (one
  query per workspace), calls `account_metrics` for the connected ones, and writes their
  day rows in one batch per workspace; a throttled or failing account is retried later by
  a one-time schedule for its workspace. It continues itself (an async invocation) when
  a run nears its time limit.

Metrics: `MetricsCollected`, `MetricsCalls`, `MetricsReplanned`, `MetricsPaused` per
network, and `MetricsBacklogSeconds` (how late the oldest refresh found due was), which
the collection backlog alarm watches.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.networks.base import ErrorKind, NetworkError
from chalicelib.observability import logger
from chalicelib.store import metrics as store
from chalicelib.store.base import iso, utcnow

# When each refresh of a target is due, after its publication.
REFRESH_OFFSETS = (
    timedelta(hours=1),
    timedelta(hours=24),
    timedelta(hours=72),
    timedelta(days=7),
    timedelta(days=30),
)
BUCKET = timedelta(minutes=10)
# A bucket's schedule is never armed closer than this to now (it would be in the past
# by the time Scheduler reads it).
ARM_MARGIN = timedelta(seconds=60)
MAX_ATTEMPTS = 5  # failed fetches of one refresh before it is given up
RETRY_BASE = timedelta(minutes=15)  # then doubling, with jitter
RETRY_CAP = timedelta(hours=6)
# A refresh planned at least this far ahead keeps to the row's plan (its bucket's run
# finds it by publication time: no write to the due index); one due sooner (a refresh
# taken late) is planned off plan, at its time. More than a run's length and a bucket.
ON_PLAN_MARGIN = timedelta(minutes=30)
# The daily job's catch-up: on-plan refreshes due in the last day and an hour whose
# bucket's run never took them (arming failed, a run died holding their claims).
CATCH_UP = timedelta(days=1, hours=1)
# A collector run takes no new account after this many seconds: what is left stays due
# and the next bucket's run (armed before leaving) takes it. Below the 10-minute bucket.
RUN_SECONDS = 480.0
# A run claims each refresh for this long before fetching it (`store.claim_refreshes`),
# so overlapping runs (the daily job beside a bucket's, a duplicate delivery) never fetch
# the same refresh twice. Should the run die holding it, the refresh (still due) is taken
# after the claim's end: off plan by the first run then (its bucket is armed), on plan by
# the daily job's catch-up.
CLAIM = timedelta(minutes=15)
WORKERS = 8  # accounts collected at once in one run
WRITERS = 16  # snapshot writes at once in one run (each target is its own item)
# Schedulo's budget of metrics requests per account: (requests, window in seconds). Below each
# network's own per-user limit for these endpoints, leaving room for publishing.
BUDGETS: dict[str, tuple[int, int]] = {
    "x": (300, 900),  # GET /2/tweets: 900 / 15 min per user (Pro)
    "facebook": (200, 3600),
    "instagram": (150, 3600),  # 200 calls / hour per account
    "threads": (150, 3600),
    "linkedin": (100, 3600),
    "youtube": (300, 3600),  # quota units: videos.list costs 1
    "tiktok": (100, 60),
    "pinterest": (100, 60),
    "bluesky": (300, 300),
    "mastodon": (150, 300),  # 300 requests / 5 min per account
}
DEFAULT_BUDGET = (60, 60)
# Requests of an account its bucket's first run makes uncounted, when that run starts on
# time: most accounts have one refresh in a bucket, and counting its one request cost
# a write unit a refresh (bench/cost.py). Each budget keeps back what such runs may make
# in one window (`uncounted`), so an account's requests never pass its budget.
FREE_REQUESTS = 1
FOLLOWERS_RETRY = timedelta(minutes=30)

# Test seam: the clock of a run's deadline.
monotonic = time.monotonic


@dataclass
class CollectionReport:
    """What one collection run did."""

    refreshes: int = 0  # planned refreshes looked at
    snapshots: int = 0  # appended
    calls: int = 0  # network calls (metrics and account_metrics)
    replanned: int = 0  # failed fetches planned again, later
    given_up: int = 0  # refreshes given up after MAX_ATTEMPTS
    paused: int = 0  # rows paused: their account needs reconnecting
    throttled: int = 0  # accounts that hit their budget or the network's limit
    accounts: int = 0
    left: int = 0  # refreshes left due for the next run (out of time)
    skipped: int = 0  # refreshes another run had claimed (or had done) first
    followers: int = 0  # account day rows written
    backlog_seconds: float = 0.0  # how late the oldest refresh found due was
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **counts: float) -> None:
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}


# -- planning ------------------------------------------------------------------------------


def planned_row(item: Any, target: Any, result: Any) -> store.TargetMetricsItem:
    """The metrics row of a target just published (`item` the post, `target` one of its
    targets, `result` the network's PublishResult), its first refresh planned. Not written:
    the publisher writes it in the batch of the attempt's audit."""
    text = target.text if target.text is not None else item.text
    media_ids = list(item.media_ids or [])
    row = store.TargetMetricsRow(
        workspace_id=item.workspace_id,
        post_id=item.post_id,
        target_id=target.target_id,
        account_id=target.account_id,
        network=target.network,
        external_id=result.external_id,
        url=result.url,
        excerpt=" ".join(str(text or "").split())[:140],
        media_id=str(media_ids[0]) if media_ids else None,
        published_at=result.published_at.astimezone(UTC),
    )
    due = row.published_at + REFRESH_OFFSETS[0]
    # Only a recurring post's rows go in the post-index: another post's targets keep
    # their publication times, its rows' keys (chalicelib/store/metrics.py, `post_rows`).
    return store.target_item(
        row, due, on_plan=due > utcnow() + ON_PLAN_MARGIN, by_post=bool(item.recurrence)
    )


def plan_collection(item: Any, target: Any, result: Any) -> None:
    """Plan the refreshes of a target recorded published: its row, then its bucket armed."""
    planned = planned_row(item, target, result)
    planned.save()
    arm_for([planned.due_at])


def resume_collection(workspace_id: str, account_id: str, now: datetime | None = None) -> int:
    """The account is connected again: its paused rows collect again, their next refresh
    due now and its bucket armed. How many rows resumed. Never raises: reconnecting
    succeeded whatever analytics make of it (a failure is logged)."""
    now = now or utcnow()
    try:
        resumed = store.resume_account(workspace_id, account_id, now)
        if resumed:
            arm_for([iso(now)])
    except Exception:
        logger.exception(
            "resuming metrics collection failed",
            extra={"workspace_id": workspace_id, "account_id": account_id},
        )
        return 0
    if resumed:
        logger.info(
            "metrics collection resumed: the account was reconnected",
            extra={"workspace_id": workspace_id, "account_id": account_id, "rows": resumed},
        )
    return resumed


def arm_for(due_times: Iterable[str | None]) -> None:
    """Make sure the bucket of each due time has its schedule. Never raises: a bucket
    left unarmed is drained by the next run or the daily job."""
    for end in sorted({bucket_end(datetime.fromisoformat(d)) for d in due_times if d}):
        try:
            arm_bucket(end)
        except Exception:
            logger.exception("arming a metrics bucket failed", extra={"bucket": iso(end)})


def bucket_end(due: datetime, now: datetime | None = None) -> datetime:
    """The end of the 10-minute bucket `due` falls in, never sooner than ARM_MARGIN."""
    earliest = max(due, (now or utcnow()) + ARM_MARGIN)
    return _bucket_ending(int(earliest.timestamp()))


def _bucket_ending(epoch: int) -> datetime:
    """The end of the bucket holding the second `epoch` (a bucket ends on its last
    second: (end - BUCKET, end])."""
    step = int(BUCKET.total_seconds())
    return datetime.fromtimestamp(-(-epoch // step) * step, UTC)


def bucket_name(end: datetime) -> str:
    return f"metrics-{end.astimezone(UTC):%Y%m%dT%H%M}"


# Buckets this container armed (end -> True): one CreateSchedule per bucket.
_armed: dict[datetime, bool] = {}
_armed_lock = threading.Lock()


def arm_bucket(end: datetime) -> None:
    from chalicelib import scheduling

    with _armed_lock:
        if end in _armed:
            return
        for old in [e for e in _armed if e < utcnow()]:
            del _armed[old]
    scheduling.arm_collection(
        bucket_name(end), end, {"bucket": iso(end)}, f"analytics refreshes due by {iso(end)}"
    )
    with _armed_lock:
        _armed[end] = True


def forget_armed() -> None:
    """Forget which buckets were armed (tests that empty the schedule group)."""
    with _armed_lock:
        _armed.clear()


# -- the collector -------------------------------------------------------------------------


def handle_collector(event: dict[str, Any]) -> dict[str, Any]:
    """The collector function: `{bucket}` from a bucket's schedule, `{followers: {...}}`
    from a followers retry or the daily job continuing itself."""
    if "followers" in event:
        options = event.get("followers") or {}
        report = collect_followers(
            workspace_id=options.get("workspace_id"), start_key=options.get("start_key")
        )
    else:
        bucket = event.get("bucket")
        now = utcnow()
        if not bucket:
            report = collect_due(now)
        else:
            end = datetime.fromisoformat(bucket)
            report = collect_due(max(now, end), bucket=end)
    return report.as_dict()


def collect_due(
    now: datetime | None = None,
    *,
    workspace_id: str | None = None,
    force: bool = False,
    bucket: datetime | None = None,
) -> CollectionReport:
    """Run every refresh due by `now` (default: now), across tenants or of one workspace;
    `force` (a workspace's only): each planned refresh of the workspace, whatever its
    time (tests, the local stack's "collect now"). `bucket`: the end of the bucket whose
    schedule fired: its on-plan refreshes (those due in it) and every off-plan one due.
    Without it (the daily job), the on-plan refreshes of the last CATCH_UP that no
    bucket's run took are caught up (each checked against its row first)."""
    now = now or utcnow()
    report = CollectionReport()
    covered: set[tuple[str, int]] = set()  # refreshes held by this run's bucket claims
    free = 0  # requests an account may make uncounted (FREE_REQUESTS)
    if workspace_id is not None:
        entries = [e for e in store.workspace_due(workspace_id) if force or e.due_at <= iso(now)]
    elif bucket is not None:
        window = (bucket - BUCKET, bucket)
        entries = list(store.due_entries(now, offsets=REFRESH_OFFSETS, window=window))
        entries, covered, first = _take_buckets(entries, report, bucket)
        if first and utcnow() - bucket < BUCKET:
            free = FREE_REQUESTS
    else:
        window = (now - CATCH_UP, now)
        entries = store.waiting(
            list(store.due_entries(now, offsets=REFRESH_OFFSETS, window=window))
        )
        entries, covered, _ = _take_buckets(entries, report)
    if not entries:
        _emit(report, {})
        return report
    oldest = min(datetime.fromisoformat(e.due_at) for e in entries)
    report.backlog_seconds = max(0.0, (now - oldest).total_seconds())
    groups: dict[tuple[str, str], list[store.DueEntry]] = {}
    for entry in entries:
        groups.setdefault((entry.workspace_id, entry.account_id), []).append(entry)
    started = monotonic()
    networks: dict[str, CollectionReport] = {}
    due_next: list[str] = []
    due_lock = threading.Lock()

    left: list[store.DueEntry] = []

    def run(key: tuple[str, str], group: list[store.DueEntry]) -> None:
        if monotonic() - started > RUN_SECONDS:
            report.add(left=len(group))
            with due_lock:
                left.extend(group)
            return
        own = networks.setdefault(group[0].network, CollectionReport())
        account = _AccountRun(
            key[0], key[1], group, now, own, writer, started + RUN_SECONDS, covered, free
        )
        planned = account.run()
        with due_lock:
            due_next.extend(planned)
            left.extend(account.left)

    with (
        ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="snapshot") as writer,
        ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="collect") as pool,
    ):
        list(pool.map(lambda item: run(*item), groups.items()))
    for own in networks.values():
        report.add(**{k: v for k, v in own.as_dict().items() if k != "backlog_seconds"})
    report.refreshes = len(entries)
    if report.left:  # out of time: the next bucket's run takes the rest
        _leave_due(left, now)
        due_next.append(iso(now + BUCKET))
    arm_for(due_next)
    _emit(report, networks)
    logger.info("metrics collected", extra=report.as_dict())
    return report


def _take_buckets(
    entries: list[store.DueEntry], report: CollectionReport, bucket: datetime | None = None
) -> tuple[list[store.DueEntry], set[tuple[str, int]], bool]:
    """The entries this run takes, the refreshes among them its bucket claims hold, and
    whether it is the first run to take its bucket. On-plan refreshes are claimed by
    bucket (`bucket`'s, or in the daily catch-up each one's own: `store.claim_bucket`);
    those of a bucket another run holds are left to it. Off-plan ones, which every run
    reads, are claimed one by one as they are fetched (`_AccountRun._claim`)."""
    groups: dict[datetime, list[store.DueEntry]] = {}
    taken = [e for e in entries if not e.on_plan]
    for entry in entries:
        if entry.on_plan:
            end = bucket or _bucket_of(datetime.fromisoformat(entry.due_at))
            groups.setdefault(end, []).append(entry)
    covered: set[tuple[str, int]] = set()
    first = False
    for end, group in sorted(groups.items()):
        now = utcnow()
        held, first = store.claim_bucket(end, now + CLAIM, now)
        if not held:
            report.add(skipped=len(group))
            continue
        if bucket is not None and not first:  # a run before it may have recorded some
            group = store.waiting(group)
        covered.update((e.item_key, e.refresh_step) for e in group)
        taken.extend(group)
    return taken, covered, first and bucket is not None


def _bucket_of(due: datetime) -> datetime:
    """The end of the bucket whose run reads the on-plan refresh due at `due`."""
    return _bucket_ending(int(due.timestamp()) + (due.microsecond > 0))


def _leave_due(entries: list[store.DueEntry], now: datetime) -> None:
    """Refreshes a run had no time for stay due: those on plan are planned off plan, due
    now, or no later bucket's run would find them (each reads its own window)."""
    for entry in entries:
        if entry.on_plan:
            store.replan(
                entry.workspace_id, entry.item_key, entry.refresh_step, now, entry.attempts,
                None, entry.account_id,
            )  # fmt: skip


class _AccountRun:
    """One account's due refreshes in one run: its token, its batches, its budget."""

    def __init__(
        self,
        workspace_id: str,
        account_id: str,
        entries: list[store.DueEntry],
        now: datetime,
        report: CollectionReport,
        writer: ThreadPoolExecutor | None = None,
        deadline: float | None = None,
        covered: set[tuple[str, int]] | None = None,
        free: int = 0,
    ) -> None:
        self.ws, self.account_id, self.entries = workspace_id, account_id, entries
        self.writer, self.deadline = writer, deadline
        self.covered = covered or set()  # claimed with their bucket already
        self.free = free  # requests left to make uncounted (FREE_REQUESTS)
        self.network = entries[0].network
        self.now, self.report = now, report
        self.planned: list[str] = []  # due times written, whose buckets need arming
        self.left: list[store.DueEntry] = []  # not taken: out of time
        self.time_limited: frozenset[str] = frozenset()  # the adapter's, set by run()

    def run(self) -> list[str]:
        from chalicelib.oauth.adapters import adapter_for
        from chalicelib.oauth.health import mark_refresh_failed
        from chalicelib.oauth.tokens import access_for
        from chalicelib.oauth.vault import VaultError
        from chalicelib.store import accounts as account_store

        self.report.add(accounts=1)
        account = account_store.get(self.ws, self.account_id)
        if account is None or account.status in ("disconnected", "needs_reconnect"):
            self._pause("The account needs reconnecting; its figures are no longer collected.")
            return self.planned
        try:
            auth = access_for(account)  # refreshed first when it expires within 5 minutes
            adapter = adapter_for(account)
        except VaultError:
            self._pause("Schedulo could not read its access to this account; reconnect it.")
            return self.planned
        except NetworkError as error:
            if error.kind is ErrorKind.REAUTH:
                mark_refresh_failed(account, error)
                self._pause(error.message)
            else:
                self._failed(self.entries, error)
            return self.planned
        size, cost = _batching(adapter, account)
        self.time_limited = frozenset(getattr(adapter, "time_limited_metrics", frozenset()))
        batches = [self.entries[i : i + size] for i in range(0, len(self.entries), size)]
        looked: set[str] = set()  # item keys this run tried to claim
        held: set[str] = set()  # and those it holds
        for index, planned_batch in enumerate(batches):
            if self.deadline is not None and monotonic() > self.deadline:
                self.left = [entry for later in batches[index:] for entry in later]
                self.report.add(left=len(self.left))  # still due: the next run takes them
                break
            if planned_batch[0].item_key not in looked:
                # Claimed a few batches ahead, so networks of one id a call (Meta,
                # Pinterest) claim WRITERS at once rather than one by one.
                group = _enough(batches[index:], WRITERS)
                looked.update(entry.item_key for entry in group)
                held.update(entry.item_key for entry in self._claim(group))
            batch = [entry for entry in planned_batch if entry.item_key in held]
            if not batch:
                continue
            rest = batch + [entry for later in batches[index + 1 :] for entry in later]
            wait = self._count(cost)
            if wait is not None:
                self.report.add(throttled=1)
                self._again(rest, self.now + timedelta(seconds=wait), None)
                break
            self.report.add(calls=1)
            try:
                found = adapter.metrics(auth, [entry.external_id for entry in batch])
            except NetworkError as error:
                if error.kind is ErrorKind.REAUTH:
                    mark_refresh_failed(account, error)
                    self._pause(error.message)
                    break
                if error.kind is ErrorKind.THROTTLED:
                    self.report.add(throttled=1)
                    self._again(rest, self._reset_time(error), error.message)
                    break
                if error.kind is ErrorKind.TRANSIENT:  # the network is down: try later
                    self._failed(rest, error)
                    break
                self._failed(batch, error)  # this batch was refused: the next may pass
                continue
            except Exception as error:  # a bug or an outage of ours: never lose the plan
                logger.exception("metrics fetch failed", extra={"account_id": self.account_id})
                self._failed(batch, error)
                continue
            self._record(batch, {m.external_id: m for m in found})
        return self.planned

    def _count(self, cost: int) -> int | None:
        """Count a call's `cost` against the account's budget (None: it may be made, else
        the seconds until the budget's window ends), but for the run's free requests."""
        if cost <= self.free:
            self.free -= cost
            return None
        return _take_budget(self.account_id, self.network, cost)

    def _claim(self, batch: list[store.DueEntry]) -> list[store.DueEntry]:
        """The refreshes of `batch` this run takes: those its bucket claim holds, and of
        the others those it claims now (the claims of the account's bucket in one
        conditional write); the rest another run took first, or did already."""
        now = max(self.now, utcnow())
        until = now + CLAIM
        rest = [e for e in batch if (e.item_key, e.refresh_step) not in self.covered]
        taken = self.covered
        if rest:
            taken = taken | store.claim_refreshes(self.ws, self.account_id, rest, until, now)
        claimed = [entry for entry in batch if (entry.item_key, entry.refresh_step) in taken]
        if len(claimed) < len(batch):
            self.report.add(skipped=len(batch) - len(claimed))
        if claimed:
            self.planned.append(iso(until))  # in case this run dies holding them
        return claimed

    def _record(self, batch: list[store.DueEntry], found: dict[str, Any]) -> None:
        """One conditional append per target (each is its own item), on the run's writer
        threads: a batch of 100 is written in about the time of 100 / WRITERS writes."""
        missing = [entry for entry in batch if entry.external_id not in found]
        fetched = [(entry, found[entry.external_id]) for entry in batch if entry not in missing]

        def write(entry: store.DueEntry, figures: Any) -> None:
            following = self._next_due(entry, entry.refresh_step + 1)
            values = {str(k): int(v) for k, v in figures.values.items()}
            appended = store.record_snapshot(
                self.ws,
                entry.item_key,
                entry.refresh_step,
                figures.collected_at or self.now,
                values,
                following,
                self.account_id,
                self._latest(entry, values),
                self._plan(entry, entry.refresh_step + 1, following),
            )
            if appended:
                self.report.add(snapshots=1)
                if following is not None:
                    self.planned.append(iso(following))

        if self.writer is None or len(fetched) == 1:
            for entry, figures in fetched:
                write(entry, figures)
        else:
            list(self.writer.map(lambda pair: write(*pair), fetched))
        if missing:
            self._failed(missing, "The network gave no figures for this post.")

    def _latest(self, entry: store.DueEntry, values: dict[str, int]) -> dict[str, int] | None:
        """The row's latest figures when a time-limited metric is missing from `values`
        (X's clicks after 30 days): its last known value carried forward. A read only
        then; no other collector writes this row meanwhile (the refresh is claimed)."""
        lacking = self.time_limited - values.keys()
        if not lacking:
            return None
        return carried_forward(store.latest_of(self.ws, entry.item_key), values, lacking)

    def _plan(self, entry: store.DueEntry, step: int, due: datetime | None) -> str | None:
        """The row's due-index key for its refresh `step` at `due`; None: unchanged (or no
        refresh left). On plan when `due` is the plan's and far enough ahead for its
        bucket's run to find it by publication time."""
        if due is None:
            return None
        published = _published_at(entry)
        if due == published + REFRESH_OFFSETS[step] and due > self.now + ON_PLAN_MARGIN:
            return None if entry.on_plan else store.on_plan_key(published)
        return store.off_plan_key(due, step, 0)

    def _next_due(self, entry: store.DueEntry, step: int) -> datetime | None:
        if step >= len(REFRESH_OFFSETS):
            return None
        due = _published_at(entry) + REFRESH_OFFSETS[step]
        return max(due, self.now + ARM_MARGIN)

    def _failed(self, entries: list[store.DueEntry], error: Exception | str) -> None:
        """Fetches that failed: each refresh is tried again later with backoff, or given
        up after MAX_ATTEMPTS (the next refresh is then planned)."""
        reason = error.message if isinstance(error, NetworkError) else str(error)
        for entry in entries:
            attempts = entry.attempts + 1
            if attempts < MAX_ATTEMPTS:
                due = getattr(error, "retry_at", None) or self.now + _backoff(attempts)
                if store.replan(
                    self.ws, entry.item_key, entry.refresh_step, due, attempts, reason,
                    self.account_id,
                ):  # fmt: skip
                    self.report.add(replanned=1)
                    self.planned.append(iso(due))
                continue
            following = self._next_due(entry, entry.refresh_step + 1)
            if following is None:
                done = store.finish(self.ws, entry.item_key, entry.refresh_step, reason)
            else:
                done = store.replan(
                    self.ws, entry.item_key, entry.refresh_step, following, 0, reason,
                    self.account_id, skip=True,
                )  # fmt: skip
                self.planned.append(iso(following))
            if done:
                self.report.add(given_up=1)

    def _again(self, entries: list[store.DueEntry], due: datetime, reason: str | None) -> None:
        """Throttled: the same refreshes at `due`, no attempt counted against them."""
        for entry in entries:
            if store.replan(
                self.ws, entry.item_key, entry.refresh_step, due, entry.attempts, reason,
                self.account_id,
            ):  # fmt: skip
                self.report.add(replanned=1)
        self.planned.append(iso(due))

    def _reset_time(self, error: NetworkError) -> datetime:
        if error.retry_at is not None and error.retry_at > self.now:
            return error.retry_at
        _, window = BUDGETS.get(self.network, DEFAULT_BUDGET)
        return self.now + timedelta(seconds=window)

    def _pause(self, reason: str) -> None:
        paused = store.pause_account(self.ws, self.account_id, reason)
        self.report.add(paused=paused)
        logger.info(
            "metrics collection paused: the account needs reconnecting",
            extra={"workspace_id": self.ws, "account_id": self.account_id, "rows": paused},
        )


# The figures a post's timeline line shows of a target's first snapshot (those the network
# gives; absent: not given): chalicelib/posts/timeline.py reads the line from the row.
HEADLINE = ("impressions", "views", "reach", "likes", "comments", "shares", "saves", "clicks")


def carried_forward(
    previous: dict[str, Any], values: dict[str, int], time_limited: Iterable[str]
) -> dict[str, int]:
    """`values`, plus the previous latest value of each time-limited metric they lack.
    Other absent keys stay absent (not given by the network)."""
    kept = {k: int(previous[k]) for k in time_limited if k not in values and k in previous}
    return {**values, **kept}


def _enough(batches: list[list[store.DueEntry]], count: int) -> list[store.DueEntry]:
    """The entries of the first batches, whole, that make at least `count` entries."""
    group: list[store.DueEntry] = []
    for batch in batches:
        if len(group) >= count:
            break
        group.extend(batch)
    return group


def _published_at(entry: store.DueEntry) -> datetime:
    # item_key is t#<published_at>#<target_id>
    return datetime.fromisoformat(entry.item_key.split("#", 2)[1])


def _backoff(attempts: int) -> timedelta:
    delay = min(RETRY_BASE * 2 ** (attempts - 1), RETRY_CAP)
    return delay + delay * random.uniform(0, 0.25)


def _batching(adapter: Any, account: Any) -> tuple[int, int]:
    """Ids per metrics call, and the requests one such call makes (its cost against the
    budget). LinkedIn gives a member's post analytics one metric a request: a member's
    post costs one request per metric, so members go one post a call, counted as such."""
    if account.network == "linkedin" and not account.external_id.startswith("urn:li:organization:"):
        from chalicelib.networks.linkedin import MEMBER_POST_METRICS

        return 1, len(MEMBER_POST_METRICS)
    return max(1, int(getattr(adapter, "metrics_batch", 1) or 1)), 1


def uncounted(window: int) -> int:
    """The most requests of one account that runs' FREE_REQUESTS make in any `window`
    seconds: runs that may make them start within a bucket of their bucket's end (a
    bucket's first, on time) and end within CLAIM, so that many buckets' runs at most
    overlap a window. Each budget counts its requests to its limit less these."""
    span = window + (BUCKET + CLAIM).total_seconds()
    return math.ceil(span / BUCKET.total_seconds()) * FREE_REQUESTS


def _take_budget(account_id: str, network: str, cost: int = 1) -> int | None:
    """Count `cost` requests against the account's budget; None when they may be made,
    else the seconds until the budget's window ends."""
    from chalicelib.store.rate_limits import take

    calls, window = BUDGETS.get(network, DEFAULT_BUDGET)
    limit = calls - uncounted(window)
    taken = take([(f"metrics#{network}#{account_id}", limit)], window, cost=cost)
    return None if taken.ok else taken.retry_after


def _emit(report: CollectionReport, networks: dict[str, CollectionReport]) -> None:
    from chalicelib import observability

    try:
        observability.count("MetricsBacklogSeconds", report.backlog_seconds, "Seconds")
        for network, own in networks.items():
            for name, value in (
                ("MetricsCollected", own.snapshots),
                ("MetricsCalls", own.calls),
                ("MetricsReplanned", own.replanned),
                ("MetricsPaused", own.paused),
            ):
                if value:
                    observability.count(name, value, network=network)
    except Exception:  # figures about collection never fail it
        logger.exception("collection metrics failed")


# -- followers -----------------------------------------------------------------------------


def collect_followers(
    now: datetime | None = None,
    *,
    workspace_id: str | None = None,
    start_key: dict[str, Any] | None = None,
) -> CollectionReport:
    """Today's row (UTC) for each connected account: of one workspace, or of every
    workspace (the daily job, page by page; it continues itself near its time limit)."""
    now = now or utcnow()
    report = CollectionReport()
    if workspace_id is not None:
        _workspace_followers(workspace_id, now, report)
        return report
    started = monotonic()
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    settings = get_settings()
    dynamodb = client("dynamodb")
    key = start_key
    while True:
        request: dict[str, Any] = {
            "TableName": settings.tables.workspaces,
            "ProjectionExpression": "workspace_id",
            "Limit": 100,
        }
        if key:
            request["ExclusiveStartKey"] = key
        page = dynamodb.scan(**request)
        ids = [item["workspace_id"]["S"] for item in page.get("Items", [])]
        with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="followers") as pool:
            list(pool.map(lambda ws: _workspace_followers(ws, now, report), ids))
        key = page.get("LastEvaluatedKey")
        if not key:
            break
        if monotonic() - started > RUN_SECONDS:
            from chalicelib import scheduling

            scheduling.invoke_async(settings.collector_arn, {"followers": {"start_key": key}})
            break
    logger.info("followers collected", extra=report.as_dict())
    return report


def _workspace_followers(workspace_id: str, now: datetime, report: CollectionReport) -> None:
    """One workspace: one query for its accounts, one call per account not yet done
    today, one batch write of the day rows."""
    from chalicelib.oauth.adapters import adapter_for
    from chalicelib.oauth.health import mark_refresh_failed
    from chalicelib.oauth.tokens import access_for
    from chalicelib.oauth.vault import VaultError
    from chalicelib.store import accounts as account_store
    from chalicelib.store.model import save_together

    try:
        day = now.astimezone(UTC).date()
        accounts = [
            a for a in account_store.list_accounts(workspace_id) if a.status in _COLLECTABLE
        ]
        done = store.days_present(workspace_id, [a.account_id for a in accounts], day)
        rows: list[Any] = []
        retry: datetime | None = None
        for account in accounts:
            if account.account_id in done:
                continue
            try:
                if _take_budget(account.account_id, account.network) is not None:
                    raise NetworkError(ErrorKind.THROTTLED, "Schedulo's budget of calls is spent")
                auth = access_for(account)
                report.add(calls=1)
                figures = adapter_for(account).account_metrics(auth)
            except NetworkError as error:
                if error.kind is ErrorKind.REAUTH:
                    mark_refresh_failed(account, error)
                    report.add(
                        paused=store.pause_account(workspace_id, account.account_id, error.message)
                    )
                    continue
                when = error.retry_at if error.retry_at and error.retry_at > now else None
                retry = max(retry or now, when or now + FOLLOWERS_RETRY)
                continue
            except (VaultError, NotImplementedError) as error:
                logger.info(
                    "followers not collected",
                    extra={"account_id": account.account_id, "reason": type(error).__name__},
                )
                continue
            rows.append(
                store.account_day_item(
                    store.AccountDayRow(
                        workspace_id,
                        account.account_id,
                        account.network,
                        day,
                        figures.followers,
                        {str(k): int(v) for k, v in figures.values.items()},
                    )
                )
            )
        for start in range(0, len(rows), 25):
            save_together(rows[start : start + 25])
        report.add(followers=len(rows))
        if retry is not None:
            _arm_followers_retry(workspace_id, retry)
    except Exception:  # one workspace's failure stops no other's
        logger.exception("followers collection failed", extra={"workspace_id": workspace_id})


_COLLECTABLE = ("connected", "expiring")


def _arm_followers_retry(workspace_id: str, when: datetime) -> None:
    from chalicelib import scheduling

    end = bucket_end(when)
    scheduling.arm_collection(
        f"followers-{workspace_id}-{end:%Y%m%dT%H%M}"[:64],
        end,
        {"followers": {"workspace_id": workspace_id}},
        f"followers of workspace {workspace_id} again",
    )
