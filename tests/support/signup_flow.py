"""Finishing a sign-up in the browser (issue 23): sign-up answers "check your email"
whoever had the address, so a new person follows the emailed link, then signs in."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlsplit

from tests.support.browser import PASSWORD

SENT_TO = re.compile(r"we sent a message to (\S+?)\.(?:\s|$)")


def confirm_and_sign_in(page: Any, stack: Any, password: str = PASSWORD) -> dict[str, Any]:
    """From the "Check your email" page: follow the verification link the stack emailed,
    then sign in through the page's "Sign in" link (which keeps where sign-up was going).
    Returns the sign-in's answer."""
    page.get_by_role("heading", name="Check your email").wait_for()
    sent = SENT_TO.search(page.get_by_role("status").inner_text())
    assert sent, "the page does not say where the email went"
    email = sent.group(1)
    sign_in = page.get_by_role("link", name="Sign in").get_attribute("href")
    link = None
    for _ in range(50):
        link = stack.emailed_link(email, "verify_email")
        if link:
            break
        time.sleep(0.05)
    assert link, f"the stack logged no verification email to {email}"
    parts = urlsplit(link)
    page.goto(f"{parts.path}?{parts.query}")
    page.get_by_role("button", name="Confirm my email").click()
    page.get_by_text(f"Thank you: {email} is confirmed.").wait_for()
    page.goto(sign_in)
    page.get_by_label("Password").fill(password)
    with page.expect_response("**/v1/auth/login") as signed_in:
        page.get_by_role("button", name="Sign in").click()
    return signed_in.value.json()
