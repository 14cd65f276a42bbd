"""The plans, defined once in chalicelib/billing/plans.py: complete, consistent, and
each plan at least as generous as the one below it."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest
from pydantic import ValidationError

from chalicelib.billing import plans
from chalicelib.billing.plans import (
    PLANS,
    Feature,
    Interval,
    Meter,
    Plan,
    PlanId,
    allows,
    get_plan,
    limit,
    plan_for_lookup_key,
    sold_plans,
    within,
)


def test_every_plan_passes_full_validation():
    # plans.py builds them unvalidated (import cost); here each goes through the validators
    for plan in PLANS:
        assert Plan.model_validate(plan.model_dump()) == plan, plan.id


def test_the_four_plans_in_order_with_every_meter():
    assert [p.id for p in PLANS] == [PlanId.FREE, PlanId.PRO, PlanId.BUSINESS, PlanId.ENTERPRISE]
    assert [p.rank for p in PLANS] == sorted(p.rank for p in PLANS)
    for plan in PLANS:
        assert set(plan.limits) == set(Meter), plan.id


def test_free_is_not_sold_and_the_others_have_a_monthly_and_a_yearly_price():
    assert get_plan("free").prices == ()
    assert [p.id for p in sold_plans()] == [PlanId.PRO, PlanId.BUSINESS, PlanId.ENTERPRISE]
    for plan in sold_plans():
        assert {p.interval for p in plan.prices} == {Interval.MONTH, Interval.YEAR}
        assert plan.stripe_product_id and plan.stripe_product_id.startswith("schedulo_")
        monthly, yearly = plan.price(Interval.MONTH), plan.price(Interval.YEAR)
        assert monthly and yearly
        assert yearly.amount < 12 * monthly.amount  # a year costs less than 12 months


def test_lookup_keys_are_unique_and_lead_back_to_their_plan():
    keys = [price.lookup_key for plan in PLANS for price in plan.prices]
    assert len(keys) == len(set(keys)) == 6
    found = plan_for_lookup_key("schedulo_business_yearly")
    assert found is not None
    assert found[0].id == PlanId.BUSINESS and found[1].interval == Interval.YEAR
    assert plan_for_lookup_key("schedulo_gold_monthly") is None


def _at_least(higher: int | None, lower: int | None) -> bool:
    return higher is None or (lower is not None and higher >= lower)


def test_a_higher_plan_never_allows_less():
    for lower, higher in itertools.pairwise(PLANS):
        for meter in Meter:
            assert _at_least(higher.limits[meter], lower.limits[meter]), (higher.id, meter)
        assert lower.features <= higher.features, higher.id
        if lower.prices and higher.prices:
            for interval in Interval:
                assert higher.price(interval).amount > lower.price(interval).amount


def test_feature_flags_and_limits():
    assert not allows("free", Feature.API_KEYS)
    assert allows("pro", Feature.API_KEYS) and not allows("pro", Feature.APPROVALS)
    assert all(allows("business", f) for f in Feature)
    assert all(allows(PlanId.ENTERPRISE, f) for f in Feature)
    assert limit("free", Meter.CONNECTED_ACCOUNTS) == 3
    assert limit("enterprise", Meter.SCHEDULED_POSTS_PER_MONTH) is None
    assert within("free", Meter.SCHEDULED_POSTS_PER_MONTH, 30)
    assert not within("free", Meter.SCHEDULED_POSTS_PER_MONTH, 31)
    assert within("enterprise", Meter.TEAM_MEMBERS, 10**9)
    with pytest.raises(ValueError):
        get_plan("gold")


def test_a_plan_missing_a_meter_or_pricing_one_interval_twice_is_refused():
    pro = get_plan("pro")
    with pytest.raises(ValidationError, match="no limit"):
        Plan(**{**pro.model_dump(), "limits": {Meter.TEAM_MEMBERS: 1}})
    with pytest.raises(ValidationError, match="two prices"):
        Plan(**{**pro.model_dump(), "prices": (pro.prices[0], pro.prices[0])})
    with pytest.raises(ValidationError, match="no Stripe product"):
        Plan(**{**pro.model_dump(), "stripe_product_id": None})


def test_neither_the_plans_nor_the_app_import_the_stripe_sdk():
    code = (
        "import sys, app, chalicelib.billing.plans, chalicelib.billing.entitlements;"
        "print('stripe' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=plans.__file__.rsplit("/chalicelib/", 1)[0],
    )
    assert out.stdout.strip().splitlines()[-1] == "False"
