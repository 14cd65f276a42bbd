"""A post's life from its page (issue 25): compose and schedule it, open it, duplicate it,
cancel the original's schedule and delete it, publish the copy now and read the published
view (when, which account, its picture, "View on X"); find it on the posts page; then the
Activity page tells it all in words, filtered by type. Screenshots at desktop and phone
width."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_bulk import connect_x
from tests.browser.test_composer import upload_image
from tests.browser.test_quality import serious_violations
from tests.support.browser import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.stack]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def snap(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"post-actions-{name}.png"), full_page=True)


def at_both_sizes(page, name: str) -> None:  # type: ignore[no-untyped-def]
    snap(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    snap(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def test_schedule_duplicate_cancel_delete_publish_now_and_read_the_activity(page, stack):
    page.set_viewport_size(DESKTOP)
    user = sign_in_page(page, stack.url, "Ada Lovelace")
    connect_x(stack.url, user)
    api = f"{stack.url}/v1/workspaces/{user.workspace_id}"
    [account] = requests.get(f"{api}/accounts", headers=user.headers, timeout=10).json()["items"]
    media_id = upload_image(stack.url, user, "bread.jpg")
    requests.patch(
        f"{api}/media/{media_id}", json={"alt_text": "Two loaves"}, headers=user.headers, timeout=10
    ).raise_for_status()

    # Compose and schedule.
    page.goto("/compose")
    form = page.get_by_role("form", name="Compose a post")
    form.get_by_role("checkbox", name="X ·").check()
    form.get_by_label("Text", exact=True).fill("Fresh sourdough at nine")
    form.get_by_role("button", name="Add bread.jpg").click()
    form.get_by_label("Schedule at a time").check()
    day = date.today() + timedelta(days=3)
    form.get_by_label("Date and time").fill(f"{day.isoformat()}T09:00")
    form.get_by_role("button", name="Schedule", exact=True).click()
    toasts = page.get_by_role("region", name="Messages")
    toasts.get_by_role("link", name="View the post").first.click()
    page.wait_for_url(re.compile(r"/posts/p_[0-9a-f]+$"))
    original = page.url.rsplit("/", 1)[-1]

    # The scheduled post: when, and what may be done with it.
    page.get_by_text("Scheduled for", exact=False).first.wait_for()
    actions = page.get_by_role("group", name="Post actions")
    assert actions.get_by_role("link", name="Edit").get_attribute("href") == (
        f"/posts/{original}/edit"
    )

    # Duplicate: a draft copy, opened at once.
    actions.get_by_role("button", name="Duplicate").click()
    toasts.get_by_text("Copy saved as a draft.").wait_for()
    page.wait_for_url(re.compile(r"/posts/p_[0-9a-f]+$"))
    copy = page.url.rsplit("/", 1)[-1]
    assert copy != original
    page.get_by_text("Not scheduled yet").wait_for()

    # The original: its schedule cancelled (back to drafts), then deleted, each confirmed.
    page.goto(f"/posts/{original}")
    page.get_by_role("button", name="Cancel schedule").click()
    page.get_by_role("alertdialog", name="Cancel the schedule?").get_by_role(
        "button", name="Move to drafts"
    ).click()
    toasts.get_by_text("Schedule cancelled: the post is back in your drafts.").wait_for()
    page.get_by_text("Not scheduled yet").wait_for()
    page.get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("alertdialog", name="Delete this post?")
    dialog.get_by_role("button", name="Delete post").click()
    page.wait_for_url("**/posts")
    toasts.get_by_text("Post deleted.").wait_for()

    # The copy, published now: the page shows the real state.
    page.goto(f"/posts/{copy}")
    page.get_by_role("button", name="Publish now").click()
    page.get_by_role("alertdialog", name="Publish this post now?").get_by_role(
        "button", name="Publish now"
    ).click()
    toasts.get_by_text("Publishing now to X.").wait_for()
    networks = page.get_by_role("list", name="Networks")
    networks.get_by_text("Published at").wait_for(timeout=30_000)
    assert page.get_by_text("Scheduled for").count() == 0
    page.locator(".post-summary").get_by_text("Published at").wait_for()
    networks.get_by_text(account["display_name"], exact=True).wait_for()
    networks.get_by_text("on X", exact=True).wait_for()
    live = networks.get_by_role("link", name="View on X")
    assert (live.get_attribute("href") or "").startswith("http")
    page.get_by_role("list", name="Media").get_by_role("img", name="Two loaves").wait_for()
    assert not serious_violations(page)
    at_both_sizes(page, "published")

    # The posts page finds it by its words.
    page.goto("/posts")
    page.get_by_role("searchbox", name="Search").fill("SOURDOUGH")
    results = page.get_by_role("list", name="Posts")
    page.wait_for_url(re.compile(r"/posts\?q=SOURDOUGH$"))
    # The list answers the search once its debounce has fired: wait for it, not for a
    # moment before it (the unfiltered list holds the same post).
    expect(results.get_by_role("link")).to_have_count(1)
    results.get_by_role("link", name="Fresh sourdough at nine").wait_for()
    snap(page, "posts-search")

    # Activity, in words, and filtered by type.
    page.goto("/settings/activity")
    log = page.get_by_role("list", name="Activity")
    handle = f"@{account['handle']}" if account.get("handle") else account["display_name"]
    log.get_by_text(f"Ada Lovelace connected X account {handle}").wait_for()
    scheduled = log.get_by_role("listitem").filter(
        has_text=re.compile(r"Ada Lovelace scheduled “Fresh sourdough at nine” for \w{3}, ")
    )
    scheduled.wait_for()
    assert scheduled.get_by_role("link", name="“Fresh sourdough at nine”").get_attribute(
        "href"
    ) == (f"/posts/{original}")
    for words in (
        "Ada Lovelace saved a draft: “Fresh sourdough at nine”",
        "Ada Lovelace cancelled “Fresh sourdough at nine”: it went back to drafts",
        "Ada Lovelace deleted “Fresh sourdough at nine”",
        "Ada Lovelace published “Fresh sourdough at nine” now on X",
    ):
        log.get_by_role("listitem").filter(has_text=words).first.wait_for()
    page.get_by_label("Type").select_option(label="Accounts")
    log.get_by_text("connected X account").wait_for()
    log.get_by_text("Fresh sourdough").first.wait_for(state="detached")
    page.get_by_label("Type").select_option(label="Posts")
    log.get_by_text("deleted “Fresh sourdough at nine”").wait_for()
    assert log.get_by_text("connected X account").count() == 0
    assert not serious_violations(page)
    at_both_sizes(page, "activity")
