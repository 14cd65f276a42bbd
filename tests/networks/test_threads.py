"""Threads through the sandbox: connect (code → 1-hour token → 60-day token), refresh,
text, image, video and carousel containers, replies, the publishing quota, insights,
the 500-character and link limits, error sorting."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.networks.base import (
    AccountAuth,
    ErrorKind,
    NetworkError,
    PublishRequest,
    ThreadPart,
)
from tests.support.networks import GeneratedVideo, adapter, age_posts, connect, image_item, jpeg


@pytest.fixture
def threads():
    return adapter("threads")


def connected(threads) -> AccountAuth:
    grant = connect(threads)
    [me] = threads.identities(grant)
    return AccountAuth(me.external_id, grant.access_token)


def hosted_image(sandbox, name: str, alt: str | None = None):
    data = jpeg(1080, 1080)
    return image_item(data, alt=alt, url=sandbox.host(name, data))


def test_connecting_exchanges_for_a_60_day_token_that_refreshes(sandbox, threads):
    sandbox.state.token_ttl = None
    grant = connect(threads, user="ada", by_form=True)
    assert not grant.expires_within(59 * 86400) and grant.expires_within(61 * 86400)
    [me] = threads.identities(grant)
    assert me.username == "ada" and me.external_id == grant.subject
    with pytest.raises(NetworkError) as too_new:
        threads.refresh(grant)  # only tokens at least a day old refresh
    assert too_new.value.kind is ErrorKind.PERMANENT
    sandbox.state.token_ttl = 3600  # shortened lifetimes: refresh at once
    renewed = threads.refresh(grant)
    assert renewed.access_token != grant.access_token and renewed.subject == grant.subject


def test_a_text_post_with_a_link_attachment(sandbox, threads):
    account = connected(threads)
    result = threads.publish(
        account, PublishRequest(text="Open till 6", link="https://bakery.example")
    )
    [post] = sandbox.posts("threads")
    assert post["id"] == result.external_id and post["media_type"] == "TEXT"
    assert post["link"] == "https://bakery.example"
    assert result.url == f"https://www.threads.net/@demo/post/{result.external_id}"


def test_an_image_a_video_and_a_carousel(sandbox, threads):
    account = connected(threads)
    threads.publish(
        account, PublishRequest(text="One", media=(hosted_image(sandbox, "a.jpg", "a loaf"),))
    )
    video = GeneratedVideo(2 * 1024**2)
    clip = video.item(url=sandbox.host("clip.mp4", video.whole()))
    threads.publish(account, PublishRequest(text="Clip", media=(clip,)))
    mixed = (hosted_image(sandbox, "b.jpg"), hosted_image(sandbox, "c.jpg"), clip)
    threads.publish(account, PublishRequest(text="Three", media=mixed))
    image, movie, carousel = sandbox.posts("threads")
    assert image["media_type"] == "IMAGE" and image["media"][0]["alt_text"] == "a loaf"
    assert movie["media_type"] == "VIDEO" and movie["media"][0]["bytes"] == video.size
    assert carousel["media_type"] == "CAROUSEL"
    assert [m["type"] for m in carousel["media"]] == ["image", "image", "video"]


def test_a_thread_and_first_comment_are_replies(sandbox, threads):
    account = connected(threads)
    result = threads.publish(
        account,
        PublishRequest(text="1/", thread=(ThreadPart("2/"),), first_comment="Order online"),
    )
    posts = sandbox.posts("threads")
    assert [p["reply_to"] for p in posts] == [None, posts[0]["id"], posts[1]["id"]]
    assert result.follow_up_ids == (posts[1]["id"], posts[2]["id"])


def test_500_characters_and_5_links_at_most(sandbox, threads):
    account = connected(threads)
    threads.publish(account, PublishRequest(text="é" * 500))
    for text in ("a" * 501, " ".join(f"https://{i}.example" for i in range(6))):
        with pytest.raises(NetworkError) as refused:
            threads.publish(account, PublishRequest(text=text))
        assert refused.value.kind is ErrorKind.PERMANENT


def test_a_spent_publishing_quota_is_throttled_before_posting(sandbox, threads):
    account = connected(threads)
    sandbox.state.objects["threads:quota"] = 1
    threads.publish(account, PublishRequest(text="the one"))
    assert threads.publishing_quota(account) == (1, 1)
    with pytest.raises(NetworkError) as spent:
        threads.publish(account, PublishRequest(text="one too many"))
    assert spent.value.kind is ErrorKind.THROTTLED and spent.value.retry_at > datetime.now(UTC)
    assert len(sandbox.posts("threads")) == 1


def test_insights_are_read_back(sandbox, threads):
    account = connected(threads)
    result = threads.publish(account, PublishRequest(text="counted"))
    age_posts(sandbox, "threads", hours=5)
    [metrics] = threads.metrics(account, [result.external_id])
    assert metrics.values["views"] >= 100
    assert set(metrics.values) == {"views", "likes", "comments", "shares", "quotes", "reposts"}
    assert metrics.values["shares"] >= metrics.values["reposts"]


@pytest.mark.parametrize(
    ("fault", "kind", "status"),
    [
        ("5xx", ErrorKind.TRANSIENT, 500),
        ("429", ErrorKind.THROTTLED, 400),
        ("401", ErrorKind.REAUTH, 400),
        ("duplicate", ErrorKind.PERMANENT, 400),
    ],
)
def test_each_failure_is_sorted_into_its_kind(sandbox, threads, fault, kind, status):
    account = connected(threads)
    sandbox.fault("threads", fault)
    with pytest.raises(NetworkError) as failed:
        threads.publish(account, PublishRequest(text="hello"))
    assert failed.value.kind is kind and failed.value.status == status
    if fault == "429":
        assert failed.value.retry_at > datetime.now(UTC)
    assert sandbox.posts("threads") == []


def test_an_injected_timeout_is_transient_and_the_post_may_exist(sandbox):
    quick = adapter("threads")
    quick.timeout = (2.0, 0.5)
    account = connected(quick)
    sandbox.fault("threads", "timeout")
    with pytest.raises(NetworkError) as failed:
        quick.publish(account, PublishRequest(text="x"))
    assert failed.value.kind is ErrorKind.TRANSIENT and failed.value.maybe_published


def test_once_the_post_is_public_a_failing_permalink_is_only_a_warning(sandbox, threads):
    account = connected(threads)
    graph = threads._graph

    def permalink_fails(method, path, token, **kwargs):
        if (kwargs.get("params") or {}).get("fields") == "permalink":
            raise NetworkError(ErrorKind.TRANSIENT, "Service temporarily unavailable")
        return graph(method, path, token, **kwargs)

    threads._graph = permalink_fails
    result = threads.publish(account, PublishRequest(text="out anyway"))
    assert result.url is None and "link could not be read" in result.warnings[0]
    assert [p["id"] for p in sandbox.posts("threads")] == [result.external_id]
