"""API keys: `sk_<workspace id>.<key id>.<secret>`, usable as a bearer token."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.auth.principal import Principal
from chalicelib.auth.secrets import digest, matches, new_secret, split_token
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
    if record.last_used_at is None or record.last_used_at < iso(now - TOUCH_EVERY):
        store.touch(record.workspace_id, record.key_id, iso(now))
    return Principal(
        key_id=record.key_id, key_workspace_id=record.workspace_id, key_role=record.role
    )
