"""YouTube through the sandbox: Google OAuth, resumable chunked upload (and its resume
after an interrupted chunk), scheduling, statistics, quota and error sorting. Every
call the adapter makes is checked against Google's discovery document."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.networks.base import AccountAuth, ErrorKind, NetworkError, PublishRequest
from chalicelib.networks.youtube import CHUNK_BYTES, next_pacific_midnight
from tests.support.discovery import check_answer, check_call
from tests.support.networks import GeneratedVideo, adapter, age_posts, connect

CALLS = {
    ("POST", "/youtube/upload/youtube/v3/videos"): ("videos", "insert"),
    ("GET", "/youtube/youtube/v3/videos"): ("videos", "list"),
    ("GET", "/youtube/youtube/v3/channels"): ("channels", "list"),
}


@pytest.fixture
def youtube():
    return adapter("youtube")


def connected(youtube) -> AccountAuth:
    grant = connect(youtube)
    [channel] = youtube.identities(grant)
    return AccountAuth(channel.external_id, grant.access_token)


def conforms(sandbox) -> None:
    checked = 0
    for call in sandbox.calls:
        target = CALLS.get((call.method, call.path))
        if target:
            check_call(*target, call.path.removeprefix("/youtube"), call.args, call.json)
            if call.status == 200 and call.method == "GET":
                check_answer(*target, call.response)
            checked += 1
        elif call.method == "PUT" and call.status in (200, 201):  # the uploaded video
            check_answer("videos", "insert", call.response)
            checked += 1
    assert checked


def publish_video(youtube, account, video, **options):
    options.setdefault("title", "Sourdough, start to finish")
    return youtube.publish(
        account, PublishRequest(text="How we bake.", media=(video.item(),), options=options)
    )


def test_connecting_with_offline_access_gives_a_refresh_token(sandbox, youtube):
    grant = connect(youtube, user="ada", by_form=True)
    assert grant.refresh_token and not grant.expires_within(3000)
    [channel] = youtube.identities(grant)
    assert channel.external_id.startswith("UC") and channel.username == "@ada"
    renewed = youtube.refresh(grant)
    assert renewed.access_token != grant.access_token
    assert renewed.refresh_token == grant.refresh_token  # Google keeps it
    youtube.revoke(renewed)
    with pytest.raises(NetworkError) as revoked:
        youtube.refresh(renewed)
    assert revoked.value.kind is ErrorKind.REAUTH
    conforms(sandbox)


def test_a_video_with_title_tags_and_schedule_is_uploaded_in_chunks(sandbox, youtube):
    account = connected(youtube)
    video = GeneratedVideo(3 * CHUNK_BYTES + 1234)
    when = datetime.now(UTC) + timedelta(days=2)
    result = publish_video(
        youtube, account, video, tags=["bread", "baking"], publish_at=when.isoformat()
    )
    [post] = sandbox.posts("youtube")
    assert post["id"] == result.external_id and post["text"] == "Sourdough, start to finish"
    assert post["description"] == "How we bake." and post["tags"] == ["bread", "baking"]
    assert post["privacy_status"] == "private" and post["publish_at"].startswith(
        when.strftime("%Y-%m-%dT%H:%M")
    )
    puts = [c for c in sandbox.calls if c.method == "PUT"]
    assert len(puts) == 4 and all(c.content_length <= CHUNK_BYTES for c in puts)
    assert result.url == f"https://www.youtube.com/watch?v={result.external_id}"
    conforms(sandbox)


def test_an_interrupted_chunk_resumes_from_the_next_byte_without_resending(sandbox, youtube):
    account = connected(youtube)
    video = GeneratedVideo(5 * CHUNK_BYTES)
    interrupted = {"done": False}
    read = video.read

    def reader(offset: int, length: int) -> bytes:
        if offset == 2 * CHUNK_BYTES and not interrupted["done"]:
            interrupted["done"] = True
            sandbox.fault("youtube", "5xx")  # the third chunk's connection breaks
        return read(offset, length)

    video.read = reader  # type: ignore[method-assign]
    publish_video(youtube, account, video)
    [session] = [v for k, v in sandbox.state.objects.items() if k.startswith("youtube:upload:")]
    assert session["received"] == video.size and session["resent"] == 0
    starts = [start for start, _ in session["puts"]]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert session["wire_bytes"] < video.size + CHUNK_BYTES
    status_queries = [c for c in sandbox.calls if c.method == "PUT" and c.content_length == 0]
    assert len(status_queries) == 1 and status_queries[0].status == 308


def test_a_300_mb_video_goes_in_bounded_chunks(sandbox, youtube):
    account = connected(youtube)
    video = GeneratedVideo(300 * 1024**2)
    publish_video(youtube, account, video)
    puts = [c for c in sandbox.calls if c.method == "PUT"]
    assert len(puts) == -(-video.size // CHUNK_BYTES) == 38
    assert max(c.content_length for c in puts) == CHUNK_BYTES < video.size
    assert max(length for _, length in video.reads) == CHUNK_BYTES


def test_statistics_are_read_back(sandbox, youtube):
    account = connected(youtube)
    result = publish_video(youtube, account, GeneratedVideo(1000))
    age_posts(sandbox, "youtube", hours=5)
    [metrics] = youtube.metrics(account, [result.external_id])
    assert metrics.external_id == result.external_id
    assert set(metrics.values) == {"views", "likes", "comments"} and metrics.values["views"]
    assert youtube.account_metrics(account).followers
    conforms(sandbox)


@pytest.mark.parametrize(
    ("fault", "kind", "status"),
    [
        ("5xx", ErrorKind.TRANSIENT, 503),
        ("429", ErrorKind.THROTTLED, 429),
        ("401", ErrorKind.REAUTH, 401),
        ("duplicate", ErrorKind.PERMANENT, None),
    ],
)
def test_each_failure_is_sorted_into_its_kind(sandbox, youtube, fault, kind, status):
    account = connected(youtube)
    sandbox.fault("youtube", fault)
    with pytest.raises(NetworkError) as failed:
        publish_video(youtube, account, GeneratedVideo(1000))
    assert failed.value.kind is kind and failed.value.status == status
    if fault == "429":
        assert failed.value.retry_at > datetime.now(UTC)
    if fault == "duplicate":
        assert failed.value.code == "duplicate"
    assert sandbox.posts("youtube") == []


def test_the_same_video_twice_is_rejected_as_a_duplicate(sandbox, youtube):
    account = connected(youtube)
    publish_video(youtube, account, GeneratedVideo(4000))
    with pytest.raises(NetworkError) as again:
        publish_video(youtube, account, GeneratedVideo(4000))
    assert again.value.kind is ErrorKind.PERMANENT and "duplicate" in again.value.message


def test_a_spent_daily_quota_waits_until_midnight_pacific(sandbox, youtube):
    account = connected(youtube)
    sandbox.state.objects["youtube:quota"] = 1600  # room for one upload today
    publish_video(youtube, account, GeneratedVideo(1000))
    with pytest.raises(NetworkError) as spent:
        publish_video(youtube, account, GeneratedVideo(2000))
    error = spent.value
    assert error.kind is ErrorKind.THROTTLED and error.code == "quotaExceeded"
    assert error.retry_at == next_pacific_midnight(error.retry_at - timedelta(seconds=1))


def test_midnight_pacific_follows_daylight_saving():
    summer = next_pacific_midnight(datetime(2026, 7, 1, 12, 0, tzinfo=UTC))
    winter = next_pacific_midnight(datetime(2026, 1, 15, 9, 0, tzinfo=UTC))
    assert summer == datetime(2026, 7, 2, 7, 0, tzinfo=UTC)
    assert winter == datetime(2026, 1, 16, 8, 0, tzinfo=UTC)


def test_titles_over_100_characters_or_with_angle_brackets_are_refused(sandbox, youtube):
    account = connected(youtube)
    for title in ("x" * 101, "a <b> title"):
        with pytest.raises(NetworkError) as refused:
            publish_video(youtube, account, GeneratedVideo(1000), title=title)
        assert refused.value.kind is ErrorKind.PERMANENT
    assert not sandbox.calls_to("/youtube/upload")


def test_an_injected_timeout_is_transient_and_unanswered(sandbox):
    quick = adapter("youtube")
    quick.timeout = (2.0, 0.5)
    account = connected(quick)
    sandbox.fault("youtube", "timeout")
    with pytest.raises(NetworkError) as failed:
        publish_video(quick, account, GeneratedVideo(1000))
    assert failed.value.kind is ErrorKind.TRANSIENT and failed.value.unanswered
    assert not failed.value.maybe_published  # the session was not even opened
