"""Password hashing with argon2id at OWASP's recommended cost (19 MiB, 2 passes, 1 lane),
several times cheaper than argon2-cffi's default (64 MiB, 3 passes, 4 lanes), which a
512 MB Lambda would pay on every sign-in. The parameters live in each hash."""

from __future__ import annotations

from functools import cache
from typing import Any


def _hasher() -> Any:
    from chalicelib.settings import get_settings

    return _hasher_at(get_settings().password_hashing)


@cache
def _hasher_at(cost: str) -> Any:
    from argon2 import PasswordHasher

    if cost == "minimal":  # the test suite's: a hash in microseconds, as weak as it gets
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@cache
def _nobody() -> str:
    """The hash of a password nobody has: verified when the email is unknown, so that a
    sign-in takes as long whether or not the account exists."""
    import secrets

    return hash_password(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; with no hash, spends the same time and says no."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(password_hash or _nobody(), password)) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False
