"""Creating and revoking a workspace's API keys.

A key is never worth more than the person behind it: it cannot be made with a role above
its creator's (a key minting a key: above its own), a key minted by a key expires no
later than its parent and answers to the same person, revoking a key revokes the keys it
minted, and removing a member revokes the keys they are behind.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.auth.api_keys import new_key
from chalicelib.auth.principal import Principal
from chalicelib.domain.ids import new_id
from chalicelib.domain.roles import Role
from chalicelib.errors import Forbidden, NotFound, ValidationFailed
from chalicelib.store import api_keys as store
from chalicelib.store.api_keys import ApiKeyRecord, get_api_key
from chalicelib.store.audit import record_event
from chalicelib.store.base import iso, utcnow


def create_key(
    workspace_id: str,
    creator: Principal,
    creator_role: Role,
    name: str,
    role: Role,
    expires_at: datetime | None = None,
) -> tuple[ApiKeyRecord, str]:
    """A new key and its secret form, which is never stored nor shown again.

    `creator_role` is the caller's role in the workspace (for a key: its role, already
    capped by its person's)."""
    if not creator_role.allows(role):
        raise Forbidden(f"You cannot create a key with more rights ({role.value}) than yours.")
    expiry = _expiry(creator, expires_at)
    key_id = new_id("k")
    secret, secret_hash = new_key(workspace_id, key_id)
    record = ApiKeyRecord(
        workspace_id,
        key_id,
        name=name,
        role=role.value,
        secret_hash=secret_hash,
        prefix=secret[: len(f"sk_{workspace_id}.{key_id}.") + 4],
        created_by=creator.actor,
        creator_user_id=creator.key_person if creator.is_api_key else creator.require_user(),
        created_at=iso(utcnow()),
        expires_at=expiry,
    )
    record.save(condition=ApiKeyRecord.key_id.does_not_exist())
    record_event(
        workspace_id,
        "api_key.created",
        actor=creator.actor,
        target=key_id,
        details={"name": name, "role": role.value, "expires_at": expiry},
    )
    return record, secret


def _expiry(creator: Principal, expires_at: datetime | None) -> str | None:
    """The new key's expiry: in the future, and for a key minted by a key no later than
    its parent's (a key cannot outlive itself through its children)."""
    now = iso(utcnow())
    wanted = iso(expires_at) if expires_at else None
    if wanted is not None and wanted <= now:
        raise ValidationFailed(
            "expires_at must be in the future.",
            [{"field": "expires_at", "message": "this time is in the past"}],
        )
    ceiling = creator.key_expires_at if creator.is_api_key else None
    if ceiling is not None and (wanted is None or wanted > ceiling):
        return str(ceiling)
    return wanted


def revoke_key(workspace_id: str, key_id: str, actor: str) -> None:
    """Revoke a key and every key it minted (and theirs)."""
    record = get_api_key(workspace_id, key_id)
    if record is None or record.revoked_at:
        raise NotFound("API key not found.")
    _revoke(workspace_id, [record], actor, store.list_api_keys(workspace_id))


def revoke_keys_behind(workspace_id: str, user_id: str, actor: str) -> int:
    """Revoke the keys a person is behind (they left or were removed); how many."""
    from chalicelib.auth.api_keys import person_of

    keys = store.list_api_keys(workspace_id)
    theirs = [k for k in keys if not k.revoked_at and person_of(k) == user_id]
    return _revoke(workspace_id, theirs, actor, keys)


def _revoke(
    workspace_id: str, roots: list[ApiKeyRecord], actor: str, every: list[ApiKeyRecord]
) -> int:
    minted: dict[str, list[ApiKeyRecord]] = {}
    for key in every:
        if key.created_by.startswith("api_key:"):
            minted.setdefault(key.created_by.removeprefix("api_key:"), []).append(key)
    now, done, pending, count = iso(utcnow()), set(), list(roots), 0
    while pending:
        key = pending.pop()
        if key.key_id in done:
            continue
        done.add(key.key_id)
        pending.extend(minted.get(key.key_id, []))
        if key.revoked_at or not store.revoke(key, now):
            continue
        count += 1
        record_event(workspace_id, "api_key.revoked", actor=actor, target=key.key_id)
    return count
