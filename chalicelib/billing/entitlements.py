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
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.billing.plans import DEFAULT_PLAN, PLANS, Feature, Meter, Plan, PlanId, get_plan
from chalicelib.errors import ApiError, PlanLimit
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
    Meter.WORKSPACES_PER_OWNER: "workspaces you own",
    Meter.BULK_ROWS_PER_IMPORT: "rows per bulk import",
    Meter.AI_CREDITS_PER_MONTH: "AI credits a month",
    Meter.ANALYTICS_HISTORY_DAYS: "days of analytics history",
}
FEATURE_NOUNS = {
    Feature.APPROVALS: "approvals",
    Feature.API_KEYS: "API keys",
    Feature.OUTGOING_WEBHOOKS: "outgoing webhooks",
    Feature.AI_ASSISTANT: "the AI assistant",
    Feature.ANALYTICS_EXPORT: "analytics exports (CSV and PDF)",
    Feature.CLIENT_REVIEW_LINKS: "client review links",
}
# Counted per calendar month (UTC for AI credits; posts are billed by bill_post in the
# workspace's zone).
MONTHLY_UTC = frozenset({Meter.AI_CREDITS_PER_MONTH})


GRACE = timedelta(days=7)  # a failed payment keeps the plan this long, then restricts


class PaymentRequired(PlanLimit):
    """Restricted after a failed payment's grace: nothing new is scheduled. A PlanLimit,
    so the paths that hold a post as a draft at a plan limit (recurrence) hold it here."""

    status, code = 402, "payment_required"


class PlanFeatureMissing(ApiError):
    """The workspace's plan does not include a feature (and no operator turned it on)."""

    status, code = 402, "plan_feature"


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


def grace_end(sub: SubscriptionItem | None) -> int | None:
    """When a past-due subscription's grace ends (unix); None when none is running."""
    from chalicelib.store.billing import PAST_DUE

    if sub is None or sub.status not in PAST_DUE or not sub.past_due_since:
        return None
    return int(sub.past_due_since) + int(GRACE.total_seconds())


def is_restricted(sub: SubscriptionItem | None, now: datetime | None = None) -> bool:
    """Past due beyond the grace, by this clock or by the latest Stripe event's (Stripe's
    clock: the local Stripe's moves ahead in tests)."""
    end = grace_end(sub)
    if end is None or sub is None:
        return False
    moment = max((now or datetime.now(UTC)).timestamp(), float(sub.stripe_at or 0))
    return moment >= end


