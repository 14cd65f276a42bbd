"""Content plans in the browser (issue 24): from the sandbox bakery's website and a brief to
a month of approved posts, scheduled and on the calendar."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_bulk import connect_x
from tests.browser.test_quality import serious_violations
from tests.support.browser import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.stack]


def test_a_website_and_a_brief_become_a_month_of_scheduled_posts(page, stack):
    user = sign_in_page(page, stack.url, "Plans User")
    connect_x(stack.url, user)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Content plans").click()
    page.get_by_role("heading", name="Content plans", level=1).wait_for()
    month = page.get_by_label("Month").input_value()

    # The brand profile, read from the bakery's website, checked and saved.
    page.get_by_label("Your website").fill(f"{stack.sandbox_url}/sites/bakery/")
    page.get_by_role("button", name="Read my website").click()
    profile = page.get_by_role("form", name="Brand profile")
    profile.get_by_text("written by the offline writer").wait_for(timeout=20_000)
    name = profile.get_by_label("Business name").input_value()
    assert name, "the site's business name"
    assert profile.get_by_role("list", name="Brand colours").get_by_role("listitem").count() >= 2
    avoid = profile.get_by_role("textbox", name="Words to avoid")
    avoid.fill("cheap")
    avoid.press("Enter")
    profile.get_by_role("button", name="Save profile").click()
    summary = page.get_by_role("article", name="Brand profile")
    summary.get_by_role("heading", name=name).wait_for()
    assert "cheap" in summary.inner_text()

    # The month's brief: the X account is in it already.
    page.get_by_role("radio", name="Build community").check()
    page.get_by_role("switch", name="Run a promotion this month").check()
    page.get_by_label("The promotion").fill("A free cinnamon bun with every loaf on Saturdays")
    page.get_by_role("radio", name="Playful").check()
    pillars = page.get_by_role("textbox", name="Content pillars")
    pillars.fill("Fresh bakes")
    pillars.press("Enter")
    page.get_by_role("button", name="+ Behind the scenes").click()
    assert page.get_by_role("checkbox", name=re.compile("X$")).is_checked()
    page.get_by_label("Posts a week").select_option(label="Twice a week")

    # Generate: a progress bar, then the grid of the month's items, each fitting X.
    page.get_by_role("button", name=re.compile("^Generate the ")).click()
    page.get_by_role("progressbar").wait_for()
    grid_title = page.get_by_role("heading", name=re.compile(r"^\d+ posts? for "))
    grid_title.wait_for(timeout=60_000)
    grid = page.get_by_role("region", name=grid_title.inner_text())
    assert "Written by the offline writer" in grid.inner_text()
    cards = page.get_by_role("list").filter(has=page.locator(".plan-card")).locator(":scope > li")
    total = cards.count()
    assert total >= 8, total  # twice a week over a month
    assert total == int(grid_title.inner_text().split()[0])
    for meter in page.locator(".caption-meter .caption-count").all_inner_texts():
        used, limit = (int(n) for n in meter.split("/"))
        assert used <= limit == 280, meter
    expect(page.locator(".plan-image img")).to_have_count(total)  # every item has its image

    # One item's previews, then its caption edited.
    first = cards.first
    first.get_by_role("button", name="Preview & edit").click()
    first.get_by_role("article", name="Preview on X").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    first.screenshot(path=str(ARTIFACTS / "content-plans-item.png"))
    assert not serious_violations(page)  # the whole page: steps, grid, an item's editor
    box = first.get_by_label("Caption for X")
    box.fill(box.input_value() + " See you soon!")
    first.get_by_role("button", name="Save changes").click()
    page.get_by_text("Changes saved.").wait_for()
    first.get_by_role("button", name="Close").click()

    page.screenshot(path=str(ARTIFACTS / "content-plans-desktop.png"), full_page=True)

    # Approve all: every item scheduled, on the calendar.
    page.get_by_role("button", name=f"Approve all {total}").click()
    page.get_by_role("status").filter(has_text="is scheduled").wait_for()
    assert page.locator(".plan-card-foot .status-scheduled").count() == total

    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("heading", name="Content plans", level=1).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "content-plans-phone.png"), full_page=True)
    first.get_by_role("button", name="Preview").click()  # scheduled now: read only
    first.get_by_role("article", name="Preview on X").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    first.screenshot(path=str(ARTIFACTS / "content-plans-item-phone.png"))
    page.set_viewport_size({"width": 1280, "height": 900})

    plans = requests.get(
        f"{stack.url}/v1/workspaces/{user.workspace_id}/plans",
        params={"month": month},
        headers=user.headers,
        timeout=10,
    ).json()["items"]
    items = plans[-1]["items"]
    assert all(item["status"] == "scheduled" and item["post_id"] for item in items)
    edited = next(i for i in items if i["captions"][0]["text"].endswith("See you soon!"))
    assert edited
    page.get_by_role("link", name="See on the calendar").click()
    page.get_by_role("heading", name=re.compile("Calendar")).first.wait_for()
    earliest = min(items, key=lambda item: item["slot"])
    first_words = earliest["captions"][0]["text"][:20]
    page.get_by_role("button", name=re.compile(re.escape(first_words))).first.wait_for()
