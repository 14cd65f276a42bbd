"""Sign in with Google (OpenID Connect): which providers are set up, start, callback."""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from chalice import Response
from pydantic import Field, field_validator

from chalicelib.api.responses import Reply
from chalicelib.api.routing import Access, ApiBlueprint, RequestContext
from chalicelib.domain.model import Model
from chalicelib.errors import NotFound
from chalicelib.settings import get_settings

oidc = ApiBlueprint(__name__)

# A path of the web app: never an open redirect to another site.
LOCAL_PATH = r"/(?!/)[\w\-./?=&%]*"


class ProvidersOut(Model):
    providers: list[str] = Field(description="the providers one may sign in with, e.g. google")


class OidcStartIn(Model):
    redirect_to: str | None = Field(
        default=None,
        description="a path of the web app to land on once signed in (default /dashboard)",
        json_schema_extra={"pattern": f"^{LOCAL_PATH}$"},
    )

    @field_validator("redirect_to")
    @classmethod
    def local_path(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(LOCAL_PATH, value):
            raise ValueError("must be a path of the web app, such as /dashboard")
        return value


class OidcStartOut(Model):
    authorize_url: str = Field(description="the provider's sign-in page to send the browser to")


class OidcCallbackQuery(Model):
    """What the provider adds to the redirect (others are ignored)."""

    code: str | None = None
    state: str | None = None
    error: str | None = None
    error_description: str | None = None


@oidc.endpoint("GET", "/v1/auth/oidc", auth=Access.PUBLIC, response=ProvidersOut)
def list_providers(ctx: RequestContext) -> ProvidersOut:
    """The providers this deployment lets people sign in with (e.g. `google`)."""
    from chalicelib.auth.oidc import enabled_providers

    return ProvidersOut(providers=enabled_providers())


@oidc.endpoint(
    "POST",
    "/v1/auth/oidc/{provider}/start",
    auth=Access.PUBLIC,
    body=OidcStartIn,
    response=OidcStartOut,
    errors=(404, 502),
)
def start_sign_in(ctx: RequestContext, provider: str, body: OidcStartIn) -> Reply:
    """Start signing in with a provider: its sign-in page to send the browser to. A
    cookie ties the sign-in to this browser (10 minutes). 404 for a provider that is not
    set up."""
    from chalicelib.auth.oidc import BINDING_COOKIE, OidcFailed, provider_config, start
    from chalicelib.errors import ApiError

    if provider_config(provider) is None:
        raise NotFound(f"Sign-in with {provider} is not set up here.")
    try:
        started = start(provider, body.redirect_to)
    except OidcFailed as error:
        failure = ApiError(str(error))
        failure.status, failure.code = 502, "provider_unavailable"
        raise failure from None
    secure = "; Secure" if get_settings().api_base_url.startswith("https://") else ""
    cookie = (
        f"{BINDING_COOKIE}={started.browser_binding}; Max-Age=600; "
        f"Path=/v1/auth/oidc/{provider}/callback; HttpOnly; SameSite=Lax{secure}"
    )
    return Reply(OidcStartOut(authorize_url=started.authorize_url), 200, {"Set-Cookie": cookie})


@oidc.endpoint(
    "GET",
    "/v1/auth/oidc/{provider}/callback",
    auth=Access.PUBLIC,
    query=OidcCallbackQuery,
    status=302,
    statuses=(400,),  # a page of its own (text/html)
)
def sign_in_callback(ctx: RequestContext, provider: str, query: OidcCallbackQuery) -> Response:
    """The provider sends the browser back here: check the ID token, sign in (the web
    app's session cookie is set) and go to the app; a refusal is a 400 page saying why."""
    from chalicelib.api import session_cookie
    from chalicelib.api.auth import source_address
    from chalicelib.auth.oidc import BINDING_COOKIE, OidcFailed, finish
    from chalicelib.people.federated import account_for
    from chalicelib.people.identity import signed_in

    if query.error:
        return _failure_page(
            f"Google did not sign you in: {query.error_description or query.error}."
        )
    if not query.code or not query.state:
        return _failure_page("Google's answer lacks a code or a state; start again.")
    binding = session_cookie.cookie_value(ctx.header("cookie"), BINDING_COOKIE)
    address = source_address(ctx)
    try:
        identity = finish(provider, query.code, query.state, binding)
    except OidcFailed as error:
        return _failure_page(str(error))
    user, _ = account_for(identity, address)
    origin = get_settings().frontend_origin.rstrip("/")
    if user.two_factor_enabled:
        # The second step happens on the sign-in page, which trades the challenge and a
        # code for the session.
        from chalicelib.people.two_factor import new_challenge

        params = urlencode({"challenge": new_challenge(user), "next": identity.redirect_to})
        return Response(body="", status_code=302, headers={"Location": f"{origin}/login?{params}"})
    pair = signed_in(user, address, ctx.request.headers.get("user-agent"))
    return Response(
        body="",
        status_code=302,
        headers={
            "Location": f"{origin}{identity.redirect_to}",
            **session_cookie.set_cookie(pair.refresh_token),
        },
    )


def _failure_page(message: str) -> Response:
    from html import escape

    origin = get_settings().frontend_origin.rstrip("/")
    back = f"{origin}/login?error={quote(message)}"
    body = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Sign-in failed</title></head><body>"
        f"<h1>You are not signed in</h1><p role='alert'>{escape(message)}</p>"
        f"<p><a href='{escape(back)}'>Back to sign in</a></p></body></html>"
    )
    return Response(body=body, status_code=400, headers={"Content-Type": "text/html"})
