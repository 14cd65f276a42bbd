"""What every sandbox network plugs into.

A network is a `SandboxNetwork`: an id (its URL prefix), a Flask blueprint built
against the shared state, and how it answers each injected fault with its own error
shape and headers. Publish endpoints call `fault_or_none()` first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Response

from local.sandbox.state import SandboxState


@dataclass(frozen=True)
class SandboxNetwork:
    network_id: str
    name: str
    build: Callable[[SandboxState], Blueprint]
    # fault kind -> the network's real error response for it
    fault_response: Callable[[str], Response]


REGISTRY: dict[str, SandboxNetwork] = {}


def register(network: SandboxNetwork) -> SandboxNetwork:
    REGISTRY[network.network_id] = network
    return network


def fault_or_none(state: SandboxState, network_id: str) -> Response | None:
    """The injected fault's response for the next publish call, if one is pending."""
    kind = state.take_fault(network_id)
    if kind is None:
        return None
    if kind == "timeout":
        import time

        time.sleep(30)  # longer than any adapter's read timeout
    return REGISTRY[network_id].fault_response(kind)


def avatar_url(network_id: str, name: str) -> str:
    """A profile picture the sandbox serves itself (the real networks' CDNs are not
    reachable from the local stack or the tests)."""
    from urllib.parse import quote

    from flask import request

    return f"{request.host_url}_avatars/{network_id}/{quote(str(name), safe='')}.svg"
