"""Members and roles, invitations, workspaces."""

from __future__ import annotations

from tests.support.factories import add_member, call, invite, signup, unique_email
from tests.support.mail import accept_link_token, sent_messages


def members_of(client, user) -> dict[str, str]:
    response = call(
        client, "GET", f"/v1/workspaces/{user.workspace_id}/members", headers=user.headers
    )
    assert response.status_code == 200
    return {m["user_id"]: m["role"] for m in response.json["items"]}


def test_invited_user_joins_with_the_invited_role(client):
    owner = signup(client)
    editor = add_member(client, owner, "editor")
    assert members_of(client, owner) == {owner.user_id: "owner", editor.user_id: "editor"}
    me = call(client, "GET", "/v1/me", headers=editor.headers).json
    assert {w["id"]: w["role"] for w in me["workspaces"]}[owner.workspace_id] == "editor"


def test_invitation_email_carries_an_accept_link_and_the_workspace_name(client):
    owner = signup(client)
    email = unique_email("guest")
    invite(client, owner, email, "viewer")
    (body,) = sent_messages(email)
    assert "Test User's workspace" in body and "/invitations/" in body
    preview = call(client, "GET", f"/v1/invitations/{accept_link_token(email)}")
    assert preview.status_code == 200
    assert preview.json["role"] == "viewer" and preview.json["status"] == "pending"


def test_invitation_accepted_with_another_email_is_refused(client):
    owner = signup(client)
    invited, someone_else = unique_email("invited"), signup(client)
    invite(client, owner, invited, "editor")
    token = accept_link_token(invited)
    response = call(client, "POST", f"/v1/invitations/{token}/accept", None, someone_else.headers)
    assert response.status_code == 403
    assert "another email" in response.json["error"]["message"]
    assert someone_else.user_id not in members_of(client, owner)


def test_revoked_invitation_cannot_be_accepted(client):
    owner = signup(client)
    guest = signup(client)
    invited = invite(client, owner, guest.email, "editor")
    path = f"/v1/workspaces/{owner.workspace_id}/invitations/{invited['id']}"
    assert call(client, "DELETE", path, headers=owner.headers).status_code == 204
    token = accept_link_token(guest.email)
    response = call(client, "POST", f"/v1/invitations/{token}/accept", None, guest.headers)
    assert response.status_code == 409
    assert "revoked" in response.json["error"]["message"]


def test_expired_invitation_cannot_be_accepted(client):
    from chalicelib.store.invitations import InvitationRecord

    owner, guest = signup(client), signup(client)
    invited = invite(client, owner, guest.email, "editor")
    assert invited["expires_at"] > invited["created_at"]
    record = InvitationRecord.get(owner.workspace_id, invited["id"])
    record.update([InvitationRecord.expires_at.set("2000-01-01T00:00:00Z")])
    token = accept_link_token(guest.email)
    response = call(client, "POST", f"/v1/invitations/{token}/accept", None, guest.headers)
    assert response.status_code == 409
    assert "expired" in response.json["error"]["message"]


def test_the_last_owner_cannot_leave_be_demoted_or_removed(client):
    owner = signup(client)
    admin = add_member(client, owner, "admin")
    base = f"/v1/workspaces/{owner.workspace_id}"
    leave = call(client, "POST", f"{base}/leave", None, owner.headers)
    assert leave.status_code == 409
    demote = call(
        client, "PATCH", f"{base}/members/{owner.user_id}", {"role": "admin"}, owner.headers
    )
    assert demote.status_code == 409
    remove = call(client, "DELETE", f"{base}/members/{owner.user_id}", None, owner.headers)
    assert remove.status_code == 409
    # With a second owner, the first may step down.
    promote = call(
        client, "PATCH", f"{base}/members/{admin.user_id}", {"role": "owner"}, owner.headers
    )
    assert promote.status_code == 200
    assert call(client, "POST", f"{base}/leave", None, owner.headers).status_code == 204
    assert members_of(client, admin) == {admin.user_id: "owner"}
    # The new last owner is held by the same rule.
    assert call(client, "POST", f"{base}/leave", None, admin.headers).status_code == 409


