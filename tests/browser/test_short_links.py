"""Link tracking and short links in the web app (issue 25): with UTM tags on, the composer
counts a Bluesky text with its link tagged and flags one that fits only as written; with
short links on, a long link counts as a short one, the post goes out with it, and the
post's page shows the link's clicks once a visitor follows it."""

from __future__ import annotations

import re

import pytest
import requests

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_quality import serious_violations
from tests.support.browser import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.stack]

LINK = "https://shop.example.com/sale"  # 29 characters
LONG = "https://shop.example.com/collections/spring/the-whole-sale-of-the-season?ref=home"


def test_composer_counts_links_as_sent_and_the_post_page_counts_clicks(page, stack):
    page.set_viewport_size({"width": 1366, "height": 900})
    user = sign_in_page(page, stack.url, "Link Owner")
    base = f"{stack.url}/v1/workspaces/{user.workspace_id}"
    connected = requests.post(
        f"{base}/accounts/connect",
        json={
            "network": "bluesky",
            "handle": "bakery.bsky.social",
            "app_password": "abcd-efgh-ijkl-mnop",
        },
        headers=user.headers,
        timeout=10,
    )
    assert connected.status_code == 201, connected.text

    def link_tracking(*boxes: str, said: str) -> None:
        page.goto("/settings/workspace")
        form = page.get_by_role("form", name="Link tracking")
        for box in boxes:
            form.get_by_label(box).check()
        form.get_by_role("button", name="Update link tracking").click()
        page.get_by_text(said).wait_for()

    # Tags only: 300 graphemes as written, 337 as Bluesky would get them.
    link_tracking("Tag the links of new posts", said="Links of new posts will be tagged.")
    page.goto("/compose")
    form = page.get_by_role("form", name="Compose a post")
    form.get_by_role("checkbox", name=re.compile("^Bluesky ·")).check()
    form.get_by_label("Publish now").check()
    form.get_by_label("Text", exact=True).fill("a" * 270 + " " + LINK)
    form.get_by_label("Bluesky: 337 of 300").wait_for()
    form.get_by_text("Too long for Bluesky by 37 characters").wait_for()
    form.get_by_text("Counted with links as they go out: tagged for each network (UTM).").wait_for()
    assert form.get_by_role("button", name="Publish now", exact=True).is_disabled()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "short-links-composer-desktop.png"))

    # Short links too: a long link counts as the short one and the post goes out.
    link_tracking(
        "Shorten links and count their clicks",
        said="Links of new posts will be tagged and shortened.",
    )
    short_base = requests.get(base, headers=user.headers, timeout=10).json()["short_link_base"]
    page.get_by_text(f"{short_base}/Ab12Cd34").wait_for()  # the example
    assert not serious_violations(page)
    page.screenshot(path=str(ARTIFACTS / "short-links-settings-desktop.png"), full_page=True)
    page.goto("/compose")
    form.get_by_role("checkbox", name=re.compile("^Bluesky ·")).check()
    form.get_by_label("Publish now").check()
    form.get_by_label("Text", exact=True).fill(f"Spring sale {LONG}")
    form.get_by_label(f"Bluesky: {12 + len(short_base) + 9} of 300").wait_for()
    form.get_by_role("button", name="Publish now", exact=True).click()
    page.get_by_role("link", name="View the post").click()
    clicks = page.get_by_role("region", name="Link clicks")
    clicks.wait_for()
    post_id = page.url.rsplit("/", 1)[1]

    # A visitor follows the link from Bluesky: counted on the post's page.
    [link] = requests.get(
        f"{base}/posts/{post_id}/short-links", headers=user.headers, timeout=10
    ).json()["items"]
    followed = requests.get(link["url"], allow_redirects=False, timeout=10)
    assert followed.status_code == 302
    assert followed.headers["Location"] == f"{LONG}&utm_source=bluesky&utm_medium=social"
    page.reload()
    clicks.get_by_role("cell", name="1", exact=True).wait_for()
    clicks.get_by_text(f"leads to {LONG}&utm_source=bluesky").wait_for()
    assert not serious_violations(page)
    page.screenshot(path=str(ARTIFACTS / "short-links-post-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    clicks.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "short-links-post-390.png"), full_page=True)
    page.goto("/settings/workspace")
    page.get_by_role("form", name="Link tracking").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "short-links-settings-390.png"), full_page=True)
