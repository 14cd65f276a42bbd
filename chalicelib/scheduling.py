"""EventBridge Scheduler: arm, re-arm and disarm the one-time schedule of each post.

DESIGN.md section 1: one schedule per post, named `post-<post_id>-v<version>` in the
posts group, `at(...)` in UTC with the flexible window off, deleted after it fires, with a
retry policy and the dead-letter queue; its input is `{workspace_id, post_id, version}`.
DynamoDB stays the source of truth: the caller writes the post first and arms second, and
a publisher invocation whose version is stale is a no-op, so a schedule left behind by a
crash between the two steps does no harm. A new post (the API's, a bulk import's) is armed
first and written armed (`arm_new`), one write instead of two: a schedule whose post was
never written fires into a missing post, which the publisher ignores.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from chalicelib.aws import client
from chalicelib.observability import logger
from chalicelib.settings import get_settings

# How long Scheduler keeps retrying an invocation Lambda refused (throttling, outage)
# before it sends the event to the dead-letter queue. Network errors are the
# publisher's to retry, with `arm_retry`.
RETRY_POLICY = {"MaximumRetryAttempts": 5, "MaximumEventAgeInSeconds": 3600}
_NAME_LIMIT = 64  # Scheduler's limit on a schedule name
_NAME_UNSAFE = re.compile(r"[^0-9A-Za-z_.\-]")
# Scheduler's API rate limits (CreateSchedule, UpdateSchedule) answer ThrottlingException.
# The client's own retries (chalicelib/aws.py) come first; when they are spent (botocore's
# retry quota runs dry in a long burst), `_put` waits and tries again these many times,
# full jitter on an exponential backoff capped at _BACKOFF_CAP seconds, so a bulk commit
# loses no schedule to a burst.
THROTTLE_ROUNDS = 6
_BACKOFF_BASE = 0.5
_BACKOFF_CAP = 20.0
_THROTTLED = {"ThrottlingException", "TooManyRequestsException", "Throttling"}
_sleep = time.sleep  # tests replace it

# (function ARN, payload) -> None. The local stack has no Lambda service: it registers
# one that calls the app's function in-process (see `use_local_invoker`).
Invoker = Callable[[str, dict[str, Any]], Any]
_local_invoker: Invoker | None = None
# (schedule name) -> None. The local stack's scheduler emulator is told of every schedule
# put or deleted, so it need not list the whole group often (see `use_local_watcher`).
_local_watcher: Callable[[str], None] | None = None


def schedule_name(post_id: str, version: int) -> str:
    return _name("post", post_id, f"v{version}")


def retry_name(post_id: str, target_id: str, attempt: int) -> str:
    return _name("retry", post_id, target_id, str(attempt))


def _name(*parts: str) -> str:
    name = _NAME_UNSAFE.sub("_", "-".join(parts))
    if len(name) <= _NAME_LIMIT:
        return name
    # Too long for Scheduler: keep the readable head, make the tail unique.
    digest = hashlib.sha256(name.encode()).hexdigest()[:12]
    return f"{name[: _NAME_LIMIT - len(digest) - 1]}-{digest}"


def at_expression(when: datetime) -> str:
    """`at(2026-12-01T08:00:00)` for the aware instant `when`, in UTC, to the second."""
    if when.tzinfo is None:
        raise ValueError("a schedule time must be timezone-aware")
    return f"at({when.astimezone(UTC).replace(tzinfo=None).isoformat(timespec='seconds')})"


def arm(workspace_id: str, post_id: str, version: int, when: datetime) -> str:
    """Arm the post's schedule for `version` at `when`; every other version's is deleted."""
    name = schedule_name(post_id, version)
    payload = {"workspace_id": workspace_id, "post_id": post_id, "version": version}
    _put(name, when, payload, f"post {post_id} v{version}")
    for stale in _post_schedules(post_id):
        if stale != name:
            _delete(stale)
    logger.info("post armed", extra={"post_id": post_id, "version": version, "at": str(when)})
    return name


def arm_again(workspace_id: str, post_id: str, version: int, when: datetime) -> str:
    """Arm a second schedule for `version` at `when`, beside the one that may be firing
    now (an invocation that came too early; see the publisher). Its name shares the
    post's prefix, so arming another version or disarming deletes it too."""
    name = _name("post", post_id, f"v{version}", "again")
    payload = {"workspace_id": workspace_id, "post_id": post_id, "version": version}
    _put(name, when, payload, f"post {post_id} v{version}, armed again")
    logger.info("post armed again", extra={"post_id": post_id, "version": version})
    return name


