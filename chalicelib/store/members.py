"""Who belongs to a workspace and with which role; the user-index lists a user's workspaces.

Reads by workspace are strongly consistent: they decide access, and a removal or a
change of role takes effect with the next request.
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.store.base import table_meta
from chalicelib.store.model import StoredModel


class ByUser(GlobalSecondaryIndex):
    class Meta:
        index_name = "user-index"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    workspace_id = UnicodeAttribute(range_key=True)


class MemberRecord(StoredModel):
    Meta = table_meta("members")

    workspace_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)
    role = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    joined_at = UnicodeAttribute()
    by_user = ByUser()


def get_member(workspace_id: str, user_id: str) -> MemberRecord | None:
    try:
        return MemberRecord.get(workspace_id, user_id, consistent_read=True)
    except MemberRecord.DoesNotExist:
        return None


def list_members(workspace_id: str) -> list[MemberRecord]:
    return list(MemberRecord.query(workspace_id, consistent_read=True))


def memberships_of(user_id: str) -> list[MemberRecord]:
    return list(MemberRecord.by_user.query(user_id))


def admin_emails(workspace_id: str) -> list[str]:
    """Where workspace-wide alerts go: the owners' and admins' addresses."""
    return [m.email for m in list_members(workspace_id) if m.role in ("owner", "admin")]
