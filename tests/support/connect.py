"""Connecting sandbox accounts through the real consent flow, as a browser would."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests
from chalice.test import Client

from tests.support.factories import SignedUp, call


@dataclass
class Consent:
    code: str
    state: str
    cookie: str  # the browser's connect cookie (name=value)


def start(
    client: Client,
    user: SignedUp,
    network: str,
    redirect_to: str = "/accounts",
    body: dict | None = None,
) -> Consent:
    """POST connect, then approve on the sandbox's consent page; returns what the
    network hands back to the callback, and the browser's cookie."""
    started = call(
        client,
        "POST",
        f"/v1/workspaces/{user.workspace_id}/accounts/connect",
        {"network": network, "redirect_to": redirect_to, **(body or {})},
        user.headers,
    )
    assert started.status_code == 200, started.json
    cookie = started.headers["Set-Cookie"].split(";", 1)[0]
    approved = requests.get(
        started.json["authorize_url"],
        params={"sandbox_auto_approve": "1"},
        allow_redirects=False,
        timeout=10,
    )
    assert approved.status_code in (302, 303), approved.text[:300]
    query = parse_qs(urlsplit(approved.headers["Location"]).query)
    return Consent(query["code"][0], query["state"][0], cookie)


def callback(client: Client, network: str, consent: Consent, cookie: str | None = None):
    headers = {"Cookie": cookie if cookie is not None else consent.cookie}
    return client.http.get(
        f"/v1/oauth/callback/{network}?code={consent.code}&state={consent.state}", headers=headers
    )


def connect(client: Client, user: SignedUp, network: str, body: dict | None = None) -> list[str]:
    """Connect the sandbox accounts of `network` (all it offers); returns their ids."""
    response = callback(client, network, start(client, user, network, body=body))
    assert response.status_code == 302, response.body
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    if "choose" in query:
        pending = query["choose"][0]
        offered = call(
            client,
            "GET",
            f"/v1/workspaces/{user.workspace_id}/accounts/pending/{pending}",
            headers=user.headers,
        ).json["identities"]
        chosen = call(
            client,
            "POST",
            f"/v1/workspaces/{user.workspace_id}/accounts/pending/{pending}",
            {"external_ids": [i["external_id"] for i in offered]},
            user.headers,
        )
        assert chosen.status_code == 201, chosen.json
        return chosen.json["connected"]
    return query["connected"][0].split(",")
