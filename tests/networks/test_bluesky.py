"""Bluesky through the sandbox: app-password connect, refreshSession, images with alt
text, facets by UTF-8 byte offsets, link cards, threads as replies, one record per
idempotency key, metrics, error sorting. Every record sent validates against the
lexicons."""

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
from chalicelib.networks.bluesky import facets, record_key
from local.sandbox.lexicon import TID, Validator, documents
from tests.support.networks import GeneratedVideo, adapter, age_posts, image_item, jpeg

APP_PASSWORD = "abcd-efgh-ijkl-mnop"


@pytest.fixture
def bluesky():
    return adapter("bluesky")


def connected(bluesky, handle: str = "bakery.bsky.social") -> AccountAuth:
    grant, me = bluesky.create_session(handle, APP_PASSWORD)
    return AccountAuth(me.external_id, grant.access_token)


def records_conform(sandbox) -> None:
    if not documents():
        pytest.skip("../shared/specs/bluesky/lexicons is absent: lexicon conformance skipped")
    sent = [c.json for c in sandbox.calls_to("/bluesky/xrpc/com.atproto.repo.createRecord")]
    assert sent
    for body in sent:
        assert Validator().record(body["collection"], body["record"]) == []


def test_connecting_with_an_app_password_gives_a_session_that_refreshes(sandbox, bluesky):
    grant, me = bluesky.create_session("@Ada.bsky.social", APP_PASSWORD)
    assert me.external_id.startswith("did:plc:") and me.username == "ada.bsky.social"
    assert grant.expires_within(7201) and not grant.expires_within(7000)
    assert grant.refresh_expires_at and grant.subject == me.external_id
    assert bluesky.identities(grant) == [me]
    renewed = bluesky.refresh(grant)
    assert renewed.access_token != grant.access_token
    with pytest.raises(NetworkError) as used:
        bluesky.refresh(grant)  # a refresh JWT is spent once used
    assert used.value.kind is ErrorKind.REAUTH


def test_a_wrong_app_password_is_refused_as_reauth(sandbox, bluesky):
    with pytest.raises(NetworkError) as refused:
        bluesky.create_session("ada.bsky.social", "my-real-password")
    assert refused.value.kind is ErrorKind.REAUTH and "password" in refused.value.message


def test_links_mentions_and_tags_become_facets_at_byte_offsets(sandbox, bluesky):
    account = connected(bluesky)
    text = "Café ☕ news: @friend.bsky.social see https://bakery.example/menu #sourdough"
    bluesky.publish(account, PublishRequest(text=text))
    [post] = sandbox.posts("bluesky")
    raw = text.encode()
    spans = {
        f["features"][0]["$type"].rsplit("#", 1)[1]: raw[
            f["index"]["byteStart"] : f["index"]["byteEnd"]
        ].decode()
        for f in post["facets"]
    }
    assert spans == {
        "mention": "@friend.bsky.social",
        "link": "https://bakery.example/menu",
        "tag": "#sourdough",
    }
    records_conform(sandbox)


def test_facets_count_bytes_not_characters():
    [link] = facets("🍞🍞 https://a.example")
    assert link["index"] == {"byteStart": 9, "byteEnd": 26}


def test_images_with_alt_text_are_uploaded_as_blobs(sandbox, bluesky):
    account = connected(bluesky)
    images = tuple(image_item(jpeg(800, 600), alt=f"loaf {i}") for i in range(2))
    bluesky.publish(account, PublishRequest(text="Two loaves", media=images))
    [post] = sandbox.posts("bluesky")
    assert [(m["width"], m["alt_text"]) for m in post["media"]] == [
        (800, "loaf 0"),
        (800, "loaf 1"),
    ]
    records_conform(sandbox)


def test_a_video_goes_through_the_video_service_and_embeds_its_blob(sandbox, bluesky):
    account = connected(bluesky)
    video = GeneratedVideo(3 * 1024**2)
    item = video.item()
    bluesky.publish(account, PublishRequest(text="Kneading", media=(item,)))
    [post] = sandbox.posts("bluesky")
    assert post["embed"]["$type"] == "app.bsky.embed.video"
    assert post["media"][0]["type"] == "video" and post["media"][0]["bytes"] == video.size
    [upload] = sandbox.calls_to("/bluesky/xrpc/app.bsky.video.uploadVideo")
    assert upload.content_length == video.size
    assert max(length for _, length in video.reads) <= 1024**2  # streamed, never whole
    polls = sandbox.calls_to("/bluesky/xrpc/app.bsky.video.getJobStatus")
    assert polls[-1].response["jobStatus"]["state"] == "JOB_STATE_COMPLETED"
    records_conform(sandbox)


