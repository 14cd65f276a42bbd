"""Webhook deliveries counted by outcome (WebhookDeliveries, dimension `outcome`)."""

from __future__ import annotations

from tests.publishing.test_signals import emitted
from tests.support.http_server import Route
from tests.webhooks.test_delivery import _deliver_all, _endpoint, world  # noqa: F401


def test_each_attempt_is_counted_by_its_outcome(world, capfd):  # noqa: F811
    from chalicelib import webhooks

    _endpoint(world)
    world.receiver.routes["/hook"] = Route(500, b"down")
    webhooks.emit(world.ws, "post.published", {"post_id": "p_1", "status": "published"})
    capfd.readouterr()
    assert _deliver_all(world) == ["retrying"]
    world.receiver.routes["/hook"] = Route(200, b"{}")
    [(message, _delay)] = world.queue.sent
    world.clock.at(message["not_before"])
    assert _deliver_all(world) == ["succeeded"]
    counted = [(m["name"], m["outcome"]) for m in emitted(capfd.readouterr().out) if "outcome" in m]
    assert counted == [("WebhookDeliveries", "retry"), ("WebhookDeliveries", "delivered")]
