"""The media library through the API, as the web app and third-party clients use it."""

from __future__ import annotations

import base64
import json

import pytest
import requests

from chalicelib.settings import get_settings
from chalicelib.store import media as store
from tests.support.factories import add_member, call, signup
from tests.support.http_server import Route, serve
from tests.support.media_files import image_bytes, mp4_bytes


def media_path(user, suffix: str = "") -> str:
    return f"/v1/workspaces/{user.workspace_id}/media{suffix}"


def start(client, user, data: bytes, filename="photo.jpg", content_type="image/jpeg"):
    body = {"filename": filename, "content_type": content_type, "size": len(data)}
    return call(client, "POST", media_path(user), body, user.headers)


def upload(client, user, data: bytes, **kwargs) -> dict:
    """The browser's upload: presigned POST straight to S3, then `complete`."""
    started = start(client, user, data, **kwargs)
    assert started.status_code == 201, started.body
    post = started.json["upload"]
    sent = requests.post(post["url"], data=post["fields"], files={"file": data}, timeout=10)
    assert sent.status_code == 204
    return started.json["media"]


def complete(client, user, media_id: str):
    return call(client, "POST", media_path(user, f"/{media_id}/complete"), None, user.headers)


def uploaded(client, user, data: bytes, **kwargs) -> dict:
    media = upload(client, user, data, **kwargs)
    done = complete(client, user, media["id"])
    assert done.status_code == 200, done.body
    return done.json


def test_an_editor_uploads_an_image_straight_to_s3_and_completes_it(client):
    owner = signup(client)
    editor = add_member(client, owner, "editor")
    started = start(client, editor, image_bytes("PNG", (1200, 900)), filename="logo.jpg")
    assert started.status_code == 201
    media, post = started.json["media"], started.json["upload"]
    assert media["status"] == "uploading"
    policy = json.loads(base64.b64decode(post["fields"]["policy"]))
    assert ["content-length-range", 1, media["size"] or post["max_bytes"]] in policy["conditions"]
    data = image_bytes("PNG", (1200, 900))
    requests.post(post["url"], data=post["fields"], files={"file": data}, timeout=10)
    done = complete(client, editor, media["id"])
    assert done.status_code == 200
    ready = done.json
    assert ready["status"] == "ready"
    assert (ready["kind"], ready["content_type"]) == ("image", "image/png")  # not the claim
    assert (ready["width"], ready["height"], ready["size"]) == (1200, 900, len(data))
    assert ready["thumbnail_url"] and ready["url"]
    assert requests.get(ready["url"], timeout=10).content == data
    assert ready["created_by"] == editor.user_id


def test_a_video_reports_its_duration_and_codec(client):
    owner = signup(client)
    video = uploaded(client, owner, mp4_bytes(seconds=14.2, width=1080, height=1920),
                     filename="reel.mp4", content_type="video/mp4")  # fmt: skip
    assert (video["kind"], video["duration_seconds"], video["video_codec"]) == (
        "video",
        14.2,
        "h264",
    )
    assert (video["width"], video["height"]) == (1080, 1920)
    assert video["thumbnail_url"] is None


def test_a_renamed_executable_is_refused_with_the_reason(client):
    owner = signup(client)
    media = upload(client, owner, b"MZ\x90\x00" + bytes(5000), filename="cat.jpg")
    refused = complete(client, owner, media["id"])
    assert refused.status_code == 422
    error = refused.json["error"]
    assert "executable" in error["message"]
    assert error["details"][0]["field"] == "file"
    shown = call(client, "GET", media_path(owner, f"/{media['id']}"), None, owner.headers).json
    assert shown["status"] == "failed"
    assert "executable" in shown["failure_reason"]


def test_a_repeated_upload_request_with_the_same_idempotency_key_starts_one_upload(client):
    owner = signup(client)
    body = {"filename": "a.jpg", "content_type": "image/jpeg", "size": 1000}
    headers = {**owner.headers, "Idempotency-Key": "upload-1"}
    first = call(client, "POST", media_path(owner), body, headers)
    again = call(client, "POST", media_path(owner), body, headers)
    assert first.status_code == again.status_code == 201
    assert first.json["media"]["id"] == again.json["media"]["id"]
    listed = call(client, "GET", media_path(owner), None, owner.headers).json["items"]
    assert len(listed) == 1


