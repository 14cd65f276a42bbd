"""Sign-up, sign-in, token refresh, sign-out and the caller's own profile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.api.people_models import (
    LoginIn,
    MeOut,
    RefreshIn,
    SignupIn,
    SignupOut,
    TokensOut,
    UserOut,
    WorkspaceOut,
)
from chalicelib.api.routing import Access, ApiBlueprint, RequestContext
from chalicelib.domain.roles import Role

if TYPE_CHECKING:
    from chalicelib.people.identity import TokenPair
    from chalicelib.store.users import UserRecord
    from chalicelib.store.workspaces import WorkspaceRecord

auth = ApiBlueprint(__name__)


def user_out(user: UserRecord) -> UserOut:
    return UserOut(
        id=user.user_id,
        email=user.email or "",
        name=user.name or "",
        created_at=user.created_at or "",
    )


def workspace_out(workspace: WorkspaceRecord, role: Role | None) -> WorkspaceOut:
    return WorkspaceOut(
        id=workspace.workspace_id,
        name=workspace.name,
        timezone=workspace.timezone,
        created_at=workspace.created_at,
        role=role,
    )


def tokens_out(pair: TokenPair) -> TokensOut:
    return TokensOut(
        access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in
    )


def source_address(ctx: RequestContext) -> str | None:
    identity = (ctx.request.context or {}).get("identity") or {}
    return identity.get("sourceIp")


@auth.endpoint(
    "POST", "/v1/auth/signup", auth=Access.PUBLIC, body=SignupIn, response=SignupOut, status=201
)
def signup(ctx: RequestContext, body: SignupIn) -> SignupOut:
    """Create an account and its personal workspace, and sign in."""
    from chalicelib.people.identity import signup as create_account

    user, workspace, pair = create_account(body.email, body.password, body.name, body.timezone)
    return SignupOut(
        user=user_out(user),
        workspace=workspace_out(workspace, Role.OWNER),
        **tokens_out(pair).model_dump(),
    )


@auth.endpoint("POST", "/v1/auth/login", auth=Access.PUBLIC, body=LoginIn, response=TokensOut)
def login(ctx: RequestContext, body: LoginIn) -> TokensOut:
    """Sign in with email and password; repeated failures are throttled (429)."""
    from chalicelib.people.identity import login as sign_in

    _, pair = sign_in(body.email, body.password, source_address(ctx))
    return tokens_out(pair)


@auth.endpoint("POST", "/v1/auth/refresh", auth=Access.PUBLIC, body=RefreshIn, response=TokensOut)
def refresh(ctx: RequestContext, body: RefreshIn) -> TokensOut:
    """Trade a refresh token for a new pair; the old one stops working."""
    from chalicelib.people.identity import refresh as rotate

    return tokens_out(rotate(body.refresh_token))


@auth.endpoint("POST", "/v1/auth/logout", auth=Access.PUBLIC, body=RefreshIn, status=204)
def logout(ctx: RequestContext, body: RefreshIn) -> None:
    """Sign out: the refresh token and every token of its session stop working."""
    from chalicelib.people.identity import logout as sign_out

    sign_out(body.refresh_token)


@auth.endpoint("GET", "/v1/me", auth=Access.PERSON, response=MeOut)
def me(ctx: RequestContext) -> MeOut:
    """The signed-in user and their workspaces with their role in each."""
    from chalicelib.people.workspaces import workspaces_of

    user = ctx.principal.user()
    return MeOut(
        user=user_out(user),
        workspaces=[workspace_out(w, role) for w, role in workspaces_of(user.user_id)],
    )
