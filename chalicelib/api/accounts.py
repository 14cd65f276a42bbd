"""Networks and accounts (API.md): connect, the OAuth callback, list, edit, refresh,
disconnect, and picking which pages or organisations a grant should add."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from chalice import Response
from pydantic import ConfigDict, Field, field_validator

from chalicelib.api.responses import Reply
from chalicelib.api.routing import Access, ApiBlueprint, RequestContext
from chalicelib.domain.model import Model, NetworkName
from chalicelib.domain.roles import Role
from chalicelib.domain.timezones import TimeZoneName
from chalicelib.errors import ApiError, Conflict, NotFound, ValidationFailed, invalid
from chalicelib.settings import get_settings

accounts = ApiBlueprint(__name__)


class Slot(Model):
    weekday: int = Field(ge=0, le=6, description="0 = Monday")
    time: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM, local time")


# A path of the web app: never an open redirect to another site.
LOCAL_PATH = r"/(?!/)[\w\-./?=&%]*"


APP_PASSWORD = re.compile(r"[a-zA-Z0-9]{4}(-[a-zA-Z0-9]{4}){3}")


def _filled(**properties: dict[str, Any]) -> dict[str, Any]:
    return {"required": list(properties), "properties": properties}


class ConnectIn(Model):
    # What `connect` requires of Mastodon and Bluesky, for the OpenAPI document.
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                {
                    "if": {"required": ["network"], "properties": {"network": {"const": net}}},
                    "then": then,
                }
                for net, then in (
                    ("mastodon", _filled(instance_url={"type": "string", "minLength": 1})),
                    (
                        "bluesky",
                        _filled(
                            handle={"type": "string", "minLength": 1},
                            app_password={
                                "type": "string",
                                "pattern": f"^{APP_PASSWORD.pattern}$",
                            },
                        ),
                    ),
                )
            ]
        }
    )

    network: NetworkName
    redirect_to: str | None = Field(
        default=None,
        description="a path of the web app",
        json_schema_extra={"pattern": f"^{LOCAL_PATH}$"},
    )
    instance_url: str | None = None  # Mastodon
    handle: str | None = None  # Bluesky
    app_password: str | None = None  # Bluesky
    service_url: str | None = None  # Bluesky

    @field_validator("redirect_to")
    @classmethod
    def local_path(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(LOCAL_PATH, value):
            raise ValueError("must be a path of the web app, such as /accounts")
        return value


class AccountOut(Model):
    id: str
    network: str
    display_name: str
    handle: str | None
    avatar_url: str | None
    kind: str
    status: str
    token_expires_at: datetime | None
    slots: list[Slot]
    timezone: str
    last_error: str | None
    options: dict[str, Any]
    scheduled_posts: int = Field(description="scheduled posts that disconnecting would cancel")
    custom_slots: bool = Field(
        default=False, description="the posting times were changed from a new account's"
    )
    created_at: datetime
    updated_at: datetime


class ConnectOut(Model):
    """The consent page to send the user to, or (Bluesky) the account connected at once."""

    authorize_url: str | None = None
    account: AccountOut | None = None


class AccountList(Model):
    items: list[AccountOut]
    next_cursor: str | None = None


class AccountPatch(Model):
    slots: list[Slot] | None = Field(default=None, max_length=100)
    board_id: str | None = Field(default=None, description="Pinterest: the board pins go to")
    timezone: TimeZoneName | None = None
    display_name: Annotated[str, Field(min_length=1, max_length=100)] | None = None


class OfferedIdentity(Model):
    external_id: str
    kind: str
    name: str
    username: str | None
    avatar_url: str | None


class PendingOut(Model):
    network: str
    identities: list[OfferedIdentity]


class PendingSummary(Model):
    id: str = Field(description="the pending connection: GET or POST .../accounts/pending/{id}")
    network: str
    identities: list[OfferedIdentity]
    expires_at: str = Field(description="UTC; after this, connect again")


class PendingList(Model):
    items: list[PendingSummary]


class ChooseIn(Model):
    external_ids: list[str] = Field(min_length=1, max_length=100)


class ChosenOut(Model):
    connected: list[str]


class DisconnectOut(Model):
    cancelled_targets: int


def account_out(item: Any) -> AccountOut:
    from datetime import timedelta

    from chalicelib.domain.slots import default_slots
    from chalicelib.store.base import utcnow
    from chalicelib.store.posts import taken_times

    now = utcnow()
    scheduled = len(taken_times(item.workspace_id, item.account_id, now, now + timedelta(days=400)))
    slots = [Slot(weekday=int(s.weekday), time=s.time) for s in item.slots or []]
    defaults = {(s.weekday, s.at) for s in default_slots()}

    return AccountOut(
        id=item.account_id,
        network=item.network,
        display_name=item.display_name,
        handle=item.handle,
        avatar_url=item.avatar_url,
        kind=item.kind,
        status=item.status,
        token_expires_at=item.token_expires_at,
        slots=slots,
        timezone=item.timezone,
        last_error=item.last_error,
        options={k: v for k, v in (item.options or {}).items() if k in PUBLIC_OPTIONS},
        scheduled_posts=scheduled,
        custom_slots={(s.weekday, s.time) for s in slots} != defaults,
        # To the second, as every time the API returns.
        created_at=item.created_at.replace(microsecond=0),
        updated_at=item.updated_at.replace(microsecond=0),
    )


# Account options a client may see (never client secrets or tokens).
PUBLIC_OPTIONS = {"parent_id", "board_id", "boards", "instance_url", "service_url"}


def _account(ws: str, account_id: str) -> Any:
    from chalicelib.store import accounts as store

    item = store.get(ws, account_id)
    if item is None or item.status == "disconnected":
        raise NotFound("No such account in this workspace.")
    return item


@accounts.endpoint(
    "POST",
    "/v1/workspaces/{ws}/accounts/connect",
    auth=Role.ADMIN,
    body=ConnectIn,
    response=ConnectOut,
    statuses=(201,),
)
def connect(ctx: RequestContext, ws: str, body: ConnectIn) -> Reply:
    """Start connecting an account: the network's consent page to send the user to.
    Bluesky connects at once with a handle and an app password (201). 403
    `email_unverified` until the user has verified their address."""
    from chalicelib.auth.requirements import require_verified_email
    from chalicelib.oauth.connect import BINDING_COOKIE, start_connect

    user_id = ctx.principal.require_user()
    require_verified_email(ctx.principal.user(), "connect accounts")
    if body.network == "bluesky":
        return Reply(ConnectOut(account=_connect_bluesky(ws, user_id, body)), 201)
    options = {}
    if body.network == "mastodon":
        from chalicelib.oauth.adapters import check_public_host

        if not body.instance_url:
            raise invalid("instance_url", "Mastodon needs the URL of your instance")
        options["instance_url"] = check_public_host(body.instance_url, "instance_url")
    # What can go wrong before the consent page is the instance a user named (Mastodon).
    started = _network_call(
        lambda: start_connect(ws, user_id, body.network, body.redirect_to, options),
        field="instance_url" if options else "network",
    )
    secure = "; Secure" if get_settings().api_base_url.startswith("https://") else ""
    cookie = (
        f"{BINDING_COOKIE}={started.browser_binding}; Max-Age=600; "
        f"Path=/v1/oauth/callback; HttpOnly; SameSite=Lax{secure}"
    )
    return Reply(ConnectOut(authorize_url=started.authorize_url), 200, {"Set-Cookie": cookie})


def _connect_bluesky(ws: str, user_id: str, body: ConnectIn) -> AccountOut:
    from chalicelib.oauth.adapters import check_public_host
    from chalicelib.oauth.connect import connect_bluesky
    from chalicelib.store import accounts as store

    handle, app_password = body.handle or "", (body.app_password or "").strip()
    problems = []
    if not handle:
        problems.append({"field": "handle", "message": "your Bluesky handle, e.g. you.bsky.social"})
    if not APP_PASSWORD.fullmatch(app_password):
        problems.append(
            {"field": "app_password", "message": "an app password shaped xxxx-xxxx-xxxx-xxxx"}
        )
    if problems:
        raise ValidationFailed("Bluesky needs a handle and an app password.", problems)
    service = check_public_host(body.service_url, "service_url") if body.service_url else None
    account_id = _network_call(
        lambda: connect_bluesky(ws, user_id, handle, app_password, service),
        field="app_password",
    )
    return account_out(store.get(ws, account_id))


def _network_call(call: Any, field: str = "network") -> Any:
    """Run a call to the network; its refusal becomes a 4xx naming `field`."""
    from chalicelib.networks.base import ErrorKind, NetworkError

    try:
        return call()
    except NetworkError as exc:
        if exc.kind in (ErrorKind.REAUTH, ErrorKind.PERMANENT):
            raise ValidationFailed(
                f"The network refused: {exc.message}", [{"field": field, "message": exc.message}]
            ) from None
        raise Conflict(f"The network is not answering right now: {exc.message}") from None


class CallbackQuery(Model):
    """What the network adds to the redirect (networks may add more; it is ignored)."""

    code: str | None = None
    state: str | None = None
    error: str | None = None
    error_description: str | None = None


@accounts.endpoint(
    "GET",
    "/v1/oauth/callback/{network}",
    auth=Access.PUBLIC,
    query=CallbackQuery,
    status=302,
    statuses=(400, 402, 502),  # pages of their own (text/html)
)
def oauth_callback(ctx: RequestContext, network: str, query: CallbackQuery) -> Response:
    """The network sends the user back here: store the tokens and return to the app."""
    from chalicelib.networks.base import NetworkError
    from chalicelib.oauth.connect import BINDING_COOKIE, ConnectFailed, finish_connect

    if query.error:
        reason = query.error_description or query.error
        return _callback_page(400, f"The network did not grant access: {reason}")
    if not query.code or not query.state:
        return _callback_page(400, "The network's answer lacks a code or a state.")
    try:
        outcome = finish_connect(
            network, query.code, query.state, _cookie(ctx.header("cookie"), BINDING_COOKIE)
        )
    except ConnectFailed as exc:
        return _callback_page(400, str(exc))
    except ApiError as exc:  # the plan's account limit
        return _callback_page(exc.status, exc.message)
    except NetworkError as exc:
        return _callback_page(502, f"The network refused the connection: {exc.message}")
    params = {"network": network}
    if outcome.connected:
        params["connected"] = ",".join(outcome.connected)
    if outcome.pending_id:
        params["choose"] = outcome.pending_id
    separator = "&" if "?" in outcome.redirect_to else "?"
    location = (
        f"{get_settings().frontend_origin}{outcome.redirect_to}{separator}{urlencode(params)}"
    )
    return Response(body="", status_code=302, headers={"Location": location})


def _cookie(header: str | None, name: str) -> str | None:
    for part in (header or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _callback_page(status: int, message: str) -> Response:
    from html import escape

    origin = get_settings().frontend_origin
    back = f"{origin}/accounts?error={quote(message)}"
    # Past the plan's limit, the way on is the plans.
    upgrade = (
        f"<p><a href='{escape(origin)}/settings/billing'>See plans and upgrade</a></p>"
        if status == 402
        else ""
    )
    body = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Connection failed</title></head><body>"
        f"<h1>The account was not connected</h1><p>{escape(message)}</p>{upgrade}"
        f"<p><a href='{escape(back)}'>Back to Schedulo</a></p></body></html>"
    )
    return Response(body=body, status_code=status, headers={"Content-Type": "text/html"})


@accounts.endpoint("GET", "/v1/workspaces/{ws}/accounts", auth=Role.VIEWER, response=AccountList)
def list_accounts(ctx: RequestContext, ws: str) -> AccountList:
    """The workspace's connected accounts with their status and token expiry."""
    from chalicelib.store import accounts as store

    items = [i for i in store.list_accounts(ws) if i.status != "disconnected"]
    return AccountList(items=[account_out(i) for i in items])


