"""Posts for accounts a lower plan pauses are held, not failed: through the real scheduler
loop, the real publisher and the sandbox networks. The post's active accounts get it at
its time; the paused ones' targets wait (`held`) and go out when the account is resumed
(at once when their time passed less than LATE_WINDOW before, else they fail with the
reason and can be retried)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from chalicelib import scheduling
from chalicelib.settings import get_settings
from chalicelib.store import posts as post_store
from chalicelib.store.base import utcnow
from tests.billing.test_billing_api import kinds
from tests.support.factories import call
from tests.support.publishing import PublishingWorld
from tests.support.sandbox import running_sandbox


@pytest.fixture
def world(client, aws, monkeypatch):
    monkeypatch.setenv("SCHEDULO_RETRY_BASE_SECONDS", "1")
    monkeypatch.setenv("SCHEDULO_PUBLISH_LEASE_SECONDS", "2")
    with running_sandbox() as sandbox, PublishingWorld(client, sandbox) as running:
        yield running


def subscription_becomes(ws: str, plan: str, status: str) -> None:
    """What the billing worker does with a verified Stripe event for the subscription:
    Stripe's state applied, then what it means for the accounts (service.settle)."""
    from chalicelib.billing.service import settle
    from chalicelib.store import billing as billing_store

    stamp = int(time.time()) + len(_stamps)
    _stamps.append(stamp)
    billing_store.apply_subscription(
        ws, stamp, plan=plan, status=status, subscription_id="sub_held"
    )
    settle(ws)


_stamps: list[int] = []


def targets(item) -> dict[str, str]:
    return {t.network: t.status for t in item.targets}


def test_a_paused_accounts_targets_are_held_then_go_out_when_it_is_resumed(
    world, client, monkeypatch
):
    from chalicelib.billing.entitlements import HELD_REASON
    from chalicelib.store import accounts as account_store

    x, linkedin, threads = world.account("x"), world.account("linkedin"), world.account("threads")
    bluesky = world.bluesky_account()
    monkeypatch.setenv("SCHEDULO_STRIPE_SECRET_KEY", "sk_test_schedulo_tests")
    monkeypatch.setenv("SCHEDULO_TRIAL_DAYS", "0")
    get_settings.cache_clear()
    ws, owner = world.ws, world.owner
    assert owner is not None
    subscription_becomes(ws, "pro", "active")
    # On Pro the owner names who stays active if the plan ever allows fewer.
    kept = call(
        client,
        "PUT",
        f"/v1/workspaces/{ws}/billing/active-accounts",
        {"account_ids": [x, linkedin, threads]},
        owner.headers,
    )
    assert kept.json == {"paused": [], "resumed": []}, kept.body

    # Due in a moment; armed once the downgrade is applied, so a slow machine cannot
    # publish them before it.
    soon = utcnow() + timedelta(seconds=2)
    mixed = world.schedule({x: "x", bluesky: "bluesky"}, "To both", at=soon, arm=False)
    only = world.schedule({bluesky: "bluesky"}, "Only to Bluesky", at=soon, arm=False)
    later = world.schedule({bluesky: "bluesky"}, "Next hour", at=utcnow() + timedelta(hours=1))
    # Due two hours ago and never sent (its schedule was lost): too late once resumed.
    stale = world.schedule(
        {bluesky: "bluesky"}, "Long ago", at=utcnow() - timedelta(hours=2), arm=False
    )

    subscription_becomes(ws, "pro", "canceled")  # down to Free: 3 accounts
    assert account_store.get(ws, bluesky).status == "paused"
    for post_id in (mixed, only, later, stale):
        assert world.post(post_id).status == "scheduled"
    assert targets(world.post(mixed)) == {"x": "pending", "bluesky": "held"}
    for post_id in (mixed, only):
        when = datetime.fromisoformat(world.post(post_id).scheduled_at)
        scheduling.arm(ws, post_id, 1, when)  # as the posts service armed them
        assert post_store.mark_armed(ws, post_id, 1)

    # At its time the post goes out to X only; Bluesky's target is held, not failed.
    item = world.wait_for(mixed)
    assert item.status == "partially_published"
    assert targets(item) == {"x": "published", "bluesky": "held"}
    assert item.target(item.targets[1].target_id).error == HELD_REASON
    # The post only for Bluesky: its schedule fired and the publisher left it as it was.
    world.wait_for(only, lambda _: any(p.get("post_id") == only for p in world.invocations))
    time.sleep(0.5)
    assert world.post(only).status == "scheduled"
    assert targets(world.post(only)) == {"bluesky": "held"}
    assert len(world.sandbox.posts("x")) == 1
    assert world.sandbox.posts("bluesky") == []
    assert kinds(client, owner).count("billing.accounts_paused") == 1
    assert "post.failed" not in kinds(client, owner)

    subscription_becomes(ws, "pro", "active")  # an upgrade: Bluesky is resumed
    assert account_store.get(ws, bluesky).status == "connected"
    # Their time passed minutes ago: they go out now.
    item = world.wait_for(mixed, lambda i: i.status == "published")
    assert targets(item) == {"x": "published", "bluesky": "published"}
    item = world.wait_for(only, lambda i: i.status == "published")
    assert targets(item) == {"bluesky": "published"}
    assert sorted(p["text"] for p in world.sandbox.posts("bluesky")) == [
        "Only to Bluesky",
        "To both",
    ]
    assert len(world.sandbox.posts("x")) == 1  # X's was not sent again
    # The next hour's waits for its time; the one due two hours ago is not sent unasked.
    assert (world.post(later).status, targets(world.post(later))) == (
        "scheduled",
        {"bluesky": "pending"},
    )
    missed = world.post(stale)
    assert (missed.status, targets(missed)) == ("failed", {"bluesky": "failed"})
    assert "Retry to send it now" in missed.targets[0].error
    retried = call(client, "POST", f"/v1/workspaces/{ws}/posts/{stale}/retry", {}, owner.headers)
    assert retried.status_code in (200, 202), retried.body
    world.wait_for(stale, lambda i: i.status == "published")
    assert len(world.sandbox.posts("bluesky")) == 3
