"""Workspace API keys: only a hash of the secret is stored."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from chalicelib.store.base import StoredModel, table_meta


class ApiKeyRecord(StoredModel):
    Meta = table_meta("api_keys")

    workspace_id = UnicodeAttribute(hash_key=True)
    key_id = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    role = UnicodeAttribute()
    secret_hash = UnicodeAttribute()
    # The first characters of the key, so people can tell their keys apart.
    prefix = UnicodeAttribute()
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    last_used_at = UnicodeAttribute(null=True)
    revoked_at = UnicodeAttribute(null=True)


def get_api_key(workspace_id: str, key_id: str) -> ApiKeyRecord | None:
    try:
        # Consistent: a revoked key stops working with the next request.
        return ApiKeyRecord.get(workspace_id, key_id, consistent_read=True)
    except ApiKeyRecord.DoesNotExist:
        return None


def list_api_keys(workspace_id: str) -> list[ApiKeyRecord]:
    return list(ApiKeyRecord.query(workspace_id, scan_index_forward=False, consistent_read=True))


def touch(workspace_id: str, key_id: str, when: str) -> None:
    ApiKeyRecord(workspace_id, key_id).update([ApiKeyRecord.last_used_at.set(when)])
