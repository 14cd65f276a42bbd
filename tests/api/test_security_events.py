"""Security events (issue 23: "immediate for ... security events"): each is told at
once in-app (a notification only the user sees) and by email in the security category,
which has no unsubscribe link and cannot be turned off. Through the API as a user takes
the actions; mail is read from what SES was asked to send."""

from __future__ import annotations

import re

from tests.api.test_sessions import CHANGE_LINK, FIREFOX_LINUX, SAFARI_IPHONE, change_email
from tests.api.test_two_factor import clock, code, enrol, verify  # noqa: F401
from tests.api.test_two_factor import login as login_2fa
from tests.support.factories import (
    PASSWORD,
    SignedUp,
    add_member,
    bearer,
    call,
    signup,
    unique_email,
)
from tests.support.mail import last_link, sent_mime, text_part

RESET_LINK = re.compile(r"https?://\S+/reset-password\?token=(\S+)")
NEW_PASSWORD = "a brand new passphrase 42"


def sign_in(client, email: str, agent: str | None = None, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    headers = {"User-Agent": agent} if agent else {}
    answer = call(client, "POST", "/v1/auth/login", {"email": email, "password": password}, headers)
    assert answer.status_code == 200, answer.body
    return answer.json


def security_mail(to: str, kind_title: str) -> list:  # type: ignore[type-arg]
    """The security emails to `to` whose subject starts with `kind_title`."""
    return [m for m in sent_mime(to) if str(m["Subject"]).startswith(kind_title)]


def inbox_kinds(client, user: SignedUp, token: str | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    headers = bearer(token) if token else user.headers
    answer = call(
        client, "GET", f"/v1/workspaces/{user.workspace_id}/notifications", headers=headers
    )
    assert answer.status_code == 200, answer.body
    return [n["kind"] for n in answer.json["items"]]


def assert_security_email(message) -> None:  # type: ignore[no-untyped-def]
    text = text_part(message)
    assert "cannot be turned off" in text
    assert "List-Unsubscribe" not in message  # nothing to unsubscribe from
    assert "/settings/account" in text


def test_a_sign_in_from_a_new_device_is_told_but_not_one_from_a_known_device(client):
    user = signup(client)  # an API client (the test client sends no User-Agent)
    sign_in(client, user.email)  # the same device again: nothing to tell
    assert security_mail(user.email, "New sign-in") == []

    phone = sign_in(client, user.email, agent=SAFARI_IPHONE)
    [told] = security_mail(user.email, "New sign-in")
    assert "Safari on iOS" in text_part(told)
    assert_security_email(told)
    assert inbox_kinds(client, user, phone["access_token"]).count("security.new_device") == 1

    sign_in(client, user.email, agent=SAFARI_IPHONE)  # known now
    sign_in(client, user.email, agent=FIREFOX_LINUX)
    assert len(security_mail(user.email, "New sign-in")) == 2


def test_security_notices_are_only_the_users_own(client):
    user = signup(client)
    admin = add_member(client, user, "admin")
    sign_in(client, admin.email, agent=FIREFOX_LINUX)
    assert "security.new_device" in inbox_kinds(client, admin)
    assert "security.new_device" not in inbox_kinds(client, user)


def test_a_changed_password_is_told(client):
    user = signup(client)
    changed = call(
        client,
        "POST",
        "/v1/auth/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        user.headers,
    )
    assert changed.status_code == 200, changed.body
    [told] = security_mail(user.email, "Your password was changed")
    assert_security_email(told)
    assert "security.password_changed" in inbox_kinds(client, user, changed.json["access_token"])


def test_a_password_reset_is_told(client):
    user = signup(client)
    assert call(client, "POST", "/v1/auth/password-reset", {"email": user.email}).status_code == 202
    token = last_link(user.email, RESET_LINK).group(1)
    reset = call(
        client,
        "POST",
        "/v1/auth/password-reset/confirm",
        {"token": token, "password": NEW_PASSWORD},
    )
    assert reset.status_code == 204, reset.body
    [told] = security_mail(user.email, "Your password was reset")
    assert_security_email(told)


def test_a_change_of_email_is_told_when_asked_and_to_both_addresses_when_made(client):
    user = signup(client)
    new_email = unique_email("moved")
    assert change_email(client, user, new_email).status_code == 202
    [asked] = security_mail(user.email, "Your Schedulo email is being changed")
    assert new_email in text_part(asked)
    assert_security_email(asked)
    assert "security.email_change_requested" in inbox_kinds(client, user)

    token = last_link(new_email, CHANGE_LINK).group(1)
    assert call(client, "POST", "/v1/auth/email/confirm", {"token": token}).status_code == 200
    [to_old] = security_mail(user.email, "Your Schedulo email was changed")
    [to_new] = security_mail(new_email, "Your Schedulo email was changed")
    assert new_email in text_part(to_old) and user.email in text_part(to_new)
    assert "security.email_changed" in inbox_kinds(client, user)


def test_two_factor_on_off_and_a_recovery_code_used_are_told(client, clock):  # noqa: F811
    user = signup(client)
    secret, recovery = enrol(client, user, clock)
    [on] = security_mail(user.email, "Two-factor sign-in is on")
    assert_security_email(on)

    answered = verify(client, login_2fa(client, user).json["challenge"], recovery[0])
    assert answered.status_code == 200, answered.body
    [used] = security_mail(user.email, "A recovery code was used")
    assert "9 left" in text_part(used)

    off = call(client, "POST", "/v1/auth/2fa/disable", {"code": code(secret, clock)}, user.headers)
    assert off.status_code == 204, off.body
    [gone] = security_mail(user.email, "Two-factor sign-in is off")
    assert_security_email(gone)
    kinds = inbox_kinds(client, user, answered.json["access_token"])
    for kind in ("two_factor_enabled", "recovery_code_used", "two_factor_disabled"):
        assert f"security.{kind}" in kinds


def test_signing_out_everywhere_is_told(client):
    user = signup(client)
    ended = call(client, "POST", "/v1/auth/sign-out-everywhere", headers=user.headers)
    assert ended.status_code == 204, ended.body
    [told] = security_mail(user.email, "You were signed out everywhere")
    assert_security_email(told)
    fresh = sign_in(client, user.email)
    assert "security.signed_out_everywhere" in inbox_kinds(client, user, fresh["access_token"])


def test_security_emails_cannot_be_turned_off(client):
    user = signup(client)
    path = f"/v1/workspaces/{user.workspace_id}/notification-preferences"
    refused = call(client, "PUT", path, {"immediate": {"security": False}}, user.headers)
    assert refused.status_code == 422
    assert "security" in refused.json["error"]["details"][0]["field"]
    off = {"failures": False, "connections": False, "approvals": False}
    quiet = call(client, "PUT", path, {"immediate": off, "digest": "off"}, user.headers)
    assert quiet.status_code == 200, quiet.body
    sign_in(client, user.email, agent=FIREFOX_LINUX)
    assert len(security_mail(user.email, "New sign-in")) == 1
