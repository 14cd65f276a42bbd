"""Email verification, password reset and change (issue 23), through the API as a user
takes them: the link is read from the email SES was asked to send."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from chalicelib.people import email_links
from chalicelib.store.base import utcnow
from tests.support.factories import PASSWORD, call, signup, unique_email
from tests.support.mail import last_link, sent_messages

VERIFY_LINK = re.compile(r"https?://\S+/verify-email\?token=(\S+)")
RESET_LINK = re.compile(r"https?://\S+/reset-password\?token=(\S+)")
NEW_PASSWORD = "a brand new passphrase"


def me(client, headers):  # type: ignore[no-untyped-def]
    return call(client, "GET", "/v1/me", headers=headers)


def login(client, email, password):  # type: ignore[no-untyped-def]
    return call(client, "POST", "/v1/auth/login", {"email": email, "password": password})


def test_sign_up_emails_a_link_that_verifies_the_address_once(client):
    user = signup(client, verified=False)
    assert me(client, user.headers).json["user"]["email_verified"] is False
    token = last_link(user.email, VERIFY_LINK).group(1)

    confirmed = call(client, "POST", "/v1/auth/email-verification/confirm", {"token": token})
    assert confirmed.status_code == 200, confirmed.body
    assert confirmed.json["email_verified"] is True
    assert me(client, user.headers).json["user"]["email_verified"] is True

    again = call(client, "POST", "/v1/auth/email-verification/confirm", {"token": token})
    assert again.status_code == 422
    assert again.json["error"]["details"][0]["field"] == "token"


def test_a_new_verification_link_can_be_asked_for_a_few_times_an_hour(client):
    user = signup(client)
    for _ in range(email_links.MAX_VERIFICATIONS_PER_USER - 1):  # sign-up sent the first
        sent = call(client, "POST", "/v1/auth/email-verification", headers=user.headers)
        assert sent.status_code == 202, sent.body
        assert user.email in sent.json["message"]
    assert len(sent_messages(user.email)) == email_links.MAX_VERIFICATIONS_PER_USER
    refused = call(client, "POST", "/v1/auth/email-verification", headers=user.headers)
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    assert call(client, "POST", "/v1/auth/email-verification").status_code == 401


def test_a_verification_link_expires_after_three_days(client, monkeypatch):
    user = signup(client, verified=False)
    token = last_link(user.email, VERIFY_LINK).group(1)
    later = utcnow() + timedelta(days=3, seconds=1)
    monkeypatch.setattr(email_links, "utcnow", lambda: later)
    expired = call(client, "POST", "/v1/auth/email-verification/confirm", {"token": token})
    assert expired.status_code == 422
    assert "expired" in expired.json["error"]["message"]


def test_a_reset_sets_the_password_once_and_ends_every_session(client):
    user = signup(client)
    asked = call(client, "POST", "/v1/auth/password-reset", {"email": user.email})
    assert asked.status_code == 202, asked.body
    token = last_link(user.email, RESET_LINK).group(1)

    reset = call(
        client,
        "POST",
        "/v1/auth/password-reset/confirm",
        {"token": token, "password": NEW_PASSWORD},
    )
    assert reset.status_code == 204, reset.body
    assert me(client, user.headers).status_code == 401  # the access token ended too
    refreshed = call(client, "POST", "/v1/auth/refresh", {"refresh_token": user.refresh_token})
    assert refreshed.status_code == 401
    assert login(client, user.email, PASSWORD).status_code == 401
    signed_in = login(client, user.email, NEW_PASSWORD)
    assert signed_in.status_code == 200
    headers = {"Authorization": f"Bearer {signed_in.json['access_token']}"}
    assert me(client, headers).json["user"]["email_verified"] is True  # the link proved it

    reused = call(
        client,
        "POST",
        "/v1/auth/password-reset/confirm",
        {"token": token, "password": "yet another passphrase"},
    )
    assert reused.status_code == 422
    assert reused.json["error"]["details"][0]["field"] == "token"


def test_asking_for_a_reset_does_not_tell_whether_the_address_has_an_account(client):
    user = signup(client)
    stranger = unique_email("nobody")
    known = call(client, "POST", "/v1/auth/password-reset", {"email": user.email})
    unknown = call(client, "POST", "/v1/auth/password-reset", {"email": stranger})
    assert (known.status_code, unknown.status_code) == (202, 202)
    assert known.json["message"].replace(user.email, "X") == unknown.json["message"].replace(
        stranger, "X"
    )
    assert sent_messages(stranger) == []
    # Past three an hour for one address, quietly no more emails (and the same answer).
    for _ in range(email_links.MAX_RESETS_PER_EMAIL + 1):
        assert (
            call(client, "POST", "/v1/auth/password-reset", {"email": user.email}).status_code
            == 202
        )
    resets = [m for m in sent_messages(user.email) if RESET_LINK.search(m)]
    assert len(resets) == email_links.MAX_RESETS_PER_EMAIL


def test_a_reset_link_lasts_thirty_minutes(client, monkeypatch):
    user = signup(client)
    call(client, "POST", "/v1/auth/password-reset", {"email": user.email})
    token = last_link(user.email, RESET_LINK).group(1)
    later = utcnow() + timedelta(minutes=30, seconds=1)
    monkeypatch.setattr(email_links, "utcnow", lambda: later)
    body = {"token": token, "password": NEW_PASSWORD}
    assert call(client, "POST", "/v1/auth/password-reset/confirm", body).status_code == 422
    assert login(client, user.email, PASSWORD).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"token": "x", "password": "short"}, "password"),
        ({"token": "x", "password": "1234567890"}, "password"),
        ({"password": NEW_PASSWORD}, "token"),
        ({"token": "", "password": NEW_PASSWORD}, "token"),
        ({"token": "not-a-link", "password": NEW_PASSWORD}, "token"),
    ],
)
def test_a_bad_reset_names_the_field(client, body, field):
    response = call(client, "POST", "/v1/auth/password-reset/confirm", body)
    assert response.status_code == 422, response.body
    assert response.json["error"]["details"][0]["field"] == field


def test_changing_the_password_checks_the_current_one_and_ends_the_other_sessions(client):
    user = signup(client)
    other_device = login(client, user.email, PASSWORD).json
    wrong = call(
        client,
        "POST",
        "/v1/auth/password",
        {"current_password": "not my password", "new_password": NEW_PASSWORD},
        user.headers,
    )
    assert wrong.status_code == 422
    assert wrong.json["error"]["details"][0]["field"] == "current_password"
    weak = call(
        client,
        "POST",
        "/v1/auth/password",
        {"current_password": PASSWORD, "new_password": "password123"},
        user.headers,
    )
    assert weak.status_code == 422
    assert weak.json["error"]["details"][0]["field"] == "new_password"

    changed = call(
        client,
        "POST",
        "/v1/auth/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        user.headers,
    )
    assert changed.status_code == 200, changed.body
    fresh = {"Authorization": f"Bearer {changed.json['access_token']}"}
    assert me(client, fresh).status_code == 200
    assert me(client, user.headers).status_code == 401
    stale = {"Authorization": f"Bearer {other_device['access_token']}"}
    assert me(client, stale).status_code == 401
    assert login(client, user.email, NEW_PASSWORD).status_code == 200


def test_a_verification_link_for_an_address_no_longer_the_users_is_refused(client):
    from chalicelib.store.users import UserRecord

    user = signup(client, verified=False)
    token = last_link(user.email, VERIFY_LINK).group(1)
    UserRecord(user.user_id).update([UserRecord.email.set(unique_email("moved"))])
    response = call(client, "POST", "/v1/auth/email-verification/confirm", {"token": token})
    assert response.status_code == 422
