"""Scheduler's API rate limit: a burst of CreateSchedule calls (a bulk commit's workers)
is answered ThrottlingException, as EventBridge Scheduler does past its quota. The client's
retries (chalicelib/aws.py) and `scheduling._put`'s own backoff absorb it: every schedule
is created once and the commit finishes. Throttling is injected at the HTTP layer, in
front of the embedded AWS, so botocore's real retry path runs; only its waits are cut."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest

from chalicelib import scheduling
from chalicelib.aws import client as aws_client
from chalicelib.settings import get_settings
from chalicelib.store.base import utcnow
from tests.support.connect import connect
from tests.support.factories import signup
from tests.support.imports import commit, day, validated, wait


class Throttle:
    """Answers the first `times` CreateSchedule calls of each schedule name with 429
    ThrottlingException; counts the calls that reached the service."""

    def __init__(self, times: int) -> None:
        self.times = times
        self.refused: Counter[str] = Counter()
        self.reached: Counter[str] = Counter()

    def __call__(self, request, **kwargs):
        from urllib.parse import unquote, urlsplit

        from botocore.awsrequest import AWSResponse
        from moto.core.botocore_stubber import MockRawResponse

        name = unquote(urlsplit(request.url).path.rsplit("/", 1)[-1])  # /schedules/{Name}
        if self.refused[name] < self.times:
            self.refused[name] += 1
            body = json.dumps({"Message": "Rate exceeded"}).encode()
            headers = {
                "x-amzn-ErrorType": "ThrottlingException:",
                "Content-Type": "application/json",
            }
            return AWSResponse(request.url, 429, headers, MockRawResponse(body))
        self.reached[name] += 1
        return None  # on to the embedded AWS


class Throttling:
    """A scheduler client of its own (a fresh retry quota, as in a new Lambda container)
    for `scheduling`, with `install(times)` putting a Throttle in front of it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from botocore.retries import standard

        from chalicelib import aws

        settings = get_settings()
        self.client = aws._create("scheduler", settings.region, settings.aws_endpoint_url)
        shared = aws.client
        monkeypatch.setattr(
            scheduling,
            "client",
            lambda service: self.client if service == "scheduler" else shared(service),
        )
        # botocore's and _put's waits cut to nothing; _put's are counted.
        monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, ctx: 0)
        self.waits: list[float] = []
        monkeypatch.setattr(scheduling, "_sleep", self.waits.append)

    def install(self, times: int) -> Throttle:
        throttle = Throttle(times)
        self.client.meta.events.register_first("before-send.scheduler.CreateSchedule", throttle)
        return throttle


@pytest.fixture
def throttling(aws, monkeypatch) -> Iterator[Throttling]:
    yield Throttling(monkeypatch)


def schedules() -> set[str]:
    pages = (
        aws_client("scheduler")
        .get_paginator("list_schedules")
        .paginate(GroupName=get_settings().schedule_group)
    )
    return {s["Name"] for page in pages for s in page["Schedules"]}


def test_a_bulk_commit_throttled_by_scheduler_creates_every_schedule_once(
    client, sandbox, worker, throttling
):
    user = signup(client)
    x = connect(client, user, "x")[0]
    rows = 24
    csv = "date,time,accounts,text\n" + "".join(
        f"{day(2 + i // 12)},{8 + i % 12:02d}:15,{x},Throttled post {i}\n" for i in range(rows)
    )
    imported = validated(client, user, csv)
    assert imported["status"] == "ready", imported["errors"]
    throttled = throttling.install(3)  # every schedule refused three times before it is created
    assert commit(client, user, imported["id"]).status_code == 202
    done = wait(client, user, imported["id"])
    assert (done["status"], done["created_posts"]) == ("done", rows)
    from chalicelib.store.posts import PostItem

    posts = list(PostItem.query(user.workspace_id))
    assert len(posts) == rows and all(p.armed_version == 1 for p in posts)
    names = {f"post-{p.post_id}-v1" for p in posts}
    assert names <= schedules()
    assert set(throttled.refused) == names and set(throttled.refused.values()) == {3}
    assert throttled.reached == Counter(dict.fromkeys(names, 1))  # each created once


def test_throttling_beyond_the_clients_retries_is_waited_out_by_put(throttling):
    from botocore.exceptions import ClientError

    from chalicelib.aws import MAX_ATTEMPTS

    when = utcnow() + timedelta(days=1)
    # Two and a half times what botocore tries on its own: _put backs off and tries again.
    throttled = throttling.install(MAX_ATTEMPTS["scheduler"] * 5 // 2)
    name = scheduling.arm_new("w_throttled", "p_throttled", 1, when)
    assert name in schedules()
    assert throttled.reached == Counter({name: 1})
    assert len(throttling.waits) == 2  # botocore gave up twice; _put waited twice

    # Past every round, the error is raised (the post stays unarmed for the sweeper),
    # never swallowed.
    endless = throttling.install(10_000)
    with pytest.raises(ClientError) as raised:
        scheduling.arm_new("w_throttled", "p_endless", 1, when)
    assert raised.value.response["Error"]["Code"] == "ThrottlingException"
    assert not endless.reached
