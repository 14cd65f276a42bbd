"""Signing in with Google through the sandbox's OpenID provider, as a browser would:
start at the API, approve on the sandbox's consent page, come back to the callback with
the browser's cookie."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from chalice.test import Client

from tests.support.factories import call


@dataclass
class GoogleConsent:
    code: str
    state: str
    cookie: str  # the browser's sign-in cookie (name=value)


def google_consent(
    client: Client,
    email: str,
    verified: bool = True,
    name: str = "Gina Google",
    redirect_to: str | None = None,
) -> GoogleConsent:
    started = call(
        client,
        "POST",
        "/v1/auth/oidc/google/start",
        {"redirect_to": redirect_to} if redirect_to else {},
    )
    assert started.status_code == 200, started.body
    cookie = started.headers["Set-Cookie"].split(";", 1)[0]
    approved = requests.get(
        started.json["authorize_url"],
        params={
            "sandbox_auto_approve": "1",
            "sandbox_email": email,
            "sandbox_email_verified": "1" if verified else "0",
            "sandbox_name": name,
        },
        allow_redirects=False,
        timeout=10,
    )
    assert approved.status_code in (302, 303), approved.text[:300]
    query = parse_qs(urlsplit(approved.headers["Location"]).query)
    return GoogleConsent(query["code"][0], query["state"][0], cookie)


def google_callback(client: Client, consent: GoogleConsent, cookie: str | None = None) -> Any:
    headers = {"Cookie": cookie if cookie is not None else consent.cookie}
    return client.http.get(
        f"/v1/auth/oidc/google/callback?code={consent.code}&state={consent.state}",
        headers=headers,
    )


def refresh_token_of(response: Any) -> str:
    """The web app's session cookie the callback set."""
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("schedulo_refresh="), cookie
    return cookie.split(";", 1)[0].split("=", 1)[1]


def next_id_token(sandbox_url: str, claims: dict[str, Any] | None = None, **change: Any) -> None:
    """Change the next ID token the sandbox's provider issues."""
    answer = requests.post(
        f"{sandbox_url}/google/_control/next-id-token",
        json={"claims": claims or {}, **change},
        timeout=5,
    )
    answer.raise_for_status()
