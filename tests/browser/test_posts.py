"""Composing and scheduling in the web app: counters per network, the calendar, drag and
drop to reschedule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import requests

from tests.support.browser import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.stack]


def connect(page, network_name: str) -> None:
    """Connect one sandbox account of a network through its consent page."""
    page.goto("/accounts")
    page.get_by_role("button", name=f"Connect {network_name}").click()
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url("**/accounts?**")
    if "choose=" in page.url:
        chooser = page.get_by_role("form", name="Choose accounts to add")
        chooser.get_by_role("checkbox").first.check()
        chooser.get_by_role("button", name="Add 1 selected").click()
        chooser.wait_for(state="detached")
    page.get_by_role("list", name="Connected accounts").get_by_text(network_name).first.wait_for()


def test_compose_for_two_networks_schedule_and_drag_to_another_day(page, stack):
    user = sign_in_page(page, stack.url, "Composer")
    connect(page, "X")
    connect(page, "LinkedIn")

    page.get_by_role("link", name="Compose").click()
    form = page.get_by_role("form", name="Compose a post")
    form.get_by_role("checkbox", name="X ·").check()
    form.get_by_role("checkbox", name="LinkedIn ·").check()

    # Past 280 weighted characters the X counter turns red; LinkedIn's (3,000) does not.
    text = form.get_by_label("Text", exact=True)
    text.fill("日本" * 70 + "!")  # 140 CJK characters weigh 280, the "!" one more
    x_counter = form.get_by_label("X: 281 of 280")
    x_counter.wait_for()
    assert "over" in (x_counter.get_attribute("class") or "")
    assert "over" not in (form.get_by_label("LinkedIn: 141 of 3000").get_attribute("class") or "")
    text.fill("Launch day 🚀 https://example.com/launch")
    form.get_by_label("X: 37 of 280").wait_for()

    # A variant for LinkedIn, in its own tab.
    form.get_by_role("tab", name="LinkedIn").click()
    form.get_by_role("checkbox", name="Own text for LinkedIn").check()
    form.get_by_role("textbox", name="Text for LinkedIn").fill(
        "Launch day: today we ship the new scheduler, in more words."
    )
    form.get_by_role("tab", name="All accounts").click()

    day = (date.today().replace(day=1) + timedelta(days=45)).replace(day=15)
    form.get_by_label("Schedule at a time").check()
    form.get_by_label("Date and time").fill(f"{day.isoformat()}T09:30")
    form.get_by_role("button", name="Schedule").click()

    # The composer hands over to the calendar, on the post's month.
    page.wait_for_url("**/calendar?date=**")
    cell = page.locator(f'[role="gridcell"][data-day="{day.isoformat()}"]')
    chip = cell.get_by_role("button", name="Launch day")
    chip.wait_for()
    target_day = day + timedelta(days=1)
    target_cell = page.locator(f'[role="gridcell"][data-day="{target_day.isoformat()}"]')
    chip.drag_to(target_cell)
    page.get_by_role("status").get_by_text("Moved to").wait_for()
    target_cell.get_by_role("button", name="Launch day").wait_for()

    posts = requests.get(
        f"{stack.url}/v1/workspaces/{user.workspace_id}/posts",
        params={"from": day.isoformat(), "to": (day + timedelta(days=3)).isoformat()},
        headers=user.headers,
        timeout=10,
    ).json()["items"]
    (post,) = posts
    assert post["version"] == 2 and post["status"] == "scheduled"
    targets = {t["network"]: t for t in post["targets"]}
    assert set(targets) == {"x", "linkedin"}
    assert targets["x"]["text"] is None  # X takes the post's text
    assert targets["linkedin"]["text"].startswith("Launch day: today")
    assert post["scheduled_at"].startswith(target_day.isoformat())
