"""Best times through the API: from an account's own history or its network's usual good
times, filling the queue from them (admins), and the composer's next suggested slots."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from tests.analytics.seeding import a_target
from tests.support.factories import add_member, call, signup
from tests.support.posting import an_account

BASE = "/v1/workspaces/{ws}/analytics"


def path(user, rest: str) -> str:
    return BASE.format(ws=user.workspace_id) + rest


def history(ws: str, account_id: str, posts: int, best: tuple[int, int], zone_hours: int = 0):
    """`posts` settled X posts over the last weeks, 3 a day at 09:00, 13:00 and 18:00 local
    (UTC + zone_hours); those at `best` (weekday, hour local) do three times better."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    written = 0
    day = 3
    while written < posts:
        for hour in (9, 13, 18):
            local = (now - timedelta(days=day)).replace(hour=hour)
            good = (local.weekday(), hour) == best
            likes = 150 if good else 50
            a_target(
                ws,
                account_id,
                "x",
                local - timedelta(hours=zone_hours),
                {"impressions": 1000, "likes": likes, "comments": 0, "shares": 0, "saves": 0},
                collected_after=timedelta(days=2),
            )
            written += 1
            if written == posts:
                break
        day += 1


def test_an_account_with_history_gets_its_own_best_times(client):
    owner = signup(client)
    ws = owner.workspace_id
    x = an_account(ws, "x", timezone="Asia/Tokyo")
    history(ws, x, 45, best=(2, 13), zone_hours=9)
    viewer = add_member(client, owner, "viewer")

    response = call(
        client, "GET", path(owner, f"/best-times?account_id={x}"), headers=viewer.headers
    )
    assert response.status_code == 200, response.json
    body = response.json
    assert body["account_id"] == x and body["network"] == "x"
    assert body["timezone"] == "Asia/Tokyo"
    assert body["source"] == "account" and body["message"] is None
    assert body["posts_considered"] == 45
    best = body["slots"][0]
    assert (best["weekday"], best["hour"]) == (2, 13)  # Wednesday 13:00 in Tokyo
    assert best["posts"] >= 2 and best["confidence"] in ("low", "medium")
    assert best["expected_engagement_rate"] > body["slots"][1]["expected_engagement_rate"]
    assert len(body["slots"]) == 7
    assert len(body["heatmap"]) == 7 and all(len(row) == 24 for row in body["heatmap"])
    assert body["heatmap"][2][13] == best["expected_engagement_rate"]


def test_a_new_account_gets_its_networks_usual_times_and_is_told(client):
    owner = signup(client)
    ws = owner.workspace_id
    linkedin = an_account(ws, "linkedin", timezone="Europe/Paris")
    body = call(
        client, "GET", path(owner, f"/best-times?account_id={linkedin}"), headers=owner.headers
    ).json
    assert body["source"] == "prior" and body["posts_considered"] == 0
    assert body["message"] == "Not enough history yet: these are LinkedIn's usual good times"
    assert all(slot["confidence"] == "low" and slot["posts"] == 0 for slot in body["slots"])
    assert body["slots"][0]["hour"] == 9


def test_posts_not_yet_settled_do_not_count(client):
    owner = signup(client)
    ws = owner.workspace_id
    x = an_account(ws, "x", timezone="UTC")
    recent = datetime.now(UTC) - timedelta(hours=3)
    for i in range(25):
        a_target(ws, x, "x", recent - timedelta(minutes=i), {"impressions": 10, "likes": 1},
                 collected_after=timedelta(hours=1))  # fmt: skip
    body = call(client, "GET", path(owner, f"/best-times?account_id={x}"), headers=owner.headers)
    assert body.json["source"] == "prior" and body.json["posts_considered"] == 0


def test_account_id_is_required_and_must_be_this_workspaces(client):
    owner, stranger = signup(client), signup(client)
    theirs = an_account(stranger.workspace_id, "x")
    missing = call(client, "GET", path(owner, "/best-times"), headers=owner.headers)
    assert missing.status_code == 422
    assert missing.json["error"]["details"][0]["field"] == "account_id"
    foreign = call(
        client, "GET", path(owner, f"/best-times?account_id={theirs}"), headers=owner.headers
    )
    assert foreign.status_code == 422
    assert foreign.json["error"]["details"][0]["field"] == "account_id"


