"""Signing in a browser page quickly: sign up through the API, then hand the session to
the browser the way the web app keeps it (the refresh token in its HttpOnly cookie; the
app asks /v1/auth/refresh for an access token when the page loads), so a test starts on a
signed-in page."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from typing import Any

import requests

PASSWORD = "correct horse battery staple"
ACCEPT_LINK = re.compile(r"https?://\S+/invitations/\S+")


@dataclass(frozen=True)
class BrowserUser:
    email: str
    name: str
    password: str
    user_id: str
    workspace_id: str
    access_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def sign_up_via_api(
    base_url: str, name: str = "Browser User", email: str | None = None, verified: bool = True
) -> tuple[BrowserUser, dict[str, str]]:
    """A new user of the stack at `base_url`, their address verified through the emailed
    link (unverified users cannot invite or connect accounts) unless `verified=False`."""
    email = email or f"browser-{uuid.uuid4().hex[:10]}@example.com"
    response = requests.post(
        f"{base_url}/v1/auth/signup",
        json={"email": email, "password": PASSWORD, "name": name},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    email = email.strip().lower()
    if verified:
        verify_email_via_api(base_url, email)
    user = BrowserUser(
        email=email,
        name=name,
        password=PASSWORD,
        user_id=body["user"]["id"],
        workspace_id=body["workspace"]["id"],
        access_token=body["access_token"],
    )
    tokens = {"access_token": body["access_token"], "refresh_token": body["refresh_token"]}
    return user, tokens


def verify_email_via_api(base_url: str, email: str) -> None:
    """Follow the verification link the stack emailed to `email`."""
    from urllib.parse import parse_qs, urlsplit

    from tests.support.stack import RUNNING

    stack = RUNNING.get(base_url)
    assert stack is not None, f"no stack of this process runs at {base_url}"
    link = None
    for _ in range(50):  # the log line is written as the sign-up answers; a moment at most
        link = stack.emailed_link(email, "verify_email")
        if link:
            break
        time.sleep(0.05)
    assert link, f"the stack logged no verification email to {email}"
    token = parse_qs(urlsplit(link).query)["token"][0]
    confirmed = requests.post(
        f"{base_url}/v1/auth/email-verification/confirm", json={"token": token}, timeout=10
    )
    confirmed.raise_for_status()


SESSION_COOKIE = "schedulo_refresh"


def give_session(page: Any, base_url: str, refresh_token: str) -> None:
    """Put a refresh token in the browser's cookie jar as the API would set it."""
    page.context.add_cookies(
        [
            {
                "name": SESSION_COOKIE,
                "value": refresh_token,
                "domain": base_url.split("://", 1)[1].split(":", 1)[0],
                "path": "/v1/auth",
                "httpOnly": True,
                "secure": True,
                "sameSite": "Strict",
            }
        ]
    )


def sign_in_page(
    page: Any, base_url: str, name: str = "Browser User", verified: bool = True
) -> BrowserUser:
    """A new user, signed in on `page` (which is left on the dashboard)."""
    user, tokens = sign_up_via_api(base_url, name, verified=verified)
    give_session(page, base_url, tokens["refresh_token"])
    # Wait for the page to trade the cookie: leaving the page while that refresh is in
    # flight could lose the rotated token, and spending the old one again ends the session.
    with page.expect_response("**/v1/auth/refresh"):
        page.goto("/dashboard")
    return user


def last_accept_link(aws_url: str, to: str) -> str:
    """The accept link of the last invitation SES sent to `to` in the local stack."""
    return last_emailed_link(aws_url, to, ACCEPT_LINK)


def last_emailed_link(aws_url: str, to: str, link: re.Pattern[str]) -> str:
    """`link` in the last email to `to` that has one (SES's record in the local stack):
    another email, such as a sign-up's verification, may have come since."""
    data = requests.get(f"{aws_url}/moto-api/data.json", timeout=30).json()
    from tests.support.mail import parse_mime, text_part

    bodies = [
        text_part(parse_mime(m["raw_data"]))
        for m in data.get("ses", {}).get("RawMessage", [])
        if to in m.get("destinations", [])
    ]
    assert bodies, f"SES sent nothing to {to}"
    match = next(filter(None, map(link.search, reversed(bodies))), None)
    assert match, bodies
    return match.group(0)


def overflow(page: Any, settle_ms: int = 5000) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling), once
    the layout has settled: after a resize, charts measure their box on the next
    ResizeObserver round and keep the old width until then."""
    import contextlib

    from playwright.sync_api import TimeoutError as StillWider

    script = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    with contextlib.suppress(StillWider):  # the figure below says by how much
        page.wait_for_function(f"({script})() <= 0", timeout=settle_ms)
    return int(page.evaluate(script))
