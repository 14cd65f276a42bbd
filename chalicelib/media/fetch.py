"""Fetching a URL on a user's behalf without letting them reach our own network (SSRF).

Every hop (the first URL and each redirect) is resolved, every address it resolves to must
be a public one (`chalicelib.netguard`, shared with the network adapters' calls to a host
a user named), and the connection is then made to that checked address (the Host header
and TLS name stay the URL's), so a DNS answer cannot change between check and connect.
Size is capped before and while reading; redirects are limited. Time is capped overall
(`timeout_seconds`, redirects included): every socket read waits at most the time left,
the body is read one network read at a time (a server dripping a byte every few seconds
is cut at the deadline, not at the Lambda's), and a watchdog shuts the connection at the
deadline while headers are still trickling in.
"""

from __future__ import annotations

import contextlib
import socket  # tests answer DNS through `fetch.socket.getaddrinfo`
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
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


class _Watchdog:
    """Shuts the connection's sockets down when the deadline passes, whatever they wait for."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.expired = False
        self.sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(deadline - time.monotonic(), 0), self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self.sockets.append(sock)
            expired = self.expired
        if expired:
            _shut(sock)

    def remaining(self) -> float:
        """Seconds left; FetchError when none."""
        left = self.deadline - time.monotonic()
        if left <= 0 or self.expired:
            raise FetchError("The download took too long.")
        return left

    def shrink(self) -> None:
        """Every watched socket waits at most the time left."""
        left = self.remaining()
        for sock in self.sockets:
            # closed, or detached by TLS: then the wrapped socket is watched too
            with contextlib.suppress(OSError):
                sock.settimeout(left)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self.sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def fetch(url: str, limits: FetchLimits, sink: Callable[[bytes], None]) -> Fetched:
    """GET `url`, following at most `limits.max_redirects` redirects, into `sink`."""
    deadline = time.monotonic() + limits.timeout_seconds
    with _Watchdog(deadline) as watchdog:
        for _ in range(limits.max_redirects + 1):
            response = _open(url, limits, watchdog)
            try:
                if response.status in REDIRECTS:
                    location = response.headers.get("Location")
                    if not location:
                        raise FetchError("The server answered a redirect without a location.")
                    url = urljoin(url, location)
                    continue
                if response.status != 200:
                    raise FetchError(f"The server answered HTTP {response.status}.")
                size = _stream(response, limits, watchdog, sink)
                return Fetched(url, size, response.headers.get("Content-Type"))
            finally:
                response.release_conn()
    raise FetchError(f"More than {limits.max_redirects} redirects.")


def _watched(pool: Any, watchdog: _Watchdog) -> None:
    """Make the pool's connections register their sockets (plain, then TLS) with `watchdog`."""
    base = pool.ConnectionCls

    class Watched(base):  # type: ignore[misc, valid-type]
        def _new_conn(self) -> socket.socket:
            sock: socket.socket = super()._new_conn()
            watchdog.watch(sock)
            return sock

        def connect(self) -> None:
            super().connect()
            if self.sock is not None:
                watchdog.watch(self.sock)

    pool.ConnectionCls = Watched


def _open(url: str, limits: FetchLimits, watchdog: _Watchdog):  # -> urllib3.BaseHTTPResponse
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
    remaining = watchdog.deadline - time.monotonic()
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
    _watched(pool, watchdog)
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
        if watchdog.expired:
            raise FetchError("The server took too long to answer.") from None
        raise FetchError(f"The server could not be reached ({type(error).__name__}).") from None


def _stream(
    response: Any, limits: FetchLimits, watchdog: _Watchdog, sink: Callable[[bytes], None]
) -> int:
    import urllib3

    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError(f"The file is larger than {limits.max_bytes} bytes.")
    size = 0
    try:
        while True:
            watchdog.shrink()  # this read waits at most the time left
            # read1: what one network read brings, so the deadline is checked after each
            chunk = response.read1(CHUNK_BYTES, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > limits.max_bytes:
                raise FetchError(f"The file is larger than {limits.max_bytes} bytes.")
            sink(chunk)
    except (urllib3.exceptions.TimeoutError, TimeoutError):
        raise FetchError("The download took too long.") from None
    except (urllib3.exceptions.HTTPError, OSError) as error:
        if watchdog.expired:
            raise FetchError("The download took too long.") from None
        raise FetchError(f"The download failed ({type(error).__name__}).") from None
    if watchdog.expired:  # the watchdog's shutdown reads as the end of the file
        raise FetchError("The download took too long.")
    if size == 0:
        raise FetchError("The server sent an empty file.")
    return size
