"""Each adapter's post and account metrics against the networks' production URLs, mocked
with `responses` in the networks' documented shapes: what is asked (path and parameters),
how the answer maps onto the canonical names (a figure the network leaves out is absent,
never 0), batching, and how a 429 and a refused token are sorted."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, parse_qsl, unquote, urlsplit

import pytest
import responses

from chalicelib.networks.base import AccountAuth, ErrorKind, NetworkAdapter, NetworkError
from tests.support.networks import adapter

TOKEN = "T0KEN"


@pytest.fixture(autouse=True)
def production_hosts(monkeypatch):
    """The networks' real hosts: no sandbox URL, no per-network override."""
    from chalicelib.settings import get_settings

    monkeypatch.delenv("SCHEDULO_SANDBOX_URL", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def query(call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query, keep_blank_values=True)


def path(call) -> str:
    return urlsplit(call.request.url).path


def throttled(run, seconds_ahead: float | None = None) -> NetworkError:
    with pytest.raises(NetworkError) as caught:
        run()
    error = caught.value
    assert error.kind is ErrorKind.THROTTLED and error.retry_at is not None
    if seconds_ahead is not None:
        expected = datetime.now(UTC) + timedelta(seconds=seconds_ahead)
        assert abs((error.retry_at - expected).total_seconds()) < 5
    return error


def reauth(run) -> None:
    with pytest.raises(NetworkError) as caught:
        run()
    assert caught.value.kind is ErrorKind.REAUTH


# -- X -----------------------------------------------------------------------------------


@responses.activate
def test_x_reads_public_metrics_100_ids_a_call():
    x = adapter("x")
    account = AccountAuth("2244994945", TOKEN)
    ids = [str(1_000 + n) for n in range(101)]

    def answer(request):
        asked = parse_qs(urlsplit(request.url).query)["ids"][0].split(",")
        data = [
            {
                "id": i,
                "text": "t",
                "edit_history_post_ids": [i],
                "public_metrics": {
                    "retweet_count": 0,
                    "repost_count": 2,
                    "reply_count": 3,
                    "like_count": 40,
                    "quote_count": 1,
                    "bookmark_count": 5,
                    "impression_count": 900,
                },
            }
            for i in asked
            if i != "1050"  # deleted: X answers it in `errors`
        ]
        errors = [{"value": "1050", "title": "Not Found Error", "resource_type": "tweet"}]
        return 200, {}, json.dumps({"data": data, "errors": errors})

    responses.add_callback(responses.GET, "https://api.x.com/2/tweets", callback=answer)
    metrics = x.metrics(account, ids)

    assert len(responses.calls) == 2
    first, second = (query(c) for c in responses.calls)
    assert len(first["ids"][0].split(",")) == 100 and second["ids"] == ["1100"]
    assert first["post.fields"] == ["public_metrics,non_public_metrics,organic_metrics"]
    assert responses.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert [m.external_id for m in metrics] == [i for i in ids if i != "1050"]
    assert metrics[0].values == {
        "shares": 2,
        "comments": 3,
        "likes": 40,
        "quotes": 1,
        "saves": 5,
        "impressions": 900,
    }


def _refused(tweet_id: str, field: str) -> dict:
    """X's answer for a private field it refuses on a post (NotAuthorizedForFieldProblem)."""
    return {
        "value": tweet_id,
        "detail": f"Sorry, you are not authorized to access '{field}' on the Post with ids "
        f"[{tweet_id}].",
        "title": "Field Authorization Error",
        "resource_type": "tweet",
        "parameter": "post.fields",
        "resource_id": tweet_id,
        "field": field,
        "section": "data",
        "type": "https://api.x.com/2/problems/not-authorized-for-field",
    }


PUBLIC = {
    "repost_count": 2,
    "reply_count": 3,
    "like_count": 40,
    "quote_count": 1,
    "bookmark_count": 5,
    "impression_count": 900,
}


@responses.activate
def test_x_asks_for_private_metrics_and_falls_back_to_public_for_refused_posts():
    x = adapter("x")
    account = AccountAuth("2244994945", TOKEN)
    fresh, old = "2001", "2002"  # the author's post of today, and one of 40 days ago

    def answer(request):
        asked = parse_qs(urlsplit(request.url).query)
        ids = asked["ids"][0].split(",")
        if "non_public_metrics" not in asked["post.fields"][0]:
            data = [{"id": i, "text": "t", "public_metrics": PUBLIC} for i in ids]
            return 200, {}, json.dumps({"data": data})
        private = {"impression_count": 950, "url_link_clicks": 17, "user_profile_clicks": 4}
        data = [
            {
                "id": fresh,
                "text": "t",
                "public_metrics": PUBLIC,
                "non_public_metrics": private,
                "organic_metrics": {**private, "url_link_clicks": 12},
            }
        ]
        errors = [_refused(old, "non_public_metrics"), _refused(old, "organic_metrics")]
        return 200, {}, json.dumps({"data": data, "errors": errors})

    responses.add_callback(responses.GET, "https://api.x.com/2/tweets", callback=answer)
    metrics = {m.external_id: m.values for m in x.metrics(account, [fresh, old])}

    first, second = (query(c) for c in responses.calls)
    assert first["ids"] == [f"{fresh},{old}"]
    assert first["post.fields"] == ["public_metrics,non_public_metrics,organic_metrics"]
    assert second["ids"] == [old] and second["post.fields"] == ["public_metrics"]
    public = {"shares": 2, "comments": 3, "likes": 40, "quotes": 1, "saves": 5}
    # url_link_clicks of all (non-public) traffic, not just organic; impressions stay public.
    assert metrics[fresh] == {
        **public,
        "impressions": 900,
        "clicks": 17,
        "user_profile_clicks": 4,
    }
    assert metrics[old] == {**public, "impressions": 900}  # no clicks: absent, not 0
    assert x.time_limited_metrics == {"clicks", "user_profile_clicks"}


@responses.activate
def test_x_falls_back_to_public_metrics_when_the_token_may_not_read_private_ones():
    x = adapter("x")
    account = AccountAuth("2244994945", TOKEN)
    responses.add(
        responses.GET,
        "https://api.x.com/2/tweets",
        status=403,
        json={
            "title": "Forbidden",
            "detail": "Your client app is not configured with the appropriate oauth1 app "
            "permissions for this endpoint.",
            "type": "https://api.x.com/2/problems/client-forbidden",
            "status": 403,
        },
    )
    responses.add(
        responses.GET,
        "https://api.x.com/2/tweets",
        json={"data": [{"id": "3001", "text": "t", "public_metrics": PUBLIC}]},
    )
    [got] = x.metrics(account, ["3001"])
    assert query(responses.calls[1])["post.fields"] == ["public_metrics"]
    assert got.values["likes"] == 40 and "clicks" not in got.values


@responses.activate
def test_x_followers_from_users_me():
    responses.get(
        "https://api.x.com/2/users/me",
        json={
            "data": {
                "id": "1",
                "username": "a",
                "name": "A",
                "public_metrics": {
                    "followers_count": 1234,
                    "following_count": 56,
                    "tweet_count": 789,
                    "listed_count": 3,
                },
            }
        },
    )
    result = adapter("x").account_metrics(AccountAuth("1", TOKEN))
    assert query(responses.calls[0])["user.fields"] == ["public_metrics"]
    assert result.followers == 1234
    assert result.values == {"following": 56, "posts": 789}


@responses.activate
def test_x_429_waits_for_the_reset_and_401_asks_to_reconnect():
    x, account = adapter("x"), AccountAuth("1", TOKEN)
    reset = int(time.time()) + 600
    responses.get(
        "https://api.x.com/2/tweets",
        status=429,
        json={"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429},
        headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
    )
    error = throttled(lambda: x.metrics(account, ["1"]))
    assert error.retry_at == datetime.fromtimestamp(reset, UTC)
    responses.get(
        "https://api.x.com/2/users/me",
        status=401,
        json={"title": "Unauthorized", "detail": "Unauthorized", "status": 401},
    )
    reauth(lambda: x.account_metrics(account))


# -- Facebook and Instagram ------------------------------------------------------------------

GRAPH = "https://graph.facebook.com/v21.0"


def insight(name: str, value) -> dict:
    return {
        "name": name,
        "period": "lifetime",
        "values": [{"value": value}],
        "id": f"x/insights/{name}/lifetime",
    }


@responses.activate
def test_facebook_post_insights_by_todays_names():
    responses.get(
        f"{GRAPH}/1_2/insights",
        json={
            "data": [
                insight("post_media_view", 500),
                insight("post_total_media_view_unique", 320),
                insight("post_reactions_by_type_total", {"like": 30, "love": 4}),
                insight("post_activity_by_action_type", {"like": 34, "comment": 5, "share": 2}),
                # post_clicks left out: Meta had no figure for it
            ]
        },
    )
    [got] = adapter("facebook").metrics(AccountAuth("1", TOKEN), ["1_2"])
    asked = query(responses.calls[0])
    assert asked["metric"][0].split(",") == [
        "post_media_view",
        "post_total_media_view_unique",
        "post_clicks",
        "post_reactions_by_type_total",
        "post_activity_by_action_type",
    ]
    assert asked["period"] == ["lifetime"] and asked["access_token"] == [TOKEN]
    assert got.values == {"views": 500, "reach": 320, "likes": 34, "comments": 5, "shares": 2}
    assert "clicks" not in got.values and "impressions" not in got.values


@responses.activate
def test_facebook_page_followers():
    responses.get(f"{GRAPH}/77", json={"id": "77", "followers_count": 4100, "fan_count": 3900})
    result = adapter("facebook").account_metrics(AccountAuth("77", TOKEN))
    assert query(responses.calls[0])["fields"] == ["followers_count,fan_count"]
    assert result.followers == 4100 and result.values == {"page_likes": 3900}


@responses.activate
def test_graph_throttling_waits_as_the_usage_header_says_and_190_asks_to_reconnect():
    facebook, account = adapter("facebook"), AccountAuth("77", TOKEN)
    usage = {"77": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 7}]}
    responses.get(
        f"{GRAPH}/77_1/insights",
        status=400,
        json={"error": {"message": "(#32) Page request limit reached", "code": 32}},
        headers={"X-Business-Use-Case-Usage": json.dumps(usage)},
    )
    throttled(lambda: facebook.metrics(account, ["77_1"]), seconds_ahead=7 * 60)
    responses.get(
        f"{GRAPH}/77",
        status=400,
        json={"error": {"message": "Error validating access token", "code": 190, "type": "x"}},
    )
    reauth(lambda: facebook.account_metrics(account))


