"""The operators' console (operators only; every action in the operators' log and the
workspace's audit log), and the support access a workspace grants them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from chalicelib.api.people_models import WorkspaceOut
from chalicelib.api.routing import Access, ApiBlueprint, RequestContext
from chalicelib.domain.model import Model
from chalicelib.domain.roles import Role

admin = ApiBlueprint(__name__)

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]
FlagName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class TenantQuery(Model):
    model_config = ConfigDict(extra="forbid")

    q: str = Field(default="", max_length=200, description="a name, a workspace id or an email")
    limit: int = Field(default=25, ge=1, le=100)


class TenantSummary(Model):
    id: str
    name: str
    created_at: str
    suspended: bool


class TenantList(Model):
    items: list[TenantSummary]


class TenantMember(Model):
    user_id: str
    email: str
    name: str
    role: str
    joined_at: str


class TenantAccount(Model):
    id: str
    network: str
    display_name: str
    handle: str | None
    status: str = Field(description="connected, needs_reconnect, disconnected...")
    last_error: str | None
    token_expires_at: str | None


class TenantCounts(Model):
    scheduled: int = Field(description="posts due in the next 30 days or publishing")
    published: int = Field(description="targets published in the last 30 days")
    failed: int = Field(description="targets failed or unconfirmed in the last 30 days")


class TenantFailure(Model):
    post_id: str
    target_id: str
    account_id: str
    network: str
    kind: str = Field(description="failed or unconfirmed")
    at: str | None
    reason: str | None = Field(description="only while the workspace grants support access")


class TenantPost(Model):
    post_id: str
    status: str
    scheduled_at: str | None
    networks: list[str]
    media_count: int
    text: str | None = Field(description="only while the workspace grants support access")


class Suspension(Model):
    reason: str
    at: str
    by: str | None = None


class TenantOut(Model):
    id: str
    name: str
    timezone: str
    created_at: str
    plan: str = Field(description="the workspace's plan (free without a subscription)")
    billing_status: str | None = Field(
        description="trialing, trial_ended, active, past_due... (None: no subscription)"
    )
    trial_ends_at: str | None = Field(description="while trialing: when the trial ends")
    suspended: Suspension | None
    support_access_until: str | None
    content_shown: bool = Field(description="whether posts' text is shown (support access)")
    feature_flags: dict[str, bool]
    beta_features: list[str] = Field(
        description="what this deployment keeps in beta (SCHEDULO_BETA_FEATURES): off "
        "for the workspace unless its flag of that name is on"
    )
    members: list[TenantMember]
    accounts: list[TenantAccount]
    counts: TenantCounts
    recent_failures: list[TenantFailure]
    recent_posts: list[TenantPost]


class ReasonIn(Model):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class FlagsIn(Model):
    model_config = ConfigDict(extra="forbid")

    flags: dict[FlagName, bool] = Field(max_length=50)


class TrialExtensionIn(Model):
    model_config = ConfigDict(extra="forbid")

    days: int = Field(ge=1, le=90, description="days added to the trial (from now if it ended)")
    reason: Reason


class OperatorEvent(Model):
    at: str
    action: str
    operator_id: str | None
    workspace_id: str | None
    details: dict[str, object]


class OperatorLog(Model):
    items: list[OperatorEvent]
    next_cursor: str | None


class LogQuery(Model):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = None


class HealthWindow(Model):
    attempts: int = Field(description="publish attempts that ended (retries included)")
    published: int
    retried: int = Field(description="attempts that will be tried again")
    failed: int = Field(description="targets failed for good, unconfirmed included")
    unconfirmed: int = Field(description="attempts that may have gone out unseen")
    success_rate: float | None = Field(description="published / (published + failed)")
    failure_kinds: dict[str, int] = Field(
        description="unsuccessful attempts by kind: throttled, transient, reauth, refused..."
    )
    lateness_p50_seconds: float | None = Field(
        description="published - due, p50 (the upper edge of a 25 %-wide bin)"
    )
    lateness_p99_seconds: float | None


class NetworkHealth(Model):
    network: str
    name: str
    hour: HealthWindow = Field(description="this 10-minute bucket so far and the five before")
    day: HealthWindow = Field(description="the last 144 10-minute buckets")


class QueueDepth(Model):
    name: str
    label: str
    visible: int | None = None
    in_flight: int | None = None
    delayed: int | None = None
    error: str | None = Field(default=None, description="why the depth could not be read")


class CollectionBacklog(Model):
    due: int = Field(description="analytics refreshes due now and not yet fetched")
    oldest_due_at: str | None


class SweptPost(Model):
    workspace_id: str
    post_id: str
    action: str = Field(description="armed, invoked or expired")


class SweeperRun(Model):
    at: str
    counts: dict[str, int]
    acted_on: list[SweptPost] = Field(description="the first 20 posts it armed or invoked")
    networks_failing: dict[str, float] = Field(
        default_factory=dict,
        description="networks over the failure-rate alarm's threshold (more than a fifth of "
        "at least 5 attempts failed in the last 10 to 20 minutes), with their failure rates",
    )
    networks_late: dict[str, float] = Field(
        default_factory=dict,
        description="networks whose lateness p99 (s) was over the alarm's 60 s then",
    )


class HealthOut(Model):
    generated_at: str
    networks: list[NetworkHealth] = Field(description="networks with attempts in the last day")
    queues: list[QueueDepth]
    collection: CollectionBacklog
    sweeper: SweeperRun | None = Field(description="its last run (None: not in 3 days)")


class SupportAccessIn(Model):
    model_config = ConfigDict(extra="forbid")

    hours: Literal[24, 168] = Field(description="24 (a day) or 168 (a week)")


def _tenant_out(ctx: RequestContext, ws: str, viewed: bool = False) -> TenantOut:
    from datetime import UTC, datetime

    from chalicelib.admin.service import tenant
    from chalicelib.billing.entitlements import plan_of_subscription, status_of
    from chalicelib.settings import get_settings
    from chalicelib.store import billing as billing_store

    view = tenant(ctx.principal.actor, ws, viewed=viewed)
    workspace = view.workspace
    suspended = workspace.suspended
    sub = billing_store.subscription(ws)  # read now: an action may just have changed it
    status = status_of(sub)
    trial_end = (
        datetime.fromtimestamp(int(sub.trial_end), UTC).isoformat().replace("+00:00", "Z")
        if sub is not None and sub.trial_end and status == "trialing"
        else None
    )
    return TenantOut(
        id=workspace.workspace_id,
        name=workspace.name,
        timezone=workspace.timezone,
        created_at=workspace.created_at,
        plan=plan_of_subscription(sub).id.value,
        billing_status=status,
        trial_ends_at=trial_end,
        suspended=Suspension(**suspended) if suspended else None,
        support_access_until=view.support_until,
        content_shown=view.content_shown,
        feature_flags=view.flags,
        beta_features=sorted(get_settings().beta_features),
        members=[
            TenantMember(
                user_id=m.user_id, email=m.email, name=m.name, role=m.role, joined_at=m.joined_at
            )
            for m in view.members
        ],
        accounts=[
            TenantAccount(
                id=a.account_id,
                network=a.network,
                display_name=a.display_name,
                handle=a.handle,
                status=a.status,
                last_error=a.last_error,
                token_expires_at=a.token_expires_at,
            )
            for a in view.accounts
        ],
        counts=TenantCounts(**view.counts),
        recent_failures=[TenantFailure(**f) for f in view.failures],
        recent_posts=[TenantPost(**p) for p in view.posts],
    )


@admin.endpoint(
    "GET",
    "/v1/admin/workspaces",
    auth=Access.OPERATOR,
    query=TenantQuery,
    response=TenantList,
    tags=("admin",),
)
def search_tenants(ctx: RequestContext, query: TenantQuery) -> TenantList:
    """Find workspaces by name, id or a member's email (operators)."""
    from chalicelib.admin.service import search

    found = search(ctx.principal.actor, query.q, query.limit)
    return TenantList(
        items=[
            TenantSummary(
                id=w.workspace_id,
                name=w.name,
                created_at=w.created_at,
                suspended=bool(w.suspended),
            )
            for w in found
        ]
    )


