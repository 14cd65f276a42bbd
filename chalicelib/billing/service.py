"""Billing with Stripe: a workspace's billing summary, Checkout and the billing portal,
and Stripe's webhook events applied to the workspace's plan.

One Stripe customer per workspace, created once (idempotency key per workspace; the
first one recorded wins). Webhook events are verified with the SDK, applied once per
event id, and order-independent: the subscription is read again from Stripe and written
only when the event is not older than what was applied.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chalicelib.billing import entitlements
from chalicelib.billing.plans import (
    DEFAULT_PLAN,
    Interval,
    Meter,
    Plan,
    PlanId,
    get_plan,
    plan_for_lookup_key,
)
from chalicelib.errors import ApiError, BadRequest, Conflict, NotFound, invalid
from chalicelib.observability import logger
from chalicelib.settings import get_settings

# The events applied; others are acknowledged and ignored.
HANDLED = frozenset(
    {
        "checkout.session.completed",
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "customer.subscription.trial_will_end",
        "invoice.paid",
        "invoice.payment_failed",
    }
)
ENFORCED = (
    Meter.CONNECTED_ACCOUNTS,
    Meter.SCHEDULED_POSTS_PER_MONTH,
    Meter.TEAM_MEMBERS,
    Meter.AI_CREDITS_PER_MONTH,
)


class StripeUnavailable(ApiError):
    status, code = 502, "billing_unavailable"


def client() -> Any:
    """The official SDK's client for the configured account (the local Stripe locally)."""
    import stripe

    settings = get_settings()
    if not settings.billing_enabled:
        raise NotFound("Billing is not enabled on this deployment.")
    base: Any = {"api": settings.stripe_api_base} if settings.stripe_api_base else None
    return stripe.StripeClient(
        settings.stripe_secret_key or "", base_addresses=base, max_network_retries=2
    )


# ------------------------------------------------------------------------------ summary


@dataclass(frozen=True)
class MeterUsage:
    meter: Meter
    used: int
    limit: int | None
    month: str | None = None


@dataclass(frozen=True)
class Summary:
    enabled: bool
    plan: Plan
    status: str | None
    trial_end: datetime | None
    current_period_end: datetime | None
    cancel_at_period_end: bool
    meters: list[MeterUsage]
    has_customer: bool
    features: list[str]
    restricted: bool = False
    grace_end: datetime | None = None
    pending_plan: Plan | None = None
    pending_interval: str | None = None
    interval: str | None = None


def summary(workspace_id: str, timezone: str, now: datetime) -> Summary:
    from chalicelib.store import billing as store

    if not entitlements.enabled():
        # Self-hosted without Stripe: every feature and no limit on any meter.
        top = get_plan(PlanId.ENTERPRISE)
        every = top.model_copy(
            update={
                "limits": dict.fromkeys(top.limits),
                "description": "Self-hosted without Stripe: every feature, no limits.",
            }
        )
        features = sorted(f.value for f in every.features)
        return Summary(False, every, None, None, None, False, [], False, features)
    sub = store.subscription(workspace_id)
    plan = entitlements.plan_of_subscription(sub, now)
    months = {
        Meter.SCHEDULED_POSTS_PER_MONTH: entitlements.month_of(now, timezone),
        Meter.AI_CREDITS_PER_MONTH: entitlements.utc_month(now),
    }
    meters = [
        MeterUsage(
            meter,
            entitlements.usage(workspace_id, meter, months.get(meter)),
            plan.limits[meter],
            months.get(meter),
        )
        for meter in ENFORCED
    ]
    flags = entitlements.operator_flags(workspace_id)
    return Summary(
        True,
        plan,
        entitlements.status_of(sub, now),
        _when(sub.trial_end) if sub else None,
        _when(sub.current_period_end) if sub else None,
        bool(sub.cancel_at_period_end) if sub else False,
        meters,
        bool(sub and sub.customer_id),
        entitlements.features_of(workspace_id, plan, flags),
        entitlements.is_restricted(sub, now),
        _when(entitlements.grace_end(sub)),
        _pending_plan(sub),
        sub.pending_interval if sub and sub.pending_plan else None,
        sub.interval if sub and sub.subscription_id else None,
    )


def _pending_plan(sub: Any) -> Plan | None:
    if sub is None or not sub.pending_plan or sub.status not in entitlements.PAID_STATUSES:
        return None
    try:
        return get_plan(sub.pending_plan)
    except (KeyError, ValueError):
        return None


