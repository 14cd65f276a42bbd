"""Checkout, the portal and Stripe's webhook through the API, against the local Stripe
with the official SDK: the events the emulator delivers (signed) are handed to
POST /v1/webhooks/stripe exactly as received. Forged, too old, replayed and out-of-order
events change nothing."""

from __future__ import annotations

import json
import time

import requests

from chalicelib.settings import get_settings
from chalicelib.store import posts as post_store
from local.sandbox.stripe_engine import signature_header
from tests.billing.conftest import Receiver
from tests.support.clock import ahead, wall
from tests.support.factories import call, signup
from tests.support.posting import an_account

APP_PASSWORD = "abcd-efgh-ijkl-mnop"
DAY = 86400


def deliver(client, received) -> requests.Response:
    """One delivery the local Stripe made, handed to the app as Stripe would send it;
    answered once the event it acknowledged has been applied (by the billing worker)."""
    answer = client.http.request(
        "POST",
        "/v1/webhooks/stripe",
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": received.headers["stripe-signature"],
        },
        body=received.body,
    )
    if answer.status_code == 200 and json.loads(answer.body)["outcome"] == "accepted":
        applied(json.loads(received.body)["id"])
    return answer


def applied(event_id: str, timeout: float = 15) -> str:
    """The outcome the billing worker recorded for an accepted event, once it has."""
    from chalicelib.store import billing as billing_store

    deadline = time.monotonic() + timeout
    while True:
        item = billing_store.event(event_id)
        if item is not None and item.state == "done":
            return item.outcome
        assert time.monotonic() < deadline, f"event {event_id} not applied"
        time.sleep(0.02)


def outcome_of(received, answer) -> str:
    """What became of a delivery: applied, stale or ignored (accepted, then applied), or
    what the webhook said (duplicate, ignored)."""
    said = json.loads(answer.body)["outcome"]
    return applied(json.loads(received.body)["id"]) if said == "accepted" else said


def deliver_all(client, receiver: Receiver, after: int = 0) -> list[dict]:
    outcomes = []
    for received in list(receiver.served.received)[after:]:
        answer = deliver(client, received)
        assert answer.status_code == 200, answer.body
        outcomes.append({"outcome": outcome_of(received, answer)})
    return outcomes


def billing_of(client, owner) -> dict:
    got = call(client, "GET", f"/v1/workspaces/{owner.workspace_id}/billing", None, owner.headers)
    assert got.status_code == 200, got.body
    return got.json


def connect_bluesky(client, owner, handle: str):
    return call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/accounts/connect",
        {"network": "bluesky", "handle": f"{handle}.bsky.social", "app_password": APP_PASSWORD},
        owner.headers,
    )


def checkout(client, owner, plan: str = "pro"):
    return call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/billing/checkout",
        {"plan": plan},
        owner.headers,
    )


def test_checkout_then_the_webhook_lifts_the_limit(client, stripe_app, receiver):
    owner = signup(client)
    for i in range(3):
        assert connect_bluesky(client, owner, f"free{i}").status_code == 201
    assert connect_bluesky(client, owner, "free3").status_code == 402
    before = billing_of(client, owner)
    assert before["plan"]["id"] == "free" and before["can_manage"] is True

    started = checkout(client, owner)
    assert started.status_code == 200, started.body
    paid = stripe_app.pay(started.json["url"], "4242 4242 4242 4242")
    assert paid.status_code in (302, 303)
    assert paid.headers["Location"].endswith("/billing?checkout=success")
    receiver.wait_for("checkout.session.completed", "customer.subscription.created", "invoice.paid")
    outcomes = deliver_all(client, receiver)
    assert {"applied"} <= {o["outcome"] for o in outcomes}

    after = billing_of(client, owner)
    # Pro's 14-day trial, the card kept for when it ends.
    assert (after["plan"]["id"], after["status"]) == ("pro", "trialing")
    assert after["trial_days_left"] == 14
    assert after["current_period_end"] and after["has_customer"] is True
    assert {m["meter"]: m["limit"] for m in after["meters"]}["connected_accounts"] == 10
    assert connect_bluesky(client, owner, "free3").status_code == 201

    # One customer per workspace: a second checkout is refused (the portal changes plans)
    # and no second customer was created.
    assert checkout(client, owner, "business").status_code == 409
    customers = stripe_app.client.v1.customers.list(params={"limit": 100}).data
    assert (
        len(
            [c for c in customers if c.metadata.to_dict().get("workspace_id") == owner.workspace_id]
        )
        == 1
    )
    portal = call(
        client, "POST", f"/v1/workspaces/{owner.workspace_id}/billing/portal", None, owner.headers
    )
    assert portal.status_code == 200 and "/billing_portal/" in portal.json["url"]

    # The invoices, from Stripe: the trial's (nothing due) so far.
    listed = call(
        client, "GET", f"/v1/workspaces/{owner.workspace_id}/billing/invoices", None, owner.headers
    )
    assert listed.status_code == 200, listed.body
    [invoice] = listed.json["items"]
    assert (invoice["status"], invoice["amount_due"], invoice["currency"]) == ("paid", 0, "usd")
    assert invoice["hosted_invoice_url"] and invoice["number"]
    assert requests.get(invoice["hosted_invoice_url"], timeout=10).status_code == 200

    # Replayed deliveries change nothing.
    replayed = deliver_all(client, receiver)
    assert {o["outcome"] for o in replayed} <= {"duplicate", "ignored"}
    assert billing_of(client, owner)["plan"]["id"] == "pro"