@admin.endpoint(
    "GET", "/v1/admin/workspaces/{ws}", auth=Access.OPERATOR, response=TenantOut, tags=("admin",)
)
def get_tenant(ctx: RequestContext, ws: str) -> TenantOut:
    """A workspace as operators see it: members, accounts, recent posts and failures
    (posts' text only while the workspace grants support access)."""
    return _tenant_out(ctx, ws, viewed=True)


@admin.endpoint(
    "POST",
    "/v1/admin/workspaces/{ws}/suspend",
    auth=Access.OPERATOR,
    body=ReasonIn,
    response=TenantOut,
    tags=("admin",),
)
def suspend_tenant(ctx: RequestContext, ws: str, body: ReasonIn) -> TenantOut:
    """Suspend a workspace: nothing publishes and no post is created or changed."""
    from chalicelib.admin.service import suspend

    suspend(ctx.principal.actor, ws, body.reason)
    return _tenant_out(ctx, ws)


@admin.endpoint(
    "POST",
    "/v1/admin/workspaces/{ws}/unsuspend",
    auth=Access.OPERATOR,
    body=ReasonIn,
    response=TenantOut,
    tags=("admin",),
)
def unsuspend_tenant(ctx: RequestContext, ws: str, body: ReasonIn) -> TenantOut:
    """Lift a workspace's suspension."""
    from chalicelib.admin.service import unsuspend

    unsuspend(ctx.principal.actor, ws, body.reason)
    return _tenant_out(ctx, ws)


