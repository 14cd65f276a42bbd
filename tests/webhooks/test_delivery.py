"""Delivering webhooks: signatures checked by an implementation of the Standard Webhooks
specification written here from its text, retries with backoff for 24 hours, 410 and
three days of failures disabling the endpoint, redelivery. The receiver is a real HTTP
server on loopback; the queue's messages are taken as the consumer would get them, and
the clock is injected so a day of retries takes no time."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.factories import call, signup
from tests.support.http_server import Route, serve
from tests.support.webhooks import verify


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def at(self, epoch: float) -> None:
        self.now = datetime.fromtimestamp(epoch, UTC)


class Queue:
    """What the consumer is sent: the messages put on the delivery queue, with delays."""

    def __init__(self) -> None:
        self.sent: list[tuple[dict, float]] = []

    def send(self, messages, delay_seconds=0):
        self.sent.extend((json.loads(json.dumps(m)), delay_seconds) for m in messages)

    def take(self) -> list[tuple[dict, float]]:
        taken, self.sent = self.sent, []
        return taken


@pytest.fixture
def world(client, monkeypatch):
    """A workspace owner, a loopback receiver at /hook, the queue captured, a clock."""
    from chalicelib.settings import get_settings
    from chalicelib.webhooks import queue as queue_module

    monkeypatch.setenv("SCHEDULO_ALLOW_LOOPBACK_FETCH", "1")
    get_settings.cache_clear()
    captured = Queue()
    monkeypatch.setattr(queue_module, "send", captured.send)
    with serve({"/hook": Route(200, b'{"ok": true}')}) as receiver:
        owner = signup(client)

        class World:
            pass

        w = World()
        w.client, w.owner, w.receiver, w.queue, w.clock = client, owner, receiver, captured, Clock()
        w.ws = owner.workspace_id
        yield w
    get_settings.cache_clear()


def _endpoint(w, events=("post.published",), path="/hook"):
    answer = call(
        w.client,
        "POST",
        f"/v1/workspaces/{w.ws}/webhooks",
        {"url": f"{w.receiver.url}{path}", "events": list(events)},
        w.owner.headers,
    )
    assert answer.status_code == 201, answer.body
    return answer.json


def _deliver_all(w):
    from chalicelib.webhooks.delivery import deliver

    return [deliver(m, w.clock) for m, _ in w.queue.take()]


def _hook(w, hook_id):
    return call(
        w.client, "GET", f"/v1/workspaces/{w.ws}/webhooks/{hook_id}", headers=w.owner.headers
    ).json


def _log(w, hook_id):
    path = f"/v1/workspaces/{w.ws}/webhooks/{hook_id}/deliveries"
    return call(w.client, "GET", path, headers=w.owner.headers).json["items"]


def test_an_event_arrives_signed_as_the_standard_webhooks_spec_says(world):
    from chalicelib import webhooks

    hook = _endpoint(world)
    assert webhooks.emit(world.ws, "post.published", {"post_id": "p_1", "status": "published"}) == 1
    assert webhooks.emit(world.ws, "post.failed", {"post_id": "p_1", "status": "failed"}) == 0
    assert _deliver_all(world) == ["succeeded"]
    [received] = world.receiver.received
    assert verify(hook["secret"], received.headers, received.body, world.clock.now)
    assert not verify(hook["secret"], received.headers, received.body + b" ", world.clock.now)
    assert not verify(
        hook["secret"], received.headers, received.body, world.clock.now + timedelta(minutes=6)
    )
    body = json.loads(received.body)
    assert body["type"] == "post.published" and body["schema_version"] == "2026-12-01"
    assert body["data"]["post_id"] == "p_1" and body["workspace_id"] == world.ws
    assert datetime.fromisoformat(body["timestamp"])  # ISO-8601
    assert received.headers["webhook-id"].startswith("msg_")
    [logged] = _log(world, hook["id"])
    assert (logged["state"], logged["attempts"], logged["status_code"]) == ("succeeded", 1, 200)
    assert logged["response_excerpt"] == '{"ok": true}'
    assert logged["latency_ms"] >= 0


def test_after_a_rotation_both_secrets_sign_for_a_day_then_only_the_new_one(world):
    from chalicelib.webhooks.service import send_test

    hook = _endpoint(world)
    path = f"/v1/workspaces/{world.ws}/webhooks/{hook['id']}/rotate-secret"
    new = call(world.client, "POST", path, headers=world.owner.headers).json["secret"]
    send_test(world.ws, hook["id"])
    _deliver_all(world)
    first = world.receiver.received[-1]
    assert len(first.headers["webhook-signature"].split(" ")) == 2
    assert verify(hook["secret"], first.headers, first.body, world.clock.now)
    assert verify(new, first.headers, first.body, world.clock.now)

    world.clock.now += timedelta(hours=24, minutes=1)
    send_test(world.ws, hook["id"])
    _deliver_all(world)
    later = world.receiver.received[-1]
    assert len(later.headers["webhook-signature"].split(" ")) == 1
    assert verify(new, later.headers, later.body, world.clock.now)
    assert not verify(hook["secret"], later.headers, later.body, world.clock.now)


def test_failures_are_retried_with_exponential_backoff_and_jitter_for_24_hours(world):
    from chalicelib.webhooks.delivery import deliver

    world.receiver.routes["/hook"] = Route(503, b"down for maintenance " * 100)
    hook = _endpoint(world, events=["webhook.test"])
    call(
        world.client,
        "POST",
        f"/v1/workspaces/{world.ws}/webhooks/{hook['id']}/test",
        headers=world.owner.headers,
    )
    started = world.clock.now
    waits, outcomes = [], []
    while True:
        [(message, delay)] = world.queue.take()
        if message.get("not_before"):
            wait = message["not_before"] - world.clock.now.timestamp()
            waits.append(wait)
            assert delay == pytest.approx(wait, abs=1)  # the first hop waits the whole delay
            # A wait over 15 minutes takes several hops of SQS's longest delay.
            hops = 0
            while message["not_before"] > world.clock.now.timestamp() + 1:
                world.clock.now += timedelta(seconds=min(delay, 900))
                if message["not_before"] <= world.clock.now.timestamp() + 1:
                    break
                assert deliver(message, world.clock) == "waiting"
                [(message, delay)] = world.queue.take()  # SQS delays it min(delay, 900) s
                hops += 1
            assert hops == max(0, -(-int(wait) // 900) - 1) or wait > 7200
            world.clock.at(message["not_before"])
        outcome = deliver(message, world.clock)
        outcomes.append(outcome)
        if outcome != "retrying":
            break
    assert outcomes[-1] == "failed"
    assert set(outcomes[:-1]) == {"retrying"}
    # Exponential: 10 s doubling (with up to half again of jitter), capped at 2 hours.
    for n, wait in enumerate(waits, start=1):
        base = min(10 * 2 ** (n - 1), 7200)
        assert base - 1 <= wait <= base * 1.5 + 1, (n, wait)
    assert len(set(round(w / min(10 * 2**n, 7200), 3) for n, w in enumerate(waits))) > 1  # jitter
    assert world.clock.now - started <= timedelta(hours=24)
    assert world.clock.now - started > timedelta(hours=20)
    # Every attempt carried the same webhook-id; the log says what happened.
    ids = {r.headers["webhook-id"] for r in world.receiver.received}
    assert len(ids) == 1 and len(world.receiver.received) == len(outcomes)
    [logged] = _log(world, hook["id"])
    assert logged["state"] == "failed" and logged["attempts"] == len(outcomes)
    assert "Gave up" in logged["error"] and logged["status_code"] == 503
    assert len(logged["response_excerpt"].encode()) <= 1024
    assert _hook(world, hook["id"])["active"]  # a day of failures is not three


def test_a_410_disables_the_endpoint_and_tells_the_owners(world):
    from chalicelib import webhooks

    world.receiver.routes["/hook"] = Route(410, b"gone")
    hook = _endpoint(world)
    webhooks.emit(world.ws, "post.published", {"post_id": "p_1", "status": "published"})
    assert _deliver_all(world) == ["disabled"]
    assert world.queue.take() == []  # no retry
    shown = _hook(world, hook["id"])
    assert shown["active"] is False and "410" in shown["disabled_reason"]
    notes = call(
        world.client, "GET", f"/v1/workspaces/{world.ws}/notifications", headers=world.owner.headers
    )
    assert any(n["kind"] == "webhook.disabled" for n in notes.json["items"])
    assert webhooks.emit(world.ws, "post.published", {"post_id": "p_2", "status": "published"}) == 0
    # Turned on again, it receives events again.
    call(
        world.client,
        "PATCH",
        f"/v1/workspaces/{world.ws}/webhooks/{hook['id']}",
        {"active": True},
        world.owner.headers,
    )
    world.receiver.routes["/hook"] = Route(204)
    assert webhooks.emit(world.ws, "post.published", {"post_id": "p_3", "status": "published"}) == 1
    assert _deliver_all(world) == ["succeeded"]
    assert _hook(world, hook["id"])["disabled_reason"] is None


def test_an_endpoint_failing_for_three_days_is_disabled(world):
    from chalicelib.webhooks.service import send_test

    world.receiver.routes["/hook"] = Route(500)
    hook = _endpoint(world)
    for day in range(4):
        send_test(world.ws, hook["id"])
        outcomes = _deliver_all(world)
        world.queue.take()  # the retries are not followed here
        if day < 3:
            assert outcomes == ["retrying"], day
            assert _hook(world, hook["id"])["active"]
        world.clock.now += timedelta(days=1)
    assert outcomes == ["disabled"]
    shown = _hook(world, hook["id"])
    assert shown["active"] is False and "3 days" in shown["disabled_reason"]
    notes = call(
        world.client, "GET", f"/v1/workspaces/{world.ws}/notifications", headers=world.owner.headers
    )
    assert [n["kind"] for n in notes.json["items"]].count("webhook.disabled") == 1


def test_a_success_ends_the_failure_streak(world):
    from chalicelib.webhooks.service import send_test

    world.receiver.routes["/hook"] = Route(500)
    hook = _endpoint(world)
    send_test(world.ws, hook["id"])
    _deliver_all(world)
    world.queue.take()
    assert _hook(world, hook["id"])["failing_since"]
    world.receiver.routes["/hook"] = Route(200)
    world.clock.now += timedelta(days=2)
    send_test(world.ws, hook["id"])
    assert _deliver_all(world) == ["succeeded"]
    world.clock.now += timedelta(days=2)
    world.receiver.routes["/hook"] = Route(500)
    send_test(world.ws, hook["id"])
    assert _deliver_all(world) == ["retrying"]  # a new streak, not day four of the old one
    assert _hook(world, hook["id"])["active"]


def test_a_duplicate_message_is_sent_once(world):
    from chalicelib.webhooks.delivery import deliver
    from chalicelib.webhooks.service import send_test

    hook = _endpoint(world)
    send_test(world.ws, hook["id"])
    [(message, _)] = world.queue.take()
    assert deliver(message, world.clock) == "succeeded"
    assert deliver(message, world.clock) == "duplicate"
    assert len(world.receiver.received) == 1


def test_paused_endpoints_get_nothing_and_failed_deliveries_can_be_redelivered(world):
    from chalicelib import webhooks

    hook = _endpoint(world)
    path = f"/v1/workspaces/{world.ws}/webhooks/{hook['id']}"
    webhooks.emit(world.ws, "post.published", {"post_id": "p_1", "status": "published"})
    call(world.client, "PATCH", path, {"active": False}, world.owner.headers)
    assert _deliver_all(world) == ["discarded"]  # queued before the pause
    assert world.receiver.received == []
    [logged] = _log(world, hook["id"])
    assert logged["state"] == "failed" and "paused" in logged["error"]

    call(world.client, "PATCH", path, {"active": True}, world.owner.headers)
    again = call(world.client, "POST", f"{path}/redeliver-failed", headers=world.owner.headers)
    assert again.status_code == 202 and again.json["delivery_ids"] == [logged["id"]]
    assert _deliver_all(world) == ["succeeded"]
    [received] = world.receiver.received
    assert received.headers["webhook-id"] == logged["message_id"]
    assert received.body.decode() == logged["payload"]
    one = call(
        world.client,
        "POST",
        f"{path}/deliveries/{logged['id']}/redeliver",
        headers=world.owner.headers,
    )
    assert one.status_code == 202
    assert _deliver_all(world) == ["succeeded"]
    assert len(world.receiver.received) == 2


def test_a_delivery_to_a_host_that_turned_private_is_refused_each_time(world, monkeypatch):
    """The URL's host is checked on every delivery, not only when it was registered."""
    from chalicelib.settings import get_settings
    from chalicelib.webhooks.service import send_test

    hook = _endpoint(world)
    monkeypatch.setenv("SCHEDULO_ALLOW_LOOPBACK_FETCH", "0")
    get_settings.cache_clear()
    send_test(world.ws, hook["id"])
    assert _deliver_all(world) == ["retrying"]
    assert world.receiver.received == []
    [logged] = _log(world, hook["id"])
    assert "private or reserved" in logged["error"] and logged["status_code"] is None