def test_a_cancelled_subscription_is_free_again_and_older_events_do_not_undo_it(
    client, stripe_app, receiver
):
    owner = signup(client)
    started = checkout(client, owner, "business")
    stripe_app.pay(started.json["url"], "4242424242424242")
    events = receiver.wait_for("customer.subscription.created", "invoice.paid")
    created_event = next(e for e in events if e.type == "customer.subscription.created")
    held_back = [
        r for r in list(receiver.served.received) if json.loads(r.body)["id"] == created_event.id
    ]
    for received in list(receiver.served.received):
        if received not in held_back:
            assert deliver(client, received).status_code == 200
    assert billing_of(client, owner)["plan"]["id"] == "business"

    seen = receiver.count()
    stripe_app.advance(60)  # the cancellation's event is newer than the creation's
    stripe_app.client.v1.subscriptions.cancel(created_event.data.object.id)
    receiver.wait_for("customer.subscription.deleted", after=seen)
    deliver_all(client, receiver, after=seen)
    cancelled = billing_of(client, owner)
    assert (cancelled["plan"]["id"], cancelled["status"]) == ("free", "canceled")

    # The creation event arrives last (Stripe does not keep order): it is older, so stale.
    [late] = held_back
    answer = deliver(client, late)
    assert answer.status_code == 200 and outcome_of(late, answer) == "stale"
    assert billing_of(client, owner)["plan"]["id"] == "free"


def schedule(client, owner, account: str):
    body = {
        "text": "Scheduled",
        "targets": [{"account_id": account}],
        "when": {"at": wall(ahead(40)), "timezone": "UTC"},
    }
    return call(client, "POST", f"/v1/workspaces/{owner.workspace_id}/posts", body, owner.headers)


def test_a_card_failing_at_the_trial_end_has_7_days_grace_then_restricts_then_free(
    client, stripe_app, receiver
):
    owner = signup(client)
    account = an_account(owner.workspace_id, "mastodon")
    started = checkout(client, owner)
    assert stripe_app.pay(started.json["url"], "4000 0000 0000 0341").status_code == 303
    receiver.wait_for("checkout.session.completed", "customer.subscription.created")
    deliver_all(client, receiver)
    assert billing_of(client, owner)["status"] == "trialing"

    seen = receiver.count()
    stripe_app.advance(14 * DAY + 60)  # the trial ends; the charge fails
    receiver.wait_for("invoice.payment_failed", "customer.subscription.updated", after=seen)
    deliver_all(client, receiver, after=seen)
    state = billing_of(client, owner)
    # Stripe retries the card: the plan holds meanwhile, and the owners are told once.
    assert (state["plan"]["id"], state["status"]) == ("pro", "past_due")
    assert kinds(client, owner).count("billing.payment_failed") == 1
    deliver_all(client, receiver, after=seen)  # replayed: not told again
    assert kinds(client, owner).count("billing.payment_failed") == 1
    assert state["restricted"] is False and state["grace_end"]
    listed = call(
        client, "GET", f"/v1/workspaces/{owner.workspace_id}/billing/invoices", None, owner.headers
    ).json["items"]
    assert [(i["status"], i["amount_due"], i["amount_paid"]) for i in listed] == [
        ("open", 1500, 0),  # the first period's, unpaid: newest first
        ("paid", 0, 0),  # the trial's
    ]
    assert schedule(client, owner, account).status_code == 201

    # Three days on, Stripe's retry fails too: still within the grace.
    seen = receiver.count()
    stripe_app.advance(3 * DAY)
    receiver.wait_for("invoice.payment_failed", after=seen)
    deliver_all(client, receiver, after=seen)
    assert billing_of(client, owner)["restricted"] is False
    assert schedule(client, owner, account).status_code == 201

    # Seven days after the first failure: restricted. Nothing new is scheduled (what is
    # scheduled stays), and the owners are told once.
    seen = receiver.count()
    stripe_app.advance(4 * DAY)
    receiver.wait_for("invoice.payment_failed", after=seen)
    deliver_all(client, receiver, after=seen)
    state = billing_of(client, owner)
    assert (state["status"], state["restricted"]) == ("past_due", True)
    refused = schedule(client, owner, account)
    assert refused.status_code == 402 and refused.json["error"]["code"] == "payment_required"
    draft = call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/posts",
        {"text": "A draft", "targets": [{"account_id": account}]},
        owner.headers,
    )
    assert draft.status_code == 201  # drafts are not scheduling
    assert len(post_store.list_scheduled(owner.workspace_id, ahead(39), ahead(41)).items) == 2
    assert kinds(client, owner).count("billing.restricted") == 1
    deliver_all(client, receiver, after=seen)
    assert kinds(client, owner).count("billing.restricted") == 1

    seen = receiver.count()
    stripe_app.advance(8 * DAY)  # the last retry, two weeks on, fails: Stripe cancels
    receiver.wait_for("customer.subscription.deleted", after=seen)
    deliver_all(client, receiver, after=seen)
    state = billing_of(client, owner)
    assert (state["plan"]["id"], state["status"], state["restricted"]) == (
        "free",
        "canceled",
        False,
    )
    assert schedule(client, owner, account).status_code == 201


