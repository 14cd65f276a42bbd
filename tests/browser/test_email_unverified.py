"""Until the address is verified (issue 23), the Members and Accounts pages say "Verify
your email to ..." with a button to send the link again, instead of inviting or
connecting; following the link opens both."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.support.browser import last_emailed_link, sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.stack]

VERIFY_LINK = re.compile(r"https?://\S+/verify-email\?token=\S+")


def test_verify_your_email_to_invite_and_connect(page, stack):
    user = sign_in_page(page, stack.url, "Una Unverified", verified=False)
    page.goto("/settings/members")
    notice = page.get_by_role("region", name="Verify your email")
    notice.get_by_text("Verify your email to invite people.").wait_for()
    assert page.get_by_role("form", name="Invite someone").count() == 0
    notice.get_by_role("button", name="Send the link again").click()
    notice.get_by_role("status").filter(has_text=user.email).wait_for()
    page.screenshot(path=str(ARTIFACTS / "verify-to-invite.png"), full_page=True)
    page.goto("/accounts")
    page.get_by_text("Verify your email to connect accounts.").wait_for()
    assert page.get_by_role("list", name="Networks").count() == 0

    link = last_emailed_link(stack.aws_url, user.email, VERIFY_LINK)
    parts = urlsplit(link)
    page.goto(f"{parts.path}?{parts.query}")
    page.get_by_role("button", name="Confirm my email").click()
    page.get_by_text(f"Thank you: {user.email} is confirmed.").wait_for()
    page.goto("/settings/members")
    page.get_by_role("form", name="Invite someone").wait_for()
    page.goto("/accounts")
    page.get_by_role("list", name="Networks").wait_for()