@admin.endpoint(
    "PUT",
    "/v1/admin/workspaces/{ws}/feature-flags",
    auth=Access.OPERATOR,
    body=FlagsIn,
    response=TenantOut,
    tags=("admin",),
)
def set_tenant_flags(ctx: RequestContext, ws: str, body: FlagsIn) -> TenantOut:
    """Replace the workspace's feature flags (named booleans: beta features)."""
    from chalicelib.admin.service import set_flags

    set_flags(ctx.principal.actor, ws, body.flags)
    return _tenant_out(ctx, ws)


@admin.endpoint(
    "POST",
    "/v1/admin/workspaces/{ws}/extend-trial",
    auth=Access.OPERATOR,
    body=TrialExtensionIn,
    response=TenantOut,
    tags=("admin",),
    errors=(409,),
)
def extend_tenant_trial(ctx: RequestContext, ws: str, body: TrialExtensionIn) -> TenantOut:
    """Give the workspace more days of its trial (409 when billing is off or it pays for a
    subscription that is not trialing)."""
    from chalicelib.admin.service import extend_trial

    extend_trial(ctx.principal.actor, ws, body.days, body.reason)
    return _tenant_out(ctx, ws)


@admin.endpoint(
    "POST",
    "/v1/admin/workspaces/{ws}/accounts/{account_id}/force-reconnect",
    auth=Access.OPERATOR,
    body=ReasonIn,
    response=TenantOut,
    tags=("admin",),
)
def force_reconnect(ctx: RequestContext, ws: str, account_id: str, body: ReasonIn) -> TenantOut:
    """Mark an account needs_reconnect (its people are told to reconnect it)."""
    from chalicelib.admin.service import force_reconnect as force

    force(ctx.principal.actor, ws, account_id, body.reason)
    return _tenant_out(ctx, ws)


@admin.endpoint(
    "GET",
    "/v1/admin/log",
    auth=Access.OPERATOR,
    query=LogQuery,
    response=OperatorLog,
    tags=("admin",),
)
def operator_log(ctx: RequestContext, query: LogQuery) -> OperatorLog:
    """The operators' log: every console action, newest first."""
    import json

    from chalicelib.store.operators import list_operator_events

    events, cursor = list_operator_events(query.limit, query.cursor)
    return OperatorLog(
        items=[
            OperatorEvent(
                at=e.at,
                action=e.action,
                operator_id=e.actor,
                workspace_id=e.target,
                details=json.loads(e.details or "{}"),
            )
            for e in events
        ],
        next_cursor=cursor,
    )


@admin.endpoint(
    "GET", "/v1/admin/health", auth=Access.OPERATOR, response=HealthOut, tags=("admin",)
)
def publishing_health(ctx: RequestContext) -> HealthOut:
    """Publishing's health (operators): per network the last hour's and day's attempts,
    success rate, failure kinds and lateness; queue depths; the sweeper's last run."""
    from chalicelib import health
    from chalicelib.networks.registry import network_name
    from chalicelib.store.base import iso, utcnow

    now = utcnow()
    sweep = health.last_sweep()
    return HealthOut(
        generated_at=iso(now),
        networks=[
            NetworkHealth(
                network=network,
                name=network_name(network),
                hour=HealthWindow(**windows["hour"]),
                day=HealthWindow(**windows["day"]),
            )
            for network, windows in health.network_health(now).items()
        ],
        queues=[QueueDepth(**depth) for depth in health.queue_depths()],
        collection=CollectionBacklog(**health.collection_backlog(now)),
        sweeper=SweeperRun(
            at=sweep["at"],
            counts=sweep["counts"],
            acted_on=sweep["armed"],
            networks_failing=sweep["signals"].get("failing", {}),
            networks_late=sweep["signals"].get("late", {}),
        )
        if sweep
        else None,
    )


@admin.endpoint(
    "PUT",
    "/v1/workspaces/{ws}/support-access",
    auth=Role.ADMIN,
    body=SupportAccessIn,
    response=WorkspaceOut,
)
def grant_support_access(ctx: RequestContext, ws: str, body: SupportAccessIn) -> WorkspaceOut:
    """Let Schedulo's operators see this workspace's posts for 24 hours or 7 days."""
    from chalicelib.admin.service import grant_support_access as grant
    from chalicelib.api.auth import workspace_out

    return workspace_out(grant(ws, ctx.principal.actor, body.hours), ctx.role)


@admin.endpoint(
    "DELETE",
    "/v1/workspaces/{ws}/support-access",
    auth=Role.ADMIN,
    response=WorkspaceOut,
)
def revoke_support_access(ctx: RequestContext, ws: str) -> WorkspaceOut:
    """End the support access granted to operators now."""
    from chalicelib.admin.service import revoke_support_access as revoke
    from chalicelib.api.auth import workspace_out

    return workspace_out(revoke(ws, ctx.principal.actor), ctx.role)
