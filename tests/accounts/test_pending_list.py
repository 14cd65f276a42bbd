"""A connection waiting for the user to pick pages is listed until it is finished or expires."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from chalicelib.store import oauth_state
from tests.support.connect import callback, start
from tests.support.factories import add_member, call, signup


def _leave_the_choice(client, user, network: str = "facebook") -> str:
    response = callback(client, network, start(client, user, network))
    return parse_qs(urlsplit(response.headers["Location"]).query)["choose"][0]


def _pending(client, user):
    response = call(
        client, "GET", f"/v1/workspaces/{user.workspace_id}/accounts/pending", headers=user.headers
    )
    assert response.status_code == 200, response.json
    return response.json["items"]


def test_a_left_choice_is_listed_and_can_be_finished_later(client, sandbox):
    owner = signup(client)
    assert _pending(client, owner) == []
    pending_id = _leave_the_choice(client, owner)  # the user walks away from the page

    [listed] = _pending(client, owner)
    assert listed["id"] == pending_id and listed["network"] == "facebook"
    assert len(listed["identities"]) >= 2
    assert all(
        set(i) == {"external_id", "kind", "name", "username", "avatar_url"}
        for i in listed["identities"]
    )
    assert listed["expires_at"].endswith("Z")

    path = f"/v1/workspaces/{owner.workspace_id}/accounts/pending/{pending_id}"
    picked = listed["identities"][0]["external_id"]
    assert call(client, "POST", path, {"external_ids": [picked]}, owner.headers).status_code == 201
    assert _pending(client, owner) == []  # finished: no longer waiting


def test_only_the_user_who_connected_sees_it_and_it_can_be_discarded(client, sandbox):
    owner = signup(client)
    admin = add_member(client, owner, "admin")
    pending_id = _leave_the_choice(client, owner)
    assert _pending(client, admin) == []
    other = signup(client)
    assert _pending(client, other) == []  # another workspace

    path = f"/v1/workspaces/{owner.workspace_id}/accounts/pending/{pending_id}"
    assert call(client, "DELETE", path, headers=admin.headers).status_code == 404
    assert call(client, "DELETE", path, headers=owner.headers).status_code == 204
    assert _pending(client, owner) == []
    assert call(client, "GET", path, headers=owner.headers).status_code == 404


def test_an_expired_choice_is_not_listed(client, sandbox):
    owner = signup(client)
    pending_id = _leave_the_choice(client, owner)
    item = oauth_state.OAuthStateItem.get(pending_id)
    item.update(actions=[oauth_state.OAuthStateItem.expires_at.set(item.expires_at - 3600)])
    assert _pending(client, owner) == []


def test_editors_cannot_list_pending_connections(client, sandbox):
    owner = signup(client)
    editor = add_member(client, owner, "editor")
    response = call(
        client,
        "GET",
        f"/v1/workspaces/{owner.workspace_id}/accounts/pending",
        headers=editor.headers,
    )
    assert response.status_code == 403
