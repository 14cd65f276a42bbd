"""GET .../analytics/summary through the API: totals with nulls where no network gives a
metric, the previous period, per network and account, the daily series, filters, dates
checked, and only the caller's workspace."""

from __future__ import annotations

from datetime import timedelta

from tests.analytics.seeding import a_follower_day, a_target, days_ago, local_noon
from tests.support.factories import call, signup
from tests.support.posting import an_account

# What X gives: no reach; clicks only on the author's posts younger than 30 days (none here).
X_POST = {"impressions": 1000, "likes": 40, "comments": 5, "shares": 3, "saves": 2, "quotes": 1}


def summary(client, user, query: str = ""):
    path = f"/v1/workspaces/{user.workspace_id}/analytics/summary{query}"
    return call(client, "GET", path, headers=user.headers)


def test_totals_this_period_and_the_one_before(client):
    owner = signup(client)
    ws = owner.workspace_id
    x = an_account(ws, "x", timezone="UTC")
    a_target(ws, x, "x", local_noon(2), X_POST)
    a_target(ws, x, "x", local_noon(5), {**X_POST, "impressions": 3000, "likes": 140})
    a_target(ws, x, "x", local_noon(30), {**X_POST, "likes": 20})  # the previous 28 days
    a_follower_day(ws, x, "x", days_ago(28), 500)  # the day before the period
    a_follower_day(ws, x, "x", days_ago(1), 560)

    response = summary(client, owner)
    assert response.status_code == 200, response.json
    body = response.json
    assert body["to"] == days_ago(0).isoformat()
    assert body["from"] == days_ago(27).isoformat()
    assert body["previous"] == {"from": days_ago(55).isoformat(), "to": days_ago(28).isoformat()}
    assert body["timezone"] == "UTC"
    totals = body["totals"]
    assert totals["posts_published"] == 2 and totals["posts_failed"] == 0
    assert totals["impressions"] == 4000
    assert totals["likes"] == 180
    assert totals["engagements"] == (40 + 5 + 3 + 2) + (140 + 5 + 3 + 2)
    assert totals["engagement_rate"] == round(totals["engagements"] / 4000, 6)
    assert totals["engagement_rate_basis"] == "impressions"
    assert totals["reach"] is None  # X does not give it: null, not 0
    assert totals["clicks"] == 0  # X gives clicks (for 30 days): none recorded here
    assert totals["followers"] == 560 and totals["followers_change"] == 60
    before = body["previous_totals"]
    assert before["posts_published"] == 1 and before["likes"] == 20
    assert before["followers"] == 500
    [network] = body["networks"]
    assert network["network"] == "x" and network["name"] == "X"
    assert network["totals"]["impressions"] == 4000
    assert "reach" in network["unavailable"] and "impressions" not in network["unavailable"]
    [account] = body["accounts"]
    assert account["account_id"] == x and account["display_name"] == "Test x"
    assert account["totals"] == totals
    assert len(body["series"]) == 28
    by_day = {point["date"]: point for point in body["series"]}
    assert by_day[days_ago(2).isoformat()]["posts"] == 1
    assert by_day[days_ago(2).isoformat()]["impressions"] == 1000
    assert by_day[days_ago(3).isoformat()] == {
        "date": days_ago(3).isoformat(),
        "posts": 0,
        "impressions": 0,
        "engagements": 0,
        "followers": None,
    }
    assert by_day[days_ago(1).isoformat()]["followers"] == 560


def test_a_metric_no_network_gives_is_null_and_the_rate_is_over_followers(client):
    owner = signup(client)
    ws = owner.workspace_id
    bluesky = an_account(ws, "bluesky", timezone="UTC")
    a_target(ws, bluesky, "bluesky", local_noon(1), {"likes": 12, "comments": 2, "shares": 6})
    a_follower_day(ws, bluesky, "bluesky", days_ago(1), 400)

    totals = summary(client, owner).json["totals"]
    assert totals["impressions"] is None and totals["reach"] is None
    assert totals["saves"] is None and totals["clicks"] is None
    assert totals["likes"] == 12 and totals["engagements"] == 20
    assert totals["engagement_rate_basis"] == "followers"
    assert totals["engagement_rate"] == 0.05
    # An account with no post this period still counts its zeros, not nulls.
    quiet = summary(client, owner, f"?from={days_ago(300)}&to={days_ago(200)}").json["totals"]
    assert quiet["posts_published"] == 0 and quiet["likes"] == 0 and quiet["impressions"] is None


