"""The local Stripe (the sandbox at /stripe) through the official SDK: idempotency,
errors in Stripe's shape, objects with the fields of Stripe's own fixtures, checkout on
the hosted page, the portal page, trials, renewals and failed payments on the emulator's
clock, and events delivered signed, retried after a failed delivery."""

from __future__ import annotations

import time

import pytest
import requests
import stripe

from tests.billing.conftest import SECRET_KEY, LocalStripe
from tests.support.specs import load_json

DAY = 86400


def _checkout(local: LocalStripe, prices: dict, key: str = "schedulo_pro_monthly", **extra):
    return local.client.v1.checkout.sessions.create(
        params={
            "mode": "subscription",
            "line_items": [{"price": prices[key].id, "quantity": 1}],
            "success_url": "http://127.0.0.1:9/billing/done?session={CHECKOUT_SESSION_ID}",
            "cancel_url": "http://127.0.0.1:9/billing",
            "client_reference_id": "ws_123",
            **extra,
        }
    )


# -- API basics --------------------------------------------------------------------------


def test_the_same_idempotency_key_twice_creates_one_customer(local_stripe: LocalStripe):
    customers = local_stripe.client.v1.customers
    first = customers.create(
        params={"email": "owner@example.com", "metadata": {"workspace_id": "ws_1"}},
        options={"idempotency_key": "signup-ws_1"},
    )
    second = customers.create(
        params={"email": "owner@example.com", "metadata": {"workspace_id": "ws_1"}},
        options={"idempotency_key": "signup-ws_1"},
    )
    assert first.id == second.id
    assert second.last_response.headers.get("Idempotent-Replayed") == "true"
    listed = customers.list(params={"email": "owner@example.com"})
    assert [c.id for c in listed.data] == [first.id]
    with pytest.raises(stripe.IdempotencyError, match="same parameters"):
        customers.create(
            params={"email": "other@example.com"}, options={"idempotency_key": "signup-ws_1"}
        )


def test_errors_come_in_stripes_shape_and_status(local_stripe: LocalStripe):
    client = local_stripe.client
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.customers.retrieve("cus_nothere")
    assert missing.value.http_status == 404
    assert missing.value.code == "resource_missing" and missing.value.param == "id"
    assert missing.value.json_body["error"]["type"] == "invalid_request_error"
    assert "No such customer: 'cus_nothere'" in missing.value.json_body["error"]["message"]

    with pytest.raises(stripe.InvalidRequestError) as unknown:
        client.v1.customers.create(params={"emial": "typo@example.com"})
    assert (unknown.value.http_status, unknown.value.code, unknown.value.param) == (
        400,
        "parameter_unknown",
        "emial",
    )
    with pytest.raises(stripe.InvalidRequestError) as required:
        client.v1.prices.create(params={"unit_amount": 100, "product": "prod_x"})
    assert (required.value.code, required.value.param) == ("parameter_missing", "currency")

    with pytest.raises(stripe.InvalidRequestError) as immutable:  # prices are immutable
        client.v1.products.create(params={"id": "p1", "name": "P"})
        price = client.v1.prices.create(
            params={"product": "p1", "currency": "usd", "unit_amount": 100}
        )
        client.v1.prices.update(price.id, params={"unit_amount": 200})
    assert immutable.value.code == "parameter_unknown" and immutable.value.param == "unit_amount"

    no_key = requests.get(f"{local_stripe.base}/v1/customers", timeout=10)
    assert no_key.status_code == 401
    assert no_key.json()["error"]["type"] == "invalid_request_error"


def test_the_global_api_base_of_the_sdk_works_too(local_stripe: LocalStripe, monkeypatch):
    monkeypatch.setattr(stripe, "api_base", local_stripe.base)
    monkeypatch.setattr(stripe, "api_key", SECRET_KEY)
    customer = stripe.Customer.create(email="global@example.com")
    assert stripe.Customer.retrieve(customer.id).email == "global@example.com"


