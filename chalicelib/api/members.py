"""Members, invitations, API keys and the audit log of a workspace."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from chalicelib.api.auth import workspace_out
from chalicelib.api.people_models import (
    ApiKeyCreated,
    ApiKeyIn,
    ApiKeyList,
    ApiKeyOut,
    AuditEventOut,
    AuditPage,
    AuditQuery,
    InvitationIn,
    InvitationList,
    InvitationOut,
    InvitationPreview,
    MemberList,
    MemberOut,
    RoleIn,
    WorkspaceOut,
)
from chalicelib.api.routing import Access, ApiBlueprint, RequestContext
from chalicelib.auth.guard import caller_role
from chalicelib.domain.roles import Role
from chalicelib.errors import NotFound, invalid

if TYPE_CHECKING:  # the stores load PynamoDB, which `import app` (the cold start) avoids
    from chalicelib.store.api_keys import ApiKeyRecord
    from chalicelib.store.invitations import InvitationRecord
    from chalicelib.store.members import MemberRecord

members = ApiBlueprint(__name__)


def member_out(member: MemberRecord) -> MemberOut:
    return MemberOut(
        user_id=member.user_id,
        email=member.email,
        name=member.name,
        role=Role(member.role),
        joined_at=member.joined_at,
    )


def invitation_out(invitation: InvitationRecord) -> InvitationOut:
    from chalicelib.people.invitations import status_of

    return InvitationOut(
        id=invitation.invitation_id,
        email=invitation.email,
        role=Role(invitation.role),
        status=status_of(invitation),  # type: ignore[arg-type]
        invited_by=invitation.invited_by,
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
    )


def api_key_out(key: ApiKeyRecord) -> ApiKeyOut:
    return ApiKeyOut(
        id=key.key_id,
        name=key.name,
        role=Role(key.role),
        prefix=key.prefix,
        created_by=key.created_by,
        created_at=key.created_at,
        last_used_at=key.last_used_at,
        expires_at=key.expires_at,
    )


# ---- members -------------------------------------------------------------------------


@members.endpoint("GET", "/v1/workspaces/{ws}/members", auth=Role.VIEWER, response=MemberList)
def list_members(ctx: RequestContext, ws: str) -> MemberList:
    """Everyone in the workspace with their role."""
    from chalicelib.store.members import list_members as load

    ordered = sorted(load(ws), key=lambda m: (-Role(m.role).rank, m.joined_at))
    return MemberList(items=[member_out(m) for m in ordered])


@members.endpoint(
    "PATCH",
    "/v1/workspaces/{ws}/members/{user_id}",
    auth=Role.ADMIN,
    body=RoleIn,
    response=MemberOut,
)
def change_member_role(ctx: RequestContext, ws: str, user_id: str, body: RoleIn) -> MemberOut:
    """Change a member's role; the last owner cannot be demoted (409)."""
    from chalicelib.people.members import change_role

    return member_out(change_role(ws, ctx.principal.actor, caller_role(ctx), user_id, body.role))


@members.endpoint("DELETE", "/v1/workspaces/{ws}/members/{user_id}", auth=Role.ADMIN, status=204)
def remove_member(ctx: RequestContext, ws: str, user_id: str) -> None:
    """Remove a member; the last owner cannot be removed (409)."""
    from chalicelib.people.members import remove_member as remove

    remove(ws, ctx.principal.actor, caller_role(ctx), user_id)


@members.endpoint("POST", "/v1/workspaces/{ws}/leave", auth=Role.VIEWER, status=204)
def leave_workspace(ctx: RequestContext, ws: str) -> None:
    """Leave the workspace; the last owner cannot leave (409)."""
    from chalicelib.people.members import remove_member as remove

    user_id = ctx.principal.require_user()
    remove(ws, user_id, None, user_id)


# ---- invitations ---------------------------------------------------------------------


@members.endpoint(
    "GET", "/v1/workspaces/{ws}/invitations", auth=Role.ADMIN, response=InvitationList
)
def list_invitations(ctx: RequestContext, ws: str) -> InvitationList:
    """Invitations sent from this workspace, newest first."""
    from chalicelib.store.invitations import list_invitations as load

    return InvitationList(items=[invitation_out(i) for i in load(ws)])


@members.endpoint(
    "POST",
    "/v1/workspaces/{ws}/invitations",
    auth=Role.ADMIN,
    body=InvitationIn,
    response=InvitationOut,
    status=201,
)
def create_invitation(ctx: RequestContext, ws: str, body: InvitationIn) -> InvitationOut:
    """Invite someone by email; the email carries a link valid for 7 days. 403
    `email_unverified` until the inviter has verified their own address."""
    from chalicelib.auth.requirements import require_verified_caller
    from chalicelib.people.invitations import invite
    from chalicelib.store.workspaces import get_workspace

    require_verified_caller(ctx.principal, "invite people")
    workspace = get_workspace(ws)
    if workspace is None:
        raise NotFound("Workspace not found.")
    return invitation_out(invite(workspace, ctx.principal, caller_role(ctx), body.email, body.role))