def kinds(client, owner) -> list[str]:
    got = call(
        client, "GET", f"/v1/workspaces/{owner.workspace_id}/notifications", None, owner.headers
    )
    assert got.status_code == 200, got.body
    return [n["kind"] for n in got.json["items"]]


def test_owners_hear_that_the_trial_ends_soon(client, stripe_app, receiver):
    owner = signup(client)
    started = checkout(client, owner)
    stripe_app.pay(started.json["url"], "4242424242424242")
    receiver.wait_for("customer.subscription.created")
    deliver_all(client, receiver)
    subscription_id = (
        stripe_app.client.v1.checkout.sessions.list(params={"limit": 1}).data[0].subscription
    )
    # Stripe sends it three days before the end; the local Stripe does not: signed here
    # with the endpoint's secret, shaped as Stripe's.
    event = {
        "id": "evt_trial_will_end_1",
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": stripe_app.now(),
        "type": "customer.subscription.trial_will_end",
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": stripe_app.raw(f"/v1/subscriptions/{subscription_id}")},
    }
    payload, signature = signed(receiver.secret, event)
    answer = post_event(client, payload, signature)
    assert answer.status_code == 200 and json.loads(answer.body)["outcome"] == "accepted"
    assert applied(event["id"]) == "applied"
    assert kinds(client, owner).count("billing.trial_will_end") == 1


def signed(secret: str, body: dict, at: int | None = None) -> tuple[bytes, str]:
    payload = json.dumps(body)
    return payload.encode(), signature_header(secret, payload, at or int(time.time()))


def post_event(client, payload: bytes, signature: str | None):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return client.http.request("POST", "/v1/webhooks/stripe", headers=headers, body=payload)


def test_forged_stale_and_unsigned_events_are_refused(client, stripe_app, receiver):
    owner = signup(client)
    started = checkout(client, owner)
    stripe_app.pay(started.json["url"], "4242424242424242")
    receiver.wait_for("customer.subscription.created")
    genuine = next(
        r
        for r in receiver.served.received
        if json.loads(r.body)["type"] == "customer.subscription.created"
    )
    body = json.loads(genuine.body)

    # Forged: a body signed with another secret, or a genuine signature over another body.
    forged, signature = signed("whsec_not_the_secret", body)
    assert post_event(client, forged, signature).status_code == 400
    tampered = json.dumps({**body, "id": "evt_forged"}).encode()
    assert post_event(client, tampered, genuine.headers["stripe-signature"]).status_code == 400
    # Signed with the secret, but 10 minutes old (tolerance: 5 minutes).
    old, signature = signed(receiver.secret, body, int(time.time()) - 600)
    assert post_event(client, old, signature).status_code == 400
    missing = post_event(client, genuine.body, None)
    assert missing.status_code == 400
    assert "Stripe-Signature" in missing.body.decode()
    assert billing_of(client, owner)["plan"]["id"] == "free"

    # The genuine one applies once.
    first = deliver(client, genuine)
    assert outcome_of(genuine, first) == "applied"
    assert json.loads(deliver(client, genuine).body)["outcome"] == "duplicate"