def _when(unix: Any) -> datetime | None:
    return datetime.fromtimestamp(int(unix), UTC) if unix else None


# ----------------------------------------------------------------------- checkout, portal


def customer_for(workspace_id: str, email: str | None, name: str) -> str:
    """The workspace's Stripe customer, created once."""
    from chalicelib.store import billing as store

    sub = store.subscription(workspace_id)
    if sub is not None and sub.customer_id:
        return sub.customer_id
    params: dict[str, Any] = {"name": name, "metadata": {"workspace_id": workspace_id}}
    if email:
        params["email"] = email
    customer = _call(
        lambda: client().v1.customers.create(
            params=params, options={"idempotency_key": f"schedulo-customer-{workspace_id}"}
        )
    )
    return store.set_customer(workspace_id, customer.id)


def checkout(
    workspace_id: str, plan_id: PlanId, interval: Interval, email: str | None, name: str
) -> str:
    """A Checkout Session (subscription mode) for the plan; its URL."""
    from chalicelib.store import billing as store

    plan = get_plan(plan_id)
    price = plan.price(interval)
    if price is None:
        raise invalid("plan", f"{plan.name} cannot be bought {interval.value}ly")
    sub = store.subscription(workspace_id)
    if sub is not None and sub.subscription_id and sub.status in entitlements.PAID_STATUSES:
        raise Conflict(
            "This workspace already has a subscription: change its plan from Billing.",
            [{"field": "plan", "message": "already subscribed"}],
        )
    trial_days = _trial_left(plan, sub)
    subscription_data: dict[str, Any] = {"metadata": {"workspace_id": workspace_id}}
    if trial_days:
        subscription_data["trial_period_days"] = trial_days
    customer = customer_for(workspace_id, email, name)
    stripe_client = client()
    price_id = _active_price_id(stripe_client, price.lookup_key)
    origin = get_settings().frontend_origin.rstrip("/")
    session = _call(
        lambda: stripe_client.v1.checkout.sessions.create(
            params={
                "mode": "subscription",
                "customer": customer,
                "client_reference_id": workspace_id,
                "line_items": [{"price": price_id, "quantity": 1}],
                "success_url": f"{origin}/settings/billing?checkout=success",
                "cancel_url": f"{origin}/settings/billing?checkout=cancelled",
                "metadata": {"workspace_id": workspace_id},
                "subscription_data": subscription_data,
            }
        )
    )
    return str(session.url)


