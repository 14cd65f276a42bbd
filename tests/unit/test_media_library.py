"""The library against the embedded S3 and DynamoDB: presigned uploads, completion,
renditions stored and reused, imports, and deletion refused while a post uses the file."""

from __future__ import annotations

import base64
import io
import json

import boto3
import pytest
import requests
from PIL import Image

from chalicelib.errors import Conflict, NotFound, ValidationFailed
from chalicelib.media import library, renditions
from chalicelib.media.inspection import inspect
from chalicelib.media.source import S3Source
from chalicelib.media.uploads import MB
from chalicelib.settings import get_settings
from chalicelib.store import media as store
from tests.support.http_server import Route, serve
from tests.support.media_files import image_bytes, mp4_bytes

WS = "w_media_test"


def s3():
    return boto3.client("s3")


def bucket() -> str:
    return get_settings().media_bucket


def keys() -> set[str]:
    listing = s3().list_objects_v2(Bucket=bucket())
    return {obj["Key"] for obj in listing.get("Contents", [])}


def upload(data: bytes, filename: str = "photo.jpg", content_type: str = "image/jpeg"):
    """What the browser does: ask for a presigned POST, then POST the file to S3."""
    item, post = library.start_upload(
        WS,
        filename=filename,
        content_type=content_type,
        size=len(data),
        max_bytes=250 * MB,
        created_by="u_1",
    )
    response = requests.post(
        post.url, data=post.fields, files={"file": (filename, data, content_type)}, timeout=10
    )
    assert response.status_code == 204
    return item, post


def ready(data: bytes, **kwargs) -> store.MediaItem:
    item, _ = upload(data, **kwargs)
    return library.complete_upload(WS, item.media_id)


def test_the_presigned_post_pins_key_type_and_size(aws):
    item, post = upload(image_bytes(), filename="My Holiday (1).jpg")
    policy = json.loads(base64.b64decode(post.fields["policy"]))
    conditions = policy["conditions"]
    assert {"key": item.upload_key} in conditions
    assert {"Content-Type": "image/jpeg"} in conditions
    assert ["content-length-range", 1, item.declared_size] in conditions
    assert post.fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    assert item.upload_key == f"uploads/{WS}/{item.media_id}/My-Holiday-1-.jpg"


def test_completing_inspects_the_bytes_not_the_claim(aws):
    # A PNG announced as a JPEG is stored as what it is.
    item = ready(image_bytes("PNG", (1200, 900)), filename="x.jpg", content_type="image/jpeg")
    assert item.status == store.READY
    assert (item.kind, item.content_type, item.width, item.height) == (
        "image",
        "image/png",
        1200,
        900,
    )
    assert item.key == f"media/{WS}/{item.media_id}/original.png"
    assert item.upload_key not in keys()
    assert s3().head_object(Bucket=bucket(), Key=item.key)["ContentType"] == "image/png"
    thumbnail = s3().get_object(Bucket=bucket(), Key=item.thumbnail_key)["Body"].read()
    assert max(Image.open(io.BytesIO(thumbnail)).size) == 480


def test_completing_twice_gives_the_same_ready_item(aws):
    item = ready(image_bytes())
    assert library.complete_upload(WS, item.media_id).key == item.key


def test_a_video_is_completed_with_its_duration(aws):
    item = ready(mp4_bytes(seconds=8.4, width=720, height=1280), filename="clip.mp4",
                 content_type="video/mp4")  # fmt: skip
    assert (item.kind, item.duration_seconds, item.width, item.height) == ("video", 8.4, 720, 1280)
    assert item.video_codec == "h264"
    assert item.thumbnail_key is None


def test_a_renamed_executable_fails_with_its_reason_and_is_removed(aws):
    program = b"MZ\x90\x00" + bytes(4000)
    item, _ = upload(program, filename="invoice.jpg")
    with pytest.raises(ValidationFailed, match="executable") as refused:
        library.complete_upload(WS, item.media_id)
    assert refused.value.details[0]["field"] == "file"
    stored = store.get(WS, item.media_id)
    assert stored.status == store.FAILED
    assert "executable" in stored.failure_reason
    assert keys() == set()
    with pytest.raises(ValidationFailed):  # asking again gives the same answer
        library.complete_upload(WS, item.media_id)


