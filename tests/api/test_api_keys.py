"""API keys: shown once, stored hashed, usable as a bearer token, revocable."""

from __future__ import annotations

from tests.support.factories import api_key, bearer, call, signup


def test_an_api_key_works_as_a_bearer_token_with_its_role(client):
    owner = signup(client)
    secret = api_key(client, owner, role="viewer")
    assert secret.startswith("sk_")
    base = f"/v1/workspaces/{owner.workspace_id}"
    assert call(client, "GET", f"{base}/members", headers=bearer(secret)).status_code == 200
    # A viewer key cannot do what needs an admin...
    assert call(client, "GET", f"{base}/api-keys", headers=bearer(secret)).status_code == 403
    # ...nor reach another workspace.
    other = signup(client)
    foreign = call(client, "GET", f"/v1/workspaces/{other.workspace_id}", headers=bearer(secret))
    assert foreign.status_code == 404


def test_the_secret_is_shown_once_and_stored_hashed(client):
    from chalicelib.store.api_keys import ApiKeyRecord

    owner = signup(client)
    secret = api_key(client, owner, name="CI")
    listed = call(
        client, "GET", f"/v1/workspaces/{owner.workspace_id}/api-keys", headers=owner.headers
    )
    (key,) = listed.json["items"]
    assert "secret" not in key and key["name"] == "CI"
    assert secret.startswith(key["prefix"])
    stored = ApiKeyRecord.get(owner.workspace_id, key["id"])
    assert secret.rsplit(".", 1)[-1] not in stored.secret_hash


def test_last_use_is_recorded(client):
    owner = signup(client)
    secret = api_key(client, owner)
    path = f"/v1/workspaces/{owner.workspace_id}/api-keys"
    assert call(client, "GET", path, headers=owner.headers).json["items"][0]["last_used_at"] is None
    call(client, "GET", f"/v1/workspaces/{owner.workspace_id}", headers=bearer(secret))
    assert call(client, "GET", path, headers=owner.headers).json["items"][0]["last_used_at"]


def test_a_revoked_key_is_refused(client):
    owner = signup(client)
    secret = api_key(client, owner)
    path = f"/v1/workspaces/{owner.workspace_id}/api-keys"
    key_id = call(client, "GET", path, headers=owner.headers).json["items"][0]["id"]
    assert call(client, "DELETE", f"{path}/{key_id}", headers=owner.headers).status_code == 204
    response = call(client, "GET", f"/v1/workspaces/{owner.workspace_id}", headers=bearer(secret))
    assert response.status_code == 401
    assert call(client, "GET", path, headers=owner.headers).json["items"] == []


def test_a_key_cannot_have_more_rights_than_its_creator(client):
    from tests.support.factories import add_member

    owner = signup(client)
    admin = add_member(client, owner, "admin")
    response = call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/api-keys",
        {"name": "too strong", "role": "owner"},
        admin.headers,
    )
    assert response.status_code == 403


def test_api_keys_cannot_create_workspaces_or_read_a_profile(client):
    owner = signup(client)
    secret = api_key(client, owner, role="admin")
    created = call(client, "POST", "/v1/workspaces", {"name": "x"}, bearer(secret))
    assert created.status_code == 403
    assert call(client, "GET", "/v1/me", headers=bearer(secret)).status_code == 403
