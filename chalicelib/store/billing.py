"""Billing's table: each workspace's subscription as Stripe last told it, its usage
counters, the Stripe customer -> workspace map and the Stripe events already applied.

Usage counters are atomic: `take` adds to one or more counters in one transaction, each
with the condition that it stays within its limit, so however many requests arrive
together a counter never passes its limit; `give_back` undoes a take whose write failed
or whose thing is gone. A counter that mirrors stored things (accounts, members) is seeded
once from a count of them (`seed`, conditional: the first seed wins).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.expressions.update import Action

from chalicelib.store.base import iso, table_meta, utcnow
from chalicelib.store.model import StoredModel
from chalicelib.store.transactions import failed_conditions, transaction

EVENT_MEMORY = timedelta(days=30)  # Stripe retries an event for three days
PAST_DUE = frozenset({"past_due", "unpaid"})


class CounterItem(StoredModel):
    Meta = table_meta("billing")

    pk = UnicodeAttribute(hash_key=True)  # usage#<workspace>#<meter>[#<YYYY-MM>]
    used = NumberAttribute(default=0)
    ttl = TTLAttribute(null=True)


class SubscriptionItem(StoredModel):
    """A workspace's plan as the last applied Stripe event (or sign-up's trial) left it."""

    Meta = table_meta("billing")

    pk = UnicodeAttribute(hash_key=True)  # ws#<workspace>
    workspace_id = UnicodeAttribute()
    customer_id = UnicodeAttribute(null=True)
    subscription_id = UnicodeAttribute(null=True)
    plan = UnicodeAttribute(default="free")
    interval = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)  # Stripe's: trialing, active, past_due, canceled...
    trial_end = NumberAttribute(null=True)  # unix seconds
    current_period_end = NumberAttribute(null=True)
    cancel_at_period_end = BooleanAttribute(default=False)
    # The Stripe `created` of the event (or the read) the state comes from: older ones are
    # not applied over it.
    stripe_at = NumberAttribute(default=0)
    updated_at = UnicodeAttribute(null=True)
    # When Stripe first reported the subscription past due (unix, Stripe's clock); gone
    # once it is paid. Grace and restriction count from it.
    past_due_since = NumberAttribute(null=True)
    restricted_at = NumberAttribute(null=True)  # the owners were told it is restricted
    trial_settled = BooleanAttribute(null=True)  # the ended sign-up trial was acted on
    # The accounts the owner keeps active when the plan allows fewer (ordered).
    keep_accounts = ListAttribute(of=UnicodeAttribute, null=True)
    # A lower plan Stripe's subscription moved to during the period: `plan` (the period's)
    # stays in force until `current_period_end`, then this one (billing/service.py).
    pending_plan = UnicodeAttribute(null=True)
    pending_interval = UnicodeAttribute(null=True)


class LinkItem(StoredModel):
    """customer#<id> -> the workspace it bills; event#<id> -> applied (kept a while)."""

    Meta = table_meta("billing")

    pk = UnicodeAttribute(hash_key=True)
    workspace_id = UnicodeAttribute(null=True)
    ttl = TTLAttribute(null=True)


# ------------------------------------------------------------------------------ counters


def counter_key(workspace_id: str, meter: str, month: str | None = None) -> str:
    return f"usage#{workspace_id}#{meter}" + (f"#{month}" if month else "")


@dataclass(frozen=True)
class Want:
    """`amount` more on counter `key`, which may not pass `limit` (None: no limit)."""

    key: str
    amount: int
    limit: int | None


def take(wants: Sequence[Want]) -> Want | None:
    """Add every want, or none: returns the first want that would pass its limit (nothing
    changed then), or None when all were added."""
    wants = [w for w in wants if w.amount]
    if not wants:
        return None
    if len(wants) == 1:  # one conditional update: half a transaction's write cost
        want = wants[0]
        try:
            CounterItem(want.key).update(
                actions=[CounterItem.used.add(want.amount)], condition=_within(want)
            )
        except UpdateError as error:
            if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
                return want
            raise
        return None
    try:
        with transaction() as write:
            for want in wants:
                write.update(
                    CounterItem(want.key),
                    actions=[CounterItem.used.add(want.amount)],
                    condition=_within(want),
                )
    except TransactWriteError as error:
        failed = failed_conditions(error)
        if not any(failed):
            raise
        return wants[failed.index(True)]
    return None


def _within(want: Want) -> Any:
    if want.limit is None:
        return None
    if want.amount < 0:
        return None
    room = want.limit - want.amount
    if room < 0:
        # Asking for more than the whole limit: refused whatever the count.
        return CounterItem.used < -1
    return CounterItem.used.does_not_exist() | (CounterItem.used <= room)


def give_back(key: str, amount: int) -> None:
    """Undo `amount` of an earlier take (never below zero)."""
    if amount <= 0:
        return
    try:
        CounterItem(key).update(
            actions=[CounterItem.used.add(-amount)], condition=CounterItem.used >= amount
        )
    except UpdateError as error:
        if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
            raise
        CounterItem(key).update(
            actions=[CounterItem.used.set(0)], condition=CounterItem.used.exists()
        )


