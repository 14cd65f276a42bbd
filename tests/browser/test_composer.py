"""The composer as a person uses it (issue 25): Schedule waits while the text is too long
for X and says why beside it; the per-account tabs answer the arrow keys; an emoji goes in
at the caret from the picker, by keyboard; an image without alt text asks for one and the
media item keeps it; the repeat picker's choices become the post's RRULE; the confirmation
names the time. Screenshots at desktop and phone width; axe-core on the filled composer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import requests

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_bulk import connect_x
from tests.browser.test_quality import serious_violations
from tests.support.browser import BrowserUser, sign_in_page
from tests.support.media_files import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.stack]


def upload_image(base_url: str, user: BrowserUser, filename: str) -> str:
    """An image in the workspace's library, uploaded as the browser does, no alt text."""
    photo = image_bytes("JPEG", (800, 600))
    media = f"{base_url}/v1/workspaces/{user.workspace_id}/media"
    started = requests.post(
        media,
        json={"filename": filename, "content_type": "image/jpeg", "size": len(photo)},
        headers=user.headers,
        timeout=10,
    )
    started.raise_for_status()
    upload = started.json()["upload"]
    sent = requests.post(
        upload["url"], data=upload["fields"], files={"file": (filename, photo)}, timeout=10
    )
    assert sent.status_code == 204, sent.text
    media_id = started.json()["media"]["id"]
    done = requests.post(f"{media}/{media_id}/complete", headers=user.headers, timeout=30)
    assert done.status_code == 200, done.text
    return media_id


def snap(page, name: str, full_page: bool = False) -> None:  # type: ignore[no-untyped-def]
    # What the window shows: the previews and the button bar stay in view as one scrolls.
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"composer-{name}.png"), full_page=full_page)


def test_composer_blocks_too_long_repeats_weekly_with_emoji_and_alt_text(page, stack):
    page.set_viewport_size({"width": 1366, "height": 900})
    user = sign_in_page(page, stack.url, "Composer Owner")
    connect_x(stack.url, user)
    media_id = upload_image(stack.url, user, "bread.jpg")

    page.goto("/compose")
    form = page.get_by_role("form", name="Compose a post")
    form.get_by_role("checkbox", name="X ·").check()
    # The first Monday at least a week ahead, so Monday is the series' own day.
    today = date.today()
    monday = today + timedelta(days=7 + (7 - today.weekday()) % 7)
    form.get_by_label("Schedule at a time").check()
    form.get_by_label("Date and time").fill(f"{monday.isoformat()}T09:00")

    # Too long for X: the button waits and says by how much, beside it.
    text = form.get_by_label("Text", exact=True)
    text.fill("a" * 292)
    schedule = form.get_by_role("button", name="Schedule", exact=True)
    reason = form.get_by_role("list", name="Before you can schedule")
    reason.get_by_text("Too long for X by 12 characters").wait_for()
    assert schedule.is_disabled()
    snap(page, "desktop-too-long")

    # The tabs: one tab stop, arrows and Home/End move and select.
    tab_all = form.get_by_role("tab", name="All accounts")
    tab_all.focus()
    page.keyboard.press("ArrowRight")
    tab_x = form.get_by_role("tab", name="X")
    assert tab_x.get_attribute("aria-selected") == "true"
    assert tab_x.evaluate("el => el === document.activeElement")
    assert tab_all.get_attribute("tabindex") == "-1"
    form.get_by_role("checkbox", name="Own text for X").wait_for()
    page.keyboard.press("Home")
    assert tab_all.get_attribute("aria-selected") == "true"

    # An emoji at the caret, by keyboard.
    text.fill("Fresh bread every Monday and Thursday")
    text.evaluate("el => el.setSelectionRange(11, 11)")  # after "Fresh bread"
    form.get_by_role("button", name="Emoji").click()
    search = form.get_by_role("searchbox", name="Search emoji")
    search.fill("croissant")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert text.input_value() == "Fresh bread🥐 every Monday and Thursday"
    assert not schedule.is_disabled()
    reason.wait_for(state="detached")

    # "Choose files" shows the keyboard's focus (its input is visually hidden).
    add = form.get_by_role("button", name="Add bread.jpg")
    add.wait_for()
    form.get_by_label("Search by tag").focus()
    page.keyboard.press("Tab")
    choose = form.get_by_test_id("drop-zone").get_by_text("Choose files")
    assert choose.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    page.keyboard.press("Tab")
    assert add.evaluate("el => el === document.activeElement")
    # Inside the card (which clips what is outside it), so the ring is seen.
    assert add.evaluate("el => getComputedStyle(el).outlineOffset") == "-7px"

    # An image without alt text: asked for right there, saved to the media item.
    page.keyboard.press("Enter")
    form.get_by_text("bread.jpg has no alt text").wait_for()
    form.get_by_text("bread.jpg has no alt text").scroll_into_view_if_needed()
    snap(page, "desktop-alt-text")
    form.get_by_role("textbox", name="Alt text for bread.jpg").fill(
        "Two loaves of sourdough on a board"
    )
    form.get_by_role("button", name="Save alt text for bread.jpg").click()
    form.get_by_role("status").get_by_text("Alt text saved for bread.jpg.").wait_for()
    media = requests.get(
        f"{stack.url}/v1/workspaces/{user.workspace_id}/media/{media_id}",
        headers=user.headers,
        timeout=10,
    ).json()
    assert media["alt_text"] == "Two loaves of sourdough on a board"

    # Every week on Monday and Thursday, 12 times.
    form.get_by_label("Repeats").select_option("weekly")
    form.get_by_role("checkbox", name="Thursday").check()
    form.get_by_role("radio", name="Ends after").check()
    form.get_by_label("Number of times").fill("12")
    form.get_by_text("Every week on Monday and Thursday, 12 times").wait_for()

    # The emoji picker open, for the screenshot and axe.
    form.get_by_role("button", name="Emoji").click()
    form.get_by_role("dialog", name="Insert an emoji").wait_for()
    assert not serious_violations(page)
    snap(page, "desktop-emoji")
    page.keyboard.press("Escape")
    form.get_by_role("dialog", name="Insert an emoji").wait_for(state="detached")
    form.get_by_text("Every week on Monday and Thursday, 12 times").scroll_into_view_if_needed()
    snap(page, "desktop-repeat")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.evaluate("window.scrollTo(0, 0)")
    snap(page, "phone-top")
    form.get_by_text("Every week on Monday and Thursday, 12 times").scroll_into_view_if_needed()
    snap(page, "phone-repeat")
    page.set_viewport_size({"width": 1366, "height": 900})

    schedule.click()
    toast = page.get_by_role("region", name="Messages").get_by_role("status")
    toast.get_by_text("Scheduled for Mon").wait_for()
    assert "every week on Monday and Thursday, 12 times" in toast.inner_text()
    page.wait_for_url("**/calendar?date=**")  # the composer still hands over to the calendar
    posts = requests.get(
        f"{stack.url}/v1/workspaces/{user.workspace_id}/posts",
        params={"from": monday.isoformat(), "to": (monday + timedelta(days=2)).isoformat()},
        headers=user.headers,
        timeout=10,
    ).json()["items"]
    assert [(p["recurrence"], p["text"], p["media_ids"]) for p in posts] == [
        ("FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12", "Fresh bread🥐 every Monday and Thursday", [media_id])
    ]
    toast.get_by_role("link", name="View the post").click()
    page.wait_for_url(f"**/posts/{posts[0]['id']}")
