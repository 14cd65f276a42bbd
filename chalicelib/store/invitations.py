"""Invitations to a workspace, found by the id carried in their accept token."""

from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute

from chalicelib.store.base import table_meta
from chalicelib.store.model import StoredModel


class InvitationRecord(StoredModel):
    Meta = table_meta("invitations")

    workspace_id = UnicodeAttribute(hash_key=True)
    invitation_id = UnicodeAttribute(range_key=True)
    email = UnicodeAttribute()
    role = UnicodeAttribute()
    secret_hash = UnicodeAttribute()
    invited_by = UnicodeAttribute()
    invited_by_name = UnicodeAttribute()
    created_at = UnicodeAttribute()
    expires_at = UnicodeAttribute()
    # pending, accepted or revoked; "expired" is derived from expires_at.
    status = UnicodeAttribute(default="pending")
    accepted_by = UnicodeAttribute(null=True)
    ttl = TTLAttribute()


def get_invitation(workspace_id: str, invitation_id: str) -> InvitationRecord | None:
    try:
        return InvitationRecord.get(workspace_id, invitation_id, consistent_read=True)
    except InvitationRecord.DoesNotExist:
        return None


def list_invitations(workspace_id: str) -> list[InvitationRecord]:
    return list(InvitationRecord.query(workspace_id, scan_index_forward=False))
