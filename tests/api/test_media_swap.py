"""What is inspected is what is stored: an upload replaced (by re-using its presigned
POST) while or after `complete` inspects it is refused, and nothing reaches media/."""

from __future__ import annotations

import pytest
import requests

from chalicelib.aws import client as aws_client
from chalicelib.settings import get_settings
from tests.api.test_media import complete, media_path, start
from tests.support.factories import call, signup
from tests.support.media_files import image_bytes

HARMLESS = image_bytes("PNG", (640, 480))
SWAPPED = b"MZ\x90\x00" + b"\x00" * 4000  # a Windows program, not the image inspected


def upload_keeping_the_form(client, user):  # type: ignore[no-untyped-def]
    """Upload a harmless image; return its media id and the presigned POST, which stays
    valid for an hour (what an attacker re-uses to swap the object)."""
    started = start(client, user, HARMLESS, filename="cat.png", content_type="image/png")
    post = started.json["upload"]
    sent = requests.post(post["url"], data=post["fields"], files={"file": HARMLESS}, timeout=10)
    assert sent.status_code == 204
    return started.json["media"]["id"], post


def swap(post: dict) -> None:
    sent = requests.post(post["url"], data=post["fields"], files={"file": SWAPPED}, timeout=10)
    assert sent.status_code == 204


def stored_under_media(user) -> list[str]:  # type: ignore[no-untyped-def]
    listed = aws_client("s3").list_objects_v2(
        Bucket=get_settings().media_bucket, Prefix=f"media/{user.workspace_id}/"
    )
    return [obj["Key"] for obj in listed.get("Contents", [])]


@pytest.mark.parametrize("when", ["after inspection", "during inspection"])
def test_an_upload_swapped_while_complete_inspects_it_is_refused(client, monkeypatch, when):
    from chalicelib.media import library

    user = signup(client)
    media_id, post = upload_keeping_the_form(client, user)
    real_inspect = library.inspect

    def racing_inspect(source):  # type: ignore[no-untyped-def]
        if when == "during inspection":
            swap(post)
        inspection = real_inspect(source)
        if when == "after inspection":
            swap(post)
        return inspection

    monkeypatch.setattr(library, "inspect", racing_inspect)
    refused = complete(client, user, media_id)
    assert refused.status_code == 409, refused.body
    assert refused.json["error"]["code"] == "conflict"
    assert refused.json["error"]["details"] == [
        {"field": "file", "message": "the file changed after it was inspected"}
    ]
    assert stored_under_media(user) == []
    item = call(client, "GET", media_path(user, f"/{media_id}"), None, user.headers).json
    assert item["status"] != "ready"

    # Completing again inspects the file now uploaded: the program is refused.
    monkeypatch.setattr(library, "inspect", real_inspect)
    again = complete(client, user, media_id)
    assert again.status_code == 422, again.body
    assert stored_under_media(user) == []


def test_an_upload_left_alone_is_stored_byte_for_byte(client):
    user = signup(client)
    media_id, _ = upload_keeping_the_form(client, user)
    done = complete(client, user, media_id)
    assert done.status_code == 200, done.body
    assert requests.get(done.json["url"], timeout=10).content == HARMLESS
