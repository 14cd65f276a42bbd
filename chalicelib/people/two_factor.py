"""Optional two-factor sign-in with an authenticator app (TOTP, chalicelib/auth/totp.py).

Enrolment: a new secret (sealed by the vault, bound to the user) is shown as a QR code;
it counts only once a code from it is confirmed, which also hands out 10 recovery codes
(only their digests are kept; each works once). Turning it off takes a code too.

Signing in: once the password (or Google) checks out, a user with two-factor on gets a
challenge instead of tokens: a random secret, kept by its digest for 5 minutes, traded
with a code for the session. Codes tried are counted per user (10 per 15 minutes, 429
beyond). A code is accepted for one time step only once: the last step used is kept and
written with a condition, so two requests with one code cannot both pass.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from pynamodb.exceptions import UpdateError

from chalicelib.auth import totp
from chalicelib.auth.secrets import digest, new_secret
from chalicelib.errors import Conflict, RateLimited, ValidationFailed
from chalicelib.people import security
from chalicelib.store import email_links, rate_limits
from chalicelib.store.audit import audit_event, record_events
from chalicelib.store.base import iso, utcnow
from chalicelib.store.members import memberships_of
from chalicelib.store.users import UserRecord, get_user

if TYPE_CHECKING:
    from pynamodb.expressions.condition import Condition

CHALLENGE = "two_factor"
CHALLENGE_LIFETIME = timedelta(minutes=5)
MAX_WRONG_CODES, WRONG_CODES_WINDOW = 10, 15 * 60
BAD_CODE = "That code is not right (or was already used); try the next one."
VAULT_SCOPE = "two-factor"


def _seal(user_id: str, secret: str) -> str:
    from chalicelib.oauth.vault import vault

    return vault().seal(VAULT_SCOPE, user_id, {"totp": secret})


def _open(user_id: str, sealed: str) -> str:
    from chalicelib.oauth.vault import vault

    return str(vault().open(VAULT_SCOPE, user_id, sealed)["totp"])


def _bad_code(field: str = "code") -> ValidationFailed:
    return ValidationFailed(BAD_CODE, [{"field": field, "message": "not right, or already used"}])


def _count_attempt(user_id: str) -> None:
    taken = rate_limits.take([(f"2fa:{user_id}", MAX_WRONG_CODES)], WRONG_CODES_WINDOW)
    if not taken.ok:
        raise RateLimited(
            f"Too many codes tried. Try again in {taken.retry_after} seconds.", taken.retry_after
        )


def begin_enrolment(user: UserRecord) -> tuple[str, str, str]:
    """A new secret for the user's app: (secret, otpauth URI, SVG QR code). 409 when
    two-factor is on already (turn it off first)."""
    if user.two_factor_enabled:
        raise Conflict("Two-factor sign-in is on already; turn it off first to start again.")
    secret = totp.new_secret()
    UserRecord(user.user_id).update(
        [UserRecord.two_factor_pending.set(_seal(user.user_id, secret))],
        condition=UserRecord.email.exists(),
    )
    uri = totp.otpauth_uri(secret, user.email or user.user_id)
    return secret, uri, totp.qr_svg(uri)


def confirm_enrolment(user: UserRecord, code: str) -> list[str]:
    """Turn two-factor on with a code from the enrolled secret; the recovery codes."""
    if user.two_factor_enabled:
        raise Conflict("Two-factor sign-in is on already.")
    if not user.two_factor_pending:
        raise ValidationFailed(
            "Start by adding Schedulo to your authenticator app (enrol) first.",
            [{"field": "code", "message": "no enrolment in progress"}],
        )
    _count_attempt(user.user_id)
    secret = _open(user.user_id, user.two_factor_pending)
    step = totp.matching_step(secret, code, totp.now())
    if step is None:
        raise _bad_code()
    codes = totp.new_recovery_codes()
    try:
        UserRecord(user.user_id).update(
            [
                UserRecord.two_factor_secret.set(user.two_factor_pending),
                UserRecord.two_factor_pending.remove(),
                UserRecord.two_factor_enabled_at.set(iso(utcnow())),
                UserRecord.two_factor_step.set(step),
                UserRecord.recovery_codes.set(cast(Any, [totp.recovery_digest(c) for c in codes])),
            ],
            condition=UserRecord.two_factor_pending == user.two_factor_pending,
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise Conflict("The enrolment changed meanwhile; start again.") from None
        raise
    _audit(user.user_id, "user.two_factor_enabled")
    security.tell(
        user,
        "security.two_factor_enabled",
        "Two-factor sign-in is on",
        f"Signing in to your Schedulo account {user.email} now asks for a code from your "
        f"authenticator app (or a recovery code). {security.IF_NOT_YOU}",
    )
    return codes


def disable(user: UserRecord, code: str) -> None:
    """Turn two-factor off; a code from the app or a recovery code proves it is the user."""
    if not user.two_factor_enabled:
        raise Conflict("Two-factor sign-in is not on.")
    check_code(user, code)
    UserRecord(user.user_id).update(
        [
            UserRecord.two_factor_secret.remove(),
            UserRecord.two_factor_pending.remove(),
            UserRecord.two_factor_enabled_at.remove(),
            UserRecord.two_factor_step.remove(),
            UserRecord.recovery_codes.remove(),
        ],
        condition=UserRecord.email.exists(),
    )
    _audit(user.user_id, "user.two_factor_disabled")
    security.tell(
        user,
        "security.two_factor_disabled",
        "Two-factor sign-in is off",
        f"Signing in to your Schedulo account {user.email} no longer asks for a code: the "
        f"password alone is enough. {security.IF_NOT_YOU}",
    )


def check_code(user: UserRecord, code: str) -> None:
    """Spend a code of the user's: a TOTP code of a step not used yet, or one of the
    recovery codes (which is then gone). 422 naming `code` otherwise; tries are
    counted (429 past 10 in 15 minutes)."""
    _count_attempt(user.user_id)
    assert user.two_factor_secret is not None
    secret = _open(user.user_id, user.two_factor_secret)
    last = int(user.two_factor_step) if user.two_factor_step is not None else -1
    step = totp.matching_step(secret, code, totp.now(), after_step=last)
    if step is not None:
        condition: Condition = UserRecord.two_factor_step.does_not_exist() | (
            UserRecord.two_factor_step < step
        )
        if _update(user.user_id, [UserRecord.two_factor_step.set(step)], condition):
            return
        raise _bad_code()
    if totp.looks_like_recovery_code(code):
        wanted = totp.recovery_digest(code)
        stored = [str(c) for c in user.recovery_codes or []]
        if wanted in stored:
            index = stored.index(wanted)
            if _update(
                user.user_id,
                [UserRecord.recovery_codes[index].remove()],
                UserRecord.recovery_codes[index] == wanted,
            ):
                _audit(user.user_id, "user.recovery_code_used")
                left = len(stored) - 1
                security.tell(
                    user,
                    "security.recovery_code_used",
                    "A recovery code was used",
                    f"One of the recovery codes of your Schedulo account {user.email} was "
                    f"used; {left} left. {security.IF_NOT_YOU}",
                )
                return
    raise _bad_code()


def _update(user_id: str, actions: list, condition: Condition) -> bool:
    try:
        UserRecord(user_id).update(actions, condition=condition)
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def new_challenge(user: UserRecord) -> str:
    """A challenge for the second step of signing in (5 minutes, once)."""
    secret = new_secret()
    expires = int((utcnow() + CHALLENGE_LIFETIME).timestamp())
    email_links.save_link(digest(secret), CHALLENGE, user.user_id, user.email or "", expires)
    return secret


def answer_challenge(challenge: str, code: str) -> UserRecord:
    """The user whose challenge this is, once the code checks out; the challenge is
    spent then (a wrong code leaves it, for another try)."""
    now = int(utcnow().timestamp())
    secret_digest = digest(challenge) if challenge else ""
    link = email_links.find_link(secret_digest, CHALLENGE, now) if challenge else None
    user = get_user(link.owner, consistent=True) if link else None
    if link is None or user is None or not user.two_factor_enabled:
        raise ValidationFailed(
            "This sign-in has expired; sign in again.",
            [{"field": "challenge", "message": "expired or already used"}],
        )
    check_code(user, code)
    if email_links.spend_link(secret_digest, CHALLENGE, now) is None:
        raise ValidationFailed(
            "This sign-in was already completed; sign in again.",
            [{"field": "challenge", "message": "already used"}],
        )
    return user


def recovery_codes_left(user: UserRecord) -> int:
    return len(user.recovery_codes or [])


def _audit(user_id: str, action: str) -> None:
    record_events(
        [audit_event(m.workspace_id, action, actor=user_id) for m in memberships_of(user_id)]
    )