@responses.activate
def test_instagram_media_insights_and_followers():
    responses.get(
        f"{GRAPH}/555/insights",
        json={
            "data": [
                insight("views", 800),
                insight("reach", 600),
                insight("saved", 9),
                insight("likes", 50),
                insight("comments", 4),
                insight("shares", 3),
                insight("total_interactions", 66),
            ]
        },
    )
    responses.get(f"{GRAPH}/178", json={"id": "178", "followers_count": 2500, "media_count": 40})
    instagram, account = adapter("instagram"), AccountAuth("178", TOKEN)
    [got] = instagram.metrics(account, ["555"])
    assert query(responses.calls[0])["metric"][0].split(",") == [
        "views",
        "reach",
        "likes",
        "comments",
        "shares",
        "saved",
        "total_interactions",
    ]
    assert got.values == {
        "views": 800,
        "reach": 600,
        "saves": 9,
        "likes": 50,
        "comments": 4,
        "shares": 3,
        "total_interactions": 66,
    }
    result = instagram.account_metrics(account)
    assert "followers_count" in query(responses.calls[1])["fields"][0]
    assert result.followers == 2500 and result.values == {"posts": 40}


# -- Threads -----------------------------------------------------------------------------


@responses.activate
def test_threads_media_insights_and_follower_count():
    responses.get(
        "https://graph.threads.net/v1.0/900/insights",
        json={
            "data": [
                insight("views", 700),
                insight("likes", 30),
                insight("replies", 6),
                insight("reposts", 4),
                insight("quotes", 2),
                insight("shares", 1),
            ]
        },
    )
    responses.get(
        "https://graph.threads.net/v1.0/42/threads_insights",
        json={"data": [{"name": "followers_count", "period": "day", "total_value": {"value": 88}}]},
    )
    threads, account = adapter("threads"), AccountAuth("42", TOKEN)
    [got] = threads.metrics(account, ["900"])
    assert query(responses.calls[0])["metric"] == ["views,likes,replies,reposts,quotes,shares"]
    assert got.values == {
        "views": 700,
        "likes": 30,
        "comments": 6,
        "quotes": 2,
        "shares": 5,
        "reposts": 4,
    }
    assert threads.account_metrics(account).followers == 88
    assert query(responses.calls[1])["metric"] == ["followers_count"]