def test_only_owners_manage_billing_others_see_the_plan(client, stripe_app):
    from chalicelib.store import billing as billing_store
    from tests.support.factories import add_member

    owner = signup(client)
    billing_store.apply_subscription(
        owner.workspace_id, 1, plan="business", status="active", subscription_id="sub_x"
    )
    editor = add_member(client, owner, "editor")
    seen = billing_of(client, editor)
    assert seen["plan"]["id"] == "business" and seen["can_manage"] is False
    refused = call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/billing/checkout",
        {"plan": "pro"},
        editor.headers,
    )
    assert refused.status_code == 403
    bad = checkout(client, owner, "free")
    assert bad.status_code in (400, 422) and "plan" in bad.body.decode()


def test_a_sign_up_tries_pro_for_14_days_without_a_card_then_is_on_free(
    client, stripe_app, receiver, monkeypatch
):
    from chalicelib.store import billing as billing_store

    monkeypatch.setenv("SCHEDULO_TRIAL_DAYS", "14")
    get_settings.cache_clear()
    owner = signup(client)
    trial = billing_of(client, owner)
    assert (trial["plan"]["id"], trial["status"], trial["trial_days_left"]) == (
        "pro",
        "trialing",
        14,
    )
    assert trial["has_customer"] is False  # no Stripe call at sign-up
    limits = {m["meter"]: m["limit"] for m in trial["meters"]}
    assert limits["connected_accounts"] == 10

    # Checkout during the trial carries what is left of it, not a new one.
    started = checkout(client, owner)
    page = requests.get(started.json["url"], timeout=10).text
    assert "14 days free" in page and "Start trial" in page

    # Once it ends (moved to the past here): Free, and it says so.
    item = billing_store.subscription(owner.workspace_id)
    item.update([billing_store.SubscriptionItem.trial_end.set(int(time.time()) - 60)])
    billing_store.forget_recent()  # what the time itself would do within 30 s
    ended = billing_of(client, owner)
    assert (ended["plan"]["id"], ended["status"]) == ("free", "trial_ended")
    for i in range(3):
        assert connect_bluesky(client, owner, f"after{i}").status_code == 201
    assert connect_bluesky(client, owner, "after3").status_code == 402


def test_the_webhook_acknowledges_then_applies_and_a_lost_application_is_revived(
    client, stripe_app, receiver
):
    from chalicelib import scheduling
    from chalicelib.billing.service import run_event
    from chalicelib.store import billing as billing_store

    owner = signup(client)
    started = checkout(client, owner, "business")
    stripe_app.pay(started.json["url"], "4242424242424242")
    receiver.wait_for("customer.subscription.created")
    created = next(
        r
        for r in list(receiver.served.received)
        if json.loads(r.body)["type"] == "customer.subscription.created"
    )
    event_id = json.loads(created.body)["id"]

    # The worker is lost: the event is recorded and acknowledged, nothing applied yet.
    dispatched: list = []
    scheduling.use_local_invoker(lambda arn, payload: dispatched.append(payload))
    answer = post_event(client, created.body, created.headers["stripe-signature"])
    assert answer.status_code == 200 and json.loads(answer.body)["outcome"] == "accepted"
    assert billing_store.event(event_id).state == "pending"
    assert billing_of(client, owner)["plan"]["id"] == "free"
    # A replay soon after is a duplicate, not dispatched again.
    time.sleep(0.1)
    assert len(dispatched) == 1
    again = post_event(client, created.body, created.headers["stripe-signature"])
    assert json.loads(again.body)["outcome"] == "duplicate" and len(dispatched) == 1

    # Stripe's retry after a while hands it to a worker again; two workers at once
    # apply it once.
    item = billing_store.event(event_id)
    item.update([billing_store.EventItem.received_at.set(int(time.time()) - 120)])
    post_event(client, created.body, created.headers["stripe-signature"])
    assert len(dispatched) == 2 and {d["event_id"] for d in dispatched} == {event_id}
    outcomes = [run_event(dispatched[0]), run_event(dispatched[1])]
    assert outcomes == ["applied", None]
    assert billing_store.event(event_id).state == "done"
    assert billing_of(client, owner)["plan"]["id"] == "business"
