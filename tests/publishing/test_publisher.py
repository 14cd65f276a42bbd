"""Publishing through the real scheduler loop and the real publisher handler, against the
sandbox networks and their fault control."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

import pytest

from chalicelib.store.base import iso, utcnow


def test_a_scheduled_post_goes_out_once_on_each_network_at_its_time(world):
    x, linkedin = world.account("x"), world.account("linkedin")
    post_id = world.schedule({x: "x", linkedin: "linkedin"}, "Hello from the publisher")
    item = world.wait_for(post_id)
    assert item.status == "published"
    assert [t.status for t in item.targets] == ["published", "published"]
    assert all(t.external_id and t.url and t.published_at for t in item.targets)
    assert len(world.sandbox.posts("x")) == 1
    assert len(world.sandbox.posts("linkedin")) == 1


def test_the_same_invocation_delivered_three_times_at_once_publishes_once(world):
    from chalicelib import scheduling

    x = world.account("x")
    post_id = world.schedule({x: "x"}, "Delivered three times", arm=False)
    when = datetime.fromisoformat(world.post(post_id).scheduled_at)
    payload = {"workspace_id": world.ws, "post_id": post_id, "version": 1}
    for copy in range(3):  # three schedules with the same input fire in the same tick
        scheduling._put(f"dup-{post_id}-{copy}", when, payload, "duplicate delivery")
    item = world.wait_for(post_id)
    time.sleep(1)  # let every delivery finish
    assert sum(1 for p in world.invocations if p.get("post_id") == post_id) == 3
    assert item.status == "published"
    assert len(world.sandbox.posts("x")) == 1
    assert item.targets[0].attempts == 1


def test_a_crash_after_the_network_accepted_leaves_the_target_unconfirmed_and_never_reposts(
    world, monkeypatch
):
    from chalicelib.publishing import handler
    from chalicelib.publishing.sweeper import sweep

    def crash(target):
        raise RuntimeError("the Lambda died here")

    monkeypatch.setattr(handler, "after_network_success", crash)
    x = world.account("x")
    post_id = world.schedule({x: "x"}, "Crash at the worst moment")
    world.wait_for(post_id, lambda item: item.targets[0].status == "publishing")
    time.sleep(3)  # the emulator's redeliveries are stale no-ops; the lease runs out
    monkeypatch.setattr(handler, "after_network_success", None)
    assert len(world.sandbox.posts("x")) == 1
    sweep(utcnow() + timedelta(seconds=1))
    item = world.wait_for(post_id)
    assert "check before retrying" in item.targets[0].error
    assert item.status == "failed"
    sweep(utcnow() + timedelta(minutes=10))  # nothing brings it back on its own
    time.sleep(1)
    assert world.post(post_id).targets[0].status == "unconfirmed"
    assert len(world.sandbox.posts("x")) == 1


def test_a_lost_attempt_on_a_deduplicating_network_is_redone_safely(world, monkeypatch):
    from chalicelib.publishing import handler
    from chalicelib.publishing.sweeper import sweep

    def crash(target):
        raise RuntimeError("the Lambda died here")

    monkeypatch.setattr(handler, "after_network_success", crash)
    bluesky = world.bluesky_account()
    post_id = world.schedule({bluesky: "bluesky"}, "Bluesky knows this record key")
    world.wait_for(post_id, lambda item: item.targets[0].status == "publishing")
    time.sleep(3)
    monkeypatch.setattr(handler, "after_network_success", None)
    assert len(world.sandbox.posts("bluesky")) == 1
    sweep(utcnow() + timedelta(seconds=1))
    item = world.wait_for(post_id)
    assert item.status == "published"
    assert item.targets[0].attempts == 2
    assert len(world.sandbox.posts("bluesky")) == 1  # the same record, not a second post


def test_a_rate_limit_with_a_reset_time_is_retried_at_that_time(world, monkeypatch):
    from local.sandbox.networks import x as sandbox_x

    monkeypatch.setattr(sandbox_x, "WINDOW_SECONDS", 4)  # X's reset: now + the window
    x = world.account("x")
    world.sandbox.fault("x", "429", 1)
    post_id = world.schedule({x: "x"}, "Slow down please")
    item = world.wait_for(post_id, lambda item: item.targets[0].status == "retrying")
    retry_at = datetime.fromisoformat(item.targets[0].retry_at)
    throttled_at = utcnow()
    assert 2 <= (retry_at - throttled_at).total_seconds() <= 5
    item = world.wait_for(post_id)
    assert item.status == "published"
    published_at = datetime.fromisoformat(item.targets[0].published_at)
    assert published_at >= retry_at
    assert (published_at - retry_at).total_seconds() < 2
    assert len(world.sandbox.posts("x")) == 1


def test_two_server_errors_then_success_publishes_once_with_three_attempts_audited(world):
    x = world.account("x")
    world.sandbox.fault("x", "5xx", 2)
    post_id = world.schedule({x: "x"}, "Third time lucky")
    item = world.wait_for(post_id, timeout=30)
    assert item.status == "published"
    assert item.targets[0].attempts == 3
    assert len(world.sandbox.posts("x")) == 1
    attempts = sorted(world.audit(), key=lambda e: e["attempt"])
    assert [(e["attempt"], e["outcome"]) for e in attempts] == [
        (1, "retrying"),
        (2, "retrying"),
        (3, "published"),
    ]


def test_a_refused_token_marks_the_account_needs_reconnect_notifies_and_fails_the_post(world):
    from chalicelib.store import accounts, notifications

    x = world.account("x")
    world.sandbox.fault("x", "401", 1)
    post_id = world.schedule({x: "x"}, "Nobody will see this")
    item = world.wait_for(post_id)
    assert item.status == "failed"
    reason = item.targets[0].error
    assert "no longer accepts Schedulo's access" in reason and "Reconnect" in reason
    assert accounts.get(world.ws, x).status == "needs_reconnect"
    kinds = {n.kind for n in notifications.list_page(world.ws, 50, None)[0]}
    assert {"account.needs_reconnect", "post.failed"} <= kinds
    assert world.sandbox.posts("x") == []
    assert dead_letters(world)[0]["post_id"] == post_id


def test_a_permanent_refusal_fails_at_once_in_words_and_reaches_the_dead_letter_queue(world):
    x = world.account("x")
    world.sandbox.fault("x", "duplicate", 1)
    post_id = world.schedule({x: "x"}, "Said before")
    item = world.wait_for(post_id)
    assert item.status == "failed"
    assert item.targets[0].attempts == 1
    assert item.targets[0].error.startswith("X refused the post as a duplicate")
    [letter] = dead_letters(world)
    assert letter["target_id"] == item.targets[0].target_id


def test_one_failing_network_does_not_stop_the_others(world):
    x, linkedin = world.account("x"), world.account("linkedin")
    world.sandbox.fault("linkedin", "401", 1)
    post_id = world.schedule({x: "x", linkedin: "linkedin"}, "Half of it")
    item = world.wait_for(post_id)
    assert item.status == "partially_published"
    assert [t.status for t in item.targets] == ["published", "failed"]


def test_the_sweeper_arms_a_post_whose_arming_failed(world):
    from chalicelib.aws import client
    from chalicelib.publishing.sweeper import sweep
    from chalicelib.scheduling import schedule_name
    from chalicelib.settings import get_settings

    x = world.account("x")
    later = utcnow() + timedelta(minutes=10)
    post_id = world.schedule({x: "x"}, "Armed late", at=later, arm=False)
    soon = world.schedule({x: "x"}, "Armed late and due now", arm=False)
    counts = sweep()
    assert counts["armed"] == 2
    schedule = client("scheduler").get_schedule(
        GroupName=get_settings().schedule_group, Name=schedule_name(post_id, 1)
    )
    assert schedule["ScheduleExpression"] == f"at({iso(later.replace(microsecond=0))[:-1]})"
    assert world.post(post_id).armed_version == 1
    assert world.wait_for(soon).status == "published"


def test_the_sweeper_publishes_a_post_no_invocation_reached(world):
    from chalicelib.publishing.sweeper import sweep
    from chalicelib.store import posts as store

    x = world.account("x")
    post_id = world.schedule(
        {x: "x"}, "Lost invocation", at=utcnow() - timedelta(minutes=3), arm=False
    )
    store.mark_armed(world.ws, post_id, 1)  # armed, but the schedule never fired
    assert sweep()["invoked"] == 1
    assert world.wait_for(post_id).status == "published"
    assert len(world.sandbox.posts("x")) == 1


def test_the_sweeper_leaves_a_claimed_target_alone(world, monkeypatch):
    from chalicelib.publishing.sweeper import sweep

    monkeypatch.setenv("SCHEDULO_PUBLISH_LEASE_SECONDS", "600")
    from chalicelib.settings import get_settings

    get_settings.cache_clear()
    x = world.account("x")
    world.sandbox.state.set_latency("x", 1500)
    post_id = world.schedule({x: "x"}, "In flight")
    world.wait_for(post_id, lambda item: item.targets[0].status == "publishing")
    assert sweep(utcnow() + timedelta(minutes=3))["invoked"] == 0
    assert world.wait_for(post_id).status == "published"
    assert len(world.sandbox.posts("x")) == 1


def dead_letters(world) -> list[dict]:
    import json

    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    answer = client("sqs").receive_message(
        QueueUrl=get_settings().dead_letter_queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0
    )
    return [json.loads(m["Body"]) for m in answer.get("Messages", [])]


@pytest.fixture(autouse=True)
def _no_leftover_seam():
    from chalicelib.publishing import handler

    yield
    handler.after_network_success = None


def test_a_user_retries_a_failed_post_and_it_goes_out(world):
    from tests.support.factories import call

    x = world.account("x")
    world.sandbox.fault("x", "duplicate", 1)
    other = world.schedule({x: "x"}, "Refused once, then fine")
    assert world.wait_for(other).status == "failed"
    path = f"/v1/workspaces/{world.ws}/posts/{other}/retry"
    answer = call(world.client, "POST", path, {}, world.owner.headers)
    assert answer.status_code == 200, answer.json
    assert answer.json["status"] == "publishing"
    assert world.wait_for(other).status == "published"
    again = call(world.client, "POST", path, {}, world.owner.headers)
    assert again.status_code == 409
    assert len(world.sandbox.posts("x")) == 1


def test_an_operator_redrives_a_dead_letter(world, monkeypatch):
    from tests.support.factories import call, make_operator, signup

    operator = make_operator(monkeypatch, signup(world.client))
    x = world.account("x")
    world.sandbox.fault("x", "duplicate", 1)
    post_id = world.schedule({x: "x"}, "Redrive me")
    assert world.wait_for(post_id).status == "failed"
    [letter] = dead_letters(world)
    body = {"targets": [{k: letter[k] for k in ("workspace_id", "post_id", "target_id")}]}
    refused = call(
        world.client, "POST", "/v1/admin/dead-letters/redrive", body, world.owner.headers
    )
    assert refused.status_code == 403
    answer = call(world.client, "POST", "/v1/admin/dead-letters/redrive", body, operator.headers)
    assert answer.status_code == 200, answer.json
    assert answer.json["results"][0]["redriven"] is True
    assert answer.json["removed_from_queue"] == 1
    assert world.wait_for(post_id).status == "published"
    assert dead_letters(world) == []


def test_the_sweeper_runs_as_the_scheduler_emulator_runs_rate_jobs(world):
    """The rate job's event reaches `app.sweeper` whole (Chalice reads every field)."""
    from chalice.local import LambdaContext

    import app
    from chalicelib.store import posts as store
    from local.scheduler import rate_jobs

    x = world.account("x")
    post_id = world.schedule(
        {x: "x"}, "Found by the job", at=utcnow() - timedelta(minutes=3), arm=False
    )
    store.mark_armed(world.ws, post_id, 1)  # armed, but the schedule never fired
    context = lambda: LambdaContext(function_name="sweeper", memory_size=128, max_runtime_ms=60_000)  # noqa: E731
    [sweeper] = [job for job in rate_jobs(app, context) if job.name == "sweeper"]
    assert sweeper.every_seconds == 300
    sweeper.run()
    assert world.wait_for(post_id).status == "published"