# -- LinkedIn ----------------------------------------------------------------------------

LINKEDIN = "https://api.linkedin.com/rest"


@responses.activate
def test_linkedin_organisation_share_statistics_in_one_call():
    org = "urn:li:organization:5515715"
    responses.get(
        f"{LINKEDIN}/organizationalEntityShareStatistics",
        json={
            "elements": [
                {
                    "share": "urn:li:share:1",
                    "organizationalEntity": org,
                    "totalShareStatistics": {
                        "uniqueImpressionsCount": 300,
                        "shareCount": 2,
                        "engagement": 0.05,
                        "clickCount": 9,
                        "likeCount": 12,
                        "impressionCount": 480,
                        "commentCount": 3,
                    },
                },
                {
                    "ugcPost": "urn:li:ugcPost:2",
                    "organizationalEntity": org,
                    "totalShareStatistics": {"impressionCount": 10, "likeCount": 1},
                },
            ],
            "paging": {"count": 10, "start": 0},
        },
    )
    metrics = adapter("linkedin").metrics(
        AccountAuth(org, TOKEN), ["urn:li:share:1", "urn:li:ugcPost:2"]
    )
    [call] = responses.calls
    raw = dict(parse_qsl(urlsplit(call.request.url).query))
    assert raw["q"] == "organizationalEntity" and raw["organizationalEntity"] == org
    # Rest.li lists: List(...) around URNs that are themselves encoded.
    assert "shares=List(urn%3Ali%3Ashare%3A1)" in call.request.url
    assert "ugcPosts=List(urn%3Ali%3AugcPost%3A2)" in call.request.url
    assert call.request.headers["LinkedIn-Version"] and call.request.headers[
        "X-Restli-Protocol-Version"
    ] == ("2.0.0")
    assert metrics[0].values == {
        "impressions": 480,
        "reach": 300,
        "clicks": 9,
        "likes": 12,
        "comments": 3,
        "shares": 2,
    }
    assert metrics[1].values == {"impressions": 10, "likes": 1}  # the rest not given


