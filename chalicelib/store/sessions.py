"""Refresh tokens. Each sign-in starts a family; every refresh spends one token of the
family and adds the next. Spending a token twice revokes the family."""

from __future__ import annotations

from datetime import timedelta

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.exceptions import UpdateError

from chalicelib.store.base import StoredModel, iso, table_meta, utcnow

REFRESH_LIFETIME = timedelta(days=30)


class SessionRecord(StoredModel):
    """A family (`kind="family"`) or one refresh token of a family (`kind="token"`)."""

    Meta = table_meta("sessions")

    session_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()
    user_id = UnicodeAttribute()
    family_id = UnicodeAttribute(null=True)
    secret_hash = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    used_at = UnicodeAttribute(null=True)
    revoked_at = UnicodeAttribute(null=True)
    # A family's: the user's token generation when it began (absent: 0); a family of an
    # older generation than the user's ("sign out everywhere") cannot refresh.
    generation = NumberAttribute(null=True)
    ttl = TTLAttribute()


def get_session(session_id: str) -> SessionRecord | None:
    try:
        return SessionRecord.get(session_id, consistent_read=True)
    except SessionRecord.DoesNotExist:
        return None


def new_family(family_id: str, user_id: str, generation: int = 0) -> SessionRecord:
    now = utcnow()
    return SessionRecord(
        family_id,
        kind="family",
        user_id=user_id,
        created_at=iso(now),
        generation=generation,
        ttl=now + REFRESH_LIFETIME,
    )


def new_token(token_id: str, family_id: str, user_id: str, secret_hash: str) -> SessionRecord:
    now = utcnow()
    return SessionRecord(
        token_id,
        kind="token",
        user_id=user_id,
        family_id=family_id,
        secret_hash=secret_hash,
        created_at=iso(now),
        ttl=now + REFRESH_LIFETIME,
    )


def spend_token(token: SessionRecord) -> bool:
    """Mark a refresh token used; False when it had already been used (a replay)."""
    try:
        token.update(
            [SessionRecord.used_at.set(iso(utcnow()))],
            condition=SessionRecord.used_at.does_not_exist(),
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def revoke_family(family_id: str) -> None:
    try:
        SessionRecord(family_id).update(
            [SessionRecord.revoked_at.set(iso(utcnow()))],
            condition=SessionRecord.session_id.exists(),
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
