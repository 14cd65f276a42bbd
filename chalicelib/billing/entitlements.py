"""What a workspace's plan allows, enforced where a meter is consumed.

Billing is on only with a Stripe secret key (`Settings.billing_enabled`): self-hosted
without one, nothing is counted and nothing is limited.

Meters enforced here, each an atomic counter in the billing table (store/billing.py):
- connected accounts: taken before an account is connected, given back on disconnect;
- team members: members plus pending invitations, taken by an invitation, given back when
  it is revoked or expires (swept before each new invitation) or a member leaves;
- scheduled posts per calendar month, in the workspace's time zone: a post that is not a
  draft counts in the month it goes out (`PostItem.billed_month`), moves with it, and is
  given back when it becomes a draft again or is deleted before publishing.

Over a limit: 402 `plan_limit`, its details naming the meter, the limit and the usage.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.billing.plans import DEFAULT_PLAN, Meter, Plan, PlanId, get_plan
from chalicelib.errors import PlanLimit
from chalicelib.settings import get_settings

if TYPE_CHECKING:
    from chalicelib.store.billing import SubscriptionItem
    from chalicelib.store.posts import PostItem

# Stripe statuses that keep the paid plan (past_due: Stripe is still retrying the card).
PAID_STATUSES = frozenset({"active", "trialing", "past_due"})
# What a new sign-up tries for SCHEDULO_TRIAL_DAYS, without a card (no Stripe call).
TRIAL_PLAN = PlanId.PRO

NOUNS = {
    Meter.CONNECTED_ACCOUNTS: "connected accounts",
    Meter.SCHEDULED_POSTS_PER_MONTH: "scheduled posts a month",
    Meter.TEAM_MEMBERS: "team members (pending invitations included)",
}


def enabled() -> bool:
    return get_settings().billing_enabled


def status_of(sub: SubscriptionItem | None, now: datetime | None = None) -> str | None:
    """Stripe's status, or the sign-up trial's: `trialing` until it ends, `trial_ended`."""
    if sub is None:
        return None
    if sub.status == "trialing" and not sub.subscription_id:
        moment = (now or datetime.now(UTC)).timestamp()
        return "trialing" if sub.trial_end and moment < int(sub.trial_end) else "trial_ended"
    return sub.status


def trial_item(workspace_id: str, now: datetime) -> SubscriptionItem | None:
    """A new workspace's trial, written with the sign-up; None when billing is off or
    the deployment gives no trial."""
    from chalicelib.store.billing import SubscriptionItem

    days = get_settings().trial_days
    if not enabled() or days <= 0:
        return None
    return SubscriptionItem(
        f"ws#{workspace_id}",
        workspace_id=workspace_id,
        plan=TRIAL_PLAN.value,
        status="trialing",
        trial_end=int((now + timedelta(days=days)).timestamp()),
        stripe_at=0,
    )


def plan_of_subscription(sub: SubscriptionItem | None, now: datetime | None = None) -> Plan:
    if sub is None or status_of(sub, now) not in PAID_STATUSES:
        return get_plan(DEFAULT_PLAN)
    try:
        return get_plan(sub.plan)
    except (KeyError, ValueError):
        return get_plan(DEFAULT_PLAN)


def plan_for(workspace_id: str) -> Plan:
    """The plan enforced now (as this container read it at most PLAN_CACHE_SECONDS ago)."""
    from chalicelib.store import billing as store

    return plan_of_subscription(store.subscription(workspace_id, store.PLAN_CACHE_SECONDS))


def limit_of(workspace_id: str, meter: Meter) -> int | None:
    """How much of `meter` the workspace may use; None: no limit (or billing off)."""
    if not enabled():
        return None
    return plan_for(workspace_id).limits[meter]


def refusal(workspace_id: str, meter: Meter, limit: int, used: int, month: str | None = None):
    plan = plan_for(workspace_id)
    noun = NOUNS.get(meter, meter.value.replace("_", " "))
    when = f" in {month}" if month else ""
    detail: dict[str, Any] = {
        "field": meter.value,
        "meter": meter.value,
        "limit": limit,
        "used": used,
        "plan": plan.id.value,
        "message": f"{used} of {limit} used{when}",
    }
    if month:
        detail["month"] = month
    return PlanLimit(
        f"Your {plan.name} plan allows {limit} {noun}; {used} used{when}. "
        "Upgrade your plan to add more.",
        [detail],
    )


# -------------------------------------------------------------------- counted things


def _count_accounts(workspace_id: str) -> int:
    from chalicelib.store.accounts import count

    return count(workspace_id)


def _pending(workspace_id: str) -> list[Any]:
    from chalicelib.people.invitations import status_of
    from chalicelib.store.invitations import list_invitations

    return [i for i in list_invitations(workspace_id) if status_of(i) == "pending"]


def _count_members(workspace_id: str) -> int:
    from chalicelib.store.members import list_members

    # Expired invitations are marked first (nothing to give back yet: the counter is
    # being seeded), so none is both left out of the seed and given back later.
    _expire_invitations(workspace_id)
    return len(list_members(workspace_id)) + len(_pending(workspace_id))


SEEDS: dict[Meter, Callable[[str], int]] = {
    Meter.CONNECTED_ACCOUNTS: _count_accounts,
    Meter.TEAM_MEMBERS: _count_members,
}


def _key(workspace_id: str, meter: Meter, month: str | None = None) -> str:
    from chalicelib.store.billing import counter_key

    return counter_key(workspace_id, meter.value, month)


def usage(workspace_id: str, meter: Meter, month: str | None = None) -> int:
    """The meter's current count (seeded from what is stored when it never was)."""
    from chalicelib.store import billing as store

    key = _key(workspace_id, meter, month)
    if meter in SEEDS:
        store.seed(key, lambda: SEEDS[meter](workspace_id))
    return store.used(key) or 0