@responses.activate
def test_linkedin_member_post_analytics_one_metric_a_call():
    counts = {"IMPRESSION": 200, "MEMBERS_REACHED": 150, "REACTION": 8, "COMMENT": 2}

    def answer(request):
        asked = parse_qs(urlsplit(request.url).query)["queryType"][0]
        elements = [{"count": counts[asked]}] if asked in counts else []
        return 200, {}, json.dumps({"elements": elements})

    responses.add_callback(responses.GET, f"{LINKEDIN}/memberCreatorPostAnalytics", callback=answer)
    [got] = adapter("linkedin").metrics(AccountAuth("urn:li:person:abc", TOKEN), ["urn:li:share:7"])
    asked = [query(c) for c in responses.calls]
    assert [a["queryType"][0] for a in asked] == [
        "IMPRESSION",
        "MEMBERS_REACHED",
        "REACTION",
        "COMMENT",
        "RESHARE",
    ]
    assert {a["q"][0] for a in asked} == {"entity"}
    assert {unquote(a["entity"][0]) for a in asked} == {"(share:urn:li:share:7)"}
    assert {a["aggregation"][0] for a in asked} == {"TOTAL"}
    # RESHARE came back empty: absent, not 0; members' posts have no clicks at all.
    assert got.values == {"impressions": 200, "reach": 150, "likes": 8, "comments": 2}