def test_completing_before_uploading_is_a_conflict(client):
    owner = signup(client)
    started = start(client, owner, image_bytes())
    assert complete(client, owner, started.json["media"]["id"]).status_code == 409


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"filename": "a.exe", "content_type": "application/x-msdownload", "size": 10}, 422,
         "content_type"),
        ({"filename": "a.mp4", "content_type": "video/mp4", "size": 2 * 1024**3}, 422, "size"),
        ({"filename": "a.mp4", "content_type": "video/mp4", "size": 300 * 1024**2}, 402, "size"),
        ({"filename": "a.jpg", "content_type": "image/jpeg", "size": 0}, 422, "size"),
        ({"filename": "", "content_type": "image/jpeg", "size": 10}, 422, "filename"),
    ],
    ids=["type", "over-1-gb", "over-the-plan", "empty", "no-name"],
)  # fmt: skip
def test_bad_upload_requests_name_the_field(client, body, status, field):
    owner = signup(client)
    response = call(client, "POST", media_path(owner), body, owner.headers)
    assert response.status_code == status
    assert response.json["error"]["details"][0]["field"] == field


def test_a_viewer_reads_the_library_but_cannot_change_it(client):
    owner = signup(client)
    viewer = add_member(client, owner, "viewer")
    item = uploaded(client, owner, image_bytes())
    assert (
        call(client, "GET", media_path(viewer), None, viewer.headers).json["items"][0]["id"]
        == item["id"]
    )
    assert start(client, viewer, image_bytes()).status_code == 403
    patch = call(
        client, "PATCH", media_path(viewer, f"/{item['id']}"), {"tags": ["x"]}, viewer.headers
    )
    assert patch.status_code == 403
    assert (
        call(
            client, "DELETE", media_path(viewer, f"/{item['id']}"), None, viewer.headers
        ).status_code
        == 403
    )


def test_another_workspaces_media_is_not_found(client):
    owner, stranger = signup(client), signup(client)
    item = uploaded(client, owner, image_bytes())
    mine = call(client, "GET", media_path(stranger, f"/{item['id']}"), None, stranger.headers)
    assert mine.status_code == 404
    theirs = call(client, "GET", media_path(owner, f"/{item['id']}"), None, stranger.headers)
    assert theirs.status_code == 404


def test_alt_text_tags_and_focal_point_are_edited(client):
    owner = signup(client)
    item = uploaded(client, owner, image_bytes("JPEG", (2000, 1000)))
    path = media_path(owner, f"/{item['id']}")
    body = {"alt_text": "  A dog on a beach ", "tags": ["#Summer", "beach", "summer "],
            "focal_point": {"x": 0.8, "y": 0.4}}  # fmt: skip
    changed = call(client, "PATCH", path, body, owner.headers)
    assert changed.status_code == 200
    assert changed.json["alt_text"] == "A dog on a beach"
    assert changed.json["tags"] == ["summer", "beach"]
    assert changed.json["focal_point"] == {"x": 0.8, "y": 0.4}
    cleared = call(client, "PATCH", path, {"alt_text": None}, owner.headers).json
    assert cleared["alt_text"] is None and cleared["tags"] == ["summer", "beach"]
    bad = call(client, "PATCH", path, {"focal_point": {"x": 1.5, "y": 0}}, owner.headers)
    assert bad.status_code == 422
    assert bad.json["error"]["details"][0]["field"] == "focal_point.x"
    long_tag = call(client, "PATCH", path, {"tags": ["x" * 41]}, owner.headers)
    assert long_tag.json["error"]["details"][0]["field"] == "tags"