def test_completing_before_the_upload_arrived_is_a_conflict(aws):
    item, _ = library.start_upload(
        WS, filename="a.jpg", content_type="image/jpeg", size=10, max_bytes=MB, created_by=None
    )
    with pytest.raises(Conflict, match="not been uploaded"):
        library.complete_upload(WS, item.media_id)
    assert store.get(WS, item.media_id).status == store.UPLOADING


def test_a_file_bigger_than_the_plan_allows_fails(aws):
    data = image_bytes()
    item, post = library.start_upload(
        WS, filename="a.jpg", content_type="image/jpeg", size=100, max_bytes=100, created_by=None
    )
    # Real S3 enforces the policy's content-length-range; the embedded one does not,
    # so completion checks again.
    requests.post(post.url, data=post.fields, files={"file": ("a.jpg", data)}, timeout=10)
    with pytest.raises(ValidationFailed, match="at most 100"):
        library.complete_upload(WS, item.media_id)


def test_a_large_video_in_s3_is_inspected_by_ranged_reads(aws):
    key = "uploads/w/m/big.mp4"
    data = mp4_bytes(media=bytes(24 * MB), moov_first=False, seconds=95)
    s3().put_object(Bucket=bucket(), Key=key, Body=data)
    source = S3Source(s3(), bucket(), key)
    assert inspect(source).duration_seconds == 95
    assert source.bytes_read < 64 * 1024
    assert source.requests <= 5


def test_a_rendition_is_made_once_stored_next_to_the_original_and_reused(aws, monkeypatch):
    item = ready(image_bytes("JPEG", (2400, 1000)))
    made = []
    real_render = renditions.render
    monkeypatch.setattr(renditions, "render", lambda *a: made.append(a[1].name) or real_render(*a))
    first = library.file_for_target(WS, item.media_id, "instagram")
    again = library.file_for_target(WS, item.media_id, "instagram")
    assert first == again
    assert made == ["instagram"]
    assert first.is_rendition
    assert first.key.startswith(f"media/{WS}/{item.media_id}/instagram-")
    assert first.width == 1440 and first.width / first.height <= 1.91
    assert Image.open(io.BytesIO(first.read())).size == (first.width, first.height)


def test_moving_the_focal_point_makes_a_new_rendition(aws):
    item = ready(image_bytes("JPEG", (2400, 1000)))
    before = library.file_for_target(WS, item.media_id, "pinterest")
    store.update_details(store.get(WS, item.media_id), focal=(0.9, 0.5))
    after = library.file_for_target(WS, item.media_id, "pinterest")
    assert after.key != before.key
    assert store.get(WS, item.media_id).rendition("pinterest")["focal_x"] == 0.9


def test_an_image_that_fits_the_network_is_sent_as_it_is(aws):
    item = ready(image_bytes("JPEG", (1200, 800)))
    chosen = library.file_for_target(WS, item.media_id, "x")
    assert (chosen.key, chosen.is_rendition) == (item.key, False)


def test_a_video_is_never_transcoded(aws):
    item = ready(mp4_bytes(), filename="v.mp4", content_type="video/mp4")
    assert library.file_for_target(WS, item.media_id, "instagram", "reel").key == item.key


def test_media_used_by_a_scheduled_post_cannot_be_deleted(aws):
    item = ready(image_bytes())
    library.file_for_target(WS, item.media_id, "pinterest")
    store.mark_used(WS, item.media_id, "p_1")
    store.mark_used(WS, item.media_id, "p_2")
    with pytest.raises(Conflict) as conflict:
        library.delete_media(WS, item.media_id)
    assert conflict.value.details == [{"field": "used_by", "message": "p_1, p_2"}]
    store.set_post_usage(WS, "p_1", [item.media_id], [])
    store.unmark_used(WS, item.media_id, "p_2")
    library.delete_media(WS, item.media_id)
    with pytest.raises(NotFound):
        store.get(WS, item.media_id)
    assert keys() == set()


def test_marking_usage_of_unknown_media_is_not_found(aws):
    with pytest.raises(NotFound):
        store.mark_used(WS, "m_missing", "p_1")


