"""Bulk scheduling in the browser: drop a CSV with two bad rows, see them, skip them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.support.browser import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.stack]


def connect_x(base_url: str, user) -> str:
    """Connect the sandbox X account through the consent flow, as the browser would."""
    session = requests.Session()
    started = session.post(
        f"{base_url}/v1/workspaces/{user.workspace_id}/accounts/connect",
        json={"network": "x", "redirect_to": "/bulk"},
        headers=user.headers,
        timeout=10,
    )
    started.raise_for_status()
    approved = session.get(
        started.json()["authorize_url"],
        params={"sandbox_auto_approve": "1"},
        allow_redirects=False,
        timeout=10,
    )
    back = session.get(approved.headers["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text[:300]
    return parse_qs(urlsplit(back.headers["Location"]).query)["connected"][0].split(",")[0]


def test_a_csv_with_two_bad_rows_is_committed_without_them(page, stack):
    user = sign_in_page(page, stack.url, "Bulk User")
    account = connect_x(stack.url, user)
    soon = datetime.now(UTC) + timedelta(days=3)
    csv = (
        "date,time,timezone,accounts,text\n"
        f"{soon:%Y-%m-%d},09:00,UTC,{account},First good post\n"
        f"{soon:%Y-%m-%d},10:00,UTC,x:@nobody,Nobody has this account\n"
        f"{soon:%Y-%m-%d},11:00,UTC,{account},Second good post\n"
        f"{soon:%Y-%m-%d},12:00,UTC,{account},{'too long ' * 40}\n"
        f"{soon:%Y-%m-%d},13:00,UTC,{account},Third good post\n"
    )
    page.get_by_role("link", name="Bulk", exact=True).click()
    page.get_by_role("heading", name="Bulk scheduling").wait_for()
    page.get_by_label("Choose a CSV file").set_input_files(
        {"name": "posts.csv", "mimeType": "text/csv", "buffer": csv.encode()}
    )
    page.get_by_text("5 rows (schedulo): 3 ready, 2 with problems").wait_for()
    bad_cells = page.locator("td.cell-error")
    assert bad_cells.count() == 2
    assert page.locator("tr[data-row='3'] td[data-column='accounts']").get_attribute("class") == (
        "cell-error"
    )
    assert page.locator("tr[data-row='5'] td[data-column='text']").get_attribute("class") == (
        "cell-error"
    )
    assert "no such account" in page.locator("tr[data-row='3']").inner_text()
    assert "280" in page.locator("tr[data-row='5']").inner_text()
    page.get_by_label("Skip the 2 rows with problems").check()
    page.get_by_role("button", name="Schedule 3 posts").click()
    page.get_by_role("heading", name="Scheduled: 3 posts").wait_for(timeout=30_000)
    scheduled = page.get_by_role("table", name="Scheduled posts")
    for text in ("First good post", "Second good post", "Third good post"):
        scheduled.get_by_text(text).wait_for()
    assert "Nobody has this account" not in scheduled.inner_text()
    # and on the calendar, on the day they were scheduled
    page.goto(f"/calendar?date={soon:%Y-%m-%d}")
    for text in ("First good post", "Second good post", "Third good post"):
        page.get_by_role("button", name=text).first.wait_for()
    assert page.get_by_role("button", name="Nobody has this account").count() == 0