def test_a_tampered_token_fails_loudly_and_nothing_is_published(world):
    from chalicelib.store import accounts as account_store

    x = world.account("x")
    item = account_store.get(world.ws, x)
    sealed = bytearray(item.sealed_tokens.encode())
    sealed[-5] = ord("A") if sealed[-5] != ord("A") else ord("B")
    item.sealed_tokens = sealed.decode()
    account_store.save(item)
    post_id = world.schedule({x: "x"}, "Never sent with a forged token")
    item = world.wait_for(post_id)
    assert item.status == "failed"
    assert "could not read its access" in item.targets[0].error
    assert world.sandbox.posts("x") == []


def test_a_post_on_one_network_costs_seven_aws_calls(world, monkeypatch):
    """Read the post; start it and claim its target (one write); read the workspace (a
    suspended one publishes nothing); read the account; audit the attempt with the
    target's analytics row (one batch; the timeline reads the publish from the target);
    write the outcome with the post's status; count it
    for the operators' health page (one ADD, after the post is out). The local stack's
    lateness under load (bench/publish.py) is mostly the embedded DynamoDB answering
    these."""
    from botocore.endpoint import Endpoint

    from tests.support.publishing import invoke_publisher

    x = world.account("x")
    now = utcnow()  # due now: the publisher has no second to wait for
    warm = world.schedule({x: "x"}, "Warm-up: the vault's data key is cached", now, arm=False)
    invoke_publisher({"workspace_id": world.ws, "post_id": warm, "version": 1})
    post_id = world.schedule({x: "x"}, "Counted", now, arm=False)
    calls: list[str] = []
    make_request = Endpoint.make_request

    here = threading.get_ident()  # the scheduler emulator's thread makes calls of its own

    def counted(self, operation_model, request_dict):
        if threading.get_ident() == here:
            calls.append(operation_model.name)
        return make_request(self, operation_model, request_dict)

    monkeypatch.setattr(Endpoint, "make_request", counted)
    result = invoke_publisher({"workspace_id": world.ws, "post_id": post_id, "version": 1})
    assert result["status"] == "published"
    # The target's analytics row rides in the audit's batch; its first refresh's bucket
    # is armed once per 10-minute bucket and container (the warm-up's, unless the
    # counted publish fell just past a bucket's edge).
    if calls[-1:] == ["CreateSchedule"]:
        calls.pop()
    assert calls == [
        "GetItem",
        "UpdateItem",
        "GetItem",
        "GetItem",
        "BatchWriteItem",
        "UpdateItem",
        "UpdateItem",
    ]
    item = world.post(post_id)
    assert (item.status, item.targets[0].status, item.progress) == ("published", "published", 1)
    assert item.sweep_shard is None  # out of the sweeper's index


def test_an_unexpected_error_quoting_a_secret_is_told_by_its_kind_only(world, monkeypatch):
    from chalicelib.publishing import outcomes

    def broken(*args, **kwargs):
        raise RuntimeError("GET https://api.x.com/2/tweets?access_token=SECRET-TOKEN-42 broke")

    monkeypatch.setattr(outcomes, "publish_request", broken)
    x = world.account("x")
    post_id = world.schedule({x: "x"}, "Never leaks")
    item = world.wait_for(post_id, done=lambda item: bool(item.targets[0].error))
    reason = item.targets[0].error
    assert "internal error publishing to X (RuntimeError)" in reason
    assert "SECRET-TOKEN-42" not in reason and "access_token" not in reason
