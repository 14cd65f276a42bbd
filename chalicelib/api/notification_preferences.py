"""Email preferences (issue 23): per member and workspace, immediate emails per category
and the digest; one-click unsubscribe (RFC 8058, no sign-in); and whether the member's
address is suppressed after a bounce or complaint (the web app's banner)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from chalice import Response
from pydantic import ConfigDict, Field, field_validator

from chalicelib.api.routing import Access, ApiBlueprint, RequestContext
from chalicelib.domain.model import Model
from chalicelib.domain.roles import Role
from chalicelib.domain.timezones import TimeZoneName
from chalicelib.errors import NotFound

notification_preferences = ApiBlueprint(__name__)

Digest = Literal["daily", "weekly", "off"]
Category = Literal["failures", "connections", "approvals", "digest"]


class Immediate(Model):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    failures: bool = True
    connections: bool = True
    approvals: bool = True
    security: bool = Field(
        default=True, description="Always true: security emails cannot be turned off."
    )

    @field_validator("security")
    @classmethod
    def _security_stays_on(cls, value: bool) -> bool:
        if not value:
            raise ValueError("security emails cannot be turned off")
        return value


class PreferencesIn(Model):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    immediate: Immediate = Field(default_factory=Immediate)
    digest: Digest = "off"
    timezone: TimeZoneName | None = Field(
        default=None, description="The digest's time zone; none: the workspace's."
    )


class PreferencesOut(Model):
    immediate: Immediate
    digest: Digest
    timezone: str | None
    effective_timezone: str = Field(description="The zone the digest's 08:00 is in.")
    next_digest_at: datetime | None
    security_locked: bool = True


class EmailStatus(Model):
    email: str | None
    suppressed: bool
    reason: Literal["bounce", "complaint"] | None = None
    since: str | None = None
    message: str | None = None


class UnsubscribeQuery(Model):
    token: str = Field(min_length=1, max_length=1000)


class UnsubscribeDetails(Model):
    category: Category
    workspace: str
    email: str | None
    subscribed: bool


class OneClickBody(Model):
    """What a mail client posts (RFC 8058); any body is taken."""

    list_unsubscribe: Literal["One-Click"] = Field(default="One-Click", alias="List-Unsubscribe")


class Unsubscribed(Model):
    category: Category
    workspace: str
    unsubscribed: bool = True


@notification_preferences.endpoint(
    "GET",
    "/v1/workspaces/{ws}/notification-preferences",
    auth=Role.VIEWER,
    response=PreferencesOut,
    tags=("notifications",),
)
def get_preferences(ctx: RequestContext, ws: str) -> PreferencesOut:
    """Your email preferences in this workspace (an API key's: its maker's)."""
    from chalicelib.notify import preferences

    return PreferencesOut(**preferences.read(ws, _person(ctx)))


@notification_preferences.endpoint(
    "PUT",
    "/v1/workspaces/{ws}/notification-preferences",
    auth=Role.VIEWER,
    body=PreferencesIn,
    response=PreferencesOut,
    tags=("notifications",),
)
def put_preferences(ctx: RequestContext, ws: str, body: PreferencesIn) -> PreferencesOut:
    """Choose immediate emails per category and the digest (daily, weekly or off); the
    digest is re-armed for the next 08:00 in its time zone."""
    from chalicelib.notify import preferences

    document = body.model_dump()
    return PreferencesOut(**preferences.write(ws, _person(ctx), document))


def _person(ctx: RequestContext) -> str:
    person = ctx.principal.person
    return person if person is not None else ctx.principal.require_user()


@notification_preferences.endpoint(
    "GET", "/v1/me/email-status", auth=Access.PERSON, response=EmailStatus, tags=("notifications",)
)
def email_status(ctx: RequestContext) -> EmailStatus:
    """Whether emails to your address stopped (it bounced, or you marked one as spam)."""
    from chalicelib.store.email import suppression

    address = ctx.principal.user().email
    found = suppression(address) if address else None
    if not found:
        return EmailStatus(email=address, suppressed=False)
    reason = found.get("reason")
    message = (
        f"Emails to {address} bounced: update your address."
        if reason == "bounce"
        else f"You marked an email to {address} as spam, so Schedulo stopped emailing you."
    )
    return EmailStatus(
        email=address, suppressed=True, reason=reason, since=found.get("at"), message=message
    )


@notification_preferences.endpoint(
    "DELETE",
    "/v1/me/email-status",
    auth=Access.PERSON,
    response=EmailStatus,
    tags=("notifications",),
)
def resume_email(ctx: RequestContext) -> EmailStatus:
    """Email this address again (the mailbox is fixed, or the spam report was a mistake)."""
    from chalicelib.store.email import lift_suppression

    address = ctx.principal.user().email
    if address:
        lift_suppression(address)
    return EmailStatus(email=address, suppressed=False)


def _token(ctx: RequestContext) -> tuple[str, str, str]:
    from chalicelib.notify.unsubscribe import read_token
    from chalicelib.store.members import get_member

    token = ctx.query.get("token", "")
    found = read_token(token)
    # A member who left the workspace is not emailed by it any more: nothing to change.
    if found is None or get_member(found[0], found[1]) is None:
        raise NotFound(
            "This unsubscribe link is not valid.",
            [{"field": "token", "message": "not a genuine unsubscribe link"}],
        )
    return found


@notification_preferences.endpoint(
    "GET",
    "/v1/email/unsubscribe",
    auth=Access.PUBLIC,
    status=303,
    query=UnsubscribeQuery,
    tags=("notifications",),
)
def unsubscribe_page(ctx: RequestContext, query: UnsubscribeQuery) -> Response:
    """Opened in a browser, the List-Unsubscribe address leads to the web app's page,
    which asks first (a GET changes nothing: mail scanners open links)."""
    from urllib.parse import quote

    from chalicelib.settings import get_settings

    origin = get_settings().frontend_origin.rstrip("/")
    return Response(
        body="",
        status_code=303,
        headers={"Location": f"{origin}/unsubscribe?token={quote(query.token)}"},
    )


@notification_preferences.endpoint(
    "GET",
    "/v1/email/unsubscribe/details",
    auth=Access.PUBLIC,
    query=UnsubscribeQuery,
    response=UnsubscribeDetails,
    errors=(404,),
    tags=("notifications",),
)
def unsubscribe_details(ctx: RequestContext, query: UnsubscribeQuery) -> UnsubscribeDetails:
    """What an unsubscribe link turns off (for its confirmation page)."""
    from chalicelib.notify import preferences

    workspace_id, user_id, category = _token(ctx)
    return UnsubscribeDetails(**preferences.unsubscribe_details(workspace_id, user_id, category))


@notification_preferences.endpoint(
    "POST",
    "/v1/email/unsubscribe",
    auth=Access.PUBLIC,
    query=UnsubscribeQuery,
    response=Unsubscribed,
    errors=(404,),
    content_types=(
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "application/json",
        "text/plain",
    ),
    raw_body={"application/x-www-form-urlencoded": OneClickBody},
    tags=("notifications",),
)
def unsubscribe(ctx: RequestContext, query: UnsubscribeQuery) -> Unsubscribed:
    """One click (RFC 8058: the body `List-Unsubscribe=One-Click`, no sign-in): the
    link's category is turned off for its member in its workspace."""
    from chalicelib.notify import preferences

    workspace_id, user_id, category = _token(ctx)
    name = preferences.unsubscribe(workspace_id, user_id, category)
    return Unsubscribed(category=category, workspace=name)  # type: ignore[arg-type]
