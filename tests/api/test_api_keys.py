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


def _create(client, who, workspace_id: str, **body):
    body = {"name": "key", "role": "editor", **body}
    return call(client, "POST", f"/v1/workspaces/{workspace_id}/api-keys", body, who)


def _in_an_hour() -> str:
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0).isoformat()


def test_removing_or_losing_a_member_revokes_the_keys_they_are_behind(client):
    from tests.support.factories import add_member

    owner = signup(client)
    base = f"/v1/workspaces/{owner.workspace_id}"
    for leaves in (False, True):
        admin = add_member(client, owner, "admin")
        key = _create(client, admin.headers, owner.workspace_id, role="admin").json["secret"]
        # A key minted by that key answers to the same person.
        child = _create(client, bearer(key), owner.workspace_id).json["secret"]
        assert call(client, "GET", base, headers=bearer(child)).status_code == 200
        if leaves:
            gone = call(client, "POST", f"{base}/leave", None, admin.headers)
        else:
            gone = call(client, "DELETE", f"{base}/members/{admin.user_id}", None, owner.headers)
        assert gone.status_code == 204
        for secret in (key, child):
            assert call(client, "GET", base, headers=bearer(secret)).status_code == 401
        assert call(client, "GET", f"{base}/api-keys", headers=owner.headers).json["items"] == []


def test_a_key_never_outranks_its_creator_s_current_role(client):
    from tests.support.factories import add_member

    owner = signup(client)
    admin = add_member(client, owner, "admin")
    base = f"/v1/workspaces/{owner.workspace_id}"
    key = bearer(_create(client, admin.headers, owner.workspace_id, role="admin").json["secret"])
    assert call(client, "GET", f"{base}/api-keys", headers=key).status_code == 200

    def make(role: str) -> None:
        changed = call(
            client, "PATCH", f"{base}/members/{admin.user_id}", {"role": role}, owner.headers
        )
        assert changed.status_code == 200

    make("viewer")
    assert call(client, "GET", f"{base}/api-keys", headers=key).status_code == 403
    assert call(client, "GET", f"{base}/members", headers=key).status_code == 200
    # Capped, not revoked: back to admin, the key is an admin key again.
    make("admin")
    assert call(client, "GET", f"{base}/api-keys", headers=key).status_code == 200


def test_a_key_with_an_expiry_stops_working_then(client, monkeypatch):
    from datetime import datetime, timedelta

    owner = signup(client)
    expires_at = _in_an_hour()
    created = _create(client, owner.headers, owner.workspace_id, expires_at=expires_at)
    assert created.status_code == 201, created.json
    wanted = datetime.fromisoformat(expires_at)
    assert datetime.fromisoformat(created.json["expires_at"]) == wanted
    listed = call(
        client, "GET", f"/v1/workspaces/{owner.workspace_id}/api-keys", headers=owner.headers
    )
    assert listed.json["items"][0]["expires_at"] == created.json["expires_at"]
    key = bearer(created.json["secret"])
    path = f"/v1/workspaces/{owner.workspace_id}"
    assert call(client, "GET", path, headers=key).status_code == 200
    later = wanted + timedelta(seconds=1)
    monkeypatch.setattr("chalicelib.auth.api_keys.utcnow", lambda: later)
    expired = call(client, "GET", path, headers=key)
    assert expired.status_code == 401
    assert "expired" in expired.json["error"]["message"]


def test_a_bad_expiry_is_a_422_naming_the_field(client):
    owner = signup(client)
    for bad in ("2020-01-01T00:00:00Z", "2999-01-01T00:00:00", "tomorrow", 12):
        response = _create(client, owner.headers, owner.workspace_id, expires_at=bad)
        assert response.status_code == 422, (bad, response.json)
        assert [d["field"] for d in response.json["error"]["details"]] == ["expires_at"], bad


def test_a_key_cannot_mint_a_key_above_its_role_or_outliving_it(client):
    owner = signup(client)
    ws = owner.workspace_id
    parent = _create(client, owner.headers, ws, role="admin", expires_at=_in_an_hour()).json
    as_parent = bearer(parent["secret"])
    assert _create(client, as_parent, ws, role="owner").status_code == 403
    child = _create(client, as_parent, ws, role="admin")
    assert child.status_code == 201
    assert child.json["expires_at"] == parent["expires_at"]  # no later than its parent
    assert child.json["created_by"] == f"api_key:{parent['id']}"
    # An editor key cannot make keys at all (that needs an admin).
    editor = bearer(_create(client, owner.headers, ws, role="editor").json["secret"])
    assert _create(client, editor, ws, role="viewer").status_code == 403
    # Revoking a key revokes what it minted.
    path = f"/v1/workspaces/{ws}/api-keys/{parent['id']}"
    assert call(client, "DELETE", path, headers=owner.headers).status_code == 204
    child_key = bearer(child.json["secret"])
    assert call(client, "GET", f"/v1/workspaces/{ws}", headers=child_key).status_code == 401
