"""Analytics (API.md, issue 20): the summary of a period, a post's metrics, top posts, CSV
and PDF exports, best times to post, filling the queue from them, and the next suggested
slots for the composer. Any member reads; filling the queue takes the role that edits an
account's slots.

Dates (`from`, `to`) are days of the workspace's time zone, both included; the default
is the last 28 days, the longest range 400 days (422 naming the field).
"""

from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib.api.accounts import AccountOut
from chalicelib.api.analytics_models import (
    ApplyIn,
    BestTimesOut,
    BestTimesQuery,
    NextSlotsOut,
    NextSlotsQuery,
    PostMetricsOut,
    RangeQuery,
    SummaryOut,
    SummaryQuery,
    TopPostsOut,
    TopPostsQuery,
)
from chalicelib.api.responses import validation_error
from chalicelib.api.routing import ApiBlueprint, RequestContext
from chalicelib.domain.analytics import Period
from chalicelib.domain.roles import Role
from chalicelib.errors import invalid

analytics = ApiBlueprint(__name__)

BASE = "/v1/workspaces/{ws}/analytics"


def _period(ws: str, query: RangeQuery) -> tuple[str, Period]:
    from chalicelib.analytics.service import today_in, workspace_zone
    from chalicelib.billing.entitlements import check_history
    from chalicelib.domain.analytics import PeriodError, period

    zone = workspace_zone(ws)
    today = today_in(zone)
    try:
        found = period(query.from_, query.to, today)
    except PeriodError as error:
        raise invalid(error.field, error.message) from None
    check_history(ws, found.start, today)  # 402 beyond the plan's history depth
    return zone, found


@analytics.endpoint(
    "GET", f"{BASE}/summary", auth=Role.VIEWER, query=SummaryQuery, response=SummaryOut
)
def analytics_summary(ctx: RequestContext, ws: str, query: SummaryQuery) -> SummaryOut:
    """Posts, impressions, engagements and followers per network and account, with the
    period before of equal length (a metric no network in scope gives is null)."""
    from chalicelib.analytics.service import Scope, summary

    zone, period = _period(ws, query)
    body = _limited(
        ws,
        zone,
        lambda earliest: summary(
            Scope(ws, zone, query.account_id, query.network), period, earliest
        ),
    )
    return SummaryOut.model_validate(body)


def _limited(ws: str, zone: str, make: Any) -> dict[str, Any]:
    """The summary made with the plan's history depth: the period before never reaches
    past it (it is cut, and `previous_limited` says so in words)."""
    from chalicelib.analytics.service import today_in
    from chalicelib.billing.entitlements import history_depth

    depth = history_depth(ws, today_in(zone))
    body: dict[str, Any] = make(depth.earliest if depth else None)
    limited = body.get("previous_limited")
    if limited and depth:
        empty = body["previous"]["from"] > body["previous"]["to"]
        limited.update(
            history_days=depth.days,
            plan=depth.plan_name,
            message=(
                f"No comparison with the period before: it lies beyond the {depth.days} "
                f"days of analytics history your {depth.plan_name} plan keeps."
                if empty
                else f"The period before is cut to start on {depth.earliest.isoformat()} "
                f"(not {limited['requested_from'].isoformat()}): your {depth.plan_name} "
                f"plan keeps {depth.days} days of analytics history."
            ),
        )
    return body


@analytics.endpoint("GET", f"{BASE}/posts/{{post_id}}", auth=Role.VIEWER, response=PostMetricsOut)
def analytics_post(ctx: RequestContext, ws: str, post_id: str) -> PostMetricsOut:
    """Each published target of a post: its latest metrics and its snapshots over time."""
    from chalicelib.analytics.service import post_metrics

    return PostMetricsOut.model_validate(post_metrics(ws, post_id))


@analytics.endpoint(
    "GET", f"{BASE}/top-posts", auth=Role.VIEWER, query=TopPostsQuery, response=TopPostsOut
)
def analytics_top_posts(ctx: RequestContext, ws: str, query: TopPostsQuery) -> TopPostsOut:
    """The period's best targets by one metric (targets whose network lacks it are left
    out), of one account or network when asked, as the summary."""
    from chalicelib.analytics.service import Scope, top_posts

    zone, period = _period(ws, query)
    scope = Scope(ws, zone, query.account_id, query.network)
    return TopPostsOut.model_validate(top_posts(ws, zone, period, query.metric, query.limit, scope))


