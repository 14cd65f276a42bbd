"""The whole journey a new user takes, in one browser, against the running local stack:
sign up, connect sandbox X and Instagram, upload an image, compose a post with a variant per
network, schedule it 20 seconds ahead, watch it turn published on the calendar, find it in
the sandbox feed; then bulk-import a CSV and see its posts on the calendar. Every page
visited is saved as a screenshot under test-artifacts/journey-*.png."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_media import drop_file
from tests.browser.test_posts import connect
from tests.support.browser import PASSWORD
from tests.support.media_files import image_bytes
from tests.support.signup_flow import confirm_and_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.stack]


def snap(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"journey-{name}.png"), full_page=True)


def test_a_new_user_signs_up_connects_composes_publishes_and_bulk_imports(page, stack):
    # Sign up through the form, as a new user does.
    email = f"journey-{uuid.uuid4().hex[:8]}@example.com"
    page.goto("/signup")
    page.get_by_label("Your name").fill("Journey User")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password (at least 10 characters)").fill(PASSWORD)
    snap(page, "signup")
    page.get_by_role("button", name="Create account").click()
    confirm_and_sign_in(page, stack)
    page.get_by_role("heading", name="Dashboard", level=1).wait_for()
    page.get_by_text("Nothing is scheduled.").wait_for()
    snap(page, "dashboard-empty")

    # Connect X and Instagram through their consent pages (Instagram may offer several).
    connect(page, "X")
    connect(page, "Instagram")
    snap(page, "accounts")

    # Upload an image in the media library.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Media").click()
    page.get_by_role("heading", name="Media", level=1).wait_for()
    drop_file(page, image_bytes("JPEG", (1080, 1080), noise=True), "launch.jpg", "image/jpeg")
    page.get_by_role("list", name="Uploads").get_by_role("status").filter(
        has_text="Ready"
    ).wait_for()
    snap(page, "media")

    # Compose: the image, a variant per network, previews of each.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Compose").click()
    form = page.get_by_role("form", name="Compose a post")
    form.get_by_role("checkbox", name="X ·").check()
    form.get_by_role("checkbox", name="Instagram ·").check()
    form.get_by_label("Text", exact=True).fill("Journey launch https://example.com/launch")
    for network, variant in (
        ("X", "Journey launch on X"),
        ("Instagram", "Journey launch on Instagram"),
    ):
        form.get_by_role("tab", name=network).click()
        form.get_by_role("checkbox", name=f"Own text for {network}").check()
        form.get_by_role("textbox", name=f"Text for {network}").fill(variant)
    form.get_by_role("tab", name="All accounts").click()
    form.get_by_role("button", name="Add launch.jpg").click()
    form.get_by_role("article", name="Preview on X").get_by_text("Journey launch on X").wait_for()
    form.get_by_role("article", name="Preview on Instagram").get_by_role("img").wait_for()

    # Schedule 20 seconds ahead, in the browser's (and so the workspace's) time zone.
    zone = page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    due = datetime.now(ZoneInfo(zone)) + timedelta(seconds=20)
    form.get_by_label("Schedule at a time").check()
    form.get_by_label("Date and time").fill(due.strftime("%Y-%m-%dT%H:%M:%S"))
    snap(page, "compose")
    form.get_by_role("button", name="Schedule").click()
    page.wait_for_url("**/calendar?date=**")
    chip = page.get_by_role("button", name="Journey launch").first
    chip.wait_for()
    snap(page, "calendar-scheduled")

    # The scheduler emulator fires it; the calendar shows it published.
    deadline = time.monotonic() + 120
    while "status-published" not in (chip.get_attribute("class") or ""):
        assert time.monotonic() < deadline, f"still {chip.get_attribute('class')} after 2 minutes"
        time.sleep(3)
        page.reload()
        chip.wait_for()
    snap(page, "calendar-published")

    # The sandbox networks received each variant; the feed page shows them.
    sent = requests.get(f"{stack.sandbox_url}/_control/posts", timeout=10).json()
    texts = {post["network"]: post.get("text") or post.get("caption") for post in sent}
    assert texts.get("x") == "Journey launch on X", sent
    assert "Journey launch on Instagram" in str(texts.get("instagram")), sent
    page.goto(stack.sandbox_url)
    page.get_by_text("Journey launch on X").first.wait_for()
    snap(page, "sandbox-feed")

    # Bulk import a CSV and see its posts on the calendar.
    page.goto("/bulk")  # back on the app's origin (its session cookie survives the trip)
    page.get_by_role("heading", name="Bulk scheduling").wait_for()
    # The page keeps its tokens out of the test's reach (memory and an HttpOnly cookie):
    # the test reads the accounts with a session of its own.
    login = requests.post(
        f"{stack.url}/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=10
    )
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    workspace = requests.get(f"{stack.url}/v1/me", headers=headers, timeout=10).json()
    workspace_id = workspace["workspaces"][0]["id"]
    accounts = requests.get(
        f"{stack.url}/v1/workspaces/{workspace_id}/accounts", headers=headers, timeout=10
    ).json()["items"]
    x_account = next(a["id"] for a in accounts if a["network"] == "x")
    day = datetime.now(UTC) + timedelta(days=2)
    csv = (
        "date,time,timezone,accounts,text\n"
        f"{day:%Y-%m-%d},09:00,UTC,{x_account},Bulk morning post\n"
        f"{day:%Y-%m-%d},15:00,UTC,{x_account},Bulk afternoon post\n"
    )
    page.get_by_label("Choose a CSV file").set_input_files(
        {"name": "journey.csv", "mimeType": "text/csv", "buffer": csv.encode()}
    )
    page.get_by_text("2 rows (schedulo): 2 ready").wait_for()
    snap(page, "bulk-validated")
    page.get_by_role("button", name="Schedule 2 posts").click()
    page.get_by_role("heading", name="Scheduled: 2 posts").wait_for(timeout=60_000)
    snap(page, "bulk-done")
    page.goto(f"/calendar?date={day:%Y-%m-%d}")
    for text in ("Bulk morning post", "Bulk afternoon post"):
        page.get_by_role("button", name=text).first.wait_for()
    snap(page, "calendar-bulk")
