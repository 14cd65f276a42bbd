"""Client review links through the API: a signed, expiring, revocable link to one post;
its public page shows only that post's previews; the client approves or asks for changes
through the approval engine and counts as a step only where the policy allows a client."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from tests.support.clock import ahead, wall
from tests.support.factories import add_member, call, signup
from tests.support.posting import a_picture, an_account


def _policy(client, owner, steps):
    body = {"mode": "steps", "required_below": None, "steps": steps}
    response = call(
        client, "PUT", f"/v1/workspaces/{owner.workspace_id}/approval-policy", body, owner.headers
    )
    assert response.status_code == 200, response.body


def _pending_post(client, owner, author, **extra):
    ws = owner.workspace_id
    x, linkedin = an_account(ws, "x"), an_account(ws, "linkedin")
    body = {
        "text": "Spring sale starts Monday",
        "targets": [{"account_id": x, "text": "Spring sale on X"}, {"account_id": linkedin}],
        "when": {"at": wall(ahead(20)), "timezone": "Europe/Paris"},
        **extra,
    }
    created = call(client, "POST", f"/v1/workspaces/{ws}/posts", body, author.headers)
    assert created.status_code == 201, created.body
    post = created.json
    if post["status"] != "pending_approval":
        submitted = call(
            client, "POST", f"/v1/workspaces/{ws}/posts/{post['id']}/submit", {}, author.headers
        )
        assert submitted.status_code == 200, submitted.body
        post = submitted.json
    assert post["status"] == "pending_approval", post
    return post


def _link(client, user, post_id, **body):
    path = f"/v1/workspaces/{user.workspace_id}/posts/{post_id}/review-links"
    return call(client, "POST", path, body or {}, user.headers)


def _public(client, token, decision=None):
    if decision is None:
        return call(client, "GET", f"/v1/review-links/{token}")
    return call(client, "POST", f"/v1/review-links/{token}/decision", decision)


@pytest.fixture
def team(client):
    owner = signup(client)
    editor = add_member(client, owner, "editor")
    return owner, editor


def test_the_client_sees_only_the_posts_previews_and_approves_its_step(client, team):
    owner, editor = team
    _policy(
        client, owner, [{"name": "Client", "allow_client": True}, {"roles": ["admin", "owner"]}]
    )
    picture = a_picture(owner.workspace_id)
    post = _pending_post(client, owner, editor, media_ids=[picture])
    created = _link(client, editor, post["id"], label="Acme", expires_in_days=3)
    assert created.status_code == 201, created.body
    link = created.json
    assert link["status"] == "active" and link["url"].endswith(f"/review/{link['token']}")

    page = _public(client, link["token"])  # no Authorization header at all
    assert page.status_code == 200, page.body
    view = page.json
    assert view["text"] == "Spring sale starts Monday" and view["label"] == "Acme"
    assert {t["network"]: t["text"] for t in view["targets"]} == {
        "x": "Spring sale on X",
        "linkedin": "Spring sale starts Monday",
    }
    assert [m["id"] for m in view["media"]] == ["1"] and view["media"][0]["url"]
    assert {n["id"] for n in view["networks"]} == {"x", "linkedin"}
    assert view["can_decide"] is True and (view["step"], view["steps"]) == (1, 2)
    # Nothing else of the workspace: no ids of the post, its accounts, media or people
    # (beyond the media's own time-limited download URLs, whose object key names them).
    shown = dict(view, media=[{**m, "url": None, "thumbnail_url": None} for m in view["media"]])
    body = json.dumps(shown)
    for secret in (post["id"], picture, owner.workspace_id, editor.user_id, owner.email):
        assert secret not in body
    for target in post["targets"]:
        assert target["account_id"] not in body

    decided = _public(
        client,
        link["token"],
        {"decision": "approve", "comment": "Looks great", "name": "Jo", "version": view["version"]},
    )
    assert decided.status_code == 200, decided.body
    assert decided.json["can_decide"] is False
    assert decided.json["your_last_decision"]["decision"] == "approve"
    after = call(
        client,
        "GET",
        f"/v1/workspaces/{owner.workspace_id}/posts/{post['id']}",
        headers=owner.headers,
    ).json
    assert after["status"] == "pending_approval"  # step 2 waits for an admin
    again = _public(client, link["token"], {"decision": "approve", "version": after["version"]})
    assert again.status_code == 403  # the client's step is done; step 2 is the team's

    approved = call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/posts/{post['id']}/approve",
        {"version": after["version"]},
        owner.headers,
    )
    assert approved.status_code == 200, approved.body
    assert approved.json["status"] == "scheduled"
    links = call(
        client,
        "GET",
        f"/v1/workspaces/{owner.workspace_id}/posts/{post['id']}/review-links",
        headers=editor.headers,
    ).json["items"]
    assert links[0]["decisions"] == 1 and links[0]["last_opened_at"]


def test_the_client_asks_for_changes_with_a_comment(client, team):
    owner, editor = team
    _policy(client, owner, [{"allow_client": True, "roles": ["admin"]}])
    post = _pending_post(client, owner, editor)
    token = _link(client, editor, post["id"]).json["token"]
    version = _public(client, token).json["version"]
    silent = _public(client, token, {"decision": "request_changes", "version": version})
    assert silent.status_code == 422
    assert silent.json["error"]["details"][0]["field"] == "comment"
    stale = _public(
        client, token, {"decision": "request_changes", "comment": "x", "version": version + 5}
    )
    assert stale.status_code == 409
    asked = _public(
        client,
        token,
        {"decision": "request_changes", "comment": "Say 20% off", "version": version},
    )
    assert asked.status_code == 200, asked.body
    assert asked.json["status"] == "changes_requested"
    assert asked.json["your_last_decision"]["comment"] == "Say 20% off"
    assert "Changes were requested" in asked.json["reason"]
    audit = call(
        client, "GET", f"/v1/workspaces/{owner.workspace_id}/audit", headers=owner.headers
    ).json["items"]
    assert any(e["action"] == "post.changes_requested" for e in audit)


def test_a_client_is_refused_where_the_policy_has_no_client_step(client, team):
    owner, editor = team
    _policy(client, owner, [{"roles": ["admin", "owner"]}])
    post = _pending_post(client, owner, editor)
    token = _link(client, editor, post["id"]).json["token"]
    view = _public(client, token).json
    assert view["can_decide"] is False and "team" in view["reason"]
    refused = _public(client, token, {"decision": "approve", "version": view["version"]})
    assert refused.status_code == 403


def test_a_client_cannot_decide_once_the_posts_time_has_passed(client, team):
    from chalicelib.posts.approvals import expire
    from chalicelib.store.base import utcnow

    owner, editor = team
    _policy(client, owner, [{"allow_client": True}])
    post = _pending_post(client, owner, editor)
    token = _link(client, editor, post["id"]).json["token"]
    later = utcnow() + timedelta(days=21)
    assert expire(owner.workspace_id, post["id"], post["version"], later) == "expired"
    view = _public(client, token).json
    assert view["status"] == "expired" and view["can_decide"] is False
    assert "new time" in view["reason"]
    for decision in ({"decision": "approve"}, {"decision": "request_changes", "comment": "x"}):
        refused = _public(client, token, decision | {"version": view["version"]})
        assert refused.status_code == 409, refused.body
        assert "new time" in refused.json["error"]["message"]
    after = call(
        client,
        "GET",
        f"/v1/workspaces/{owner.workspace_id}/posts/{post['id']}",
        headers=owner.headers,
    ).json
    assert after["status"] == "expired" and after["version"] == view["version"]


def test_a_revoked_link_stops_at_once(client, team):
    owner, editor = team
    _policy(client, owner, [{"allow_client": True}])
    post = _pending_post(client, owner, editor)
    link = _link(client, editor, post["id"]).json
    assert _public(client, link["token"]).status_code == 200
    path = f"/v1/workspaces/{owner.workspace_id}/posts/{post['id']}/review-links/{link['id']}"
    assert call(client, "DELETE", path, headers=editor.headers).status_code == 204
    gone = _public(client, link["token"])
    assert gone.status_code == 404 and "revoked" in gone.json["error"]["message"]
    refused = _public(client, link["token"], {"decision": "approve", "version": post["version"]})
    assert refused.status_code == 404
    listed = call(client, "GET", path.rsplit("/", 1)[0], headers=owner.headers).json["items"]
    assert listed[0]["status"] == "revoked"
    audit = call(
        client, "GET", f"/v1/workspaces/{owner.workspace_id}/audit", headers=owner.headers
    ).json["items"]
    logged = [(e["action"], e["actor"], e["details"].get("link_id")) for e in audit]
    assert ("review_link.created", editor.user_id, link["id"]) in logged
    assert ("review_link.revoked", editor.user_id, link["id"]) in logged


def test_an_expired_link_stops_at_its_time(client, team, monkeypatch):
    from chalicelib.posts import review_links
    from chalicelib.store.base import utcnow

    owner, editor = team
    _policy(client, owner, [{"allow_client": True}])
    post = _pending_post(client, owner, editor)
    link = _link(client, editor, post["id"], expires_in_days=2).json
    assert _public(client, link["token"]).status_code == 200
    later = utcnow() + timedelta(days=2, seconds=1)
    monkeypatch.setattr(review_links, "utcnow", lambda: later)
    expired = _public(client, link["token"])
    assert expired.status_code == 404 and "expired" in expired.json["error"]["message"]
    refused = _public(client, link["token"], {"decision": "approve", "version": post["version"]})
    assert refused.status_code == 404


def test_forged_and_altered_tokens_reach_nothing(client, team):
    owner, editor = team
    _policy(client, owner, [{"allow_client": True}])
    post = _pending_post(client, owner, editor)
    other = _pending_post(client, owner, editor)
    token = _link(client, editor, post["id"]).json["token"]
    payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims[2] += 86400 * 365  # a later expiry
    longer = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    for forged in (
        f"{longer}.{signature}",
        f"{payload}.{signature[:-2]}AA",
        "nonsense",
        f"{payload}",
        "a.b",
    ):
        response = _public(client, forged)
        assert response.status_code == 404, forged
        assert "not valid" in response.json["error"]["message"]
    # A member of another workspace cannot list or revoke the links either.
    outsider = signup(client)
    path = f"/v1/workspaces/{owner.workspace_id}/posts/{post['id']}/review-links"
    assert call(client, "GET", path, headers=outsider.headers).status_code == 404
    # A link to one post does not open another: the post is the link's, not the caller's.
    assert _public(client, token).json["text"] == "Spring sale starts Monday"
    assert other["id"] not in _public(client, token).body.decode()


def test_viewers_cannot_make_links_and_bodies_are_checked(client, team):
    owner, editor = team
    viewer = add_member(client, owner, "viewer")
    ws = owner.workspace_id
    x = an_account(ws, "x")
    draft = call(
        client,
        "POST",
        f"/v1/workspaces/{ws}/posts",
        {"text": "Draft", "targets": [{"account_id": x}]},
        editor.headers,
    ).json
    assert _link(client, viewer, draft["id"]).status_code == 403
    too_long = _link(client, editor, draft["id"], expires_in_days=31)
    assert too_long.status_code == 422
    assert too_long.json["error"]["details"][0]["field"] == "expires_in_days"
    assert _link(client, editor, "p_missing").status_code == 404
    made = _link(client, editor, draft["id"])
    assert made.status_code == 201
    view = _public(client, made.json["token"]).json
    assert view["can_decide"] is False and "not been submitted" in view["reason"]


def test_a_link_used_too_often_is_throttled(client, team, monkeypatch):
    from chalicelib.posts import review_links

    owner, editor = team
    _policy(client, owner, [{"allow_client": True, "roles": ["admin"]}])
    post = _pending_post(client, owner, editor)
    token = _link(client, editor, post["id"]).json["token"]
    monkeypatch.setattr(review_links, "DECISIONS_PER_HOUR", 2)
    stale = {"decision": "approve", "version": post["version"] + 9}
    assert _public(client, token, stale).status_code == 409
    assert _public(client, token, stale).status_code == 409
    throttled = _public(client, token, stale)
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0
    # Another link to the same post has its own count.
    other = _link(client, editor, post["id"]).json["token"]
    assert _public(client, other, stale).status_code == 409
