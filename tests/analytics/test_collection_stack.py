"""Collection in the local stack (`make dev` as a process): a post published through the
API gets its refreshes planned, and the local-only "collect now" route
(`tests/support/analytics.py::collect_now`) runs them at once against the sandbox."""

from __future__ import annotations

import time

import pytest
import requests

from tests.support.analytics import collect_now
from tests.support.browser import sign_up_via_api

pytestmark = [pytest.mark.stack]


def test_collect_now_takes_one_snapshot_per_published_target_in_the_stack(stack):
    user, _ = sign_up_via_api(stack.url)
    headers = {"Authorization": f"Bearer {user.access_token}"}
    base = f"{stack.url}/v1/workspaces/{user.workspace_id}"
    connected = requests.post(
        f"{base}/accounts/connect",
        json={
            "network": "bluesky",
            "handle": "metrics.bsky.social",
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
            "text": "Counted later",
            "targets": [{"account_id": account_id}],
            "when": {"now": True},
        },
        headers=headers,
        timeout=10,
    )
    assert post.status_code == 201, post.text
    deadline = time.monotonic() + 30
    status = None
    while time.monotonic() < deadline and status != "published":
        time.sleep(0.2)
        status = requests.get(
            f"{base}/posts/{post.json()['id']}", headers=headers, timeout=10
        ).json()["status"]
    assert status == "published"

    first = collect_now(stack, user.workspace_id)
    assert (first["refreshes"]["refreshes"], first["refreshes"]["snapshots"]) == (1, 1)
    second = collect_now(stack, user.workspace_id)
    assert second["refreshes"]["snapshots"] == 1  # the next refresh, forced
    other, _ = sign_up_via_api(stack.url)
    assert collect_now(stack, other.workspace_id)["refreshes"]["refreshes"] == 0
    refused = requests.post(f"{stack.url}/_local/analytics/collect", json={}, timeout=10)
    assert refused.status_code == 422 and "workspace_id" in refused.text