def test_the_library_is_searched_by_tag_and_paged(client):
    owner = signup(client)
    items = [uploaded(client, owner, image_bytes("PNG", (40 + i, 40))) for i in range(4)]
    call(
        client,
        "PATCH",
        media_path(owner, f"/{items[2]['id']}"),
        {"tags": ["launch"]},
        owner.headers,
    )
    found = call(client, "GET", media_path(owner, "?tag=%23Launch"), None, owner.headers).json
    assert [i["id"] for i in found["items"]] == [items[2]["id"]]
    first = call(client, "GET", media_path(owner, "?limit=3"), None, owner.headers).json
    assert len(first["items"]) == 3 and first["next_cursor"]
    rest = call(client, "GET", media_path(owner, f"?limit=3&cursor={first['next_cursor']}"),
                None, owner.headers).json  # fmt: skip
    assert [i["id"] for i in first["items"] + rest["items"]] == [i["id"] for i in reversed(items)]
    videos = call(client, "GET", media_path(owner, "?kind=video"), None, owner.headers).json
    assert videos["items"] == []
    bad = call(client, "GET", media_path(owner, "?cursor=bm90IGEgY3Vyc29y"), None, owner.headers)
    assert bad.status_code == 400


def test_media_used_by_a_scheduled_post_cannot_be_deleted(client):
    owner = signup(client)
    item = uploaded(client, owner, image_bytes())
    path = media_path(owner, f"/{item['id']}")
    # What the posts code does when a post using this file is scheduled.
    store.mark_used(owner.workspace_id, item["id"], "p_scheduled")
    assert call(client, "GET", path, None, owner.headers).json["used_by"] == ["p_scheduled"]
    refused = call(client, "DELETE", path, None, owner.headers)
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "conflict"
    store.unmark_used(owner.workspace_id, item["id"], "p_scheduled")
    assert call(client, "DELETE", path, None, owner.headers).status_code == 204
    assert call(client, "GET", path, None, owner.headers).status_code == 404


def test_the_file_each_network_receives_is_previewed(client):
    owner = signup(client)
    item = uploaded(client, owner, image_bytes("JPEG", (3000, 1000)))
    path = media_path(owner, f"/{item['id']}/renditions")
    instagram = call(client, "GET", f"{path}/instagram", None, owner.headers).json
    assert instagram["is_rendition"] and instagram["width"] == 1440
    assert instagram["width"] / instagram["height"] <= 1.91
    story = call(client, "GET", f"{path}/instagram?surface=story", None, owner.headers).json
    assert story["width"] * 16 == story["height"] * 9
    x = call(client, "GET", f"{path}/x", None, owner.headers).json
    assert not x["is_rendition"]
    assert call(client, "GET", f"{path}/myspace", None, owner.headers).status_code == 404


@pytest.fixture
def loopback_allowed(monkeypatch):
    monkeypatch.setenv("SCHEDULO_ALLOW_LOOPBACK_FETCH", "1")
    # Re-read now: inside a request the Chalice test client sets the "dev" stage.
    get_settings.cache_clear()
    get_settings()
    yield
    monkeypatch.delenv("SCHEDULO_ALLOW_LOOPBACK_FETCH")
    get_settings.cache_clear()
    get_settings()


def test_an_image_is_imported_by_url(client, loopback_allowed):
    owner = signup(client)
    with serve({"/p.gif": Route(body=image_bytes("GIF", (64, 48)))}) as site:
        imported = call(client, "POST", media_path(owner, "/import"), {"url": f"{site.url}/p.gif"},
                        owner.headers)  # fmt: skip
    assert imported.status_code == 201, imported.body
    assert (imported.json["kind"], imported.json["width"]) == ("gif", 64)
    assert imported.json["source_url"] == f"{site.url}/p.gif"


def test_an_import_repeated_with_its_idempotency_key_fetches_once(client, loopback_allowed):
    owner = signup(client)
    headers = {**owner.headers, "Idempotency-Key": "import-1"}
    with serve({"/p.png": Route(body=image_bytes("PNG", (30, 30)))}) as site:
        body = {"url": f"{site.url}/p.png"}
        first = call(client, "POST", media_path(owner, "/import"), body, headers)
        again = call(client, "POST", media_path(owner, "/import"), body, headers)
        assert site.hits == ["/p.png"]
    assert first.json["id"] == again.json["id"]


def test_an_import_from_a_private_address_is_refused_naming_the_url(client):
    owner = signup(client)
    with serve({"/p.gif": Route(body=image_bytes("GIF"))}) as site:
        refused = call(client, "POST", media_path(owner, "/import"), {"url": f"{site.url}/p.gif"},
                       owner.headers)  # fmt: skip
        assert site.hits == []
    assert refused.status_code == 422
    assert refused.json["error"]["details"][0]["field"] == "url"
    assert "private or reserved" in refused.json["error"]["message"]
