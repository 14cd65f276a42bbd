"""Unverified users (issue 23) can use the app but cannot invite people, connect
accounts or act as operators: 403 `email_unverified`, saying how to verify. Following
the emailed link lifts it."""

from __future__ import annotations

from tests.support.factories import (
    api_key,
    bearer,
    call,
    make_operator,
    signup,
    unique_email,
    verify_email,
)

REDRIVE = "/v1/admin/dead-letters/redrive"
REDRIVE_BODY = {"targets": [{"workspace_id": "w_none", "post_id": "p_none", "target_id": "t_none"}]}


def refused_as_unverified(response, to: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 403, response.body
    error = response.json["error"]
    assert error["code"] == "email_unverified"
    assert error["message"].startswith(f"Verify your email to {to}")


def test_an_unverified_user_cannot_invite_until_they_follow_the_link(client):
    owner = signup(client, verified=False)
    path = f"/v1/workspaces/{owner.workspace_id}/invitations"
    body = {"email": unique_email("guest"), "role": "editor"}
    refused_as_unverified(call(client, "POST", path, body, owner.headers), "invite people")
    # Still a user of the app: their workspace and posts are theirs to use.
    posts = call(client, "GET", f"/v1/workspaces/{owner.workspace_id}/posts", headers=owner.headers)
    assert posts.status_code == 200
    verify_email(client, owner.email)
    assert call(client, "POST", path, body, owner.headers).status_code == 201


def test_an_api_key_of_an_unverified_user_cannot_invite(client):
    owner = signup(client, verified=False)
    key = api_key(client, owner, role="admin")
    path = f"/v1/workspaces/{owner.workspace_id}/invitations"
    body = {"email": unique_email("guest"), "role": "viewer"}
    refused_as_unverified(call(client, "POST", path, body, bearer(key)), "invite people")
    verify_email(client, owner.email)
    assert call(client, "POST", path, body, bearer(key)).status_code == 201


def test_an_unverified_user_cannot_connect_accounts(client):
    owner = signup(client, verified=False)
    path = f"/v1/workspaces/{owner.workspace_id}/accounts/connect"
    refused_as_unverified(
        call(client, "POST", path, {"network": "x"}, owner.headers), "connect accounts"
    )
    bluesky = {
        "network": "bluesky",
        "handle": "me.bsky.social",
        "app_password": "abcd-efgh-ijkl-mnop",
    }
    refused_as_unverified(call(client, "POST", path, bluesky, owner.headers), "connect accounts")
    accounts = call(
        client, "GET", f"/v1/workspaces/{owner.workspace_id}/accounts", headers=owner.headers
    )
    assert accounts.json["items"] == []


def test_an_operator_named_in_the_settings_must_be_verified(client, monkeypatch):
    operator = make_operator(monkeypatch, signup(client, verified=False))
    refused_as_unverified(
        call(client, "POST", REDRIVE, REDRIVE_BODY, operator.headers), "act as an operator"
    )
    assert call(client, "GET", "/v1/me", headers=operator.headers).json["operator"] is False
    verify_email(client, operator.email)
    assert call(client, "POST", REDRIVE, REDRIVE_BODY, operator.headers).status_code == 200
    assert call(client, "GET", "/v1/me", headers=operator.headers).json["operator"] is True