@responses.activate
def test_linkedin_member_without_the_analytics_permission_gets_public_counts():
    responses.get(
        f"{LINKEDIN}/memberCreatorPostAnalytics",
        status=403,
        json={"status": 403, "code": "ACCESS_DENIED", "message": "Not enough permissions"},
    )
    responses.get(
        f"{LINKEDIN}/socialActions/urn%3Ali%3Ashare%3A7",
        json={
            "likesSummary": {"totalLikes": 14},
            "commentsSummary": {"aggregatedTotalComments": 3},
        },
    )
    responses.get(
        f"{LINKEDIN}/memberFollowersCount",
        status=403,
        json={"status": 403, "code": "ACCESS_DENIED", "message": "Not enough permissions"},
    )
    linkedin, member = adapter("linkedin"), AccountAuth("urn:li:person:abc", TOKEN)
    [got] = linkedin.metrics(member, ["urn:li:share:7"])
    assert got.values == {"likes": 14, "comments": 3}
    assert linkedin.account_metrics(member).followers is None


@responses.activate
def test_linkedin_followers_of_an_organisation_and_a_member():
    linkedin = adapter("linkedin")
    responses.get(
        f"{LINKEDIN}/networkSizes/urn%3Ali%3Aorganization%3A5", json={"firstDegreeSize": 950}
    )
    responses.get(
        f"{LINKEDIN}/memberFollowersCount", json={"elements": [{"memberFollowersCount": 321}]}
    )
    org = linkedin.account_metrics(AccountAuth("urn:li:organization:5", TOKEN))
    assert query(responses.calls[0])["edgeType"] == ["COMPANY_FOLLOWED_BY_MEMBER"]
    member = linkedin.account_metrics(AccountAuth("urn:li:person:abc", TOKEN))
    assert query(responses.calls[1])["q"] == ["me"]
    assert (org.followers, member.followers) == (950, 321)


@responses.activate
def test_linkedin_429_and_revoked_token():
    linkedin, account = adapter("linkedin"), AccountAuth("urn:li:organization:5", TOKEN)
    responses.get(
        f"{LINKEDIN}/organizationalEntityShareStatistics",
        status=429,
        json={"status": 429, "message": "Resource level throttle ... DAY limit"},
    )
    throttled(lambda: linkedin.metrics(account, ["urn:li:share:1"]))
    responses.get(
        f"{LINKEDIN}/networkSizes/urn%3Ali%3Aorganization%3A5",
        status=401,
        json={"status": 401, "code": "REVOKED_ACCESS_TOKEN", "message": "revoked"},
    )
    reauth(lambda: linkedin.account_metrics(account))


# -- YouTube -----------------------------------------------------------------------------


@responses.activate
def test_youtube_statistics_50_ids_a_call_hidden_likes_absent():
    ids = [f"vid{n:08d}" for n in range(51)]

    def answer(request):
        asked = parse_qs(urlsplit(request.url).query)["id"][0].split(",")
        items = [
            {
                "kind": "youtube#video",
                "id": i,
                "statistics": {"viewCount": "1200", "favoriteCount": "0", "commentCount": "7"},
            }
            for i in asked
        ]
        return 200, {}, json.dumps({"kind": "youtube#videoListResponse", "items": items})

    responses.add_callback(
        responses.GET, "https://www.googleapis.com/youtube/v3/videos", callback=answer
    )
    metrics = adapter("youtube").metrics(AccountAuth("UC1", TOKEN), ids)
    assert len(responses.calls) == 2
    assert len(query(responses.calls[0])["id"][0].split(",")) == 50
    assert query(responses.calls[0])["part"] == ["statistics"]
    assert len(metrics) == 51
    # The owner hid the likes: YouTube sends no likeCount, so there are no likes.
    assert metrics[0].values == {"views": 1200, "comments": 7}


