"""The other meters through the API, below, at and above each limit: workspaces per
owner (creating a workspace, in parallel too), rows per bulk import (upload and commit),
analytics history depth, and AI credits a month (the function the AI features call)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib import scheduling
from chalicelib.billing.plans import Meter, get_plan
from chalicelib.errors import ApiError
from tests.billing.test_limits import in_parallel, on_plan, refused
from tests.support.clock import ahead
from tests.support.factories import call, signup
from tests.support.imports import commit, upload, validated
from tests.support.posting import an_account


@pytest.fixture
def worker(aws):
    """The import worker runs in-process (as in tests/imports)."""
    import app as app_module

    def invoke(arn, payload):
        return getattr(app_module, arn.rsplit(":", 1)[-1].split("-")[-1])(payload, None)

    scheduling.use_local_invoker(invoke)
    yield
    scheduling.use_local_invoker(None)


def new_workspace(client, user, name: str = "Another"):
    return call(client, "POST", "/v1/workspaces", {"name": name, "timezone": "UTC"}, user.headers)


# --------------------------------------------------------------------- workspaces per owner


def test_workspaces_per_owner_below_at_and_above(client, billing_on):
    owner = signup(client)
    # Free: the sign-up's workspace is the one allowed.
    refused(new_workspace(client, owner), "workspaces_per_owner", 1, 1)

    on_plan(owner.workspace_id, "business")  # 5 workspaces per owner
    for i in range(4):
        created = new_workspace(client, owner, f"Client {i}")
        assert created.status_code == 201, created.body
    error = refused(new_workspace(client, owner), "workspaces_per_owner", 5, 5)
    assert error["plan"] == "business"
    listed = call(client, "GET", "/v1/workspaces", None, owner.headers).json["items"]
    assert len(listed) == 5


def test_parallel_workspace_creation_at_the_limit_never_gets_one_over(client, billing_on):
    owner = signup(client)
    on_plan(owner.workspace_id, "business")
    for i in range(2):
        assert new_workspace(client, owner, f"Before {i}").status_code == 201

    statuses = in_parallel(
        lambda i: new_workspace(client, owner, f"Race {i}").status_code, 6, workers=6
    )
    assert statuses == [201, 201] + [402] * 4
    assert len(call(client, "GET", "/v1/workspaces", None, owner.headers).json["items"]) == 5


# ------------------------------------------------------------------------- bulk import


def rows_csv(account: str, count: int) -> str:
    day = ahead(20).date().isoformat()
    lines = "".join(
        f"{day},{9 + i // 60:02d}:{i % 60:02d},{account},Row {i}\n" for i in range(count)
    )
    return "date,time,accounts,text\n" + lines


def test_rows_per_import_below_at_and_above(client, worker, billing_on, monkeypatch):
    user = signup(client)
    ws = user.workspace_id
    account = an_account(ws, "mastodon", timezone="UTC")
    # Free has no bulk import: refused at upload, before anything is stored.
    free = upload(client, user, rows_csv(account, 1))
    assert free.status_code == 402, free.body
    [detail] = free.json["error"]["details"]
    assert (detail["field"], detail["meter"], detail["limit"], detail["used"]) == (
        "rows",
        "bulk_rows_per_import",
        0,
        1,
    )
    assert "bulk import" in free.json["error"]["message"]

    on_plan(ws, "pro")
    monkeypatch.setitem(get_plan("pro").limits, Meter.BULK_ROWS_PER_IMPORT, 3)
    assert validated(client, user, rows_csv(account, 2))["status"] == "ready"
    at = validated(client, user, rows_csv(account, 3))
    assert at["status"] == "ready" and at["valid_rows"] == 3
    over = upload(client, user, rows_csv(account, 4))
    refused(over, "bulk_rows_per_import", 3, 4)
    assert "this file has 4" in over.json["error"]["message"]

    # The plan changed between upload and commit: the commit is held to it.
    monkeypatch.setitem(get_plan("pro").limits, Meter.BULK_ROWS_PER_IMPORT, 2)
    late = commit(client, user, at["id"])
    refused(late, "bulk_rows_per_import", 2, 3)


# --------------------------------------------------------------------- analytics history


def test_analytics_history_depth_below_at_and_above(client, billing_on):
    from chalicelib.analytics.service import today_in

    owner = signup(client)
    today = today_in("UTC")

    def summary(days_back: int):
        start = (today - timedelta(days=days_back)).isoformat()
        return call(
            client,
            "GET",
            f"/v1/workspaces/{owner.workspace_id}/analytics/summary?from={start}&to={today}",
            None,
            owner.headers,
        )

    assert summary(29).status_code == 200
    assert summary(30).status_code == 200  # Free: 30 days
    over = summary(31)
    detail = refused(over, "analytics_history_days", 30, 31)
    assert detail["field"] == "from"
    assert detail["earliest"] == (today - timedelta(days=30)).isoformat()
    on_plan(owner.workspace_id, "pro")  # 90 days
    assert summary(31).status_code == 200
    refused(summary(91), "analytics_history_days", 90, 91)


def test_the_period_before_never_reaches_past_the_history_depth(client, billing_on, monkeypatch):
    from chalicelib.settings import get_settings
    from tests.analytics.seeding import a_target, days_ago, local_noon

    owner = signup(client)
    ws = owner.workspace_id
    x = an_account(ws, "x", timezone="UTC")
    post = {"impressions": 100, "likes": 4, "comments": 1, "shares": 0, "saves": 0}
    a_target(ws, x, "x", local_noon(25), post)  # the period before, within Free's 30 days
    a_target(ws, x, "x", local_noon(35), post)  # the period before, beyond them

    def summary(days_back: int) -> dict:
        start, end = days_ago(days_back).isoformat(), days_ago(0).isoformat()
        path = f"/v1/workspaces/{ws}/analytics/summary?from={start}&to={end}"
        answer = call(client, "GET", path, None, owner.headers)
        assert answer.status_code == 200, answer.body
        return answer.json

    # 21 days: the period before would start 41 days back; it is cut at 30.
    body = summary(20)
    assert body["previous"] == {"from": days_ago(30).isoformat(), "to": days_ago(21).isoformat()}
    assert body["previous_totals"]["posts_published"] == 1  # not the one 35 days back
    assert body["previous_totals"]["likes"] == 4
    limited = body["previous_limited"]
    assert limited["requested_from"] == days_ago(41).isoformat()
    assert limited["earliest"] == days_ago(30).isoformat()
    assert (limited["history_days"], limited["plan"]) == (30, "Free")
    assert "cut to start on" in limited["message"] and "30 days" in limited["message"]

    # A period starting at the depth: nothing before it may be shown, nothing is compared.
    body = summary(30)
    assert body["previous"]["from"] > body["previous"]["to"]
    assert body["previous_totals"]["posts_published"] == 0
    assert body["previous_totals"]["likes"] is None  # unknown, not zero
    assert body["previous_limited"]["message"].startswith("No comparison")

    # Within the depth: untouched.
    body = summary(5)
    assert body["previous_limited"] is None
    assert body["previous"]["from"] == days_ago(11).isoformat()

    # Self-hosted (no Stripe key): no depth, the whole period before.
    monkeypatch.delenv("SCHEDULO_STRIPE_SECRET_KEY")
    get_settings.cache_clear()
    body = summary(20)
    assert body["previous_limited"] is None
    assert body["previous"]["from"] == days_ago(41).isoformat()
    assert body["previous_totals"]["posts_published"] == 2


# ---------------------------------------------------------------------------- AI credits


def test_ai_credits_below_at_and_above_and_given_back(client, billing_on):
    from chalicelib.billing import entitlements

    owner = signup(client)
    ws = owner.workspace_id
    on_plan(ws, "pro")  # 100 credits a month
    entitlements.take(ws, Meter.AI_CREDITS_PER_MONTH, 60)
    entitlements.take(ws, Meter.AI_CREDITS_PER_MONTH, 40)  # at the limit
    with pytest.raises(ApiError) as over:
        entitlements.take(ws, Meter.AI_CREDITS_PER_MONTH, 1)
    [detail] = over.value.details
    assert (over.value.status, detail["meter"], detail["limit"], detail["used"]) == (
        402,
        "ai_credits_per_month",
        100,
        100,
    )
    assert detail["month"] == entitlements.utc_month()
    entitlements.give_back(ws, Meter.AI_CREDITS_PER_MONTH, 5)  # a generation that failed
    entitlements.take(ws, Meter.AI_CREDITS_PER_MONTH, 5)
    meters = call(client, "GET", f"/v1/workspaces/{ws}/billing", None, owner.headers).json
    [ai] = [m for m in meters["meters"] if m["meter"] == "ai_credits_per_month"]
    assert (ai["used"], ai["limit"], ai["month"]) == (100, 100, entitlements.utc_month())


def test_parallel_ai_credits_at_the_limit_never_get_one_over(client, billing_on):
    from chalicelib.billing import entitlements

    owner = signup(client)
    ws = owner.workspace_id
    on_plan(ws, "pro")
    entitlements.take(ws, Meter.AI_CREDITS_PER_MONTH, 96)

    def attempt(i: int) -> int:
        try:
            entitlements.take(ws, Meter.AI_CREDITS_PER_MONTH, 1)
        except ApiError as error:
            return error.status
        return 200

    assert in_parallel(attempt, 10) == [200] * 4 + [402] * 6
    assert entitlements.usage(ws, Meter.AI_CREDITS_PER_MONTH, entitlements.utc_month()) == 100


def test_owning_a_workspace_by_promotion_counts_and_leaving_gives_it_back(client, billing_on):
    from tests.support.factories import invite
    from tests.support.mail import accept_link_token

    agency = signup(client)
    on_plan(agency.workspace_id, "business")  # room for the invitation
    owner = signup(client)
    refused(new_workspace(client, owner), "workspaces_per_owner", 1, 1)  # counted: 1

    invite(client, agency, owner.email, "editor")
    token = accept_link_token(owner.email)
    accepted = call(client, "POST", f"/v1/invitations/{token}/accept", None, owner.headers)
    assert accepted.status_code == 200, accepted.body
    promoted = call(
        client,
        "PATCH",
        f"/v1/workspaces/{agency.workspace_id}/members/{owner.user_id}",
        {"role": "owner"},
        agency.headers,
    )
    assert promoted.status_code == 200, promoted.body
    on_plan(owner.workspace_id, "business")  # 5 per owner; owning two now
    for i in range(3):
        assert new_workspace(client, owner, f"Own {i}").status_code == 201
    refused(new_workspace(client, owner), "workspaces_per_owner", 5, 5)

    left = call(client, "POST", f"/v1/workspaces/{agency.workspace_id}/leave", None, owner.headers)
    assert left.status_code == 204, left.body
    assert new_workspace(client, owner, "After leaving").status_code == 201
    refused(new_workspace(client, owner), "workspaces_per_owner", 5, 5)
