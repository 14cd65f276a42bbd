"""Email preferences in the web app (issue 23): Settings > Notifications (security cannot
be turned off; a daily digest chosen), the digest read on the sandbox's Mail page, and its
unsubscribe link followed to the confirmation page, which turns the digest off."""

from __future__ import annotations

import re

import pytest
import requests

from tests.browser.conftest import ARTIFACTS
from tests.support.browser import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.stack]


def test_choose_a_daily_digest_then_unsubscribe_from_the_mail_page(page, stack):
    user = sign_in_page(page, stack.url, "Nora Notify")
    page.goto("/settings/notifications")
    page.get_by_role("heading", name="Notifications", level=1).wait_for()
    security = page.get_by_role("checkbox", name="Security")
    assert security.is_checked() and security.is_disabled()
    page.get_by_text("These cannot be turned off.").wait_for()
    page.get_by_role("radio", name="Daily").check()
    page.get_by_role("button", name="Save preferences").click()
    page.get_by_text(re.compile(r"Saved\. The next digest comes .+")).wait_for()
    page.screenshot(path=str(ARTIFACTS / "notification-preferences.png"), full_page=True)

    # What the scheduler emulator does at 08:00 in the user's zone, now.
    sent = requests.post(
        f"{stack.url}/_local/email/digest-now",
        json={"workspace_id": user.workspace_id, "user_id": user.user_id},
        timeout=30,
    )
    assert sent.status_code == 200 and sent.json()["sent"] is True, sent.text

    page.goto(f"{stack.sandbox_url}/mail")
    email = page.get_by_role("article").filter(has_text="Your daily digest").first
    email.get_by_text("List-Unsubscribe-Post: List-Unsubscribe=One-Click").wait_for()
    assert (
        email.frame_locator("iframe").get_by_role("heading", level=2, name="Coming up").count() == 1
    )
    email.get_by_role("link", name=re.compile(r"\d.unsubscribe\?token=")).click()

    page.get_by_role("heading", name="Unsubscribe").wait_for()
    page.get_by_role("button", name="Unsubscribe from the digest").click()
    page.get_by_role("status").filter(has_text="is unsubscribed from the digest").wait_for()
    page.get_by_role("link", name="Change your notification settings").click()
    page.get_by_role("heading", name="Notifications", level=1).wait_for()
    assert page.get_by_role("radio", name="Off").is_checked()
