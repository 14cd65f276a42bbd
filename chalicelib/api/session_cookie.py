"""The web app's session: its refresh token in an HttpOnly cookie, never in JavaScript.

The web app signs in with the header `X-Schedulo-CSRF: 1`; the answer then sets the
refresh token as a cookie (HttpOnly, Secure, SameSite=Strict, Path=/v1/auth, so only
refresh and sign-out ever receive it) and its body's `refresh_token` is null, so no
script can read it. The access token lives in the page's memory; on load the app calls
`POST /v1/auth/refresh` with `{}` to get one from the cookie.

The cookie is sent by the browser on its own, so the two routes that read it demand
proof the request comes from the web app (CSRF): the custom header, which a page on
another site cannot send without a CORS preflight the API refuses, and an `Origin`
equal to `SCHEDULO_FRONTEND_ORIGIN`.

API clients keep the contract of API.md: without the header they get the refresh token
in the body and send it back in the body; no cookie is set or read for them.
"""

from __future__ import annotations

from chalicelib.api.routing import RequestContext
from chalicelib.errors import Forbidden
from chalicelib.settings import get_settings
from chalicelib.store.sessions import REFRESH_LIFETIME

COOKIE = "schedulo_refresh"
COOKIE_PATH = "/v1/auth"
CSRF_HEADER = "X-Schedulo-CSRF"


def cookie_value(header: str | None, name: str) -> str | None:
    """The value of cookie `name` in a `Cookie` header."""
    for part in (header or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value or None
    return None


def session_cookie(ctx: RequestContext) -> str | None:
    return cookie_value(ctx.header("cookie"), COOKIE)


def wants_cookie(ctx: RequestContext) -> bool:
    """True for the web app, which marks its auth calls with the CSRF header."""
    return ctx.header(CSRF_HEADER) is not None


def check_csrf(ctx: RequestContext) -> None:
    """Refuse (403) a cookie-carrying request that another site could have made."""
    if ctx.header(CSRF_HEADER) != "1":
        raise Forbidden(
            f"A request carrying the session cookie needs the header {CSRF_HEADER}: 1.",
            [{"field": CSRF_HEADER, "message": "required: 1"}],
        )
    origin = ctx.header("origin")
    expected = get_settings().frontend_origin.rstrip("/")
    if origin != expected:
        raise Forbidden(
            f"A request carrying the session cookie must come from {expected}.",
            [{"field": "Origin", "message": f"must be {expected}"}],
        )


def set_cookie(refresh_token: str) -> dict[str, str]:
    """The header that hands the browser its refresh token."""
    return {"Set-Cookie": _cookie(refresh_token, int(REFRESH_LIFETIME.total_seconds()))}


def clear_cookie() -> dict[str, str]:
    """The header that makes the browser forget its refresh token."""
    return {"Set-Cookie": _cookie("", 0)}


def _cookie(value: str, max_age: int) -> str:
    # Secure always: browsers accept Secure cookies from http://127.0.0.1 and localhost
    # (potentially trustworthy origins), so the local stack needs no exception.
    return (
        f"{COOKIE}={value}; Max-Age={max_age}; Path={COOKIE_PATH}; "
        "HttpOnly; Secure; SameSite=Strict"
    )
