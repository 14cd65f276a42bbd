"""TikTok through the sandbox: connect, creator info, chunked and pulled video posts,
status polling, metrics, rotating refresh tokens, error sorting."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.networks.base import AccountAuth, ErrorKind, NetworkError, PublishRequest
from chalicelib.networks.tiktok import chunk_plan
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
def tiktok():
    return adapter("tiktok")


def connected(tiktok, user: str = "demo") -> AccountAuth:
    grant = connect(tiktok, user=user)
    [me] = tiktok.identities(grant)
    return AccountAuth(me.external_id, grant.access_token)


def test_connecting_gives_tokens_whose_refresh_token_rotates(sandbox, tiktok):
    grant = connect(tiktok, user="ada", by_form=True)
    assert {"video.publish", "video.upload"} <= set(grant.scopes)
    assert grant.refresh_token and grant.subject and grant.refresh_expires_at
    [me] = tiktok.identities(grant)
    assert me.username == "ada" and me.external_id == grant.subject

    renewed = tiktok.refresh(grant)
    assert renewed.refresh_token != grant.refresh_token
    again = tiktok.refresh(renewed)  # the newest refresh token is the one that works
    assert again.access_token
    with pytest.raises(NetworkError) as stale:
        tiktok.refresh(grant)
    assert stale.value.kind is ErrorKind.REAUTH


def test_a_small_video_is_uploaded_whole_and_published(sandbox, tiktok):
    account = connected(tiktok)
    video = GeneratedVideo(2 * 1024**2)
    result = tiktok.publish(
        account, PublishRequest(text="Morning bake #bread", media=(video.item(),))
    )
    [post] = sandbox.posts("tiktok")
    assert post["id"] == result.external_id and post["text"] == "Morning bake #bread"
    assert post["privacy_level"] == "PUBLIC_TO_EVERYONE" and post["source"] == "FILE_UPLOAD"
    assert result.url == f"https://www.tiktok.com/@demo/video/{result.external_id}"
    calls = [c.path for c in sandbox.calls_to("/tiktok/v2/post/publish")]
    assert calls[0].endswith("/creator_info/query/") and calls[1].endswith("/video/init/")
    assert calls[-1].endswith("/status/fetch/")


def test_a_video_can_be_pulled_from_a_url(sandbox, tiktok):
    account = connected(tiktok)
    video = GeneratedVideo(600_000)
    url = sandbox.host("clip.mp4", video.whole())
    item = video.item(url=url)
    tiktok.publish(
        account,
        PublishRequest(text="pulled", media=(item,), options={"source": "PULL_FROM_URL"}),
    )
    [post] = sandbox.posts("tiktok")
    assert post["source"] == "PULL_FROM_URL" and post["media"][0]["bytes"] == video.size
    assert not [c for c in sandbox.calls if c.method == "PUT"]


def test_photos_are_pulled_from_their_urls_into_one_post(sandbox, tiktok):
    account = connected(tiktok)
    photos = tuple(
        image_item(jpeg(1080, 1350), url=sandbox.host(f"p{i}.jpg", jpeg(1080, 1350)))
        for i in range(3)
    )
    result = tiktok.publish(
        account,
        PublishRequest(text="Three loaves #bread", media=photos, options={"title": "Loaves"}),
    )
    [post] = sandbox.posts("tiktok")
    assert post["media_type"] == "PHOTO" and post["title"] == "Loaves"
    assert [(m["type"], m["height"]) for m in post["media"]] == [("image", 1350)] * 3
    assert result.url == f"https://www.tiktok.com/@demo/photo/{result.external_id}"


def test_photos_tiktok_cannot_take_are_refused(sandbox, tiktok):
    account = connected(tiktok)
    as_png = image_item(png(), content_type="image/png", url=sandbox.host("a.png", png()))
    with pytest.raises(NetworkError) as refused:
        tiktok.publish(account, PublishRequest(text="x", media=(as_png,)))
    assert refused.value.kind is ErrorKind.PERMANENT and "JPEG or WebP" in refused.value.message
    lying = image_item(jpeg(), url=sandbox.host("b.jpg", png()))  # a PNG behind a .jpg
    with pytest.raises(NetworkError) as failed:
        tiktok.publish(account, PublishRequest(text="x", media=(lying,)))
    assert failed.value.kind is ErrorKind.PERMANENT and "picture_format" in failed.value.message
    assert sandbox.posts("tiktok") == []


def test_a_privacy_level_the_creator_cannot_use_is_refused_before_posting(sandbox, tiktok):
    account = connected(tiktok)
    request = PublishRequest(
        text="x", media=(GeneratedVideo(1000).item(),), options={"privacy_level": "FOLLOWERS"}
    )
    with pytest.raises(NetworkError) as refused:
        tiktok.publish(account, request)
    assert refused.value.kind is ErrorKind.PERMANENT and "SELF_ONLY" in refused.value.message
    assert not sandbox.calls_to("/tiktok/v2/post/publish/video/init/")


def test_a_300_mb_video_goes_in_bounded_chunks(sandbox, tiktok):
    account = connected(tiktok)
    video = GeneratedVideo(300 * 1024**2)
    tiktok.publish(account, PublishRequest(text="long take", media=(video.item(),)))
    chunk, count = chunk_plan(video.size)
    puts = [c for c in sandbox.calls if c.method == "PUT"]
    assert len(puts) == count == 30 and 5 * 1024**2 <= chunk <= 64 * 1024**2
    assert max(c.content_length for c in puts) < video.size
    assert sum(c.content_length for c in puts) == video.size
    assert max(length for _, length in video.reads) <= 2 * chunk
    [post] = sandbox.posts("tiktok")
    assert post["media"][0]["bytes"] == video.size


def test_metrics_are_read_back(sandbox, tiktok):
    account = connected(tiktok)
    result = tiktok.publish(account, PublishRequest(text="m", media=(GeneratedVideo(1000).item(),)))
    age_posts(sandbox, "tiktok", hours=5)
    [metrics] = tiktok.metrics(account, [result.external_id])
    assert metrics.external_id == result.external_id
    assert set(metrics.values) == {"views", "likes", "comments", "shares"}
    assert metrics.values["views"] > metrics.values["likes"] > 0


@pytest.mark.parametrize(
    ("fault", "kind", "status"),
    [
        ("5xx", ErrorKind.TRANSIENT, 500),
        ("429", ErrorKind.THROTTLED, 429),
        ("401", ErrorKind.REAUTH, 401),
        ("duplicate", ErrorKind.PERMANENT, 400),
    ],
)
def test_each_failure_is_sorted_into_its_kind(sandbox, tiktok, fault, kind, status):
    account = connected(tiktok)
    sandbox.fault("tiktok", fault)
    with pytest.raises(NetworkError) as failed:
        tiktok.publish(account, PublishRequest(text="x", media=(GeneratedVideo(1000).item(),)))
    assert failed.value.kind is kind and failed.value.status == status
    if fault == "429":
        assert failed.value.retry_at > datetime.now(UTC)
    assert sandbox.posts("tiktok") == []


def test_a_file_that_is_not_a_video_fails_permanently(sandbox, tiktok):
    account = connected(tiktok)
    item = GeneratedVideo(1000).item()
    bogus = type(item)(**{**item.__dict__, "read_range": lambda o, n: b"\x00" * n})
    with pytest.raises(NetworkError) as failed:
        tiktok.publish(account, PublishRequest(text="x", media=(bogus,)))
    assert failed.value.kind is ErrorKind.PERMANENT and "file_format" in failed.value.message


def test_seven_inits_in_a_minute_are_throttled(sandbox, tiktok):
    account = connected(tiktok)
    for index in range(6):
        tiktok.publish(
            account, PublishRequest(text=f"{index}", media=(GeneratedVideo(1000).item(),))
        )
    with pytest.raises(NetworkError) as throttled:
        tiktok.publish(account, PublishRequest(text="7", media=(GeneratedVideo(1000).item(),)))
    assert throttled.value.kind is ErrorKind.THROTTLED


def test_a_failure_after_the_whole_video_is_sent_may_still_publish(sandbox, tiktok):
    account = connected(tiktok)
    video = GeneratedVideo(1000)
    read = video.read

    def read_then_lose_the_token(offset: int, length: int) -> bytes:
        sandbox.state.revoke(account.access_token)  # the status fetch will be refused
        return read(offset, length)

    video.read = read_then_lose_the_token  # type: ignore[method-assign]
    with pytest.raises(NetworkError) as failed:
        tiktok.publish(account, PublishRequest(text="sent", media=(video.item(),)))
    assert failed.value.kind is ErrorKind.REAUTH and failed.value.maybe_published
    assert len(sandbox.posts("tiktok")) == 1  # TikTok has it and publishes it


def test_an_injected_timeout_is_transient_and_unanswered(sandbox):
    quick = adapter("tiktok")
    quick.timeout = (2.0, 0.5)
    account = connected(quick)
    sandbox.fault("tiktok", "timeout")
    with pytest.raises(NetworkError) as failed:
        quick.publish(account, PublishRequest(text="x", media=(GeneratedVideo(1000).item(),)))
    assert failed.value.kind is ErrorKind.TRANSIENT and failed.value.unanswered
    assert not failed.value.maybe_published  # init only registers the upload


def test_a_revoked_grant_stops_working(sandbox, tiktok):
    grant = connect(tiktok)
    tiktok.revoke(grant)
    with pytest.raises(NetworkError) as revoked:
        tiktok.identities(grant)
    assert revoked.value.kind is ErrorKind.REAUTH
