"""The adapter to talk to the network of one account, configured for it.

Most networks use the app's one registration (Secrets Manager). Mastodon registers
Schedulo once per instance; the client credentials are kept under the instance's host
(chalicelib/store/mastodon_apps.py, the secret sealed by the token vault) and reused by
every workspace. Bluesky accounts may live on their own server (PDS).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from chalicelib.networks.base import ClientCredentials, ErrorKind, NetworkAdapter, NetworkError
from chalicelib.settings import get_settings

if TYPE_CHECKING:
    from chalicelib.networks.mastodon import MastodonAdapter


def adapter_for_network(
    network: str, options: dict[str, Any] | None = None, *, connecting: bool = False
) -> NetworkAdapter:
    """`connecting`: for the start of a connection (Mastodon checks that the instance still
    knows Schedulo's app, see `mastodon_for_connect`)."""
    from chalicelib.networks.registry import get_adapter
    from chalicelib.oauth.credentials import client_credentials

    options = options or {}
    if network == "bluesky":
        return get_adapter("bluesky", service_url=options.get("service_url"))
    if network == "mastodon":
        instance = options.get("instance_url")
        if not instance:
            raise NetworkError(ErrorKind.PERMANENT, "This Mastodon account has no instance URL.")
        if connecting:
            return mastodon_for_connect(instance)
        return get_adapter("mastodon", mastodon_credentials(instance), instance_url=instance)
    return get_adapter(network, client_credentials(network))


def adapter_for(account: Any) -> NetworkAdapter:
    """The adapter for a stored account (`chalicelib.store.accounts.AccountItem`)."""
    return adapter_for_network(account.network, account.options or {})


def check_public_host(url: str, field: str) -> str:
    """Refuse URLs of private, loopback or link-local hosts (the local stack may allow
    loopback for its sandbox); returns the URL with https added when it has no scheme."""
    from chalicelib.errors import invalid
    from chalicelib.netguard import HostRefused, resolve

    url = url.strip().rstrip("/")
    if "://" not in url:
        url = f"https://{url}"
    parts = urlsplit(url)
    settings = get_settings()
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise invalid(field, "must be a URL such as https://mastodon.social")
    if parts.scheme == "http" and not settings.allow_loopback_fetch:
        raise invalid(field, "must use https")
    try:
        resolve(parts.hostname, parts.port or 443, settings.allow_loopback_fetch)
    except HostRefused as exc:
        raise invalid(field, str(exc)) from None
    return url


def _mastodon_instance(instance_url: str) -> str:
    host = urlsplit(instance_url).netloc.replace(":", "_")
    path = urlsplit(instance_url).path.strip("/").replace("/", "_")
    return f"{host}{'_' + path if path else ''}"


# The vault binds what it seals to a workspace and an account: an instance's app is the
# app's own, in a workspace of no one.
_APPS = "_mastodon_apps"


def mastodon_credentials(instance_url: str) -> ClientCredentials:
    """Schedulo's app on this instance: registered on first use, then reused."""
    return _mastodon_app(instance_url)[0]


def mastodon_for_connect(instance_url: str) -> MastodonAdapter:
    """The adapter to start a connection with: its app is one the instance still knows.
    An instance that forgot it (restored database, app removed by its admin) would answer
    the consent page with "unknown client" forever; it is registered again, once."""
    from chalicelib.networks.registry import get_adapter

    credentials, registered_now = _mastodon_app(instance_url)
    adapter = cast(
        "MastodonAdapter", get_adapter("mastodon", credentials, instance_url=instance_url)
    )
    if registered_now or adapter.app_known():
        return adapter
    renewed = renew_mastodon_credentials(instance_url, credentials)
    return cast("MastodonAdapter", get_adapter("mastodon", renewed, instance_url=instance_url))


def renew_mastodon_credentials(instance_url: str, stale: ClientCredentials) -> ClientCredentials:
    """The instance answered `invalid_client` for `stale`: register again and keep the new
    credentials, unless another connection already replaced them."""
    instance = _mastodon_instance(instance_url)
    kept = _kept_mastodon_app(instance)
    if kept is not None and kept.client_id != stale.client_id:
        return kept  # renewed by someone else meanwhile
    from chalicelib.observability import logger

    logger.warning(
        "mastodon app forgotten by the instance; registering again",
        extra={"instance": urlsplit(instance_url).netloc},
    )
    app = _register_mastodon_app(instance_url)
    if not _keep_mastodon_app(instance, app, replacing=stale.client_id):
        return _kept_mastodon_app(instance) or app  # renewed by someone else meanwhile
    return app


def _kept_mastodon_app(instance: str) -> ClientCredentials | None:
    from chalicelib.oauth.vault import vault
    from chalicelib.store import mastodon_apps

    found = mastodon_apps.get(instance)
    if found is None:
        return None
    client_id, sealed = found
    return ClientCredentials(client_id, vault().open(_APPS, instance, sealed)["client_secret"])


def _keep_mastodon_app(instance: str, app: ClientCredentials, replacing: str | None = None) -> bool:
    from chalicelib.oauth.vault import vault
    from chalicelib.store import mastodon_apps

    sealed = vault().seal(_APPS, instance, {"client_secret": app.client_secret})
    return mastodon_apps.keep(instance, app.client_id, sealed, replacing)


def _register_mastodon_app(instance_url: str) -> ClientCredentials:
    from chalicelib.networks.registry import get_adapter
    from chalicelib.oauth.connect import callback_uri

    mastodon = cast("MastodonAdapter", get_adapter("mastodon", instance_url=instance_url))
    return mastodon.register_app(callback_uri("mastodon"), website=get_settings().frontend_origin)


def _mastodon_app(instance_url: str) -> tuple[ClientCredentials, bool]:
    """The kept credentials, or new ones registered now (True)."""
    instance = _mastodon_instance(instance_url)
    kept = _kept_mastodon_app(instance)
    if kept is not None:
        return kept, False
    app = _register_mastodon_app(instance_url)
    if not _keep_mastodon_app(instance, app):
        # Another connection registered at the same moment: use the one that was kept.
        kept = _kept_mastodon_app(instance)
        if kept is not None:
            return kept, False
    return app, True
