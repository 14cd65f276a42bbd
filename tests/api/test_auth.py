"""Signing up, signing in, refreshing and signing out."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from chalicelib.people import identity
from tests.support.factories import PASSWORD, bearer, call, signup, unique_email


def test_signup_creates_a_personal_workspace_owned_by_the_user(client):
    email = unique_email()
    response = call(
        client,
        "POST",
        "/v1/auth/signup",
        {"email": email.upper(), "password": PASSWORD, "name": "Ada", "timezone": "Europe/Paris"},
    )
    # API.md: 201 with the user, the workspace and the tokens.
    assert response.status_code == 201, response.body
    body = response.json
    assert "Check your email" in body["message"]
    assert body["user"]["email"] == email and body["user"]["email_verified"] is False
    assert body["workspace"]["role"] == "owner"
    assert body["refresh_token"]
    me = call(client, "GET", "/v1/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json["user"]["email"] == email
    assert me.json["user"]["email_verified"] is False
    [workspace] = me.json["workspaces"]
    assert (workspace["role"], workspace["timezone"]) == ("owner", "Europe/Paris")
    assert "password" not in response.body.decode()


def test_signup_does_not_tell_whether_the_address_has_an_account(client):
    """The web app gets the same answer for a taken address and a new one; the owner of
    a taken one is emailed instead, and nothing about the account changes. (An API
    client's new account is a 201 with its tokens, as API.md says; a taken address is
    the 202.)"""
    from tests.support.mail import sent_messages

    first = signup(client)
    before = len(sent_messages(first.email))
    stranger = unique_email("new")
    from chalicelib.settings import get_settings

    web_app = {"X-Schedulo-CSRF": "1", "Origin": get_settings().frontend_origin}
    again = call(
        client,
        "POST",
        "/v1/auth/signup",
        {"email": first.email, "password": "another passphrase", "name": "Someone else"},
        headers=web_app,
    )
    new = call(
        client,
        "POST",
        "/v1/auth/signup",
        {"email": stranger, "password": "another passphrase", "name": "Someone new"},
        headers=web_app,
    )
    assert (again.status_code, new.status_code) == (202, 202)
    assert set(again.json) == set(new.json)
    assert again.json["access_token"] is None and new.json["access_token"] is None
    assert again.json["message"].replace(first.email, "X") == new.json["message"].replace(
        stranger, "X"
    )
    notices = sent_messages(first.email)[before:]
    assert len(notices) == 1
    assert "already has one" in notices[0] and "/forgot-password" in notices[0]
    assert "verify-email" in sent_messages(stranger)[0]
    # The account is untouched: its password still signs in, the other does not.
    login = {"email": first.email, "password": PASSWORD}
    assert call(client, "POST", "/v1/auth/login", login).status_code == 200
    other = {"email": first.email, "password": "another passphrase"}
    assert call(client, "POST", "/v1/auth/login", other).status_code == 401
    # Past a few notices an hour, quietly no more (and the same answer).
    for _ in range(4):
        body = {"email": first.email, "password": "another passphrase", "name": "X"}
        assert call(client, "POST", "/v1/auth/signup", body).status_code == 202
    assert len(sent_messages(first.email)) - before == 3


def test_weak_password_is_a_422_naming_the_password(client):
    for weak in ("short", "aaaaaaaaaaaa", "password123"):
        response = call(
            client,
            "POST",
            "/v1/auth/signup",
            {"email": unique_email(), "password": weak, "name": "Ada"},
        )
        assert response.status_code == 422, weak
        assert [d["field"] for d in response.json["error"]["details"]] == ["password"]


def test_bad_email_and_time_zone_are_422_naming_each_field(client):
    response = call(
        client,
        "POST",
        "/v1/auth/signup",
        {"email": "not-an-email", "password": PASSWORD, "name": "Ada", "timezone": "Mars/Olympus"},
    )
    assert response.status_code == 422
    assert {d["field"] for d in response.json["error"]["details"]} == {"email", "timezone"}


def test_login_with_the_right_password_gives_working_tokens(client):
    user = signup(client)
    response = call(client, "POST", "/v1/auth/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert response.json["expires_in"] == 900
    me = call(client, "GET", "/v1/me", headers=bearer(response.json["access_token"]))
    assert me.json["user"]["id"] == user.user_id


def test_wrong_password_and_unknown_email_get_the_same_answer(client):
    user = signup(client)
    wrong = call(client, "POST", "/v1/auth/login", {"email": user.email, "password": "x" * 12})
    unknown = call(
        client, "POST", "/v1/auth/login", {"email": unique_email(), "password": "x" * 12}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json["error"]["message"] == unknown.json["error"]["message"]


def later(monkeypatch, seconds: float) -> None:
    """The clock the refresh check reads, `seconds` ahead."""
    from chalicelib.people import identity
    from chalicelib.store.base import utcnow

    moment = utcnow() + timedelta(seconds=seconds)
    monkeypatch.setattr(identity, "utcnow", lambda: moment)


def test_refresh_rotates_and_reusing_a_refresh_token_revokes_the_family(client, monkeypatch):
    user = signup(client)
    first = call(client, "POST", "/v1/auth/refresh", {"refresh_token": user.refresh_token})
    assert first.status_code == 200
    assert first.json["refresh_token"] != user.refresh_token
    # The old token again, past the grace: a replay. It fails and ends the whole session...
    later(monkeypatch, identity.REFRESH_REUSE_GRACE_SECONDS + 1)
    replay = call(client, "POST", "/v1/auth/refresh", {"refresh_token": user.refresh_token})
    assert replay.status_code == 401
    # ...so the newest token of the family stops working too.
    newest = call(
        client, "POST", "/v1/auth/refresh", {"refresh_token": first.json["refresh_token"]}
    )
    assert newest.status_code == 401


def test_a_token_spent_again_within_seconds_keeps_the_session(client, monkeypatch):
    """A page reloaded while its refresh was in flight sends the spent token again."""
    user = signup(client)
    first = call(client, "POST", "/v1/auth/refresh", {"refresh_token": user.refresh_token})
    later(monkeypatch, identity.REFRESH_REUSE_GRACE_SECONDS - 5)
    again = call(client, "POST", "/v1/auth/refresh", {"refresh_token": user.refresh_token})
    assert first.status_code == again.status_code == 200
    for pair in (first.json, again.json):
        rotated = call(client, "POST", "/v1/auth/refresh", {"refresh_token": pair["refresh_token"]})
        assert rotated.status_code == 200


def test_logout_ends_the_session(client):
    user = signup(client)
    assert (
        call(client, "POST", "/v1/auth/logout", {"refresh_token": user.refresh_token}).status_code
        == 204
    )
    after = call(client, "POST", "/v1/auth/refresh", {"refresh_token": user.refresh_token})
    assert after.status_code == 401


def test_expired_access_token_is_a_401(client):
    from chalicelib.auth.tokens import ACCESS_TOKEN_SECONDS, issue_access_token

    user = signup(client)
    stale = issue_access_token(user.user_id, 0, now=time.time() - ACCESS_TOKEN_SECONDS - 1)
    response = call(client, "GET", "/v1/me", headers=bearer(stale))
    assert response.status_code == 401
    assert "expired" in response.json["error"]["message"]


def test_missing_forged_or_garbled_tokens_are_401(client):
    user = signup(client)
    header, payload, _ = user.access_token.split(".")
    for headers in (
        {},
        bearer("nonsense"),
        bearer(f"{header}.{payload}.forged"),
        bearer("sk_x.y.z"),
    ):
        assert call(client, "GET", "/v1/me", headers=headers).status_code == 401


def test_passwords_never_reach_the_logs(client):
    import logging

    from chalicelib.observability import SERVICE

    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record) + repr(record.__dict__))

    handler = Collect()
    logging.getLogger(SERVICE).addHandler(handler)
    try:
        secret = "a very secret passphrase"
        user = signup(client, password=secret)
        call(client, "POST", "/v1/auth/login", {"email": user.email, "password": secret})
        call(client, "POST", "/v1/auth/login", {"email": user.email, "password": secret + "!"})
    finally:
        logging.getLogger(SERVICE).removeHandler(handler)
    assert lines and not [line for line in lines if "secret passphrase" in line]


def test_simultaneous_signups_with_one_email_create_one_account(aws):
    from chalicelib.errors import Conflict
    from chalicelib.people.identity import create_account
    from chalicelib.store.users import find_by_email

    def attempt(n: int) -> str:
        try:
            create_account("same@example.com", f"Person {n}", "UTC", None)
            return "created"
        except Conflict:
            return "conflict"

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = sorted(pool.map(attempt, range(4)))
    assert outcomes == ["conflict", "conflict", "conflict", "created"]
    holder = find_by_email("same@example.com")
    assert holder is not None and holder.email == "same@example.com"


def _forge(header: dict, claims: dict) -> str:
    """A token signed with the real key (HMAC-SHA256) whatever its header says."""
    import base64
    import hashlib
    import hmac
    import json

    from chalicelib.auth.tokens import signing_key

    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    signed = f"{part(header)}.{part(claims)}"
    mac = hmac.new(signing_key(), signed.encode(), hashlib.sha256).digest()
    return f"{signed}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def _claims(user_id: str, **changes) -> dict:
    from chalicelib.auth.tokens import audience, issuer

    now = int(time.time())
    claims = {
        "iss": issuer(),
        "aud": audience(),
        "sub": user_id,
        "iat": now,
        "exp": now + 600,
        "typ": "access",
        "gen": 0,
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def test_a_token_signed_with_the_key_but_a_strange_algorithm_is_a_clean_401(client):
    user = signup(client)
    # The real key and claims pass, so what follows fails on the header alone.
    assert (
        call(
            client, "GET", "/v1/me", headers=bearer(_forge({"alg": "HS256"}, _claims(user.user_id)))
        ).status_code
        == 200
    )
    unsigned = _forge({"alg": "none"}, _claims(user.user_id)).rsplit(".", 1)[0] + "."
    for token in (
        _forge({"alg": ["HS256"]}, _claims(user.user_id)),
        _forge({"alg": "none"}, _claims(user.user_id)),
        unsigned,
        _forge({"alg": "HS512"}, _claims(user.user_id)),
        _forge({"alg": "RS256"}, _claims(user.user_id)),
        _forge({"alg": None}, _claims(user.user_id)),
        _forge({"alg": {"HS256": 1}}, _claims(user.user_id)),
        "W10." + user.access_token.split(".", 1)[1],  # a header that is a JSON list
        "!!!." + user.access_token.split(".", 1)[1],
    ):
        response = call(client, "GET", "/v1/me", headers=bearer(token))
        assert response.status_code == 401, (token, response.body)
        assert response.json["error"]["code"] == "unauthorized"


def test_a_token_for_another_audience_or_issuer_or_without_them_is_a_401(client):
    user = signup(client)
    for changes in (
        {"aud": "schedulo:prod:api"},
        {"aud": None},
        {"iss": "someone-else"},
        {"iss": None},
        {"gen": None},
        {"gen": "0"},
        {"sub": ["u_1"]},
        {"typ": "refresh"},
    ):
        token = _forge({"alg": "HS256"}, _claims(user.user_id, **changes))
        response = call(client, "GET", "/v1/me", headers=bearer(token))
        assert response.status_code == 401, (changes, response.body)


def test_signing_out_everywhere_ends_every_session_and_access_token(client):
    phone = signup(client)
    laptop = call(client, "POST", "/v1/auth/login", {"email": phone.email, "password": PASSWORD})
    laptop_token = laptop.json["access_token"]
    workspace = f"/v1/workspaces/{phone.workspace_id}"
    assert call(client, "GET", workspace, headers=bearer(laptop_token)).status_code == 200

    ended = call(client, "POST", "/v1/auth/sign-out-everywhere", None, phone.headers)
    assert ended.status_code == 204
    # Every access token issued so far, for personal routes and workspace routes alike...
    for token in (phone.access_token, laptop_token):
        for path in ("/v1/me", workspace, "/v1/workspaces"):
            response = call(client, "GET", path, headers=bearer(token))
            assert response.status_code == 401, (path, response.body)
    # ...and every refresh token.
    for refresh_token in (phone.refresh_token, laptop.json["refresh_token"]):
        again = call(client, "POST", "/v1/auth/refresh", {"refresh_token": refresh_token})
        assert again.status_code == 401
    # Signing in again works, and only the new session counts.
    fresh = call(client, "POST", "/v1/auth/login", {"email": phone.email, "password": PASSWORD})
    assert (
        call(client, "GET", workspace, headers=bearer(fresh.json["access_token"])).status_code
        == 200
    )
    renewed = call(
        client, "POST", "/v1/auth/refresh", {"refresh_token": fresh.json["refresh_token"]}
    )
    assert renewed.status_code == 200


def test_signing_out_everywhere_needs_a_person(client):
    from tests.support.factories import api_key

    owner = signup(client)
    key = api_key(client, owner, role="admin")
    assert (
        call(client, "POST", "/v1/auth/sign-out-everywhere", None, bearer(key)).status_code == 403
    )
    assert call(client, "POST", "/v1/auth/sign-out-everywhere").status_code == 401
