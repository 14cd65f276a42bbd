"""The scheduler emulator: moto stores EventBridge schedules but never fires them.

A loop reads the schedule group, fires each one-time `at()` schedule at its due second
by invoking the target function with the schedule's input, honours the retry policy,
the dead-letter queue and `ActionAfterCompletion=DELETE`, and runs the app's
`@app.schedule` jobs on their rates.
"""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

Invoke = Callable[[str, dict[str, Any]], Any]


@dataclass
class _Schedule:
    name: str
    due: float  # epoch seconds
    target_arn: str
    payload: dict[str, Any]
    delete_after: bool
    max_retries: int
    dead_letter_arn: str | None
    modified: Any
    fired: bool = False


@dataclass
class RateJob:
    name: str
    every_seconds: float
    run: Callable[[], Any]
    next_run: float = field(default=0.0)


def parse_at(expression: str, timezone: str | None) -> float | None:
    """Epoch seconds of `at(YYYY-MM-DDThh:mm:ss)` in its time zone; None otherwise."""
    if not (expression.startswith("at(") and expression.endswith(")")):
        return None
    local = datetime.fromisoformat(expression[3:-1])
    return local.replace(tzinfo=ZoneInfo(timezone or "UTC")).astimezone(UTC).timestamp()


class SchedulerEmulator:
    def __init__(
        self,
        scheduler: Any,
        sqs: Any,
        group: str,
        invoke: Invoke,
        jobs: list[RateJob] | None = None,
        tick_seconds: float = 0.1,
        refresh_seconds: float = 1.0,
        workers: int = 64,
        retry_base_seconds: float = 1.0,
        log: Callable[[str], None] = print,
    ) -> None:
        self._scheduler = scheduler
        self._sqs = sqs
        self._group = group
        self._invoke = invoke
        self._jobs = jobs or []
        self._tick = tick_seconds
        # How often the whole group is listed again (new or changed schedules); firing
        # what is known happens every tick. Listing thousands of schedules costs more CPU
        # than the invocations it fires, so schedules the app puts or deletes are read one
        # by one as it reports them (`notice`), and the listing is only a safety net.
        self.refresh_seconds = refresh_seconds
        self._listed_at = 0.0
        self._noticed: set[str] = set()
        self._noticed_lock = threading.Lock()
        self._retry_base = retry_base_seconds
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="schedule")
        self._known: dict[str, _Schedule] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._log = log
        self.fired: list[tuple[str, float]] = []  # (name, time fired), for tests and benches

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> SchedulerEmulator:
        now = time.time()
        for job in self._jobs:
            job.next_run = now + job.every_seconds
        self._thread = threading.Thread(target=self._loop, name="scheduler-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        self._pool.shutdown(wait=True, cancel_futures=True)

    # -- the loop --------------------------------------------------------------------
    def _loop(self) -> None:
        while not self._stop.is_set():
            started = time.time()
            try:
                if started - self._listed_at >= self.refresh_seconds:
                    self._listed_at = started
                    self._refresh()
                self._read_noticed()
                self._fire_due(time.time())
                self._run_jobs(time.time())
            except Exception as exc:  # keep the emulator alive whatever one tick does
                self._log(f"scheduler emulator: tick failed: {exc!r}")
            self._stop.wait(max(0.0, self._tick - (time.time() - started)))

    def _refresh(self) -> None:
        seen = set()
        pages = self._scheduler.get_paginator("list_schedules").paginate(GroupName=self._group)
        for page in pages:
            for summary in page["Schedules"]:
                name = summary["Name"]
                seen.add(name)
                known = self._known.get(name)
                if known and known.modified == summary.get("LastModificationDate"):
                    continue
                self._learn(name)
        for name in list(self._known):
            if name not in seen and not self._known[name].fired:
                del self._known[name]

    def notice(self, name: str) -> None:
        """The schedule `name` was put or deleted: read it on the next tick."""
        with self._noticed_lock:
            self._noticed.add(name)

    def _read_noticed(self) -> None:
        with self._noticed_lock:
            names, self._noticed = self._noticed, set()
        for name in names:
            known = self._known.get(name)
            if not (known and known.fired):  # a fired one's own deletion was noticed
                self._learn(name)

    def _learn(self, name: str) -> None:
        """Read the schedule `name` into what is known; forget it when it is gone,
        disabled, or not a one-time `at()` schedule."""
        try:
            detail = self._scheduler.get_schedule(GroupName=self._group, Name=name)
        except self._scheduler.exceptions.ResourceNotFoundException:
            self._known.pop(name, None)  # deleted (fired, or disarmed)
            return
        due = parse_at(detail["ScheduleExpression"], detail.get("ScheduleExpressionTimezone"))
        if detail.get("State", "ENABLED") != "ENABLED" or due is None:
            self._known.pop(name, None)
            return
        target = detail["Target"]
        self._known[name] = _Schedule(
            name=name,
            due=due,
            target_arn=target["Arn"],
            payload=json.loads(target.get("Input") or "{}"),
            delete_after=detail.get("ActionAfterCompletion") == "DELETE",
            max_retries=target.get("RetryPolicy", {}).get("MaximumRetryAttempts", 185),
            dead_letter_arn=target.get("DeadLetterConfig", {}).get("Arn"),
            modified=detail.get("LastModificationDate"),
        )

    def _fire_due(self, now: float) -> None:
        for schedule in list(self._known.values()):
            if not schedule.fired and schedule.due <= now:
                schedule.fired = True
                self.fired.append((schedule.name, now))
                self._pool.submit(self._deliver, schedule)

    def _deliver(self, schedule: _Schedule) -> None:
        for attempt in range(schedule.max_retries + 1):
            try:
                self._invoke(schedule.target_arn, schedule.payload)
                break
            except Exception as exc:
                self._log(f"scheduler emulator: {schedule.name} attempt {attempt + 1}: {exc!r}")
                if attempt == schedule.max_retries or self._stop.is_set():
                    self._dead_letter(schedule, exc)
                    break
                delay = self._retry_base * 2**attempt
                self._stop.wait(delay + random.uniform(0, delay / 2))
        if schedule.delete_after:
            with contextlib.suppress(self._scheduler.exceptions.ResourceNotFoundException):
                self._scheduler.delete_schedule(GroupName=self._group, Name=schedule.name)
        self._known.pop(schedule.name, None)

    def _dead_letter(self, schedule: _Schedule, error: Exception) -> None:
        if not schedule.dead_letter_arn:
            return
        queue_name = schedule.dead_letter_arn.rsplit(":", 1)[-1]
        url = self._sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
        body = {"schedule": schedule.name, "input": schedule.payload, "error": repr(error)}
        self._sqs.send_message(QueueUrl=url, MessageBody=json.dumps(body))

    def _run_jobs(self, now: float) -> None:
        for job in self._jobs:
            if job.next_run <= now:
                job.next_run = now + job.every_seconds
                self._pool.submit(self._run_job, job)

    def _run_job(self, job: RateJob) -> None:
        try:
            job.run()
        except Exception as exc:
            self._log(f"scheduler emulator: job {job.name} failed: {exc!r}")


def rate_jobs(app_module: Any, context_factory: Callable[[], Any]) -> list[RateJob]:
    """The app's `@app.schedule(Rate(...))` handlers as jobs the emulator runs."""
    from chalice.app import Rate

    units = {Rate.MINUTES: 60, Rate.HOURS: 3600, Rate.DAYS: 86400}
    jobs = []
    for source in getattr(app_module.app, "event_sources", []):
        expression = getattr(source, "schedule_expression", None)
        if not isinstance(expression, Rate):
            continue
        handler = getattr(app_module, source.handler_string.rsplit(".", 1)[-1])
        jobs.append(
            RateJob(
                name=source.name,
                every_seconds=expression.value * units[expression.unit],
                run=lambda h=handler, n=source.name: h(scheduled_event(n), context_factory()),
            )
        )
    return jobs


def scheduled_event(rule: str) -> dict[str, Any]:
    """What EventBridge sends a rate rule's target: every field Chalice's CloudWatchEvent
    reads (a partial event fails before the handler runs)."""
    import uuid

    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": "us-east-1",
        "resources": [f"arn:aws:events:us-east-1:123456789012:rule/{rule}"],
        "detail": {},
    }
