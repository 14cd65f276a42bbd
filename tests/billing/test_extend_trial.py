"""`extend_trial` (the operator console's "extend a trial"): the sign-up trial, a trial
that ended, a subscription trialing in the local Stripe, and what it refuses."""

from __future__ import annotations

import time

import pytest

from chalicelib.billing.service import extend_trial
from chalicelib.errors import ApiError
from chalicelib.settings import get_settings
from chalicelib.store import billing as billing_store
from chalicelib.store.audit import list_events
from tests.billing.test_billing_api import (
    billing_of,
    checkout,
    deliver_all,
)
from tests.support.factories import signup

DAY = 86400


@pytest.fixture
def trial_on(monkeypatch):
    monkeypatch.setenv("SCHEDULO_STRIPE_SECRET_KEY", "sk_test_schedulo_tests")
    monkeypatch.setenv("SCHEDULO_TRIAL_DAYS", "14")
    get_settings.cache_clear()


def audited(workspace_id: str) -> list[dict]:
    import json

    events, _ = list_events(workspace_id, 100, None)
    return [
        {"actor": e.actor, **json.loads(e.details)}
        for e in events
        if e.action == "billing.trial_extended"
    ]


def test_the_sign_up_trial_runs_longer_and_an_ended_one_starts_again(client, aws, trial_on):
    owner = signup(client)
    first_end = int(billing_store.subscription(owner.workspace_id).trial_end)
    extend_trial(owner.workspace_id, 7, "op_1")
    state = billing_of(client, owner)
    assert (state["plan"]["id"], state["status"], state["trial_days_left"]) == (
        "pro",
        "trialing",
        21,
    )
    assert int(billing_store.subscription(owner.workspace_id).trial_end) == first_end + 7 * DAY
    assert audited(owner.workspace_id) == [
        {"actor": "op_1", "days": 7, "trial_end": first_end + 7 * DAY, "by": "op_1"}
    ]

    # Ended: the extension counts from now, not from the end that passed.
    item = billing_store.subscription(owner.workspace_id)
    item.update([billing_store.SubscriptionItem.trial_end.set(int(time.time()) - 3 * DAY)])
    billing_store.forget_recent()
    assert billing_of(client, owner)["status"] == "trial_ended"
    extend_trial(owner.workspace_id, 5, "op_1")
    state = billing_of(client, owner)
    assert (state["plan"]["id"], state["status"], state["trial_days_left"]) == (
        "pro",
        "trialing",
        5,
    )


def test_refusals(client, aws, trial_on, monkeypatch):
    owner = signup(client)
    for days in (0, -1, 91):
        with pytest.raises(ApiError) as bad:
            extend_trial(owner.workspace_id, days, "op_1")
        assert bad.value.status == 422 and bad.value.details[0]["field"] == "days"
    billing_store.apply_subscription(
        owner.workspace_id, 1, plan="business", status="active", subscription_id="sub_paid"
    )
    with pytest.raises(ApiError) as paying:
        extend_trial(owner.workspace_id, 7, "op_1")
    assert paying.value.status == 409 and "active" in paying.value.message
    assert billing_of(client, owner)["plan"]["id"] == "business"

    monkeypatch.delenv("SCHEDULO_STRIPE_SECRET_KEY")
    get_settings.cache_clear()
    with pytest.raises(ApiError) as off:
        extend_trial(owner.workspace_id, 7, "op_1")
    assert off.value.status == 409
    assert audited(owner.workspace_id) == []


def test_a_subscription_trialing_in_stripe_is_extended_in_stripe(client, stripe_app, receiver):
    owner = signup(client)
    started = checkout(client, owner)
    stripe_app.pay(started.json["url"], "4242424242424242")
    receiver.wait_for("customer.subscription.created")
    deliver_all(client, receiver)
    sub = billing_store.subscription(owner.workspace_id)
    assert sub.status == "trialing" and sub.subscription_id
    old_end = int(sub.trial_end)

    extend_trial(owner.workspace_id, 10, "op_2")
    in_stripe = stripe_app.client.v1.subscriptions.retrieve(sub.subscription_id)
    assert (in_stripe.status, in_stripe.trial_end) == ("trialing", old_end + 10 * DAY)
    state = billing_of(client, owner)
    assert (state["status"], state["trial_days_left"]) == ("trialing", 24)

    # The trial's old end passes: still trialing, nothing charged.
    seen = receiver.count()
    stripe_app.advance(15 * DAY)
    assert stripe_app.client.v1.subscriptions.retrieve(sub.subscription_id).status == "trialing"
    deliver_all(client, receiver, after=seen)
    assert billing_of(client, owner)["plan"]["id"] == "pro"
