"""Sign in with Google (issue 23) through the API and the sandbox's OpenID provider: the
ID token is checked (signature against the JWKS, issuer, audience, expiry, nonce,
email_verified) and the state spent once; accounts are linked by verified email."""

from __future__ import annotations

import json
import time

import pytest

from chalicelib.auth import oidc
from tests.support.factories import PASSWORD, call, signup, unique_email
from tests.support.oidc import (
    google_callback,
    google_consent,
    next_id_token,
    refresh_token_of,
)
from tests.support.sandbox import running_sandbox


@pytest.fixture
def sandbox(aws):
    oidc.forget_documents()
    with running_sandbox() as running:
        yield running
    oidc.forget_documents()


def signed_in(client, response):  # type: ignore[no-untyped-def]
    """The user the callback signed in, through the session it started."""
    assert response.status_code == 302, response.body
    tokens = call(client, "POST", "/v1/auth/refresh", {"refresh_token": refresh_token_of(response)})
    assert tokens.status_code == 200, tokens.body
    headers = {"Authorization": f"Bearer {tokens.json['access_token']}"}
    return call(client, "GET", "/v1/me", headers=headers).json


def refused(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.body
    assert "Set-Cookie" not in response.headers  # no session
    return response.body.decode()


def test_a_new_person_signs_up_with_google_verified_and_lands_where_they_started(client, sandbox):
    assert call(client, "GET", "/v1/auth/oidc").json == {"providers": ["google"]}
    email = unique_email("gina")
    consent = google_consent(client, email.upper(), redirect_to="/posts?view=calendar")
    response = google_callback(client, consent)
    assert response.headers["Location"].endswith("/posts?view=calendar")
    me = signed_in(client, response)
    assert me["user"]["email"] == email
    assert me["user"]["email_verified"] is True
    assert me["user"]["name"] == "Gina Google"
    assert [w["role"] for w in me["workspaces"]] == ["owner"]

    # Again: the same account (linked by Google's subject), not a second one.
    again = signed_in(client, google_callback(client, google_consent(client, email)))
    assert again["user"]["id"] == me["user"]["id"]
    # No password was ever set: signing in with one fails.
    login = call(client, "POST", "/v1/auth/login", {"email": email, "password": PASSWORD})
    assert login.status_code == 401


def test_the_token_exchange_carries_the_pkce_verifier(client, sandbox):
    signed_in(client, google_callback(client, google_consent(client, unique_email())))
    exchange = sandbox.calls_to("/google/token")[-1]
    assert exchange.status == 200
    assert len(exchange.form["code_verifier"]) >= 43
    authorize = sandbox.calls_to("/google/o/oauth2/v2/auth")[-1]
    assert authorize.args["code_challenge_method"] == "S256"
    assert authorize.args["nonce"] and authorize.args["state"]


def test_a_verified_account_with_the_email_is_signed_in_with_google(client, sandbox):
    user = signup(client)  # verified through the emailed link
    me = signed_in(client, google_callback(client, google_consent(client, user.email)))
    assert me["user"]["id"] == user.user_id
    assert [w["id"] for w in me["workspaces"]] == [user.workspace_id]
    # The password still works, and so does the session signed up with.
    assert call(client, "GET", "/v1/me", headers=user.headers).status_code == 200
    login = call(client, "POST", "/v1/auth/login", {"email": user.email, "password": PASSWORD})
    assert login.status_code == 200


def test_an_unverified_account_with_the_email_is_taken_over_by_the_googles_owner(client, sandbox):
    """Whoever signed up with the address without proving it loses the way in."""
    squatter = signup(client, verified=False)
    me = signed_in(client, google_callback(client, google_consent(client, squatter.email)))
    assert me["user"]["id"] == squatter.user_id
    assert me["user"]["email_verified"] is True
    assert call(client, "GET", "/v1/me", headers=squatter.headers).status_code == 401
    login = call(client, "POST", "/v1/auth/login", {"email": squatter.email, "password": PASSWORD})
    assert login.status_code == 401


def test_an_email_google_has_not_verified_is_refused(client, sandbox):
    email = unique_email()
    page = refused(google_callback(client, google_consent(client, email, verified=False)))
    assert f"Google has not verified {email}" in page
    login = call(client, "POST", "/v1/auth/password-reset", {"email": email})
    assert login.status_code == 202  # and no account was made for it:
    from tests.support.mail import sent_messages

    assert sent_messages(email) == []


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"claims": {"nonce": "not-this-sign-ins"}}, "nonce is not this sign-in"),
        ({"claims": {"aud": "someone-elses-client"}}, "another application (audience)"),
        ({"claims": {"iss": "https://accounts.example.com"}}, "another issuer"),
        ({"sign_with": "stranger"}, "signature does not match"),
        ({"claims": {"exp": int(time.time()) - 600, "iat": int(time.time()) - 4200}}, "expired"),
        ({"claims": {"iat": int(time.time()) + 3600}}, "issued in the future"),
    ],
    ids=["wrong-nonce", "wrong-audience", "wrong-issuer", "bad-signature", "expired", "future"],
)
def test_an_id_token_that_does_not_check_out_is_refused(client, sandbox, change, says):
    email = unique_email()
    consent = google_consent(client, email)
    next_id_token(sandbox.url, **change)
    assert says in refused(google_callback(client, consent))
    assert (
        call(client, "POST", "/v1/auth/login", {"email": email, "password": "x" * 12}).json[
            "error"
        ]["code"]
        == "unauthorized"
    )