def test_redirects_are_not_followed(world):
    from chalicelib.webhooks.service import send_test

    world.receiver.routes["/hook"] = Route(307, b"", {"Location": "http://169.254.169.254/"})
    hook = _endpoint(world)
    send_test(world.ws, hook["id"])
    assert _deliver_all(world) == ["retrying"]
    assert [r.path for r in world.receiver.received] == ["/hook"]
    [logged] = _log(world, hook["id"])
    assert "redirects are not followed" in logged["error"]


def test_an_attempt_lost_between_sending_and_recording_is_made_again(world, monkeypatch):
    """A consumer that dies after the claim (a Lambda timeout, an outage of ours) leaves
    the message unacknowledged: SQS brings it back, and once the attempt's lease is over
    it is made again rather than taken for a duplicate and lost."""
    from chalicelib.store import webhooks as store
    from chalicelib.webhooks.delivery import deliver
    from chalicelib.webhooks.service import send_test

    hook = _endpoint(world)
    send_test(world.ws, hook["id"])
    [(message, _)] = world.queue.take()
    record = store.record_attempt

    def crash(*args, **kwargs):
        raise RuntimeError("the Lambda died here")

    monkeypatch.setattr(store, "record_attempt", crash)
    with pytest.raises(RuntimeError):
        deliver(message, world.clock)
    monkeypatch.setattr(store, "record_attempt", record)
    assert deliver(message, world.clock) == "held"  # back on the queue for the lease's end
    [(back, delay)] = world.queue.take()
    assert back == message
    world.clock.now += timedelta(seconds=delay)
    assert deliver(message, world.clock) == "succeeded"
    assert deliver(message, world.clock) == "duplicate"
    assert len(world.receiver.received) == 2
    assert len({r.headers["webhook-id"] for r in world.receiver.received}) == 1
    [logged] = _log(world, hook["id"])
    assert (logged["state"], logged["attempts"]) == ("succeeded", 1)


