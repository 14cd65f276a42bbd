"""Workspace API keys: only a hash of the secret is stored."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import UpdateError

from chalicelib.store.base import table_meta
from chalicelib.store.model import StoredModel


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
    # The person behind the key: its creator, or the person behind the key that minted
    # it. The key works while they are a member, and never above their current role.
    creator_user_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    expires_at = UnicodeAttribute(null=True)
    last_used_at = UnicodeAttribute(null=True)
    revoked_at = UnicodeAttribute(null=True)

    @property
    def person(self) -> str | None:
        """The user behind the key (keys made before `creator_user_id`: their creator,
        when that was a person)."""
        if self.creator_user_id:
            return str(self.creator_user_id)
        return None if self.created_by.startswith("api_key:") else str(self.created_by)


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


def revoke(record: ApiKeyRecord, when: str) -> bool:
    """Mark the key revoked; False when it already was."""
    try:
        record.update(
            [ApiKeyRecord.revoked_at.set(when)],
            condition=ApiKeyRecord.revoked_at.does_not_exist(),
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