@responses.activate
def test_youtube_subscribers_none_when_hidden():
    youtube, account = adapter("youtube"), AccountAuth("UC1", TOKEN)
    statistics = {"viewCount": "9000", "subscriberCount": "410", "videoCount": "12"}
    for hidden in (False, True):
        responses.get(
            "https://www.googleapis.com/youtube/v3/channels",
            json={
                "items": [
                    {"id": "UC1", "statistics": {**statistics, "hiddenSubscriberCount": hidden}}
                ]
            },
        )
    shown, concealed = youtube.account_metrics(account), youtube.account_metrics(account)
    asked = query(responses.calls[0])
    assert asked["part"] == ["statistics"] and asked["mine"] == ["true"]
    assert shown.followers == 410 and shown.values == {"channel_views": 9000, "videos": 12}
    assert concealed.followers is None


@responses.activate
def test_youtube_quota_waits_for_pacific_midnight_and_auth_error_reconnects():
    youtube, account = adapter("youtube"), AccountAuth("UC1", TOKEN)
    responses.get(
        "https://www.googleapis.com/youtube/v3/videos",
        status=403,
        json={"error": {"code": 403, "message": "quota", "errors": [{"reason": "quotaExceeded"}]}},
    )
    error = throttled(lambda: youtube.metrics(account, ["a"]))
    assert error.retry_at > datetime.now(UTC)
    responses.get(
        "https://www.googleapis.com/youtube/v3/channels",
        status=401,
        json={"error": {"code": 401, "message": "bad", "errors": [{"reason": "authError"}]}},
    )
    reauth(lambda: youtube.account_metrics(account))


# -- TikTok ------------------------------------------------------------------------------


@responses.activate
def test_tiktok_video_query_20_ids_a_call_and_follower_count():
    ids = [str(7_000 + n) for n in range(21)]

    def answer(request):
        asked = json.loads(request.body)["filters"]["video_ids"]
        videos = [
            {"id": i, "view_count": 900, "like_count": 70, "comment_count": 5, "share_count": 3}
            for i in asked
        ]
        return 200, {}, json.dumps({"data": {"videos": videos}, "error": {"code": "ok"}})

    responses.add_callback(
        responses.POST, "https://open.tiktokapis.com/v2/video/query/", callback=answer
    )
    responses.get(
        "https://open.tiktokapis.com/v2/user/info/",
        json={
            "data": {"user": {"open_id": "o", "follower_count": 5100, "following_count": 20}},
            "error": {"code": "ok"},
        },
    )
    tiktok, account = adapter("tiktok"), AccountAuth("o", TOKEN)
    metrics = tiktok.metrics(account, ids)
    assert [len(json.loads(c.request.body)["filters"]["video_ids"]) for c in responses.calls] == [
        20,
        1,
    ]
    assert set(query(responses.calls[0])["fields"][0].split(",")) >= {"view_count", "share_count"}
    assert metrics[0].values == {"views": 900, "likes": 70, "comments": 5, "shares": 3}
    result = tiktok.account_metrics(account)
    assert "follower_count" in query(responses.calls[2])["fields"][0]
    assert result.followers == 5100 and result.values == {"following": 20}


@responses.activate
def test_tiktok_rate_limit_and_missing_scope():
    tiktok, account = adapter("tiktok"), AccountAuth("o", TOKEN)
    responses.post(
        "https://open.tiktokapis.com/v2/video/query/",
        status=429,
        json={"data": {}, "error": {"code": "rate_limit_exceeded", "message": "slow down"}},
    )
    throttled(lambda: tiktok.metrics(account, ["1"]))
    responses.get(
        "https://open.tiktokapis.com/v2/user/info/",
        status=401,
        json={"data": {}, "error": {"code": "scope_not_authorized", "message": "no stats"}},
    )
    reauth(lambda: tiktok.account_metrics(account))


