"""A post still waiting for approval at its time is never published (issue 21): the real
scheduler emulator fires its expiry schedule at the due second, the post becomes
`expired`, the sandbox network receives nothing, and the approved twin of it, due the
same second, is published."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime

import pytest

from tests.support.factories import call

pytestmark = pytest.mark.xdist_group("publish_waits")


def due_in(seconds: int) -> datetime:
    return datetime.fromtimestamp(math.ceil(time.time() + seconds), UTC)


def test_a_pending_post_expires_at_its_second_and_nothing_is_published(world):
    x = world.account("x")
    ws, owner = world.ws, world.owner
    policy = {
        "mode": "steps",
        "required_below": None,  # everyone's posts, the owner's too
        "steps": [{"roles": ["owner", "admin"]}],
        "allow_self_approval": True,
    }
    path = f"/v1/workspaces/{ws}/approval-policy"
    assert call(world.client, "PUT", path, policy, owner.headers).status_code == 200
    at = due_in(6)
    posts = {}
    for name in ("left waiting", "approved in time"):
        body = {
            "text": f"Due at once, {name}",
            "targets": [{"account_id": x}],
            "when": {"at": at.strftime("%Y-%m-%dT%H:%M:%S"), "timezone": "UTC"},
        }
        answer = call(world.client, "POST", f"/v1/workspaces/{ws}/posts", body, owner.headers)
        assert answer.status_code == 201 and answer.json["status"] == "pending_approval"
        posts[name] = answer.json["id"]
    approve = f"/v1/workspaces/{ws}/posts/{posts['approved in time']}/approve"
    assert call(world.client, "POST", approve, {}, owner.headers).status_code == 200

    expired = world.wait_for(posts["left waiting"], lambda item: item.status != "pending_approval")
    assert expired.status == "expired"
    assert datetime.fromisoformat(expired.updated_at) >= at  # not a second early
    assert world.wait_for(posts["approved in time"]).status == "published"
    texts = [p["text"] for p in world.sandbox.posts("x")]
    assert texts == ["Due at once, approved in time"]
    expiry = [p for p in world.invocations if p.get("action") == "expire"]
    assert [p["post_id"] for p in expiry] == [posts["left waiting"]]