def expiry_name(post_id: str, version: int) -> str:
    return _name("post", post_id, f"v{version}", "expire")


def arm_expiry(
    workspace_id: str, post_id: str, version: int, when: datetime, new: bool = False
) -> str:
    """A post waiting for approval is never armed to publish: at its time it expires
    instead. This schedule invokes the publisher with `action: expire` at `when`; its name
    shares the post's prefix, so arming the post (once approved) or disarming deletes it.
    `new`: the post has no other schedule (a bulk import's new post): nothing to list."""
    name = expiry_name(post_id, version)
    payload = {
        "workspace_id": workspace_id,
        "post_id": post_id,
        "version": version,
        "action": "expire",
    }
    _put(name, when, payload, f"expiry of post {post_id} v{version} (waiting for approval)")
    for stale in [] if new else _post_schedules(post_id):
        if stale != name:
            _delete(stale)
    logger.info("expiry armed", extra={"post_id": post_id, "version": version, "at": str(when)})
    return name


def disarm(post_id: str) -> int:
    """Delete every schedule of the post (any version); a missing one is fine."""
    names = _post_schedules(post_id)
    for name in names:
        _delete(name)
    return len(names)


def arm_retry(
    workspace_id: str, post_id: str, version: int, target_id: str, attempt: int, when: datetime
) -> str:
    """A one-time schedule that re-invokes the publisher for one target at `when`."""
    name = retry_name(post_id, target_id, attempt)
    payload = {
        "workspace_id": workspace_id,
        "post_id": post_id,
        "version": version,
        "target_id": target_id,
        "attempt": attempt,
    }
    _put(name, when, payload, f"retry {attempt} of post {post_id} for {target_id}")
    return name


def invoke_now(payload: dict[str, Any]) -> None:
    """Invoke the publisher at once, without waiting for it (publish now)."""
    invoke_async(get_settings().publisher_arn, payload)


def invoke_async(arn: str, payload: dict[str, Any]) -> None:
    """Invoke the function `arn` with `payload` without waiting (an Event invocation;
    where there is no Lambda service, the registered local invoker in a thread)."""
    if _local_invoker is not None:
        invoker = _local_invoker
        threading.Thread(target=_run_local, args=(invoker, arn, payload), daemon=True).start()
        return
    client("lambda").invoke(
        FunctionName=arn, InvocationType="Event", Payload=json.dumps(payload).encode()
    )


def arm_new(workspace_id: str, post_id: str, version: int, when: datetime) -> str:
    """Arm the schedule of a post that has no other version (a new post, before its
    write): one CreateSchedule call, no listing of stale schedules."""
    name = schedule_name(post_id, version)
    payload = {"workspace_id": workspace_id, "post_id": post_id, "version": version}
    _put(name, when, payload, f"post {post_id} v{version}")
    return name


def keep_only(post_id: str, name: str) -> int:
    """Delete every schedule of the post but `name`: an edit arms its new version's before
    its write, then lets the older ones go. How many went."""
    stale = [other for other in _post_schedules(post_id) if other != name]
    for other in stale:
        _delete(other)
    return len(stale)


def drop(name: str) -> None:
    """Delete one schedule (an edit's, armed before a write that did not land)."""
    _delete(name)


def use_local_invoker(invoker: Invoker | None) -> None:
    """Where there is no Lambda service (the local stack, tests), call `invoker` instead."""
    global _local_invoker
    _local_invoker = invoker


def use_local_watcher(watcher: Callable[[str], None] | None) -> None:
    """Where schedules are fired by an emulator (the local stack), tell `watcher` the name
    of each schedule put or deleted."""
    global _local_watcher
    _local_watcher = watcher


def _changed(name: str) -> None:
    if _local_watcher is not None:
        _local_watcher(name)


def _run_local(invoker: Invoker, arn: str, payload: dict[str, Any]) -> None:
    try:
        invoker(arn, payload)
    except Exception:  # as with an Event invocation, nobody waits for the result
        logger.exception("local invocation failed", extra={"input": payload})


def arm_collection(name: str, when: datetime, payload: dict[str, Any], description: str) -> bool:
    """A one-time schedule in the metrics group invoking the analytics collector at `when`
    (chalicelib/analytics/collection.py); one that exists already is left as it is (False)."""
    settings = get_settings()
    return _put(
        name,
        when,
        payload,
        description,
        group=settings.metrics_schedule_group,
        target_arn=settings.collector_arn,
        dead_letter_arn=settings.metrics_dead_letter_queue_arn,
        replace=False,
    )


