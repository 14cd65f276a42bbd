"""Refresh tokens. Each sign-in starts a family; every refresh spends one token of the
family and adds the next. Spending a token twice revokes the family.

A family is what the user sees as a session: it records the device that signed in, the
address it came from, and when it was last used (refreshed; written at most once a
minute). Families carry `owner` (tokens do not), so the sparse owner-index lists a
user's sessions without their tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.store.base import iso, table_meta, utcnow
from chalicelib.store.model import StoredModel

REFRESH_LIFETIME = timedelta(days=30)
TOUCH_EVERY = timedelta(minutes=1)


class ByOwner(GlobalSecondaryIndex["SessionRecord"]):
    class Meta:
        index_name = "owner-index"
        projection = AllProjection()

    owner = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


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
    # A family's: the user again (the owner-index key), its device and source address,
    # and when a refresh last used it.
    owner = UnicodeAttribute(null=True)
    device = UnicodeAttribute(null=True)
    address = UnicodeAttribute(null=True)
    last_used_at = UnicodeAttribute(null=True)
    ttl = TTLAttribute()
    by_owner = ByOwner()


def get_session(session_id: str) -> SessionRecord | None:
    try:
        return SessionRecord.get(session_id, consistent_read=True)
    except SessionRecord.DoesNotExist:
        return None


def new_family(
    family_id: str,
    user_id: str,
    generation: int = 0,
    device: str | None = None,
    address: str | None = None,
) -> SessionRecord:
    now = utcnow()
    return SessionRecord(
        family_id,
        kind="family",
        user_id=user_id,
        owner=user_id,
        device=device,
        address=address,
        created_at=iso(now),
        last_used_at=iso(now),
        generation=generation,
        ttl=now + REFRESH_LIFETIME,
    )


def families_of(user_id: str) -> list[SessionRecord]:
    """The user's sessions, newest first (ended and expired ones included: the caller
    decides what is live)."""
    return list(SessionRecord.by_owner.query(user_id, scan_index_forward=False, limit=500))


def touch_family(family: SessionRecord, address: str | None) -> None:
    """Note that the session was just used (from `address`); at most one write a minute."""
    now = utcnow()
    last = family.last_used_at or family.created_at
    if (
        family.owner
        and (not address or address == family.address)
        and now - datetime.fromisoformat(last) < TOUCH_EVERY
    ):
        return
    actions: list[Action] = [
        SessionRecord.last_used_at.set(iso(now)),
        SessionRecord.owner.set(family.user_id),
    ]
    if address:
        actions.append(SessionRecord.address.set(address))
    try:
        family.update(actions, condition=SessionRecord.session_id.exists())
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise


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
