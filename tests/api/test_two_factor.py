"""Optional two-factor sign-in (issue 23) through the API: enrolment with a QR code,
recovery codes, the second step of signing in, turning it off, and a workspace that
requires it. Codes are computed from the clock the server reads (frozen here, moved by
whole steps), never from the wall clock's luck."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from chalicelib.auth import totp
from tests.support.factories import SignedUp, add_member, call, signup


@dataclass
class Clock:
    at: float

    def step(self) -> int:
        return totp.step_of(self.at)

    def tick(self, steps: int = 1) -> None:
        self.at += steps * totp.STEP_SECONDS


@pytest.fixture
def clock(monkeypatch):
    frozen = Clock(totp.now())
    monkeypatch.setattr(totp, "now", lambda: frozen.at)
    return frozen


def code(secret: str, clock: Clock, offset: int = 0) -> str:
    return totp.code_at(secret, clock.step() + offset)


def enrol(client, user: SignedUp, clock: Clock) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    """Two-factor on for `user`: the secret and the recovery codes."""
    started = call(client, "POST", "/v1/auth/2fa/enrol", headers=user.headers)
    assert started.status_code == 200, started.body
    secret = started.json["secret"]
    confirmed = call(
        client, "POST", "/v1/auth/2fa/confirm", {"code": code(secret, clock)}, user.headers
    )
    assert confirmed.status_code == 200, confirmed.body
    clock.tick()  # the step just used is spent
    return secret, confirmed.json["recovery_codes"]


def login(client, user: SignedUp):  # type: ignore[no-untyped-def]
    return call(client, "POST", "/v1/auth/login", {"email": user.email, "password": user.password})


def verify(client, challenge: str, answer: str):  # type: ignore[no-untyped-def]
    return call(client, "POST", "/v1/auth/2fa/verify", {"challenge": challenge, "code": answer})


def test_enrolment_shows_a_qr_code_and_counts_once_confirmed_with_a_code(client, clock):
    user = signup(client)
    assert call(client, "GET", "/v1/auth/2fa", headers=user.headers).json["enabled"] is False
    started = call(client, "POST", "/v1/auth/2fa/enrol", headers=user.headers).json
    secret = started["secret"]
    assert started["otpauth_uri"].startswith("otpauth://totp/Schedulo:")
    assert (
        f"secret={secret}" in started["otpauth_uri"] and "issuer=Schedulo" in started["otpauth_uri"]
    )
    assert started["qr_svg"].startswith("<svg") and "<path" in started["qr_svg"]
    status = call(client, "GET", "/v1/auth/2fa", headers=user.headers).json
    assert (status["enabled"], status["enrolling"]) == (False, True)
    assert login(client, user).json["two_factor_required"] is False  # not before confirming

    wrong = call(client, "POST", "/v1/auth/2fa/confirm", {"code": "000000"}, user.headers)
    if wrong.status_code == 200:  # one chance in a million the right code was 000000
        pytest.skip("000000 happened to be the code")
    assert wrong.status_code == 422
    assert wrong.json["error"]["details"][0]["field"] == "code"

    confirmed = call(
        client, "POST", "/v1/auth/2fa/confirm", {"code": code(secret, clock)}, user.headers
    )
    assert confirmed.status_code == 200, confirmed.body
    recovery = confirmed.json["recovery_codes"]
    assert len(recovery) == 10 and len(set(recovery)) == 10
    status = call(client, "GET", "/v1/auth/2fa", headers=user.headers).json
    assert (status["enabled"], status["recovery_codes_left"]) == (True, 10)
    again = call(client, "POST", "/v1/auth/2fa/enrol", headers=user.headers)
    assert again.status_code == 409
    # Only digests are kept: no recovery code is in the user's record.
    from chalicelib.store.users import get_user

    record = get_user(user.user_id, consistent=True)
    assert record is not None
    assert not set(recovery) & set(record.recovery_codes or [])
    assert secret not in (record.two_factor_secret or "")


def test_sign_in_asks_for_a_code_after_the_password(client, clock):
    user = signup(client)
    secret, _ = enrol(client, user, clock)

    first = login(client, user)
    assert first.status_code == 200, first.body
    assert first.json["two_factor_required"] is True
    assert first.json["access_token"] is None and first.json["refresh_token"] is None
    challenge = first.json["challenge"]

    wrong = verify(client, challenge, str((int(code(secret, clock)) + 1) % 10**6).zfill(6))
    assert wrong.status_code == 422
    assert wrong.json["error"]["details"][0]["field"] == "code"
    answered = verify(client, challenge, code(secret, clock))
    assert answered.status_code == 200, answered.body
    me = call(
        client,
        "GET",
        "/v1/me",
        headers={"Authorization": f"Bearer {answered.json['access_token']}"},
    )
    assert me.json["user"]["id"] == user.user_id
    assert answered.json["refresh_token"]

    # The challenge is spent, and so is the code's step: a replay in a new sign-in fails.
    reused = verify(client, challenge, code(secret, clock, offset=1))
    assert reused.status_code == 422
    assert reused.json["error"]["details"][0]["field"] == "challenge"
    replay = verify(client, login(client, user).json["challenge"], code(secret, clock))
    assert replay.status_code == 422
    assert replay.json["error"]["details"][0]["field"] == "code"


@pytest.mark.parametrize(("offset", "accepted"), [(-1, True), (1, True), (-2, False), (2, False)])
def test_a_code_one_step_either_side_is_accepted_two_is_not(client, clock, offset, accepted):
    user = signup(client)
    secret, _ = enrol(client, user, clock)
    clock.tick(2)  # past the steps spent by enrolment, so that -2 is only about drift
    answered = verify(client, login(client, user).json["challenge"], code(secret, clock, offset))
    assert (answered.status_code == 200) is accepted, answered.body


def test_a_recovery_code_signs_in_once(client, clock):
    user = signup(client)
    _, recovery = enrol(client, user, clock)
    answered = verify(client, login(client, user).json["challenge"], recovery[3].upper())
    assert answered.status_code == 200, answered.body
    again = verify(client, login(client, user).json["challenge"], recovery[3])
    assert again.status_code == 422
    status = call(client, "GET", "/v1/auth/2fa", headers=user.headers).json
    assert status["recovery_codes_left"] == 9


def test_codes_tried_are_limited(client, clock):
    user = signup(client)
    secret, _ = enrol(client, user, clock)  # one try
    challenge = login(client, user).json["challenge"]
    wrong = str((int(code(secret, clock)) + 1) % 10**6).zfill(6)
    statuses = [verify(client, challenge, wrong).status_code for _ in range(10)]
    assert statuses == [422] * 9 + [429]
    limited = verify(client, challenge, code(secret, clock))
    assert limited.status_code == 429
    assert "Retry-After" in limited.headers


def test_turning_it_off_takes_a_code(client, clock):
    user = signup(client)
    secret, _ = enrol(client, user, clock)
    refused = call(client, "POST", "/v1/auth/2fa/disable", {"code": "12345"}, user.headers)
    assert refused.status_code == 422
    off = call(client, "POST", "/v1/auth/2fa/disable", {"code": code(secret, clock)}, user.headers)
    assert off.status_code == 204, off.body
    signed_in = login(client, user)
    assert signed_in.json["two_factor_required"] is False
    assert signed_in.json["access_token"]
    assert call(client, "GET", "/v1/auth/2fa", headers=user.headers).json["enabled"] is False


def test_a_workspace_can_require_it_of_its_members(client, clock):
    owner = signup(client)
    editor = add_member(client, owner, "editor")
    path = f"/v1/workspaces/{owner.workspace_id}/two-factor"
    # The owner turns it on for themselves first.
    assert call(client, "PUT", path, {"required": True}, owner.headers).status_code == 409
    enrol(client, owner, clock)
    assert call(client, "PUT", path, {"required": True}, editor.headers).status_code == 403
    required = call(client, "PUT", path, {"required": True}, owner.headers)
    assert required.json == {"required": True}

    posts = f"/v1/workspaces/{owner.workspace_id}/posts"
    refused = call(client, "GET", posts, headers=editor.headers)
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "two_factor_required"
    assert "two-factor" in refused.json["error"]["message"]
    me = call(client, "GET", "/v1/me", headers=editor.headers)  # they can still enrol
    assert me.status_code == 200
    shared = next(w for w in me.json["workspaces"] if w["id"] == owner.workspace_id)
    assert shared["two_factor_required"] is True
    # Their own workspace does not require it.
    assert call(client, "GET", "/v1/me", headers=owner.headers).status_code == 200

    enrol(client, editor, clock)
    assert call(client, "GET", posts, headers=editor.headers).status_code == 200
    assert call(client, "GET", posts, headers=owner.headers).status_code == 200
    assert call(client, "PUT", path, {"required": False}, owner.headers).json == {"required": False}


def test_a_google_sign_in_of_a_user_with_two_factor_asks_for_the_code(client, clock, aws):
    from urllib.parse import parse_qs, urlsplit

    from chalicelib.auth import oidc
    from tests.support.oidc import google_callback, google_consent
    from tests.support.sandbox import running_sandbox

    oidc.forget_documents()
    with running_sandbox():
        user = signup(client)
        secret, _ = enrol(client, user, clock)
        from chalicelib.store.base import iso, utcnow
        from chalicelib.store.users import UserRecord

        UserRecord(user.user_id).update([UserRecord.email_verified_at.set(iso(utcnow()))])
        response = google_callback(client, google_consent(client, user.email))
        assert response.status_code == 302, response.body
        assert "Set-Cookie" not in response.headers  # no session before the code
        target = urlsplit(response.headers["Location"])
        assert target.path == "/login"
        challenge = parse_qs(target.query)["challenge"][0]
        answered = verify(client, challenge, code(secret, clock))
        assert answered.status_code == 200, answered.body
    oidc.forget_documents()
