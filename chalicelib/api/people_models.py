"""Request and response bodies of the auth and workspace endpoints (API.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    ConfigDict,
    Field,
    StringConstraints,
)

from chalicelib.domain import model
from chalicelib.domain.emails import EmailAddress
from chalicelib.domain.roles import Role
from chalicelib.domain.timezones import TimeZoneName
from chalicelib.domain.utm import LinkTracking


class Model(model.Model):
    # Validators are built on first use, not at `import app`: cold starts stay short.
    model_config = ConfigDict(defer_build=True)


DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]

# Rejected even when long enough: the passwords tried first by anyone guessing.
_COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "12345678910",
        "123456789a",
        "password123",
        "password1234",
        "qwertyuiop",
        "1q2w3e4r5t",
        "iloveyou123",
        "administrator",
        "letmein1234",
        "schedulo123",
    }
)


def _not_guessable(password: str) -> str:
    if password.lower() in _COMMON_PASSWORDS or len(set(password)) < 4:
        raise ValueError("too easy to guess: use a longer mix of words or characters")
    return password


# A password being chosen (sign-up, reset, change).
NewPassword = Annotated[str, Field(min_length=10, max_length=256), AfterValidator(_not_guessable)]


class SignupIn(Model):
    email: EmailAddress
    password: NewPassword
    name: DisplayName
    timezone: TimeZoneName = "UTC"


class EmailLinkIn(Model):
    token: str = Field(min_length=1, max_length=200, description="the `token` of the emailed link")


class PasswordResetIn(Model):
    email: EmailAddress


class PasswordResetConfirmIn(Model):
    token: str = Field(min_length=1, max_length=200, description="the `token` of the emailed link")
    password: NewPassword


class PasswordChangeIn(Model):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: NewPassword


class SentOut(Model):
    message: str


class LoginIn(Model):
    email: EmailAddress
    password: str = Field(min_length=1, max_length=256)


class RefreshIn(Model):
    refresh_token: str | None = Field(
        None,
        min_length=1,
        max_length=500,
        description="required unless the web app's session cookie is sent instead",
    )


class UserOut(Model):
    id: str
    email: str
    name: str
    created_at: str
    email_verified: bool = Field(False, description="the address was proven by an emailed link")
    two_factor_enabled: bool = Field(False, description="signing in asks for a code from an app")


class SuspensionOut(Model):
    reason: str
    at: str


class WorkspaceOut(Model):
    id: str
    name: str
    timezone: str
    created_at: str
    role: Role | None = Field(None, description="the caller's role in this workspace")
    suspended: SuspensionOut | None = Field(
        None, description="set while the deployment's operators suspend the workspace"
    )
    support_access_until: str | None = Field(
        None, description="until when operators may see posts' content (granted by an admin)"
    )
    two_factor_required: bool = Field(
        False, description="members must have two-factor sign-in on to use the workspace"
    )
    link_tracking: LinkTracking = Field(
        default_factory=lambda: LinkTracking.model_validate({}),
        description="whether links are tagged with UTM parameters (utm_source is the network) "
        "and shortened",
    )
    short_link_base: str = Field(
        "",
        description="what a short link's 8-character code follows (link_tracking.shorten): "
        "a text is counted with its links this long",
    )


class TokensOut(Model):
    access_token: str
    refresh_token: str | None = Field(
        description="null when the web app keeps it in its HttpOnly cookie "
        "(a request with X-Schedulo-CSRF: 1)"
    )
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(description="seconds until the access token expires")


class SignInOut(Model):
    """Tokens; or, for a user with two-factor sign-in on, a challenge to answer with a
    code at POST /v1/auth/2fa/verify (and no tokens yet)."""

    access_token: str | None = None
    refresh_token: str | None = Field(
        default=None,
        description="null when the web app keeps it in its HttpOnly cookie "
        "(a request with X-Schedulo-CSRF: 1), or when a code must follow",
    )
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int | None = Field(
        default=None, description="seconds until the access token expires"
    )
    two_factor_required: bool = False
    challenge: str | None = Field(
        default=None,
        description="with two_factor_required: what POST /v1/auth/2fa/verify takes (5 min)",
    )


class SignupOut(Model):
    """A new account: its user, workspace and tokens (201). An address that has an account
    (or a sign-up from the web app) gets only `message` (202)."""

    message: str
    user: UserOut | None = None
    workspace: WorkspaceOut | None = None
    access_token: str | None = None
    refresh_token: str | None = None
    expires_in: int | None = None


class MeOut(Model):
    user: UserOut
    workspaces: list[WorkspaceOut]
    operator: bool = Field(
        default=False, description="whether the user runs this deployment (system status)"
    )


class WorkspaceIn(Model):
    name: DisplayName
    timezone: TimeZoneName = "UTC"


class WorkspacePatch(Model):
    name: DisplayName | None = None
    timezone: TimeZoneName | None = None
    link_tracking: LinkTracking | None = Field(
        None, description="UTM tags for the links of posts written from now on"
    )


class WorkspaceList(Model):
    items: list[WorkspaceOut]
    next_cursor: str | None = None


class MemberOut(Model):
    user_id: str
    email: str
    name: str
    role: Role
    joined_at: str


class MemberList(Model):
    items: list[MemberOut]
    next_cursor: str | None = None


class RoleIn(Model):
    role: Role


class InvitationIn(Model):
    email: EmailAddress
    role: Role = Role.EDITOR


class InvitationOut(Model):
    id: str
    email: str
    role: Role
    status: Literal["pending", "accepted", "revoked", "expired"]
    invited_by: str
    created_at: str
    expires_at: str


class InvitationList(Model):
    items: list[InvitationOut]
    next_cursor: str | None = None


class InvitationPreview(Model):
    """What the accept page shows before the invitee accepts."""

    workspace_name: str
    email: str
    role: Role
    invited_by_name: str
    status: Literal["pending", "accepted", "revoked", "expired"]
    expires_at: str


class ApiKeyIn(Model):
    name: DisplayName
    role: Role = Role.EDITOR
    expires_at: AwareDatetime | None = Field(
        None, description="when the key stops working (with an offset; in the future); none: never"
    )


class ApiKeyOut(Model):
    id: str
    name: str
    role: Role
    prefix: str = Field(description="the key's first characters, to tell keys apart")
    created_by: str
    created_at: str
    last_used_at: str | None
    expires_at: str | None = Field(None, description="when the key stops working (UTC)")


class ApiKeyCreated(ApiKeyOut):
    secret: str = Field(description="the key itself (`sk_...`); shown only in this response")


class ApiKeyList(Model):
    items: list[ApiKeyOut]
    next_cursor: str | None = None


class AuditEventOut(Model):
    id: str
    action: str
    actor: str | None
    target: str | None
    details: dict
    at: str
    actor_name: str | None = Field(
        default=None, description="who `actor` is, in words: a person's name or an API key's"
    )
    target_name: str | None = Field(
        default=None, description="the person `target` names, when it is one"
    )


class AuditQuery(Model):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = None
    from_: AwareDatetime | None = Field(
        default=None, alias="from", description="events at or after this time (with offset)"
    )
    to: AwareDatetime | None = Field(default=None, description="events before this time")
    actor: str | None = Field(
        default=None, min_length=1, max_length=100, description="a user id or `api_key:<id>`"
    )
    action: str | None = Field(
        default=None,
        max_length=500,
        pattern=r"^[a-z_]+\.?[a-z_]*(,[a-z_]+\.?[a-z_]*)*$",
        description="comma-separated actions (`post.created`) or families ending with a "
        "dot (`post.`, `account.`)",
    )


class AuditPage(Model):
    items: list[AuditEventOut]
    next_cursor: str | None = None