@accounts.endpoint(
    "GET", "/v1/workspaces/{ws}/accounts/{account_id}", auth=Role.VIEWER, response=AccountOut
)
def get_account(ctx: RequestContext, ws: str, account_id: str) -> AccountOut:
    """One account."""
    return account_out(_account(ws, account_id))


@accounts.endpoint(
    "PATCH",
    "/v1/workspaces/{ws}/accounts/{account_id}",
    auth=Role.ADMIN,
    body=AccountPatch,
    response=AccountOut,
)
def update_account(ctx: RequestContext, ws: str, account_id: str, body: AccountPatch) -> AccountOut:
    """Change the posting slots, the time zone or the display name."""
    from chalicelib.store import accounts as store

    item = _account(ws, account_id)
    if body.slots is not None:
        unique = {(s.weekday, s.time) for s in body.slots}
        if len(unique) != len(body.slots):
            raise invalid("slots", "the same weekday and time appear twice")
        item.slots = store.slot_items(sorted(unique))
    if body.timezone is not None:
        item.timezone = body.timezone
    if body.display_name is not None:
        item.display_name = body.display_name
    if body.board_id is not None:
        boards = {b["id"] for b in (item.options or {}).get("boards", [])}
        if item.network != "pinterest" or body.board_id not in boards:
            raise invalid("board_id", "must be one of the account's Pinterest boards")
        item.options = {**item.options, "board_id": body.board_id}
    return account_out(store.save(item))