def test_prices_are_found_by_lookup_key_listed_and_searched(local_stripe, catalogue):
    prices = catalogue()
    client = local_stripe.client
    listed = client.v1.prices.list(
        params={
            "lookup_keys": ["schedulo_pro_monthly", "schedulo_pro_yearly"],
            "expand": ["data.product"],
        }
    )
    assert {p.lookup_key for p in listed.data} == {"schedulo_pro_monthly", "schedulo_pro_yearly"}
    assert all(p.product.id == "schedulo_pro" for p in listed.data)
    found = client.v1.prices.search(params={"query": "lookup_key:'schedulo_business_yearly'"})
    assert [p.id for p in found.data] == [prices["schedulo_business_yearly"].id]
    found = client.v1.products.search(params={"query": "metadata['schedulo_plan']:'enterprise'"})
    assert [p.id for p in found.data] == ["schedulo_enterprise"]
    with pytest.raises(stripe.InvalidRequestError) as taken:
        client.v1.prices.create(
            params={
                "product": "schedulo_pro",
                "currency": "usd",
                "unit_amount": 1,
                "recurring": {"interval": "month"},
                "lookup_key": "schedulo_pro_monthly",
            }
        )
    assert taken.value.param == "lookup_key"


def test_an_injected_fault_is_a_stripe_api_error(local_stripe: LocalStripe):
    local_stripe.sandbox.fault("stripe", "5xx")
    with pytest.raises(stripe.APIError) as failed:
        local_stripe.client.v1.customers.list()
    assert failed.value.http_status == 500
    assert local_stripe.client.v1.customers.list().data == []


# -- object shapes --------------------------------------------------------------------------


def test_objects_carry_the_fields_of_stripes_own_fixtures(local_stripe, catalogue, receiver):
    fixtures = load_json("stripe/fixtures3.json")["resources"]
    prices = catalogue()
    session = _checkout(local_stripe, prices)
    local_stripe.pay(session.url, "4242 4242 4242 4242")
    receiver.wait_for("invoice.paid", "checkout.session.completed")
    done = local_stripe.raw(f"/v1/checkout/sessions/{session.id}")
    subscription = local_stripe.raw(f"/v1/subscriptions/{done['subscription']}")
    invoice = local_stripe.raw(f"/v1/invoices/{subscription['latest_invoice']}")
    customer = local_stripe.raw(f"/v1/customers/{done['customer']}")
    method = local_stripe.raw(
        f"/v1/payment_methods/{customer['invoice_settings']['default_payment_method']}"
    )
    portal = local_stripe.client.v1.billing_portal.sessions.create(
        params={"customer": customer["id"], "return_url": "http://127.0.0.1:9/billing"}
    )
    endpoint = local_stripe.raw("/v1/webhook_endpoints")["data"][0]
    event = local_stripe.raw("/v1/events")["data"][0]
    ours = {
        "checkout.session": done,
        "subscription": subscription,
        "subscription_item": subscription["items"]["data"][0],
        "invoice": invoice,
        "line_item": invoice["lines"]["data"][0],
        "customer": customer,
        "payment_method": method,
        "product": local_stripe.raw("/v1/products/schedulo_pro"),
        "price": local_stripe.raw(f"/v1/prices/{prices['schedulo_pro_monthly'].id}"),
        "billing_portal.session": portal.to_dict(),
        "webhook_endpoint": endpoint,
        "event": event,
    }
    for kind, obj in ours.items():
        assert obj["object"] == kind
        assert set(obj) == set(fixtures[kind]), (
            kind,
            sorted(set(fixtures[kind]) - set(obj)),
            sorted(set(obj) - set(fixtures[kind])),
        )
    assert set(ours["price"]["recurring"]) == set(fixtures["price"]["recurring"])
    assert set(ours["subscription"]["items"]) - {"total_count"} == set(
        fixtures["subscription"]["items"]
    )
    assert set(ours["subscription_item"]["plan"]) <= set(fixtures["subscription_item"]["plan"]) | {
        "aggregate_usage"
    }
    assert set(ours["payment_method"]["card"]) == set(fixtures["payment_method"]["card"])
    assert set(ours["event"]["request"]) == set(fixtures["event"]["request"])


# -- checkout, events and the clock ------------------------------------------------------


