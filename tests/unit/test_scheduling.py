"""Post schedules as EventBridge Scheduler holds them (read back from moto's API)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from chalicelib import scheduling
from chalicelib.settings import get_settings

WHEN = datetime(2026, 12, 1, 9, 30, 15, 900_000, tzinfo=UTC)


def schedules() -> dict[str, dict]:
    """Every schedule of the posts group, in full, by name."""
    scheduler = boto3.client("scheduler")
    group = get_settings().schedule_group
    names = [s["Name"] for s in scheduler.list_schedules(GroupName=group)["Schedules"]]
    return {name: scheduler.get_schedule(GroupName=group, Name=name) for name in names}


def test_a_post_is_armed_as_one_utc_one_time_schedule_that_deletes_itself(aws):
    settings = get_settings()
    name = scheduling.arm("w_1", "p_1", 3, WHEN)

    assert name == "post-p_1-v3"
    schedule = schedules()[name]
    assert schedule["GroupName"] == settings.schedule_group
    assert schedule["ScheduleExpression"] == "at(2026-12-01T09:30:15)"
    assert schedule["ScheduleExpressionTimezone"] == "UTC"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert schedule["ActionAfterCompletion"] == "DELETE"
    assert schedule["State"] == "ENABLED"
    target = schedule["Target"]
    assert target["Arn"] == settings.publisher_arn
    assert target["RoleArn"] == settings.scheduler_role_arn
    assert json.loads(target["Input"]) == {"workspace_id": "w_1", "post_id": "p_1", "version": 3}
    assert target["DeadLetterConfig"] == {"Arn": settings.dead_letter_queue_arn}
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 5, "MaximumEventAgeInSeconds": 3600}


def test_a_time_in_another_zone_is_armed_at_its_utc_instant(aws):
    from zoneinfo import ZoneInfo

    paris = datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    scheduling.arm("w_1", "p_1", 1, paris)
    assert schedules()["post-p_1-v1"]["ScheduleExpression"] == "at(2026-07-01T07:00:00)"


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        scheduling.at_expression(datetime(2026, 7, 1, 9, 0))


def test_rearming_a_new_version_leaves_exactly_one_schedule_for_the_post(aws):
    scheduling.arm("w_1", "p_1", 1, WHEN)
    scheduling.arm("w_1", "p_2", 1, WHEN)  # another post keeps its own
    scheduling.arm("w_1", "p_1", 2, WHEN + timedelta(days=1))

    armed = schedules()
    assert sorted(armed) == ["post-p_1-v2", "post-p_2-v1"]
    assert armed["post-p_1-v2"]["ScheduleExpression"] == "at(2026-12-02T09:30:15)"
    assert json.loads(armed["post-p_1-v2"]["Target"]["Input"])["version"] == 2


def test_arming_the_same_version_twice_moves_it(aws):
    scheduling.arm("w_1", "p_1", 1, WHEN)
    scheduling.arm("w_1", "p_1", 1, WHEN + timedelta(hours=1))
    armed = schedules()
    assert list(armed) == ["post-p_1-v1"]
    assert armed["post-p_1-v1"]["ScheduleExpression"] == "at(2026-12-01T10:30:15)"


def test_disarming_deletes_the_posts_schedule_and_tolerates_none(aws):
    scheduling.arm("w_1", "p_1", 4, WHEN)
    assert scheduling.disarm("p_1") == 1
    assert schedules() == {}
    assert scheduling.disarm("p_1") == 0
    assert scheduling.disarm("p_never") == 0


def test_a_retry_is_a_one_time_schedule_of_the_same_shape_for_one_target(aws):
    settings = get_settings()
    name = scheduling.arm_retry("w_1", "p_1", 2, "a_9", 3, WHEN)
    assert name == "retry-p_1-a_9-3"
    schedule = schedules()[name]
    assert schedule["ScheduleExpression"] == "at(2026-12-01T09:30:15)"
    assert schedule["ScheduleExpressionTimezone"] == "UTC"
    assert schedule["ActionAfterCompletion"] == "DELETE"
    assert schedule["Target"]["DeadLetterConfig"] == {"Arn": settings.dead_letter_queue_arn}
    assert json.loads(schedule["Target"]["Input"]) == {
        "workspace_id": "w_1",
        "post_id": "p_1",
        "version": 2,
        "target_id": "a_9",
        "attempt": 3,
    }
    # A retry is not the post's schedule: re-arming the post leaves it alone.
    scheduling.arm("w_1", "p_1", 3, WHEN)
    assert sorted(schedules()) == ["post-p_1-v3", "retry-p_1-a_9-3"]


def test_names_stay_within_schedulers_limit():
    long_name = scheduling.retry_name("p_" + "x" * 30, "a_" + "y" * 30, 12)
    assert len(long_name) == 64
    assert long_name.startswith("retry-p_xxx")
    assert long_name != scheduling.retry_name("p_" + "x" * 30, "a_" + "y" * 30, 13)
    assert scheduling.schedule_name("p/1", 1) == "post-p_1-v1"


def test_publish_now_calls_the_registered_local_invoker_without_waiting(aws):
    called = threading.Event()
    received = []

    def invoker(arn, payload):
        received.append((arn, payload))
        called.set()

    scheduling.use_local_invoker(invoker)
    try:
        scheduling.invoke_now({"workspace_id": "w_1", "post_id": "p_1", "version": 1})
        assert called.wait(5)
    finally:
        scheduling.use_local_invoker(None)
    assert received == [
        (get_settings().publisher_arn, {"workspace_id": "w_1", "post_id": "p_1", "version": 1})
    ]


def test_publish_now_invokes_the_publisher_lambda_asynchronously(monkeypatch):
    calls = []

    class FakeLambda:
        def invoke(self, **request):
            calls.append(request)
            return {"StatusCode": 202}

    monkeypatch.setattr(scheduling, "client", lambda service: FakeLambda())
    scheduling.invoke_now({"workspace_id": "w_1", "post_id": "p_1", "version": 1})
    assert calls == [
        {
            "FunctionName": get_settings().publisher_arn,
            "InvocationType": "Event",
            "Payload": b'{"workspace_id": "w_1", "post_id": "p_1", "version": 1}',
        }
    ]


def test_a_registered_local_watcher_hears_of_every_schedule_put_and_deleted(aws):
    heard: list[str] = []
    scheduling.use_local_watcher(heard.append)
    try:
        scheduling.arm("w_1", "p_1", 1, WHEN)
        scheduling.arm("w_1", "p_1", 2, WHEN)  # puts v2, deletes v1
        scheduling.arm_retry("w_1", "p_1", 2, "t_1", 2, WHEN)
        scheduling.disarm("p_1")
    finally:
        scheduling.use_local_watcher(None)
    assert heard == ["post-p_1-v1", "post-p_1-v2", "post-p_1-v1", "retry-p_1-t_1-2", "post-p_1-v2"]
