"""The adapter interface's own rules: bounded polling, chunked reading, error sorting,
LinkedIn escaping, the registry."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from chalicelib.networks.base import (
    ErrorKind,
    MediaItem,
    MediaKind,
    NetworkError,
    Polling,
    bytes_reader,
)
from chalicelib.networks.graph import graph_error
from chalicelib.networks.linkedin import escape_commentary
from chalicelib.networks.registry import UnknownNetwork, all_limits, get_adapter


def response(status: int, body=None, headers=None, reason: str = ""):
    text = json.dumps(body) if body is not None else "<html>Bad Gateway</html>"

    def parse():
        return json.loads(text)

    return SimpleNamespace(status_code=status, json=parse, headers=headers or {}, reason=reason)


def test_polling_gives_up_after_its_budget_without_sleeping_past_it():
    slept: list[float] = []
    polling = Polling(max_wait=100, sleep=slept.append, clock=lambda: sum(slept))
    with pytest.raises(NetworkError) as gave_up:
        polling.until_done(lambda: (False, 25), "the video")
    assert gave_up.value.kind is ErrorKind.TRANSIENT and "still processing" in gave_up.value.message
    assert slept == [25, 25, 25, 25]


def test_polling_honours_the_networks_wait_capped_by_max_interval():
    waits = []
    answers = iter([(False, 3), (False, 120), (True, None)])
    Polling(max_interval=30, sleep=waits.append).until_done(lambda: next(answers), "x")
    assert waits == [3, 30]


def test_media_is_read_in_chunks_of_at_most_the_chunk_size():
    data = bytes(range(256)) * 40  # 10,240 bytes
    item = MediaItem(MediaKind.VIDEO, "video/mp4", len(data), bytes_reader(data))
    pieces = list(item.chunks(4096))
    assert [(o, len(p)) for o, p in pieces] == [(0, 4096), (4096, 4096), (8192, 2048)]
    assert b"".join(p for _, p in pieces) == data


def test_a_large_item_is_never_read_whole():
    item = MediaItem(MediaKind.VIDEO, "video/mp4", 10**9, lambda o, n: b"x" * n)
    with pytest.raises(NetworkError) as refused:
        item.read_all(10 * 1024**2)
    assert refused.value.kind is ErrorKind.PERMANENT


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (190, ErrorKind.REAUTH),
        (4, ErrorKind.THROTTLED),
        (17, ErrorKind.THROTTLED),
        (613, ErrorKind.THROTTLED),
        (80001, ErrorKind.THROTTLED),
        (1, ErrorKind.TRANSIENT),
        (2, ErrorKind.TRANSIENT),
        (506, ErrorKind.PERMANENT),
        (200, ErrorKind.PERMANENT),
    ],
)
def test_graph_errors_are_sorted_by_code(code, kind):
    error = graph_error(response(400, {"error": {"message": "m", "code": code}}))
    assert error.kind is kind and error.message == "m" and error.code == str(code)


def test_a_graph_throttle_without_usage_headers_still_has_a_retry_time():
    error = graph_error(response(400, {"error": {"message": "slow down", "code": 4}}))
    assert error.retry_at > datetime.now(UTC) + timedelta(minutes=1)


def test_a_non_json_gateway_error_is_transient():
    x = get_adapter("x")
    error = x.classify(response(502, reason="Bad Gateway"))
    assert error.kind is ErrorKind.TRANSIENT and error.message == "Bad Gateway"


def test_x_throttling_uses_the_reset_header():
    reset = int(datetime.now(UTC).timestamp()) + 600
    error = get_adapter("x").classify(
        response(429, {"title": "Too Many Requests"}, {"x-rate-limit-reset": str(reset)})
    )
    assert error.kind is ErrorKind.THROTTLED and int(error.retry_at.timestamp()) == reset


def test_linkedin_commentary_escapes_every_reserved_character():
    assert escape_commentary(r"a\b|{}@[]()<>#*_~") == r"a\\b\|\{\}\@\[\]\(\)\<\>\#\*\_\~"
    assert escape_commentary("plain text, 50% off!") == "plain text, 50% off!"


def test_the_registry_knows_each_network_and_refuses_others():
    assert [limits.network for limits in all_limits()] == [
        "x",
        "facebook",
        "instagram",
        "linkedin",
        "tiktok",
        "youtube",
        "pinterest",
        "threads",
        "bluesky",
        "mastodon",
    ]
    with pytest.raises(UnknownNetwork):
        get_adapter("myspace")


def test_oauth_without_client_credentials_is_a_clear_error():
    with pytest.raises(NetworkError) as missing:
        get_adapter("linkedin").authorize_url("https://app/cb", "s", None)
    assert "client credentials" in missing.value.message
