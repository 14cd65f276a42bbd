"""Billing: the workspace's plan and usage, Checkout and the billing portal (owners), and
Stripe's webhook."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.api.routing import Access, ApiBlueprint, RequestContext
from chalicelib.domain.model import Model
from chalicelib.domain.roles import Role

billing = ApiBlueprint(__name__)

PlanName = Literal["free", "pro", "business", "enterprise"]
IntervalName = Literal["month", "year"]


class PriceOut(Model):
    interval: IntervalName
    amount: int = Field(description="in the currency's smallest unit (cents)")
    currency: str


class PlanOut(Model):
    id: PlanName
    name: str
    description: str
    rank: int
    trial_days: int
    prices: list[PriceOut]
    limits: dict[str, int | None] = Field(description="per meter; null is unlimited")
    features: list[str]


class MeterOut(Model):
    meter: str
    used: int
    limit: int | None = Field(description="null: unlimited")
    month: str | None = Field(default=None, description="YYYY-MM, for monthly meters")


class PendingChangeOut(Model):
    plan: PlanName
    name: str
    interval: IntervalName | None
    effective_at: str | None = Field(description="when it takes effect: the period's end")


class BillingOut(Model):
    enabled: bool = Field(description="false: self-hosted without Stripe, nothing limited")
    plan: PlanOut
    status: str | None = Field(description="Stripe's subscription status; null: never paid")
    trial_end: str | None
    trial_days_left: int | None
    current_period_end: str | None
    interval: IntervalName | None = Field(
        default=None, description="how the subscription is billed; null without one"
    )
    cancel_at_period_end: bool
    meters: list[MeterOut]
    features: list[str] = Field(
        description="what the workspace may use: its plan's features and any an operator "
        "turned on (every feature when billing is off)"
    )
    plans: list[PlanOut] = Field(description="every plan, for comparison")
    can_manage: bool = Field(description="the caller may upgrade or open the portal")
    has_customer: bool
    restricted: bool = Field(
        description="a payment failed more than 7 days ago: nothing new may be scheduled "
        "(402 payment_required) until it is paid"
    )
    grace_end: str | None = Field(description="while past due: when the 7-day grace ends")
    paused_accounts: list[str] = Field(
        description="accounts paused because the plan allows fewer (choose with PUT "
        ".../billing/active-accounts)"
    )
    pending_change: PendingChangeOut | None = Field(
        default=None,
        description="a lower plan chosen during the period: in force from effective_at "
        "(the current plan holds until then); undo with PUT .../billing/plan naming the "
        "current plan",
    )


class PlanChangeIn(Model):
    plan: Literal["pro", "business", "enterprise"]
    interval: IntervalName = "month"


class CancelIn(Model):
    cancel_at_period_end: bool = Field(
        description="true: the plan ends with the current period (then Free); false: it renews"
    )


class ActiveAccountsIn(Model):
    account_ids: list[str] = Field(
        max_length=1000,
        description="the accounts that stay active, at most the plan's limit; the others "
        "are paused as far as the plan needs",
    )


class ActiveAccountsOut(Model):
    paused: list[str]
    resumed: list[str]


class CheckoutIn(Model):
    plan: Literal["pro", "business", "enterprise"]
    interval: IntervalName = "month"


class UrlOut(Model):
    url: str


class WebhookReceived(Model):
    received: bool
    outcome: Literal["accepted", "duplicate", "ignored"] = Field(
        description="accepted: recorded, applied in the background; duplicate: seen before"
    )


def plan_out(plan: object) -> PlanOut:
    from chalicelib.billing.plans import Plan

    assert isinstance(plan, Plan)
    return PlanOut(
        id=plan.id.value,
        name=plan.name,
        description=plan.description,
        rank=plan.rank,
        trial_days=plan.trial_days,
        prices=[
            PriceOut(interval=p.interval.value, amount=p.amount, currency=p.currency)
            for p in plan.prices
        ],
        limits={meter.value: value for meter, value in plan.limits.items()},
        features=sorted(f.value for f in plan.features),
    )


@billing.endpoint("GET", "/v1/workspaces/{ws}/billing", auth=Role.VIEWER, response=BillingOut)
def get_billing(ctx: RequestContext, ws: str) -> BillingOut:
    """The workspace's plan, subscription, usage of each meter and the plans on offer."""
    from math import ceil

    from chalicelib.billing.plans import PLANS
    from chalicelib.billing.service import summary
    from chalicelib.store.accounts import list_accounts
    from chalicelib.store.base import iso, utcnow
    from chalicelib.store.workspaces import get_workspace

    workspace = get_workspace(ws)
    now = utcnow()
    found = summary(ws, workspace.timezone if workspace else "UTC", now)
    trial_left = None
    if found.status == "trialing" and found.trial_end is not None:
        trial_left = max(0, ceil((found.trial_end - now).total_seconds() / 86400))
    return BillingOut(
        enabled=found.enabled,
        plan=plan_out(found.plan),
        status=found.status,
        trial_end=iso(found.trial_end) if found.trial_end else None,
        trial_days_left=trial_left,
        current_period_end=iso(found.current_period_end) if found.current_period_end else None,
        interval=found.interval,  # type: ignore[arg-type]
        cancel_at_period_end=found.cancel_at_period_end,
        meters=[
            MeterOut(meter=m.meter.value, used=m.used, limit=m.limit, month=m.month)
            for m in found.meters
        ],
        features=found.features,
        plans=[plan_out(p) for p in PLANS] if found.enabled else [],
        can_manage=found.enabled and ctx.role is Role.OWNER,
        has_customer=found.has_customer,
        restricted=found.restricted,
        grace_end=iso(found.grace_end) if found.grace_end else None,
        paused_accounts=sorted(a.account_id for a in list_accounts(ws) if a.status == "paused"),
        pending_change=PendingChangeOut(
            plan=found.pending_plan.id.value,
            name=found.pending_plan.name,
            interval=found.pending_interval,  # type: ignore[arg-type]
            effective_at=iso(found.current_period_end) if found.current_period_end else None,
        )
        if found.pending_plan is not None
        else None,
    )