def test_a_replayed_state_is_refused(client, sandbox):
    consent = google_consent(client, unique_email())
    signed_in(client, google_callback(client, consent))
    assert "already used or has expired" in refused(google_callback(client, consent))


def test_a_state_brought_back_by_another_browser_is_refused(client, sandbox):
    consent = google_consent(client, unique_email())
    assert "another browser" in refused(
        google_callback(client, consent, cookie="schedulo_oidc=someone-elses")
    )
    # ...and the state is spent: the browser that started cannot use it either now.
    assert "already used" in refused(google_callback(client, consent))
    without = google_consent(client, unique_email())
    assert "another browser" in refused(google_callback(client, without, cookie=""))


def test_a_refusal_at_google_and_a_missing_code_are_pages_saying_so(client, sandbox):
    denied = client.http.get("/v1/auth/oidc/google/callback?error=access_denied&state=x")
    assert "Google did not sign you in: access_denied" in refused(denied)
    assert "lacks a code" in refused(client.http.get("/v1/auth/oidc/google/callback"))


def test_a_provider_not_set_up_is_not_found(client, aws, monkeypatch):
    from chalicelib.settings import get_settings

    monkeypatch.delenv("SCHEDULO_SANDBOX_URL", raising=False)
    monkeypatch.delenv("SCHEDULO_GOOGLE_CLIENT_ID", raising=False)
    get_settings.cache_clear()
    assert call(client, "GET", "/v1/auth/oidc").json == {"providers": []}
    started = call(client, "POST", "/v1/auth/oidc/google/start", {})
    assert started.status_code == 404
    assert call(client, "POST", "/v1/auth/oidc/apple/start", {}).status_code == 404


def test_start_refuses_a_redirect_to_another_site(client, sandbox):
    started = call(
        client, "POST", "/v1/auth/oidc/google/start", {"redirect_to": "//evil.example/x"}
    )
    assert started.status_code == 422
    assert started.json["error"]["details"][0]["field"] == "redirect_to"


def test_the_client_secret_may_come_from_secrets_manager(client, sandbox, monkeypatch):
    """A deployment keeps the secret out of the functions' environment."""
    from chalicelib.aws import client as aws_client
    from chalicelib.settings import get_settings

    monkeypatch.setenv("SCHEDULO_OIDC_ISSUER", f"{sandbox.url}/google")
    monkeypatch.setenv("SCHEDULO_GOOGLE_CLIENT_ID", "schedulo-deployed")
    monkeypatch.delenv("SCHEDULO_SANDBOX_URL")  # no sandbox defaults: settings as deployed
    get_settings.cache_clear()
    consent = google_consent(client, unique_email())
    assert "Google is not fully set up" in refused(google_callback(client, consent))

    # `make deploy GOOGLE_CLIENT_SECRET=...` puts it in the app's one secret of keys.
    manager, name = aws_client("secretsmanager"), get_settings().google_client_secret_name
    provisioned = manager.get_secret_value(SecretId=name)["SecretString"]
    keys = {**json.loads(provisioned), "google_client_secret": "kept-in-secrets-manager"}
    manager.put_secret_value(SecretId=name, SecretString=json.dumps(keys))
    try:
        signed_in(client, google_callback(client, google_consent(client, unique_email())))
        exchange = sandbox.calls_to("/google/token")[-1]
        assert exchange.form["client_id"] == "schedulo-deployed"
        assert exchange.form["client_secret"] == "kept-in-secrets-manager"
    finally:
        manager.put_secret_value(SecretId=name, SecretString=provisioned)
        oidc.forget_documents()
