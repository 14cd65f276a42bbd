"""Connecting accounts through the sandbox's consent pages, as a user does."""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.oauth.vault import VaultError
from chalicelib.store import accounts as account_store
from chalicelib.store import oauth_state
from tests.support.connect import callback, connect, start
from tests.support.factories import add_member, call, signup


def accounts_of(client, user):
    response = call(
        client, "GET", f"/v1/workspaces/{user.workspace_id}/accounts", headers=user.headers
    )
    assert response.status_code == 200
    return response.json["items"]


def test_connecting_x_stores_the_account_and_returns_to_the_app(client, sandbox):
    owner = signup(client)
    consent = start(client, owner, "x", redirect_to="/accounts")
    response = callback(client, "x", consent)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/accounts"
    [account_id] = parse_qs(location.query)["connected"][0].split(",")
    [account] = accounts_of(client, owner)
    assert account["id"] == account_id
    assert account["network"] == "x" and account["status"] == "connected"
    assert account["token_expires_at"] and account["slots"]  # default posting slots


def test_a_replayed_state_is_refused_and_stores_nothing(client, sandbox):
    owner = signup(client)
    consent = start(client, owner, "x")
    assert callback(client, "x", consent).status_code == 302
    again = callback(client, "x", consent)
    assert again.status_code == 400
    assert b"expired or was already used" in again.body
    assert len(accounts_of(client, owner)) == 1


def test_a_state_brought_back_by_another_user_is_refused(client, sandbox):
    owner = signup(client)
    admin = add_member(client, owner, "admin")
    consent = start(client, owner, "x")
    theirs = start(client, admin, "x")  # the other user's browser has its own cookie
    response = callback(client, "x", consent, cookie=theirs.cookie)
    assert response.status_code == 400
    assert b"another user or browser" in response.body
    assert accounts_of(client, owner) == []


def test_an_expired_state_is_refused(client, sandbox):
    owner = signup(client)
    consent = start(client, owner, "x")
    record = oauth_state.OAuthStateItem.get(consent.state)
    record.update(actions=[oauth_state.OAuthStateItem.expires_at.set(record.expires_at - 601)])
    assert callback(client, "x", consent).status_code == 400
    assert accounts_of(client, owner) == []


def test_a_state_for_another_network_is_refused(client, sandbox):
    owner = signup(client)
    consent = start(client, owner, "x")
    assert callback(client, "linkedin", consent).status_code == 400


def test_the_network_declining_shows_a_clear_page(client, sandbox):
    response = client.http.get("/v1/oauth/callback/x?error=access_denied&state=s")
    assert response.status_code == 400 and b"did not grant access" in response.body


def test_reconnecting_keeps_the_account_its_slots_and_time_zone(client, sandbox):
    owner = signup(client)
    [account_id] = connect(client, owner, "x")
    path = f"/v1/workspaces/{owner.workspace_id}/accounts/{account_id}"
    patched = call(
        client,
        "PATCH",
        path,
        {"timezone": "Europe/Paris", "slots": [{"weekday": 0, "time": "08:15"}]},
        owner.headers,
    )
    assert patched.status_code == 200
    assert connect(client, owner, "x") == [account_id]
    [account] = accounts_of(client, owner)
    assert account["timezone"] == "Europe/Paris"
    assert account["slots"] == [{"weekday": 0, "time": "08:15"}]


def test_a_new_account_posts_at_the_workspace_s_local_times(client, sandbox):
    owner = signup(client)
    workspace = f"/v1/workspaces/{owner.workspace_id}"
    moved = call(client, "PATCH", workspace, {"timezone": "America/New_York"}, owner.headers)
    assert moved.status_code == 200, moved.json
    [x_id] = connect(client, owner, "x")
    [page_id, *_] = connect(client, owner, "facebook")  # picked from a pending grant
    accounts = {a["id"]: a for a in accounts_of(client, owner)}
    assert accounts[x_id]["timezone"] == accounts[page_id]["timezone"] == "America/New_York"
    assert {"weekday": 0, "time": "09:00"} in accounts[x_id]["slots"]
    slots = call(
        client,
        "GET",
        f"{workspace}/queue/next-slots?account_id={x_id}&count=20",
        headers=owner.headers,
    ).json
    assert slots["timezone"] == "America/New_York"
    local_times = {slot["local"][11:16] for slot in slots["items"]}
    assert local_times <= {"09:00", "12:30", "17:00", "10:00"}
    # 09:00 in New York is 13:00 or 14:00 UTC, never 09:00 UTC.
    assert {slot["at"][11:16] for slot in slots["items"]} & {"13:00", "14:00"}
    # A later change of the workspace's zone leaves connected accounts as they are.
    call(client, "PATCH", workspace, {"timezone": "Europe/Paris"}, owner.headers)
    assert connect(client, owner, "x") == [x_id]
    assert {a["id"]: a for a in accounts_of(client, owner)}[x_id]["timezone"] == (
        "America/New_York"
    )


