"""Proving an address and recovering a password in the web app (issue 23): the links
are the ones SES was asked to send in the local stack."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import requests

from tests.browser.conftest import ARTIFACTS
from tests.support.browser import PASSWORD, last_emailed_link, sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.stack]

VERIFY_LINK = re.compile(r"https?://\S+/verify-email\?token=\S+")
RESET_LINK = re.compile(r"https?://\S+/reset-password\?token=\S+")
CHANGED = "a changed passphrase"
RESET = "a passphrase from the link"


def path_of(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


@pytest.mark.expected_console_errors("status of 422")  # the wrong current password
def test_confirm_the_email_change_the_password_then_reset_a_forgotten_one(page, stack):
    user = sign_in_page(page, stack.url, "Vera Verified")

    # The account page says the address is not confirmed; the emailed link confirms it.
    page.goto("/settings/account")
    page.get_by_role("heading", name="Your account", level=1).wait_for()
    page.get_by_text("Not confirmed yet").wait_for()
    page.get_by_role("button", name="Send the link again").click()
    page.get_by_role("status").filter(has_text=user.email).wait_for()
    page.goto(path_of(last_emailed_link(stack.aws_url, user.email, VERIFY_LINK)))
    page.get_by_role("button", name="Confirm my email").click()
    page.get_by_text(f"Thank you: {user.email} is confirmed.").wait_for()
    page.screenshot(path=str(ARTIFACTS / "verify-email.png"))
    page.get_by_role("link", name="Go to your dashboard").click()
    page.goto("/settings/account")
    page.get_by_text("Confirmed", exact=True).wait_for()

    # Change the password: a wrong current one is named at its field.
    form = page.get_by_role("form", name="Change your password")
    form.get_by_label("Current password").fill("not my password")
    form.get_by_label("New password").fill(CHANGED)
    form.get_by_role("button", name="Change password").click()
    form.get_by_text("is not your current password").wait_for()
    form.get_by_label("Current password").fill(PASSWORD)
    form.get_by_role("button", name="Change password").click()
    page.get_by_text("Password changed. Every other device was signed out.").wait_for()
    page.screenshot(path=str(ARTIFACTS / "account-settings.png"), full_page=True)
    page.reload()  # the session continues on the new tokens
    page.get_by_role("heading", name="Your account", level=1).wait_for()
    assert requests.get(f"{stack.url}/v1/me", headers=user.headers, timeout=10).status_code == 401

    # Forgotten: ask for a link from the sign-in page, choose a new password, sign in.
    page.context.clear_cookies()
    page.goto(f"/login?email={user.email}")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_role("heading", name="Reset your password").wait_for()
    page.get_by_label("Email").fill(user.email)
    page.get_by_role("button", name="Send the link").click()
    page.get_by_role("status").filter(has_text="a link to reset its password").wait_for()
    # The local Mail page (make dev's sandbox) shows the email with its link to follow.
    page.goto(f"{stack.sandbox_url}/mail")
    email = page.get_by_role("article").filter(has_text="Reset your Schedulo password").first
    email.get_by_text(user.email).first.wait_for()
    email.get_by_role("link", name=re.compile("reset-password")).click()
    page.get_by_label("New password", exact=True).fill(RESET)
    page.get_by_label("New password again").fill(RESET)
    page.get_by_role("button", name="Save the new password").click()
    page.get_by_text("Your password is changed, and every device was signed out.").wait_for()
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(RESET)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")
