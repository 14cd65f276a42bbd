"""Fingers at 390 px (issue 25): on a touch screen a post is held, then slid to another hour
of the calendar's day view, and a queued post is picked up by its grip and dropped on
another, as real touches (Chromium's touch input through CDP, so the page gets touch and
pointer events as from a phone); the buttons and keys stay for everyone else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_bulk import connect_x
from tests.support.browser import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.stack]

ZONE = "America/New_York"


@pytest.fixture
def phone(browser, stack):
    """A touch screen 390 px wide; console errors fail the test."""
    context = browser.new_context(
        base_url=stack.url, viewport={"width": 390, "height": 844}, has_touch=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page, context.new_cdp_session(page)
    context.close()
    assert not errors, f"console errors: {errors}"


def centre(locator) -> dict[str, float]:  # type: ignore[no-untyped-def]
    box = locator.bounding_box()
    assert box, "not on screen"
    return {"x": box["x"] + box["width"] / 2, "y": box["y"] + box["height"] / 2}


def touch(cdp, kind: str, point: dict[str, float] | None = None) -> None:  # type: ignore[no-untyped-def]
    cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [point] if point else []})


def slide(cdp, start: dict[str, float], end: dict[str, float]) -> None:  # type: ignore[no-untyped-def]
    for step in range(1, 6):  # a finger moves through the places between
        f = step / 5
        at = {
            "x": start["x"] + (end["x"] - start["x"]) * f,
            "y": start["y"] + (end["y"] - start["y"]) * f,
        }
        touch(cdp, "touchMove", at)


def test_a_finger_moves_a_post_on_the_calendar_and_reorders_the_queue(phone, stack):
    page, cdp = phone
    user = sign_in_page(page, stack.url, "Touch User")
    base = f"{stack.url}/v1/workspaces/{user.workspace_id}"
    requests.patch(
        base, json={"timezone": ZONE}, headers=user.headers, timeout=10
    ).raise_for_status()
    account = connect_x(stack.url, user)
    day = datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=2)

    def create(text: str, when: dict) -> dict:
        body = {"text": text, "targets": [{"account_id": account}], "when": when}
        answer = requests.post(f"{base}/posts", json=body, headers=user.headers, timeout=10)
        answer.raise_for_status()
        return answer.json()

    offer = create("Fresh croissants at ten", {"at": f"{day}T10:00:00", "timezone": ZONE})

    # The calendar: a phone opens on the day view. Hold the chip, slide it to noon, lift.
    page.goto(f"/calendar?date={day}")
    page.get_by_text("on a touch screen, hold it first").wait_for()
    chip = page.locator(f'[data-day="{day}"][data-hour="10"]').get_by_role(
        "button", name="Fresh croissants"
    )
    chip.scroll_into_view_if_needed()
    noon = page.locator(f'[role="gridcell"][data-day="{day}"][data-hour="12"]')
    start, end = centre(chip), centre(noon)
    touch(cdp, "touchStart", start)
    page.get_by_role("status").get_by_text("Moving “Fresh croissants at ten”").wait_for()
    slide(cdp, start, end)
    assert "drop-over" in (noon.get_attribute("class") or "")
    page.screenshot(path=str(ARTIFACTS / "touch-drag-calendar-390.png"))
    touch(cdp, "touchEnd")
    page.get_by_role("status").get_by_text("Moved to").wait_for()
    noon.get_by_role("button", name="Fresh croissants").wait_for()
    moved = requests.get(f"{base}/posts/{offer['id']}", headers=user.headers, timeout=10).json()
    at_noon = datetime(day.year, day.month, day.day, 12, 0, tzinfo=ZoneInfo(ZONE))
    assert moved["scheduled_at"] == at_noon.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert page.get_by_text("Moving “").count() == 0

    # The queue: two posts; the second is picked up by its grip and dropped on the first.
    for text in ("First in line", "Second in line"):
        create(text, {"queue": True})
    page.goto("/queue")
    queue = page.get_by_role("list", name="Queue of")
    first = queue.locator("li[data-post-id]").filter(has_text="First in line")
    second = queue.locator("li[data-post-id]").filter(has_text="Second in line")
    second.wait_for()
    second.scroll_into_view_if_needed()
    grip = second.locator(".queue-grip")
    start, end = centre(grip), centre(first)
    touch(cdp, "touchStart", start)
    slide(cdp, start, end)
    assert "dragging" in (second.get_attribute("class") or "").split()  # held, shown faded
    touch(cdp, "touchEnd")
    page.get_by_role("status").filter(has_text="Moved “Second in line”").wait_for()
    queue.locator("li[data-post-id]").first.filter(has_text="Second in line").wait_for()
    page.get_by_text("Saving the new order…").wait_for(state="detached")
    listed = requests.get(
        f"{base}/posts?account_id={account}&status=scheduled", headers=user.headers, timeout=10
    ).json()["items"]
    queued = [p["text"] for p in listed if p["text"] != "Fresh croissants at ten"]
    assert queued == ["Second in line", "First in line"]
    # The buttons stay: "earlier" on the (now) second post puts it back first.
    queue.get_by_role("button", name="Move “First in line” earlier").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "touch-drag-queue-390.png"), full_page=True)
