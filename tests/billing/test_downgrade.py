"""Cancelling at period end through Schedulo's API and what a lower plan does to the
accounts: by the local Stripe's clock, through its signed events. Nothing is deleted:
accounts past the new limit are paused (the most recently connected, unless the owner
chose), and the owner picks which stay active."""

from __future__ import annotations

from chalicelib.store import accounts as account_store
from chalicelib.store import posts as post_store
from tests.billing.test_billing_api import DAY, billing_of, checkout, deliver_all, kinds
from tests.support.clock import ahead, wall
from tests.support.factories import add_member, call, signup
from tests.support.mail import sent_messages
from tests.support.posting import an_account


def targets_of(workspace_id: str, post_id: str) -> tuple[str, dict[str, str]]:
    item = post_store.get(workspace_id, post_id)
    assert item is not None
    return item.status, {t.account_id: t.status for t in item.targets}


def statuses(workspace_id: str) -> dict[str, str]:
    return {a.account_id: a.status for a in account_store.list_accounts(workspace_id)}


def test_cancel_at_period_end_then_free_pauses_the_latest_accounts(client, stripe_app, receiver):
    owner = signup(client)
    ws = owner.workspace_id
    started = checkout(client, owner, "business")
    stripe_app.pay(started.json["url"], "4242424242424242")
    receiver.wait_for("customer.subscription.created", "invoice.paid")
    deliver_all(client, receiver)
    accounts = [an_account(ws, "mastodon") for _ in range(5)]
    when = {"at": wall(ahead(40)), "timezone": "UTC"}

    def scheduled(*targets: str) -> str:
        body = {"text": "Later", "targets": [{"account_id": a} for a in targets], "when": when}
        answer = call(client, "POST", f"/v1/workspaces/{ws}/posts", body, owner.headers)
        assert answer.status_code == 201, answer.body
        return answer.json["id"]

    only_paused = scheduled(accounts[4])  # the last connected: paused below
    mixed = scheduled(accounts[0], accounts[3])
    kept = scheduled(accounts[1])

    path = f"/v1/workspaces/{ws}/billing/cancel"
    editor = add_member(client, owner, "editor")
    assert (
        call(client, "POST", path, {"cancel_at_period_end": True}, editor.headers).status_code
        == 403
    )
    cancelled = call(client, "POST", path, {"cancel_at_period_end": True}, owner.headers)
    assert cancelled.status_code == 200, cancelled.body
    assert cancelled.json["cancel_at_period_end"] is True
    assert cancelled.json["plan"]["id"] == "business"  # until the period ends
    undone = call(client, "POST", path, {"cancel_at_period_end": False}, owner.headers)
    assert undone.json["cancel_at_period_end"] is False
    call(client, "POST", path, {"cancel_at_period_end": True}, owner.headers)
    assert all(s == "connected" for s in statuses(ws).values())

    seen = receiver.count()
    stripe_app.advance(14 * DAY + 60)  # the period (the trial) ends: cancelled
    receiver.wait_for("customer.subscription.deleted", after=seen)
    deliver_all(client, receiver, after=seen)
    state = billing_of(client, owner)
    assert (state["plan"]["id"], state["status"]) == ("free", "canceled")
    # Free allows 3: the two connected last are paused, nothing deleted.
    assert statuses(ws) == {
        **{a: "connected" for a in accounts[:3]},
        **{a: "paused" for a in accounts[3:]},
    }
    assert state["paused_accounts"] == sorted(accounts[3:])
    assert kinds(client, owner).count("billing.accounts_paused") == 1
    # The owner is told in the app and by e-mail: which accounts, their posts, the way out.
    told = [m for m in sent_messages(owner.email) if "paused" in m]
    assert len(told) == 1
    assert told[0].count("Test mastodon on Mastodon") == 5  # 2 paused, 3 active
    assert "2 scheduled posts for them are held" in told[0]
    assert "Choose the active accounts" in told[0] and "/settings/billing" in told[0]
    # Every post stays scheduled (its month's place kept); the paused accounts' targets
    # are held, the active ones' wait for their time.
    assert targets_of(ws, only_paused) == ("scheduled", {accounts[4]: "held"})
    assert targets_of(ws, mixed) == ("scheduled", {accounts[0]: "pending", accounts[3]: "held"})
    assert targets_of(ws, kept) == ("scheduled", {accounts[1]: "pending"})
    shown = call(client, "GET", f"/v1/workspaces/{ws}/posts/{mixed}", None, owner.headers)
    assert shown.status_code == 200, shown.body
    assert {t["account_id"]: t["status"] for t in shown.json["targets"]}[accounts[3]] == "held"
    # A paused account takes no new post.
    post = call(
        client,
        "POST",
        f"/v1/workspaces/{ws}/posts",
        {
            "text": "To a paused account",
            "targets": [{"account_id": accounts[4]}],
            "when": {"at": wall(ahead(3)), "timezone": "UTC"},
        },
        owner.headers,
    )
    assert post.status_code == 422 and "paused" in post.body.decode()

    # The owner chooses which stay active: the named ones first, then the earliest.
    chosen = f"/v1/workspaces/{ws}/billing/active-accounts"
    answer = call(client, "PUT", chosen, {"account_ids": [accounts[4], accounts[0]]}, owner.headers)
    assert answer.status_code == 200, answer.body
    assert answer.json == {"paused": [accounts[2]], "resumed": [accounts[4]]}
    assert statuses(ws) == {
        accounts[0]: "connected",
        accounts[1]: "connected",
        accounts[2]: "paused",
        accounts[3]: "paused",
        accounts[4]: "connected",
    }
    # Resumed: its held target waits for its time again (still ahead); accounts[2] had none.
    assert targets_of(ws, only_paused) == ("scheduled", {accounts[4]: "pending"})
    assert targets_of(ws, mixed) == ("scheduled", {accounts[0]: "pending", accounts[3]: "held"})
    too_many = call(client, "PUT", chosen, {"account_ids": accounts[:4]}, owner.headers)
    assert too_many.status_code == 422 and "account_ids" in too_many.body.decode()
    unknown = call(client, "PUT", chosen, {"account_ids": ["acc_nope"]}, owner.headers)
    assert unknown.status_code == 422 and "account_ids[0]" in unknown.body.decode()