def _put(
    name: str,
    when: datetime,
    payload: dict[str, Any],
    description: str,
    *,
    group: str | None = None,
    target_arn: str | None = None,
    dead_letter_arn: str | None = None,
    replace: bool = True,
) -> bool:
    """Create the schedule; one of that name is moved to the new time (`replace`) or left
    (False is answered then)."""
    settings = get_settings()
    scheduler = client("scheduler")
    request = {
        "GroupName": group or settings.schedule_group,
        "Name": name,
        "Description": description[:512],
        "ScheduleExpression": at_expression(when),
        "ScheduleExpressionTimezone": "UTC",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "ActionAfterCompletion": "DELETE",
        "State": "ENABLED",
        "Target": {
            "Arn": target_arn or settings.publisher_arn,
            "RoleArn": settings.scheduler_role_arn,
            "Input": json.dumps(payload, sort_keys=True),
            "RetryPolicy": RETRY_POLICY,
            "DeadLetterConfig": {"Arn": dead_letter_arn or settings.dead_letter_queue_arn},
        },
    }
    try:
        _throttled_retry(scheduler.create_schedule, request)
    except scheduler.exceptions.ConflictException:
        if not replace:
            return False
        # Armed before (a retried request, or the sweeper): move it to the new time.
        _throttled_retry(scheduler.update_schedule, request)
    _changed(name)
    return True


def _throttled_retry(call: Callable[..., Any], request: dict[str, Any]) -> Any:
    """`call(**request)`, again after a backoff while Scheduler says it is throttled."""
    from botocore.exceptions import ClientError

    for round_ in range(THROTTLE_ROUNDS + 1):
        try:
            return call(**request)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code not in _THROTTLED or round_ == THROTTLE_ROUNDS:
                raise
            delay = random.uniform(0, min(_BACKOFF_CAP, _BACKOFF_BASE * 2**round_))
            logger.warning(
                "scheduler throttled: backing off",
                extra={"schedule": request["Name"], "round": round_ + 1, "delay": delay},
            )
            _sleep(delay)
    raise AssertionError("unreachable")


def _post_schedules(post_id: str) -> list[str]:
    settings = get_settings()
    pages = (
        client("scheduler")
        .get_paginator("list_schedules")
        .paginate(GroupName=settings.schedule_group, NamePrefix=_name("post", post_id, "v"))
    )
    return [schedule["Name"] for page in pages for schedule in page["Schedules"]]


def _delete(name: str) -> None:
    scheduler = client("scheduler")
    with contextlib.suppress(scheduler.exceptions.ResourceNotFoundException):
        scheduler.delete_schedule(GroupName=get_settings().schedule_group, Name=name)
    _changed(name)


def digest_prefix(workspace_id: str, user_id: str) -> str:
    """The name prefix of a member's digest schedules (ids hashed: Scheduler's 64)."""
    key = hashlib.sha256(f"{workspace_id}/{user_id}".encode()).hexdigest()[:20]
    return f"digest-{key}-"


def arm_digest(workspace_id: str, user_id: str, when: datetime, payload: dict[str, Any]) -> str:
    """A member's next digest (chalicelib/notify/digest.py): a one-time schedule in the
    posts group invoking the digest function at `when`, named for its due minute so that
    arming the next one from the invocation of this one never touches the firing one's
    name; the member's other digest schedules are deleted."""
    settings = get_settings()
    prefix = digest_prefix(workspace_id, user_id)
    name = f"{prefix}{when.astimezone(UTC):%Y%m%d%H%M}"
    _put(
        name,
        when,
        payload,
        f"digest of {user_id} in {workspace_id}",
        target_arn=settings.digest_arn,
    )
    for stale in _named(prefix):
        if stale != name:
            _delete(stale)
    return name


def disarm_digest(workspace_id: str, user_id: str) -> int:
    names = _named(digest_prefix(workspace_id, user_id))
    for name in names:
        _delete(name)
    return len(names)


def _named(prefix: str) -> list[str]:
    pages = (
        client("scheduler")
        .get_paginator("list_schedules")
        .paginate(GroupName=get_settings().schedule_group, NamePrefix=prefix)
    )
    return [schedule["Name"] for page in pages for schedule in page["Schedules"]]
