"""Mastodon through the sandbox instance: app registration, OAuth with PKCE, instance
limits, statuses with visibility and content warnings, media v2 processing, the
Idempotency-Key, metrics, error sorting; requests and answers checked against
the OpenAPI description."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.networks.base import (
    AccountAuth,
    ErrorKind,
    NetworkError,
    Polling,
    PublishRequest,
    ThreadPart,
)
from chalicelib.networks.mastodon import instance_base, status_length
from chalicelib.networks.registry import get_adapter
from tests.support.networks import (
    REDIRECT_URI,
    GeneratedVideo,
    age_posts,
    connect,
    image_item,
    jpeg,
)
from tests.support.openapi import check_request, check_response

SPEC = "mastodon/openapi.json"


def instance_adapter(sandbox, credentials=None):
    return get_adapter(
        "mastodon",
        credentials,
        instance_url=f"{sandbox.url}/mastodon",
        polling=Polling(interval=0.2, max_wait=15),
    )


def connected(sandbox, user: str = "demo"):
    bare = instance_adapter(sandbox)
    credentials = bare.register_app(REDIRECT_URI, website="https://schedulo.example")
    mastodon = instance_adapter(sandbox, credentials)
    grant = connect(mastodon, user=user)
    [me] = mastodon.identities(grant)
    return mastodon, grant, AccountAuth(me.external_id, grant.access_token)


def conforms(sandbox) -> None:
    checked = 0
    for call in sandbox.calls_to("/mastodon/"):
        path = call.path.removeprefix("/mastodon")
        if path.startswith("/oauth/authorize"):
            continue
        body = call.json if call.json is not None else (call.form or None)
        content_type = "application/json" if call.json is not None else "multipart/form-data"
        if call.files:
            body = {**call.form, **{name: "<binary>" for name in call.files}}
        check_request(SPEC, call.method, path, call.args, body, content_type)
        check_response(SPEC, call.method, path, call.status, call.response)
        checked += 1
    assert checked


def test_the_app_registers_on_the_instance_and_connects_with_pkce(sandbox):
    mastodon, grant, _ = connected(sandbox, user="ada")
    assert grant.expires_at is None and "write:statuses" in grant.scopes
    [me] = mastodon.identities(grant)
    assert me.username.startswith("ada@127.0.0.1")
    mastodon.revoke(grant)
    with pytest.raises(NetworkError) as revoked:
        mastodon.identities(grant)
    assert revoked.value.kind is ErrorKind.REAUTH
    conforms(sandbox)


def test_instance_urls_are_normalised():
    assert instance_base("mastodon.social/") == "https://mastodon.social"
    with pytest.raises(NetworkError):
        instance_base("ftp://mastodon.social")


def test_limits_come_from_the_instance(sandbox):
    mastodon, _, _ = connected(sandbox)
    sandbox.state.objects["mastodon:max_characters"] = 1000
    limits = mastodon.instance_limits()
    assert limits.text.max_length == 1000 and limits.text.url_length == 23
    assert limits.images.max_count == 4 and limits.videos.max_bytes == 99 * 1024**2


def test_a_status_with_a_content_warning_and_visibility(sandbox):
    mastodon, _, account = connected(sandbox)
    result = mastodon.publish(
        account,
        PublishRequest(
            text="Spoilers about the cake",
            options={"visibility": "unlisted", "spoiler_text": "cake", "language": "en"},
        ),
    )
    [post] = sandbox.posts("mastodon")
    assert post["id"] == result.external_id and post["visibility"] == "unlisted"
    assert post["spoiler_text"] == "cake" and result.url.endswith(result.external_id)
    conforms(sandbox)


def test_images_and_a_processed_video_are_attached(sandbox):
    mastodon, _, account = connected(sandbox)
    images = tuple(image_item(jpeg(640, 480), alt=f"bun {i}") for i in range(2))
    mastodon.publish(account, PublishRequest(text="Buns", media=images))
    video = GeneratedVideo(3 * 1024**2)
    mastodon.publish(account, PublishRequest(text="Clip", media=(video.item(),)))
    first, second = sandbox.posts("mastodon")
    assert [(m["width"], m["alt_text"]) for m in first["media"]] == [(640, "bun 0"), (640, "bun 1")]
    assert second["media"][0]["type"] == "video" and second["media"][0]["bytes"] == video.size
    polls = [c for c in sandbox.calls_to("/mastodon/api/v1/media/") if c.method == "GET"]
    assert polls and polls[0].status == 206 and polls[-1].status == 200
    assert max(length for _, length in video.reads) <= 1024**2  # streamed, not held
    conforms(sandbox)


def test_the_same_idempotency_key_gives_the_same_status_not_a_second_one(sandbox):
    mastodon, _, account = connected(sandbox)
    request = PublishRequest(text="Once", idempotency_key="target-7")
    first = mastodon.publish(account, request)
    again = mastodon.publish(account, request)
    assert again.external_id == first.external_id and len(sandbox.posts("mastodon")) == 1
    [post] = sandbox.posts("mastodon")
    assert post["idempotency_key"] == "target-7"


def test_every_status_carries_an_idempotency_key(sandbox):
    mastodon, _, account = connected(sandbox)
    mastodon.publish(
        account, PublishRequest(text="1/", thread=(ThreadPart("2/"),), first_comment="3/")
    )
    posts = sandbox.posts("mastodon")
    assert len({p["idempotency_key"] for p in posts}) == 3 and all(
        p["idempotency_key"] for p in posts
    )
    assert [p["reply_to"] for p in posts] == [None, posts[0]["id"], posts[1]["id"]]


def test_text_is_counted_as_the_instance_counts_it(sandbox):
    assert status_length("see https://example.com/" + "a" * 100) == 4 + 23
    assert status_length("hi @ada@mastodon.social") == len("hi @ada")
    mastodon, _, account = connected(sandbox)
    with pytest.raises(NetworkError) as refused:
        mastodon.publish(account, PublishRequest(text="a" * 501))
    assert refused.value.kind is ErrorKind.PERMANENT and "500" in refused.value.message


def test_metrics_are_read_back(sandbox):
    mastodon, _, account = connected(sandbox)
    result = mastodon.publish(account, PublishRequest(text="counted"))
    age_posts(sandbox, "mastodon", hours=5)
    [metrics] = mastodon.metrics(account, [result.external_id])
    assert metrics.values["likes"] >= 1 and set(metrics.values) == {"likes", "shares", "comments"}
    assert mastodon.account_metrics(account).followers
    conforms(sandbox)


@pytest.mark.parametrize(
    ("fault", "kind", "status"),
    [
        ("5xx", ErrorKind.TRANSIENT, 503),
        ("429", ErrorKind.THROTTLED, 429),
        ("401", ErrorKind.REAUTH, 401),
        ("duplicate", ErrorKind.PERMANENT, 422),
    ],
)
def test_each_failure_is_sorted_into_its_kind(sandbox, fault, kind, status):
    mastodon, _, account = connected(sandbox)
    sandbox.fault("mastodon", fault)
    with pytest.raises(NetworkError) as failed:
        mastodon.publish(account, PublishRequest(text="hello"))
    assert failed.value.kind is kind and failed.value.status == status
    if fault == "429":
        assert failed.value.retry_at > datetime.now(UTC)
    assert sandbox.posts("mastodon") == []


def test_an_injected_timeout_is_transient_and_only_a_callers_key_makes_a_retry_safe(sandbox):
    mastodon, _, account = connected(sandbox)
    mastodon.timeout = (2.0, 0.5)
    sandbox.fault("mastodon", "timeout", count=2)
    for key, may_exist in ((None, True), ("target-9", False)):
        with pytest.raises(NetworkError) as failed:
            mastodon.publish(account, PublishRequest(text="x", idempotency_key=key))
        assert failed.value.kind is ErrorKind.TRANSIENT and failed.value.unanswered
        assert failed.value.maybe_published is may_exist