def test_an_attempt_abandoned_after_its_claim_is_delivered_once_its_lease_is_over(world):
    """The consumer died after claiming the attempt (a Lambda timing out mid-send): SQS
    brings the message back while the claim is still held, and it must neither be sent
    again at once (one attempt in flight) nor be refused until SQS gives up on it (the
    dead-letter queue): it is put back on the queue for when the lease ends, then sent."""
    from chalicelib.webhooks.delivery import deliver
    from chalicelib.webhooks.service import send_test

    hook = _endpoint(world)
    send_test(world.ws, hook["id"])
    [(message, _)] = world.queue.take()

    def dies(*args, **kwargs):
        raise RuntimeError("the Lambda timed out here")

    with pytest.raises(RuntimeError):
        deliver(message, world.clock, send=dies)
    assert deliver(message, world.clock) == "held"  # acknowledged: its copy comes back
    assert world.receiver.received == []
    [(back, delay)] = world.queue.take()
    assert back["delivery_id"] == message["delivery_id"] and back["attempt"] == 1
    assert 60 <= delay <= 61  # the lease (4 x the 15 s delivery timeout), and a second

    world.clock.now += timedelta(seconds=delay - 1)
    assert deliver(back, world.clock) == "held"  # not yet: still one attempt in flight
    [(back, delay)] = world.queue.take()
    assert world.receiver.received == []
    world.clock.now += timedelta(seconds=delay + 1)
    assert deliver(back, world.clock) == "succeeded"
    assert deliver(message, world.clock) == "duplicate"
    [received] = world.receiver.received
    [logged] = _log(world, hook["id"])
    assert received.headers["webhook-id"] == logged["message_id"]
    assert (logged["state"], logged["attempts"]) == ("succeeded", 1)


