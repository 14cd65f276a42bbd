"""Each adapter's post and account metrics against the sandbox networks: the figures the
sandbox serves (local/sandbox/analytics.py) come back under the canonical names, only
those the network gives, in batches the network takes; rate limits and injected faults
are sorted like publishing's."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.networks.base import (
    CANONICAL_METRICS,
    AccountAuth,
    ErrorKind,
    NetworkAdapter,
    NetworkError,
    auth_for,
)
from chalicelib.networks.registry import get_adapter
from local.sandbox import analytics
from tests.support.networks import REDIRECT_URI, adapter, connect

NETWORKS = (
    "x",
    "facebook",
    "instagram",
    "threads",
    "linkedin-member",
    "linkedin-organization",
    "youtube",
    "tiktok",
    "pinterest",
    "bluesky",
    "mastodon",
)


def _nth(network: str, index: int = 0) -> Callable[[Any], tuple[NetworkAdapter, AccountAuth]]:
    def connected(_sandbox: Any) -> tuple[NetworkAdapter, AccountAuth]:
        network_adapter = adapter(network)
        grant = connect(network_adapter)
        identity = network_adapter.identities(grant)[index]
        return network_adapter, auth_for(identity, grant)

    return connected


def _bluesky(_sandbox: Any) -> tuple[NetworkAdapter, AccountAuth]:
    bluesky = adapter("bluesky")
    grant, me = bluesky.create_session("bakery.bsky.social", "abcd-efgh-ijkl-mnop")  # type: ignore[attr-defined]
    return bluesky, AccountAuth(me.external_id, grant.access_token)


def _mastodon(sandbox: Any) -> tuple[NetworkAdapter, AccountAuth]:
    def instance(credentials: Any = None) -> NetworkAdapter:
        return get_adapter("mastodon", credentials, instance_url=f"{sandbox.url}/mastodon")

    credentials = instance().register_app(REDIRECT_URI, website="https://schedulo.example")  # type: ignore[attr-defined]
    mastodon = instance(credentials)
    grant = connect(mastodon)
    [me] = mastodon.identities(grant)
    return mastodon, AccountAuth(me.external_id, grant.access_token)


# What a network gives for some accounts only: LinkedIn members' post analytics have no
# clicks (organisations' do).
NOT_GIVEN = {"linkedin-member": {"clicks"}}

ACCOUNTS: dict[str, Callable[[Any], tuple[NetworkAdapter, AccountAuth]]] = {
    "x": _nth("x"),
    "facebook": _nth("facebook"),
    "instagram": _nth("instagram"),
    "threads": _nth("threads"),
    "linkedin-member": _nth("linkedin", 0),
    "linkedin-organization": _nth("linkedin", 1),
    "youtube": _nth("youtube"),
    "tiktok": _nth("tiktok"),
    "pinterest": _nth("pinterest"),
    "bluesky": _bluesky,
    "mastodon": _mastodon,
}


def seed(sandbox, network: str, account: AccountAuth, hours_ago: float) -> dict:
    """A post the account published `hours_ago` hours ago (as if it went out then)."""
    post_id = analytics.seed_post(
        sandbox.state, network, account.external_id, time.time() - hours_ago * 3600
    )
    [post] = [p for p in sandbox.posts(network) if p["id"] == post_id]
    return post


def served(network: str, post: dict, at: float) -> dict[str, int]:
    """The figures the sandbox serves for `post` at `at` (Instagram's insights are late)."""
    if network == "instagram":
        return analytics.late_insights_of_post(network, post, at)
    return analytics.of_post(network, post, at)


@pytest.mark.parametrize("case", NETWORKS)
def test_post_metrics_come_back_under_the_canonical_names(sandbox, case):
    network_adapter, account = ACCOUNTS[case](sandbox)
    network = network_adapter.network_id
    posts = [seed(sandbox, network, account, hours_ago=30 + n) for n in range(3)]
    ids = [p["id"] for p in posts]

    before = time.time()
    metrics = network_adapter.metrics(account, ids)
    after = time.time()

    assert sorted(m.external_id for m in metrics) == sorted(ids)
    metrics = sorted(metrics, key=lambda m: ids.index(m.external_id))
    names = network_adapter.metric_names
    assert names and names <= CANONICAL_METRICS
    for post, got in zip(posts, metrics, strict=True):
        # Only what the network gives: everything else is absent, never 0.
        canonical = {k: v for k, v in got.values.items() if k in CANONICAL_METRICS}
        assert set(canonical) == names - NOT_GIVEN.get(case, set())
        for name in canonical:
            at_start = served(network, post, before)[name]
            at_end = served(network, post, after)[name]
            assert at_start <= canonical[name] <= at_end, (name, canonical)
        assert canonical.get("likes", 1) > 0


@pytest.mark.parametrize("case", NETWORKS)
def test_figures_rise_fast_then_level_off(sandbox, case, monkeypatch):
    network_adapter, account = ACCOUNTS[case](sandbox)
    network = network_adapter.network_id
    post = seed(sandbox, network, account, hours_ago=0)
    readings = []
    # Instagram's insights may show nothing before 48 h (they arrive late).
    first_hours = (49, 72) if network == "instagram" else (1, 24)
    for hours in (*first_hours, 24 * 7, 24 * 30):
        later = post["received_at"] + hours * 3600
        monkeypatch.setattr(analytics, "clock", lambda later=later: later)
        [got] = network_adapter.metrics(account, [post["id"]])
        readings.append(got.values)
    # The largest figure the network gives, so rounding does not hide the curve.
    key = max(readings[-1], key=lambda name: readings[-1][name])
    first, day, week, month = (r[key] for r in readings)
    assert 0 < first < day <= week <= month
    assert day >= 0.7 * month  # most of it within a day
    assert month - week <= 0.1 * month  # then a plateau


@pytest.mark.parametrize("case", NETWORKS)
def test_account_followers_are_the_sandbox_figure(sandbox, case):
    network_adapter, account = ACCOUNTS[case](sandbox)
    network = network_adapter.network_id
    result = network_adapter.account_metrics(account)
    assert result.followers == analytics.followers(network, account.external_id)
    assert result.collected_at.tzinfo is not None


@pytest.mark.parametrize("case", NETWORKS)
def test_an_injected_429_on_metrics_is_throttled_with_a_time(sandbox, case):
    network_adapter, account = ACCOUNTS[case](sandbox)
    network = network_adapter.network_id
    post = seed(sandbox, network, account, hours_ago=5)
    sandbox.fault(network, "429", calls="metrics")
    with pytest.raises(NetworkError) as caught:
        network_adapter.metrics(account, [post["id"]])
    assert caught.value.kind is ErrorKind.THROTTLED and caught.value.retry_at is not None
    # The fault was for metrics only and is spent: the next read works.
    [got] = network_adapter.metrics(account, [post["id"]])
    assert got.values


@pytest.mark.parametrize("case", NETWORKS)
def test_an_injected_401_on_account_metrics_asks_to_reconnect(sandbox, case):
    network_adapter, account = ACCOUNTS[case](sandbox)
    network = network_adapter.network_id
    sandbox.fault(network, "401", calls="metrics")
    with pytest.raises(NetworkError) as caught:
        network_adapter.account_metrics(account)
    assert caught.value.kind is ErrorKind.REAUTH


def test_the_planted_best_slot_gives_the_best_engagement_rate():
    accounts = [("x", "1"), ("bluesky", "did:plc:abc")]
    accounts += [(network, str(n)) for network in ("facebook", "youtube") for n in range(200)]
    for network, account in accounts:
        day, hour = analytics.planted_best_slot(network, account)
        assert 0 <= day <= 6 and 9 <= hour <= 20
        best = analytics.slot_factor(network, account, day, hour)
        others = [
            analytics.slot_factor(network, account, d, h)
            for d in range(7)
            for h in range(24)
            if (d, h) != (day, hour)
        ]
        assert best > 1.05 * max(others)
        assert best > 2 * sorted(others)[len(others) // 2]  # well above a typical slot
    # The planted slots are spread over the week, not one slot for everyone.
    slots = {analytics.planted_best_slot("facebook", str(n)) for n in range(200)}
    assert len({d for d, _ in slots}) == 7 and len(slots) > 50


def test_followers_move_from_day_to_day_and_are_repeatable():
    now = time.time()
    days = [analytics.followers("x", "42", now + d * 86400) for d in range(10)]
    assert len(set(days)) > 5
    assert days == [analytics.followers("x", "42", now + d * 86400) for d in range(10)]
    assert days[-1] > days[0]  # a growing account, with daily jitter


def test_a_spent_rate_window_is_a_429_with_the_reset(sandbox, monkeypatch):
    from local.sandbox.networks import x as sandbox_x

    monkeypatch.setattr(sandbox_x, "LOOKUPS_PER_WINDOW", 2)
    x, account = ACCOUNTS["x"](sandbox)
    post = seed(sandbox, "x", account, hours_ago=2)
    x.metrics(account, [post["id"]])
    x.metrics(account, [post["id"]])
    with pytest.raises(NetworkError) as caught:
        x.metrics(account, [post["id"]])
    assert caught.value.kind is ErrorKind.THROTTLED
    [*_, refused] = sandbox.calls_to("/x/2/tweets")
    assert refused.status == 429 and refused.headers["x-rate-limit-remaining"] == "0"
    reset = int(refused.headers["x-rate-limit-reset"])
    assert caught.value.retry_at is not None and caught.value.retry_at.timestamp() == reset
    assert 0 < reset - time.time() <= 900


def test_history_can_be_seeded_through_the_control_api(sandbox):
    import requests

    bluesky, account = ACCOUNTS["bluesky"](sandbox)
    week_ago = time.time() - 7 * 86400
    answer = requests.post(
        f"{sandbox.url}/_control/posts",
        json={
            "network": "bluesky",
            "account": account.external_id,
            "published_at": [week_ago, week_ago + 3600],
        },
        timeout=5,
    )
    ids = answer.json()["ids"]
    assert answer.status_code == 200 and len(ids) == 2
    metrics = bluesky.metrics(account, ids)
    assert [m.external_id for m in metrics] == ids
    for got, published in zip(metrics, (week_ago, week_ago + 3600), strict=True):
        figures = analytics.post_metrics("bluesky", account.external_id, got.external_id, published)
        assert got.values["likes"] == figures["likes"] > 0
    refused = requests.post(
        f"{sandbox.url}/_control/posts",
        json={"network": "bluesky", "account": account.external_id, "published_at": "soon"},
        timeout=5,
    )
    assert refused.status_code == 400 and "published_at" in refused.json()["error"]


def test_posts_at_the_planted_slot_engage_more_as_served(sandbox):
    x, account = ACCOUNTS["x"](sandbox)
    day, hour = analytics.planted_best_slot("x", account.external_id)
    now = datetime.now(UTC)
    # The planted slot three weeks back or more, and the opposite weekday and hour.
    start = (now - timedelta(days=21)).replace(hour=hour, minute=0, second=0, microsecond=0)
    best = start - timedelta(days=(start.weekday() - day) % 7)
    worst = best - timedelta(days=3, hours=12)
    ids = [
        analytics.seed_post(sandbox.state, "x", account.external_id, when.timestamp())
        for when in (best, worst)
    ]
    at_best, at_worst = x.metrics(account, ids)

    def rate(values: dict[str, int]) -> float:
        engaged = sum(values[k] for k in ("likes", "comments", "shares", "saves"))
        return engaged / values["impressions"]

    assert rate(at_best.values) > 1.8 * rate(at_worst.values)
    assert at_best.values["impressions"] > at_worst.values["impressions"]


def test_x_gives_clicks_for_30_days_then_public_figures_only(sandbox):
    x, account = ACCOUNTS["x"](sandbox)
    fresh = seed(sandbox, "x", account, hours_ago=30)
    old = seed(sandbox, "x", account, hours_ago=24 * 31)
    someone_else = analytics.seed_post(sandbox.state, "x", "999000111", time.time() - 3600)
    ids = [fresh["id"], old["id"], someone_else]

    got = {m.external_id: m.values for m in x.metrics(account, ids)}

    # X's own answer for the refused ones: left out of `data`, a problem per field.
    lookups = [c for c in sandbox.calls_to("/x/2/tweets") if c.method == "GET"]
    assert len(lookups) == 2  # every post asked with private fields, the refused again
    assert "clicks" in got[fresh["id"]] and "user_profile_clicks" in got[fresh["id"]]
    assert got[fresh["id"]]["clicks"] >= analytics.of_post("x", fresh, time.time() - 60)["clicks"]
    for refused in (old["id"], someone_else):
        assert "clicks" not in got[refused] and "user_profile_clicks" not in got[refused]
        assert got[refused]["likes"] > 0  # the public figures still come back


def test_the_sandbox_refuses_x_private_fields_as_x_does(sandbox):
    import requests

    x, account = ACCOUNTS["x"](sandbox)
    old = seed(sandbox, "x", account, hours_ago=24 * 31)
    answer = requests.get(
        x.url("api", "/2/tweets"),
        params={"ids": old["id"], "post.fields": "public_metrics,non_public_metrics"},
        headers={"Authorization": f"Bearer {account.access_token}"},
        timeout=5,
    )
    assert answer.status_code == 200
    body = answer.json()
    assert "data" not in body
    [problem] = body["errors"]
    assert problem["type"] == "https://api.x.com/2/problems/not-authorized-for-field"
    assert (problem["field"], problem["resource_id"]) == ("non_public_metrics", old["id"])


def test_instagram_insights_arrive_up_to_48_hours_late(sandbox, monkeypatch):
    instagram, account = ACCOUNTS["instagram"](sandbox)
    posts = [seed(sandbox, "instagram", account, hours_ago=0) for _ in range(12)]
    delays = [analytics.insights_delay("instagram", p["id"]) for p in posts]
    assert all(0 <= d <= 48 * 3600 for d in delays) and len(set(delays)) == len(delays)

    def views_at(hours: float) -> dict[str, int]:
        monkeypatch.setattr(analytics, "clock", lambda: posts[0]["received_at"] + hours * 3600)
        got = instagram.metrics(account, [p["id"] for p in posts])
        return {m.external_id: m.values["views"] for m in got}

    readings = {hours: views_at(hours) for hours in (6, 24, 47, 48, 72)}
    for post, delay in zip(posts, delays, strict=True):
        series = [readings[h][post["id"]] for h in (6, 24, 47, 48, 72)]
        assert series == sorted(series)  # late, but never going down
        on_time = [
            analytics.of_post("instagram", post, post["received_at"] + h * 3600)["views"]
            for h in (6, 24, 47, 48, 72)
        ]
        # Behind what another network shows at that age until 48 h, then caught up.
        assert all(late <= now for late, now in zip(series[:3], on_time[:3], strict=True))
        assert series[3:] == on_time[3:]
        if delay > 7 * 3600:
            assert series[0] < on_time[0]
    # The delays differ from post to post: at 6 h some posts show nothing yet, some do.
    assert min(readings[6].values()) == 0 < max(readings[6].values())
