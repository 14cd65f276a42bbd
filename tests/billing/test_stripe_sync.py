"""`make stripe-sync` (infrastructure/stripe_sync.py) against the local Stripe: it creates
the plans' products and prices once, changes nothing on a second run, and moves a
lookup key to a new price when an amount changes (Stripe prices are immutable)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from chalicelib.billing.plans import Interval, PlanId, get_plan, sold_plans
from infrastructure import stripe_sync
from local.stack import free_port
from tests.billing.conftest import SECRET_KEY, LocalStripe

ROOT = Path(__file__).resolve().parents[2]


def _everything(local: LocalStripe) -> tuple[list, list]:
    products = local.client.v1.products.list(params={"limit": 100}).data
    prices = local.client.v1.prices.list(params={"limit": 100}).data
    return products, prices


def test_two_runs_create_each_product_and_price_once(local_stripe: LocalStripe):
    first = stripe_sync.sync(local_stripe.client, log=lambda line: None)
    assert {a.kind for a in first} == {"create", "update"}  # update: the default price
    products, prices = _everything(local_stripe)
    assert sorted(p.id for p in products) == [
        "schedulo_business",
        "schedulo_enterprise",
        "schedulo_pro",
    ]
    assert len(prices) == 6
    for plan in sold_plans():
        product = local_stripe.client.v1.products.retrieve(str(plan.stripe_product_id))
        assert product.name == f"Schedulo {plan.name}"
        assert product.metadata["schedulo_plan"] == plan.id.value
        for price in plan.prices:
            (found,) = [p for p in prices if p.lookup_key == price.lookup_key]
            assert (found.unit_amount, found.currency, found.product) == (
                price.amount,
                "usd",
                plan.stripe_product_id,
            )
            assert found.recurring.interval == price.interval.value and found.active
        assert product.default_price == next(
            p.id for p in prices if p.lookup_key == plan.price(Interval.MONTH).lookup_key
        )

    second = stripe_sync.sync(local_stripe.client, log=lambda line: None)
    assert {a.kind for a in second} == {"unchanged"}
    assert [len(x) for x in _everything(local_stripe)] == [3, 6]


def test_a_changed_amount_moves_the_lookup_key_to_a_new_price(local_stripe, monkeypatch):
    stripe_sync.sync(local_stripe.client, log=lambda line: None)
    old = local_stripe.client.v1.prices.list(params={"lookup_keys": ["schedulo_pro_monthly"]}).data[
        0
    ]

    pro = get_plan(PlanId.PRO)
    dearer = pro.model_copy(
        update={
            "prices": tuple(
                p.model_copy(update={"amount": 1900}) if p.interval == Interval.MONTH else p
                for p in pro.prices
            )
        }
    )
    changed = tuple(dearer if p.id == PlanId.PRO else p for p in sold_plans())
    monkeypatch.setattr(stripe_sync, "sold_plans", lambda: changed)
    actions = stripe_sync.sync(local_stripe.client, log=lambda line: None)
    assert [(a.kind, a.what) for a in actions if a.kind != "unchanged"] == [
        ("move", "price schedulo_pro_monthly"),
        ("update", "product schedulo_pro"),  # its default price
        ("archive", f"price {old.id}"),
    ]
    new = local_stripe.client.v1.prices.list(params={"lookup_keys": ["schedulo_pro_monthly"]})
    assert len(new.data) == 1
    assert new.data[0].id != old.id and new.data[0].unit_amount == 1900
    before = local_stripe.client.v1.prices.retrieve(old.id)
    assert before.lookup_key is None and before.active is False and before.unit_amount == 1500
    assert local_stripe.client.v1.products.retrieve("schedulo_pro").default_price == new.data[0].id

    again = stripe_sync.sync(local_stripe.client, log=lambda line: None)
    assert {a.kind for a in again} == {"unchanged"}
    assert [len(x) for x in _everything(local_stripe)] == [3, 7]

    monkeypatch.setattr(stripe_sync, "sold_plans", sold_plans)  # and back to 15.00: a new price
    back = stripe_sync.sync(local_stripe.client, log=lambda line: None)
    assert [a.kind for a in back if a.kind != "unchanged"] == ["move", "update", "archive"]
    current = local_stripe.client.v1.prices.list(params={"lookup_keys": ["schedulo_pro_monthly"]})
    assert current.data[0].unit_amount == 1500 and current.data[0].id not in (
        old.id,
        new.data[0].id,
    )


def test_check_reports_differences_without_changing_anything(local_stripe, monkeypatch):
    monkeypatch.setenv("SCHEDULO_STRIPE_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("SCHEDULO_STRIPE_API_BASE", local_stripe.base)
    assert stripe_sync.main(["--check"]) == 1
    assert [len(x) for x in _everything(local_stripe)] == [0, 0]
    assert stripe_sync.main([]) == 0
    assert stripe_sync.main(["--check"]) == 0


def test_the_command_uses_the_local_stripe_without_a_key(local_stripe: LocalStripe):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCHEDULO_STRIPE_")}
    port = local_stripe.sandbox.url.rsplit(":", 1)[1]
    done = subprocess.run(
        [sys.executable, "-m", "infrastructure.stripe_sync"],
        env={**env, "SCHEDULO_SANDBOX_PORT": port},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "create    price schedulo_pro_monthly" in done.stdout
    assert [len(x) for x in _everything(local_stripe)] == [3, 6]

    nothing = subprocess.run(
        [sys.executable, "-m", "infrastructure.stripe_sync"],
        env={**env, "SCHEDULO_SANDBOX_PORT": str(free_port())},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert nothing.returncode == 2
    assert "is `make dev` running?" in nothing.stderr
