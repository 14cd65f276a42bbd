"""Never before its time (issue 18): whatever path hands a post to the publisher, the
network receives it at or after its due second, once; an edit accepted before the claim
is what goes out, and an edit after it is told the post is being published.

Posts are written through the API (the composer's path: a post due within a minute is
handed to the publisher at once, a later one is armed), against the sandbox networks and
the real scheduler emulator. These tests really wait (up to about a minute), so they run
their posts side by side and share one xdist group: one worker holds the waits while the
other runs the rest of the suite.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.store.base import iso, utcnow
from tests.support.factories import call

pytestmark = pytest.mark.xdist_group("publish_waits")


def due_in(seconds: int) -> datetime:
    """The whole second at least `seconds` from now (times are kept to the second)."""
    return datetime.fromtimestamp(math.ceil(time.time() + seconds), UTC)


def create(world, account: str, text: str, at: datetime) -> dict:
    body = {
        "text": text,
        "targets": [{"account_id": account}],
        "when": {"at": at.strftime("%Y-%m-%dT%H:%M:%S"), "timezone": "UTC"},
    }
    answer = call(
        world.client, "POST", f"/v1/workspaces/{world.ws}/posts", body, world.owner.headers
    )
    assert answer.status_code == 201, answer.json
    return answer.json


def edit(world, post_id: str, version: int, text: str):
    path = f"/v1/workspaces/{world.ws}/posts/{post_id}"
    return call(
        world.client, "PATCH", path, {"version": version, "text": text}, world.owner.headers
    )


def received(world, network: str, text: str) -> list[dict]:
    return [p for p in world.sandbox.posts(network) if text in str(p)]


def test_posts_due_in_1_5_30_59_and_61_seconds_reach_the_network_at_their_second_once(world):
    x = world.account("x")
    leads = (1, 5, 30, 59, 61)  # the last one is armed; the others go to the publisher now
    posts = {}
    for lead in leads:
        at = due_in(lead)
        post = create(world, x, f"Due in {lead} s, not a second before", at)
        posts[lead] = (post["id"], post["text"], at)
    for lead, (post_id, _, _) in posts.items():
        assert world.wait_for(post_id, timeout=lead + 30).status == "published", lead
    for lead, (_, text, at) in posts.items():
        [sent] = received(world, "x", text)  # exactly once
        assert sent["received_at"] >= at.timestamp(), (lead, sent["received_at"] - at.timestamp())


def test_an_edit_inside_the_last_minute_is_what_gets_published(world):
    x = world.account("x")
    at = due_in(8)
    post = create(world, x, "The first draft, never to be seen", at)
    assert post["status"] == "scheduled"
    edited = edit(world, post["id"], post["version"], "The corrected text, published once")
    assert edited.status_code == 200, edited.json
    item = world.wait_for(post["id"], timeout=40)
    assert item.status == "published"
    assert received(world, "x", "The first draft") == []
    [sent] = received(world, "x", "The corrected text")
    assert sent["received_at"] >= at.timestamp()
    # Both invocations came before the due second; the first found its version stale.
    assert sum(1 for p in world.invocations if p.get("post_id") == post["id"]) == 2


def test_an_edit_after_the_claim_is_told_the_post_is_being_published(world):
    x = world.account("x")
    world.sandbox.state.set_latency("x", 3000)  # the network takes its time: still on its way
    post = create(world, x, "On its way when the edit comes", due_in(1))
    world.wait_for(post["id"], lambda item: item.targets[0].status == "publishing")
    for version in (post["version"], world.post(post["id"]).version):
        refused = edit(world, post["id"], version, "Too late for this")
        assert refused.status_code == 409
        assert refused.json["error"]["message"] == (
            "The post is being published: it can no longer be edited."
        )
    assert world.wait_for(post["id"]).status == "published"
    assert received(world, "x", "Too late") == []
    assert len(received(world, "x", "On its way")) == 1


def test_the_sweeper_hands_over_an_unarmed_post_due_soon_and_it_waits_for_its_second(world):
    from chalicelib.publishing.sweeper import sweep

    x = world.account("x")
    at = due_in(4)
    post_id = world.schedule({x: "x"}, "Found unarmed by the sweeper", at=at, arm=False)
    assert sweep()["armed"] == 1  # due within a minute: handed to the publisher at once
    assert world.wait_for(post_id).status == "published"
    [sent] = received(world, "x", "Found unarmed")
    assert sent["received_at"] >= at.timestamp()


def test_an_invocation_long_before_the_due_time_arms_it_again_and_sends_nothing(world):
    from chalicelib.aws import client
    from chalicelib.settings import get_settings
    from tests.support.publishing import invoke_publisher

    x = world.account("x")
    later = utcnow() + timedelta(minutes=10)
    post_id = world.schedule({x: "x"}, "Not yet", at=later, arm=False)
    answer = invoke_publisher({"workspace_id": world.ws, "post_id": post_id, "version": 1})
    assert answer["status"] == "ignored" and "armed again" in answer["reason"]
    assert world.post(post_id).status == "scheduled"
    assert world.sandbox.posts("x") == []
    schedules = client("scheduler").list_schedules(
        GroupName=get_settings().schedule_group, NamePrefix=f"post-{post_id}-v1"
    )["Schedules"]
    [again] = [
        client("scheduler").get_schedule(GroupName=get_settings().schedule_group, Name=s["Name"])
        for s in schedules
    ]
    assert again["ScheduleExpression"] == f"at({iso(later)[:-1]})"


def test_the_publisher_waits_with_its_own_clock_and_claims_only_at_the_due_second(
    world, monkeypatch
):
    """The wait is one place in the publisher, with an injectable clock and sleep: here
    the clock is moved instead of waited for."""
    from chalicelib.publishing import handler
    from tests.support.publishing import invoke_publisher

    x = world.account("x")
    at = utcnow().replace(microsecond=0) + timedelta(seconds=45)
    post_id = world.schedule({x: "x"}, "Moved clock", at=at, arm=False)
    moved = {"by": timedelta(0)}
    slept: list[tuple[float, str]] = []

    def sleep(seconds: float) -> None:
        slept.append((seconds, world.post(post_id).status))
        moved["by"] += timedelta(seconds=seconds)

    monkeypatch.setattr(handler, "clock", lambda: utcnow() + moved["by"])
    monkeypatch.setattr(handler, "sleep", sleep)
    answer = invoke_publisher({"workspace_id": world.ws, "post_id": post_id, "version": 1})
    assert answer["status"] == "published"
    assert len(slept) >= 1 and 40 < sum(s for s, _ in slept) <= 45
    assert {status for _, status in slept} == {"scheduled"}  # nothing claimed while waiting


def test_a_claim_between_an_edit_read_and_its_write_is_told_as_being_published(world, monkeypatch):
    from chalicelib.store import posts as store
    from chalicelib.store import targets as claims

    x = world.account("x")
    post = create(world, x, "Claimed while the edit was on its way", due_in(600))
    save_version = store.save_version

    def claimed_first(item, read_version):
        current = store.get(item.workspace_id, item.post_id)
        assert claims.start_publishing(current, utcnow() + timedelta(minutes=5)) is not None
        return save_version(item, read_version)

    monkeypatch.setattr(store, "save_version", claimed_first)
    refused = edit(world, post["id"], post["version"], "Lost to the claim")
    assert refused.status_code == 409
    assert refused.json["error"]["message"] == (
        "The post is being published: it can no longer be edited."
    )