@billing.endpoint(
    "PUT",
    "/v1/workspaces/{ws}/billing/plan",
    auth=Role.OWNER,
    body=PlanChangeIn,
    response=BillingOut,
    errors=(502,),
)
def change_plan(ctx: RequestContext, ws: str, body: PlanChangeIn) -> BillingOut:
    """Change the subscription's plan: a higher one at once (the rest of the period is
    invoiced prorated), a lower one at the end of the period (`pending_change`; the
    current plan holds until then). Naming the current plan undoes a pending change. 409
    without a subscription (use checkout); to go to Free, cancel."""
    from chalicelib.billing.plans import Interval, PlanId
    from chalicelib.billing.service import change_plan as change

    change(ws, PlanId(body.plan), Interval(body.interval))
    return get_billing(ctx, ws)


@billing.endpoint(
    "POST",
    "/v1/workspaces/{ws}/billing/checkout",
    auth=Role.OWNER,
    body=CheckoutIn,
    response=UrlOut,
    errors=(502,),
)
def create_checkout(ctx: RequestContext, ws: str, body: CheckoutIn) -> UrlOut:
    """A Stripe Checkout page where the owner subscribes to a plan."""
    from chalicelib.billing.plans import Interval, PlanId
    from chalicelib.billing.service import checkout
    from chalicelib.store.workspaces import get_workspace

    user = ctx.principal.user() if ctx.principal.user_id else None
    workspace = get_workspace(ws)
    url = checkout(
        ws,
        PlanId(body.plan),
        Interval(body.interval),
        user.email if user else None,
        workspace.name if workspace else ws,
    )
    return UrlOut(url=url)


