"""Changing plan on a subscription, through Schedulo's API and through the portal, against
the local Stripe: a higher plan at once (the rest of the period invoiced prorated), a
lower one at the end of the period (shown as pending, undoable), and the accounts past
the lower plan's limit paused only when it takes effect."""

from __future__ import annotations

import requests

from chalicelib.store import accounts as account_store
from tests.billing.test_billing_api import DAY, billing_of, checkout, deliver_all, kinds
from tests.support.factories import add_member, call, signup
from tests.support.posting import an_account


def change(client, owner, plan: str, interval: str = "month"):
    return call(
        client,
        "PUT",
        f"/v1/workspaces/{owner.workspace_id}/billing/plan",
        {"plan": plan, "interval": interval},
        owner.headers,
    )


def active_pro(client, stripe_app, receiver, owner) -> str:
    """A Pro subscription past its trial (active, a month's period); its id."""
    started = checkout(client, owner, "pro")
    stripe_app.pay(started.json["url"], "4242424242424242")
    receiver.wait_for("customer.subscription.created")
    seen = receiver.count()
    stripe_app.advance(14 * DAY + 60)
    receiver.wait_for("customer.subscription.updated", "invoice.paid", after=seen)
    deliver_all(client, receiver)
    state = billing_of(client, owner)
    assert (state["plan"]["id"], state["status"]) == ("pro", "active")
    sub_id = stripe_app.client.v1.subscriptions.list(
        params={"customer": _customer(stripe_app, owner)}
    ).data[0]
    return sub_id.id


def pro_price_id(stripe_app) -> str:
    prices = stripe_app.client.v1.prices.list(params={"active": True, "limit": 100}).data
    return next(p.id for p in prices if p.lookup_key == "schedulo_pro_monthly")


def _customer(stripe_app, owner) -> str:
    customers = stripe_app.client.v1.customers.list(params={"limit": 100}).data
    return next(
        c.id for c in customers if c.metadata.to_dict().get("workspace_id") == owner.workspace_id
    )


def test_upgrade_at_once_prorated_downgrade_at_period_end_undoable(client, stripe_app, receiver):
    owner = signup(client)
    ws = owner.workspace_id
    sub_id = active_pro(client, stripe_app, receiver, owner)
    editor = add_member(client, owner, "editor")
    assert change(client, editor, "business").status_code == 403
    assert change(client, owner, "pro", "week").status_code == 422

    # Up: Business at once; Stripe invoices the rest of the month, prorated, and charges it.
    seen = receiver.count()
    stripe_app.advance(10 * DAY)  # a third of the way into the period
    up = change(client, owner, "business")
    assert up.status_code == 200, up.body
    assert up.json["plan"]["id"] == "business" and up.json["pending_change"] is None
    limits = {m["meter"]: m["limit"] for m in up.json["meters"]}
    assert limits["connected_accounts"] == 25
    events = receiver.wait_for("customer.subscription.updated", "invoice.paid", after=seen)
    invoice = next(e for e in events if e.type == "invoice.paid").data.object
    assert invoice.billing_reason == "subscription_update" and invoice.status == "paid"
    lines = invoice.lines.data
    assert [line.parent.subscription_item_details.proration for line in lines] == [True, True]
    assert lines[0].amount < 0 < lines[1].amount  # unused Pro credited, remaining Business charged
    full = stripe_app.client.v1.prices.retrieve(lines[1].pricing.price_details.price).unit_amount
    assert 0 < invoice.amount_due < full  # about two thirds of the difference
    deliver_all(client, receiver, after=seen)  # the events change nothing more
    assert billing_of(client, owner)["plan"]["id"] == "business"

    # Twelve accounts: Business allows 25, Pro 10.
    accounts = [an_account(ws, "mastodon") for _ in range(12)]

    # Down: Pro from the period's end; Business holds until then, nothing is paused.
    seen = receiver.count()
    down = change(client, owner, "pro")
    assert down.status_code == 200, down.body
    period_end = down.json["current_period_end"]
    assert down.json["plan"]["id"] == "business"
    assert down.json["pending_change"] == {
        "plan": "pro",
        "name": "Pro",
        "interval": "month",
        "effective_at": period_end,
    }
    receiver.wait_for("customer.subscription.updated", after=seen)
    assert "invoice.paid" not in [e.type for e in receiver.events()[seen:]]  # not prorated
    deliver_all(client, receiver, after=seen)
    assert billing_of(client, owner)["pending_change"]["plan"] == "pro"
    assert billing_of(client, owner)["plan"]["id"] == "business"
    assert {a.status for a in account_store.list_accounts(ws)} == {"connected"}

    # Undo: the plan in force named again; Stripe's price is Business again.
    undone = change(client, owner, "business")
    assert undone.status_code == 200, undone.body
    assert undone.json["pending_change"] is None and undone.json["plan"]["id"] == "business"
    subscription = stripe_app.client.v1.subscriptions.retrieve(sub_id)
    assert subscription["items"].data[0].price.lookup_key == "schedulo_business_monthly"

    # Down again, and the period ends: Pro is in force; the 2 accounts past its 10 pause.
    assert change(client, owner, "pro").json["pending_change"]["plan"] == "pro"
    seen = receiver.count()
    stripe_app.advance(21 * DAY)
    receiver.wait_for("customer.subscription.updated", "invoice.paid", after=seen)
    renewal = next(e for e in receiver.events()[seen:] if e.type == "invoice.paid").data.object
    assert renewal.amount_paid == renewal.lines.data[0].amount  # Pro's full month
    assert renewal.lines.data[0].pricing.price_details.price == pro_price_id(stripe_app)
    deliver_all(client, receiver, after=seen)
    state = billing_of(client, owner)
    assert (state["plan"]["id"], state["pending_change"]) == ("pro", None)
    assert len(state["paused_accounts"]) == 2 and set(state["paused_accounts"]) < set(accounts)
    assert kinds(client, owner).count("billing.accounts_paused") == 1

    # Free is reached by cancelling, not by a plan change; nothing to change without one.
    assert change(client, owner, "free").status_code == 422
    other = signup(client)
    refused = change(client, other, "business")
    assert refused.status_code == 409 and "plan" in refused.body.decode()


def test_a_downgrade_in_the_portal_also_waits_for_the_period_end(client, stripe_app, receiver):
    owner = signup(client)
    sub_id = active_pro(client, stripe_app, receiver, owner)
    assert change(client, owner, "business").status_code == 200
    portal = call(
        client, "POST", f"/v1/workspaces/{owner.workspace_id}/billing/portal", None, owner.headers
    )
    pro = pro_price_id(stripe_app)
    seen = receiver.count()
    page = requests.post(
        portal.json["url"],
        data={"subscription": sub_id, "action": "update", "price": pro},
        timeout=10,
    )
    assert "Your plan was updated." in page.text
    receiver.wait_for("customer.subscription.updated", after=seen)
    deliver_all(client, receiver, after=seen)
    state = billing_of(client, owner)
    assert state["plan"]["id"] == "business"
    assert state["pending_change"]["plan"] == "pro"
    assert state["pending_change"]["effective_at"] == state["current_period_end"]
