"""Connecting accounts: start a network's consent flow, finish it at the callback.

    started = start_connect(ws, user_id, "x", redirect_to="/accounts")
    # browser -> started.authorize_url -> network -> GET /v1/oauth/callback/x?code&state
    outcome = finish_connect("x", code, state, browser_binding)

The state, the PKCE verifier, the workspace, the user and the redirect target live
server-side for 10 minutes and are used once. The callback is a browser navigation
without the API's bearer token, so the connect call also sets a cookie whose hash the
state keeps: a state brought back by another browser (another user) is refused.
Identities already connected are updated at once (same account id, slots and posts);
new ones are added when the grant has one identity, or offered for the user to pick
(Facebook pages, Instagram accounts, LinkedIn organisations).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from chalicelib import webhooks
from chalicelib.networks.base import Identity, NetworkError, TokenGrant
from chalicelib.settings import get_settings
from chalicelib.store import accounts as account_store
from chalicelib.store import oauth_state

if TYPE_CHECKING:
    from chalicelib.networks.bluesky import BlueskyAdapter
    from chalicelib.networks.pinterest import PinterestAdapter
    from chalicelib.store.oauth_state import OAuthStateItem

BINDING_COOKIE = "schedulo_connect"


class ConnectFailed(Exception):
    """The callback cannot complete; nothing was stored."""


@dataclass(frozen=True)
class ConnectStart:
    authorize_url: str
    browser_binding: str


@dataclass
class ConnectOutcome:
    workspace_id: str
    network: str
    redirect_to: str
    connected: list[str] = field(default_factory=list)  # account ids added or updated
    pending_id: str | None = None  # identities waiting for the user's choice


def callback_uri(network: str) -> str:
    return f"{get_settings().api_base_url}/v1/oauth/callback/{network}"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def start_connect(
    workspace_id: str,
    user_id: str,
    network: str,
    redirect_to: str | None,
    options: dict[str, Any] | None = None,
) -> ConnectStart:
    """`options` configure the adapter (Mastodon's `instance_url`) and are kept on the
    accounts the grant creates."""
    from authlib.common.security import generate_token
    from authlib.oauth2.rfc7636 import create_s256_code_challenge

    from chalicelib.oauth.adapters import adapter_for_network

    adapter = adapter_for_network(network, options, connecting=True)
    verifier = generate_token(64) if adapter.uses_pkce else None
    binding = secrets.token_urlsafe(32)
    record = oauth_state.create(
        workspace_id,
        user_id,
        network,
        code_verifier=verifier,
        redirect_to=redirect_to,
        extra={"binding": _digest(binding), "options": options or {}},
    )
    challenge = create_s256_code_challenge(verifier) if verifier else None
    url = adapter.authorize_url(callback_uri(network), record.state, challenge)
    return ConnectStart(url, binding)


def finish_connect(
    network: str, code: str, state: str, browser_binding: str | None
) -> ConnectOutcome:
    from chalicelib.oauth.adapters import adapter_for_network

    record = oauth_state.consume(state)
    if record is None or record.network != network:
        raise ConnectFailed("This connection link has expired or was already used. Start again.")
    if not browser_binding or _digest(browser_binding) != record.extra.get("binding"):
        raise ConnectFailed("This connection was started by another user or browser. Start again.")
    options = record.extra.get("options") or {}
    adapter = adapter_for_network(network, options)
    try:
        grant = adapter.exchange_code(code, callback_uri(network), record.code_verifier)
    except NetworkError as error:
        if network == "mastodon" and error.code == "invalid_client":
            _renew_mastodon_app(options, adapter)
        raise
    identities = adapter.identities(grant)
    if not identities:
        raise ConnectFailed(f"No {adapter.limits.name} account to publish as came with this grant.")
    return _store(
        record.workspace_id, record.user_id, network, grant, identities, record.redirect_to, options
    )


def _renew_mastodon_app(options: dict[str, Any], adapter: Any) -> None:
    """The instance forgot Schedulo's app between the consent page and this callback: the
    code was issued to that app and cannot be redeemed by another, so the app is
    registered again for the next attempt and the user is asked to start again."""
    from chalicelib.oauth.adapters import renew_mastodon_credentials

    renew_mastodon_credentials(options["instance_url"], adapter.credentials)
    raise ConnectFailed(
        "The Mastodon instance no longer knew Schedulo's registration; Schedulo has "
        "registered again. Start the connection again."
    )


def connect_bluesky(
    workspace_id: str, user_id: str, handle: str, app_password: str, service_url: str | None
) -> str:
    """Bluesky has no redirect: a session from the handle and an app password. The app
    password is sealed with the tokens, so a session can be opened again when its
    refresh token runs out."""
    from chalicelib.billing.entitlements import check_can_connect, release_accounts
    from chalicelib.oauth.adapters import adapter_for_network

    options = {"service_url": service_url} if service_url else {}
    adapter = cast("BlueskyAdapter", adapter_for_network("bluesky", options))
    grant, identity = adapter.create_session(handle, app_password)
    adding = _new_count(workspace_id, [identity])
    check_can_connect(workspace_id, adding=adding)
    try:
        return save_identity(
            workspace_id, user_id, grant, identity, options, {"app_password": app_password}
        )
    except Exception:
        release_accounts(workspace_id, adding)
        raise


def _store(
    workspace_id: str,
    user_id: str,
    network: str,
    grant: TokenGrant,
    identities: list[Identity],
    redirect_to: str | None,
    options: dict[str, Any],
) -> ConnectOutcome:
    from chalicelib.billing.entitlements import check_can_connect, release_accounts

    outcome = ConnectOutcome(workspace_id, network, redirect_to or "/accounts")
    known = [i for i in identities if _existing(workspace_id, i) is not None]
    new = [i for i in identities if _existing(workspace_id, i) is None]
    # A disconnected account connected again counts again.
    returning = _new_count(workspace_id, known)
    check_can_connect(workspace_id, adding=returning)
    try:
        outcome.connected += [
            save_identity(workspace_id, user_id, grant, i, options) for i in known
        ]
    except Exception:
        release_accounts(workspace_id, returning)
        raise
    if len(new) == 1 and not known:
        check_can_connect(workspace_id, adding=1)
        try:
            outcome.connected.append(save_identity(workspace_id, user_id, grant, new[0], options))
        except Exception:
            release_accounts(workspace_id, 1)
            raise
    elif new:
        outcome.pending_id = _offer(workspace_id, user_id, network, grant, new, options)
    return outcome


def _existing(workspace_id: str, identity: Identity) -> account_store.AccountItem | None:
    return account_store.find_by_identity(workspace_id, identity.network, identity.external_id)


def _new_count(workspace_id: str, identities: list[Identity]) -> int:
    """How many of `identities` connecting would add to the connected accounts."""
    found = [_existing(workspace_id, i) for i in identities]
    return sum(1 for item in found if item is None or item.status == "disconnected")


def sealed_secrets(grant: TokenGrant, identity: Identity) -> dict[str, Any]:
    """What the vault keeps for one account: its own token and the grant behind it."""
    # An identity with its own token (a Facebook Page's) keeps it while the grant holds:
    # it does not expire with the user token.
    expires = None if identity.access_token else grant.expires_at
    return {
        "access_token": identity.access_token or grant.access_token,
        "grant_access_token": grant.access_token,
        "refresh_token": grant.refresh_token,
        "expires_at": expires.isoformat() if expires else None,
        "refresh_expires_at": grant.refresh_expires_at.isoformat()
        if grant.refresh_expires_at
        else None,
        "scopes": list(grant.scopes),
        "token_type": grant.token_type,
        "subject": grant.subject,
    }


def _account_for(
    workspace_id: str, user_id: str, identity: Identity, options: dict[str, Any] | None = None
) -> account_store.AccountItem:
    """The account of `identity`: the connected one (keeping its id, slots, time zone and
    scheduled posts) or a new one with the default posting slots in the workspace's time
    zone (its 09:00 is the workspace's 09:00)."""
    from chalicelib.domain.slots import default_slots

    item = _existing(workspace_id, identity) or account_store.AccountItem(
        workspace_id=workspace_id,
        account_id=account_store.new_account_id(),
        network=identity.network,
        external_id=identity.external_id,
        display_name=identity.name,
        slots=account_store.slot_items([(s.weekday, s.at) for s in default_slots()]),
        timezone=_workspace_zone(workspace_id),
        connected_by=user_id,
    )
    item.display_name = identity.name
    item.handle = identity.username
    item.avatar_url = identity.avatar_url
    item.kind = identity.kind.value
    item.last_error = None
    item.options = {**(item.options or {}), **(options or {})}
    if identity.parent_id:
        item.options["parent_id"] = identity.parent_id
    return item


def _workspace_zone(workspace_id: str) -> str:
    """The workspace's time zone, which a new account starts with ("UTC" if it has none)."""
    from chalicelib.domain.timezones import is_zone
    from chalicelib.store.workspaces import get_workspace

    record = get_workspace(workspace_id)
    zone = record.timezone if record is not None else None
    return zone if zone and is_zone(zone) else "UTC"


def remember_boards(item: account_store.AccountItem, token: str) -> None:
    """Pinterest pins go to a board: the account keeps its boards and a default one."""
    from chalicelib.oauth.adapters import adapter_for

    boards = cast("PinterestAdapter", adapter_for(item)).boards(token)
    item.options["boards"] = [{"id": b.id, "name": b.name} for b in boards]
    known = {b.id for b in boards}
    if item.options.get("board_id") not in known:
        item.options["board_id"] = boards[0].id if boards else None


def save_identity(
    workspace_id: str,
    user_id: str,
    grant: TokenGrant,
    identity: Identity,
    options: dict[str, Any] | None = None,
    more_secrets: dict[str, Any] | None = None,
) -> str:
    from chalicelib.oauth.tokens import store_secrets

    item = _account_for(workspace_id, user_id, identity, options)
    secrets_ = {**sealed_secrets(grant, identity), **(more_secrets or {})}
    if item.network == "pinterest":
        remember_boards(item, secrets_["access_token"])
    store_secrets(item, secrets_)
    webhooks.account_event(item, "account.connected")
    _audit_connected(item, user_id)
    return item.account_id


def _audit_connected(item: account_store.AccountItem, user_id: str) -> None:
    from chalicelib.store.audit import record_event

    record_event(
        item.workspace_id,
        "account.connected",
        actor=user_id,
        target=item.account_id,
        details={"network": item.network, "name": item.display_name, "handle": item.handle},
    )


def _offer(
    workspace_id: str,
    user_id: str,
    network: str,
    grant: TokenGrant,
    identities: list[Identity],
    options: dict[str, Any],
) -> str:
    """Keep the new identities (tokens sealed) for the user to pick within 10 minutes."""
    from chalicelib.oauth.vault import vault

    pending_key = f"pending_{secrets.token_hex(12)}"
    offered = [
        {
            "external_id": i.external_id,
            "kind": i.kind.value,
            "name": i.name,
            "username": i.username,
            "avatar_url": i.avatar_url,
            "parent_id": i.parent_id,
            "sealed": vault().seal(workspace_id, pending_key, sealed_secrets(grant, i)),
        }
        for i in identities
    ]
    record = oauth_state.create(
        workspace_id,
        user_id,
        network,
        code_verifier=None,
        redirect_to=None,
        extra={"pending_key": pending_key, "identities": offered, "options": options},
    )
    return record.state


def _pending(workspace_id: str, user_id: str, pending_id: str) -> OAuthStateItem | None:
    """This user's choice of identities in this workspace, or None: expired, someone
    else's, or the state of a plain connect (which offers no choice)."""
    record = oauth_state.peek(pending_id)
    if record is None or record.workspace_id != workspace_id or record.user_id != user_id:
        return None
    if not isinstance(record.extra, dict) or "identities" not in record.extra:
        return None
    return record


def pending_identities(workspace_id: str, user_id: str, pending_id: str) -> list[dict[str, Any]]:
    record = _pending(workspace_id, user_id, pending_id)
    if record is None:
        return []
    return [{k: v for k, v in i.items() if k != "sealed"} for i in record.extra["identities"]]


def choose_identities(
    workspace_id: str, user_id: str, pending_id: str, external_ids: list[str]
) -> tuple[str, list[str]] | None:
    """Add the picked identities; None when the choice expired or is not this user's."""
    from chalicelib.billing.entitlements import check_can_connect, release_accounts

    record = _pending(workspace_id, user_id, pending_id)
    if record is None:
        return None
    picked = [i for i in record.extra["identities"] if i["external_id"] in set(external_ids)]
    check_can_connect(workspace_id, adding=len(picked))
    added: list[str] = []
    try:
        if oauth_state.consume(pending_id) is None:
            release_accounts(workspace_id, len(picked))
            return None
        _add_picked(workspace_id, user_id, record, picked, added)
    except Exception:
        release_accounts(workspace_id, len(picked) - len(added))
        raise
    return record.network, added


def _add_picked(
    workspace_id: str,
    user_id: str,
    record: Any,
    picked: list[dict[str, Any]],
    added: list[str],
) -> None:
    from chalicelib.networks.base import IdentityKind
    from chalicelib.oauth.tokens import store_secrets
    from chalicelib.oauth.vault import vault

    for offered in picked:
        secrets_ = vault().open(workspace_id, record.extra["pending_key"], offered["sealed"])
        identity = Identity(
            network=record.network,
            external_id=offered["external_id"],
            kind=IdentityKind(offered["kind"]),
            name=offered["name"],
            username=offered["username"],
            avatar_url=offered["avatar_url"],
            parent_id=offered["parent_id"],
        )
        item = _account_for(workspace_id, user_id, identity, record.extra.get("options"))
        store_secrets(item, secrets_)
        _audit_connected(item, user_id)
        added.append(item.account_id)
