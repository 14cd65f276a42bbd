"""The one way a network module calls HTTP: a session per call, a timeout on every call,
failures turned into `NetworkError`. No retries and no sleeps here: throttling and
transient failures go back to the publisher, which re-arms a durable retry.

Messages name the method, scheme, host and path and the kind of failure, never the query
string, the body or the headers, and never the text of the underlying exception (which
quotes the whole URL: `access_token=...`, `client_secret=...`). The error does not chain
to it either, so a logged traceback does not carry it.

Calls to a host a user named (a Mastodon instance, a Bluesky PDS) go with `guard=True`:
every hop, redirects included, is resolved and checked by `chalicelib.netguard` and the
connection is made to the checked address, so neither a DNS answer that changes nor a
redirect reaches a private, link-local or (outside the local stack) loopback address.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from chalicelib.networks.base import ErrorKind, NetworkError

MAX_REDIRECTS = 3  # for guarded calls; the networks' own APIs hardly redirect at all


def send(
    method: str,
    url: str,
    *,
    classify: Callable[[Any], NetworkError],
    timeout: tuple[float, float],
    guard: bool = False,
    **kwargs: Any,
) -> Any:
    """`requests.request` in a fresh session; 4xx/5xx become `classify(response)`.
    `guard`: `url` is a host a user chose; see the module's doc."""
    import requests

    from chalicelib.netguard import HostRefused

    where = describe(method, url)
    try:
        with requests.Session() as session:
            if guard:
                _guard(session)
            response = session.request(method, url, timeout=timeout, **kwargs)
    except HostRefused as refused:
        raise NetworkError(ErrorKind.PERMANENT, f"{where}: {refused}") from None
    except requests.ConnectTimeout as exc:
        raise NetworkError(ErrorKind.TRANSIENT, f"{where}: no connection ({_name(exc)})") from None
    except requests.Timeout as exc:
        raise _unanswered(f"{where} timed out ({_name(exc)})") from None
    except requests.ConnectionError as exc:
        raise _unanswered(f"{where} lost its connection ({_name(exc)})") from None
    except requests.TooManyRedirects:
        raise NetworkError(ErrorKind.PERMANENT, f"{where}: too many redirects") from None
    except requests.RequestException as exc:
        raise NetworkError(ErrorKind.TRANSIENT, f"{where} failed ({_name(exc)})") from None
    if response.status_code >= 400:
        raise classify(response)
    return response


def describe(method: str, url: str) -> str:
    """`POST https://api.x.com/2/oauth2/token`: what was called, without the query, the
    fragment or any user:password in the URL."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return f"{method} (an invalid URL)"
    if ":" in host:
        host = f"[{host}]"
    return f"{method} {parts.scheme}://{host}{port}{parts.path}"


def _name(exc: BaseException) -> str:
    return type(exc).__name__


def _unanswered(message: str) -> NetworkError:
    error = NetworkError(ErrorKind.TRANSIENT, message)
    error.unanswered = True
    return error


def json_of(response: Any) -> Any:
    """The JSON body, or {} when the body is not JSON (HTML error pages, empty bodies)."""
    try:
        return response.json()
    except ValueError:
        return {}


# -- guarded calls ---------------------------------------------------------------------


def _guard(session: Any) -> None:
    from chalicelib.settings import get_settings

    adapter = _guarded_adapter_class()(get_settings().allow_loopback_fetch)
    session.trust_env = False  # no proxy from the environment between the check and the host
    session.max_redirects = MAX_REDIRECTS
    session.mount("http://", adapter)
    session.mount("https://", adapter)


@lru_cache(maxsize=1)
def _guarded_adapter_class() -> type:
    """A requests transport that checks and pins the address of every request it sends
    (each redirect is a request of its own, so each is checked)."""
    from requests.adapters import HTTPAdapter

    from chalicelib.netguard import HostRefused, resolve

    class GuardedAdapter(HTTPAdapter):
        def __init__(self, allow_loopback: bool) -> None:
            super().__init__(max_retries=0)
            self.allow_loopback = allow_loopback
            self.pinned: dict[tuple[str, int], str] = {}

        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            parts = urlsplit(request.url)
            if parts.scheme not in ("http", "https"):
                raise HostRefused(f"only http and https can be called, not {parts.scheme!r}")
            if parts.username or parts.password:
                raise HostRefused("a URL with a user name or password cannot be called")
            host = parts.hostname
            if not host:
                raise HostRefused("the URL has no host")
            default = 443 if parts.scheme == "https" else 80
            port = parts.port or default
            self.pinned[(host, port)] = resolve(host, port, self.allow_loopback)
            name = f"[{host}]" if ":" in host else host
            request.headers["Host"] = name if port == default else f"{name}:{port}"
            return super().send(request, *args, **kwargs)

        def build_connection_pool_key_attributes(
            self, request: Any, verify: Any, cert: Any = None
        ) -> tuple[dict[str, Any], dict[str, Any]]:
            host_params, pool_kwargs = super().build_connection_pool_key_attributes(
                request, verify, cert
            )
            host, scheme = host_params["host"], host_params["scheme"]
            port = host_params["port"] or (443 if scheme == "https" else 80)
            address = self.pinned.get((host, port))
            if address is None:  # send() always pins first; never connect unchecked
                raise HostRefused(f"{host} was not checked before connecting")
            host_params["host"] = address
            if scheme == "https":
                pool_kwargs["server_hostname"] = host
                pool_kwargs["assert_hostname"] = host
            return host_params, pool_kwargs

    return GuardedAdapter
