"""boto3 clients, created lazily and cached per container (cold starts stay short)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from chalicelib.settings import get_settings

_lock = threading.Lock()
_clients: dict[tuple[str, str, str | None], Any] = {}
T = TypeVar("T")
_session: Any = None  # one boto3 session for every client: its loaded models are shared


def _shared_session() -> Any:
    """Called under `_lock`: a boto3 session is not thread-safe to create clients from.
    Clients of one session share what it has loaded (service models, endpoints): the
    second client costs a few milliseconds instead of some fifty."""
    global _session
    import boto3

    if _session is None:
        _session = boto3.session.Session()
    return _session


# botocore's standard retry mode: exponential backoff with jitter (up to 20 s a wait) on
# throttling, 5xx and timeouts. EventBridge Scheduler throttles bursts of CreateSchedule
# (a bulk commit's 16 workers, the sweeper re-arming): its client tries longer, and
# `scheduling._put` backs off again should botocore's retry quota run dry (docs/SCALE.md).
MAX_ATTEMPTS = {"scheduler": 8}
DEFAULT_MAX_ATTEMPTS = 3


def retry_config(service: str) -> dict[str, Any]:
    return {"mode": "standard", "max_attempts": MAX_ATTEMPTS.get(service, DEFAULT_MAX_ATTEMPTS)}


def _create(service: str, region: str, endpoint: str | None) -> Any:
    from botocore.config import Config

    return _shared_session().client(
        service,
        region_name=region,
        endpoint_url=endpoint,
        config=Config(retries=retry_config(service), max_pool_connections=50),
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


def build_with_shared_session(build: Callable[[Any], T]) -> T:
    """`build(botocore_session)` under the lock, for clients made by other libraries
    (PynamoDB) from the session every client here shares."""
    with _lock:
        return build(_shared_session()._session)


def reset_clients() -> None:
    """Forget cached clients (tests switch endpoints between runs)."""
    global _session
    with _lock:
        _clients.clear()
        _session = None
