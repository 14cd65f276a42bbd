"""Uploads in the local stack take the browser's path: a presigned POST straight to the
embedded S3 (path-style URL, CORS from the template's bucket rules), then `complete`."""

from __future__ import annotations

import pytest
import requests

from tests.support.browser import sign_up_via_api
from tests.support.media_files import image_bytes

pytestmark = [pytest.mark.stack]


def signed_up(stack) -> tuple[str, dict[str, str]]:
    user, _ = sign_up_via_api(stack.url, "Media Stack")
    return user.workspace_id, user.headers


def test_a_browser_style_upload_reaches_the_embedded_s3_and_completes(stack):
    workspace, headers = signed_up(stack)
    photo = image_bytes("JPEG", (1280, 720))
    started = requests.post(
        f"{stack.url}/v1/workspaces/{workspace}/media",
        json={"filename": "city.jpg", "content_type": "image/jpeg", "size": len(photo)},
        headers=headers,
        timeout=10,
    )
    assert started.status_code == 201, started.text
    upload = started.json()["upload"]
    assert upload["url"].startswith(f"{stack.aws_url}/")  # path-style, the browser can reach it
    origin = {"Origin": stack.url}
    preflight = requests.options(
        upload["url"],
        headers={**origin, "Access-Control-Request-Method": "POST"},
        timeout=10,
    )
    assert preflight.headers.get("Access-Control-Allow-Origin") in (stack.url, "*")
    sent = requests.post(
        upload["url"],
        data=upload["fields"],
        files={"file": ("city.jpg", photo, "image/jpeg")},
        headers=origin,
        timeout=10,
    )
    assert sent.status_code == 204
    assert sent.headers.get("Access-Control-Allow-Origin") in (stack.url, "*")
    media_id = started.json()["media"]["id"]
    done = requests.post(
        f"{stack.url}/v1/workspaces/{workspace}/media/{media_id}/complete",
        headers=headers,
        timeout=30,
    )
    assert done.status_code == 200, done.text
    media = done.json()
    assert (media["status"], media["width"], media["height"]) == ("ready", 1280, 720)
    assert requests.get(media["thumbnail_url"], timeout=10).headers["Content-Type"] == "image/jpeg"
