"""Changing roles and removing members, under the last-owner rule.

The workspace's `owner_count` moves in the same transaction as the member's role, with
a condition that it stays at least one, so two owners demoting each other at once
cannot leave a workspace without an owner.
"""

from __future__ import annotations

from collections.abc import Callable

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.domain.roles import Role
from chalicelib.errors import Conflict, Forbidden, NotFound
from chalicelib.store.audit import audit_event
from chalicelib.store.members import MemberRecord, get_member
from chalicelib.store.transactions import failed_conditions, transaction
from chalicelib.store.workspaces import WorkspaceRecord

LAST_OWNER = "A workspace needs an owner: make another member owner first."


def _target(workspace_id: str, user_id: str) -> MemberRecord:
    member = get_member(workspace_id, user_id)
    if member is None:
        raise NotFound("Member not found.")
    return member


def _check_may_manage(actor_role: Role, target_role: Role, new_role: Role | None = None) -> None:
    """Admins manage members, but only owners touch owners or make new ones."""
    if actor_role is Role.OWNER:
        return
    if target_role is Role.OWNER or new_role is Role.OWNER:
        raise Forbidden("Only an owner can change or remove an owner, or make someone owner.")


def _commit(
    member: MemberRecord, writes: Callable[[TransactWrite], None], owner_delta: int
) -> None:
    """Run `writes` and move the owner count by `owner_delta` in one transaction; the
    count's condition comes last, so its failure is the last-owner rule."""
    try:
        with transaction() as write:
            writes(write)
            if owner_delta:
                condition = (
                    WorkspaceRecord.owner_count > 1
                    if owner_delta < 0
                    else WorkspaceRecord.workspace_id.exists()
                )
                write.update(
                    WorkspaceRecord(member.workspace_id),
                    actions=[WorkspaceRecord.owner_count.add(owner_delta)],
                    condition=condition,
                )
    except TransactWriteError as error:
        failed = failed_conditions(error)
        if owner_delta < 0 and failed and failed[-1]:
            raise Conflict(LAST_OWNER, [{"field": "role", "message": "last owner"}]) from None
        if failed and failed[0]:
            raise Conflict("The member changed meanwhile; reload and try again.") from None
        raise


def change_role(
    workspace_id: str, actor: str, actor_role: Role, user_id: str, new_role: Role
) -> MemberRecord:
    member = _target(workspace_id, user_id)
    old_role = Role(member.role)
    _check_may_manage(actor_role, old_role, new_role)
    if old_role is new_role:
        return member
    owner_delta = (new_role is Role.OWNER) - (old_role is Role.OWNER)

    def writes(write: TransactWrite) -> None:
        write.update(
            member,
            actions=[MemberRecord.role.set(new_role.value)],
            condition=MemberRecord.role == old_role.value,
        )
        write.save(
            audit_event(
                workspace_id,
                "member.role_changed",
                actor=actor,
                target=user_id,
                details={"from": old_role.value, "to": new_role.value},
            )
        )

    _commit(member, writes, owner_delta)
    member.role = new_role.value
    from chalicelib.billing.entitlements import owner_changed

    owner_changed(user_id, owner_delta)  # workspaces per owner
    _settle_approvals(workspace_id, user_id)
    return member


def remove_member(workspace_id: str, actor: str, actor_role: Role | None, user_id: str) -> None:
    """Remove a member (`actor_role` None: the member leaving on their own) and revoke
    the API keys they are behind."""
    member = _target(workspace_id, user_id)
    old_role = Role(member.role)
    if actor_role is not None:
        _check_may_manage(actor_role, old_role)
    action = "member.left" if actor == user_id else "member.removed"

    def writes(write: TransactWrite) -> None:
        write.delete(member, condition=MemberRecord.role == old_role.value)
        write.save(audit_event(workspace_id, action, actor=actor, target=user_id))

    _commit(member, writes, -1 if old_role is Role.OWNER else 0)
    from chalicelib.billing.entitlements import owner_changed, release_member_seat

    release_member_seat(workspace_id)
    owner_changed(user_id, -1 if old_role is Role.OWNER else 0)
    # Their keys already stop working (a key needs its person to be a member); revoking
    # them also takes them off the list and keeps them dead should the person return.
    from chalicelib.people.api_keys import revoke_keys_behind

    revoke_keys_behind(workspace_id, user_id, actor)
    _settle_approvals(workspace_id, user_id)


def _settle_approvals(workspace_id: str, user_id: str) -> None:
    """Posts in review may have been waiting for this member (issue 21)."""
    from chalicelib.posts.approvals import members_changed

    members_changed(workspace_id, user_id)
