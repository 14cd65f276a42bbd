"""X through the sandbox: connect with PKCE, publish, thread, metrics, error sorting."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
import requests

from chalicelib.networks.base import (
    AccountAuth,
    ErrorKind,
    NetworkError,
    PublishRequest,
    ThreadPart,
    TokenGrant,
)
from tests.support.networks import (
    GeneratedVideo,
    adapter,
    age_posts,
    connect,
    image_item,
    jpeg,
    png,
)


@pytest.fixture
def x():
    return adapter("x")


def connected(x) -> tuple[TokenGrant, AccountAuth]:
    grant = connect(x)
    [me] = x.identities(grant)
    return grant, AccountAuth(me.external_id, grant.access_token)


def test_connecting_gives_tokens_that_refresh_with_rotation(sandbox, x):
    grant = connect(x, user="ada", by_form=True)
    assert set(grant.scopes) >= {"tweet.write", "media.write", "offline.access"}
    assert grant.refresh_token and grant.expires_within(7201) and not grant.expires_within(7000)
    [me] = x.identities(grant)
    assert me.username == "ada" and me.external_id.isdigit()

    renewed = x.refresh(grant)
    assert renewed.refresh_token != grant.refresh_token
    with pytest.raises(NetworkError) as reused:
        x.refresh(grant)  # the rotated-out refresh token no longer works
    assert reused.value.kind is ErrorKind.REAUTH


def test_a_text_post_appears_on_the_feed(sandbox, x):
    _, account = connected(x)
    result = x.publish(account, PublishRequest(text="Fresh bread at 7 🍞 https://bakery.example"))
    [post] = sandbox.posts("x")
    assert post["id"] == result.external_id and post["text"].startswith("Fresh bread")
    assert result.url.endswith(result.external_id)
    assert "Fresh bread" in requests.get(f"{sandbox.url}/", timeout=5).text


def test_four_images_with_alt_text_go_out_in_one_post(sandbox, x):
    _, account = connected(x)
    images = [image_item(jpeg(1200, 800), alt=f"loaf {i}") for i in range(3)]
    images.append(image_item(png(), content_type="image/png"))
    x.publish(account, PublishRequest(text="Four loaves", media=tuple(images)))
    [post] = sandbox.posts("x")
    assert [(m["type"], m["width"], m["height"]) for m in post["media"]] == [
        ("image", 1200, 800),
        ("image", 1200, 800),
        ("image", 1200, 800),
        ("image", 800, 600),
    ]
    assert post["media"][0]["alt_text"] == "loaf 0"


def test_a_video_waits_for_processing_before_the_post(sandbox, x):
    _, account = connected(x)
    video = GeneratedVideo(3 * 1024**2)
    x.publish(account, PublishRequest(text="Behind the scenes", media=(video.item(),)))
    [post] = sandbox.posts("x")
    assert post["media"][0]["type"] == "video" and post["media"][0]["bytes"] == video.size
    statuses = [c for c in sandbox.calls_to("/x/2/media/upload") if c.method == "GET"]
    assert statuses, "the adapter polled the processing status"


def test_a_thread_and_first_comment_are_a_chain_of_replies(sandbox, x):
    _, account = connected(x)
    result = x.publish(
        account,
        PublishRequest(
            text="1/ How we bake",
            thread=(ThreadPart("2/ Flour"), ThreadPart("3/ Water")),
            first_comment="Order at bakery.example",
        ),
    )
    posts = sandbox.posts("x")
    assert [p["text"] for p in posts] == [
        "1/ How we bake",
        "2/ Flour",
        "3/ Water",
        "Order at bakery.example",
    ]
    assert [p["reply_to"] for p in posts] == [None, *[p["id"] for p in posts[:-1]]]
    assert result.follow_up_ids == tuple(p["id"] for p in posts[1:])


def test_metrics_are_read_back(sandbox, x):
    _, account = connected(x)
    ids = [x.publish(account, PublishRequest(text=f"post {i}")).external_id for i in range(2)]
    age_posts(sandbox, "x", hours=5)
    metrics = x.metrics(account, ids)
    assert [m.external_id for m in metrics] == ids
    assert set(metrics[0].values) == {
        "impressions",
        "likes",
        "comments",
        "shares",
        "quotes",
        "saves",
        "clicks",  # non-public: the author's own post, younger than 30 days
        "user_profile_clicks",
    }
    assert metrics[0].values["impressions"] > 0


@pytest.mark.parametrize(
    ("fault", "kind", "status"),
    [
        ("5xx", ErrorKind.TRANSIENT, 503),
        ("429", ErrorKind.THROTTLED, 429),
        ("401", ErrorKind.REAUTH, 401),
        ("duplicate", ErrorKind.PERMANENT, 403),
    ],
)
def test_each_failure_is_sorted_into_its_kind(sandbox, x, fault, kind, status):
    _, account = connected(x)
    sandbox.fault("x", fault)
    with pytest.raises(NetworkError) as failed:
        x.publish(account, PublishRequest(text="hello"))
    assert failed.value.kind is kind and failed.value.status == status
    if fault == "429":
        assert failed.value.retry_at > datetime.now(UTC)
    if fault == "duplicate":
        assert "duplicate content" in failed.value.message
    assert sandbox.posts("x") == []


def test_the_same_text_twice_is_a_permanent_duplicate(sandbox, x):
    _, account = connected(x)
    x.publish(account, PublishRequest(text="Same words"))
    with pytest.raises(NetworkError) as again:
        x.publish(account, PublishRequest(text="Same words"))
    assert again.value.kind is ErrorKind.PERMANENT


def test_text_over_280_weighted_characters_is_refused(sandbox, x):
    _, account = connected(x)
    x.publish(account, PublishRequest(text="a" * 280))
    with pytest.raises(NetworkError) as refused:
        x.publish(account, PublishRequest(text="界" * 141))  # CJK weighs 2: 282
    assert refused.value.kind is ErrorKind.PERMANENT and "too long" in refused.value.message


def test_a_file_that_is_not_the_declared_image_is_refused(sandbox, x):
    _, account = connected(x)
    fake = image_item(b"GIF89a not really an image" * 10)
    with pytest.raises(NetworkError) as refused:
        x.publish(account, PublishRequest(text="pic", media=(fake,)))
    assert refused.value.kind is ErrorKind.PERMANENT


def test_an_expired_token_asks_for_reconnection(sandbox, x):
    sandbox.state.token_ttl = 1  # SCHEDULO_SANDBOX_TOKEN_TTL
    grant, account = connected(x)
    assert grant.expires_within(2)
    time.sleep(1.1)
    with pytest.raises(NetworkError) as expired:
        x.publish(account, PublishRequest(text="too late"))
    assert expired.value.kind is ErrorKind.REAUTH


def test_a_revoked_grant_stops_working(sandbox, x):
    grant, account = connected(x)
    x.revoke(grant)
    with pytest.raises(NetworkError) as revoked:
        x.publish(account, PublishRequest(text="after disconnect"))
    assert revoked.value.kind is ErrorKind.REAUTH


def test_a_token_without_the_write_scope_is_refused(sandbox, x):
    grant = connect(x)
    # Narrow the grant as a user who unticked a permission would.
    sandbox.state.tokens[grant.access_token].scopes = ("tweet.read", "users.read")
    [me] = x.identities(grant)
    with pytest.raises(NetworkError) as refused:
        x.publish(AccountAuth(me.external_id, grant.access_token), PublishRequest(text="hi"))
    assert refused.value.kind is ErrorKind.PERMANENT and refused.value.status == 403


def test_a_timeout_is_transient(sandbox):
    slow = adapter("x")
    slow.timeout = (2.0, 0.5)
    _, account = connected(slow)
    requests.post(f"{sandbox.url}/_control/latency", json={"network": "x", "ms": 1500}, timeout=5)
    with pytest.raises(NetworkError) as failed:
        slow.publish(account, PublishRequest(text="slow"))
    assert failed.value.kind is ErrorKind.TRANSIENT and "timed out" in failed.value.message
    assert failed.value.maybe_published, "the post call went unanswered: it may exist"


def test_a_timeout_before_the_post_call_cannot_have_published(sandbox):
    slow = adapter("x")
    slow.timeout = (2.0, 0.5)
    _, account = connected(slow)
    requests.post(f"{sandbox.url}/_control/latency", json={"network": "x", "ms": 1500}, timeout=5)
    with pytest.raises(NetworkError) as failed:
        slow.publish(account, PublishRequest(text="pic", media=(image_item(jpeg()),)))
    assert "/2/media/upload/initialize" in failed.value.message
    assert failed.value.unanswered and not failed.value.maybe_published


def test_a_video_x_cannot_process_is_a_permanent_failure(sandbox, x):
    from chalicelib.networks.base import MediaItem, MediaKind, bytes_reader

    _, account = connected(x)
    not_a_video = b"this is a text file, not an mp4" * 1000
    item = MediaItem(MediaKind.VIDEO, "video/mp4", len(not_a_video), bytes_reader(not_a_video))
    with pytest.raises(NetworkError) as refused:
        x.publish(account, PublishRequest(text="clip", media=(item,)))
    assert refused.value.kind is ErrorKind.PERMANENT
    assert "Unsupported media" in refused.value.message
    assert sandbox.posts("x") == []


def test_a_gif_goes_out_as_x_animated_gif(sandbox, x):
    from chalicelib.networks.base import MediaItem, MediaKind, bytes_reader
    from tests.support.networks import gif

    _, account = connected(x)
    data = gif()
    item = MediaItem(MediaKind.GIF, "image/gif", len(data), bytes_reader(data))
    x.publish(account, PublishRequest(text="spinning", media=(item,)))
    [post] = sandbox.posts("x")
    assert (post["media"][0]["type"], post["media"][0]["width"]) == ("gif", 200)
    [init] = [c for c in sandbox.calls if c.path.endswith("/initialize")]
    assert init.json["media_category"] == "tweet_gif"


def test_five_images_or_a_video_with_images_are_refused_before_any_call(sandbox, x):
    _, account = connected(x)
    before = len(sandbox.calls)
    five = tuple(image_item(jpeg(10, 10)) for _ in range(5))
    mixed = (image_item(jpeg(10, 10)), GeneratedVideo(1000).item())
    for media in (five, mixed):
        with pytest.raises(NetworkError) as refused:
            x.publish(account, PublishRequest(text="too many", media=media))
        assert refused.value.kind is ErrorKind.PERMANENT
    assert sandbox.calls[before:] == []


def test_an_injected_timeout_is_transient_and_may_have_published(sandbox):
    slow = adapter("x")
    slow.timeout = (2.0, 0.5)
    _, account = connected(slow)
    sandbox.fault("x", "timeout")
    with pytest.raises(NetworkError) as failed:
        slow.publish(account, PublishRequest(text="hanging"))
    assert failed.value.kind is ErrorKind.TRANSIENT and failed.value.maybe_published
