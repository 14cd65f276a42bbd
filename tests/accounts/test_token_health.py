"""Keeping tokens alive: the refresh job by each network's rules, and what a refused
refresh does (needs_reconnect, a notification, an e-mail)."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.networks import registry
from chalicelib.oauth.health import refresh_expiring_tokens
from chalicelib.oauth.tokens import open_secrets, refresh_due
from chalicelib.store import accounts as account_store
from chalicelib.store.base import utcnow
from tests.support.connect import connect
from tests.support.factories import call, signup


def account(user, account_id):
    return account_store.get(user.workspace_id, account_id)


def notifications(client, user):
    response = call(
        client, "GET", f"/v1/workspaces/{user.workspace_id}/notifications", headers=user.headers
    )
    assert response.status_code == 200
    return response.json


def test_x_tokens_are_refreshed_and_the_rotated_refresh_token_kept(client, sandbox):
    owner = signup(client)
    [account_id] = connect(client, owner, "x")  # X access tokens live 2 hours
    before = open_secrets(account(owner, account_id))
    counts = refresh_expiring_tokens()
    after = open_secrets(account(owner, account_id))
    assert counts["refreshed"] == 1
    assert after["access_token"] != before["access_token"]
    assert after["refresh_token"] and after["refresh_token"] != before["refresh_token"]
    assert account(owner, account_id).status == "connected"
    # the newest refresh token works again: rotation was stored, not lost
    assert refresh_expiring_tokens()["refreshed"] == 1


def test_a_refused_refresh_asks_for_reconnection_and_tells_the_owner(client, sandbox):
    owner = signup(client)
    [account_id] = connect(client, owner, "x")
    sandbox.state.revoke(open_secrets(account(owner, account_id))["refresh_token"])
    counts = refresh_expiring_tokens()
    assert counts["failed"] == 1
    item = account(owner, account_id)
    assert item.status == "needs_reconnect" and item.last_error
    listed = call(
        client, "GET", f"/v1/workspaces/{owner.workspace_id}/accounts", headers=owner.headers
    ).json
    assert listed["items"][0]["status"] == "needs_reconnect"
    feed = notifications(client, owner)
    assert feed["unread"] == 1
    [note] = feed["items"]
    assert note["kind"] == "account.needs_reconnect" and note["link"] == "/accounts"
    read = call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/notifications/{note['id']}/read",
        headers=owner.headers,
    )
    assert read.status_code == 200 and read.json["read"] is True
    assert notifications(client, owner)["unread"] == 0


def test_tokens_without_a_refresh_token_are_flagged_expiring_a_week_ahead(client, sandbox):
    from chalicelib.oauth.tokens import store_secrets

    owner = signup(client)
    account_id = connect(client, owner, "linkedin")[0]  # the member (organisations follow)
    item = account(owner, account_id)
    # A LinkedIn app outside the partner program gets no refresh token: 60 days, then over.
    secrets = {**open_secrets(item), "refresh_token": None}
    secrets["expires_at"] = (utcnow() + timedelta(days=30)).isoformat()
    store_secrets(item, secrets)
    assert account(owner, account_id).status == "connected"
    assert refresh_expiring_tokens() == {"refreshed": 0, "failed": 0, "flagged": 0}
    secrets["expires_at"] = (utcnow() + timedelta(days=3)).isoformat()
    store_secrets(item, secrets)
    item = account(owner, account_id)
    item.status = "connected"
    account_store.save(item)
    assert refresh_expiring_tokens()["flagged"] == 1
    assert account(owner, account_id).status == "expiring"
    [note] = notifications(client, owner)["items"]
    assert note["kind"] == "account.expiring"
    assert note["message"].startswith("LinkedIn does not let Schedulo renew")  # not "linkedin"


def test_instagram_tokens_are_refreshed_only_once_a_day_old(client, sandbox, monkeypatch):
    owner = signup(client)
    [account_id] = connect(client, owner, "x")
    item = account(owner, account_id)
    item.network = "instagram"  # the rule, on a token that can be refreshed
    monkeypatch.setattr(registry.adapter_class("instagram"), "can_refresh", True)
    assert not refresh_due(item, timedelta(days=1))  # issued just now
    secrets = open_secrets(item)
    secrets["issued_at"] = (utcnow() - timedelta(hours=25)).isoformat()
    from chalicelib.oauth.tokens import store_secrets

    store_secrets(item, secrets)
    assert refresh_due(item, timedelta(days=1))


def test_forcing_a_refresh_through_the_api(client, sandbox):
    owner = signup(client)
    [account_id] = connect(client, owner, "x")
    before = open_secrets(account(owner, account_id))["access_token"]
    response = call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/accounts/{account_id}/refresh",
        headers=owner.headers,
    )
    assert response.status_code == 200 and response.json["status"] == "connected"
    assert open_secrets(account(owner, account_id))["access_token"] != before
