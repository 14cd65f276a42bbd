"""Two-factor sign-in (TOTP): the caller's status, enrolment with a QR code, confirming
it (recovery codes), turning it off, the second step of signing in, and a workspace's
requirement that its members use it."""

from __future__ import annotations

from pydantic import Field

from chalicelib.api.people_models import TokensOut
from chalicelib.api.responses import Reply
from chalicelib.api.routing import Access, ApiBlueprint, RequestContext
from chalicelib.domain.model import Model
from chalicelib.domain.roles import Role

two_factor = ApiBlueprint(__name__)

Code = Field(min_length=1, max_length=40, description="6 digits from the app, or a recovery code")


class TwoFactorOut(Model):
    enabled: bool
    enabled_at: str | None = None
    recovery_codes_left: int = 0
    enrolling: bool = Field(description="an enrolment was started and not confirmed yet")


class EnrolmentOut(Model):
    secret: str = Field(description="base32, for typing into an app that cannot scan")
    otpauth_uri: str
    qr_svg: str = Field(description="the otpauth URI as an SVG QR code")


class CodeIn(Model):
    code: str = Code


class RecoveryCodesOut(Model):
    recovery_codes: list[str] = Field(description="10 single-use codes, shown this once")


class ChallengeIn(Model):
    challenge: str = Field(min_length=1, max_length=200, description="from the sign-in's answer")
    code: str = Code


class RequirementIn(Model):
    required: bool


class RequirementOut(Model):
    required: bool


@two_factor.endpoint("GET", "/v1/auth/2fa", auth=Access.PERSON, response=TwoFactorOut)
def two_factor_status(ctx: RequestContext) -> TwoFactorOut:
    """Whether the caller has two-factor sign-in on, and how many recovery codes are left."""
    from chalicelib.people.two_factor import recovery_codes_left

    user = ctx.principal.user()
    return TwoFactorOut(
        enabled=user.two_factor_enabled,
        enabled_at=user.two_factor_enabled_at,
        recovery_codes_left=recovery_codes_left(user),
        enrolling=bool(user.two_factor_pending) and not user.two_factor_enabled,
    )


@two_factor.endpoint(
    "POST", "/v1/auth/2fa/enrol", auth=Access.PERSON, response=EnrolmentOut, errors=(409,)
)
def enrol(ctx: RequestContext) -> EnrolmentOut:
    """Start two-factor sign-in: a new secret for an authenticator app, as a QR code. It
    counts once confirmed with a code. 409 when it is on already."""
    from chalicelib.people.two_factor import begin_enrolment

    secret, uri, svg = begin_enrolment(ctx.principal.user())
    return EnrolmentOut(secret=secret, otpauth_uri=uri, qr_svg=svg)


@two_factor.endpoint(
    "POST",
    "/v1/auth/2fa/confirm",
    auth=Access.PERSON,
    body=CodeIn,
    response=RecoveryCodesOut,
    errors=(409,),
)
def confirm(ctx: RequestContext, body: CodeIn) -> RecoveryCodesOut:
    """Turn two-factor sign-in on with a code from the app; answers 10 recovery codes
    (shown once). 422 naming `code` when it is not right."""
    from chalicelib.people.two_factor import confirm_enrolment

    return RecoveryCodesOut(recovery_codes=confirm_enrolment(ctx.principal.user(), body.code))


@two_factor.endpoint(
    "POST", "/v1/auth/2fa/disable", auth=Access.PERSON, body=CodeIn, status=204, errors=(409,)
)
def turn_off(ctx: RequestContext, body: CodeIn) -> None:
    """Turn two-factor sign-in off, with a code from the app or a recovery code."""
    from chalicelib.people.two_factor import disable

    disable(ctx.principal.user(), body.code)


@two_factor.endpoint(
    "POST", "/v1/auth/2fa/verify", auth=Access.PUBLIC, body=ChallengeIn, response=TokensOut
)
def verify(ctx: RequestContext, body: ChallengeIn) -> Reply:
    """The second step of signing in: the sign-in's challenge and a code (or a recovery
    code) for the tokens (the web app's refresh token in its cookie, as at sign-in). 422
    naming `code` or `challenge`; 429 past 10 codes in 15 minutes."""
    from chalicelib.api.auth import _cookie_session, _set_cookie, source_address, tokens_out
    from chalicelib.people.identity import signed_in
    from chalicelib.people.two_factor import answer_challenge

    cookie = _cookie_session(ctx)
    user = answer_challenge(body.challenge, body.code)
    pair = signed_in(user, source_address(ctx), ctx.request.headers.get("user-agent"))
    return Reply(tokens_out(pair, cookie), 200, _set_cookie(pair) if cookie else {})


@two_factor.endpoint(
    "PUT",
    "/v1/workspaces/{ws}/two-factor",
    auth=Role.OWNER,
    body=RequirementIn,
    response=RequirementOut,
    errors=(409,),
)
def require(ctx: RequestContext, ws: str, body: RequirementIn) -> RequirementOut:
    """Require (or stop requiring) two-factor sign-in of the workspace's members: a member
    without it is refused (403 `two_factor_required`) until they turn it on. The owner
    must have it on to require it (409)."""
    from chalicelib.errors import Conflict
    from chalicelib.store.audit import audit_event, record_events
    from chalicelib.store.workspaces import WorkspaceRecord

    user = ctx.principal.user()
    if body.required and not user.two_factor_enabled:
        raise Conflict("Turn on two-factor sign-in for yourself before requiring it of others.")
    WorkspaceRecord(ws).update(
        [WorkspaceRecord.two_factor_required.set(body.required)],
        condition=WorkspaceRecord.workspace_id.exists(),
    )
    action = "workspace.two_factor_required" if body.required else "workspace.two_factor_optional"
    record_events([audit_event(ws, action, actor=user.user_id)])
    return RequirementOut(required=body.required)
