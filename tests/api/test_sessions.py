"""The caller's sessions (device, address, last use; end one) and the change of email
confirmed by a link sent to the new address (issue 23), through the API as a user takes
them: mail is read from what SES was asked to send."""

from __future__ import annotations

import re
from datetime import timedelta

from chalicelib.people import email_links
from chalicelib.store import sessions as session_store
from chalicelib.store.base import utcnow
from tests.support.factories import PASSWORD, bearer, call, signup, unique_email
from tests.support.mail import last_link, sent_messages

CHANGE_LINK = re.compile(r"https?://\S+/confirm-email\?token=(\S+)")
FIREFOX_LINUX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


def login(client, email, password=PASSWORD, agent=None):  # type: ignore[no-untyped-def]
    headers = {"User-Agent": agent} if agent else {}
    response = call(
        client, "POST", "/v1/auth/login", {"email": email, "password": password}, headers
    )
    assert response.status_code == 200, response.body
    return response.json


def listed(client, token):  # type: ignore[no-untyped-def]
    response = call(client, "GET", "/v1/auth/sessions", headers=bearer(token))
    assert response.status_code == 200, response.body
    return response.json["items"]


def test_each_sign_in_is_a_session_with_its_device_and_the_current_one_is_marked(client):
    user = signup(client)  # the test client sends no User-Agent: an API client
    phone = login(client, user.email, agent=SAFARI_IPHONE)
    laptop = login(client, user.email, agent=FIREFOX_LINUX)

    items = listed(client, laptop["access_token"])
    assert [s["device"] for s in items] == ["Firefox on Linux", "Safari on iOS", "API client"]
    assert [s["current"] for s in items] == [True, False, False]
    assert all(s["created_at"] and s["last_used_at"] for s in items)
    assert [s["current"] for s in listed(client, phone["access_token"])] == [False, True, False]
    assert call(client, "GET", "/v1/auth/sessions").status_code == 401


def test_a_refresh_notes_the_last_use_at_most_once_a_minute(client, monkeypatch):
    user = signup(client)
    first = listed(client, user.access_token)[0]
    pair = call(client, "POST", "/v1/auth/refresh", {"refresh_token": user.refresh_token}).json
    assert listed(client, pair["access_token"])[0]["last_used_at"] == first["last_used_at"]

    later = utcnow() + timedelta(minutes=2)
    monkeypatch.setattr(session_store, "utcnow", lambda: later)
    pair = call(client, "POST", "/v1/auth/refresh", {"refresh_token": pair["refresh_token"]}).json
    session = listed(client, pair["access_token"])[0]
    assert session["id"] == first["id"] and session["current"]
    assert session["last_used_at"] > first["last_used_at"]


def test_ending_a_session_ends_its_refresh_and_access_tokens_and_no_other(client):
    user = signup(client)
    other = login(client, user.email, agent=SAFARI_IPHONE)
    target = next(s for s in listed(client, user.access_token) if s["device"] == "Safari on iOS")

    ended = call(client, "DELETE", f"/v1/auth/sessions/{target['id']}", headers=user.headers)
    assert ended.status_code == 204, ended.body
    assert "Set-Cookie" not in ended.headers  # not this request's own session

    # Its access token stops at once, not at expiry; its refresh token is refused.
    assert call(client, "GET", "/v1/me", headers=bearer(other["access_token"])).status_code == 401
    members = f"/v1/workspaces/{user.workspace_id}/members"
    assert call(client, "GET", members, headers=bearer(other["access_token"])).status_code == 401
    refreshed = call(client, "POST", "/v1/auth/refresh", {"refresh_token": other["refresh_token"]})
    assert refreshed.status_code == 401
    # The caller's session goes on, and the ended one is gone from the list.
    assert call(client, "GET", "/v1/me", headers=user.headers).status_code == 200
    assert [s["id"] for s in listed(client, user.access_token)] != [target["id"]]
    assert target["id"] not in [s["id"] for s in listed(client, user.access_token)]
    again = call(client, "DELETE", f"/v1/auth/sessions/{target['id']}", headers=user.headers)
    assert again.status_code == 404


def test_ending_the_own_session_signs_this_token_out(client):
    user = signup(client)
    own = listed(client, user.access_token)[0]
    ended = call(client, "DELETE", f"/v1/auth/sessions/{own['id']}", headers=user.headers)
    assert ended.status_code == 204
    assert "Max-Age=0" in ended.headers.get("Set-Cookie", "")
    assert call(client, "GET", "/v1/me", headers=user.headers).status_code == 401


def test_another_users_session_is_not_found(client):
    owner, stranger = signup(client), signup(client)
    theirs = listed(client, owner.access_token)[0]["id"]
    for session_id in (theirs, "f_nothing", "r_not_a_family"):
        refused = call(
            client, "DELETE", f"/v1/auth/sessions/{session_id}", headers=stranger.headers
        )
        assert refused.status_code == 404, session_id
    assert call(client, "GET", "/v1/me", headers=owner.headers).status_code == 200


