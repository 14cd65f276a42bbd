"""Every supported network, by id: its adapter class and its limits table.

>>> get_adapter("x", ClientCredentials("id", "secret")).limits.text.max_length
280

A new network is one module and one line in `_ADAPTERS`. Modules are imported on first
use, so listing limits does not load every network at cold start.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from chalicelib.domain.limits import NetworkLimits
from chalicelib.networks.base import ClientCredentials, NetworkAdapter

# network id -> "module:AdapterClass"
_ADAPTERS = {
    "x": "chalicelib.networks.x:XAdapter",
    "facebook": "chalicelib.networks.facebook:FacebookAdapter",
    "instagram": "chalicelib.networks.instagram:InstagramAdapter",
    "linkedin": "chalicelib.networks.linkedin:LinkedInAdapter",
    "tiktok": "chalicelib.networks.tiktok:TikTokAdapter",
    "youtube": "chalicelib.networks.youtube:YouTubeAdapter",
    "pinterest": "chalicelib.networks.pinterest:PinterestAdapter",
    "threads": "chalicelib.networks.threads:ThreadsAdapter",
    "bluesky": "chalicelib.networks.bluesky:BlueskyAdapter",
    "mastodon": "chalicelib.networks.mastodon:MastodonAdapter",
}


class UnknownNetwork(KeyError):
    def __init__(self, network_id: str) -> None:
        super().__init__(network_id)
        self.network_id = network_id

    def __str__(self) -> str:
        return f"unknown network {self.network_id!r}; supported: {', '.join(NETWORK_IDS)}"


NETWORK_IDS = tuple(_ADAPTERS)


def adapter_class(network_id: str) -> type[NetworkAdapter]:
    try:
        module, name = _ADAPTERS[network_id].split(":")
    except KeyError:
        raise UnknownNetwork(network_id) from None
    return getattr(import_module(module), name)


def get_adapter(
    network_id: str, credentials: ClientCredentials | None = None, **options: Any
) -> NetworkAdapter:
    """The adapter of `network_id`; `options` go to its constructor (polling, timeouts)."""
    return adapter_class(network_id)(credentials, **options)


def get_limits(network_id: str) -> NetworkLimits:
    return adapter_class(network_id).limits


def network_name(network_id: str) -> str:
    """A network as people write it ("LinkedIn", "Facebook Pages"); the id if unknown."""
    try:
        return get_limits(network_id).name
    except UnknownNetwork:
        return network_id


def all_limits() -> list[NetworkLimits]:
    """The limits table of every supported network, in registry order."""
    return [get_limits(network_id) for network_id in NETWORK_IDS]