def test_a_file_the_video_service_cannot_process_fails_permanently(sandbox, bluesky):
    account = connected(bluesky)
    item = GeneratedVideo(1000).item()
    bogus = type(item)(**{**item.__dict__, "read_range": lambda o, n: b"\x00" * n})
    with pytest.raises(NetworkError) as failed:
        bluesky.publish(account, PublishRequest(text="x", media=(bogus,)))
    assert failed.value.kind is ErrorKind.PERMANENT and failed.value.code == "invalid_video"


def test_images_without_alt_text_or_over_a_million_bytes_are_refused(sandbox, bluesky):
    account = connected(bluesky)
    for item, words in (
        (image_item(jpeg(100, 100)), "alt text"),
        (image_item(b"\xff" * 1_000_001, alt="big"), "smaller rendition"),
    ):
        with pytest.raises(NetworkError) as refused:
            bluesky.publish(account, PublishRequest(text="pic", media=(item,)))
        assert refused.value.kind is ErrorKind.PERMANENT and words in refused.value.message
    assert not sandbox.calls_to("/bluesky/xrpc/com.atproto.repo.uploadBlob")


def test_a_link_becomes_a_link_card(sandbox, bluesky):
    account = connected(bluesky)
    bluesky.publish(
        account,
        PublishRequest(
            text="New menu",
            link="https://bakery.example/menu",
            options={"link_title": "Menu", "link_description": "Autumn breads"},
        ),
    )
    [post] = sandbox.posts("bluesky")
    assert post["embed"] == {
        "$type": "app.bsky.embed.external",
        "external": {
            "uri": "https://bakery.example/menu",
            "title": "Menu",
            "description": "Autumn breads",
        },
    }
    records_conform(sandbox)


def test_a_thread_is_a_chain_of_replies_to_the_same_root(sandbox, bluesky):
    account = connected(bluesky)
    result = bluesky.publish(
        account,
        PublishRequest(
            text="1/ Bread",
            thread=(ThreadPart("2/ Flour"), ThreadPart("3/ Water")),
            first_comment="Order online",
            idempotency_key="target-thread",
        ),
    )
    posts = sandbox.posts("bluesky")
    assert [p["reply_to"] for p in posts] == [None, *[p["id"] for p in posts[:-1]]]
    sent = [
        c.json["record"] for c in sandbox.calls_to("/bluesky/xrpc/com.atproto.repo.createRecord")
    ]
    assert {r["reply"]["root"]["uri"] for r in sent[1:]} == {result.external_id}
    assert result.follow_up_ids == tuple(p["id"] for p in posts[1:])
    records_conform(sandbox)


def test_a_retry_after_a_crash_produces_one_record_not_two(sandbox, bluesky):
    account = connected(bluesky)
    request = PublishRequest(text="Only once", idempotency_key="target-42")
    first = bluesky.publish(account, request)
    # The publisher crashed before writing `first` down; the retry publishes again.
    retry = bluesky.publish(account, request)
    assert retry.external_id == first.external_id
    assert len(sandbox.posts("bluesky")) == 1
    assert first.external_id.endswith("/" + record_key("target-42"))
    assert [c.status for c in sandbox.calls_to("/bluesky/xrpc/com.atproto.repo.createRecord")] == [
        200,
        400,
    ]


def test_record_keys_are_valid_stable_tids():
    assert record_key("t-1") == record_key("t-1") != record_key("t-2")
    assert TID.match(record_key("t-1")) and record_key("t-1", 1) != record_key("t-1")


def test_metrics_are_read_back(sandbox, bluesky):
    account = connected(bluesky)
    result = bluesky.publish(account, PublishRequest(text="counted"))
    age_posts(sandbox, "bluesky", hours=5)
    [metrics] = bluesky.metrics(account, [result.external_id])
    assert metrics.external_id == result.external_id and metrics.values["likes"] >= 1
    # No impressions or views on Bluesky: absent, not 0.
    assert set(metrics.values) == {"likes", "shares", "comments", "quotes"}


