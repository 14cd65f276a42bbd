"""The adapter to talk to the network of one account, configured for it.

Most networks use the app's one registration (Secrets Manager). Mastodon registers
Schedulo once per instance; the client credentials are kept in Secrets Manager under
the instance's host and reused by every workspace. Bluesky accounts may live on their
own server (PDS).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from chalicelib.networks.base import ClientCredentials, ErrorKind, NetworkAdapter, NetworkError
from chalicelib.settings import get_settings

if TYPE_CHECKING:
    from chalicelib.networks.mastodon import MastodonAdapter


def adapter_for_network(network: str, options: dict[str, Any] | None = None) -> NetworkAdapter:
    from chalicelib.networks.registry import get_adapter
    from chalicelib.oauth.credentials import client_credentials

    options = options or {}
    if network == "bluesky":
        return get_adapter("bluesky", service_url=options.get("service_url"))
    if network == "mastodon":
        instance = options.get("instance_url")
        if not instance:
            raise NetworkError(ErrorKind.PERMANENT, "This Mastodon account has no instance URL.")
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


def _mastodon_secret(instance_url: str) -> str:
    host = urlsplit(instance_url).netloc.replace(":", "_")
    path = urlsplit(instance_url).path.strip("/").replace("/", "_")
    return f"schedulo-{get_settings().stage}/mastodon-apps/{host}{'_' + path if path else ''}"


def mastodon_credentials(instance_url: str) -> ClientCredentials:
    """Schedulo's app on this instance: registered on first use, then reused."""
    from chalicelib.aws import client
    from chalicelib.networks.registry import get_adapter
    from chalicelib.oauth.connect import callback_uri

    secrets = client("secretsmanager")
    name = _mastodon_secret(instance_url)
    try:
        value = json.loads(secrets.get_secret_value(SecretId=name)["SecretString"])
        return ClientCredentials(value["client_id"], value["client_secret"])
    except secrets.exceptions.ResourceNotFoundException:
        pass
    mastodon = cast("MastodonAdapter", get_adapter("mastodon", instance_url=instance_url))
    app = mastodon.register_app(callback_uri("mastodon"), website=get_settings().frontend_origin)
    value = {"client_id": app.client_id, "client_secret": app.client_secret}
    try:
        secrets.create_secret(Name=name, SecretString=json.dumps(value))
    except secrets.exceptions.ResourceExistsException:
        # Another connection registered at the same moment: use the one that was kept.
        kept = json.loads(secrets.get_secret_value(SecretId=name)["SecretString"])
        return ClientCredentials(kept["client_id"], kept["client_secret"])
    return app
