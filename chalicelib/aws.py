"""boto3 clients, created lazily and cached per container (cold starts stay short)."""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

from chalicelib.settings import get_settings

_lock = threading.Lock()


@cache
def _client(service: str, region: str, endpoint: str | None) -> Any:
    import boto3
    from botocore.config import Config

    # boto3's default session is not thread-safe to create clients from.
    with _lock:
        return boto3.session.Session().client(
            service,
            region_name=region,
            endpoint_url=endpoint,
            config=Config(retries={"mode": "standard", "max_attempts": 3}, max_pool_connections=50),
        )


def client(service: str) -> Any:
    """A cached boto3 client for `service`, pointed at the local stack when configured."""
    settings = get_settings()
    return _client(service, settings.region, settings.aws_endpoint_url)


def reset_clients() -> None:
    """Forget cached clients (tests switch endpoints between runs)."""
    _client.cache_clear()
