"""Failed sign-ins are counted per email and per source address; past the limit the
caller waits. The answer is the same whether or not the email has an account."""

from __future__ import annotations

from chalicelib.errors import RateLimited
from chalicelib.store import rate_limits

WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 20


def _keys(email: str, address: str | None) -> list[tuple[str, int]]:
    keys = [(f"login-email:{email}", MAX_FAILURES_PER_EMAIL)]
    if address:
        keys.append((f"login-ip:{address}", MAX_FAILURES_PER_ADDRESS))
    return keys


def check_allowed(email: str, address: str | None) -> None:
    """429 with Retry-After while either counter is at its limit."""
    for key, limit in _keys(email, address):
        count, retry_after = rate_limits.current(key, WINDOW_SECONDS)
        if count >= limit:
            raise RateLimited(
                f"Too many failed sign-in attempts. Try again in {retry_after} seconds.",
                retry_after,
            )


def record_failure(email: str, address: str | None) -> None:
    for key, _ in _keys(email, address):
        rate_limits.increment(key, WINDOW_SECONDS)


def record_success(email: str) -> None:
    rate_limits.reset(f"login-email:{email}", WINDOW_SECONDS)
