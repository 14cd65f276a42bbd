"""High-entropy secrets (refresh tokens, API keys, invitation tokens): only their
SHA-256 is stored; a random 256-bit secret needs no slow hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def matches(secret: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest(secret), stored_digest)


def split_token(token: str, parts: int) -> list[str] | None:
    """`a.b.c` into its dot-separated parts when there are exactly `parts` non-empty ones."""
    pieces = token.split(".")
    if len(pieces) != parts or not all(pieces):
        return None
    return pieces