# -- Pinterest ---------------------------------------------------------------------------


@responses.activate
def test_pinterest_pin_analytics_and_follower_count():
    responses.get(
        "https://api.pinterest.com/v5/pins/987/analytics",
        json={
            "all": {
                "daily_metrics": [],
                "summary_metrics": {
                    "IMPRESSION": 1500,
                    "SAVE": 12,
                    "PIN_CLICK": 40,
                    "OUTBOUND_CLICK": 9,
                    "TOTAL_REACTIONS": 7,
                },
            }
        },
    )
    responses.get(
        "https://api.pinterest.com/v5/user_account",
        json={"username": "u", "follower_count": 640, "following_count": 10, "pin_count": 33},
    )
    pinterest, account = adapter("pinterest"), AccountAuth("u1", TOKEN)
    [got] = pinterest.metrics(account, ["987"])
    asked = query(responses.calls[0])
    assert set(asked["metric_types"][0].split(",")) >= {
        "IMPRESSION",
        "PIN_CLICK",
        "OUTBOUND_CLICK",
        "SAVE",
    }
    assert asked["start_date"][0] < asked["end_date"][0]
    # TOTAL_COMMENTS was not in the answer: no comments figure.
    assert got.values == {
        "impressions": 1500,
        "saves": 12,
        "clicks": 40,
        "outbound_clicks": 9,
        "likes": 7,
    }
    result = pinterest.account_metrics(account)
    assert result.followers == 640 and result.values == {"following": 10, "pins": 33}


@responses.activate
def test_pinterest_429_waits_the_reset_seconds_and_401_reconnects():
    pinterest, account = adapter("pinterest"), AccountAuth("u1", TOKEN)
    responses.get(
        "https://api.pinterest.com/v5/pins/1/analytics",
        status=429,
        json={"code": 8, "message": "You have exceeded your rate limit."},
        headers={"x-ratelimit-reset": "45"},
    )
    throttled(lambda: pinterest.metrics(account, ["1"]), seconds_ahead=45)
    responses.get(
        "https://api.pinterest.com/v5/user_account",
        status=401,
        json={"code": 2, "message": "Authentication failed."},
    )
    reauth(lambda: pinterest.account_metrics(account))


# -- Bluesky -----------------------------------------------------------------------------


@responses.activate
def test_bluesky_get_posts_25_uris_a_call_and_profile():
    did = "did:plc:abc"
    uris = [f"at://{did}/app.bsky.feed.post/3k{n:05d}" for n in range(26)]

    def answer(request):
        asked = parse_qs(urlsplit(request.url).query)["uris"]
        posts = [
            {
                "uri": u,
                "cid": "bafy",
                "author": {"did": did, "handle": "a.bsky.social"},
                "record": {},
                "likeCount": 11,
                "repostCount": 2,
                "replyCount": 1,
                "quoteCount": 0,
                "indexedAt": "2026-01-01T00:00:00.000Z",
            }
            for u in asked
        ]
        return 200, {}, json.dumps({"posts": posts})

    responses.add_callback(
        responses.GET, "https://bsky.social/xrpc/app.bsky.feed.getPosts", callback=answer
    )
    responses.get(
        "https://bsky.social/xrpc/app.bsky.actor.getProfile",
        json={"did": did, "handle": "a", "followersCount": 77, "followsCount": 5, "postsCount": 9},
    )
    bluesky, account = adapter("bluesky"), AccountAuth(did, TOKEN)
    metrics = bluesky.metrics(account, uris)
    assert [len(query(c)["uris"]) for c in responses.calls] == [25, 1]
    # No impressions on Bluesky: absent, never 0.
    assert metrics[0].values == {"likes": 11, "shares": 2, "comments": 1, "quotes": 0}
    result = bluesky.account_metrics(account)
    assert query(responses.calls[2])["actor"] == [did]
    assert result.followers == 77 and result.values == {"following": 5, "posts": 9}


