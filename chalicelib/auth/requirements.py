"""What a person must have done before some things: proven their email (to invite, to
connect accounts, to be an operator) and, in a workspace that asks for it, turned on
two-factor sign-in. Each refusal is a 403 with a code of its own, so the web app can say
what to do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.errors import Forbidden

if TYPE_CHECKING:
    from chalicelib.auth.principal import Principal
    from chalicelib.store.users import UserRecord


class EmailUnverified(Forbidden):
    code = "email_unverified"


class TwoFactorRequired(Forbidden):
    code = "two_factor_required"


def require_verified_email(user: UserRecord, to: str) -> None:
    """403 `email_unverified` unless the user's address is proven; `to` says what for
    ("invite people")."""
    if not user.email_verified_at:
        raise EmailUnverified(
            f"Verify your email to {to}: follow the link we sent to {user.email} "
            "(POST /v1/auth/email-verification sends another)."
        )


def require_verified_caller(principal: Principal, to: str) -> None:
    """The same for the caller: a signed-in user, or the person behind an API key."""
    if principal.is_api_key:
        from chalicelib.store.users import get_user

        person = get_user(principal.key_person, consistent=True) if principal.key_person else None
        if person is None:
            raise Forbidden(f"This API key's owner cannot {to} any more.")
        require_verified_email(person, to)
        return
    require_verified_email(principal.user(), to)


def require_two_factor(user: UserRecord) -> None:
    if not user.two_factor_enabled:
        raise TwoFactorRequired(
            "This workspace requires two-factor sign-in: turn it on in Settings, Your "
            "account (POST /v1/auth/2fa/enrol) before using it."
        )
