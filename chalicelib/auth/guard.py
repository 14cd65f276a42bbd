"""Authorisation in one place: every endpoint's declared access is checked here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.auth.principal import Principal
from chalicelib.domain.roles import Role
from chalicelib.errors import Forbidden, NotFound, Unauthorized

if TYPE_CHECKING:
    from chalice.app import Request

    from chalicelib.api.routing import Auth, RequestContext

WORKSPACE_NOT_FOUND = "Workspace not found."


def authorize(ctx: RequestContext, auth: Auth, workspace_id: str | None) -> None:
    """Authenticate the caller and check `auth` against the workspace in the path.

    Fills `ctx.principal`, `ctx.workspace_id` and `ctx.role`. Raises 401 without a
    valid token, 404 for a workspace the caller is not a member of, 403 for a role
    below the one required.
    """
    from chalicelib.api.routing import Access

    if auth is Access.PUBLIC:
        return
    principal = authenticate(ctx.request)
    ctx.principal = principal
    if auth is Access.USER:
        return
    if auth is Access.PERSON:
        if principal.is_api_key:
            raise Forbidden("This needs a signed-in user; API keys cannot do it.")
        return
    if auth is Access.OPERATOR:
        if principal.is_api_key or not is_operator(principal):
            raise Forbidden("Only the deployment's operators may do this.")
        return
    if workspace_id is None:
        raise TypeError(f"an endpoint requiring role {auth} needs a {{ws}} path parameter")
    role = role_in(principal, workspace_id)
    if role is None:
        raise NotFound(WORKSPACE_NOT_FOUND)
    ctx.workspace_id, ctx.role = workspace_id, role
    if not role.allows(Role(auth)):
        raise Forbidden(f"This needs the {auth.value} role or higher; you are {role.value}.")


def caller_role(ctx: RequestContext) -> Role:
    """The caller's role in the path's workspace, on endpoints that require a role."""
    if ctx.role is None:
        raise TypeError("caller_role() is for endpoints declared with a Role")
    return ctx.role


def authenticate(request: Request) -> Principal:
    """The caller behind `Authorization: Bearer ...`; 401 without a valid token."""
    header = request.headers.get("authorization") or ""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("Sign in first: send Authorization: Bearer <token>.")
    if token.startswith("sk_"):
        from chalicelib.auth.api_keys import authenticate_key

        return authenticate_key(token)
    from chalicelib.auth.tokens import verify_access_token

    return Principal(user_id=verify_access_token(token))


def role_in(principal: Principal, workspace_id: str) -> Role | None:
    """The caller's role in a workspace (one read for users), None when not a member."""
    if principal.is_api_key:
        if principal.key_workspace_id != workspace_id or principal.key_role is None:
            return None
        return Role(principal.key_role)
    from chalicelib.store.members import get_member

    member = get_member(workspace_id, principal.require_user())
    principal.member = member
    return Role(member.role) if member else None


def is_operator(principal: Principal) -> bool:
    from chalicelib.settings import get_settings

    return principal.user_id in get_settings().operator_user_ids
