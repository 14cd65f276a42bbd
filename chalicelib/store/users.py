"""People who sign in. An email belongs to one user: a claim item keyed by the email,
written in the same transaction as the user with a does-not-exist condition."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.expressions.condition import Condition

from chalicelib.store.base import StoredModel, table_meta

_EMAIL_CLAIM = "email#"


class UserRecord(StoredModel):
    Meta = table_meta("users")

    user_id = UnicodeAttribute(hash_key=True)
    # User items carry these; email claim items carry only `claimed_by`.
    email = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    password_hash = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(null=True)
    claimed_by = UnicodeAttribute(null=True)


def email_claim(email: str, user_id: str) -> UserRecord:
    """The item that reserves `email` (normalised) for `user_id`."""
    return UserRecord(f"{_EMAIL_CLAIM}{email}", claimed_by=user_id)


def claim_condition() -> Condition:
    return UserRecord.user_id.does_not_exist()


def get_user(user_id: str) -> UserRecord | None:
    if user_id.startswith(_EMAIL_CLAIM):
        return None
    try:
        return UserRecord.get(user_id)
    except UserRecord.DoesNotExist:
        return None


def find_by_email(email: str) -> UserRecord | None:
    """The user holding `email` (normalised), read consistently through its claim."""
    try:
        claim = UserRecord.get(f"{_EMAIL_CLAIM}{email}", consistent_read=True)
    except UserRecord.DoesNotExist:
        return None
    return get_user(claim.claimed_by) if claim.claimed_by else None