def test_checkout_with_4242_activates_the_subscription_and_delivers_signed_events(
    local_stripe, catalogue, receiver
):
    prices = catalogue()
    session = _checkout(local_stripe, prices, customer_email="owner@example.com")
    assert session.status == "open" and session.url.startswith(local_stripe.base)
    paid = local_stripe.pay(session.url, "4242 4242 4242 4242")
    assert paid.status_code == 303
    assert paid.headers["Location"] == f"http://127.0.0.1:9/billing/done?session={session.id}"

    events = receiver.wait_for(
        "checkout.session.completed", "customer.subscription.created", "invoice.paid"
    )
    by_type = {e.type: e for e in events}
    completed = by_type["checkout.session.completed"].data.object
    assert completed.id == session.id and completed.client_reference_id == "ws_123"
    assert completed.payment_status == "paid" and completed.status == "complete"
    created = by_type["customer.subscription.created"].data.object
    assert created.status == "active" and created.id == completed.subscription
    assert created["items"].data[0].price.lookup_key == "schedulo_pro_monthly"
    invoice = by_type["invoice.paid"].data.object
    assert (invoice.amount_paid, invoice.subscription) == (1500, created.id)
    assert invoice.billing_reason == "subscription_create"
    assert by_type["invoice.created"].data.object.status == "open"  # as it was before payment

    subscription = local_stripe.client.v1.subscriptions.retrieve(
        completed.subscription, params={"expand": ["latest_invoice", "customer"]}
    )
    assert subscription.status == "active"
    assert subscription.customer.email == "owner@example.com"
    assert subscription.latest_invoice.status == "paid"
    item = subscription["items"].data[0]
    assert item.current_period_start == subscription.start_date
    assert 28 * DAY <= item.current_period_end - item.current_period_start <= 31 * DAY

    # A signature made with another secret, or a changed body, is refused by the SDK.
    raw = receiver.served.received[0]
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(raw.body, raw.headers["stripe-signature"], "whsec_other")
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(
            raw.body + b" ", raw.headers["stripe-signature"], receiver.secret
        )
    # The session is spent.
    assert "This checkout is complete." in requests.get(session.url, timeout=10).text
    again = requests.post(session.url, data={"cardnumber": "4242424242424242"}, timeout=10)
    assert again.status_code == 200 and "This checkout is complete." in again.text
    assert len(local_stripe.client.v1.subscriptions.list().data) == 1


def test_the_renewal_comes_with_the_clock(local_stripe, catalogue, receiver):
    prices = catalogue()
    session = _checkout(local_stripe, prices, "schedulo_business_yearly")
    local_stripe.pay(session.url, "4242424242424242")
    receiver.wait_for("invoice.paid")
    seen = receiver.count()
    subscription_id = local_stripe.client.v1.checkout.sessions.retrieve(session.id).subscription
    before = local_stripe.client.v1.subscriptions.retrieve(subscription_id)["items"].data[0]
    local_stripe.advance(366 * DAY)
    events = receiver.wait_for("invoice.paid", "customer.subscription.updated", after=seen)
    renewal = next(e for e in events if e.type == "invoice.paid").data.object
    assert renewal.billing_reason == "subscription_cycle" and renewal.amount_paid == 49000
    after = local_stripe.client.v1.subscriptions.retrieve(subscription_id)["items"].data[0]
    assert after.current_period_start == before.current_period_end


def test_a_trial_ends_on_the_clock_and_the_card_is_charged(local_stripe, catalogue, receiver):
    prices = catalogue()
    session = _checkout(
        local_stripe,
        prices,
        subscription_data={"trial_period_days": 14, "metadata": {"workspace_id": "ws_9"}},
    )
    local_stripe.pay(session.url, "4242 4242 4242 4242")
    events = receiver.wait_for("customer.subscription.created", "checkout.session.completed")
    created = next(e for e in events if e.type == "customer.subscription.created").data.object
    assert created.status == "trialing" and created.metadata["workspace_id"] == "ws_9"
    assert created.trial_end - created.trial_start == 14 * DAY
    completed = next(e for e in events if e.type == "checkout.session.completed").data.object
    assert completed.payment_status == "no_payment_required"
    trial_invoice = receiver.wait_for("invoice.paid")
    assert [e.data.object.amount_paid for e in trial_invoice if e.type == "invoice.paid"] == [0]
    seen = receiver.count()

    local_stripe.advance(13 * DAY)  # not yet
    assert local_stripe.client.v1.subscriptions.retrieve(created.id).status == "trialing"
    local_stripe.advance(DAY + 60)
    events = receiver.wait_for("customer.subscription.updated", "invoice.paid", after=seen)
    updated = next(e for e in events if e.type == "customer.subscription.updated")
    assert updated.data.object.status == "active"
    assert updated.data.previous_attributes["status"] == "trialing"
    paid = next(e for e in events if e.type == "invoice.paid").data.object
    assert paid.amount_paid == 1500