def test_admins_manage_members_but_not_owners(client):
    owner = signup(client)
    admin = add_member(client, owner, "admin")
    viewer = add_member(client, owner, "viewer")
    base = f"/v1/workspaces/{owner.workspace_id}/members"
    up = call(client, "PATCH", f"{base}/{viewer.user_id}", {"role": "editor"}, admin.headers)
    assert up.status_code == 200 and up.json["role"] == "editor"
    assert (
        call(
            client, "PATCH", f"{base}/{viewer.user_id}", {"role": "owner"}, admin.headers
        ).status_code
        == 403
    )
    assert call(client, "DELETE", f"{base}/{owner.user_id}", None, admin.headers).status_code == 403
    assert (
        call(client, "DELETE", f"{base}/{viewer.user_id}", None, admin.headers).status_code == 204
    )
    assert viewer.user_id not in members_of(client, owner)
    gone = call(client, "GET", f"/v1/workspaces/{owner.workspace_id}", headers=viewer.headers)
    assert gone.status_code == 404


def test_unknown_role_is_a_422_naming_the_role(client):
    owner = signup(client)
    response = call(
        client,
        "PATCH",
        f"/v1/workspaces/{owner.workspace_id}/members/{owner.user_id}",
        {"role": "superuser"},
        owner.headers,
    )
    assert response.status_code == 422
    assert response.json["error"]["details"][0]["field"] == "role"


def test_users_create_workspaces_and_change_their_time_zone(client):
    user = signup(client)
    created = call(
        client,
        "POST",
        "/v1/workspaces",
        {"name": "Agency", "timezone": "America/New_York"},
        user.headers,
    )
    assert created.status_code == 201 and created.json["role"] == "owner"
    workspace_id = created.json["id"]
    listed = call(client, "GET", "/v1/workspaces", headers=user.headers).json["items"]
    assert {w["id"] for w in listed} == {user.workspace_id, workspace_id}
    bad = call(
        client, "PATCH", f"/v1/workspaces/{workspace_id}", {"timezone": "EST5"}, user.headers
    )
    assert bad.status_code == 422 and bad.json["error"]["details"][0]["field"] == "timezone"
    good = call(
        client,
        "PATCH",
        f"/v1/workspaces/{workspace_id}",
        {"name": "Agency Two", "timezone": "Asia/Tokyo"},
        user.headers,
    )
    assert good.status_code == 200
    assert (good.json["name"], good.json["timezone"]) == ("Agency Two", "Asia/Tokyo")


def test_inviting_someone_already_in_the_workspace_is_a_409(client):
    owner = signup(client)
    editor = add_member(client, owner, "editor")
    response = call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/invitations",
        {"email": editor.email.upper(), "role": "admin"},
        owner.headers,
    )
    assert response.status_code == 409
    assert response.json["error"]["details"][0]["field"] == "email"


def test_an_invitation_whose_email_fails_is_not_kept(client, monkeypatch):
    from chalicelib.people import invitations

    def broken(*args, **kwargs):
        raise ConnectionError("SES unreachable")

    monkeypatch.setattr(invitations, "send_email", broken)
    owner = signup(client)
    response = call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/invitations",
        {"email": unique_email(), "role": "editor"},
        owner.headers,
    )
    assert response.status_code == 500
    assert "could not be sent" in response.json["error"]["message"]
    listed = call(
        client, "GET", f"/v1/workspaces/{owner.workspace_id}/invitations", headers=owner.headers
    )
    assert listed.json["items"] == []


def test_the_factory_gives_a_user_of_any_role(client):
    viewer = signup(client, role="viewer")
    me = call(client, "GET", "/v1/me", headers=viewer.headers).json
    roles = {w["id"]: w["role"] for w in me["workspaces"]}
    assert roles[viewer.workspace_id] == "viewer" and viewer.role == "viewer"
