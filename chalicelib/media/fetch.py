"""Fetching a URL on a user's behalf without letting them reach our own network (SSRF).

Every hop (the first URL and each redirect) is resolved, every address it resolves to must
be a public one (`chalicelib.netguard`, shared with the network adapters' calls to a host
a user named), and the connection is then made to that checked address (the Host header
and TLS name stay the URL's), so a DNS answer cannot change between check and connect.
Size is capped before and while reading; time is capped per operation and overall;
redirects are limited.
"""

from __future__ import annotations

import socket  # noqa: F401  (tests answer DNS through `fetch.socket.getaddrinfo`)
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from chalicelib import netguard

REDIRECTS = {301, 302, 303, 307, 308}
CHUNK_BYTES = 256 * 1024


class FetchError(Exception):
    """The URL cannot be imported; the message says why, for the user."""


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int
    timeout_seconds: float = 20.0  # the whole fetch, redirects included
    connect_timeout_seconds: float = 5.0
    max_redirects: int = 3
    allow_loopback: bool = False


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    size: int
    content_type: str | None  # what the server said; inspection decides


def resolve(host: str, port: int, allow_loopback: bool) -> str:
    """The address to connect to (`chalicelib.netguard.resolve`), refusals as `FetchError`."""
    try:
        return netguard.resolve(host, port, allow_loopback)
    except netguard.HostRefused as refused:
        raise FetchError(str(refused)) from None


def fetch(url: str, limits: FetchLimits, sink: Callable[[bytes], None]) -> Fetched:
    """GET `url`, following at most `limits.max_redirects` redirects, into `sink`."""
    deadline = time.monotonic() + limits.timeout_seconds
    for _ in range(limits.max_redirects + 1):
        response = _open(url, limits, deadline)
        try:
            if response.status in REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError("The server answered a redirect without a location.")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise FetchError(f"The server answered HTTP {response.status}.")
            size = _stream(response, limits, deadline, sink)
            return Fetched(url, size, response.headers.get("Content-Type"))
        finally:
            response.release_conn()
    raise FetchError(f"More than {limits.max_redirects} redirects.")


def _open(url: str, limits: FetchLimits, deadline: float):  # -> urllib3.BaseHTTPResponse
    import urllib3

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError("Only http and https URLs can be imported.")
    if parts.username or parts.password:
        raise FetchError("URLs with a user name or password cannot be imported.")
    host = parts.hostname
    if not host:
        raise FetchError("The URL has no host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError("The URL's port is not valid.") from None
    address = resolve(host, port, limits.allow_loopback)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError("The server took too long to answer.")
    timeout = urllib3.Timeout(
        connect=min(limits.connect_timeout_seconds, remaining), read=remaining
    )
    if parts.scheme == "https":
        pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host_header = host if parts.port is None else f"{host}:{parts.port}"
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]" + (f":{parts.port}" if parts.port else "")
    try:
        return pool.urlopen(
            "GET",
            path,
            headers={
                "Host": host_header,
                "User-Agent": "Schedulo-media-import/1",
                "Accept": "image/*, video/*, text/csv, */*;q=0.1",
            },
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
    except urllib3.exceptions.TimeoutError:
        raise FetchError("The server took too long to answer.") from None
    except urllib3.exceptions.HTTPError as error:
        raise FetchError(f"The server could not be reached ({type(error).__name__}).") from None


def _stream(response, limits: FetchLimits, deadline: float, sink: Callable[[bytes], None]) -> int:
    import urllib3

    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError(f"The file is larger than {limits.max_bytes} bytes.")
    size = 0
    try:
        for chunk in response.stream(CHUNK_BYTES, decode_content=True):
            size += len(chunk)
            if size > limits.max_bytes:
                raise FetchError(f"The file is larger than {limits.max_bytes} bytes.")
            if time.monotonic() > deadline:
                raise FetchError("The download took too long.")
            sink(chunk)
    except urllib3.exceptions.TimeoutError:
        raise FetchError("The server took too long to answer.") from None
    except urllib3.exceptions.HTTPError as error:
        raise FetchError(f"The download failed ({type(error).__name__}).") from None
    if size == 0:
        raise FetchError("The server sent an empty file.")
    return size
