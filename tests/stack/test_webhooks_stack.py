"""Outgoing webhooks end to end in the local stack (`make dev` as a process): the API,
the publisher, the delivery queue in the embedded AWS, the local SQS poller running the
`webhook_deliverer` Lambda, and a receiver on loopback."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
import requests

from tests.support.browser import sign_up_via_api
from tests.support.http_server import Route, serve
from tests.support.webhooks import verify

pytestmark = [pytest.mark.stack]


def _until(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_a_published_post_and_a_test_event_reach_the_receiver_signed(stack):
    user, _ = sign_up_via_api(stack.url)
    headers = {"Authorization": f"Bearer {user.access_token}"}
    base = f"{stack.url}/v1/workspaces/{user.workspace_id}"
    with serve({"/hook": Route(200, b"thanks")}) as receiver:
        created = requests.post(
            f"{base}/webhooks",
            json={"url": f"{receiver.url}/hook", "events": ["post.published", "account.connected"]},
            headers=headers,
            timeout=10,
        )
        assert created.status_code == 201, created.text
        hook = created.json()
        connected = requests.post(
            f"{base}/accounts/connect",
            json={
                "network": "bluesky",
                "handle": "hooks.bsky.social",
                "app_password": "abcd-efgh-ijkl-mnop",
            },
            headers=headers,
            timeout=10,
        )
        assert connected.status_code == 201, connected.text
        account_id = connected.json()["account"]["id"]
        post = requests.post(
            f"{base}/posts",
            json={
                "text": "Webhooks, end to end",
                "targets": [{"account_id": account_id}],
                "when": {"now": True},
            },
            headers=headers,
            timeout=10,
        )
        assert post.status_code == 201, post.text
        _until(lambda: len(receiver.received) >= 2)
        types = [json.loads(r.body)["type"] for r in receiver.received]
        assert sorted(types) == ["account.connected", "post.published"]
        for received in receiver.received:
            assert verify(hook["secret"], received.headers, received.body, datetime.now(UTC))

        tested = requests.post(f"{base}/webhooks/{hook['id']}/test", headers=headers, timeout=10)
        assert tested.status_code == 202
        _until(lambda: len(receiver.received) >= 3)

        def succeeded():
            answer = requests.get(
                f"{base}/webhooks/{hook['id']}/deliveries", headers=headers, timeout=10
            )
            items = answer.json()["items"]
            return (
                items if all(d["state"] == "succeeded" for d in items) and len(items) == 3 else None
            )

        log = _until(succeeded)
        assert {d["event_type"] for d in log} <= {
            "post.published",
            "account.connected",
            "webhook.test",
        }
        assert all(d["response_excerpt"] == "thanks" for d in log)
