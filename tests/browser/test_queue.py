"""The Queue page as a shop owner in New York uses it from a browser in Paris: the connected
account's posting times are the workspace's local times, labelled; a time is added on the
page; two queued posts are reordered by dragging one onto the other."""

from __future__ import annotations

import re

import pytest
import requests

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_bulk import connect_x
from tests.browser.test_quality import serious_violations
from tests.support.browser import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.stack]

ZONE = "America/New_York"


@pytest.fixture
def paris_page(browser, stack):
    """A page whose browser is in Paris (not the workspace's zone), console errors failing."""
    context = browser.new_context(
        base_url=stack.url, viewport={"width": 1280, "height": 900}, timezone_id="Europe/Paris"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"console errors: {errors}"


def api(stack, user, method: str, path: str, body: dict | None = None) -> dict:
    response = requests.request(
        method,
        f"{stack.url}/v1/workspaces/{user.workspace_id}{path}",
        json=body,
        headers=user.headers,
        timeout=10,
    )
    assert response.ok, response.text
    return response.json()


def test_queue_times_in_the_workspace_zone_slots_edited_and_posts_dragged(paris_page, stack):
    page = paris_page
    user = sign_in_page(page, stack.url, "Queue Owner")
    api(stack, user, "PATCH", "", {"timezone": ZONE})
    account_id = connect_x(stack.url, user)
    account = api(stack, user, "GET", f"/accounts/{account_id}")
    assert account["timezone"] == ZONE

    page.goto("/queue")
    page.get_by_role("heading", name="Queue", level=1).wait_for()
    card = page.get_by_role("region", name=account["display_name"])
    # The default slots are the workspace's 09:00, 12:30 and 17:00, named in its zone.
    monday = card.get_by_role("list", name="Posting times on Monday")
    monday.get_by_text(re.compile(r"^9:00\sAM$")).wait_for()
    times = monday.locator("time").all_inner_texts()
    assert [re.sub(r"\s", " ", t) for t in times] == ["9:00 AM", "12:30 PM", "5:00 PM"]
    card.get_by_text(re.compile(r"times in America/New York \((EST|EDT)\)")).wait_for()

    # A time added on Wednesday is saved on the account at once.
    card.get_by_role("button", name="Add a time on Wednesday").click()
    card.get_by_label("New time on Wednesday").fill("08:15")
    card.get_by_role("button", name="Add", exact=True).click()
    card.get_by_text("Posting times saved.").wait_for()
    assert {"weekday": 2, "time": "08:15"} in api(stack, user, "GET", f"/accounts/{account_id}")[
        "slots"
    ]

    # Two posts queued: the first takes the earlier slot.
    for text in ("First in line", "Second in line"):
        body = {"text": text, "targets": [{"account_id": account_id}], "when": {"queue": True}}
        api(stack, user, "POST", "/posts", body)
    page.reload()
    queue = page.get_by_role("list", name=f"Queue of {account['display_name']}")
    first = queue.locator("li[data-post-id]").filter(has_text="First in line")
    second = queue.locator("li[data-post-id]").filter(has_text="Second in line")
    first.wait_for()
    # Shown in New York time and labelled so, since this browser is in Paris.
    assert re.search(r"\d{1,2}:\d\d\s[AP]M E[SD]T", first.locator("time").inner_text())
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "queue-desktop.png"), full_page=True)
    assert not serious_violations(page)

    second.drag_to(first)
    page.get_by_role("status").filter(has_text="Moved “Second in line”").wait_for()
    queue.locator("li[data-post-id]").first.filter(has_text="Second in line").wait_for()
    page.get_by_text("Saving the new order…").wait_for(state="detached")
    listed = api(stack, user, "GET", f"/posts?account_id={account_id}&status=scheduled")["items"]
    assert [p["text"] for p in listed] == ["Second in line", "First in line"]

    page.set_viewport_size({"width": 390, "height": 844})
    queue.locator("li[data-post-id]").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "queue-phone-390.png"), full_page=True)
