"""Continue with Google (issue 23) in the web app, through the sandbox's OpenID provider
and its consent page, as a person signs in locally."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.stack]


# The first page load has no session (401); the refused sign-in is a 400 page.
@pytest.mark.expected_console_errors("status of 401", "status of 400")
def test_continue_with_google_creates_a_verified_account_and_signs_in(page, stack):
    email = f"google-{uuid.uuid4().hex[:10]}@example.com"
    page.goto("/signup?next=/settings/account")
    page.get_by_role("button", name="Continue with Google").click()

    # The sandbox's consent page: who to sign in as, and whether Google verified it.
    page.get_by_role("heading", name="Sign in with Google (sandbox)").wait_for()
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Name").fill("Gina Google")
    page.get_by_label("Email verified by Google").check()
    page.screenshot(path=str(ARTIFACTS / "google-consent.png"))
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/settings/account")
    page.get_by_role("heading", name="Your account", level=1).wait_for()
    page.get_by_text(email, exact=True).first.wait_for()
    page.get_by_text("Confirmed", exact=True).wait_for()

    # Signed out, the same Google account signs in again, and a refusal is explained.
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_role("button", name="Continue with Google").click()
    page.get_by_role("heading", name="Sign in with Google (sandbox)").wait_for()
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Email verified by Google").uncheck()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("alert").filter(has_text=f"Google has not verified {email}").wait_for()
    page.get_by_role("link", name="Back to sign in").click()
    page.get_by_role("alert").filter(has_text="Google has not verified").wait_for()
    page.get_by_role("button", name="Continue with Google").click()
    page.get_by_role("heading", name="Sign in with Google (sandbox)").wait_for()
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/dashboard")
    accounts = requests.post(
        f"{stack.url}/v1/auth/login", json={"email": email, "password": "x" * 12}, timeout=10
    )
    assert accounts.status_code == 401  # no password: Google is the way in
