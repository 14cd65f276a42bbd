"""The product's events reach a workspace's webhook endpoint from where they happen: an
account connected, a post scheduled, published, failed or left unconfirmed, an account
that needs reconnecting. Delivered to a loopback receiver and verified there."""

from __future__ import annotations

import time
from datetime import timedelta

from chalicelib.store.base import utcnow
from tests.support.factories import call
from tests.support.webhooks import bodies, receiving, register, verify

ALL = [
    "post.scheduled",
    "post.published",
    "post.failed",
    "post.unconfirmed",
    "account.connected",
    "account.needs_reconnect",
]


def _settled(queue, receiver, count, timeout=10.0):
    """Deliver what was queued until `count` events arrived (the publisher runs on the
    emulator's threads)."""
    deadline = time.monotonic() + timeout
    while len(receiver.received) < count and time.monotonic() < deadline:
        queue.deliver_all()
        time.sleep(0.05)
    return bodies(receiver)


def test_a_connected_account_and_a_published_post_are_sent_signed(world, monkeypatch):
    with receiving(monkeypatch) as (receiver, queue):
        hook = register(world.client, world.owner, f"{receiver.url}/hook", ALL)
        x = world.account("x")
        post_id = world.schedule({x: "x"}, "Hello, receivers")
        item = world.wait_for(post_id)
        assert item.status == "published"
        events = _settled(queue, receiver, 2)
        assert [e["type"] for e in events] == ["account.connected", "post.published"]
        connected, published = events
        assert connected["data"]["account_id"] == x and connected["data"]["network"] == "x"
        target = item.targets[0]
        assert published["data"] == {
            **published["data"],
            "post_id": post_id,
            "target_id": target.target_id,
            "account_id": x,
            "status": "published",
            "url": target.url,
            "external_id": target.external_id,
        }
        for received in receiver.received:
            assert verify(hook["secret"], received.headers, received.body, utcnow())


def test_a_refused_token_sends_needs_reconnect_and_failed(world, monkeypatch):
    x = world.account("x")
    with receiving(monkeypatch) as (receiver, queue):
        register(world.client, world.owner, f"{receiver.url}/hook", ALL)
        world.sandbox.fault("x", "401", 1)
        post_id = world.schedule({x: "x"}, "Nobody will see this")
        assert world.wait_for(post_id).status == "failed"
        events = _settled(queue, receiver, 2)
        by_type = {e["type"]: e["data"] for e in events}
        assert set(by_type) == {"account.needs_reconnect", "post.failed"}
        assert by_type["account.needs_reconnect"]["status"] == "needs_reconnect"
        assert "Reconnect" in by_type["post.failed"]["reason"]


def test_a_post_scheduled_through_the_api_is_sent(world, monkeypatch):
    x = world.account("x")
    with receiving(monkeypatch) as (receiver, queue):
        register(world.client, world.owner, f"{receiver.url}/hook", ["post.scheduled"])
        at = (utcnow() + timedelta(days=3)).replace(microsecond=0)
        created = call(
            world.client,
            "POST",
            f"/v1/workspaces/{world.ws}/posts",
            {
                "text": "Later",
                "targets": [{"account_id": x}],
                "when": {"at": at.strftime("%Y-%m-%dT%H:%M:%S"), "timezone": "UTC"},
            },
            world.owner.headers,
        )
        assert created.status_code == 201, created.body
        [event] = _settled(queue, receiver, 1)
        assert event["type"] == "post.scheduled"
        assert event["data"]["post_id"] == created.json["id"]
        assert event["data"]["scheduled_at"].startswith(at.strftime("%Y-%m-%dT%H:%M"))


def test_an_unsubscribed_or_paused_endpoint_gets_nothing(world, monkeypatch):
    x = world.account("x")
    with receiving(monkeypatch) as (receiver, queue):
        register(world.client, world.owner, f"{receiver.url}/hook", ["post.failed"])
        post_id = world.schedule({x: "x"}, "Published, not failed")
        assert world.wait_for(post_id).status == "published"
        time.sleep(0.2)
        assert queue.take() == []
