"""Opaque list cursors: DynamoDB's last evaluated key, base64url-encoded JSON."""

from __future__ import annotations

import base64
import json
from typing import Any

from chalicelib.errors import invalid


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_key).encode()).decode()


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except ValueError:
        raise invalid("cursor", "not a cursor from a previous page", status=400) from None
    if not isinstance(value, dict):
        raise invalid("cursor", "not a cursor from a previous page", status=400)
    return value
