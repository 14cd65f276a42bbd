"""Outgoing webhooks in tests: an endpoint on a loopback receiver, the delivery queue's
messages captured (so a test delivers them itself, with the clock it wants), and a
Standard Webhooks verifier written from the specification's text."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tests.support.factories import SignedUp, call
from tests.support.http_server import Route, Served, serve


def verify(secret: str, headers: dict[str, str], body: bytes, now: datetime) -> bool:
    """https://www.standardwebhooks.com: the key is the base64 after `whsec_`; the signed
    content is `msg_id.timestamp.payload`; the header holds space-delimited `v1,<base64>`
    signatures, any of which may match; the timestamp must be within 5 minutes."""
    key = base64.b64decode(secret.split("_", 1)[1])
    msg_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    if abs(now.timestamp() - int(timestamp)) > 300:
        return False
    to_sign = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, to_sign, hashlib.sha256).digest()).decode()
    for versioned in headers["webhook-signature"].split(" "):
        version, _, signature = versioned.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return True
    return False


@dataclass
class CapturedQueue:
    """What the consumer would be sent: the messages put on the delivery queue."""

    sent: list[tuple[dict[str, Any], float]] = field(default_factory=list)

    def send(self, messages: list[dict[str, Any]], delay_seconds: float = 0) -> None:
        self.sent.extend((json.loads(json.dumps(m)), delay_seconds) for m in messages)

    def take(self) -> list[tuple[dict[str, Any], float]]:
        taken, self.sent = self.sent, []
        return taken

    def deliver_all(self, now: Any = None) -> list[str]:
        from chalicelib.store.base import utcnow
        from chalicelib.webhooks.delivery import deliver

        return [deliver(m, now or utcnow) for m, _ in self.take()]


@contextmanager
def receiving(monkeypatch: Any) -> Iterator[tuple[Served, CapturedQueue]]:
    """A receiver at <url>/hook answering 200, loopback allowed, the queue captured."""
    from chalicelib.settings import get_settings
    from chalicelib.webhooks import queue

    monkeypatch.setenv("SCHEDULO_ALLOW_LOOPBACK_FETCH", "1")
    get_settings.cache_clear()
    captured = CapturedQueue()
    monkeypatch.setattr(queue, "send", captured.send)
    with serve({"/hook": Route(200, b"ok")}) as receiver:
        yield receiver, captured


def register(client: Any, user: SignedUp, url: str, events: list[str]) -> dict[str, Any]:
    answer = call(
        client,
        "POST",
        f"/v1/workspaces/{user.workspace_id}/webhooks",
        {"url": url, "events": events},
        user.headers,
    )
    assert answer.status_code == 201, answer.body
    return answer.json


def bodies(receiver: Served) -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in receiver.received]
