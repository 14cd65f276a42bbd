"""The one way a network module calls HTTP: a session per call, a timeout on every call,
failures turned into `NetworkError`. No retries and no sleeps here: throttling and
transient failures go back to the publisher, which re-arms a durable retry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.networks.base import ErrorKind, NetworkError


def send(
    method: str,
    url: str,
    *,
    classify: Callable[[Any], NetworkError],
    timeout: tuple[float, float],
    **kwargs: Any,
) -> Any:
    """`requests.request` in a fresh session; 4xx/5xx become `classify(response)`."""
    import requests

    try:
        with requests.Session() as session:
            response = session.request(method, url, timeout=timeout, **kwargs)
    except requests.ConnectTimeout as exc:
        raise NetworkError(ErrorKind.TRANSIENT, f"{method} {_path(url)}: no connection") from exc
    except requests.Timeout as exc:
        raise _unanswered(f"{method} {_path(url)} timed out") from exc
    except requests.ConnectionError as exc:
        raise _unanswered(f"{method} {_path(url)} lost its connection: {exc}") from exc
    if response.status_code >= 400:
        raise classify(response)
    return response


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


def _path(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path or url