def used(key: str) -> int | None:
    """The counter's value; None when it was never seeded nor taken."""
    try:
        return int(CounterItem.get(key, consistent_read=True).used)
    except CounterItem.DoesNotExist:
        return None


def used_many(keys: Sequence[str]) -> dict[str, int]:
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    return {item.pk: int(item.used) for item in CounterItem.batch_get(keys, consistent_read=True)}


def seed(key: str, count: Callable[[], int]) -> None:
    """Start counter `key` at `count()` unless it exists (the first seed wins)."""
    if used(key) is not None:
        return
    try:
        CounterItem(key, used=count()).save(condition=CounterItem.pk.does_not_exist())
    except PutError as error:
        if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
            raise


# -------------------------------------------------------------------------- subscriptions


# Enforcement reads the plan on every create; a container keeps what it read this long
# (a plan change made elsewhere reaches it within that time; here, at once).
PLAN_CACHE_SECONDS = 30.0
_recent: dict[str, tuple[float, SubscriptionItem | None]] = {}


def subscription(workspace_id: str, max_age: float = 0.0) -> SubscriptionItem | None:
    """The workspace's subscription; with `max_age`, as read by this container at most
    that many seconds ago."""
    if max_age > 0:
        kept = _recent.get(workspace_id)
        if kept is not None and time.monotonic() - kept[0] < max_age:
            return kept[1]
    try:
        found: SubscriptionItem | None = SubscriptionItem.get(
            f"ws#{workspace_id}", consistent_read=True
        )
    except SubscriptionItem.DoesNotExist:
        found = None
    if len(_recent) > 10_000:
        _recent.clear()
    _recent[workspace_id] = (time.monotonic(), found)
    return found


def forget_recent(workspace_id: str | None = None) -> None:
    """Drop what this container keeps of a subscription (of all, with None)."""
    if workspace_id is None:
        _recent.clear()
    else:
        _recent.pop(workspace_id, None)


def apply_subscription(workspace_id: str, stripe_at: int, **fields: Any) -> bool:
    """Write the subscription state unless a newer one is stored (`stripe_at` orders
    them); False when it was older and nothing changed."""
    forget_recent(workspace_id)
    item = SubscriptionItem(f"ws#{workspace_id}")
    actions: list[Action] = [SubscriptionItem.workspace_id.set(workspace_id)]
    actions += [SubscriptionItem.stripe_at.set(stripe_at)]
    actions += [SubscriptionItem.updated_at.set(iso(utcnow()))]
    for name, value in fields.items():
        attribute = getattr(SubscriptionItem, name)
        actions.append(attribute.set(value) if value is not None else attribute.remove())
    if fields.get("status") in PAST_DUE:
        since = SubscriptionItem.past_due_since
        actions.append(since.set(since | stripe_at))  # the first report wins
    elif "status" in fields:
        actions.append(SubscriptionItem.past_due_since.remove())
        actions.append(SubscriptionItem.restricted_at.remove())
    try:
        item.update(
            actions=actions,
            condition=SubscriptionItem.stripe_at.does_not_exist()
            | (SubscriptionItem.stripe_at <= stripe_at),
        )
    except UpdateError as error:
        if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
            return False
        raise
    finally:
        forget_recent(workspace_id)
    return True


def extend_signup_trial(workspace_id: str, plan: str, trial_end: int) -> None:
    """The workspace tries `plan` until `trial_end` (unix seconds), without a card: the
    sign-up trial's item, kept apart from any Stripe subscription it had (a canceled one's
    id goes, so the trial is read as the sign-up's)."""
    forget_recent(workspace_id)
    try:
        SubscriptionItem(f"ws#{workspace_id}").update(
            actions=[
                SubscriptionItem.workspace_id.set(workspace_id),
                SubscriptionItem.plan.set(plan),
                SubscriptionItem.status.set("trialing"),
                SubscriptionItem.trial_end.set(trial_end),
                SubscriptionItem.subscription_id.remove(),
                SubscriptionItem.current_period_end.remove(),
                SubscriptionItem.cancel_at_period_end.set(False),
                SubscriptionItem.updated_at.set(iso(utcnow())),
                SubscriptionItem.trial_settled.remove(),
            ]
        )
    finally:
        forget_recent(workspace_id)


def waiting_on_time() -> list[SubscriptionItem]:
    """Subscriptions that time alone may change: sign-up trials not yet settled, and
    past-due ones whose owners were not yet told of a restriction (a scan of the billing
    table, which holds one item per workspace and its counters)."""
    return list(
        SubscriptionItem.scan(
            SubscriptionItem.pk.startswith("ws#")
            & (
                (
                    (SubscriptionItem.status == "trialing")
                    & SubscriptionItem.subscription_id.does_not_exist()
                    & SubscriptionItem.trial_settled.does_not_exist()
                )
                | (
                    SubscriptionItem.status.is_in(*PAST_DUE)
                    & SubscriptionItem.restricted_at.does_not_exist()
                )
            )
        )
    )


