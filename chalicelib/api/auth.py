"""Sign-up, sign-in, token refresh, sign-out and the caller's own profile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.api.people_models import (
    EmailLinkIn,
    LoginIn,
    MeOut,
    PasswordChangeIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    RefreshIn,
    SentOut,
    SignInOut,
    SignupIn,
    SignupOut,
    SuspensionOut,
    TokensOut,
    UserOut,
    WorkspaceOut,
)
from chalicelib.api.responses import Reply
from chalicelib.api.routing import Access, ApiBlueprint, RequestContext
from chalicelib.domain.roles import Role
from chalicelib.domain.utm import LinkTracking

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
        email_verified=bool(user.email_verified_at),
        two_factor_enabled=user.two_factor_enabled,
    )


def workspace_out(workspace: WorkspaceRecord, role: Role | None) -> WorkspaceOut:
    from chalicelib.admin.service import support_until
    from chalicelib.settings import get_settings
    from chalicelib.store.base import utcnow

    return WorkspaceOut(
        id=workspace.workspace_id,
        name=workspace.name,
        timezone=workspace.timezone,
        created_at=workspace.created_at,
        role=role,
        suspended=SuspensionOut(**{k: workspace.suspended[k] for k in ("reason", "at")})
        if workspace.suspended
        else None,
        support_access_until=support_until(workspace, utcnow()),
        two_factor_required=bool(workspace.two_factor_required),
        link_tracking=LinkTracking.model_validate(workspace.link_tracking or {}),
        short_link_base=get_settings().short_link_base,
    )


def tokens_out(pair: TokenPair, cookie: bool = False) -> TokensOut:
    """The pair as JSON; with `cookie`, the refresh token stays out of the body (the web
    app's HttpOnly cookie carries it)."""
    return TokensOut(
        access_token=pair.access_token,
        refresh_token=None if cookie else pair.refresh_token,
        expires_in=pair.expires_in,
    )


def source_address(ctx: RequestContext) -> str | None:
    from chalicelib.auth.viewer import viewer_address

    identity = (ctx.request.context or {}).get("identity") or {}
    return viewer_address(ctx.request.headers, identity.get("sourceIp"))


@auth.endpoint(
    "POST",
    "/v1/auth/signup",
    auth=Access.PUBLIC,
    body=SignupIn,
    response=SignupOut,
    status=201,
    statuses=(202,),
)
def signup(ctx: RequestContext, body: SignupIn) -> Reply:
    """Create an account and its personal workspace, sign in (201 with the user, the
    workspace and the tokens, as API.md says) and email a link that verifies the address.
    An address that has an account is a 202 with only `message`, and its owner is emailed
    instead; the web app (header X-Schedulo-CSRF: 1) gets that 202 either way, so the page
    tells nobody who has an account. 429 past the sign-ups one address may attempt."""
    from chalicelib.people.identity import signup as create_account

    created = create_account(
        body.email,
        body.password,
        body.name,
        body.timezone,
        source_address(ctx),
        ctx.request.headers.get("user-agent"),
    )
    message = (
        f"Check your email: we sent a message to {body.email}. Follow its link to confirm "
        "the address, then sign in."
    )
    if created is None or _cookie_session(ctx):
        return Reply(SignupOut(message=message), 202)
    user, workspace, pair = created
    reply = SignupOut(
        message=message,
        user=user_out(user),
        workspace=workspace_out(workspace, Role.OWNER),
        **tokens_out(pair).model_dump(),
    )
    return Reply(reply, 201)


@auth.endpoint("POST", "/v1/auth/login", auth=Access.PUBLIC, body=LoginIn, response=SignInOut)
def login(ctx: RequestContext, body: LoginIn) -> Reply:
    """Sign in with email and password; repeated failures are throttled (429). The web app
    (header X-Schedulo-CSRF: 1) gets its refresh token as an HttpOnly cookie instead. A
    user with two-factor sign-in on gets `two_factor_required` and a `challenge` to answer
    with a code at POST /v1/auth/2fa/verify, and no tokens yet."""
    from chalicelib.people.identity import login as sign_in
    from chalicelib.people.two_factor import new_challenge

    cookie = _cookie_session(ctx)
    agent = ctx.request.headers.get("user-agent")
    user, pair = sign_in(body.email, body.password, source_address(ctx), agent)
    if pair is None:
        return Reply(SignInOut(two_factor_required=True, challenge=new_challenge(user)))
    return Reply(
        SignInOut(**tokens_out(pair, cookie).model_dump()),
        200,
        _set_cookie(pair) if cookie else {},
    )


@auth.endpoint("POST", "/v1/auth/refresh", auth=Access.PUBLIC, body=RefreshIn, response=TokensOut)
def refresh(ctx: RequestContext, body: RefreshIn) -> Reply | None:
    """Trade a refresh token for a new pair; the old one stops working. The web app sends
    `{}` and its session cookie (204 when this browser has no session)."""
    from chalicelib.api import session_cookie
    from chalicelib.errors import Unauthorized
    from chalicelib.people.identity import refresh as rotate

    if body.refresh_token:
        return Reply(tokens_out(rotate(body.refresh_token, source_address(ctx))))
    token = _cookie_token(ctx)
    if token is None:
        return None
    try:
        pair = rotate(token, source_address(ctx))
    except Unauthorized as error:
        error.headers.update(session_cookie.clear_cookie())
        raise
    return Reply(tokens_out(pair, cookie=True), 200, _set_cookie(pair))


@auth.endpoint("POST", "/v1/auth/logout", auth=Access.PUBLIC, body=RefreshIn, status=204)
def logout(ctx: RequestContext, body: RefreshIn) -> Reply | None:
    """Sign out: the refresh token and every token of its session stop working. The web
    app sends `{}` and its session cookie, which is cleared."""
    from chalicelib.api import session_cookie
    from chalicelib.people.identity import logout as sign_out

    if body.refresh_token:
        sign_out(body.refresh_token)
        return None
    token = _cookie_token(ctx)
    if token is not None:
        sign_out(token)
    return Reply(None, 204, session_cookie.clear_cookie())


def _cookie_session(ctx: RequestContext) -> bool:
    """True when the web app signs in: its refresh token goes in the cookie (CSRF-checked,
    so another site cannot plant its own session in the user's browser)."""
    from chalicelib.api import session_cookie

    if not session_cookie.wants_cookie(ctx):
        return False
    session_cookie.check_csrf(ctx)
    return True


def _cookie_token(ctx: RequestContext) -> str | None:
    """The refresh token of the web app's cookie, after the CSRF checks; a request with
    neither a body token nor the web app's header is told the field is required."""
    from chalicelib.api import session_cookie
    from chalicelib.errors import ValidationFailed

    token = session_cookie.session_cookie(ctx)
    if token is None and not session_cookie.wants_cookie(ctx):
        raise ValidationFailed(
            "refresh_token is required.", [{"field": "refresh_token", "message": "required"}]
        )
    session_cookie.check_csrf(ctx)
    return token


def _set_cookie(pair: TokenPair) -> dict[str, str]:
    from chalicelib.api import session_cookie

    return session_cookie.set_cookie(pair.refresh_token)


@auth.endpoint("GET", "/v1/me", auth=Access.PERSON, response=MeOut)
def me(ctx: RequestContext) -> MeOut:
    """The signed-in user and their workspaces with their role in each."""
    from chalicelib.auth.guard import is_operator
    from chalicelib.people.workspaces import workspaces_of

    user = ctx.principal.user()
    return MeOut(
        user=user_out(user),
        workspaces=[workspace_out(w, role) for w, role in workspaces_of(user.user_id)],
        operator=is_operator(ctx.principal),
    )


@auth.endpoint("POST", "/v1/auth/sign-out-everywhere", auth=Access.PERSON, status=204)
def sign_out_everywhere(ctx: RequestContext) -> Reply:
    """Sign out on every device: every session and every access token issued so far stop
    working, this request's included (the web app's session cookie is cleared too)."""
    from chalicelib.api import session_cookie
    from chalicelib.people.identity import sign_out_everywhere as end_all

    end_all(ctx.principal.user())
    return Reply(None, 204, session_cookie.clear_cookie())


@auth.endpoint(
    "POST", "/v1/auth/email-verification", auth=Access.PERSON, response=SentOut, status=202
)
def send_email_verification(ctx: RequestContext) -> Reply:
    """Email the signed-in user a link that proves their address (again); 429 past 5 an hour."""
    from chalicelib.people.email_links import send_verification

    user = ctx.principal.user()
    send_verification(user)
    return Reply(SentOut(message=f"We sent a link to {user.email}."), 202)


@auth.endpoint(
    "POST",
    "/v1/auth/email-verification/confirm",
    auth=Access.PUBLIC,
    body=EmailLinkIn,
    response=UserOut,
)
def confirm_email_verification(ctx: RequestContext, body: EmailLinkIn) -> UserOut:
    """Spend a verification link (once, within 3 days): the address is proven. 422 naming
    `token` when it is unknown, used or expired."""
    from chalicelib.people.email_links import confirm_verification

    return user_out(confirm_verification(body.token))


@auth.endpoint(
    "POST",
    "/v1/auth/password-reset",
    auth=Access.PUBLIC,
    body=PasswordResetIn,
    response=SentOut,
    status=202,
)
def request_password_reset(ctx: RequestContext, body: PasswordResetIn) -> Reply:
    """Email a reset link (single use, 30 minutes) if the address has an account. The
    answer is the same either way; 429 past 20 requests an hour from one address."""
    from chalicelib.people.email_links import request_reset

    request_reset(body.email, source_address(ctx))
    message = f"If {body.email} has an account, a link to reset its password is on its way."
    return Reply(SentOut(message=message), 202)


@auth.endpoint(
    "POST",
    "/v1/auth/password-reset/confirm",
    auth=Access.PUBLIC,
    body=PasswordResetConfirmIn,
    status=204,
)
def confirm_password_reset(ctx: RequestContext, body: PasswordResetConfirmIn) -> None:
    """Set a new password with a reset link; every session and access token ends."""
    from chalicelib.people.email_links import reset_password

    reset_password(body.token, body.password)


@auth.endpoint(
    "POST", "/v1/auth/password", auth=Access.PERSON, body=PasswordChangeIn, response=TokensOut
)
def change_password(ctx: RequestContext, body: PasswordChangeIn) -> Reply:
    """Change the password (the current one checked, counted as a sign-in attempt): every
    other session and access token ends, and this one continues with the new tokens."""
    from chalicelib.domain.devices import describe_device
    from chalicelib.people.email_links import change_password as change
    from chalicelib.people.identity import start_session

    cookie = _cookie_session(ctx)
    user = ctx.principal.user()
    address = source_address(ctx)
    generation = change(user, body.current_password, body.new_password, address)
    device = describe_device(ctx.request.headers.get("user-agent"))
    pair = start_session(user.user_id, generation, device=device, address=address)
    return Reply(tokens_out(pair, cookie), 200, _set_cookie(pair) if cookie else {})
