"""The caller's sessions (one per sign-in: device, address, last use; end one) and their
change of email (confirmed by a link sent to the new address)."""

from __future__ import annotations

from chalicelib.api.people_models import SentOut, UserOut
from chalicelib.api.responses import Reply
from chalicelib.api.routing import Access, ApiBlueprint, RequestContext
from chalicelib.api.session_models import (
    EmailChangeConfirmIn,
    EmailChangeIn,
    SessionList,
    SessionOut,
    SessionsEnded,
)

sessions = ApiBlueprint(__name__)


@sessions.endpoint("GET", "/v1/auth/sessions", auth=Access.PERSON, response=SessionList)
def list_sessions(ctx: RequestContext) -> SessionList:
    """The caller's live sessions, most recently used first; `current` marks the one of
    this request's token."""
    from chalicelib.people.identity import live_sessions

    current = ctx.principal.session_id
    return SessionList(
        items=[
            SessionOut(
                id=family.session_id,
                device=family.device or "Unknown device",
                address=family.address,
                created_at=family.created_at,
                last_used_at=family.last_used_at or family.created_at,
                current=family.session_id == current,
            )
            for family in live_sessions(ctx.principal.user())
        ]
    )


@sessions.endpoint("DELETE", "/v1/auth/sessions/{session_id}", auth=Access.PERSON, status=204)
def end_session(ctx: RequestContext, session_id: str) -> Reply:
    """Sign one session out: its refresh token and its access tokens stop working at
    once. 404 for a session that is not the caller's or has ended. Ending this request's
    own session clears the web app's session cookie too."""
    from chalicelib.api import session_cookie
    from chalicelib.people.identity import end_session as end

    end(ctx.principal.user(), session_id)
    own = session_id == ctx.principal.session_id
    return Reply(None, 204, session_cookie.clear_cookie() if own else {})


@sessions.endpoint("DELETE", "/v1/auth/sessions", auth=Access.PERSON, response=SessionsEnded)
def end_other_sessions(ctx: RequestContext) -> SessionsEnded:
    """Sign out every other device: every session but this request's ends, with its
    access tokens. (`POST /v1/auth/sign-out-everywhere` ends this one too.)"""
    from chalicelib.people.identity import end_other_sessions as end

    return SessionsEnded(ended=end(ctx.principal.user(), ctx.principal.session_id))


@sessions.endpoint(
    "POST",
    "/v1/auth/email",
    auth=Access.PERSON,
    body=EmailChangeIn,
    response=SentOut,
    status=202,
)
def request_email_change(ctx: RequestContext, body: EmailChangeIn) -> Reply:
    """Change the account's email: a link (single use, 24 hours) goes to the new address
    and a notice to the current one; nothing changes until the link is followed. The
    password is checked (422 naming `password`); 409 naming `new_email` when another
    account has it; 429 past 5 an hour."""
    from chalicelib.api.auth import source_address
    from chalicelib.people.email_links import request_email_change as request

    request(ctx.principal.user(), body.new_email, body.password, source_address(ctx))
    message = f"We sent a link to {body.new_email}. Your email changes when you follow it."
    return Reply(SentOut(message=message), 202)


@sessions.endpoint(
    "POST",
    "/v1/auth/email/confirm",
    auth=Access.PUBLIC,
    body=EmailChangeConfirmIn,
    response=UserOut,
)
def confirm_email_change(ctx: RequestContext, body: EmailChangeConfirmIn) -> UserOut:
    """Follow a change-of-email link: the account moves to the new address, which counts
    as verified. 422 naming `token` when it is unknown, used or expired; 409 naming
    `new_email` when another account took the address meanwhile."""
    from chalicelib.api.auth import user_out
    from chalicelib.people.email_links import confirm_email_change as confirm

    return user_out(confirm(body.token))
