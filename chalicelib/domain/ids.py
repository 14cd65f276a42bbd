"""Identifiers: a short type prefix, then a time-ordered random part.

>>> new_id("w")
'w_0193f1c2a8b4e51f0c2d9a7e'
"""

from __future__ import annotations

import secrets
import time


def new_id(prefix: str) -> str:
    """`<prefix>_<12 hex digits of milliseconds><12 random hex digits>`: sorts by creation."""
    return f"{prefix}_{int(time.time() * 1000):012x}{secrets.token_hex(6)}"
