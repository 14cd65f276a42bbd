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
    if isinstance(auth, Access):
        if principal.is_api_key:
            if auth is not Access.USER:
                raise Forbidden("This needs a signed-in user; API keys cannot do it.")
            return
        principal.user()  # the account exists and the token's generation is current
        if auth is Access.OPERATOR and not is_operator(principal):
            if principal.user_id in _operator_ids():
                from chalicelib.auth.requirements import require_verified_email

                require_verified_email(principal.user(), "act as an operator")
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
    if principal.is_api_key:
        from chalicelib.billing.entitlements import require
        from chalicelib.billing.plans import Feature

        require(workspace_id, Feature.API_KEYS)  # 402 once the plan has no API keys


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

    claims = verify_access_token(token)
    return Principal(
        user_id=claims.user_id, generation=claims.generation, session_id=claims.session_id
    )


def role_in(principal: Principal, workspace_id: str) -> Role | None:
    """The caller's role in a workspace, None when not a member. For users, one round
    trip reads the membership and the user (whose token generation the token must
    match); API keys carry their role, capped by their creator's (read when the key was
    authenticated)."""
    if principal.is_api_key:
        if principal.key_workspace_id != workspace_id or principal.key_role is None:
            return None
        return Role(principal.key_role)
    from chalicelib.auth.requirements import require_two_factor
    from chalicelib.store.users import get_user_member_workspace

    user, member, workspace = get_user_member_workspace(principal.require_user(), workspace_id)
    principal.found_user(user)
    principal.member = member
    if member is None:
        return None
    if workspace is not None and workspace.two_factor_required and user is not None:
        require_two_factor(user)
    return Role(member.role)


def _operator_ids() -> frozenset[str]:
    from chalicelib.settings import get_settings

    return get_settings().operator_user_ids


def is_operator(principal: Principal) -> bool:
    """Named in the settings, and with a verified address (an operator reaches every
    workspace: their account must be reachable and proven theirs)."""
    from chalicelib.settings import get_settings

    if principal.user_id not in get_settings().operator_user_ids:
        return False
    return bool(principal.user().email_verified_at)