@pytest.mark.parametrize(
    ("fault", "kind", "status"),
    [
        ("5xx", ErrorKind.TRANSIENT, 500),
        ("429", ErrorKind.THROTTLED, 429),
        ("401", ErrorKind.REAUTH, 401),
        ("duplicate", ErrorKind.PERMANENT, 400),
    ],
)
def test_each_failure_is_sorted_into_its_kind(sandbox, bluesky, fault, kind, status):
    account = connected(bluesky)
    sandbox.fault("bluesky", fault)
    with pytest.raises(NetworkError) as failed:
        bluesky.publish(account, PublishRequest(text="hello", idempotency_key="t-9"))
    assert failed.value.kind is kind and failed.value.status == status
    if fault == "429":
        assert failed.value.retry_at > datetime.now(UTC)
    assert sandbox.posts("bluesky") == []


def test_an_expired_session_asks_for_reconnection(sandbox, bluesky):
    sandbox.state.token_ttl = 1
    account = connected(bluesky)
    import time

    time.sleep(1.1)
    with pytest.raises(NetworkError) as expired:
        bluesky.publish(account, PublishRequest(text="late"))
    assert expired.value.kind is ErrorKind.REAUTH and expired.value.code == "ExpiredToken"


def test_text_over_300_graphemes_is_refused_by_the_lexicon(sandbox, bluesky):
    account = connected(bluesky)
    bluesky.publish(account, PublishRequest(text="e\u0301" * 300))  # 600 code points, 300 graphemes
    with pytest.raises(NetworkError) as refused:
        bluesky.publish(account, PublishRequest(text="a" * 301))
    assert refused.value.kind is ErrorKind.PERMANENT and "graphemes" in refused.value.message


def test_an_unanswered_create_may_have_published_unless_a_record_key_makes_it_safe(sandbox):
    slow = adapter("bluesky")
    slow.timeout = (2.0, 0.5)
    account = connected(slow)
    sandbox.latency("bluesky", 1500)
    for key, may_exist in ((None, True), ("target-5", False)):
        with pytest.raises(NetworkError) as failed:
            slow.publish(account, PublishRequest(text="slow", idempotency_key=key))
        assert failed.value.unanswered and failed.value.maybe_published is may_exist


def test_an_injected_timeout_is_transient(sandbox):
    quick = adapter("bluesky")
    quick.timeout = (2.0, 0.5)
    account = connected(quick)
    sandbox.fault("bluesky", "timeout")
    with pytest.raises(NetworkError) as failed:
        quick.publish(account, PublishRequest(text="x", idempotency_key="t-timeout"))
    assert failed.value.kind is ErrorKind.TRANSIENT and failed.value.unanswered


def test_an_account_on_its_own_pds_connects_through_its_service_url(sandbox, monkeypatch):
    from chalicelib.networks.registry import get_adapter
    from chalicelib.settings import get_settings

    # bsky.social itself is unreachable here: only the account's PDS answers
    monkeypatch.setenv("SCHEDULO_NETWORK_URL_BLUESKY_API", "http://127.0.0.1:9")
    get_settings.cache_clear()
    own = get_adapter("bluesky", service_url=f"{sandbox.url}/bluesky/")
    grant, me = own.create_session("ada.example.org", APP_PASSWORD)
    result = own.publish(AccountAuth(me.external_id, grant.access_token), PublishRequest(text="hi"))
    assert result.external_id.startswith(f"at://{me.external_id}/")
    get_settings.cache_clear()


def test_disconnecting_deletes_the_session(sandbox, bluesky):
    grant, _ = bluesky.create_session("ada.bsky.social", APP_PASSWORD)
    bluesky.revoke(grant)
    for call in (bluesky.identities, bluesky.refresh):
        with pytest.raises(NetworkError) as gone:
            call(grant)
        assert gone.value.kind is ErrorKind.REAUTH


def test_metrics_answers_are_lexicon_shaped(sandbox, bluesky):
    if not documents():
        pytest.skip("../shared/specs/bluesky/lexicons is absent: lexicon conformance skipped")
    account = connected(bluesky)
    result = bluesky.publish(account, PublishRequest(text="counted"))
    bluesky.metrics(account, [result.external_id])
    bluesky.account_metrics(account)
    [posts] = [c.response for c in sandbox.calls_to("/bluesky/xrpc/app.bsky.feed.getPosts")]
    [profile] = [c.response for c in sandbox.calls_to("/bluesky/xrpc/app.bsky.actor.getProfile")]
    validator, errors = Validator(), []
    for post in posts["posts"]:
        view = {"type": "ref", "ref": "app.bsky.feed.defs#postView"}
        validator._check(view, post, "post", "app.bsky.feed.getPosts", errors)
    detailed = {"type": "ref", "ref": "app.bsky.actor.defs#profileViewDetailed"}
    validator._check(detailed, profile, "profile", "app.bsky.actor.getProfile", errors)
    assert posts["posts"] and errors == []