def _download(body: str | bytes, content_type: str, name: str) -> Response:
    return Response(
        body=body,
        status_code=200,
        headers={
            "Content-Type": content_type,
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@analytics.endpoint(
    "GET", f"{BASE}/export.csv", auth=Role.VIEWER, query=RangeQuery, content_types=()
)
def analytics_export_csv(ctx: RequestContext, ws: str, query: RangeQuery) -> Response:
    """The period's published targets as CSV, one row per target (columns documented in
    docs/analytics-export.md; an empty cell is a metric the network does not give)."""
    from chalicelib.analytics.service import export_csv
    from chalicelib.billing.entitlements import require
    from chalicelib.billing.plans import Feature

    require(ws, Feature.ANALYTICS_EXPORT)

    zone, period = _period(ws, query)
    name = f"schedulo-analytics-{period.start}-{period.end}.csv"
    return _download(export_csv(ws, zone, period), "text/csv; charset=utf-8", name)


@analytics.endpoint(
    "GET", f"{BASE}/export.pdf", auth=Role.VIEWER, query=RangeQuery, content_types=()
)
def analytics_export_pdf(ctx: RequestContext, ws: str, query: RangeQuery) -> Response:
    """The period's report as a PDF (send `Accept: application/pdf`): headline figures
    against the period before, a chart per day, networks and accounts, top posts."""
    from chalicelib.analytics.report_pdf import render
    from chalicelib.analytics.service import Scope, summary, top_posts
    from chalicelib.billing.entitlements import require
    from chalicelib.billing.plans import Feature
    from chalicelib.store.workspaces import get_workspace

    require(ws, Feature.ANALYTICS_EXPORT)

    zone, period = _period(ws, query)
    made = _limited(ws, zone, lambda earliest: summary(Scope(ws, zone), period, earliest))
    body = SummaryOut.model_validate(made).model_dump(by_alias=True)
    top = top_posts(ws, zone, period, "engagements", 10)
    record = get_workspace(ws)
    pdf = render(body, top, record.name if record else ws)
    return _download(pdf, "application/pdf", f"schedulo-report-{period.start}-{period.end}.pdf")


@analytics.endpoint(
    "GET", f"{BASE}/best-times", auth=Role.VIEWER, query=BestTimesQuery, response=BestTimesOut
)
def analytics_best_times(ctx: RequestContext, ws: str, query: BestTimesQuery) -> BestTimesOut:
    """The account's best weekday x hour slots (its time zone), each with its expected
    engagement rate, the posts behind it and a confidence; the network's usual good
    times while the account has too little history."""
    from chalicelib.analytics.service import best_times

    return BestTimesOut.model_validate(best_times(ws, query.account_id))


@analytics.endpoint(
    "POST", f"{BASE}/best-times/apply", auth=Role.ADMIN, body=ApplyIn, response=AccountOut
)
def analytics_apply_best_times(ctx: RequestContext, ws: str, body: ApplyIn) -> AccountOut:
    """Set the account's queue slots to its best times (`slots_per_day` each day, at
    least two hours apart); answers the account as PATCH .../accounts/{id} does."""
    from chalicelib.analytics.service import suggested_queue
    from chalicelib.api.accounts import AccountPatch, Slot, update_account
    from chalicelib.store.audit import record_event

    slots = suggested_queue(ws, body.account_id, body.slots_per_day)
    patch = AccountPatch(slots=[Slot(weekday=day, time=at) for day, at in slots])
    account = update_account(ctx, ws, body.account_id, patch)
    record_event(
        ws,
        "account.slots_from_best_times",
        actor=ctx.principal.actor,
        target=body.account_id,
        details={"slots_per_day": body.slots_per_day, "slots": len(slots)},
    )
    return account


@analytics.endpoint(
    "GET", f"{BASE}/next-slots", auth=Role.VIEWER, query=NextSlotsQuery, response=NextSlotsOut
)
def analytics_next_slots(ctx: RequestContext, ws: str, query: NextSlotsQuery) -> NextSlotsOut:
    """The next suggested times to post to all these accounts at once (for the composer)."""
    from pydantic import ValidationError

    from chalicelib.analytics.service import next_slots

    try:
        # Every `account_id` of the query string (a plain dict keeps only the last).
        params = ctx.request.query_params
        ids = params.getlist("account_id") if params else []
        full = NextSlotsQuery.model_validate({**ctx.query, "account_id": ids})
    except ValidationError as error:
        raise validation_error(error) from None
    return NextSlotsOut.model_validate(next_slots(ws, full.account_id, full.count))
