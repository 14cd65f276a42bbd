"""Short links through `make dev`'s stack: a post published with shortening on reaches the
sandbox with a short link on the stack's own origin, which redirects to the tagged link."""

from __future__ import annotations

import re
import time
import uuid

import pytest
import requests

from tests.browser.test_bulk import connect_x
from tests.support.browser import sign_up_via_api

pytestmark = [pytest.mark.stack]


def test_a_published_short_link_redirects_through_the_stack(stack):
    user, _ = sign_up_via_api(stack.url, "Short Links")
    account = connect_x(stack.url, user)
    ws = f"{stack.url}/v1/workspaces/{user.workspace_id}"
    patched = requests.patch(
        ws, json={"link_tracking": {"shorten": True}}, headers=user.headers, timeout=10
    )
    assert patched.status_code == 200, patched.text
    base = patched.json()["short_link_base"]
    assert base == f"{stack.url}/l"  # the API's own origin unless configured
    marker = uuid.uuid4().hex[:8]
    created = requests.post(
        f"{ws}/posts",
        json={
            "text": f"Sale {marker}: https://shop.example.com/sale",
            "targets": [{"account_id": account}],
            "when": {"now": True},
        },
        headers=user.headers,
        timeout=30,
    )
    assert created.status_code == 201, created.text
    post_url = f"{ws}/posts/{created.json()['id']}"
    deadline = time.monotonic() + 20
    while requests.get(post_url, headers=user.headers, timeout=5).json()["status"] != "published":
        assert time.monotonic() < deadline, "the post was not published"
        time.sleep(0.2)
    sent = [
        post["text"]
        for post in requests.get(f"{stack.sandbox_url}/_control/posts", timeout=5).json()
        if marker in post.get("text", "")
    ]
    [code] = re.findall(re.escape(base) + r"/([0-9A-Za-z]{8})$", sent[0])
    followed = requests.get(f"{base}/{code}", allow_redirects=False, timeout=5)
    assert followed.status_code == 302
    assert followed.headers["Location"] == "https://shop.example.com/sale"
    unknown = requests.get(f"{base}/Zz9Zz9Zz", allow_redirects=False, timeout=5)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    clicks = requests.get(f"{post_url}/short-links", headers=user.headers, timeout=5).json()
    assert [item["clicks"] for item in clicks["items"]] == [1]
