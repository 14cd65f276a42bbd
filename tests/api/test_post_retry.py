"""POST .../posts/{id}/retry: who may retry what, and what the API answers."""

from __future__ import annotations

import time

import pytest

from chalicelib.store import posts as store
from chalicelib.store.base import iso, utcnow
from tests.support.factories import add_member, call, signup


def _post(ws: str, statuses: list[str], status: str = "partially_published") -> str:
    stamp = iso(utcnow())
    item = store.PostItem(
        ws,
        f"p_{len(statuses)}_{status}",
        version=4,
        status=status,
        text="hello",
        scheduled_at=stamp,
        targets=[
            store.TargetAttribute(
                target_id=f"t_{i}", account_id=f"a_{i}", network="x", status=s, attempts=5
            )
            for i, s in enumerate(statuses)
        ],
        created_at=stamp,
        updated_at=stamp,
    )
    store.create(item)
    return item.post_id


@pytest.fixture
def invoked():
    from chalicelib import scheduling

    calls: list[dict] = []
    scheduling.use_local_invoker(lambda arn, payload: calls.append(payload))
    yield calls
    scheduling.use_local_invoker(None)


def test_retry_sends_the_failed_and_unconfirmed_targets_again(client, invoked):
    owner = signup(client)
    post_id = _post(owner.workspace_id, ["published", "failed", "unconfirmed"])
    path = f"/v1/workspaces/{owner.workspace_id}/posts/{post_id}/retry"
    answer = call(client, "POST", path, {}, owner.headers)
    assert answer.status_code == 200, answer.json
    assert answer.json["status"] == "publishing"
    assert [t["status"] for t in answer.json["targets"]] == ["published", "pending", "pending"]
    assert answer.json["version"] == 5
    item = store.get(owner.workspace_id, post_id)
    assert [t.attempts for t in item.targets] == [5, 0, 0]
    assert item.sweep_shard is not None  # the sweeper follows it while it is on its way
    for _ in range(50):
        if invoked:
            break
        time.sleep(0.05)
    assert invoked == [{"workspace_id": owner.workspace_id, "post_id": post_id, "version": 5}]


def test_retry_of_one_account_leaves_the_others(client, invoked):
    owner = signup(client)
    post_id = _post(owner.workspace_id, ["failed", "failed"], status="failed")
    path = f"/v1/workspaces/{owner.workspace_id}/posts/{post_id}/retry"
    answer = call(client, "POST", path, {"account_ids": ["a_1"]}, owner.headers)
    assert [t["status"] for t in answer.json["targets"]] == ["failed", "pending"]


def test_retry_refuses_what_cannot_be_retried(client, invoked):
    owner = signup(client)
    viewer = add_member(client, owner, "viewer")
    ws = owner.workspace_id
    done = _post(ws, ["published"], status="published")
    failed = _post(ws, ["failed"], status="failed")
    base = f"/v1/workspaces/{ws}/posts"
    nothing = call(client, "POST", f"{base}/{done}/retry", {}, owner.headers)
    assert nothing.status_code == 409
    assert "no failed or unconfirmed target" in nothing.json["error"]["message"]
    assert call(client, "POST", f"{base}/p_missing/retry", {}, owner.headers).status_code == 404
    assert call(client, "POST", f"{base}/{failed}/retry", {}, viewer.headers).status_code == 403
    bad = call(client, "POST", f"{base}/{failed}/retry", {"accounts": ["a_0"]}, owner.headers)
    assert bad.status_code == 422
    assert invoked == []