@members.endpoint(
    "DELETE", "/v1/workspaces/{ws}/invitations/{invitation_id}", auth=Role.ADMIN, status=204
)
def revoke_invitation(ctx: RequestContext, ws: str, invitation_id: str) -> None:
    """Revoke a pending invitation: its link stops working."""
    from chalicelib.people.invitations import revoke

    revoke(ws, invitation_id, ctx.principal.actor)


@members.endpoint("GET", "/v1/invitations/{token}", auth=Access.PUBLIC, response=InvitationPreview)
def preview_invitation(ctx: RequestContext, token: str) -> InvitationPreview:
    """What an invitation link offers: the workspace, the role, who invited."""
    from chalicelib.people.invitations import find, status_of

    found = find(token)
    invitation = found.invitation
    return InvitationPreview(
        workspace_name=found.workspace.name,
        email=invitation.email,
        role=Role(invitation.role),
        invited_by_name=invitation.invited_by_name,
        status=status_of(invitation),  # type: ignore[arg-type]
        expires_at=invitation.expires_at,
    )


@members.endpoint(
    "POST", "/v1/invitations/{token}/accept", auth=Access.PERSON, response=WorkspaceOut
)
def accept_invitation(ctx: RequestContext, token: str) -> WorkspaceOut:
    """Join the workspace; the signed-in user's email must be the invited one (else 403)."""
    from chalicelib.people.invitations import accept

    workspace, role = accept(token, ctx.principal)
    return workspace_out(workspace, role)


# ---- API keys ------------------------------------------------------------------------


@members.endpoint("GET", "/v1/workspaces/{ws}/api-keys", auth=Role.ADMIN, response=ApiKeyList)
def list_api_keys(ctx: RequestContext, ws: str) -> ApiKeyList:
    """The workspace's API keys that are not revoked (never their secrets); expired keys
    stay listed with their `expires_at` until revoked."""
    from chalicelib.store.api_keys import list_api_keys as load

    return ApiKeyList(items=[api_key_out(k) for k in load(ws) if not k.revoked_at])


@members.endpoint(
    "POST",
    "/v1/workspaces/{ws}/api-keys",
    auth=Role.ADMIN,
    body=ApiKeyIn,
    response=ApiKeyCreated,
    status=201,
)
def create_api_key(ctx: RequestContext, ws: str, body: ApiKeyIn) -> ApiKeyCreated:
    """Create an API key; its secret is in this response only."""
    from chalicelib.billing.entitlements import require
    from chalicelib.billing.plans import Feature
    from chalicelib.people.api_keys import create_key

    require(ws, Feature.API_KEYS)

    key, secret = create_key(
        ws, ctx.principal, caller_role(ctx), body.name, body.role, body.expires_at
    )
    return ApiKeyCreated(**api_key_out(key).model_dump(), secret=secret)


@members.endpoint("DELETE", "/v1/workspaces/{ws}/api-keys/{key_id}", auth=Role.ADMIN, status=204)
def revoke_api_key(ctx: RequestContext, ws: str, key_id: str) -> None:
    """Revoke an API key: requests with it get 401 from now on."""
    from chalicelib.people.api_keys import revoke_key

    revoke_key(ws, key_id, ctx.principal.actor)


# ---- audit ---------------------------------------------------------------------------


@members.endpoint(
    "GET", "/v1/workspaces/{ws}/audit", auth=Role.ADMIN, query=AuditQuery, response=AuditPage
)
def audit_log(ctx: RequestContext, ws: str, query: AuditQuery) -> AuditPage:
    """The workspace's audit log, newest first; filtered by time (`from`, `to`), by who
    (`actor`) and by kind (`action`). People and API keys are named in words."""
    from chalicelib.store.audit import list_events

    if query.from_ and query.to and query.to <= query.from_:
        raise invalid("to", "must be after from")
    actions = [a for a in (query.action or "").split(",") if a]
    events, cursor = list_events(
        ws,
        query.limit,
        query.cursor,
        start=query.from_,
        end=query.to,
        actor=query.actor,
        actions=actions or None,
    )
    names = _names(
        ws, {e.actor for e in events if e.actor} | {e.target for e in events if e.target}
    )
    return AuditPage(
        items=[
            AuditEventOut(
                id=e.event_key.rsplit("#", 1)[-1],
                action=e.action,
                actor=e.actor,
                target=e.target,
                details=json.loads(e.details),
                at=e.at,
                actor_name=names.get(e.actor or ""),
                target_name=names.get(e.target or ""),
            )
            for e in events
        ],
        next_cursor=cursor,
    )


def _names(ws: str, ids: set[str]) -> dict[str, str]:
    """People by user id, API keys (`api_key:<id>`) by their name, the system as such."""
    from chalicelib.store.api_keys import get_api_key
    from chalicelib.store.users import names_of

    names = names_of({i for i in ids if i.startswith("u_")})
    for key in (i for i in ids if i.startswith("api_key:")):
        record = get_api_key(ws, key.split(":", 1)[1])
        names[key] = f"API key “{record.name}”" if record is not None else "An API key"
    if "system" in ids:
        names["system"] = "Schedulo"
    return names
