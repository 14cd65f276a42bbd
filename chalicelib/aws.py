"""boto3 clients, created lazily and cached per container (cold starts stay short)."""

from __future__ import annotations

import threading
from typing import Any

from chalicelib.settings import get_settings

_lock = threading.Lock()
_clients: dict[tuple[str, str, str | None], Any] = {}


def _create(service: str, region: str, endpoint: str | None) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        service,
        region_name=region,
        endpoint_url=endpoint,
        config=Config(retries={"mode": "standard", "max_attempts": 3}, max_pool_connections=50),
    )


def client(service: str) -> Any:
    """A cached boto3 client for `service`, pointed at the local stack when configured.

    Created once even when many threads ask at the same moment (a commit's workers):
    a client costs tens of milliseconds of CPU to build, and boto3's default session is
    not thread-safe to create clients from. Clients themselves are thread-safe."""
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
    with _lock:
        _clients.clear()
