"""Plan limits through the API: each meter below, at and above its limit, parallel
requests at the limit (never one over), and self-hosted mode (no Stripe key: no limits).

The plan a workspace is on is arranged in the billing store where a test needs a paid
one (tests/billing/test_billing_api.py reaches it through Checkout and the webhook)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from chalicelib.billing.plans import Meter
from chalicelib.settings import get_settings
from chalicelib.store import billing as billing_store
from chalicelib.store import posts as post_store
from tests.support.clock import ahead, wall
from tests.support.factories import call, signup, unique_email
from tests.support.posting import an_account
from tests.support.sandbox import running_sandbox

APP_PASSWORD = "abcd-efgh-ijkl-mnop"


@pytest.fixture
def sandbox(aws):
    with running_sandbox() as running:
        yield running


def on_plan(workspace_id: str, plan: str) -> None:
    billing_store.apply_subscription(
        workspace_id, 1, plan=plan, status="active", subscription_id="sub_arranged"
    )


def use(workspace_id: str, meter: Meter, amount: int, month: str | None = None) -> None:
    """Arrange `amount` already used on a meter (as earlier requests would have)."""
    from chalicelib.billing.entitlements import usage

    usage(workspace_id, meter, month)  # seeded from what is stored first
    key = billing_store.counter_key(workspace_id, meter.value, month)
    assert billing_store.take([billing_store.Want(key, amount, None)]) is None


def in_parallel(attempt, times: int, workers: int = 8) -> list:
    """`attempt(i)` for i in range(times) on `workers` threads, results sorted.

    The Chalice test client swaps `os.environ` for a copy around each request; requests
    on several threads can leave a copy in place, which would outlive the test's
    monkeypatch. The real mapping is put back."""
    real = os.environ
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return sorted(pool.map(attempt, range(times)))
    finally:
        os.environ = real  # noqa: B003 (putting the real mapping back is the point)


def refused(response, meter: str, limit: int, used: int) -> dict:
    assert response.status_code == 402, response.body
    error = response.json["error"]
    assert error["code"] == "plan_limit"
    [detail] = [d for d in error["details"] if d["meter"] == meter]
    assert (detail["limit"], detail["used"]) == (limit, used)
    assert str(limit) in error["message"]
    return detail


def usage_of(client, owner) -> dict[str, tuple[int, int | None]]:
    got = call(client, "GET", f"/v1/workspaces/{owner.workspace_id}/billing", None, owner.headers)
    assert got.status_code == 200, got.body
    return {m["meter"]: (m["used"], m["limit"]) for m in got.json["meters"]}


# ---------------------------------------------------------------------------- posts


def month_start():
    """The first day of a month well ahead (wall time, UTC), and its YYYY-MM."""
    first = ahead(70, "09:00").replace(day=1)
    return first, first.strftime("%Y-%m")


def post(client, owner, account_id: str, when=None, text: str = "Hello"):
    body: dict = {"text": text, "targets": [{"account_id": account_id}]}
    if when is not None:
        body["when"] = {"at": wall(when), "timezone": "UTC"}
    return call(client, "POST", f"/v1/workspaces/{owner.workspace_id}/posts", body, owner.headers)


def test_scheduled_posts_a_month_below_at_and_above_the_limit(client, billing_on):
    owner = signup(client)
    ws = owner.workspace_id
    account = an_account(ws, "mastodon")
    first, month = month_start()
    use(ws, Meter.SCHEDULED_POSTS_PER_MONTH, 28, month)

    below = post(client, owner, account, first)
    assert below.status_code == 201, below.body
    at = post(client, owner, account, first + timedelta(hours=1))
    assert at.status_code == 201, at.body
    over = post(client, owner, account, first + timedelta(hours=2))
    detail = refused(over, "scheduled_posts_per_month", 30, 30)
    assert detail["month"] == month
    # Nothing half-written: no third post in that month.
    assert len(post_store.list_scheduled(ws, first, first + timedelta(days=1)).items) == 2

    # A draft counts nowhere; the next month has its own count.
    draft = post(client, owner, account)
    assert draft.status_code == 201
    assert post(client, owner, account, first + timedelta(days=40)).status_code == 201

    # A draft scheduled into the full month is refused and stays a draft.
    patched = call(
        client,
        "PATCH",
        f"/v1/workspaces/{ws}/posts/{draft.json['id']}",
        {"version": draft.json["version"], "when": {"at": wall(first), "timezone": "UTC"}},
        owner.headers,
    )
    refused(patched, "scheduled_posts_per_month", 30, 30)
    assert post_store.get(ws, draft.json["id"]).status == "draft"

    # Deleting a scheduled post gives its place back.
    gone = call(
        client, "DELETE", f"/v1/workspaces/{ws}/posts/{below.json['id']}", None, owner.headers
    )
    assert gone.status_code in (200, 204)
    assert post(client, owner, account, first + timedelta(hours=3)).status_code == 201


def test_a_post_counts_in_the_month_of_the_workspace_time_zone(client, billing_on):
    owner = signup(client)
    ws = owner.workspace_id
    renamed = call(
        client, "PATCH", f"/v1/workspaces/{ws}", {"timezone": "Pacific/Kiritimati"}, owner.headers
    )
    assert renamed.status_code == 200, renamed.body
    account = an_account(ws, "mastodon")
    first, month = month_start()  # 1st of the month, 09:00 UTC
    use(ws, Meter.SCHEDULED_POSTS_PER_MONTH, 30, month)
    # 11:00 UTC on the last day before is already the 1st in Kiritimati (UTC+14).
    eve = first - timedelta(hours=22)
    refused(post(client, owner, account, eve), "scheduled_posts_per_month", 30, 30)
    # 09:00 UTC the day before is 23:00 there: the previous month.
    assert post(client, owner, account, first - timedelta(hours=24)).status_code == 201


def test_parallel_posts_at_the_limit_never_get_one_over(client, billing_on):
    owner = signup(client)
    ws = owner.workspace_id
    account = an_account(ws, "mastodon")
    first, month = month_start()
    use(ws, Meter.SCHEDULED_POSTS_PER_MONTH, 26, month)

    def attempt(i: int) -> int:
        return post(client, owner, account, first + timedelta(minutes=i), f"Post {i}").status_code

    statuses = in_parallel(attempt, 10)
    assert statuses == [201] * 4 + [402] * 6
    assert len(post_store.list_scheduled(ws, first, first + timedelta(days=1)).items) == 4
    assert usage_of(client, owner)  # the summary answers at the limit
    assert (
        billing_store.used(
            billing_store.counter_key(ws, Meter.SCHEDULED_POSTS_PER_MONTH.value, month)
        )
        == 30
    )


def test_a_post_whose_write_fails_gives_its_place_in_the_month_back(
    client, billing_on, monkeypatch
):
    """The month is counted first and the post written second (half a transaction's
    write units): a write that fails takes its count back."""
    owner = signup(client)
    ws = owner.workspace_id
    account = an_account(ws, "mastodon")
    first, month = month_start()
    use(ws, Meter.SCHEDULED_POSTS_PER_MONTH, 29, month)
    key = billing_store.counter_key(ws, Meter.SCHEDULED_POSTS_PER_MONTH.value, month)

    def unavailable(item):
        raise RuntimeError("DynamoDB unavailable")

    with monkeypatch.context() as patched:
        patched.setattr(post_store, "create", unavailable)
        failed = post(client, owner, account, first)
    assert failed.status_code == 500
    assert billing_store.used(key) == 29
    assert post(client, owner, account, first).status_code == 201  # the last place is there
    assert billing_store.used(key) == 30


def test_queue_and_publish_now_are_held_to_the_months_limit(client, billing_on):
    from datetime import UTC, datetime

    from chalicelib.billing.entitlements import month_of

    owner = signup(client)
    ws = owner.workspace_id
    account = an_account(ws, "mastodon", timezone="UTC")  # a slot on Mondays at 09:00
    now = datetime.now(UTC)
    this_month = month_of(now, "UTC")
    next_month = month_of(now + timedelta(days=8), "UTC")
    for month in {this_month, next_month}:  # the next Monday is in one of them
        use(ws, Meter.SCHEDULED_POSTS_PER_MONTH, 30, month)
    queued = call(
        client,
        "POST",
        f"/v1/workspaces/{ws}/posts",
        {"text": "Queued", "targets": [{"account_id": account}], "when": {"queue": True}},
        owner.headers,
    )
    refused(queued, "scheduled_posts_per_month", 30, 30)

    draft = post(client, owner, account)
    assert draft.status_code == 201
    sent = call(
        client,
        "POST",
        f"/v1/workspaces/{ws}/posts/{draft.json['id']}/publish-now",
        None,
        owner.headers,
    )
    detail = refused(sent, "scheduled_posts_per_month", 30, 30)
    assert detail["month"] == this_month
    assert post_store.get(ws, draft.json["id"]).status == "draft"


def test_a_recurring_post_waits_as_a_draft_when_its_next_month_is_full(client, billing_on):
    from chalicelib.posts import service

    owner = signup(client)
    ws = owner.workspace_id
    account = an_account(ws, "mastodon", timezone="UTC")
    first, month = month_start()
    last = first + timedelta(days=27)  # a monthly rule's next occurrence is the next month
    created = call(
        client,
        "POST",
        f"/v1/workspaces/{ws}/posts",
        {
            "text": "Monthly news",
            "targets": [{"account_id": account}],
            "when": {"at": wall(last), "timezone": "UTC"},
            "recurrence": "FREQ=MONTHLY",
        },
        owner.headers,
    )
    assert created.status_code == 201, created.body
    following = (last + timedelta(days=31)).strftime("%Y-%m")
    use(ws, Meter.SCHEDULED_POSTS_PER_MONTH, 30, following)

    # What the publisher does once this occurrence went out.
    item = service.advance_series(ws, created.json["id"], last)
    assert item is not None and item.status == "draft" and item.scheduled_at is None
    stored = post_store.get(ws, created.json["id"])
    assert stored.status == "draft" and stored.recurrence
    counter = billing_store.counter_key(ws, Meter.SCHEDULED_POSTS_PER_MONTH.value, month)
    assert billing_store.used(counter) == 1  # the published occurrence stays counted


# ------------------------------------------------------------------------- accounts


def connect_bluesky(client, owner, handle: str):
    return call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/accounts/connect",
        {"network": "bluesky", "handle": f"{handle}.bsky.social", "app_password": APP_PASSWORD},
        owner.headers,
    )


def test_connected_accounts_below_at_and_above_the_limit(client, sandbox, billing_on):
    owner = signup(client)
    created = [connect_bluesky(client, owner, f"shop{i}") for i in range(3)]
    assert [r.status_code for r in created] == [201, 201, 201], created[-1].body
    assert usage_of(client, owner)["connected_accounts"] == (3, 3)
    refused(connect_bluesky(client, owner, "shop3"), "connected_accounts", 3, 3)
    listed = call(
        client, "GET", f"/v1/workspaces/{owner.workspace_id}/accounts", None, owner.headers
    )
    assert len(listed.json["items"]) == 3

    # Reconnecting one already connected adds nothing; disconnecting frees a place.
    assert connect_bluesky(client, owner, "shop0").status_code == 201
    account_id = created[0].json["account"]["id"]
    gone = call(
        client,
        "DELETE",
        f"/v1/workspaces/{owner.workspace_id}/accounts/{account_id}",
        None,
        owner.headers,
    )
    assert gone.status_code == 200, gone.body
    assert usage_of(client, owner)["connected_accounts"] == (2, 3)
    assert connect_bluesky(client, owner, "shop3").status_code == 201


def test_parallel_connections_at_the_limit_never_get_one_over(client, sandbox, billing_on):
    owner = signup(client)

    def attempt(i: int) -> int:
        return connect_bluesky(client, owner, f"rush{i}").status_code

    statuses = in_parallel(attempt, 6, workers=6)
    assert statuses == [201] * 3 + [402] * 3
    listed = call(
        client, "GET", f"/v1/workspaces/{owner.workspace_id}/accounts", None, owner.headers
    )
    assert len(listed.json["items"]) == 3
    assert usage_of(client, owner)["connected_accounts"] == (3, 3)


# -------------------------------------------------------------------------- members


def invite(client, owner, email: str | None = None):
    return call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/invitations",
        {"email": email or unique_email("invitee"), "role": "editor"},
        owner.headers,
    )


def test_team_members_with_pending_invitations_below_at_and_above_the_limit(client, billing_on):
    owner = signup(client)
    # Free: the owner alone.
    refused(invite(client, owner), "team_members", 1, 1)
    on_plan(owner.workspace_id, "pro")  # two members
    first = invite(client, owner)
    assert first.status_code == 201, first.body
    refused(invite(client, owner), "team_members", 2, 2)  # the pending invitation counts
    revoked = call(
        client,
        "DELETE",
        f"/v1/workspaces/{owner.workspace_id}/invitations/{first.json['id']}",
        None,
        owner.headers,
    )
    assert revoked.status_code in (200, 204), revoked.body
    assert usage_of(client, owner)["team_members"] == (1, 2)
    assert invite(client, owner).status_code == 201


def test_an_expired_invitation_gives_its_seat_back(client, billing_on):
    from chalicelib.store.invitations import InvitationRecord, get_invitation

    owner = signup(client)
    on_plan(owner.workspace_id, "pro")
    first = invite(client, owner)
    assert first.status_code == 201
    record = get_invitation(owner.workspace_id, first.json["id"])
    record.update([InvitationRecord.expires_at.set("2000-01-01T00:00:00Z")])
    assert invite(client, owner).status_code == 201
    assert usage_of(client, owner)["team_members"] == (2, 2)


def test_an_invitation_expired_before_billing_is_counted_once(client, monkeypatch):
    from chalicelib.store.invitations import InvitationRecord, get_invitation

    owner = signup(client)  # billing off: nothing counted
    old = invite(client, owner)
    assert old.status_code == 201
    record = get_invitation(owner.workspace_id, old.json["id"])
    record.update([InvitationRecord.expires_at.set("2000-01-01T00:00:00Z")])
    monkeypatch.setenv("SCHEDULO_STRIPE_SECRET_KEY", "sk_test_schedulo_tests")
    get_settings.cache_clear()
    on_plan(owner.workspace_id, "pro")
    assert usage_of(client, owner)["team_members"] == (1, 2)  # seeded: the owner
    assert invite(client, owner).status_code == 201
    assert usage_of(client, owner)["team_members"] == (2, 2)


def test_parallel_invitations_at_the_limit_never_get_one_over(client, billing_on):
    owner = signup(client)
    on_plan(owner.workspace_id, "business")  # ten members: nine seats left

    statuses = in_parallel(lambda _: invite(client, owner).status_code, 12)
    assert statuses == [201] * 9 + [402] * 3
    listed = call(
        client, "GET", f"/v1/workspaces/{owner.workspace_id}/invitations", None, owner.headers
    )
    assert len([i for i in listed.json["items"] if i["status"] == "pending"]) == 9


# ---------------------------------------------------------------------- self-hosted


def test_self_hosted_without_a_stripe_key_limits_nothing(client, monkeypatch):
    monkeypatch.delenv("SCHEDULO_STRIPE_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    owner = signup(client)
    assert invite(client, owner).status_code == 201  # Free would allow the owner alone
    assert invite(client, owner).status_code == 201
    got = call(client, "GET", f"/v1/workspaces/{owner.workspace_id}/billing", None, owner.headers)
    assert got.status_code == 200
    assert got.json["enabled"] is False and got.json["meters"] == []
    # Every feature, no plans to buy, nothing to manage, no limit on any meter.
    from chalicelib.billing.plans import Feature

    assert got.json["features"] == sorted(f.value for f in Feature)
    assert got.json["plans"] == [] and got.json["can_manage"] is False
    assert all(v is None for v in got.json["plan"]["limits"].values())
    assert got.json["pending_change"] is None and got.json["paused_accounts"] == []
    changed = call(
        client,
        "PUT",
        f"/v1/workspaces/{owner.workspace_id}/billing/plan",
        {"plan": "business"},
        owner.headers,
    )
    assert changed.status_code == 404 and "not enabled" in changed.body.decode()
    assert (
        call(
            client,
            "POST",
            f"/v1/workspaces/{owner.workspace_id}/billing/checkout",
            {"plan": "pro"},
            owner.headers,
        ).status_code
        == 404
    )
