"""GET .../analytics/top-posts with the summary's filters: one account or one network
ranked on its own (not the workspace's top 10 filtered afterwards), a bad filter a 422
naming it, and another workspace's account unknown here."""

from __future__ import annotations

from tests.analytics.seeding import a_target, local_noon
from tests.analytics.test_api_exports import get, seeded
from tests.support.factories import signup
from tests.support.posting import an_account


def test_top_posts_of_one_network_or_account(client):
    owner, rows = seeded(client)
    ws = owner.workspace_id
    x = rows["big"].account_id
    # A second X account whose eleven posts all beat the first account's.
    other = an_account(ws, "x", timezone="UTC")
    for n in range(11):
        a_target(ws, other, "x", local_noon(4), {"impressions": 9000, "likes": 500 + n})

    everyone = get(client, owner, "top-posts").json["items"]
    assert {i["account_id"] for i in everyone} == {other}  # the first account is crowded out

    mine = get(client, owner, f"top-posts?account_id={x}").json["items"]
    assert [i["target_id"] for i in mine] == [rows["big"].target_id, rows["small"].target_id]
    assert [i["value"] for i in mine] == [100, 10]

    toots = get(client, owner, "top-posts?network=mastodon").json["items"]
    assert [i["target_id"] for i in toots] == [rows["toot"].target_id]
    both = get(client, owner, f"top-posts?network=mastodon&account_id={x}").json["items"]
    assert both == []


def test_a_bad_filter_is_a_422_naming_it(client):
    owner, _ = seeded(client)
    stranger = signup(client)
    elsewhere = an_account(stranger.workspace_id, "x", timezone="UTC")

    for query, field in (
        ("network=myspace", "network"),
        (f"account_id={elsewhere}", "account_id"),  # another workspace's: unknown here
        ("account_id=acc_nope", "account_id"),
    ):
        answer = get(client, owner, f"top-posts?{query}")
        assert answer.status_code == 422, query
        assert answer.json["error"]["details"][0]["field"] == field