def test_the_library_lists_newest_first_by_pages_and_by_tag(aws):
    items = [ready(image_bytes("PNG", (50 + i, 50))) for i in range(5)]
    store.update_details(items[1], tags=["summer", "beach"])
    store.update_details(items[3], tags=["summer"])
    page, cursor = store.list_media(WS, limit=3)
    assert [i.media_id for i in page] == [i.media_id for i in reversed(items)][:3]
    rest, end = store.list_media(WS, limit=3, cursor=cursor)
    assert [i.media_id for i in rest] == [items[1].media_id, items[0].media_id]
    assert end is None
    tagged, _ = store.list_media(WS, limit=10, tag="summer")
    assert [i.media_id for i in tagged] == [items[3].media_id, items[1].media_id]
    assert store.list_media("w_other", limit=10) == ([], None)


@pytest.fixture
def loopback_allowed(monkeypatch):
    monkeypatch.setenv("SCHEDULO_ALLOW_LOOPBACK_FETCH", "1")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("SCHEDULO_ALLOW_LOOPBACK_FETCH")
    get_settings.cache_clear()


def test_an_image_is_imported_by_url(aws, loopback_allowed):
    photo = image_bytes("WEBP", (640, 640))
    with serve({"/img/cat%20photo.webp": Route(body=photo)}) as site:
        item = library.import_from_url(
            WS, f"{site.url}/img/cat%20photo.webp", max_bytes=MB, created_by="u_1"
        )
    assert (item.status, item.content_type, item.width) == ("ready", "image/webp", 640)
    assert (item.filename, item.source_url) == (
        "cat photo.webp",
        f"{site.url}/img/cat%20photo.webp",
    )


def test_a_large_import_is_streamed_to_s3_in_parts(aws, loopback_allowed):
    video = mp4_bytes(media=bytes(20 * MB), seconds=30)
    with serve({"/v.mp4": Route(body=video, chunked=True)}) as site:
        item = library.import_from_url(WS, f"{site.url}/v.mp4", max_bytes=100 * MB, created_by=None)
    assert (item.kind, item.size, item.duration_seconds) == ("video", len(video), 30)


def test_an_import_from_a_private_address_is_refused_in_production(aws):
    site = serve({"/a.jpg": Route(body=image_bytes())})
    with site as served, pytest.raises(ValidationFailed) as refused:
        library.import_from_url(WS, f"{served.url}/a.jpg", max_bytes=MB, created_by=None)
    assert refused.value.details[0]["field"] == "url"
    assert store.list_media(WS, limit=10) == ([], None)
    assert keys() == set()


def test_the_publisher_reads_the_rendition_by_ranges_and_by_url(aws):
    item = ready(image_bytes("PNG", (2000, 800)), filename="banner.png", content_type="image/png")
    store.update_details(item, alt_text="Our new shop front")
    sent = library.network_media(WS, item.media_id, "instagram")
    assert (sent.kind.value, sent.content_type, sent.alt_text) == (
        "image",
        "image/jpeg",
        "Our new shop front",
    )
    whole = sent.read_all(sent.size)
    assert Image.open(io.BytesIO(whole)).size == (sent.width, sent.height)
    assert requests.get(sent.url, timeout=10).content == whole
    original = library.network_media(WS, item.media_id, "x")
    assert (original.content_type, original.filename) == ("image/png", "banner.png")


def test_the_validator_sees_an_image_as_the_network_will_receive_it(aws):
    from chalicelib.domain.validation import TargetDraft, validate_target
    from chalicelib.networks.registry import get_limits

    item = ready(image_bytes("PNG", (3000, 1000)), filename="wide.png", content_type="image/png")
    store.update_details(item, alt_text="A wide banner")
    as_is = validate_target(
        TargetDraft("a_1", "Hi", (library.facts_for_target(item, "x"),)), get_limits("x")
    )
    assert as_is == []
    facts = library.facts_for_target(item, "instagram")
    assert (facts.content_type, facts.width) == ("image/jpeg", 1440)
    draft = TargetDraft("a_1", "Hi", (facts,))
    assert validate_target(draft, get_limits("instagram")) == []
    made = library.file_for_target(WS, item.media_id, "instagram")
    assert (made.width, made.height) == (facts.width, facts.height)
    assert made.size <= facts.bytes