@accounts.endpoint(
    "POST",
    "/v1/workspaces/{ws}/accounts/{account_id}/refresh",
    auth=Role.ADMIN,
    response=AccountOut,
)
def refresh_account(ctx: RequestContext, ws: str, account_id: str) -> AccountOut:
    """Refresh the account's token now."""
    from chalicelib.networks.base import ErrorKind, NetworkError
    from chalicelib.oauth.health import mark_refresh_failed
    from chalicelib.oauth.tokens import refresh_account as refresh

    item = _account(ws, account_id)
    try:
        refresh(item)
    except NetworkError as exc:
        mark_refresh_failed(item, exc)
        if exc.kind is not ErrorKind.REAUTH:
            raise Conflict(f"The network did not refresh the token: {exc.message}") from None
    return account_out(item)


@accounts.endpoint(
    "DELETE", "/v1/workspaces/{ws}/accounts/{account_id}", auth=Role.ADMIN, response=DisconnectOut
)
def disconnect_account(ctx: RequestContext, ws: str, account_id: str) -> DisconnectOut:
    """Disconnect: revoke at the network, forget the tokens, cancel scheduled targets."""
    from chalicelib.oauth.health import disconnect

    cancelled = disconnect(_account(ws, account_id), actor=ctx.principal.actor)
    return DisconnectOut(cancelled_targets=cancelled)