def test_an_upgrade_resumes_paused_accounts(client, stripe_app, receiver):
    from chalicelib.billing.entitlements import fit_accounts

    owner = signup(client)
    ws = owner.workspace_id
    accounts = [an_account(ws, "mastodon") for _ in range(4)]
    assert fit_accounts(ws) == ([accounts[3]], [])  # on Free: 3 active
    started = checkout(client, owner, "pro")
    stripe_app.pay(started.json["url"], "4242424242424242")
    receiver.wait_for("customer.subscription.created")
    deliver_all(client, receiver)
    assert billing_of(client, owner)["plan"]["id"] == "pro"
    assert set(statuses(ws).values()) == {"connected"}


def test_the_hourly_sweep_settles_an_ended_trial_and_a_grace_that_ran_out(
    client, billing_on, monkeypatch
):
    import time

    from chalicelib.billing.service import sweep
    from chalicelib.settings import get_settings
    from chalicelib.store import billing as billing_store

    monkeypatch.setenv("SCHEDULO_TRIAL_DAYS", "14")
    get_settings.cache_clear()
    owner = signup(client)
    ws = owner.workspace_id
    accounts = [an_account(ws, "mastodon") for _ in range(5)]
    held = call(
        client,
        "POST",
        f"/v1/workspaces/{ws}/posts",
        {
            "text": "Later",
            "targets": [{"account_id": accounts[4]}],
            "when": {"at": wall(ahead(30)), "timezone": "UTC"},
        },
        owner.headers,
    )
    assert held.status_code == 201, held.body
    assert sweep() == {"trials": 0, "restricted": 0}  # still trialing: nothing to do
    assert set(statuses(ws).values()) == {"connected"}

    # The trial's end passes (moved to the past here, as the hour would).
    item = billing_store.subscription(ws)
    item.update([billing_store.SubscriptionItem.trial_end.set(int(time.time()) - 60)])
    billing_store.forget_recent()
    assert sweep() == {"trials": 1, "restricted": 0}
    assert [statuses(ws)[a] for a in accounts] == ["connected"] * 3 + ["paused"] * 2
    assert targets_of(ws, held.json["id"]) == ("scheduled", {accounts[4]: "held"})
    assert sweep() == {"trials": 0, "restricted": 0}  # once
    # An operator extends the trial: Pro again, the accounts resume.
    from chalicelib.billing.service import extend_trial

    extend_trial(ws, 7, "op_1")
    assert set(statuses(ws).values()) == {"connected"}
    assert targets_of(ws, held.json["id"]) == ("scheduled", {accounts[4]: "pending"})

    # A payment failed eight days ago and no Stripe event came since: restricted by the
    # clock, and the owners are told once.
    other = signup(client)
    eight_days_ago = int(time.time()) - 8 * 86400
    billing_store.apply_subscription(
        other.workspace_id, eight_days_ago, plan="pro", status="past_due", subscription_id="s_1"
    )
    assert sweep()["restricted"] == 1
    assert kinds(client, other).count("billing.restricted") == 1
    assert sweep()["restricted"] == 0
    assert kinds(client, other).count("billing.restricted") == 1