def test_the_0341_card_is_attached_but_fails_later(local_stripe, catalogue, receiver):
    prices = catalogue()
    # Charged at once, the card is declined on the page and nothing is created.
    session = _checkout(local_stripe, prices)
    declined = local_stripe.pay(session.url, "4000 0000 0000 0341")
    assert declined.status_code == 200 and "Your card was declined." in declined.text
    assert local_stripe.client.v1.checkout.sessions.retrieve(session.id).status == "open"
    assert local_stripe.client.v1.subscriptions.list().data == []

    # With a trial, it is attached; the charge at the trial's end fails.
    session = _checkout(local_stripe, prices, subscription_data={"trial_period_days": 7})
    assert local_stripe.pay(session.url, "4000000000000341").status_code == 303
    receiver.wait_for("checkout.session.completed")
    subscription_id = local_stripe.client.v1.checkout.sessions.retrieve(session.id).subscription
    seen = receiver.count()
    local_stripe.advance(7 * DAY + 60)
    events = receiver.wait_for(
        "invoice.payment_failed", "customer.subscription.updated", after=seen
    )
    failed = next(e for e in events if e.type == "invoice.payment_failed").data.object
    assert failed.status == "open" and failed.attempt_count == 1 and failed.amount_paid == 0
    assert failed.next_payment_attempt is not None
    assert local_stripe.client.v1.subscriptions.retrieve(subscription_id).status == "past_due"

    # Smart retries fail too; after the last one the subscription is cancelled.
    seen = receiver.count()
    local_stripe.advance(15 * DAY)
    events = receiver.wait_for("customer.subscription.deleted", after=seen)
    assert [e.type for e in events].count("invoice.payment_failed") == 4
    ended = local_stripe.client.v1.subscriptions.retrieve(subscription_id)
    assert ended.status == "canceled"
    assert ended.cancellation_details.reason == "payment_failed"


def test_the_portal_page_changes_the_plan_and_cancels(local_stripe, catalogue, receiver):
    prices = catalogue()
    session = _checkout(local_stripe, prices)
    local_stripe.pay(session.url, "4242 4242 4242 4242")
    receiver.wait_for("checkout.session.completed")
    done = local_stripe.client.v1.checkout.sessions.retrieve(session.id)
    portal = local_stripe.client.v1.billing_portal.sessions.create(
        params={"customer": done.customer, "return_url": "http://127.0.0.1:9/billing"}
    )
    page = requests.get(portal.url, timeout=10)
    assert page.status_code == 200 and "Schedulo Pro" in page.text
    assert "http://127.0.0.1:9/billing" in page.text

    seen = receiver.count()
    business = prices["schedulo_business_monthly"].id
    changed = requests.post(
        portal.url,
        data={"subscription": done.subscription, "action": "update", "price": business},
        timeout=10,
    )
    assert "Your plan was updated." in changed.text
    events = receiver.wait_for("customer.subscription.updated", "invoice.paid", after=seen)
    update = next(e for e in events if e.type == "customer.subscription.updated")
    assert update.data.object["items"].data[0].price.id == business
    # An upgrade in the portal is invoiced at once, prorated (Pro's unused time credited).
    prorated = next(e for e in events if e.type == "invoice.paid").data.object
    assert prorated.billing_reason == "subscription_update"
    assert [line.amount < 0 for line in prorated.lines.data] == [True, False]
    assert update.data.previous_attributes["items"]["data"][0]["price"]["lookup_key"] == (
        "schedulo_pro_monthly"
    )

    seen = receiver.count()
    cancelled = requests.post(
        portal.url, data={"subscription": done.subscription, "action": "cancel"}, timeout=10
    )
    assert "cancelled at the end of the period" in cancelled.text
    event = receiver.wait_for("customer.subscription.updated", after=seen)[-1]
    assert event.data.object.cancel_at_period_end is True
    assert event.data.previous_attributes["cancel_at_period_end"] is False
    assert local_stripe.client.v1.subscriptions.retrieve(done.subscription).status == "active"

    seen = receiver.count()
    local_stripe.advance(32 * DAY)
    deleted = receiver.wait_for("customer.subscription.deleted", after=seen)
    assert [e.type for e in deleted].count("invoice.paid") == 0  # no renewal once cancelled
    assert local_stripe.client.v1.subscriptions.retrieve(done.subscription).status == "canceled"