@responses.activate
def test_bluesky_429_waits_for_ratelimit_reset_and_bad_token_reconnects():
    bluesky, account = adapter("bluesky"), AccountAuth("did:plc:abc", TOKEN)
    reset = int(time.time()) + 120
    responses.get(
        "https://bsky.social/xrpc/app.bsky.feed.getPosts",
        status=429,
        json={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
        headers={"ratelimit-reset": str(reset), "ratelimit-remaining": "0"},
    )
    error = throttled(lambda: bluesky.metrics(account, ["at://did:plc:abc/app.bsky.feed.post/1"]))
    assert error.retry_at == datetime.fromtimestamp(reset, UTC)
    responses.get(
        "https://bsky.social/xrpc/app.bsky.actor.getProfile",
        status=401,
        json={"error": "InvalidToken", "message": "Token could not be verified"},
    )
    reauth(lambda: bluesky.account_metrics(account))


# -- Mastodon ----------------------------------------------------------------------------

INSTANCE = "https://mastodon.example"


@pytest.fixture
def mastodon(monkeypatch) -> NetworkAdapter:
    from chalicelib.networks.mastodon import MastodonAdapter
    from chalicelib.networks.registry import get_adapter

    # The SSRF guard resolves the instance's name; these answers are mocked instead.
    monkeypatch.setattr(MastodonAdapter, "user_named", lambda self, url: False)
    return get_adapter("mastodon", None, instance_url=INSTANCE)


def status(status_id: str) -> dict:
    return {"id": status_id, "favourites_count": 9, "reblogs_count": 2, "replies_count": 1}


@responses.activate
def test_mastodon_statuses_20_a_call_and_followers(mastodon):
    ids = [str(110_000 + n) for n in range(21)]

    def answer(request):
        asked = parse_qs(urlsplit(request.url).query)["id[]"]
        return 200, {}, json.dumps([status(i) for i in asked])

    responses.add_callback(responses.GET, f"{INSTANCE}/api/v1/statuses", callback=answer)
    responses.get(
        f"{INSTANCE}/api/v1/accounts/verify_credentials",
        json={"id": "1", "username": "a", "followers_count": 45, "following_count": 3},
    )
    account = AccountAuth("1", TOKEN)
    metrics = mastodon.metrics(account, ids)
    assert [len(query(c)["id[]"]) for c in responses.calls] == [20, 1]
    assert metrics[0].values == {"likes": 9, "shares": 2, "comments": 1}
    result = mastodon.account_metrics(account)
    assert result.followers == 45 and result.values == {"following": 3}


@responses.activate
def test_mastodon_before_4_3_is_read_one_status_at_a_time(mastodon):
    responses.get(f"{INSTANCE}/api/v1/statuses", status=404, json={"error": "Record not found"})
    responses.get(f"{INSTANCE}/api/v1/statuses/1", json=status("1"))
    responses.get(f"{INSTANCE}/api/v1/statuses/2", status=404, json={"error": "Record not found"})
    metrics = mastodon.metrics(AccountAuth("9", TOKEN), ["1", "2"])
    assert [path(c) for c in responses.calls] == [
        "/api/v1/statuses",
        "/api/v1/statuses/1",
        "/api/v1/statuses/2",
    ]
    assert [m.external_id for m in metrics] == ["1"]  # the deleted one has no figures


@responses.activate
def test_mastodon_429_waits_for_the_reset_and_401_reconnects(mastodon):
    account = AccountAuth("9", TOKEN)
    reset = (datetime.now(UTC) + timedelta(minutes=4)).replace(microsecond=0)
    responses.get(
        f"{INSTANCE}/api/v1/statuses",
        status=429,
        json={"error": "Too many requests"},
        headers={"X-RateLimit-Reset": reset.isoformat().replace("+00:00", "Z")},
    )
    error = throttled(lambda: mastodon.metrics(account, ["1"]))
    assert error.retry_at == reset
    responses.get(
        f"{INSTANCE}/api/v1/accounts/verify_credentials",
        status=401,
        json={"error": "The access token is invalid"},
    )
    reauth(lambda: mastodon.account_metrics(account))