def take(workspace_id: str, meter: Meter, amount: int = 1) -> None:
    """Count `amount` more of a meter that mirrors stored things, or raise 402."""
    from chalicelib.store import billing as store

    if not enabled() or amount <= 0:
        return
    key = _key(workspace_id, meter)
    if meter in SEEDS:
        store.seed(key, lambda: SEEDS[meter](workspace_id))
    limit = limit_of(workspace_id, meter)
    if store.take([store.Want(key, amount, limit)]) is not None:
        assert limit is not None
        raise refusal(workspace_id, meter, limit, store.used(key) or 0)


def give_back(workspace_id: str, meter: Meter, amount: int = 1) -> None:
    from chalicelib.store import billing as store

    if not enabled() or amount <= 0:
        return
    key = _key(workspace_id, meter)
    if store.used(key) is not None:
        store.give_back(key, amount)


# ---------------------------------------------------------------------------- accounts


def check_can_connect(workspace_id: str, adding: int) -> None:
    """Count `adding` more connected accounts, or raise 402; the caller gives them back
    (`release_accounts`) when connecting fails."""
    take(workspace_id, Meter.CONNECTED_ACCOUNTS, adding)


def release_accounts(workspace_id: str, count: int = 1) -> None:
    give_back(workspace_id, Meter.CONNECTED_ACCOUNTS, count)


# ----------------------------------------------------------------------------- members


def take_member_seat(workspace_id: str) -> None:
    """Before an invitation: pending invitations that expired give their seat back (each
    once: its status moves from pending to expired conditionally), then one seat is
    counted or 402."""
    if not enabled():
        return
    _expire_invitations(workspace_id)
    take(workspace_id, Meter.TEAM_MEMBERS, 1)


def release_member_seat(workspace_id: str) -> None:
    give_back(workspace_id, Meter.TEAM_MEMBERS, 1)


def _expire_invitations(workspace_id: str) -> None:
    from pynamodb.exceptions import UpdateError

    from chalicelib.store.base import iso, utcnow
    from chalicelib.store.invitations import InvitationRecord, list_invitations

    now = iso(utcnow())
    for invitation in list_invitations(workspace_id):
        if invitation.status != "pending" or invitation.expires_at > now:
            continue
        try:
            invitation.update(
                [InvitationRecord.status.set("expired")],
                condition=InvitationRecord.status == "pending",
            )
        except UpdateError:
            continue  # accepted, revoked or expired by another request meanwhile
        release_member_seat(workspace_id)