def _trial_left(plan: Plan, sub: Any) -> int:
    """The trial Checkout gives: the plan's, once; what is left of the sign-up's trial
    (none once it ended); none for a workspace that subscribed before."""
    if sub is None:
        return plan.trial_days
    if sub.subscription_id:
        return 0
    if sub.status == "trialing" and sub.trial_end:
        left = int(sub.trial_end) - int(datetime.now(UTC).timestamp())
        return max(0, -(-left // 86400)) if plan.trial_days else 0
    return plan.trial_days


@dataclass(frozen=True)
class Invoice:
    id: str
    number: str | None
    status: str | None
    amount_due: int
    amount_paid: int
    currency: str
    created: datetime
    period_start: datetime | None
    period_end: datetime | None
    hosted_invoice_url: str | None
    invoice_pdf: str | None


def invoices(workspace_id: str, limit: int = 24) -> list[Invoice]:
    """The workspace's invoices, newest first, as Stripe lists them (none before it
    subscribed)."""
    from chalicelib.store import billing as store

    sub = store.subscription(workspace_id)
    if sub is None or not sub.customer_id:
        return []
    listed = _call(
        lambda: client().v1.invoices.list(params={"customer": sub.customer_id, "limit": limit})
    )
    found = [
        Invoice(
            id=i.id,
            number=i.number,
            status=i.status,
            amount_due=int(i.amount_due or 0),
            amount_paid=int(i.amount_paid or 0),
            currency=i.currency,
            created=datetime.fromtimestamp(int(i.created), UTC),
            period_start=_when(i.period_start),
            period_end=_when(i.period_end),
            hosted_invoice_url=i.hosted_invoice_url,
            invoice_pdf=i.invoice_pdf,
        )
        for i in listed.data
    ]
    return sorted(found, key=lambda i: (i.created, i.id), reverse=True)


def portal(workspace_id: str) -> str:
    from chalicelib.store import billing as store

    sub = store.subscription(workspace_id)
    if sub is None or not sub.customer_id:
        raise Conflict("This workspace has never subscribed: choose a plan first.")
    origin = get_settings().frontend_origin.rstrip("/")
    session = _call(
        lambda: client().v1.billing_portal.sessions.create(
            params={"customer": sub.customer_id, "return_url": f"{origin}/settings/billing"}
        )
    )
    return str(session.url)


def _active_price_id(stripe_client: Any, lookup_key: str) -> str:
    """The id of Stripe's active price under `lookup_key` (what `make stripe-sync` made)."""
    prices = _call(
        lambda: stripe_client.v1.prices.list(
            params={"lookup_keys": [lookup_key], "active": True, "limit": 1}
        )
    )
    if not prices.data:
        raise StripeUnavailable(f"Stripe has no price {lookup_key}: run `make stripe-sync`.", [])
    return str(prices.data[0].id)


def _call(do: Any) -> Any:
    import stripe

    try:
        return do()
    except stripe.StripeError as error:
        logger.warning("stripe call failed", extra={"error": str(error)})
        raise StripeUnavailable(
            "Stripe could not be reached or refused the request; try again.", []
        ) from None


# ------------------------------------------------------------------------------ webhooks


@dataclass(frozen=True)
class Received:
    """What a webhook delivery did: accepted (to be applied), a replay, or ignored."""

    outcome: str
    event_id: str
    event_type: str


def receive(payload: bytes, signature: str | None) -> Received:
    """Verify and record one delivery, and have it applied off the request (the billing
    worker, `run_event`): Stripe gets its 200 without waiting on our reads and writes.
    Forged or too old: 400; a replay: 200 and nothing changes (one still pending after
    a while is handed to the worker again)."""
    import stripe

    settings = get_settings()
    if not settings.billing_enabled:
        raise NotFound("Billing is not enabled on this deployment.")
    if not settings.stripe_webhook_secret:
        raise ApiError("The Stripe webhook secret is not configured.")
    if not signature:
        raise BadRequest(
            "The Stripe-Signature header is missing.",
            [{"field": "Stripe-Signature", "message": "required"}],
        )
    try:
        event = stripe.Webhook.construct_event(
            payload, signature, settings.stripe_webhook_secret, tolerance=300
        )
    except stripe.SignatureVerificationError:
        raise BadRequest(
            "The Stripe signature does not match this payload, or is too old.",
            [{"field": "Stripe-Signature", "message": "invalid"}],
        ) from None
    except ValueError:
        raise BadRequest(
            "The body is not a Stripe event.", [{"field": "body", "message": "invalid"}]
        ) from None
    from chalicelib.store import billing as store

    if event.type not in HANDLED:
        return Received("ignored", event.id, event.type)
    text = payload.decode("utf-8")
    if store.record_event(event.id, text) is None:
        kept = store.event(event.id)
        waiting = kept is not None and kept.state != "done"
        if waiting and kept and int(time.time()) - int(kept.received_at or 0) > REDISPATCH_AFTER:
            _dispatch(event.id)  # its worker may have been lost: Stripe's retry revives it
        return Received("duplicate", event.id, event.type)
    _dispatch(event.id)
    return Received("accepted", event.id, event.type)


REDISPATCH_AFTER = 60  # seconds a recorded event may wait before a replay dispatches it again


def _dispatch(event_id: str) -> None:
    from chalicelib import scheduling

    scheduling.invoke_async(get_settings().billing_worker_arn, {"event_id": event_id})


def run_event(job: dict[str, Any]) -> str | None:
    """The billing worker: apply the recorded event `{event_id}` once (claimed, so two
    workers never apply it together); its outcome is recorded. A failure leaves it
    pending and raises (the invocation is retried)."""
    import stripe

    from chalicelib.store import billing as store

    event_id = str(job["event_id"])
    claimed = store.claim_event(event_id, int(time.time()))
    if claimed is None or not claimed.payload:
        return None  # done, or another worker has it
    event = stripe.Event.construct_from(json.loads(claimed.payload), stripe.api_key)
    try:
        outcome = _apply(event)
    except Exception:
        store.release_event(event_id)
        raise
    store.finish_event(event_id, outcome)
    return outcome


def _apply(event: Any) -> str:
    from chalicelib.store import billing as store

    obj = event.data.object
    subscription_id = obj.id if event.type.startswith("customer.subscription.") else None
    subscription_id = subscription_id or _field(obj, "subscription")
    customer_id = _field(obj, "customer")
    workspace_id = _workspace_of(obj, customer_id)
    if workspace_id is None:
        logger.warning("stripe event for no workspace", extra={"event": event.id})
        return "ignored"
    if customer_id and event.type == "checkout.session.completed":
        store.set_customer(workspace_id, customer_id)
    if not subscription_id:
        return "ignored"
    # Read again: whatever order events arrive in, what is written is Stripe's current
    # state, and an event older than the one applied writes nothing.
    subscription = _call(lambda: client().v1.subscriptions.retrieve(subscription_id))
    applied = store_state(workspace_id, int(event.created), subscription)
    _tell_owners(workspace_id, event, subscription)
    if applied:
        settle(workspace_id)
    return "applied" if applied else "stale"


def settle(workspace_id: str) -> None:
    """What a new subscription state means beyond the plan: accounts paused past a lower
    plan's limit (or resumed under a higher one), and the owners told once when the
    grace after a failed payment ran out."""
    entitlements.fit_accounts(workspace_id)
    _tell_restricted(workspace_id)


def _tell_restricted(workspace_id: str, now: datetime | None = None) -> None:
    from chalicelib.notify import notify
    from chalicelib.store import billing as store

    sub = store.subscription(workspace_id)
    newly = (
        sub is not None
        and entitlements.is_restricted(sub, now)
        and store.mark_restricted(workspace_id, int(sub.stripe_at or 0))
    )
    if newly:
        notify(
            workspace_id,
            "billing.restricted",
            "Scheduling is paused until a payment goes through",
            "A payment failed more than 7 days ago. Posts already scheduled still go "
            "out, but nothing new can be scheduled until the card is updated in Billing.",
            link="/settings/billing",
        )


def sweep(now: datetime | None = None) -> dict[str, int]:
    """The hourly billing sweep: what time alone changes. A sign-up trial that ended puts
    the workspace on Free: its accounts past Free's limit are paused (and their posts
    held), once; a payment's grace that ran out restricts the workspace (enforced at
    once by the clock) and its owners are told, once, even with no Stripe event since."""
    from chalicelib.store import billing as store

    if not entitlements.enabled():
        return {"trials": 0, "restricted": 0}
    moment = now or datetime.now(UTC)
    trials = restricted = 0
    for sub in store.waiting_on_time():
        workspace_id = str(sub.workspace_id)
        if sub.status == "trialing":
            if entitlements.status_of(sub, moment) != "trial_ended" or not sub.trial_end:
                continue
            if store.mark_trial_settled(workspace_id, int(sub.trial_end)):
                entitlements.fit_accounts(workspace_id)
                trials += 1
        elif entitlements.is_restricted(sub, moment):
            _tell_restricted(workspace_id, moment)
            restricted += 1
    return {"trials": trials, "restricted": restricted}


def cancel_at_period_end(workspace_id: str, cancel: bool) -> None:
    """Cancel the subscription at the end of its period (the plan holds until then, then
    the workspace is on Free), or keep it after all (`cancel` False). 409 without one."""
    from chalicelib.store import billing as store

    sub = store.subscription(workspace_id)
    if sub is None or not sub.subscription_id or sub.status == "canceled":
        raise Conflict(
            "This workspace has no subscription to cancel.",
            [{"field": "cancel_at_period_end", "message": "no subscription"}],
        )
    stripe_client = client()
    subscription = _call(
        lambda: stripe_client.v1.subscriptions.update(
            sub.subscription_id, params={"cancel_at_period_end": cancel}
        )
    )
    stamp = max(int(sub.stripe_at or 0), int(datetime.now(UTC).timestamp()))
    store_state(workspace_id, stamp, subscription)


def _tell_owners(workspace_id: str, event: Any, subscription: Any) -> None:
    """What the owners must act on: a trial about to end, a payment that failed (each
    event is applied once, so they hear it once)."""
    from chalicelib.notify import notify

    if event.type == "customer.subscription.trial_will_end" and subscription.status == "trialing":
        ends = _when(subscription.trial_end)
        notify(
            workspace_id,
            "billing.trial_will_end",
            "Your trial ends soon",
            f"Your trial ends on {ends:%B %d, %Y} (UTC); the card on file is charged then. "
            "Change plan or cancel from Billing."
            if ends
            else "Your trial ends soon.",
            link="/settings/billing",
        )
    elif event.type == "invoice.payment_failed":
        notify(
            workspace_id,
            "billing.payment_failed",
            "A payment failed",
            "Stripe could not charge the card on file and will try again. Update the card "
            "from Billing to keep your plan.",
            link="/settings/billing",
        )


def store_state(workspace_id: str, stamp: int, subscription: Any) -> bool:
    """Write Stripe's subscription as the workspace's state (unless a newer one is
    stored), with the rule for plan changes: a higher plan is in force at once (Stripe
    prorates it), a lower one only from the next period. Stripe's subscription already
    names the lower price (its next invoice charges it; changed with no proration, by
    `change_plan` or the portal), but the plan paid for this period stays in force until
    `current_period_end`: it is kept as `plan`, the lower one as `pending_plan`. The
    `customer.subscription.updated` of the new period (its period end moved) puts the
    lower plan in force; accounts past its limit are paused then (`settle`)."""
    from chalicelib.store import billing as store

    fields = subscription_fields(subscription)
    stored = store.subscription(workspace_id)
    fields.update(pending_plan=None, pending_interval=None)
    same_period = (
        stored is not None
        and stored.subscription_id == fields["subscription_id"]
        and stored.current_period_end is not None
        and int(stored.current_period_end) == int(fields["current_period_end"] or 0)
        and stored.status in entitlements.PAID_STATUSES
        and fields["status"] in entitlements.PAID_STATUSES
    )
    if same_period and stored is not None:
        period_plan = entitlements.plan_of_subscription(stored)
        if get_plan(fields["plan"]).rank < period_plan.rank:
            fields.update(
                pending_plan=fields["plan"],
                pending_interval=fields["interval"],
                plan=period_plan.id.value,
                interval=stored.interval,
            )
    return store.apply_subscription(workspace_id, stamp, **fields)


PlanChange = str  # "now" (an upgrade, prorated) | "period_end" (a downgrade) | "undone"


def change_plan(workspace_id: str, plan_id: PlanId, interval: Interval) -> PlanChange:
    """Move the workspace's subscription to another paid plan. Higher (or the same plan
    billed differently): Stripe changes the price at once and invoices the rest of the
    period prorated (`proration_behavior=always_invoice`); the plan is in force at once
    and paused accounts resume. Lower: Stripe's price changes with no proration (the next
    invoice charges it) and the current plan stays in force until the period ends
    (`store_state`). Choosing the plan in force while a lower one is pending undoes it.
    409 without a subscription (Checkout first); 422 naming `plan` for Free (cancel
    instead) or a plan not sold at that interval."""
    from chalicelib.store import billing as store

    if not entitlements.enabled():
        raise NotFound("Billing is not enabled on this deployment: every plan's features are on.")
    plan = get_plan(plan_id)
    if plan.id is DEFAULT_PLAN:
        raise invalid("plan", "to move to Free, cancel the subscription at the period's end")
    price = plan.price(interval)
    if price is None:
        raise invalid("plan", f"{plan.name} cannot be bought {interval.value}ly")
    sub = store.subscription(workspace_id)
    if sub is None or not sub.subscription_id or sub.status not in entitlements.PAID_STATUSES:
        raise Conflict(
            "This workspace has no subscription to change: choose a plan with Checkout.",
            [{"field": "plan", "message": "no subscription"}],
        )
    current = entitlements.plan_of_subscription(sub)
    undo = plan.id is current.id and interval.value == sub.interval
    lower = plan.rank < current.rank
    stripe_client = client()
    price_id = _active_price_id(stripe_client, price.lookup_key)
    subscription = _call(lambda: stripe_client.v1.subscriptions.retrieve(sub.subscription_id))
    item = subscription["items"].data[0]
    if item.price.id == price_id and not sub.pending_plan:
        return "undone" if undo else "now"  # nothing to change
    prorate = not (lower or undo) and sub.status == "active"
    subscription = _call(
        lambda: stripe_client.v1.subscriptions.update(
            sub.subscription_id,
            params={
                "items": [{"id": item.id, "price": price_id}],
                "proration_behavior": "always_invoice" if prorate else "none",
            },
        )
    )
    stamp = max(int(sub.stripe_at or 0), int(datetime.now(UTC).timestamp()))
    store_state(workspace_id, stamp, subscription)
    settle(workspace_id)
    return "undone" if undo else "period_end" if lower else "now"


def subscription_fields(subscription: Any) -> dict[str, Any]:
    items = subscription["items"].data
    item = items[0] if items else None
    price = item.price if item is not None else None
    known = (
        plan_for_lookup_key(price.lookup_key) if price is not None and price.lookup_key else None
    )
    plan, plan_price = known if known else (get_plan(DEFAULT_PLAN), None)
    return {
        "subscription_id": subscription.id,
        "plan": plan.id.value,
        "interval": plan_price.interval.value if plan_price else None,
        "status": subscription.status,
        "trial_end": subscription.trial_end,
        "current_period_end": _field(item, "current_period_end") if item is not None else None,
        "cancel_at_period_end": bool(subscription.cancel_at_period_end),
    }


def _field(obj: Any, name: str) -> Any:
    value = getattr(obj, name, None) if obj is not None else None
    return value.id if value is not None and hasattr(value, "id") else value


def _workspace_of(obj: Any, customer_id: str | None) -> str | None:
    """Only a customer Schedulo created (and recorded) names a workspace: an event's
    metadata alone is not trusted."""
    from chalicelib.store import billing as store

    return store.workspace_of_customer(customer_id) if customer_id else None


# ---------------------------------------------------------------------------- operators


MAX_TRIAL_EXTENSION_DAYS = 90


def extend_trial(workspace_id: str, days: int, by: str) -> None:
    """An operator gives the workspace `days` more of its trial (from its end, or from now
    when it already ended): the sign-up trial's end moves (a workspace without one gets
    Schedulo's trial plan from now); a subscription trialing in Stripe has its `trial_end`
    moved in Stripe (no proration), and the state Stripe answers is applied at once.
    Accounts paused when the trial ended are resumed as the plan allows. Recorded in the
    workspace's audit log as `billing.trial_extended` with `by`.

    422 naming `days` outside 1..MAX_TRIAL_EXTENSION_DAYS; 409 when billing is off or the
    workspace pays for a subscription that is not trialing (nothing to extend)."""
    from chalicelib.store import billing as store
    from chalicelib.store.audit import record_event
    from chalicelib.store.base import utcnow

    if not isinstance(days, int) or not 1 <= days <= MAX_TRIAL_EXTENSION_DAYS:
        raise invalid("days", f"must be a whole number from 1 to {MAX_TRIAL_EXTENSION_DAYS}")
    if not entitlements.enabled():
        raise Conflict(
            "Billing is not enabled on this deployment: there is no trial to extend.",
            [{"field": "days", "message": "billing is off"}],
        )
    now = utcnow()
    sub = store.subscription(workspace_id)
    if sub is not None and sub.subscription_id and sub.status not in (None, "canceled"):
        if sub.status != "trialing":
            raise Conflict(
                f"This workspace's subscription is {sub.status}, not trialing: "
                "there is no trial to extend.",
                [{"field": "days", "message": f"subscription is {sub.status}"}],
            )
        start = max(int(sub.trial_end or 0), int(now.timestamp()))
        new_end = start + days * 86400
        stripe_client = client()
        subscription = _call(
            lambda: stripe_client.v1.subscriptions.update(
                sub.subscription_id,
                params={"trial_end": new_end, "proration_behavior": "none"},
            )
        )
        stamp = max(int(sub.stripe_at or 0), int(now.timestamp()))
        store_state(workspace_id, stamp, subscription)
    else:
        running = sub is not None and entitlements.status_of(sub, now) == "trialing"
        start_at = int(sub.trial_end) if running and sub and sub.trial_end else int(now.timestamp())
        new_end = start_at + days * 86400
        store.extend_signup_trial(
            workspace_id,
            plan=sub.plan if running and sub else entitlements.TRIAL_PLAN.value,
            trial_end=new_end,
        )
    entitlements.fit_accounts(workspace_id, by)  # accounts paused when it ended resume
    record_event(
        workspace_id,
        "billing.trial_extended",
        actor=by,
        target=workspace_id,
        details={"days": days, "trial_end": new_end, "by": by},
    )
