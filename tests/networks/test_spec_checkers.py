"""The conformance checkers themselves refuse what the specs refuse, so the network
tests that lean on them check something."""

from __future__ import annotations

import pytest

from local.sandbox.lexicon import Validator, documents
from tests.support.discovery import check_call
from tests.support.openapi import check_request


def test_the_openapi_checker_refuses_bad_bodies_and_unknown_paths():
    good = {"board_id": "123", "media_source": {"source_type": "image_url", "url": "u"}}
    check_request("pinterest/openapi.json", "POST", "/pins", {}, good, "application/json")
    with pytest.raises(AssertionError):
        bad = {**good, "board_id": "not-a-number"}
        check_request("pinterest/openapi.json", "POST", "/pins", {}, bad, "application/json")
    with pytest.raises(AssertionError):
        check_request("mastodon/openapi.json", "POST", "/api/v9/toots", {}, None, "")
    with pytest.raises(AssertionError):  # analytics needs its dates
        check_request("pinterest/openapi.json", "GET", "/pins/1/analytics", {}, None, "")


def test_the_discovery_checker_refuses_unknown_fields_and_parts():
    body = {"snippet": {"title": "t"}, "status": {"privacyStatus": "public"}}
    args = {"part": "snippet,status", "uploadType": "resumable"}
    check_call("videos", "insert", "/upload/youtube/v3/videos", args, body)
    with pytest.raises(AssertionError):
        check_call(
            "videos", "insert", "/upload/youtube/v3/videos", args, {"snippet": {"titel": "t"}}
        )
    with pytest.raises(AssertionError):
        bad = {"status": {"privacyStatus": "friends"}}
        check_call("videos", "insert", "/upload/youtube/v3/videos", args, bad)
    with pytest.raises(AssertionError):
        check_call("videos", "insert", "/upload/youtube/v3/videos", {"part": "gossip"}, body)


def test_the_lexicon_validator_passes_good_posts_and_fails_bad_ones():
    if not documents():
        pytest.skip("../shared/specs/bluesky/lexicons is absent")
    validator = Validator()
    good = {"$type": "app.bsky.feed.post", "text": "hi", "createdAt": "2026-01-01T00:00:00Z"}
    assert validator.record("app.bsky.feed.post", good) == []
    assert validator.record("app.bsky.feed.post", {**good, "text": "x" * 301})
    assert validator.record("app.bsky.feed.post", {**good, "createdAt": "yesterday"})
    bad_facet = {**good, "facets": [{"index": {"byteStart": 0}, "features": []}]}
    assert validator.record("app.bsky.feed.post", bad_facet)
