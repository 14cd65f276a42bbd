"""Proving an address and recovering a password in the web app (issue 23): the links
are the ones SES was asked to send in the local stack."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import requests

from tests.browser.conftest import ARTIFACTS
from tests.support.browser import PASSWORD, last_emailed_link, sign_in_page, sign_up_via_api

pytestmark = [pytest.mark.browser, pytest.mark.stack]

VERIFY_LINK = re.compile(r"https?://\S+/verify-email\?token=\S+")
RESET_LINK = re.compile(r"https?://\S+/reset-password\?token=\S+")
FIREFOX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"
CHANGED = "a changed passphrase"
RESET = "a passphrase from the link"


def path_of(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


@pytest.mark.expected_console_errors("status of 422")  # the wrong current password
def test_confirm_the_email_change_the_password_then_reset_a_forgotten_one(page, stack):
    user = sign_in_page(page, stack.url, "Vera Verified", verified=False)

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


def test_see_where_you_are_signed_in_sign_one_out_and_change_your_email(page, stack):
    user, _ = sign_up_via_api(stack.url, "Sid Sessions")  # an API client's session
    page.goto(f"/login?email={user.email}")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")
    laptop = requests.post(  # another device signs in
        f"{stack.url}/v1/auth/login",
        json={"email": user.email, "password": PASSWORD},
        headers={"User-Agent": FIREFOX},
        timeout=10,
    ).json()

    # The list names each device; this browser is marked; the Firefox one is signed out.
    page.goto("/settings/account")
    sessions = page.get_by_role("region", name=re.compile("Where you.re signed in"))
    sessions.get_by_role("listitem").filter(has_text="This device").filter(
        has_text="Chrome on Linux"
    ).wait_for()
    sessions.get_by_role("listitem").filter(has_text="API client").wait_for()
    firefox = sessions.get_by_role("listitem").filter(has_text="Firefox on Linux")
    firefox.get_by_text("Last used just now").wait_for()
    page.screenshot(path=str(ARTIFACTS / "account-sessions.png"), full_page=True)
    firefox.get_by_role("button", name=re.compile("^Sign out Firefox on Linux")).click()
    dialog = page.get_by_role("alertdialog", name="Sign out Firefox on Linux?")
    dialog.get_by_role("button", name="Sign out").click()
    page.get_by_text("Firefox on Linux was signed out.").wait_for()
    firefox.wait_for(state="detached")
    gone = {"Authorization": f"Bearer {laptop['access_token']}"}
    assert requests.get(f"{stack.url}/v1/me", headers=gone, timeout=10).status_code == 401

    # Change the email: the link goes to the new address; following it moves the account.
    new_email = f"moved-{user.email}"
    form = page.get_by_role("form", name="Change your email")
    form.get_by_label("New email").fill(new_email)
    form.get_by_label("Your password").fill(PASSWORD)
    form.get_by_role("button", name="Send the link").click()
    form.get_by_role("status").filter(has_text="Check your new inbox").wait_for()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "account-settings-390.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide at 390"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{stack.sandbox_url}/mail")
    email = page.get_by_role("article").filter(has_text="Confirm your new email for Schedulo")
    email.first.get_by_text(new_email).first.wait_for()
    email.first.get_by_role("link", name=re.compile("confirm-email")).click()
    page.get_by_role("button", name="Use this email").click()
    page.get_by_text(f"Done: you now sign in as {new_email}.").wait_for()
    page.get_by_role("link", name="Back to your account").click()
    page.get_by_role("heading", name="Your account", level=1).wait_for()
    page.get_by_text(new_email, exact=True).first.wait_for()
    page.get_by_text("Confirmed", exact=True).wait_for()