@accounts.endpoint(
    "GET", "/v1/workspaces/{ws}/accounts/pending", auth=Role.ADMIN, response=PendingList
)
def list_pending_connections(ctx: RequestContext, ws: str) -> PendingList:
    """The caller's connections still waiting for them to pick pages or organisations
    (until they expire): leaving that step does not lose them."""
    from chalicelib.store import oauth_state
    from chalicelib.store.base import iso

    items = []
    for record in oauth_state.pending_of(ws, ctx.principal.require_user()):
        if record.workspace_id != ws or not isinstance(record.extra, dict):
            continue
        offered = [
            OfferedIdentity(**{k: v for k, v in i.items() if k in OfferedIdentity.model_fields})
            for i in record.extra.get("identities", [])
        ]
        expires = datetime.fromtimestamp(int(record.expires_at), tz=UTC)
        items.append(
            PendingSummary(
                id=record.state, network=record.network, identities=offered, expires_at=iso(expires)
            )
        )
    return PendingList(items=items)


@accounts.endpoint(
    "DELETE",
    "/v1/workspaces/{ws}/accounts/pending/{pending_id}",
    auth=Role.ADMIN,
    status=204,
)
def discard_pending_connection(ctx: RequestContext, ws: str, pending_id: str) -> None:
    """Forget a connection waiting for a choice (its sealed tokens with it)."""
    from chalicelib.oauth.connect import pending_identities
    from chalicelib.store import oauth_state

    if not pending_identities(ws, ctx.principal.require_user(), pending_id):
        raise NotFound("This choice has expired; connect again.")
    oauth_state.consume(pending_id)


@accounts.endpoint(
    "GET",
    "/v1/workspaces/{ws}/accounts/pending/{pending_id}",
    auth=Role.ADMIN,
    response=PendingOut,
)
def pending_connection(ctx: RequestContext, ws: str, pending_id: str) -> PendingOut:
    """The pages, Instagram accounts or organisations a grant offers, to pick from."""
    from chalicelib.oauth.connect import pending_identities
    from chalicelib.store import oauth_state

    user_id = ctx.principal.require_user()
    offered = pending_identities(ws, user_id, pending_id)
    record = oauth_state.peek(pending_id)
    if not offered or record is None:
        raise NotFound("This choice has expired; connect again.")
    return PendingOut(network=record.network, identities=[OfferedIdentity(**i) for i in offered])


@accounts.endpoint(
    "POST",
    "/v1/workspaces/{ws}/accounts/pending/{pending_id}",
    auth=Role.ADMIN,
    body=ChooseIn,
    response=ChosenOut,
    status=201,
)
def choose_identities(ctx: RequestContext, ws: str, pending_id: str, body: ChooseIn) -> ChosenOut:
    """Add the picked pages, Instagram accounts or organisations as accounts."""
    from chalicelib.oauth.connect import choose_identities as choose

    chosen = choose(ws, ctx.principal.require_user(), pending_id, body.external_ids)
    if chosen is None:
        raise NotFound("This choice has expired; connect again.")
    return ChosenOut(connected=chosen[1])