@pytest.mark.parametrize("seen", ["timeout", "ConditionalCheckFailedException"])
def test_a_claim_written_whose_answer_was_lost_is_recognised_as_ours(world, monkeypatch, seen):
    """DynamoDB applied the claim but its answer never arrived (a read timeout; or the
    SDK's retry of it found the condition failed): the consumer reads its own claim back
    and sends, rather than taking the attempt for another consumer's."""
    from botocore.exceptions import ClientError
    from pynamodb.exceptions import UpdateError

    from chalicelib.store.webhooks import DeliveryItem
    from chalicelib.webhooks.delivery import deliver
    from chalicelib.webhooks.service import send_test

    hook = _endpoint(world)
    send_test(world.ws, hook["id"])
    [(message, _)] = world.queue.take()
    update = DeliveryItem.update
    lost = []

    def answer_lost(self, *args, **kwargs):
        result = update(self, *args, **kwargs)
        if not lost:
            lost.append(True)
            if seen == "timeout":
                raise UpdateError("Read timeout on endpoint URL")
            error = {"Error": {"Code": seen, "Message": "The conditional request failed"}}
            raise UpdateError("Failed to update item", cause=ClientError(error, "UpdateItem"))
        return result

    monkeypatch.setattr(DeliveryItem, "update", answer_lost)
    assert deliver(message, world.clock) == "succeeded"
    assert len(world.receiver.received) == 1
    [logged] = _log(world, hook["id"])
    assert (logged["state"], logged["attempts"]) == ("succeeded", 1)


