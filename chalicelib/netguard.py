"""Which addresses Schedulo may connect to on a user's behalf (SSRF guard).

A URL a user gives (a media import, a Mastodon instance, a Bluesky PDS) is resolved, and
every address its name resolves to must be a public one; the caller then connects to the
checked address, so a DNS answer cannot change between the check and the connection.
Loopback is allowed only where `settings.allow_loopback_fetch` says so (the local stack's
sandbox); private, link-local (169.254.169.254, the metadata service), multicast and
reserved addresses never are.

Used by `chalicelib.media.fetch` (media import) and `chalicelib.networks.http` (calls to
a host a user named).
"""

from __future__ import annotations

import ipaddress
import socket

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class HostRefused(Exception):
    """The host cannot be reached from here; the message says why, for the user."""


def address_allowed(address: IpAddress, allow_loopback: bool) -> bool:
    """Public unicast addresses only; loopback when the local stack allows it."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_loopback:
        return allow_loopback
    return address.is_global and not address.is_multicast


def resolve(host: str, port: int, allow_loopback: bool) -> str:
    """The address to connect to; refuses if ANY address the name resolves to is forbidden."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise HostRefused(f"The host {host} cannot be found.") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if not addresses:
        raise HostRefused(f"The host {host} cannot be found.")
    for address in addresses:
        if not address_allowed(address, allow_loopback):
            raise HostRefused(
                f"The host {host} resolves to a private or reserved address; "
                "only public addresses can be reached."
            )
    return str(addresses[0])
