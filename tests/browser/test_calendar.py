"""The calendar's week and day views: an hour grid in the workspace's time zone with today
highlighted, a post dragged to another day and hour in the week, a draft dragged from the
drafts column onto an hour (which schedules it); screenshots at desktop and phone width."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_bulk import connect_x
from tests.browser.test_quality import serious_violations
from tests.support.browser import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.stack]

ZONE = "America/New_York"


def view(page, name: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("group", name="View").get_by_role("button", name=name, exact=True)


def test_week_and_day_hour_grids_drag_a_post_and_a_draft(page, stack):
    user = sign_in_page(page, stack.url, "Calendar User")
    base = f"{stack.url}/v1/workspaces/{user.workspace_id}"
    requests.patch(
        base, json={"timezone": ZONE}, headers=user.headers, timeout=10
    ).raise_for_status()
    account = connect_x(stack.url, user)

    # Next week, as the workspace's clocks count it: always in the future.
    today = datetime.now(ZoneInfo(ZONE)).date()
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
    wednesday, thursday = monday + timedelta(days=2), monday + timedelta(days=3)

    def create(text: str, when: dict | None) -> dict:
        body = {"text": text, "media_ids": [], "targets": [{"account_id": account}]}
        if when:
            body["when"] = when
        answer = requests.post(f"{base}/posts", json=body, headers=user.headers, timeout=10)
        answer.raise_for_status()
        return answer.json()

    offer = create(
        "Weekly offer: two loaves for one", {"at": f"{wednesday}T10:15:00", "timezone": ZONE}
    )
    idea = create("Idea: behind the scenes at the bakery", None)

    # This week: an hour grid, today's column highlighted; the view visibly selected.
    page.goto("/calendar?view=week")
    view(page, "Week").and_(page.locator('[aria-pressed="true"]')).wait_for()
    head = page.locator('[role="columnheader"][aria-current="date"]')
    assert str(today.day) in head.inner_text()
    grid = page.get_by_role("grid")
    assert grid.get_by_role("rowheader").count() == 24
    assert grid.locator(f'.cal-slot.today[data-day="{today}"]').count() == 24
    page.get_by_text(f"Times in {ZONE}").wait_for()

    # Next week: the post sits at 10:00 on Wednesday; drag it to Thursday 15:00.
    page.get_by_role("button", name="Next").click()
    slot = page.locator(f'[role="gridcell"][data-day="{wednesday}"][data-hour="10"]')
    chip = slot.get_by_role("button", name="Weekly offer")
    chip.wait_for()
    target = page.locator(f'[role="gridcell"][data-day="{thursday}"][data-hour="15"]')
    chip.drag_to(target)
    page.get_by_role("status").get_by_text("Moved to").wait_for()
    target.get_by_role("button", name="Weekly offer").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "calendar_week.png"))
    assert not serious_violations(page)

    # From the keyboard: M on a focused chip opens a date and time to move it to.
    target.get_by_role("button", name="Weekly offer").focus()
    page.keyboard.press("m")
    dialog = page.get_by_role("dialog", name="Move post")
    assert dialog.get_by_label("Date").input_value() == thursday.isoformat()
    assert not serious_violations(page)
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")

    moved = requests.get(f"{base}/posts/{offer['id']}", headers=user.headers, timeout=10).json()
    expected = datetime(thursday.year, thursday.month, thursday.day, 15, 15, tzinfo=ZoneInfo(ZONE))
    assert moved["scheduled_at"] == expected.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert moved["version"] == offer["version"] + 1

    # The day view (of the day a week from today, where Next took the week): drag the draft
    # from the column onto 14:00.
    day = today + timedelta(days=7)
    view(page, "Day").click()
    view(page, "Day").and_(page.locator('[aria-pressed="true"]')).wait_for()
    hour = page.locator(f'[role="gridcell"][data-day="{day}"][data-hour="14"]')
    hour.wait_for()
    assert page.get_by_role("grid").get_by_role("gridcell").count() == 24
    card = (
        page.get_by_role("list", name="Drafts")
        .get_by_role("listitem")
        .filter(has_text="Idea: behind the scenes")
    )
    card.drag_to(hour)
    page.get_by_role("status").get_by_text("Scheduled for").wait_for()
    hour.get_by_role("button", name="Idea: behind the scenes").wait_for()
    assert page.get_by_role("list", name="Drafts").count() == 0
    page.screenshot(path=str(ARTIFACTS / "calendar_day.png"))

    scheduled = requests.get(f"{base}/posts/{idea['id']}", headers=user.headers, timeout=10).json()
    at_two = datetime(day.year, day.month, day.day, 14, 0, tzinfo=ZoneInfo(ZONE))
    assert scheduled["status"] == "scheduled"
    assert scheduled["scheduled_at"] == at_two.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert scheduled["timezone"] == ZONE

    # A phone opens on the day view, which fits its width.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/calendar?date={thursday}")
    view(page, "Day").and_(page.locator('[aria-pressed="true"]')).wait_for()
    page.locator(f'[data-day="{thursday}"][data-hour="15"]').get_by_role(
        "button", name="Weekly offer"
    ).wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide at 390"
    page.screenshot(path=str(ARTIFACTS / "calendar_phone.png"), full_page=True)
