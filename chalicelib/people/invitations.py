"""Inviting people by email. The accept token is `<workspace id>.<invitation id>.<secret>`;
only the secret's digest is stored. Invitations last 7 days and can be revoked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from pynamodb.exceptions import TransactWriteError, UpdateError

from chalicelib.auth.principal import Principal
from chalicelib.auth.secrets import digest, matches, new_secret, split_token
from chalicelib.billing import entitlements
from chalicelib.domain.ids import new_id
from chalicelib.domain.roles import Role
from chalicelib.errors import ApiError, Conflict, Forbidden, NotFound
from chalicelib.observability import logger
from chalicelib.people.mail import send_email
from chalicelib.settings import get_settings
from chalicelib.store.audit import audit_event, record_event
from chalicelib.store.base import iso, utcnow
from chalicelib.store.invitations import InvitationRecord, get_invitation
from chalicelib.store.members import MemberRecord, get_member, list_members
from chalicelib.store.transactions import transaction
from chalicelib.store.workspaces import WorkspaceRecord, get_workspace

LIFETIME = timedelta(days=7)


def status_of(invitation: InvitationRecord) -> str:
    if invitation.status == "pending" and invitation.expires_at <= iso(utcnow()):
        return "expired"
    return invitation.status


def accept_url(token: str) -> str:
    return f"{get_settings().frontend_origin.rstrip('/')}/invitations/{token}"


def invite(
    workspace: WorkspaceRecord, inviter: Principal, inviter_role: Role, email: str, role: Role
) -> InvitationRecord:
    invitation, token = issue(workspace, inviter, inviter_role, email, role)
    inviter_name = inviter.user().name if inviter.user_id else "An API client"
    link = accept_url(token)
    try:
        send_email(
            email,
            f"{inviter_name} invited you to {workspace.name} on Schedulo",
            f"{inviter_name} invited you to join the workspace {workspace.name} on Schedulo "
            f"as {role.value}.\n\nAccept the invitation (valid for 7 days):\n{link}\n",
            links={"accept": link},
            workspace=workspace.name,
        )
    except Exception:
        # No invitation without its email: the inviter sees the failure and tries again.
        invitation.delete()
        entitlements.release_member_seat(workspace.workspace_id)
        logger.exception("invitation email failed", extra={"workspace_id": workspace.workspace_id})
        raise ApiError(
            "The invitation email could not be sent; nothing was saved. Try again."
        ) from None
    record_event(
        workspace.workspace_id,
        "invitation.sent",
        actor=inviter.actor,
        target=email,
        details={"role": role.value, "invitation_id": invitation.invitation_id},
    )
    return invitation


def issue(
    workspace: WorkspaceRecord, inviter: Principal, inviter_role: Role, email: str, role: Role
) -> tuple[InvitationRecord, str]:
    """The stored invitation (its seat taken) and its accept token, before any email:
    `invite` mails the token; tests/support/factories.py accepts it at once."""
    if role is Role.OWNER and inviter_role is not Role.OWNER:
        raise Forbidden("Only an owner can invite another owner.")
    if any(m.email == email for m in list_members(workspace.workspace_id)):
        raise Conflict(
            f"{email} is already a member of this workspace.",
            [{"field": "email", "message": "already a member"}],
        )
    inviter_name = inviter.user().name if inviter.user_id else "An API client"
    entitlements.take_member_seat(workspace.workspace_id)
    now = utcnow()
    secret = new_secret()
    invitation = InvitationRecord(
        workspace.workspace_id,
        new_id("i"),
        email=email,
        role=role.value,
        secret_hash=digest(secret),
        invited_by=inviter.actor,
        invited_by_name=inviter_name or "",
        created_at=iso(now),
        expires_at=iso(now + LIFETIME),
        ttl=now + LIFETIME + timedelta(days=30),
    )
    try:
        invitation.save()
    except Exception:
        entitlements.release_member_seat(workspace.workspace_id)
        raise
    return invitation, f"{workspace.workspace_id}.{invitation.invitation_id}.{secret}"


def revoke(workspace_id: str, invitation_id: str, actor: str) -> None:
    invitation = get_invitation(workspace_id, invitation_id)
    if invitation is None:
        raise NotFound("Invitation not found.")
    if status_of(invitation) != "pending":
        raise Conflict(f"The invitation is already {status_of(invitation)}.")
    try:
        invitation.update(
            [InvitationRecord.status.set("revoked")],
            condition=InvitationRecord.status == "pending",
        )
    except UpdateError:
        raise Conflict("The invitation was accepted or revoked meanwhile.") from None
    entitlements.release_member_seat(workspace_id)
    record_event(workspace_id, "invitation.revoked", actor=actor, target=invitation.email)


@dataclass(frozen=True)
class Found:
    invitation: InvitationRecord
    workspace: WorkspaceRecord


def find(token: str) -> Found:
    """The invitation a token names, or 404 (a wrong secret looks like no invitation)."""
    parts = split_token(token, 3)
    invitation = get_invitation(parts[0], parts[1]) if parts else None
    if parts is None or invitation is None or not matches(parts[2], invitation.secret_hash):
        raise NotFound("Invitation not found.")
    workspace = get_workspace(invitation.workspace_id)
    if workspace is None:
        raise NotFound("Invitation not found.")
    return Found(invitation, workspace)


def accept(token: str, principal: Principal) -> tuple[WorkspaceRecord, Role]:
    found = find(token)
    invitation, workspace = found.invitation, found.workspace
    user = principal.user()
    if user.email != invitation.email:
        raise Forbidden(
            "This invitation was sent to another email address: sign in with that address "
            "to accept it."
        )
    existing = get_member(workspace.workspace_id, user.user_id)
    if existing is not None:
        return workspace, Role(existing.role)
    state = status_of(invitation)
    if state != "pending":
        raise Conflict(f"This invitation is {state}; ask for a new one.")
    role = Role(invitation.role)
    member = MemberRecord(
        workspace.workspace_id,
        user.user_id,
        role=role.value,
        email=user.email,
        name=user.name,
        joined_at=iso(utcnow()),
    )
    try:
        with transaction() as write:
            write.update(
                invitation,
                actions=[
                    InvitationRecord.status.set("accepted"),
                    InvitationRecord.accepted_by.set(user.user_id),
                ],
                condition=InvitationRecord.status == "pending",
            )
            write.save(member, condition=MemberRecord.user_id.does_not_exist())
            if role is Role.OWNER:
                write.update(
                    WorkspaceRecord(workspace.workspace_id),
                    actions=[WorkspaceRecord.owner_count.add(1)],
                )
            write.save(
                audit_event(
                    workspace.workspace_id,
                    "invitation.accepted",
                    actor=user.user_id,
                    target=invitation.email,
                    details={"role": role.value},
                )
            )
    except TransactWriteError:
        raise Conflict("This invitation was used or revoked meanwhile.") from None
    return workspace, role