def test_signing_out_every_other_device_keeps_this_one(client):
    user = signup(client)
    phone = login(client, user.email, agent=SAFARI_IPHONE)
    laptop = login(client, user.email, agent=FIREFOX_LINUX)
    ended = call(client, "DELETE", "/v1/auth/sessions", headers=bearer(laptop["access_token"]))
    assert ended.status_code == 200, ended.body
    assert ended.json == {"ended": 2}  # the phone and sign-up's session
    assert [s["device"] for s in listed(client, laptop["access_token"])] == ["Firefox on Linux"]
    for gone in (user.access_token, phone["access_token"]):
        assert call(client, "GET", "/v1/me", headers=bearer(gone)).status_code == 401
    pair = call(client, "POST", "/v1/auth/refresh", {"refresh_token": laptop["refresh_token"]})
    assert pair.status_code == 200
    again = call(client, "DELETE", "/v1/auth/sessions", headers=bearer(laptop["access_token"]))
    assert again.json == {"ended": 0}


def test_sign_out_everywhere_empties_the_list(client):
    user = signup(client)
    fresh = login(client, user.email)
    assert (
        call(client, "POST", "/v1/auth/sign-out-everywhere", headers=user.headers).status_code
        == 204
    )
    again = login(client, user.email, agent=FIREFOX_LINUX)
    assert [s["device"] for s in listed(client, again["access_token"])] == ["Firefox on Linux"]
    assert call(client, "GET", "/v1/me", headers=bearer(fresh["access_token"])).status_code == 401


def change_email(client, user, new_email, password=PASSWORD):  # type: ignore[no-untyped-def]
    return call(
        client,
        "POST",
        "/v1/auth/email",
        {"new_email": new_email, "password": password},
        headers=user.headers,
    )


def test_the_email_changes_only_when_the_link_sent_to_the_new_address_is_followed(client):
    user = signup(client)
    new_email = unique_email("moved")
    asked = change_email(client, user, new_email.upper())
    assert asked.status_code == 202, asked.body
    assert new_email in asked.json["message"]
    notice = sent_messages(user.email)[-1]  # the old address is told, and how to stop it
    assert new_email in notice and "change your password" in notice
    me = call(client, "GET", "/v1/me", headers=user.headers).json["user"]
    assert me["email"] == user.email  # nothing changed yet

    token = last_link(new_email, CHANGE_LINK).group(1)
    confirmed = call(client, "POST", "/v1/auth/email/confirm", {"token": token})
    assert confirmed.status_code == 200, confirmed.body
    assert confirmed.json["email"] == new_email
    assert confirmed.json["email_verified"] is True

    # Sign-in moves with it; the old address is free for someone else.
    login(client, new_email)
    old = call(client, "POST", "/v1/auth/login", {"email": user.email, "password": PASSWORD})
    assert old.status_code == 401
    assert signup(client, email=user.email).email == user.email
    members = call(
        client, "GET", f"/v1/workspaces/{user.workspace_id}/members", headers=user.headers
    )
    assert [m["email"] for m in members.json["items"]] == [new_email]

    again = call(client, "POST", "/v1/auth/email/confirm", {"token": token})
    assert again.status_code == 422
    assert again.json["error"]["details"][0]["field"] == "token"


def test_a_change_of_email_checks_the_password_and_the_new_address(client):
    user, other = signup(client), signup(client)
    wrong = change_email(client, user, unique_email(), password="not my password at all")
    assert wrong.status_code == 422
    assert wrong.json["error"]["details"][0]["field"] == "password"
    taken = change_email(client, user, other.email)
    assert taken.status_code == 409
    assert taken.json["error"]["details"][0]["field"] == "new_email"
    same = change_email(client, user, user.email)
    assert same.status_code == 422
    assert same.json["error"]["details"][0]["field"] == "new_email"
    bad = change_email(client, user, "not an email")
    assert bad.status_code == 422
    assert bad.json["error"]["details"][0]["field"] == "new_email"
    assert call(client, "POST", "/v1/auth/email", {"new_email": unique_email()}).status_code == 401


def test_an_address_taken_meanwhile_is_refused_at_confirmation(client):
    user = signup(client)
    new_email = unique_email("contested")
    assert change_email(client, user, new_email).status_code == 202
    token = last_link(new_email, CHANGE_LINK).group(1)
    signup(client, email=new_email)  # someone signs up with it first

    refused = call(client, "POST", "/v1/auth/email/confirm", {"token": token})
    assert refused.status_code == 409
    assert refused.json["error"]["details"][0]["field"] == "new_email"
    me = call(client, "GET", "/v1/me", headers=user.headers).json["user"]
    assert me["email"] == user.email
    login(client, user.email)  # the old address still signs in


def test_a_change_of_email_link_expires_after_a_day(client, monkeypatch):
    user = signup(client)
    new_email = unique_email("late")
    assert change_email(client, user, new_email).status_code == 202
    token = last_link(new_email, CHANGE_LINK).group(1)
    later = utcnow() + timedelta(hours=24, seconds=1)
    monkeypatch.setattr(email_links, "utcnow", lambda: later)
    expired = call(client, "POST", "/v1/auth/email/confirm", {"token": token})
    assert expired.status_code == 422
    assert expired.json["error"]["details"][0]["field"] == "token"
    monkeypatch.undo()
    # A verification link is not a change-of-email link, either.
    assert call(client, "POST", "/v1/auth/email/confirm", {"token": "x" * 40}).status_code == 422