def test_an_admin_fills_the_queue_from_best_times_and_it_is_audited(client):
    owner = signup(client)
    ws = owner.workspace_id
    x = an_account(ws, "x", timezone="UTC")
    history(ws, x, 45, best=(4, 18))
    editor = add_member(client, owner, "editor")
    refused = call(
        client, "POST", path(owner, "/best-times/apply"), {"account_id": x}, editor.headers
    )
    assert refused.status_code == 403

    response = call(
        client,
        "POST",
        path(owner, "/best-times/apply"),
        {"account_id": x, "slots_per_day": 3},
        owner.headers,
    )
    assert response.status_code == 200, response.json
    account = response.json
    assert account["id"] == x and account["custom_slots"] is True
    assert len(account["slots"]) == 21
    assert {"weekday": 4, "time": "18:00"} in account["slots"]
    for day in range(7):
        hours = sorted(int(s["time"][:2]) for s in account["slots"] if s["weekday"] == day)
        assert len(hours) == 3 and all(b - a >= 2 for a, b in itertools.pairwise(hours))
    # The account reads the same afterwards, and the audit log says who did it.
    again = call(client, "GET", f"/v1/workspaces/{ws}/accounts/{x}", headers=owner.headers).json
    assert again["slots"] == account["slots"]
    audit = call(client, "GET", f"/v1/workspaces/{ws}/audit", headers=owner.headers).json
    event = next(e for e in audit["items"] if e["action"] == "account.slots_from_best_times")
    assert event["target"] == x


def test_apply_refuses_what_is_out_of_range(client):
    owner = signup(client)
    x = an_account(owner.workspace_id, "x")
    for body, field in (
        ({"account_id": x, "slots_per_day": 6}, "slots_per_day"),
        ({"account_id": x, "slots_per_day": 0}, "slots_per_day"),
        ({"slots_per_day": 2}, "account_id"),
        ({"account_id": "a_nobody"}, "account_id"),
    ):
        response = call(client, "POST", path(owner, "/best-times/apply"), body, owner.headers)
        assert response.status_code == 422, body
        assert response.json["error"]["details"][0]["field"] == field


def test_next_slots_for_several_accounts(client):
    owner = signup(client)
    ws = owner.workspace_id
    x = an_account(ws, "x", timezone="UTC")
    linkedin = an_account(ws, "linkedin", timezone="America/New_York")
    history(ws, x, 45, best=(2, 13))
    editor = add_member(client, owner, "editor")
    query = f"/next-slots?account_id={x}&account_id={linkedin}&count=4"
    response = call(client, "GET", path(owner, query), headers=editor.headers)
    assert response.status_code == 200, response.json
    slots = response.json["slots"]
    assert len(slots) == 4
    now = datetime.now(UTC)
    times = [datetime.fromisoformat(s["at"].replace("Z", "+00:00")) for s in slots]
    assert times == sorted(times) and all(now < t <= now + timedelta(days=8) for t in times)
    assert all(s["account_ids"] == [x, linkedin] for s in slots)
    assert all(s["source"] == "prior" for s in slots)  # LinkedIn has no history yet
    assert slots[0]["timezone"] == "UTC" and slots[0]["expected_engagement_rate"] > 0

    unknown = call(
        client,
        "GET",
        path(owner, f"/next-slots?account_id={x}&account_id=a_no"),
        headers=owner.headers,
    )
    assert unknown.status_code == 422
    assert unknown.json["error"]["details"][0]["field"] == "account_id[1]"
    none = call(client, "GET", path(owner, "/next-slots"), headers=owner.headers)
    assert none.status_code == 422
    assert none.json["error"]["details"][0]["field"] == "account_id"
    empty = call(client, "GET", path(owner, "/next-slots?account_id="), headers=owner.headers)
    assert empty.status_code == 422
    assert empty.json["error"]["details"][0]["field"] == "account_id[0]"


def test_the_daily_job_learns_each_networks_prior_from_every_workspace(client):
    from chalice.local import LambdaContext

    from app import best_times_priors
    from chalicelib.store import metrics
    from local.scheduler import scheduled_event

    # Two workspaces whose X accounts do best on Thursdays at 18:00 (UTC).
    for _ in range(2):
        other = signup(client)
        account = an_account(other.workspace_id, "x", timezone="UTC")
        history(other.workspace_id, account, 30, best=(3, 18))
    best_times_priors(
        scheduled_event("best-times-priors"),
        LambdaContext(function_name="local", memory_size=1024, max_runtime_ms=60_000),
    )
    stored = metrics.network_prior("x")
    assert stored is not None and stored["source"] == "deployment" and stored["accounts"] == 2
    assert metrics.network_prior("mastodon")["source"] == "default"  # no account: the default

    # A new X account elsewhere is offered what the deployment learnt, not the default.
    owner = signup(client)
    fresh = an_account(owner.workspace_id, "x", timezone="UTC")
    body = call(
        client, "GET", path(owner, f"/best-times?account_id={fresh}"), headers=owner.headers
    ).json
    assert body["source"] == "prior"
    assert (body["slots"][0]["weekday"], body["slots"][0]["hour"]) == (3, 18)