def mark_trial_settled(workspace_id: str, trial_end: int) -> bool:
    """The ended sign-up trial was acted on (once: not if its end moved meanwhile)."""
    forget_recent(workspace_id)
    try:
        SubscriptionItem(f"ws#{workspace_id}").update(
            actions=[SubscriptionItem.trial_settled.set(True)],
            condition=(SubscriptionItem.trial_end == trial_end)
            & SubscriptionItem.trial_settled.does_not_exist(),
        )
    except UpdateError as error:
        if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
            return False
        raise
    return True


def mark_restricted(workspace_id: str, at: int) -> bool:
    """Record that the owners were told of the restriction; False when they were."""
    forget_recent(workspace_id)
    try:
        SubscriptionItem(f"ws#{workspace_id}").update(
            actions=[SubscriptionItem.restricted_at.set(at)],
            condition=SubscriptionItem.restricted_at.does_not_exist()
            & SubscriptionItem.past_due_since.exists(),
        )
    except UpdateError as error:
        if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
            return False
        raise
    return True


def set_keep_accounts(workspace_id: str, account_ids: list[str]) -> None:
    forget_recent(workspace_id)
    SubscriptionItem(f"ws#{workspace_id}").update(
        actions=[
            SubscriptionItem.workspace_id.set(workspace_id),
            SubscriptionItem.keep_accounts.set(account_ids),  # type: ignore[arg-type]
        ]
    )
    forget_recent(workspace_id)


def set_customer(workspace_id: str, customer_id: str) -> str:
    """Record the workspace's Stripe customer unless one is recorded; the one kept."""
    try:
        SubscriptionItem(f"ws#{workspace_id}").update(
            actions=[
                SubscriptionItem.workspace_id.set(workspace_id),
                SubscriptionItem.customer_id.set(customer_id),
            ],
            condition=SubscriptionItem.customer_id.does_not_exist(),
        )
    except UpdateError as error:
        if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
            raise
        kept = subscription(workspace_id)
        assert kept is not None and kept.customer_id
        return kept.customer_id
    LinkItem(f"customer#{customer_id}", workspace_id=workspace_id).save()
    return customer_id


def workspace_of_customer(customer_id: str) -> str | None:
    try:
        return LinkItem.get(f"customer#{customer_id}", consistent_read=True).workspace_id
    except LinkItem.DoesNotExist:
        return None


# --------------------------------------------------------------------------------- events


class EventItem(StoredModel):
    """A verified Stripe event, recorded when the webhook acknowledged it and applied
    after: `pending`, `applying` (claimed at `claimed_at`), then `done` with its outcome."""

    Meta = table_meta("billing")

    pk = UnicodeAttribute(hash_key=True)  # event#<id>
    payload = UnicodeAttribute(null=True)  # the event's JSON as Stripe signed it
    state = UnicodeAttribute(default="pending")
    outcome = UnicodeAttribute(null=True)  # applied, stale, ignored
    claimed_at = NumberAttribute(null=True)  # unix seconds
    received_at = NumberAttribute(null=True)
    ttl = TTLAttribute(null=True)


APPLY_LEASE_SECONDS = 300  # an application not finished by then may be taken over


def record_event(event_id: str, payload: str) -> EventItem | None:
    """Record a verified event to apply; None when it was recorded before (a replay)."""
    item = EventItem(
        f"event#{event_id}",
        payload=payload,
        state="pending",
        received_at=int(time.time()),
        ttl=utcnow() + EVENT_MEMORY,
    )
    try:
        item.save(condition=EventItem.pk.does_not_exist())
    except PutError as error:
        if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
            return None
        raise
    return item


def event(event_id: str) -> EventItem | None:
    try:
        return EventItem.get(f"event#{event_id}", consistent_read=True)
    except EventItem.DoesNotExist:
        return None


def claim_event(event_id: str, now: int) -> EventItem | None:
    """Take the event to apply it: pending, or applying past its lease (the worker that
    had it stopped). None when it is done or another worker has it."""
    item = EventItem(f"event#{event_id}")
    lapsed = now - APPLY_LEASE_SECONDS
    try:
        item.update(
            actions=[EventItem.state.set("applying"), EventItem.claimed_at.set(now)],
            condition=(EventItem.state == "pending")
            | ((EventItem.state == "applying") & (EventItem.claimed_at < lapsed)),
        )
    except UpdateError as error:
        if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
            return None
        raise
    return event(event_id)


def finish_event(event_id: str, outcome: str) -> None:
    EventItem(f"event#{event_id}").update(
        actions=[
            EventItem.state.set("done"),
            EventItem.outcome.set(outcome),
            EventItem.payload.remove(),  # applied: what it said is in the subscription now
        ]
    )


def release_event(event_id: str) -> None:
    """Its application failed: pending again, for the next attempt."""
    EventItem(f"event#{event_id}").update(
        actions=[EventItem.state.set("pending"), EventItem.claimed_at.remove()],
        condition=EventItem.state == "applying",
    )
