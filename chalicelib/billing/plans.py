"""Schedulo's plans, defined once: what each costs (monthly and yearly, with the Stripe
`lookup_key` of each price), how much of each meter it allows and which features it
turns on. Pure data and pydantic: no AWS, no Stripe here.

`make stripe-sync` (infrastructure/stripe_sync.py) makes Stripe's Products and Prices
match this module; enforcement reads `limit()` and `allows()`.

A limit of `None` means unlimited. Amounts are in the currency's smallest unit (cents).
Free has no Stripe price: a workspace without a subscription is on Free.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

from chalicelib.domain.model import Model

CURRENCY = "usd"


class PlanId(StrEnum):
    FREE = "free"
    PRO = "pro"
    BUSINESS = "business"
    ENTERPRISE = "enterprise"


class Interval(StrEnum):
    MONTH = "month"
    YEAR = "year"


class Meter(StrEnum):
    """What a plan counts."""

    CONNECTED_ACCOUNTS = "connected_accounts"  # per workspace
    SCHEDULED_POSTS_PER_MONTH = "scheduled_posts_per_month"  # per workspace, calendar month (UTC)
    TEAM_MEMBERS = "team_members"  # per workspace, the owner included
    WORKSPACES_PER_OWNER = "workspaces_per_owner"  # workspaces one user owns on this plan
    BULK_ROWS_PER_IMPORT = "bulk_rows_per_import"  # rows of one CSV import
    AI_CREDITS_PER_MONTH = "ai_credits_per_month"  # per workspace, calendar month (UTC)
    ANALYTICS_HISTORY_DAYS = "analytics_history_days"  # how far back analytics reach


class Feature(StrEnum):
    """What a plan turns on or off."""

    APPROVALS = "approvals"
    API_KEYS = "api_keys"
    OUTGOING_WEBHOOKS = "outgoing_webhooks"
    AI_ASSISTANT = "ai_assistant"
    ANALYTICS_EXPORT = "analytics_export"  # CSV and PDF reports
    CLIENT_REVIEW_LINKS = "client_review_links"


class PlanPrice(Model):
    """One recurring price of a plan, as Stripe knows it (found by `lookup_key`)."""

    interval: Interval
    amount: int = Field(gt=0, description="in cents")
    currency: str = CURRENCY
    lookup_key: str = Field(pattern=r"^[a-z0-9_]{1,200}$")


class Plan(Model):
    id: PlanId
    name: str
    description: str
    rank: int = Field(ge=0, description="higher is more generous; upgrades go up")
    stripe_product_id: str | None = Field(
        default=None, description="the Stripe Product's id (Schedulo names it); None: not sold"
    )
    trial_days: int = Field(default=0, ge=0)
    prices: tuple[PlanPrice, ...] = ()
    limits: dict[Meter, int | None]
    features: frozenset[Feature] = frozenset()

    @model_validator(mode="after")
    def _complete(self) -> Plan:
        missing = set(Meter) - set(self.limits)
        if missing:
            raise ValueError(f"plan {self.id} has no limit for {sorted(missing)}")
        if any(v is not None and v < 0 for v in self.limits.values()):
            raise ValueError(f"plan {self.id} has a negative limit")
        intervals = [p.interval for p in self.prices]
        if len(intervals) != len(set(intervals)):
            raise ValueError(f"plan {self.id} has two prices for one interval")
        if self.prices and not self.stripe_product_id:
            raise ValueError(f"plan {self.id} has prices but no Stripe product")
        return self

    def price(self, interval: Interval) -> PlanPrice | None:
        return next((p for p in self.prices if p.interval == interval), None)


# The plans below are built without validation (`model_construct`): building the
# validators costs ~80 ms at import, which every cold start importing the plans would pay.
# tests/billing/test_plans.py validates each of them in full instead.


def _price(plan: str, interval: Interval, amount: int) -> PlanPrice:
    return PlanPrice.model_construct(
        interval=interval,
        amount=amount,
        currency=CURRENCY,
        lookup_key=f"schedulo_{plan}_{interval}ly",
    )


def _plan(**fields: Any) -> Plan:
    return Plan.model_construct(**fields)


M = Meter
PLANS: tuple[Plan, ...] = (
    _plan(
        id=PlanId.FREE,
        name="Free",
        description="For trying Schedulo: a few accounts and posts a month.",
        rank=0,
        limits={
            M.CONNECTED_ACCOUNTS: 3,
            M.SCHEDULED_POSTS_PER_MONTH: 30,
            M.TEAM_MEMBERS: 1,
            M.WORKSPACES_PER_OWNER: 1,
            M.BULK_ROWS_PER_IMPORT: 0,
            M.AI_CREDITS_PER_MONTH: 0,
            M.ANALYTICS_HISTORY_DAYS: 30,
        },
    ),
    _plan(
        id=PlanId.PRO,
        name="Pro",
        description="For creators and small businesses.",
        rank=1,
        stripe_product_id="schedulo_pro",
        trial_days=14,
        prices=(_price("pro", Interval.MONTH, 1500), _price("pro", Interval.YEAR, 15000)),
        limits={
            M.CONNECTED_ACCOUNTS: 10,
            M.SCHEDULED_POSTS_PER_MONTH: 1000,
            M.TEAM_MEMBERS: 2,
            M.WORKSPACES_PER_OWNER: 1,
            M.BULK_ROWS_PER_IMPORT: 1000,
            M.AI_CREDITS_PER_MONTH: 100,
            M.ANALYTICS_HISTORY_DAYS: 90,
        },
        features=frozenset({Feature.API_KEYS, Feature.AI_ASSISTANT, Feature.ANALYTICS_EXPORT}),
    ),
    _plan(
        id=PlanId.BUSINESS,
        name="Business",
        description="For teams and agencies: approvals, client review and more accounts.",
        rank=2,
        stripe_product_id="schedulo_business",
        trial_days=14,
        prices=(
            _price("business", Interval.MONTH, 4900),
            _price("business", Interval.YEAR, 49000),
        ),
        limits={
            M.CONNECTED_ACCOUNTS: 25,
            M.SCHEDULED_POSTS_PER_MONTH: 5000,
            M.TEAM_MEMBERS: 10,
            M.WORKSPACES_PER_OWNER: 5,
            M.BULK_ROWS_PER_IMPORT: 10_000,
            M.AI_CREDITS_PER_MONTH: 1000,
            M.ANALYTICS_HISTORY_DAYS: 365,
        },
        features=frozenset(set(Feature)),
    ),
    _plan(
        id=PlanId.ENTERPRISE,
        name="Enterprise",
        description="For large agencies: no caps on posts, members or workspaces.",
        rank=3,
        stripe_product_id="schedulo_enterprise",
        prices=(
            _price("enterprise", Interval.MONTH, 19900),
            _price("enterprise", Interval.YEAR, 199000),
        ),
        limits={
            M.CONNECTED_ACCOUNTS: 100,
            M.SCHEDULED_POSTS_PER_MONTH: None,
            M.TEAM_MEMBERS: None,
            M.WORKSPACES_PER_OWNER: None,
            M.BULK_ROWS_PER_IMPORT: 10_000,
            M.AI_CREDITS_PER_MONTH: 10_000,
            M.ANALYTICS_HISTORY_DAYS: 730,
        },
        features=frozenset(set(Feature)),
    ),
)
del M

DEFAULT_PLAN = PlanId.FREE
_BY_ID = {plan.id: plan for plan in PLANS}
_BY_LOOKUP_KEY = {price.lookup_key: (plan, price) for plan in PLANS for price in plan.prices}


def get_plan(plan_id: str | PlanId) -> Plan:
    """The plan `plan_id`; KeyError when there is none."""
    return _BY_ID[PlanId(plan_id)]


def sold_plans() -> tuple[Plan, ...]:
    """The plans with Stripe prices, cheapest first."""
    return tuple(plan for plan in PLANS if plan.prices)


def plan_for_lookup_key(lookup_key: str) -> tuple[Plan, PlanPrice] | None:
    """The plan and price a Stripe price's `lookup_key` stands for (webhooks use it)."""
    return _BY_LOOKUP_KEY.get(lookup_key)


def limit(plan_id: str | PlanId, meter: Meter) -> int | None:
    """How much of `meter` the plan allows; None is unlimited."""
    return get_plan(plan_id).limits[meter]


def allows(plan_id: str | PlanId, feature: Feature) -> bool:
    return feature in get_plan(plan_id).features


def within(plan_id: str | PlanId, meter: Meter, used: int) -> bool:
    """Whether `used` (after the action) stays within the plan's limit."""
    cap = limit(plan_id, meter)
    return cap is None or used <= cap