# ------------------------------------------------------------------------------- posts


def month_of(instant: datetime, timezone: str) -> str:
    from chalicelib.domain.timezones import to_wall

    return to_wall(instant, timezone).strftime("%Y-%m")


def post_month(item: PostItem, timezone: str, now: datetime) -> str | None:
    """The month whose counter a post counts in as written now; None for a draft."""
    if item.status == "draft":
        return None
    when = datetime.fromisoformat(item.scheduled_at) if item.scheduled_at else now
    return month_of(when, timezone)


def bill_post(item: PostItem, timezone: str, now: datetime) -> Callable[[], None]:
    """Before `item` is written: count it in the month it now goes out in (giving back
    the month it counted in before), or 402 when that month is full. Returns what undoes
    it, for when the write fails."""
    from chalicelib.store import billing as store

    if not enabled():
        return lambda: None
    workspace_id = item.workspace_id
    old, new = item.billed_month, post_month(item, timezone, now)
    if old == new:
        return lambda: None
    meter = Meter.SCHEDULED_POSTS_PER_MONTH
    limit = limit_of(workspace_id, meter)
    wants = []
    if new:
        wants.append(store.Want(_key(workspace_id, meter, new), 1, limit))
    if old:
        wants.append(store.Want(_key(workspace_id, meter, old), -1, None))
    if store.take(wants) is not None:
        assert limit is not None and new is not None
        raise refusal(workspace_id, meter, limit, usage(workspace_id, meter, new), new)
    item.billed_month = new

    def undo() -> None:
        store.take([store.Want(w.key, -w.amount, None) for w in wants])
        item.billed_month = old

    return undo


def unbill_post(item: PostItem) -> None:
    """The post is gone before publishing: its month gets it back."""
    from chalicelib.store import billing as store

    if not enabled() or not item.billed_month:
        return
    store.give_back(_key(item.workspace_id, Meter.SCHEDULED_POSTS_PER_MONTH, item.billed_month), 1)


def bill_rows(workspace_id: str, timezone: str, rows: Mapping[int, datetime]) -> Callable[[], None]:
    """Count a bulk import's rows ({row number: when it goes out}) in their months, all
    or none: 402 naming the rows past each full month's room. Returns what undoes it."""
    from chalicelib.store import billing as store

    if not enabled() or not rows:
        return lambda: None
    meter = Meter.SCHEDULED_POSTS_PER_MONTH
    limit = limit_of(workspace_id, meter)
    months: dict[str, list[int]] = {}
    for row, when in sorted(rows.items(), key=lambda pair: (pair[1], pair[0])):
        months.setdefault(month_of(when, timezone), []).append(row)
    wants = [store.Want(_key(workspace_id, meter, m), len(r), limit) for m, r in months.items()]
    if store.take(wants) is None:

        def undo() -> None:
            store.take([store.Want(w.key, -w.amount, None) for w in wants])

        return undo
    assert limit is not None
    details: list[dict[str, Any]] = []
    used_first, first_month = 0, None
    for month, month_rows in sorted(months.items()):
        used = usage(workspace_id, meter, month)
        room = max(0, limit - used)
        over = month_rows[room:]
        if over:
            if first_month is None:
                used_first, first_month = used, month
            details.append(
                {
                    "field": "rows",
                    "meter": meter.value,
                    "limit": limit,
                    "used": used,
                    "month": month,
                    "rows": over,
                    "message": f"{month}: {used} of {limit} used; rows {_ranges(over)} "
                    "would pass the limit",
                }
            )
    error = refusal(
        workspace_id, meter, limit, used_first, details[0]["month"] if details else None
    )
    error.details = details or error.details
    over_count = sum(len(d["rows"]) for d in details)
    error.message = (
        f"{over_count} rows would pass your plan's {limit} scheduled posts a month; "
        "nothing was scheduled. Upgrade your plan, or remove those rows."
    )
    raise error


def _ranges(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:10])
    return shown + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")


def plan_id_of(workspace_id: str) -> PlanId:
    return plan_for(workspace_id).id
