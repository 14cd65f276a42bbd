"""Notification preferences per member and workspace (issue 23), through the API: each
category's immediate emails on or off, the digest daily, weekly or off; security emails
cannot be turned off; bad input is a 422 naming the field."""

from __future__ import annotations

import pytest

from chalicelib.notify import notify
from tests.support.factories import add_member, call, signup
from tests.support.mail import sent_mime

PATH = "/v1/workspaces/{}/notification-preferences"


def _put(client, user, body):  # type: ignore[no-untyped-def]
    return call(client, "PUT", PATH.format(user.workspace_id), body, user.headers)


def _subjects(email: str) -> list[str]:
    return [str(m["Subject"]) for m in sent_mime(email)]


def test_defaults_every_category_on_and_no_digest(client):
    owner = signup(client)
    got = call(client, "GET", PATH.format(owner.workspace_id), headers=owner.headers)
    assert got.status_code == 200, got.body
    assert got.json["immediate"] == {
        "failures": True,
        "connections": True,
        "approvals": True,
        "security": True,
    }
    assert got.json["digest"] == "off" and got.json["next_digest_at"] is None
    assert got.json["security_locked"] is True
    assert got.json["effective_timezone"]  # the workspace's


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"immediate": {"security": False}}, "immediate.security"),
        ({"digest": "hourly"}, "digest"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"immediate": {"failures": "sometimes"}}, "immediate.failures"),
        ({"immediate": {"billing": False}}, "immediate.billing"),
        ({"frequency": "daily"}, "frequency"),
    ],
)
def test_bad_preferences_are_refused_naming_the_field(client, body, field):
    owner = signup(client)
    refused = _put(client, owner, body)
    assert refused.status_code in (400, 422), refused.body
    assert field in [d["field"] for d in refused.json["error"]["details"]], refused.json
    got = call(client, "GET", PATH.format(owner.workspace_id), headers=owner.headers)
    assert got.json["immediate"]["failures"] is True and got.json["digest"] == "off"


def test_a_category_turned_off_stops_its_emails_for_that_member_only(client):
    owner = signup(client)
    admin = add_member(client, owner, "admin")
    saved = _put(client, owner, {"immediate": {"failures": False, "connections": True}})
    assert saved.status_code == 200, saved.body
    assert saved.json["immediate"]["failures"] is False

    notify(owner.workspace_id, "post.failed", "A post did not go out", "why", "/posts/p_1")
    notify(owner.workspace_id, "account.needs_reconnect", "Reconnect Bakery", "why", "/accounts")
    notify(
        owner.workspace_id, "security.new_sign_in", "A new sign-in", "where", "/settings/account"
    )

    mine = _subjects(owner.email)
    assert not any("did not go out" in s for s in mine)
    assert any("Reconnect Bakery" in s for s in mine)
    assert any("A new sign-in" in s for s in mine)  # security cannot be turned off
    assert any("did not go out" in s for s in _subjects(admin.email))  # theirs: on


def test_preferences_belong_to_each_workspace(client):
    owner = signup(client)
    other = signup(client)
    assert _put(client, owner, {"immediate": {"approvals": False}}).status_code == 200
    elsewhere = call(client, "GET", PATH.format(other.workspace_id), headers=owner.headers)
    assert elsewhere.status_code == 404
    theirs = call(client, "GET", PATH.format(other.workspace_id), headers=other.headers)
    assert theirs.json["immediate"]["approvals"] is True
