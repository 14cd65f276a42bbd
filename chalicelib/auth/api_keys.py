"""API keys: `sk_<workspace id>.<key id>.<secret>`, usable as a bearer token."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.auth.principal import Principal
from chalicelib.auth.secrets import digest, matches, new_secret, split_token
from chalicelib.domain.roles import Role
from chalicelib.errors import Unauthorized
from chalicelib.store import api_keys as store
from chalicelib.store.base import iso, utcnow

PREFIX = "sk_"
# last_used_at is rewritten at most this often, not on every request.
TOUCH_EVERY = timedelta(seconds=60)


def new_key(workspace_id: str, key_id: str) -> tuple[str, str]:
    """(the key to show once, the digest to store)."""
    secret = new_secret()
    return f"{PREFIX}{workspace_id}.{key_id}.{secret}", digest(secret)


def authenticate_key(token: str) -> Principal:
    """The key's principal, with its role capped by the role the person behind it has
    now (one more consistent read: their membership). 401 when the key is unknown,
    revoked or expired, or when that person is no longer a member."""
    parts = split_token(token.removeprefix(PREFIX), 3)
    record = store.get_api_key(parts[0], parts[1]) if parts else None
    if (
        parts is None
        or record is None
        or record.revoked_at
        or not matches(parts[2], record.secret_hash)
    ):
        raise Unauthorized("The API key is not valid or was revoked.")
    now = utcnow()
    if record.expires_at and record.expires_at <= iso(now):
        raise Unauthorized("The API key has expired.")
    role = _capped_role(record)
    if record.last_used_at is None or record.last_used_at < iso(now - TOUCH_EVERY):
        store.touch(record.workspace_id, record.key_id, iso(now))
    return Principal(
        key_id=record.key_id,
        key_workspace_id=record.workspace_id,
        key_role=role.value,
        key_person=record.person,
        key_expires_at=record.expires_at,
    )


def _capped_role(record: store.ApiKeyRecord) -> Role:
    """The lower of the key's role and its person's current role in the workspace."""
    from chalicelib.store.members import get_member

    person = person_of(record)
    member = get_member(record.workspace_id, person) if person else None
    if member is None:
        raise Unauthorized("The API key is not valid or was revoked.")
    return min(Role(record.role), Role(member.role), key=lambda role: role.rank)


def person_of(record: store.ApiKeyRecord, hops: int = 5) -> str | None:
    """The user behind a key; for a key minted by a key before keys named their person,
    the person behind the key that minted it."""
    if record.person or hops == 0:
        return record.person
    parent = store.get_api_key(record.workspace_id, record.created_by.removeprefix("api_key:"))
    return person_of(parent, hops - 1) if parent else None