@billing.endpoint(
    "POST",
    "/v1/workspaces/{ws}/billing/portal",
    auth=Role.OWNER,
    response=UrlOut,
    errors=(502,),
)
def create_portal(ctx: RequestContext, ws: str) -> UrlOut:
    """A Stripe billing portal page: change plan, card, cancel, invoices."""
    from chalicelib.billing.service import portal

    return UrlOut(url=portal(ws))


@billing.endpoint(
    "POST",
    "/v1/webhooks/stripe",
    auth=Access.PUBLIC,
    response=WebhookReceived,
    errors=(404,),
    raw_body={"application/json": None},
)
def stripe_webhook(ctx: RequestContext) -> WebhookReceived:
    """Stripe's events (signed): the workspace's subscription follows them."""
    from chalicelib.billing.service import receive

    raw = ctx.request.raw_body or b""
    received = receive(
        raw.encode() if isinstance(raw, str) else raw, ctx.header("Stripe-Signature")
    )
    return WebhookReceived(received=True, outcome=received.outcome)  # type: ignore[arg-type]


@billing.endpoint(
    "POST",
    "/v1/workspaces/{ws}/billing/cancel",
    auth=Role.OWNER,
    body=CancelIn,
    response=BillingOut,
    errors=(502,),
)
def cancel_subscription(ctx: RequestContext, ws: str, body: CancelIn) -> BillingOut:
    """Cancel at the end of the current period (the plan holds until then, then Free), or
    undo that; 409 without a subscription."""
    from chalicelib.billing.service import cancel_at_period_end

    cancel_at_period_end(ws, body.cancel_at_period_end)
    return get_billing(ctx, ws)


@billing.endpoint(
    "PUT",
    "/v1/workspaces/{ws}/billing/active-accounts",
    auth=Role.OWNER,
    body=ActiveAccountsIn,
    response=ActiveAccountsOut,
)
def choose_active_accounts(
    ctx: RequestContext, ws: str, body: ActiveAccountsIn
) -> ActiveAccountsOut:
    """Name the accounts that stay active when the plan allows fewer than are connected
    (kept for later downgrades too); the others are paused, never deleted."""
    from chalicelib.billing.entitlements import choose_active_accounts as choose

    paused, resumed = choose(ws, body.account_ids, ctx.principal.actor)
    return ActiveAccountsOut(paused=paused, resumed=resumed)


class InvoiceOut(Model):
    id: str
    number: str | None
    status: str | None = Field(description="Stripe's: draft, open, paid, uncollectible, void")
    amount_due: int = Field(description="in the currency's smallest unit (cents)")
    amount_paid: int
    currency: str
    created: str
    period_start: str | None
    period_end: str | None
    hosted_invoice_url: str | None = Field(description="Stripe's page for the invoice")
    invoice_pdf: str | None


class InvoiceList(Model):
    items: list[InvoiceOut]


@billing.endpoint(
    "GET",
    "/v1/workspaces/{ws}/billing/invoices",
    auth=Role.OWNER,
    response=InvoiceList,
    errors=(502,),
)
def list_invoices(ctx: RequestContext, ws: str) -> InvoiceList:
    """The workspace's Stripe invoices, newest first (the last 24)."""
    from chalicelib.billing.entitlements import enabled
    from chalicelib.billing.service import invoices
    from chalicelib.store.base import iso

    if not enabled():
        return InvoiceList(items=[])
    return InvoiceList(
        items=[
            InvoiceOut(
                id=i.id,
                number=i.number,
                status=i.status,
                amount_due=i.amount_due,
                amount_paid=i.amount_paid,
                currency=i.currency,
                created=iso(i.created),
                period_start=iso(i.period_start) if i.period_start else None,
                period_end=iso(i.period_end) if i.period_end else None,
                hosted_invoice_url=i.hosted_invoice_url,
                invoice_pdf=i.invoice_pdf,
            )
            for i in invoices(ws)
        ]
    )
