"""boto3 clients, created lazily and cached per container (cold starts stay short)."""

from __future__ import annotations

import threading
from typing import Any

from chalicelib.settings import get_settings

_lock = threading.Lock()
_clients: dict[tuple[str, str, str | None], Any] = {}
_session: Any = None  # one boto3 session for every client: its loaded models are shared


def _create(service: str, region: str, endpoint: str | None) -> Any:
    """Called under `_lock`: a boto3 session is not thread-safe to create clients from.
    Clients of one session share what it has loaded (endpoints, partitions): the second
    service's client costs a few milliseconds instead of some fifty."""
    global _session
    import boto3
    from botocore.config import Config

    if _session is None:
        _session = boto3.session.Session()
    return _session.client(
        service,
        region_name=region,
        endpoint_url=endpoint,
        config=Config(retries={"mode": "standard", "max_attempts": 3}, max_pool_connections=50),
    )


def client(service: str) -> Any:
    """A cached boto3 client for `service`, pointed at the local stack when configured.

    Created once even when many threads ask at the same moment (a commit's workers): a
    client costs milliseconds of CPU to build. Clients themselves are thread-safe."""
    settings = get_settings()
    key = (service, settings.region, settings.aws_endpoint_url)
    found = _clients.get(key)
    if found is None:
        with _lock:
            found = _clients.get(key)
            if found is None:
                found = _clients[key] = _create(*key)
    return found


def reset_clients() -> None:
    """Forget cached clients (tests switch endpoints between runs)."""
    global _session
    with _lock:
        _clients.clear()
        _session = None
