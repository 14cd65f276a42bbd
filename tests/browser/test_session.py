"""The web app's session in a real browser: no token in script-readable storage, the
refresh token in an HttpOnly cookie, and a reload keeps the user signed in."""

from __future__ import annotations

import uuid

import pytest

from tests.support.browser import PASSWORD, SESSION_COOKIE
from tests.support.signup_flow import confirm_and_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.stack]

STORAGE = """() => JSON.stringify({
  local: Object.fromEntries(Object.entries(localStorage)),
  session: Object.fromEntries(Object.entries(sessionStorage)),
  cookies: document.cookie,
})"""


def session_cookies(page) -> list[dict]:  # type: ignore[no-untyped-def]
    return [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]


def test_no_token_in_storage_after_sign_up_and_a_reload_keeps_the_user_signed_in(page, stack):
    # The page is served under its Content-Security-Policy, and nothing the app does
    # breaks it (a violation is also a console error, which fails the test).
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    served = page.goto("/signup")
    assert served is not None
    assert "frame-ancestors 'none'" in served.headers["content-security-policy"]
    page.get_by_label("Your name").fill("Stored Nowhere")
    page.get_by_label("Email").fill(f"session-{uuid.uuid4().hex[:8]}@example.com")
    page.get_by_label("Password (at least 10 characters)").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    reply = confirm_and_sign_in(page, stack)
    access_token = reply["access_token"]
    assert reply["refresh_token"] is None
    page.get_by_role("heading", name="Dashboard", level=1).wait_for()

    [cookie] = session_cookies(page)
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/v1/auth"
    stored = page.evaluate(STORAGE)
    assert access_token not in stored and cookie["value"] not in stored
    assert SESSION_COOKIE not in stored and "eyJ" not in stored  # no JWT of any kind

    # A reload keeps the session: the app trades the cookie for a new access token.
    with page.expect_response("**/v1/auth/refresh") as refreshed:
        page.reload()
    assert refreshed.value.status == 200
    page.get_by_role("heading", name="Dashboard", level=1).wait_for()
    assert page.url.endswith("/dashboard")
    [rotated] = session_cookies(page)
    assert rotated["value"] != cookie["value"]  # the refresh token rotated
    stored = page.evaluate(STORAGE)
    assert rotated["value"] not in stored and "eyJ" not in stored

    # A second tab of the same browser is signed in too.
    other = page.context.new_page()
    other.goto("/dashboard")
    other.get_by_role("heading", name="Dashboard", level=1).wait_for()
    other.close()

    # Signing out clears the cookie; a reload then lands on the sign-in page.
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url("**/login**")
    assert session_cookies(page) == []
    page.goto("/dashboard")
    page.wait_for_url("**/login**")
    assert page.evaluate("window.__violations") == []
