"""The digest in the local stack (issue 23): the scheduler emulator fires a member's
digest schedule (a copy of the armed one, due in a second instead of at 08:00) by invoking
the app's digest function with its input, and the digest arrives in SES's record."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import boto3
import pytest
import requests

from tests.support.browser import sign_up_via_api

pytestmark = [pytest.mark.stack]


def test_the_scheduler_emulator_sends_an_armed_digest(stack):
    user, _ = sign_up_via_api(stack.url, name="Dora Digest")
    saved = requests.put(
        f"{stack.url}/v1/workspaces/{user.workspace_id}/notification-preferences",
        json={"digest": "daily"},
        headers=user.headers,
        timeout=10,
    )
    assert saved.status_code == 200, saved.text
    scheduler = boto3.client(
        "scheduler",
        endpoint_url=stack.aws_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    groups = [g["Name"] for g in scheduler.list_schedule_groups()["ScheduleGroups"]]
    (group,) = [g for g in groups if g.endswith("-posts")]
    armed = [
        scheduler.get_schedule(GroupName=group, Name=s["Name"])
        for s in scheduler.list_schedules(GroupName=group, NamePrefix="digest-")["Schedules"]
    ]
    (mine,) = [s for s in armed if json.loads(s["Target"]["Input"])["user_id"] == user.user_id]
    assert mine["Target"]["Arn"].endswith("-digest")

    soon = datetime.now(UTC) + timedelta(seconds=1)
    scheduler.create_schedule(
        GroupName=group,
        Name=f"{mine['Name'][:-12]}now",  # the member's prefix: the invocation's re-arm tidies it
        ScheduleExpression=f"at({soon:%Y-%m-%dT%H:%M:%S})",
        ScheduleExpressionTimezone="UTC",
        FlexibleTimeWindow={"Mode": "OFF"},
        ActionAfterCompletion="DELETE",
        Target={k: mine["Target"][k] for k in ("Arn", "RoleArn", "Input")},
    )
    deadline = time.time() + 90  # the emulator lists the group every 30 s
    # Waited for in the stack's log; moto's whole state (seconds once it is big) read once.
    while not any(s.startswith("Your daily digest") for s in stack.emailed_subjects(user.email)):
        assert time.time() < deadline, "the emulator never sent the digest"
        time.sleep(0.5)
    data = requests.get(f"{stack.aws_url}/moto-api/data.json", timeout=30).json()
    digests = [
        m
        for m in data.get("ses", {}).get("RawMessage", [])
        if user.email in m["destinations"] and "Your daily digest" in m["raw_data"]
    ]
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in digests[0]["raw_data"]
    left = scheduler.list_schedules(GroupName=group, NamePrefix=mine["Name"][:-12])["Schedules"]
    assert len(left) == 1 and left[0]["Name"] != mine["Name"]  # the next morning's, only
