"""Pinterest through the sandbox: connect, boards, image pins (URL, inline, several), a
video pin through the media endpoint, analytics, field limits and error sorting; the
API calls and answers are checked against Pinterest's OpenAPI description."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.networks.base import AccountAuth, ErrorKind, NetworkError, PublishRequest
from tests.support.networks import (
    GeneratedVideo,
    adapter,
    age_posts,
    connect,
    image_item,
    jpeg,
    png,
)
from tests.support.openapi import check_request, check_response

SPEC = "pinterest/openapi.json"


@pytest.fixture
def pinterest():
    return adapter("pinterest")


def connected(pinterest) -> tuple[AccountAuth, str]:
    grant = connect(pinterest)
    [me] = pinterest.identities(grant)
    board = pinterest.boards(grant.access_token)[0]
    return AccountAuth(me.external_id, grant.access_token), board.id


def conforms(sandbox) -> None:
    checked = 0
    for call in sandbox.calls_to("/pinterest/v5/"):
        path = call.path.removeprefix("/pinterest/v5")
        body = call.json if call.json is not None else (call.form or None)
        kind = "application/json" if call.json is not None else "application/x-www-form-urlencoded"
        check_request(SPEC, call.method, path, call.args, body, kind)
        check_response(SPEC, call.method, path, call.status, call.response)
        checked += 1
    assert checked


def pin(pinterest, account, board, **fields):
    options = {"board_id": board, **fields.pop("options", {})}
    return pinterest.publish(account, PublishRequest(options=options, **fields))


def test_connecting_lists_the_boards_to_choose_from(sandbox, pinterest):
    grant = connect(pinterest, user="ada", by_form=True)
    assert grant.refresh_token and grant.refresh_expires_at
    [me] = pinterest.identities(grant)
    assert me.username == "ada"
    boards = pinterest.boards(grant.access_token)
    assert [b.name for b in boards] == ["Recipes", "Bakery", "Ideas"]
    renewed = pinterest.refresh(grant)
    assert renewed.access_token != grant.access_token and renewed.refresh_token
    with pytest.raises(NetworkError) as stale:
        pinterest.refresh(grant)
    assert stale.value.kind is ErrorKind.REAUTH
    conforms(sandbox)


def test_an_image_pin_with_title_link_and_alt_text(sandbox, pinterest):
    account, board = connected(pinterest)
    url = sandbox.host("loaf.jpg", jpeg(1000, 1500))
    result = pin(
        pinterest,
        account,
        board,
        text="Our rye loaf",
        link="https://bakery.example/rye",
        media=(image_item(jpeg(1000, 1500), alt="a dark rye loaf", url=url),),
        options={"title": "Rye"},
    )
    [post] = sandbox.posts("pinterest")
    assert post["id"] == result.external_id and post["board_id"] == board
    assert (post["title"], post["link"], post["alt_text"]) == (
        "Rye",
        "https://bakery.example/rye",
        "a dark rye loaf",
    )
    assert post["media"][0]["height"] == 1500
    conforms(sandbox)


def test_several_images_go_in_one_pin_inline_or_by_url(sandbox, pinterest):
    account, board = connected(pinterest)
    inline = tuple(image_item(png(400, 600), content_type="image/png") for _ in range(2))
    pin(pinterest, account, board, text="inline", media=(image_item(jpeg(300, 300)),))
    pin(pinterest, account, board, text="two inline", media=inline)
    urls = tuple(
        image_item(jpeg(500, 500), url=sandbox.host(f"{i}.jpg", jpeg(500, 500))) for i in range(3)
    )
    pin(pinterest, account, board, text="three urls", media=urls)
    counts = [len(p["media"]) for p in sandbox.posts("pinterest")]
    assert counts == [1, 2, 3]
    conforms(sandbox)


def test_a_video_pin_goes_through_the_media_upload(sandbox, pinterest):
    account, board = connected(pinterest)
    video = GeneratedVideo(6 * 1024**2)
    pin(pinterest, account, board, text="Kneading", media=(video.item(),))
    [post] = sandbox.posts("pinterest")
    assert post["media"][0]["type"] == "video" and post["media"][0]["bytes"] == video.size
    [upload] = sandbox.calls_to("/pinterest/_media-upload/")
    assert upload.status == 204 and upload.files["file"] == video.size
    assert max(length for _, length in video.reads) <= 1024**2
    conforms(sandbox)


def test_fields_over_their_limits_and_a_missing_board_are_refused(sandbox, pinterest):
    account, board = connected(pinterest)
    image = (image_item(jpeg(100, 100)),)
    cases = [
        ({"text": "x", "media": image, "options": {"title": "t" * 101}}, "title"),
        ({"text": "d" * 501, "media": image}, "description"),
        ({"text": "x", "link": "https://a.example/" + "l" * 2040, "media": image}, "link"),
    ]
    for fields, word in cases:
        with pytest.raises(NetworkError) as refused:
            pin(pinterest, account, board, **fields)
        assert refused.value.kind is ErrorKind.PERMANENT and word in refused.value.message
    with pytest.raises(NetworkError) as no_board:
        pinterest.publish(account, PublishRequest(text="x", media=image))
    assert "board" in no_board.value.message
    assert sandbox.posts("pinterest") == []


def test_analytics_are_read_back(sandbox, pinterest):
    account, board = connected(pinterest)
    result = pin(pinterest, account, board, text="m", media=(image_item(jpeg(100, 100)),))
    age_posts(sandbox, "pinterest", hours=5)
    [metrics] = pinterest.metrics(account, [result.external_id])
    assert metrics.values["impressions"] >= 200 and "saves" in metrics.values
    assert set(metrics.values) == pinterest.metric_names | {"outbound_clicks"}
    pinterest.account_metrics(account)
    conforms(sandbox)


@pytest.mark.parametrize(
    ("fault", "kind", "status"),
    [
        ("5xx", ErrorKind.TRANSIENT, 500),
        ("429", ErrorKind.THROTTLED, 429),
        ("401", ErrorKind.REAUTH, 401),
        ("duplicate", ErrorKind.PERMANENT, 409),
    ],
)
def test_each_failure_is_sorted_into_its_kind(sandbox, pinterest, fault, kind, status):
    account, board = connected(pinterest)
    sandbox.fault("pinterest", fault)
    with pytest.raises(NetworkError) as failed:
        pin(pinterest, account, board, text="x", media=(image_item(jpeg(100, 100)),))
    assert failed.value.kind is kind and failed.value.status == status
    if fault == "429":
        assert failed.value.retry_at > datetime.now(UTC)
    assert sandbox.posts("pinterest") == []


def test_an_unanswered_pin_call_may_have_published(sandbox):
    slow = adapter("pinterest")
    slow.timeout = (2.0, 0.5)
    account, board = connected(slow)
    sandbox.latency("pinterest", 1500)
    image = image_item(jpeg(100, 100), url=sandbox.host("p.jpg", jpeg(100, 100)))
    with pytest.raises(NetworkError) as failed:
        pin(slow, account, board, text="slow", media=(image,))
    assert failed.value.kind is ErrorKind.TRANSIENT and failed.value.maybe_published


def test_an_injected_timeout_is_transient_and_the_pin_may_exist(sandbox):
    quick = adapter("pinterest")
    quick.timeout = (2.0, 0.5)
    account, board = connected(quick)
    sandbox.fault("pinterest", "timeout")
    with pytest.raises(NetworkError) as failed:
        pin(quick, account, board, text="x", media=(image_item(jpeg(100, 100)),))
    assert failed.value.kind is ErrorKind.TRANSIENT and failed.value.maybe_published