def test_networks_side_by_side_each_say_what_they_lack(client):
    owner = signup(client)
    ws = owner.workspace_id
    x = an_account(ws, "x", timezone="UTC")
    mastodon = an_account(ws, "mastodon", timezone="UTC")
    a_target(ws, x, "x", local_noon(3), X_POST)
    a_target(ws, mastodon, "mastodon", local_noon(3), {"likes": 7, "comments": 1, "shares": 2})

    body = summary(client, owner).json
    assert body["totals"]["likes"] == 47 and body["totals"]["impressions"] == 1000
    networks = {n["network"]: n for n in body["networks"]}
    assert networks["mastodon"]["totals"]["impressions"] is None
    assert networks["mastodon"]["unavailable"] == ["impressions", "reach", "saves", "clicks"]
    assert networks["x"]["unavailable"] == ["reach"]
    only = summary(client, owner, "?network=mastodon").json
    assert only["totals"]["likes"] == 7 and [a["account_id"] for a in only["accounts"]] == [
        mastodon
    ]
    one = summary(client, owner, f"?account_id={x}").json
    assert one["totals"]["likes"] == 40 and [n["network"] for n in one["networks"]] == ["x"]


def test_failed_posts_come_from_the_posts_table(client):
    from chalicelib.domain.ids import new_id
    from chalicelib.store import posts as post_store
    from chalicelib.store.base import iso

    owner = signup(client)
    ws = owner.workspace_id
    x = an_account(ws, "x", timezone="UTC")
    at = iso(local_noon(4))
    post = post_store.PostItem(
        ws,
        new_id("p"),
        status="failed",
        text="did not go",
        scheduled_at=at,
        account_ids=[x],
        networks=["x"],
        created_at=at,
        updated_at=at,
        targets=[
            post_store.TargetAttribute(
                target_id=new_id("t"), account_id=x, network="x", status="failed"
            )
        ],
    )
    post_store.create(post)
    totals = summary(client, owner).json["totals"]
    assert totals["posts_failed"] == 1 and totals["posts_published"] == 0


def test_dates_are_checked_and_named(client):
    owner = signup(client)
    backwards = summary(client, owner, f"?from={days_ago(1)}&to={days_ago(5)}")
    assert backwards.status_code == 422
    assert backwards.json["error"]["details"][0]["field"] == "from"
    too_long = summary(client, owner, f"?from={days_ago(500)}&to={days_ago(1)}")
    assert too_long.status_code == 422 and "400 days" in too_long.json["error"]["message"]
    garbled = summary(client, owner, "?to=yesterday")
    assert garbled.status_code == 422
    assert garbled.json["error"]["details"][0]["field"] == "to"
    network = summary(client, owner, "?network=myspace")
    assert network.status_code == 422
    assert network.json["error"]["details"][0]["field"] == "network"
    unknown = summary(client, owner, "?account_id=a_nobody")
    assert unknown.status_code == 422
    assert unknown.json["error"]["details"][0]["field"] == "account_id"


def test_another_workspaces_figures_never_show(client):
    owner, stranger = signup(client), signup(client)
    theirs = an_account(stranger.workspace_id, "x", timezone="UTC")
    a_target(stranger.workspace_id, theirs, "x", local_noon(1), X_POST)
    a_follower_day(stranger.workspace_id, theirs, "x", days_ago(1), 9999)
    mine = summary(client, owner).json
    assert mine["totals"]["posts_published"] == 0 and mine["accounts"] == []
    assert mine["totals"]["followers"] is None
    # Their account's id is unknown here; their workspace is not ours to read.
    named = summary(client, owner, f"?account_id={theirs}")
    assert named.status_code == 422
    path = f"/v1/workspaces/{stranger.workspace_id}/analytics/summary"
    assert call(client, "GET", path, headers=owner.headers).status_code == 404


def test_any_member_reads_and_a_workspace_zone_sets_the_days(client):
    from tests.support.factories import add_member

    owner = signup(client)
    ws = owner.workspace_id
    patched = call(client, "PATCH", f"/v1/workspaces/{ws}", {"timezone": "Pacific/Auckland"},
                   owner.headers)  # fmt: skip
    assert patched.status_code == 200, patched.json
    x = an_account(ws, "x", timezone="Pacific/Auckland")
    # 23:30 UTC two days ago is already the next day in Auckland.
    late = local_noon(2).replace(hour=23, minute=30)
    a_target(ws, x, "x", late, X_POST)
    viewer = add_member(client, owner, "viewer")
    body = summary(client, viewer).json
    assert body["timezone"] == "Pacific/Auckland"
    auckland_day = (late + timedelta(hours=13)).date().isoformat()
    by_day = {p["date"]: p["posts"] for p in body["series"]}
    assert by_day.get(auckland_day) == 1