def test_consumers_that_read_the_endpoint_before_it_was_turned_off_tell_the_owners_once(
    world, monkeypatch
):
    """Each container trusts an endpoint it read for a few seconds: two of them may both
    see it active and both get a 410. Only the one whose write turned it off notifies."""
    from chalicelib import webhooks
    from chalicelib.store import webhooks as store
    from chalicelib.webhooks import service

    world.receiver.routes["/hook"] = Route(410, b"gone")
    hook = _endpoint(world)
    webhooks.emit(world.ws, "post.published", {"post_id": "p_1", "status": "published"})
    webhooks.emit(world.ws, "post.published", {"post_id": "p_2", "status": "published"})
    # Two containers, each with its own copy read while the endpoint was active.
    copies = [store.get_webhook(world.ws, hook["id"]) for _ in range(2)]
    monkeypatch.setattr(service, "endpoint_for_delivery", lambda ws, webhook_id: copies.pop())
    assert _deliver_all(world) == ["disabled", "disabled"]
    assert len(world.receiver.received) == 2
    notes = call(
        world.client, "GET", f"/v1/workspaces/{world.ws}/notifications", headers=world.owner.headers
    )
    assert [n["kind"] for n in notes.json["items"]].count("webhook.disabled") == 1
    assert _hook(world, hook["id"])["active"] is False


def test_a_busy_endpoint_is_read_once_for_many_attempts_and_a_pause_is_seen_at_once(
    world, monkeypatch
):
    from chalicelib import webhooks
    from chalicelib.store import webhooks as store

    hook = _endpoint(world)
    reads = []
    get_webhook = store.get_webhook

    def counted(*args):
        reads.append(args)
        return get_webhook(*args)

    monkeypatch.setattr(store, "get_webhook", counted)
    for i in range(5):
        webhooks.emit(world.ws, "post.published", {"post_id": f"p_{i}", "status": "published"})
    assert _deliver_all(world) == ["succeeded"] * 5
    assert len(reads) == 1
    path = f"/v1/workspaces/{world.ws}/webhooks/{hook['id']}"
    webhooks.emit(world.ws, "post.published", {"post_id": "p_5", "status": "published"})
    call(world.client, "PATCH", path, {"active": False}, world.owner.headers)
    assert _deliver_all(world) == ["discarded"]
    assert len(world.receiver.received) == 5
