"""The audit log: who did what, readable by owners and admins."""

from __future__ import annotations

from tests.support.factories import add_member, api_key, call, signup


def test_audit_log_lists_people_events_newest_first(client):
    owner = signup(client)
    call(client, "POST", "/v1/auth/login", {"email": owner.email, "password": owner.password})
    editor = add_member(client, owner, "editor")
    call(
        client,
        "PATCH",
        f"/v1/workspaces/{owner.workspace_id}/members/{editor.user_id}",
        {"role": "viewer"},
        owner.headers,
    )
    api_key(client, owner)
    response = call(
        client, "GET", f"/v1/workspaces/{owner.workspace_id}/audit", headers=owner.headers
    )
    assert response.status_code == 200
    actions = [e["action"] for e in response.json["items"]]
    assert actions == [
        "api_key.created",
        "member.role_changed",
        "invitation.accepted",
        "invitation.sent",
        "user.signed_in",
        "user.email_verified",
        "user.signed_up",
    ]
    changed = response.json["items"][1]
    assert changed["actor"] == owner.user_id and changed["target"] == editor.user_id
    assert changed["details"] == {"from": "editor", "to": "viewer"}


def test_audit_log_pages_with_a_cursor(client):
    owner = signup(client)
    for _ in range(3):
        api_key(client, owner)
    path = f"/v1/workspaces/{owner.workspace_id}/audit"
    first = call(client, "GET", f"{path}?limit=2", headers=owner.headers).json
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = call(
        client, "GET", f"{path}?limit=2&cursor={first['next_cursor']}", headers=owner.headers
    )
    ids = {e["id"] for e in first["items"]} | {e["id"] for e in second.json["items"]}
    assert len(ids) == 4
    bad = call(client, "GET", f"{path}?cursor=%%%", headers=owner.headers)
    assert bad.status_code == 400 and bad.json["error"]["details"][0]["field"] == "cursor"


def test_editors_cannot_read_the_audit_log(client):
    owner = signup(client)
    editor = add_member(client, owner, "editor")
    path = f"/v1/workspaces/{owner.workspace_id}/audit"
    assert call(client, "GET", path, headers=editor.headers).status_code == 403
