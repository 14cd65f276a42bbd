"""Creating and revoking a workspace's API keys."""

from __future__ import annotations

from chalicelib.auth.api_keys import new_key
from chalicelib.auth.principal import Principal
from chalicelib.domain.ids import new_id
from chalicelib.domain.roles import Role
from chalicelib.errors import Forbidden, NotFound
from chalicelib.store.api_keys import ApiKeyRecord, get_api_key
from chalicelib.store.audit import record_event
from chalicelib.store.base import iso, utcnow


def create_key(
    workspace_id: str, creator: Principal, creator_role: Role, name: str, role: Role
) -> tuple[ApiKeyRecord, str]:
    """A new key and its secret form, which is never stored nor shown again."""
    if not creator_role.allows(role):
        raise Forbidden(f"You cannot create a key with more rights ({role.value}) than yours.")
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
        created_at=iso(utcnow()),
    )
    record.save(condition=ApiKeyRecord.key_id.does_not_exist())
    record_event(
        workspace_id,
        "api_key.created",
        actor=creator.actor,
        target=key_id,
        details={"name": name, "role": role.value},
    )
    return record, secret


def revoke_key(workspace_id: str, key_id: str, actor: str) -> None:
    record = get_api_key(workspace_id, key_id)
    if record is None or record.revoked_at:
        raise NotFound("API key not found.")
    record.update([ApiKeyRecord.revoked_at.set(iso(utcnow()))])
    record_event(workspace_id, "api_key.revoked", actor=actor, target=key_id)
