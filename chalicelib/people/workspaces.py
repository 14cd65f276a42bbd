"""Creating, listing and renaming workspaces."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.ids import new_id
from chalicelib.domain.roles import Role
from chalicelib.store.audit import audit_event, record_event
from chalicelib.store.base import iso, utcnow
from chalicelib.store.members import MemberRecord, memberships_of
from chalicelib.store.transactions import transaction
from chalicelib.store.users import UserRecord
from chalicelib.store.workspaces import WorkspaceRecord, get_workspaces, update_workspace


def create_workspace(user: UserRecord, name: str, timezone: str) -> WorkspaceRecord:
    """A new workspace with `user` as its one owner."""
    now = iso(utcnow())
    workspace = WorkspaceRecord(
        new_id("w"),
        name=name,
        timezone=timezone,
        created_at=now,
        created_by=user.user_id,
        owner_count=1,
    )
    member = MemberRecord(
        workspace.workspace_id,
        user.user_id,
        role=Role.OWNER.value,
        email=user.email,
        name=user.name,
        joined_at=now,
    )
    with transaction() as write:
        write.save(workspace, condition=WorkspaceRecord.workspace_id.does_not_exist())
        write.save(member)
        write.save(audit_event(workspace.workspace_id, "workspace.created", actor=user.user_id))
    return workspace


def workspaces_of(user_id: str) -> list[tuple[WorkspaceRecord, Role]]:
    """Every workspace the user belongs to with their role, oldest first."""
    memberships = memberships_of(user_id)
    found = get_workspaces(m.workspace_id for m in memberships)
    pairs = [(found[m.workspace_id], Role(m.role)) for m in memberships if m.workspace_id in found]
    return sorted(pairs, key=lambda pair: pair[0].created_at)


def change_workspace(
    workspace_id: str,
    actor: str,
    name: str | None,
    timezone: str | None,
    link_tracking: dict[str, Any] | None = None,
) -> WorkspaceRecord:
    """Rename, move to another time zone, or tag links differently from now on (posts
    already written keep the tracking they were checked with)."""
    workspace = update_workspace(workspace_id, name, timezone, link_tracking)
    changed = (("name", name), ("timezone", timezone), ("link_tracking", link_tracking))
    changes = {k: v for k, v in changed if v is not None}
    record_event(workspace_id, "workspace.updated", actor=actor, details=changes)
    return workspace
