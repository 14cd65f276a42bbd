"""The scheduler emulator, with its real loop against a real moto server."""

from __future__ import annotations

import json
import math
import threading
import time
from datetime import UTC, datetime

import boto3
import pytest
from moto.server import ThreadedMotoServer

from local.provision import provision
from local.scheduler import SchedulerEmulator, parse_at
from local.stack import free_port

pytestmark = pytest.mark.stack

STAGE = "emu"
GROUP = f"schedulo-{STAGE}-posts"
TARGET = f"arn:aws:lambda:us-east-1:123456789012:function:schedulo-{STAGE}-publisher"
DLQ = f"arn:aws:sqs:us-east-1:123456789012:schedulo-{STAGE}-dead-letters"


@pytest.fixture(scope="module")
def moto_endpoint():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    provision(boto3.session.Session(region_name="us-east-1"), STAGE, endpoint)
    yield endpoint
    server.stop()


def clients(endpoint):
    return (
        boto3.client("scheduler", endpoint_url=endpoint, region_name="us-east-1"),
        boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1"),
    )


def create_at(scheduler, name: str, due: float, payload: dict, retries: int = 2) -> None:
    at = datetime.fromtimestamp(due, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    scheduler.create_schedule(
        Name=name,
        GroupName=GROUP,
        ScheduleExpression=f"at({at})",
        ScheduleExpressionTimezone="UTC",
        FlexibleTimeWindow={"Mode": "OFF"},
        ActionAfterCompletion="DELETE",
        Target={
            "Arn": TARGET,
            "RoleArn": "arn:aws:iam::123456789012:role/schedulo-emu-scheduler",
            "Input": json.dumps(payload),
            "RetryPolicy": {"MaximumRetryAttempts": retries, "MaximumEventAgeInSeconds": 3600},
            "DeadLetterConfig": {"Arn": DLQ},
        },
    )


def test_parse_at_honours_the_time_zone():
    assert (
        parse_at("at(2026-07-01T09:00:00)", "Europe/Paris")
        == datetime(2026, 7, 1, 7, tzinfo=UTC).timestamp()
    )
    assert parse_at("rate(5 minutes)", "UTC") is None


def test_a_schedule_fires_within_a_second_of_its_due_time_and_is_deleted(moto_endpoint):
    scheduler, sqs = clients(moto_endpoint)
    calls: list[tuple[str, dict, float]] = []
    done = threading.Event()

    def invoke(arn: str, payload: dict) -> None:
        calls.append((arn, payload, time.time()))
        done.set()

    emulator = SchedulerEmulator(scheduler, sqs, GROUP, invoke).start()
    try:
        due = math.ceil(time.time()) + 5
        payload = {"workspace_id": "w1", "post_id": "p1", "version": 1}
        create_at(scheduler, "post-p1-v1", due, payload)
        assert done.wait(10), "the schedule never fired"
        arn, received, fired_at = calls[0]
        assert arn == TARGET and received == payload
        assert 0 <= fired_at - due <= 1.0
        for _ in range(20):
            names = [s["Name"] for s in scheduler.list_schedules(GroupName=GROUP)["Schedules"]]
            if "post-p1-v1" not in names:
                break
            time.sleep(0.1)
        assert "post-p1-v1" not in names  # ActionAfterCompletion=DELETE
        assert len(calls) == 1
    finally:
        emulator.stop()


def test_a_failing_target_is_retried_then_dead_lettered(moto_endpoint):
    scheduler, sqs = clients(moto_endpoint)
    attempts = []

    def invoke(arn: str, payload: dict) -> None:
        attempts.append(time.time())
        raise RuntimeError("publisher crashed")

    emulator = SchedulerEmulator(scheduler, sqs, GROUP, invoke, retry_base_seconds=0.05).start()
    try:
        create_at(scheduler, "post-p2-v1", time.time(), {"post_id": "p2"}, retries=2)
        queue = sqs.get_queue_url(QueueName=f"schedulo-{STAGE}-dead-letters")["QueueUrl"]
        messages = []
        for _ in range(50):
            messages = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=0).get("Messages", [])
            if messages:
                break
            time.sleep(0.1)
        assert len(attempts) == 3  # the first try and two retries
        body = json.loads(messages[0]["Body"])
        assert body["schedule"] == "post-p2-v1" and body["input"] == {"post_id": "p2"}
    finally:
        emulator.stop()


def test_a_noticed_schedule_fires_without_waiting_for_a_listing(moto_endpoint):
    """The app tells the emulator what it arms and disarms (scheduling.use_local_watcher):
    a schedule put is fired on time and a deleted one never, with no listing in between."""
    scheduler, sqs = clients(moto_endpoint)
    fired: list[tuple[dict, float]] = []
    done = threading.Event()

    def invoke(arn: str, payload: dict) -> None:
        fired.append((payload, time.time()))
        done.set()

    emulator = SchedulerEmulator(scheduler, sqs, GROUP, invoke, refresh_seconds=3600).start()
    try:
        time.sleep(0.3)  # past the first listing: from now on only notices count
        due = math.ceil(time.time()) + 2
        create_at(scheduler, "post-p3-v1", due, {"post_id": "p3"})
        create_at(scheduler, "post-p4-v1", due, {"post_id": "p4"})
        emulator.notice("post-p3-v1")
        emulator.notice("post-p4-v1")
        time.sleep(0.5)
        scheduler.delete_schedule(GroupName=GROUP, Name="post-p4-v1")
        emulator.notice("post-p4-v1")
        assert done.wait(10), "the noticed schedule never fired"
        time.sleep(1.5)
        assert [payload for payload, _ in fired] == [{"post_id": "p3"}]
        assert 0 <= fired[0][1] - due <= 1.0
    finally:
        emulator.stop()