def test_facebook_pages_are_picked_by_the_user(client, sandbox):
    owner = signup(client)
    consent = start(client, owner, "facebook")
    response = callback(client, "facebook", consent)
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    pending = query["choose"][0]
    path = f"/v1/workspaces/{owner.workspace_id}/accounts/pending/{pending}"
    offered = call(client, "GET", path, headers=owner.headers).json["identities"]
    assert len(offered) >= 2 and all("sealed" not in i for i in offered)
    chosen = call(
        client, "POST", path, {"external_ids": [offered[0]["external_id"]]}, owner.headers
    )
    assert chosen.status_code == 201
    [account] = accounts_of(client, owner)
    assert account["network"] == "facebook" and account["display_name"] == offered[0]["name"]
    assert (
        call(
            client, "POST", path, {"external_ids": [offered[1]["external_id"]]}, owner.headers
        ).status_code
        == 404
    )


def test_another_user_cannot_pick_from_my_pending_grant(client, sandbox):
    owner = signup(client)
    admin = add_member(client, owner, "admin")
    response = callback(client, "facebook", start(client, owner, "facebook"))
    pending = parse_qs(urlsplit(response.headers["Location"]).query)["choose"][0]
    path = f"/v1/workspaces/{owner.workspace_id}/accounts/pending/{pending}"
    assert call(client, "GET", path, headers=admin.headers).status_code == 404
    assert call(client, "POST", path, {"external_ids": ["x"]}, admin.headers).status_code == 404


def test_editors_cannot_connect_accounts(client, sandbox):
    owner = signup(client)
    editor = add_member(client, owner, "editor")
    response = call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/accounts/connect",
        {"network": "x"},
        editor.headers,
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"network": "myspace"}, "network"),
        ({"network": "x", "redirect_to": "https://evil.example/"}, "redirect_to"),
    ],
)
def test_bad_connect_requests_name_the_field(client, sandbox, body, field):
    owner = signup(client)
    response = call(
        client, "POST", f"/v1/workspaces/{owner.workspace_id}/accounts/connect", body, owner.headers
    )
    assert response.status_code == 422
    assert [d["field"] for d in response.json["error"]["details"]] == [field]


def test_the_plan_limit_is_checked_when_connecting(client, sandbox, monkeypatch):
    from chalicelib.settings import get_settings

    monkeypatch.setenv("SCHEDULO_STRIPE_SECRET_KEY", "sk_test_schedulo_tests")  # billing on
    monkeypatch.setenv("SCHEDULO_TRIAL_DAYS", "0")  # on Free from the start
    get_settings.cache_clear()
    owner = signup(client)
    for network in ("x", "tiktok", "pinterest"):  # Free allows three
        connect(client, owner, network)
    response = callback(client, "instagram", start(client, owner, "instagram"))
    assert response.status_code == 402 and b"plan allows 3 connected accounts" in response.body
    assert b"/settings/billing'>See plans and upgrade" in response.body
    assert sorted(a["network"] for a in accounts_of(client, owner)) == ["pinterest", "tiktok", "x"]


def test_a_tampered_token_fails_loudly_and_is_never_used(client, sandbox):
    from chalicelib.oauth.tokens import access_for

    owner = signup(client)
    [account_id] = connect(client, owner, "x")
    item = account_store.get(owner.workspace_id, account_id)
    sealed = bytearray(item.sealed_tokens.encode())
    sealed[-5] = ord("A") if sealed[-5] != ord("A") else ord("B")
    item.sealed_tokens = sealed.decode()
    account_store.save(item)
    with pytest.raises(VaultError):
        access_for(account_store.get(owner.workspace_id, account_id))


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record) + json.dumps(record.__dict__, default=str))


def test_tokens_never_appear_in_responses_or_logs(client, sandbox):
    from chalicelib.observability import SERVICE

    capture = _Capture()
    for name in (SERVICE, ""):
        logging.getLogger(name).addHandler(capture)
    bodies = []
    try:
        owner = signup(client)
        consent = start(client, owner, "x")
        response = callback(client, "x", consent)
        bodies.append(response.headers.get("Location", ""))
        [account_id] = parse_qs(urlsplit(response.headers["Location"]).query)["connected"][0].split(
            ","
        )
        base = f"/v1/workspaces/{owner.workspace_id}/accounts"
        for method, path in [
            ("GET", base),
            ("GET", f"{base}/{account_id}"),
            ("POST", f"{base}/{account_id}/refresh"),
        ]:
            bodies.append(call(client, method, path, headers=owner.headers).body.decode())
    finally:
        for name in (SERVICE, ""):
            logging.getLogger(name).removeHandler(capture)
    tokens = [t.value for t in sandbox.state.tokens.values()]
    assert tokens
    text = "\n".join(bodies + capture.lines)
    for token in tokens:
        assert token not in text
