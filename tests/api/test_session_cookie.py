"""The web app's session: the refresh token in an HttpOnly cookie, CSRF-checked; API
clients keep the refresh token in the JSON bodies (API.md)."""

from __future__ import annotations

from chalicelib.people import identity
from chalicelib.settings import get_settings
from tests.api.test_auth import later
from tests.support.factories import PASSWORD, bearer, call, signup, unique_email

COOKIE = "schedulo_refresh"


def web_app(cookie: str | None = None, **extra: str) -> dict[str, str]:
    """The headers the web app's own requests carry."""
    headers = {"X-Schedulo-CSRF": "1", "Origin": get_settings().frontend_origin, **extra}
    if cookie is not None:
        headers["Cookie"] = f"{COOKIE}={cookie}"
    return headers


def set_cookie(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The Set-Cookie header as {name: value, attribute: value or ""}."""
    header = response.headers.get("Set-Cookie") or response.headers.get("set-cookie")
    assert header, dict(response.headers)
    first, *attributes = [part.strip() for part in header.split(";")]
    name, _, value = first.partition("=")
    parsed = {name: value}
    for attribute in attributes:
        key, _, val = attribute.partition("=")
        parsed[key.lower()] = val
    return parsed


def web_sign_in(client, user) -> tuple[object, str]:  # type: ignore[no-untyped-def]
    response = call(
        client,
        "POST",
        "/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        headers=web_app(),
    )
    assert response.status_code == 200, response.body
    return response, set_cookie(response)[COOKIE]


def test_the_web_app_sign_in_sets_an_httponly_secure_strict_cookie_and_no_body_token(client):
    user = signup(client)
    response, token = web_sign_in(client, user)
    cookie = set_cookie(response)
    assert token and cookie[COOKIE] == token
    assert cookie["path"] == "/v1/auth"
    assert {"httponly", "secure"} <= cookie.keys()
    assert cookie["samesite"] == "Strict"
    assert int(cookie["max-age"]) == 30 * 24 * 3600
    assert response.json["refresh_token"] is None
    assert token not in response.body.decode()
    me = call(client, "GET", "/v1/me", headers=bearer(response.json["access_token"]))
    assert me.status_code == 200


def test_the_web_app_sign_up_sets_no_cookie(client):
    """Sign-up answers the same whether or not the address has an account: nobody is
    signed in by it (the web app says to check the email, then sign in)."""
    response = call(
        client,
        "POST",
        "/v1/auth/signup",
        {"email": unique_email(), "password": PASSWORD, "name": "Ada"},
        headers=web_app(),
    )
    assert response.status_code == 202
    assert "Set-Cookie" not in response.headers


def test_api_clients_keep_the_refresh_token_in_the_body_and_get_no_cookie(client):
    user = signup(client)
    response = call(client, "POST", "/v1/auth/login", {"email": user.email, "password": PASSWORD})
    assert response.json["refresh_token"]
    assert "Set-Cookie" not in response.headers and "set-cookie" not in response.headers
    again = call(
        client, "POST", "/v1/auth/refresh", {"refresh_token": response.json["refresh_token"]}
    )
    assert again.status_code == 200 and again.json["refresh_token"]


def test_refresh_with_the_cookie_rotates_it_and_keeps_it_out_of_the_body(client, monkeypatch):
    user = signup(client)
    _, token = web_sign_in(client, user)
    response = call(client, "POST", "/v1/auth/refresh", {}, headers=web_app(token))
    assert response.status_code == 200, response.body
    assert response.json["refresh_token"] is None
    rotated = set_cookie(response)[COOKIE]
    assert rotated and rotated != token
    me = call(client, "GET", "/v1/me", headers=bearer(response.json["access_token"]))
    assert me.json["user"]["id"] == user.user_id
    # The old cookie again, past the grace, is a replay: refused, the session ends and the
    # cookie is cleared.
    later(monkeypatch, identity.REFRESH_REUSE_GRACE_SECONDS + 1)
    replay = call(client, "POST", "/v1/auth/refresh", {}, headers=web_app(token))
    assert replay.status_code == 401
    assert set_cookie(replay)["max-age"] == "0"
    newest = call(client, "POST", "/v1/auth/refresh", {}, headers=web_app(rotated))
    assert newest.status_code == 401


def test_a_browser_without_a_session_gets_204_from_refresh(client):
    response = call(client, "POST", "/v1/auth/refresh", {}, headers=web_app())
    assert response.status_code == 204


def test_an_api_client_without_a_refresh_token_is_told_the_field_is_required(client):
    response = call(client, "POST", "/v1/auth/refresh", {})
    assert response.status_code == 422
    assert response.json["error"]["details"][0]["field"] == "refresh_token"


def test_cookie_requests_without_the_csrf_header_or_from_another_origin_are_refused(client):
    user = signup(client)
    _, token = web_sign_in(client, user)
    cookie = {"Cookie": f"{COOKIE}={token}"}
    attempts = {
        "no header, no origin": cookie,
        "no header": {**cookie, "Origin": get_settings().frontend_origin},
        "another site": web_app(token, Origin="https://evil.example"),
        "no origin": {**cookie, "X-Schedulo-CSRF": "1"},
        "null origin": web_app(token, Origin="null"),
        "wrong header value": web_app(token, **{"X-Schedulo-CSRF": "0"}),
    }
    for path in ("/v1/auth/refresh", "/v1/auth/logout"):
        for name, headers in attempts.items():
            response = call(client, "POST", path, {}, headers=headers)
            assert response.status_code == 403, (path, name, response.body)
            assert response.json["error"]["code"] == "forbidden"
    # None of them spent or ended the session.
    assert call(client, "POST", "/v1/auth/refresh", {}, headers=web_app(token)).status_code == 200


def test_a_cross_site_sign_in_cannot_plant_a_session_cookie(client):
    user = signup(client)
    response = call(
        client,
        "POST",
        "/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        headers=web_app(Origin="https://evil.example"),
    )
    assert response.status_code == 403
    assert "Set-Cookie" not in response.headers and "set-cookie" not in response.headers


def test_sign_out_with_the_cookie_ends_the_session_and_clears_the_cookie(client):
    user = signup(client)
    _, token = web_sign_in(client, user)
    response = call(client, "POST", "/v1/auth/logout", {}, headers=web_app(token))
    assert response.status_code == 204
    cleared = set_cookie(response)
    assert cleared[COOKIE] == "" and cleared["max-age"] == "0" and cleared["path"] == "/v1/auth"
    after = call(client, "POST", "/v1/auth/refresh", {}, headers=web_app(token))
    assert after.status_code == 401
