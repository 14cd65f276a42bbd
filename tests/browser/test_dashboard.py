"""A new user's first steps: the checklist, connecting, a failure, and a bulk import."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_quality import serious_violations
from tests.support.browser import overflow, sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.stack]

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def snap(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)


def failed_post_in_the_past(stack, user, account_id: str) -> str:  # type: ignore[no-untyped-def]
    """Publish now on X while X refuses it (duplicate content): a failure, once it is past."""
    requests.post(
        f"{stack.sandbox_url}/_control/faults",
        json={"network": "x", "kind": "duplicate", "count": 1},
        timeout=5,
    ).raise_for_status()
    created = requests.post(
        f"{stack.url}/v1/workspaces/{user.workspace_id}/posts",
        json={"text": "Our winter menu is here", "targets": [{"account_id": account_id}],
              "when": {"now": True}},
        headers=user.headers,
        timeout=10,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    post_id = created.json()["id"]
    deadline = time.monotonic() + 30
    while True:  # the publisher runs in the stack: wait for its outcome
        post = requests.get(
            f"{stack.url}/v1/workspaces/{user.workspace_id}/posts/{post_id}",
            headers=user.headers,
            timeout=10,
        ).json()
        if post["status"] == "failed":
            return post_id
        assert time.monotonic() < deadline, post
        time.sleep(0.1)


def test_a_new_user_follows_the_checklist_sees_a_past_failure_and_imports_a_file(page, stack):
    page.set_viewport_size(DESKTOP)
    user = sign_in_page(page, stack.url, "Dana Bakery")

    # A new workspace: the checklist, and no account yet.
    checklist = page.get_by_role("region", name="Get started with Schedulo")
    checklist.get_by_text("0 of 4 done").wait_for()
    steps = checklist.get_by_role("list", name="Getting started")
    assert steps.get_by_text("Connect an account (to do)").count() == 1
    connect_first = page.get_by_role("link", name="Connect your first account")
    connect_first.wait_for()
    assert page.get_by_text("Every account is connected").count() == 0
    assert page.get_by_role("heading", name="System status").count() == 0
    assert serious_violations(page) == []
    snap(page, "new-desktop")
    page.set_viewport_size(PHONE)
    checklist.get_by_text("0 of 4 done").wait_for()
    assert overflow(page) == 0
    snap(page, "new-phone")
    page.set_viewport_size(DESKTOP)

    # Connect X from the dashboard's link, through X's consent page.
    connect_first.click()
    page.get_by_role("heading", name="Accounts", level=1).wait_for()
    page.get_by_role("button", name="Connect X").click()
    page.get_by_role("button", name="Authorize").click()
    page.get_by_role("status").get_by_text("Connected 1 account").wait_for()

    # Facebook offers pages: leaving the choice keeps it under "Finish connecting".
    page.get_by_role("button", name="Connect Facebook").click()
    page.get_by_role("button", name="Authorize").click()
    chooser = page.get_by_role("form", name="Choose accounts to add")
    chooser.wait_for()
    chooser.get_by_role("button", name="Not now").click()
    finish = page.get_by_role("button", name="Finish connecting Facebook")
    finish.wait_for()
    page.reload()
    finish.wait_for()  # still there after a reload: resumable until it expires
    snap(page, "accounts-desktop")
    page.set_viewport_size(PHONE)
    assert overflow(page) == 0
    snap(page, "accounts-phone")
    page.set_viewport_size(DESKTOP)
    finish.click()
    chooser.get_by_role("checkbox").first.check()
    chooser.get_by_role("button", name="Add 1 selected").click()
    chooser.wait_for(state="detached")
    page.get_by_role("button", name="Finish connecting Facebook").wait_for(state="detached")
    accounts = page.get_by_role("list", name="Connected accounts")
    accounts.get_by_role("listitem").nth(1).wait_for()
    x_account = requests.get(
        f"{stack.url}/v1/workspaces/{user.workspace_id}/accounts", headers=user.headers, timeout=10
    ).json()["items"]
    [x] = [a for a in x_account if a["network"] == "x"]

    # A post that failed a moment ago is under Failed, with X's reason.
    failed_post_in_the_past(stack, user, x["id"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    failed = page.get_by_role("region", name="Failed")
    failed.get_by_role("link", name="Our winter menu is here").wait_for()
    assert "duplicate" in failed.inner_text().lower()
    checklist.get_by_text("2 of 4 done").wait_for()  # an account, and a post (the failed one)
    assert steps.get_by_text("Connect an account (done)").count() == 1
    assert steps.get_by_text("Write your first post (done)").count() == 1
    assert steps.get_by_text("Invite a teammate (to do)").count() == 1
    assert page.get_by_role("link", name="Connect your first account").count() == 0
    page.get_by_text("All 2 accounts are connected.").wait_for()
    snap(page, "after-desktop")
    page.set_viewport_size(PHONE)
    failed.get_by_role("link", name="Our winter menu is here").wait_for()
    assert overflow(page) == 0
    snap(page, "after-phone")
    page.set_viewport_size(DESKTOP)

    # Bulk: an impossible date is flagged although its time is wrong too; the summary
    # names the account, not its internal id; the page fits a 1,366 px window.
    soon = datetime.now(UTC) + timedelta(days=3)
    year = soon.year + 1
    x_id = x["id"]
    long_text = "Fresh sourdough every morning, croissants on Saturdays " * 3
    csv = (
        "date,time,timezone,accounts,text,first_comment\n"
        f'{soon:%Y-%m-%d},09:00,UTC,{x_id},"{long_text}",Come and see us\n'
        f"{year}-12-32,25:00,UTC,{x_id},A day that does not exist,\n"
        f"{soon:%Y-%m-%d},11:00,UTC,{x_id},Second post,\n"
    )
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Bulk").click()
    page.get_by_role("heading", name="Bulk scheduling").wait_for()
    page.get_by_label("Choose a CSV file").set_input_files(
        {"name": "week.csv", "mimeType": "text/csv", "buffer": csv.encode()}
    )
    page.get_by_role("heading", name="3 rows (schedulo): 2 ready, 1 with problems").wait_for()
    bad = page.locator("tr[data-row='3']")
    assert bad.locator("td[data-column='date']").get_attribute("class") == "cell-error"
    assert bad.locator("td[data-column='time']").get_attribute("class") == "cell-error"
    assert "not a real date" in bad.inner_text()
    page.get_by_label("Skip the 1 row with problems").wait_for()
    by_account = page.get_by_role("table", name="Posts by account")
    assert "x:" not in by_account.inner_text()
    by_account.get_by_text("· X").wait_for()
    assert overflow(page) == 0
    problems = page.get_by_role("columnheader", name="Problems").bounding_box()
    assert problems is not None and problems["x"] + problems["width"] <= DESKTOP["width"]
    scroller = page.locator(".bulk-table-scroll")
    assert scroller.evaluate("el => el.scrollWidth - el.clientWidth") == 0
    assert serious_violations(page) == []
    snap(page, "bulk-desktop")
    page.set_viewport_size(PHONE)
    assert overflow(page) == 0
    snap(page, "bulk-phone")