def check_can_schedule(workspace_id: str) -> None:
    """402 `payment_required` while the workspace is restricted: nothing new is scheduled
    (what is scheduled still goes out)."""
    from chalicelib.store import billing as store

    if not enabled():
        return
    sub = store.subscription(workspace_id, store.PLAN_CACHE_SECONDS)
    if is_restricted(sub):
        raise PaymentRequired(
            "A payment failed more than 7 days ago: nothing new can be scheduled until the "
            "card is updated (posts already scheduled still go out). Update it from Billing.",
            [{"field": "billing", "message": "payment required", "status": sub and sub.status}],
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


# ---------------------------------------------------------------------------- features


def operator_flags(workspace_id: str) -> dict[str, bool]:
    """The flags an operator set on the workspace (the console's feature flags)."""
    from chalicelib.store.workspaces import get_workspace

    workspace = get_workspace(workspace_id)
    return dict(workspace.feature_flags or {}) if workspace is not None else {}


def has_feature(
    workspace_id: str, feature: Feature, flags: Mapping[str, bool] | None = None
) -> bool:
    """Whether the workspace may use `feature`: billing off, its plan includes it, or an
    operator turned its flag (named as the feature) on. The workspace is read only when
    the plan lacks the feature and `flags` were not given."""
    if not enabled() or feature in plan_for(workspace_id).features:
        return True
    if flags is None:
        flags = operator_flags(workspace_id)
    return bool(flags.get(feature.value))


def features_of(workspace_id: str, plan: Plan, flags: Mapping[str, bool]) -> list[str]:
    """What the workspace may use: the plan's features and those an operator turned on."""
    on = set(plan.features) | {f for f in Feature if flags.get(f.value)}
    return sorted(f.value for f in on)


def cheapest_with(feature: Feature) -> Plan | None:
    having = [p for p in PLANS if feature in p.features]
    return min(having, key=lambda p: p.rank) if having else None


def require(workspace_id: str, feature: Feature, flags: Mapping[str, bool] | None = None) -> None:
    """402 `plan_feature` naming the feature and the plan that has it, unless the
    workspace may use it."""
    if has_feature(workspace_id, feature, flags):
        return
    plan = plan_for(workspace_id)
    needed = cheapest_with(feature)
    noun = FEATURE_NOUNS.get(feature, feature.value)
    upgrade = f"; the {needed.name} plan does. Upgrade to use it." if needed else "."
    detail: dict[str, Any] = {
        "field": feature.value,
        "feature": feature.value,
        "plan": plan.id.value,
        "required_plan": needed.id.value if needed else None,
        "message": f"not included in {plan.name}",
    }
    raise PlanFeatureMissing(f"Your {plan.name} plan does not include {noun}{upgrade}", [detail])


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


def utc_month(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y-%m")


def take(workspace_id: str, meter: Meter, amount: int = 1) -> None:
    """Count `amount` more of a meter (a per-workspace one, or AI credits this UTC month),
    or raise 402: `plan_limit` past the limit, `plan_feature` for AI credits on a plan
    without the AI assistant. Nothing is counted when it raises."""
    from chalicelib.store import billing as store

    if not enabled() or amount <= 0:
        return
    flags: Mapping[str, bool] | None = None
    if meter is Meter.AI_CREDITS_PER_MONTH:
        flags = operator_flags(workspace_id)
        require(workspace_id, Feature.AI_ASSISTANT, flags)
    month = utc_month() if meter in MONTHLY_UTC else None
    key = _key(workspace_id, meter, month)
    if meter in SEEDS:
        store.seed(key, lambda: SEEDS[meter](workspace_id))
    limit = limit_of(workspace_id, meter)
    if flags and meter is Meter.AI_CREDITS_PER_MONTH and limit == 0:
        # An operator turned the assistant on for a plan without credits: the credits of
        # the cheapest plan that has it.
        needed = cheapest_with(Feature.AI_ASSISTANT)
        limit = needed.limits[meter] if needed else limit
    if store.take([store.Want(key, amount, limit)]) is not None:
        assert limit is not None
        raise refusal(workspace_id, meter, limit, store.used(key) or 0, month)


def give_back(workspace_id: str, meter: Meter, amount: int = 1) -> None:
    """Undo a take whose work failed (AI credits: of this UTC month)."""
    from chalicelib.store import billing as store

    if not enabled() or amount <= 0:
        return
    key = _key(workspace_id, meter, utc_month() if meter in MONTHLY_UTC else None)
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
    if new is not None:
        check_can_schedule(workspace_id)
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


def create_billed(item: PostItem, timezone: str, now: datetime) -> None:
    """Write a new post, counted in the month it goes out in; 402 when that month is
    full, and nothing written. Counted first (one conditional update), then written, the
    count given back if the write fails, as an edit's `bill_post` does: a transaction of
    the two would bill twice their write units (8 against 4 a post). A crash between the
    two leaves the month counting one post too many, never one too few."""
    from chalicelib.store import billing as store
    from chalicelib.store import posts as post_store

    new = post_month(item, timezone, now) if enabled() else None
    if new is None:
        post_store.create(item)
        return
    workspace_id = item.workspace_id
    check_can_schedule(workspace_id)
    meter = Meter.SCHEDULED_POSTS_PER_MONTH
    limit = limit_of(workspace_id, meter)
    key = _key(workspace_id, meter, new)
    if store.take([store.Want(key, 1, limit)]) is not None:
        assert limit is not None
        raise refusal(workspace_id, meter, limit, usage(workspace_id, meter, new), new)
    item.billed_month = new
    try:
        post_store.create(item)
    except Exception:
        item.billed_month = None
        store.give_back(key, 1)
        raise


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
    check_can_schedule(workspace_id)
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


# -------------------------------------------------------------------------- workspaces


def _owned(user_id: str) -> list[str]:
    from chalicelib.store.members import memberships_of

    return [m.workspace_id for m in memberships_of(user_id) if m.role == "owner"]


def _owner_key(user_id: str) -> str:
    from chalicelib.store.billing import counter_key

    return counter_key(f"user:{user_id}", Meter.WORKSPACES_PER_OWNER.value)


def take_workspace(user_id: str) -> Callable[[], None]:
    """Before `user_id` creates a workspace: one more owned workspace counted, within the
    most generous limit among the plans of the workspaces they own (402 `plan_limit`
    otherwise). Returns what gives it back, for when the creation fails.

    The count is an atomic counter per user, seeded from the workspaces they own and
    moved when they become or stop being an owner (`owner_changed`)."""
    from chalicelib.store import billing as store

    if not enabled():
        return lambda: None
    owned = _owned(user_id)
    plans = [plan_for(w) for w in owned] or [get_plan(DEFAULT_PLAN)]
    caps = [p.limits[Meter.WORKSPACES_PER_OWNER] for p in plans]
    limit = None if None in caps else max(c for c in caps if c is not None)
    best = max(plans, key=lambda p: p.rank)
    key = _owner_key(user_id)
    store.seed(key, lambda: len(owned))
    want = store.Want(key, 1, limit)
    if store.take([want]) is not None:
        assert limit is not None
        noun = NOUNS[Meter.WORKSPACES_PER_OWNER]
        raise PlanLimit(
            f"Your {best.name} plan allows {limit} {noun}; you own {len(owned)}. "
            "Upgrade a workspace's plan to own more.",
            [
                {
                    "field": Meter.WORKSPACES_PER_OWNER.value,
                    "meter": Meter.WORKSPACES_PER_OWNER.value,
                    "limit": limit,
                    "used": len(owned),
                    "plan": best.id.value,
                    "message": f"{len(owned)} of {limit} owned",
                }
            ],
        )
    return lambda: store.give_back(key, 1)


def owner_changed(user_id: str, delta: int) -> None:
    """`user_id` became (+1) or stopped being (-1) an owner of a workspace other than by
    creating it: their count follows (once seeded; a seed counts what is stored)."""
    from chalicelib.store import billing as store

    if not enabled() or not delta:
        return
    key = _owner_key(user_id)
    if store.used(key) is None:
        return
    if delta > 0:
        store.take([store.Want(key, delta, None)])
    else:
        store.give_back(key, -delta)


# ------------------------------------------------------------------------- bulk import


def check_bulk_rows(workspace_id: str, rows: int) -> None:
    """An import of `rows` rows fits the plan's rows per import, or 402 `plan_limit`
    naming `rows`, the limit and the rows in the file (nothing is written)."""
    limit = limit_of(workspace_id, Meter.BULK_ROWS_PER_IMPORT)
    if limit is None or rows <= limit:
        return
    plan = plan_for(workspace_id)
    message = (
        f"Your {plan.name} plan does not include bulk import. Upgrade your plan to import rows."
        if limit == 0
        else f"Your {plan.name} plan allows {limit:,} rows per import; this file has "
        f"{rows:,}. Split the file, or upgrade your plan."
    )
    raise PlanLimit(
        message,
        [
            {
                "field": "rows",
                "meter": Meter.BULK_ROWS_PER_IMPORT.value,
                "limit": limit,
                "used": rows,
                "plan": plan.id.value,
                "message": f"{rows} rows; at most {limit}",
            }
        ],
    )


# ------------------------------------------------------------------------------ history


def check_history(workspace_id: str, start: date, today: date) -> None:
    """Analytics from `start` lie within the plan's history depth (days before `today`,
    in the workspace's zone), or 402 `plan_limit` naming `from`, the limit in days and
    how far back was asked: a clear refusal rather than a silently shortened period."""
    limit = limit_of(workspace_id, Meter.ANALYTICS_HISTORY_DAYS)
    back = (today - start).days
    if limit is None or back <= limit:
        return
    plan = plan_for(workspace_id)
    earliest = today - timedelta(days=limit)
    raise PlanLimit(
        f"Your {plan.name} plan keeps {limit} days of analytics history: the earliest "
        f"day you can see is {earliest.isoformat()}. Upgrade your plan to see further back.",
        [
            {
                "field": "from",
                "meter": Meter.ANALYTICS_HISTORY_DAYS.value,
                "limit": limit,
                "used": back,
                "plan": plan.id.value,
                "earliest": earliest.isoformat(),
                "message": f"{back} days back; at most {limit}",
            }
        ],
    )


@dataclass(frozen=True)
class HistoryDepth:
    earliest: date  # the first day the plan shows, in the workspace's zone
    days: int
    plan_name: str


def history_depth(workspace_id: str, today: date) -> HistoryDepth | None:
    """How far back the plan lets the workspace's analytics go; None: no limit."""
    limit = limit_of(workspace_id, Meter.ANALYTICS_HISTORY_DAYS)
    if limit is None:
        return None
    return HistoryDepth(today - timedelta(days=limit), limit, plan_for(workspace_id).name)


# ----------------------------------------------------------------------- paused accounts

# What pausing leaves alone: disconnected accounts are gone already; paused ones are paused.
PAUSABLE = frozenset({"connected", "expiring", "needs_reconnect"})


def _active_order(accounts: list[Any], keep: list[str]) -> list[Any]:
    """Who stays active first: the owner's choice in their order, then the earliest
    connected (so the most recently connected are paused first)."""
    rank = {account_id: i for i, account_id in enumerate(keep)}
    return sorted(
        accounts,
        key=lambda a: (rank.get(a.account_id, len(rank)), a.created_at, a.account_id),
    )


def fit_accounts(workspace_id: str, actor: str = "billing") -> tuple[list[str], list[str]]:
    """Make the active accounts fit the plan: pause the ones past its limit (the owner's
    choice kept, then the most recently connected paused first), or resume paused ones
    while there is room. Nothing is deleted; a paused account keeps its tokens and is
    not published to. Returns (paused, resumed) account ids; the owners are told."""
    from chalicelib.store import accounts as account_store
    from chalicelib.store import billing as store
    from chalicelib.store.audit import record_event

    if not enabled():
        return [], []
    limit = plan_for(workspace_id).limits[Meter.CONNECTED_ACCOUNTS]
    sub = store.subscription(workspace_id)
    keep = [str(k) for k in (sub.keep_accounts or [])] if sub is not None else []
    listed = account_store.list_accounts(workspace_id)
    candidates = [a for a in listed if a.status in PAUSABLE or a.status == "paused"]
    order = _active_order(candidates, keep)
    room = len(order) if limit is None else limit
    stays, goes = order[:room], order[room:]
    paused = [a for a in goes if a.status != "paused"]
    resumed = [a for a in stays if a.status == "paused"]
    held = _hold_targets(workspace_id, {a.account_id for a in paused}) if paused else []
    for account in paused:
        account.status = "paused"
        account_store.save(account)
    for account in resumed:
        account.status = "connected"
        account_store.save(account)
    released = _release_targets(workspace_id, {a.account_id for a in resumed}) if resumed else {}
    if paused or resumed:
        record_event(
            workspace_id,
            "billing.accounts_fitted",
            actor=actor,
            details={
                "limit": limit,
                "paused": [a.account_id for a in paused],
                "resumed": [a.account_id for a in resumed],
                "held_posts": held,
                **{f"released_{k}": v for k, v in released.items() if v},
            },
        )
    if paused:
        _tell_paused(workspace_id, limit, paused, stays, held)
    return [a.account_id for a in paused], [a.account_id for a in resumed]


def _tell_paused(
    workspace_id: str, limit: int | None, paused: list[Any], active: list[Any], held: list[str]
) -> None:
    """The owners and admins hear (in the app and by e-mail) which accounts were paused,
    what becomes of their posts, and how to choose others."""
    from chalicelib.notify import notify

    def named(accounts: list[Any]) -> str:
        return ", ".join(_account_name(a) for a in accounts)

    one = len(paused) == 1
    held_line = (
        f"{len(held)} scheduled post{'' if len(held) == 1 else 's'} for "
        f"{'it' if one else 'them'} {'is' if len(held) == 1 else 'are'} held: nothing is "
        f"sent to a paused account, the post's other accounts still get it at its time, "
        f"and what was held goes out when the account is active again (at once if its "
        f"time passed less than {_hours(LATE_WINDOW)} before). "
        if held
        else ""
    )
    notify(
        workspace_id,
        "billing.accounts_paused",
        "Accounts paused by your plan",
        f"Your plan allows {limit} connected accounts, so {named(paused)} "
        f"{'is' if one else 'are'} paused (nothing was deleted). "
        + held_line
        + (f"Active: {named(active)}. " if active else "")
        + "To keep other accounts active instead, choose them in Settings > Billing "
        '("Choose the active accounts"); or upgrade to resume them all.',
        link="/settings/billing",
    )


def _account_name(account: Any) -> str:
    network = str(account.network).capitalize()
    handle = (account.handle or "").lstrip("@")
    shown = f"{account.display_name} (@{handle})" if handle else str(account.display_name)
    return f"{shown} on {network}"


def _hours(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours} hour{'' if hours == 1 else 's'}"


# A held target whose time passed while its account was paused goes out when the account
# is resumed if its time passed less than this long before; later, sending it unasked
# could surprise (an offer that ended, an event that happened): it fails with the reason
# and the owner retries it (or not) from the post.
LATE_WINDOW = timedelta(hours=1)
HELD_REASON = (
    "Held: its account is paused by the workspace's plan. It goes out when the account is "
    "active again (choose it in Billing, or upgrade)."
)
MISSED_REASON = (
    "Not sent: its account was paused by the workspace's plan at the post's time and was "
    "resumed more than {window} later. Retry to send it now."
)
DONE = ("published", "partially_published", "failed")


def _hold_targets(workspace_id: str, paused: set[str]) -> list[str]:
    """The pending targets of accounts being paused, in posts not on their way yet, become
    `held` (before the accounts are paused; the posts keep their version, so their armed
    schedules still publish their other targets). Nothing is deleted or unscheduled; the
    posts keep their month's place. A post already on its way is left to the publisher,
    which refuses a paused account with the reason. Returns the posts held."""
    from chalicelib.store import posts as post_store

    held: set[str] = set()
    for account_id in sorted(paused):
        for found in post_store.with_account(workspace_id, account_id, post_store.WAITING):
            for _ in range(5):  # an edit or the publisher wrote meanwhile: read again
                item = post_store.get(workspace_id, found.post_id)
                if item is None or item.status not in post_store.WAITING:
                    break
                hits = [t for t in item.targets if t.account_id in paused and t.status == "pending"]
                if not hits:
                    break
                for target in hits:
                    target.status, target.error = "held", HELD_REASON
                if post_store.rewrite(item):
                    held.add(item.post_id)
                    break
    return sorted(held)


def _release_targets(
    workspace_id: str, resumed: set[str], now: datetime | None = None
) -> dict[str, list[str]]:
    """The held targets of resumed accounts go out: at their time if it is still ahead
    (`waiting`: the post's armed schedule fires as planned), at once if it passed less
    than LATE_WINDOW ago (`now`: the publisher is invoked; a post whose other targets
    went out already is reopened under a new version, as a retry is), else they fail with
    the reason (`missed`). Returns the post ids of each."""
    from chalicelib import scheduling
    from chalicelib.publishing.handler import post_status
    from chalicelib.store import posts as post_store
    from chalicelib.store.base import iso, utcnow

    moment = now or utcnow()
    found: dict[str, list[str]] = {"waiting": [], "now": [], "missed": []}
    statuses = (*post_store.WAITING, "publishing", *DONE)
    for account_id in sorted(resumed):
        for listed in post_store.with_account(workspace_id, account_id, statuses):
            for _ in range(5):  # an edit or the publisher wrote meanwhile: read again
                item = post_store.get(workspace_id, listed.post_id)
                if item is None:
                    break
                hits = [t for t in item.targets if t.account_id in resumed and t.status == "held"]
                if not hits:
                    break
                due = datetime.fromisoformat(item.scheduled_at) if item.scheduled_at else None
                late = due is not None and due <= moment
                if late and due is not None and moment - due > LATE_WINDOW:
                    reason = MISSED_REASON.format(window=_hours(LATE_WINDOW))
                    for target in hits:
                        target.status, target.error = "failed", reason
                    states = [t.status for t in item.targets]
                    if item.status != "publishing" and not any(
                        s in ("pending", "publishing", "retrying") for s in states
                    ):
                        item.status = post_status(states)[0]
                    if post_store.rewrite(item):
                        found["missed"].append(item.post_id)
                        break
                    continue
                for target in hits:
                    target.status, target.attempts, target.error = "pending", 0, None
                    target.retry_at = target.lease_until = target.attempt_id = None
                if not late or item.status == "pending_approval":
                    if post_store.rewrite(item):
                        found["waiting"].append(item.post_id)
                        break
                    continue
                if item.status in post_store.WAITING:
                    written = post_store.rewrite(item)  # its schedule fired: held, a no-op
                else:  # its other targets went out (or are going): reopened, as a retry
                    item.status = "publishing"
                    lease = timedelta(seconds=get_settings().publish_lease_seconds)
                    item.due_at = iso(moment + lease)
                    item.updated_at = iso(moment)
                    try:
                        post_store.save_version(item, int(item.version))
                        written = True
                    except post_store.StaleVersion:
                        written = False
                if not written:
                    continue
                scheduling.invoke_now(
                    {"workspace_id": workspace_id, "post_id": item.post_id, "version": item.version}
                )
                found["now"].append(item.post_id)
                break
    return found


def choose_active_accounts(
    workspace_id: str, account_ids: list[str], actor: str
) -> tuple[list[str], list[str]]:
    """The owner names the accounts that stay active (at most the plan's limit; 422
    naming `account_ids` otherwise); the others are paused as far as the plan needs."""
    from chalicelib.errors import invalid
    from chalicelib.store import accounts as account_store
    from chalicelib.store import billing as store

    known = {
        a.account_id
        for a in account_store.list_accounts(workspace_id)
        if a.status in PAUSABLE or a.status == "paused"
    }
    for index, account_id in enumerate(account_ids):
        if account_id not in known:
            raise invalid(f"account_ids[{index}]", "no such connected account in this workspace")
    if len(set(account_ids)) != len(account_ids):
        raise invalid("account_ids", "an account is named twice")
    limit = limit_of(workspace_id, Meter.CONNECTED_ACCOUNTS)
    if limit is not None and len(account_ids) > limit:
        raise invalid(
            "account_ids", f"your plan keeps {limit} accounts active; {len(account_ids)} named"
        )
    store.set_keep_accounts(workspace_id, account_ids)
    if not enabled():
        return [], []
    return fit_accounts(workspace_id, actor)
