"""Signing out everywhere from the web app ends the user's sessions on other devices and
the API tokens they hold."""

from __future__ import annotations

import pytest
import requests

from tests.support.browser import PASSWORD, give_session, sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.stack]


@pytest.mark.expected_console_errors("401")
def test_sign_out_everywhere_ends_the_other_devices_sessions(page, browser, stack):
    user = sign_in_page(page, stack.url, "Everywhere")
    # A second device: another browser with a session of its own.
    signed_in = requests.post(
        f"{stack.url}/v1/auth/login", json={"email": user.email, "password": PASSWORD}, timeout=10
    )
    assert signed_in.status_code == 200
    laptop = browser.new_context(base_url=stack.url).new_page()
    try:
        give_session(laptop, stack.url, signed_in.json()["refresh_token"])
        laptop.goto("/dashboard")
        laptop.get_by_role("heading", name="Dashboard", level=1).wait_for()

        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Sign out everywhere").click()
        page.wait_for_url("**/login**")

        # The other device's next page load finds its session ended...
        laptop.goto("/dashboard")
        laptop.wait_for_url("**/login**")
    finally:
        laptop.context.close()
    # ...and every access token issued before stops working.
    for token in (user.access_token, signed_in.json()["access_token"]):
        me = requests.get(
            f"{stack.url}/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert me.status_code == 401
