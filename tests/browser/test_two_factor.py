"""Two-factor sign-in in the web app (issue 23): turn it on from Your account by the QR
code's key, keep the recovery codes, then sign in with the password and a code."""

from __future__ import annotations

import time

import pytest

from chalicelib.auth import totp
from tests.browser.conftest import ARTIFACTS
from tests.support.browser import PASSWORD, sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.stack]


@pytest.mark.expected_console_errors("status of 401")  # the signed-out page load
def test_turn_on_two_factor_then_sign_in_with_a_recovery_code(page, stack):
    user = sign_in_page(page, stack.url, "Tess Totp")
    page.goto("/settings/account")
    panel = page.get_by_role("region", name="Two-factor sign-in")
    panel.get_by_role("button", name="Turn on two-factor sign-in").click()
    panel.get_by_role("img", name="QR code to add Schedulo to your authenticator app").wait_for()
    secret = panel.get_by_test_id("totp-secret").inner_text()
    # The stack reads this machine's clock; it accepts the step either side of its own.
    panel.get_by_label("Code from your app").fill(totp.code_at(secret, totp.step_of(time.time())))
    panel.get_by_role("button", name="Confirm and turn on").click()
    codes = page.get_by_role("region", name="Your recovery codes")
    codes.wait_for()
    recovery = codes.locator("code").all_inner_texts()
    assert len(recovery) == 10
    panel.get_by_text("10 recovery codes left").wait_for()
    page.screenshot(path=str(ARTIFACTS / "two-factor-on.png"), full_page=True)

    page.context.clear_cookies()
    page.goto(f"/login?email={user.email}")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Enter your code").wait_for()
    page.get_by_role("textbox", name="Code").fill(recovery[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/dashboard")
    page.goto("/settings/account")
    page.get_by_role("region", name="Two-factor sign-in").get_by_text(
        "9 recovery codes left"
    ).wait_for()