def test_cancel_now_through_the_api(local_stripe, catalogue, receiver):
    prices = catalogue()
    session = _checkout(local_stripe, prices)
    local_stripe.pay(session.url, "4242 4242 4242 4242")
    receiver.wait_for("checkout.session.completed")
    subscription_id = local_stripe.client.v1.checkout.sessions.retrieve(session.id).subscription
    cancelled = local_stripe.client.v1.subscriptions.cancel(subscription_id)
    assert cancelled.status == "canceled" and cancelled.ended_at is not None
    receiver.wait_for("customer.subscription.deleted")
    with pytest.raises(stripe.InvalidRequestError):
        local_stripe.client.v1.subscriptions.cancel(subscription_id)


def _delivery(local: LocalStripe, event_type: str, attempts: int) -> dict:
    """The emulator's record of `event_type`'s delivery once it made `attempts` attempts."""
    deadline = time.monotonic() + 15
    while True:
        found = [
            d
            for d in requests.get(f"{local.base}/_control/deliveries", timeout=10).json()
            if d["type"] == event_type
        ]
        if found and len(found[0]["attempts"]) >= attempts:
            return found[0]
        assert time.monotonic() < deadline, f"no attempt {attempts} of {event_type}: {found}"
        time.sleep(0.05)


def test_a_failed_delivery_is_retried_with_backoff_on_the_clock(local_stripe, receiver):
    receiver.set_status(500)
    customer = local_stripe.client.v1.customers.create(params={"email": "r@example.com"})
    first = _delivery(local_stripe, "customer.created", 1)
    assert first["attempts"][0]["status"] == 500 and not first["delivered"]
    assert first["next_attempt"] - first["attempts"][0]["at"] == 60

    local_stripe.advance(60)  # the first retry: after a minute, still refused
    second = _delivery(local_stripe, "customer.created", 2)
    assert [a["status"] for a in second["attempts"]] == [500, 500]
    assert second["next_attempt"] - second["attempts"][1]["at"] == 180  # backing off

    receiver.set_status(200)
    local_stripe.advance(180)
    third = _delivery(local_stripe, "customer.created", 3)
    assert [a["status"] for a in third["attempts"]] == [500, 500, 200]
    assert third["delivered"] and third["next_attempt"] is None
    events = receiver.events()  # every attempt signed and verified, the same event
    assert len(events) == 3 and {e.id for e in events} == {events[0].id}
    assert events[0].data.object.id == customer.id


def test_bad_input_is_a_4xx_in_stripes_shape_never_a_5xx(local_stripe: LocalStripe):
    headers = {"Authorization": f"Bearer {SECRET_KEY}"}
    base = local_stripe.base
    garbage = [
        {"limit": "abc"},
        {"limit": "1000"},
        {"line_items": "x"},
        {"line_items[0]": "x"},
        {"recurring[interval]": "fortnight", "currency": "usd", "unit_amount": "5"},
        {"items[0][price]": "price_nope"},
        {"metadata": "x"},
        {"a": "1", "a[b]": "2"},
        {"starting_after": "cus_nope"},
        {"query": "name~'x'"},
        {"mode": "payment", "success_url": "http://127.0.0.1:9/"},
        {"cancel_at_period_end": "maybe"},
    ]
    paths = [
        "customers",
        "products",
        "prices",
        "checkout/sessions",
        "subscriptions",
        "prices/search",
        "billing_portal/sessions",
        "webhook_endpoints",
        "nothing/here",
    ]
    for path in paths:
        for method in ("GET", "POST", "DELETE"):
            for params in garbage:
                answer = requests.request(
                    method,
                    f"{base}/v1/{path}",
                    headers=headers,
                    params=None if method == "POST" else params,
                    data=params if method == "POST" else None,
                    timeout=10,
                )
                assert 400 <= answer.status_code < 500, (method, path, params, answer.text)
                error = answer.json()["error"]
                assert error["type"] == "invalid_request_error" and error["message"]
