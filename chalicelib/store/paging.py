"""Opaque list cursors: DynamoDB's last evaluated key, base64url-encoded JSON.

A cursor comes back from the client, so it is checked before DynamoDB sees it: it must
decode to exactly the key a page of that list ends with (the attribute names, each a short
string), and its workspace must be the one asked for. Anything else (garbage, base64 of
garbage, JSON of the wrong shape, another workspace's page) is a 400 naming `cursor`,
never a 500 and never another tenant's items.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable
from typing import Any

from chalicelib.errors import ApiError, invalid

# A cursor of ours is a few hundred characters; DynamoDB's key values are at most 1 KB.
MAX_CURSOR_LENGTH = 4096
MAX_KEY_VALUE_LENGTH = 1024


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(last_key).encode()).decode()


def bad_cursor() -> ApiError:
    return invalid("cursor", "not a cursor from a previous page", status=400)


def decode_cursor(
    cursor: str | None, workspace_id: str, names: Iterable[str]
) -> dict[str, dict[str, str]] | None:
    """The start key a cursor stands for, checked: exactly the attributes `names` (the
    table's key, and the index's when the list reads one), each a string, and the
    workspace's own (`workspace_id` is the first key attribute of every paged table)."""
    if not cursor:
        return None
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise bad_cursor()
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        raise bad_cursor() from None
    if not isinstance(value, dict) or set(value) != set(names):
        raise bad_cursor()
    for attribute in value.values():
        if (
            not isinstance(attribute, dict)
            or set(attribute) != {"S"}
            or not isinstance(attribute["S"], str)
            or not 0 < len(attribute["S"].encode("utf-8", "surrogatepass")) <= MAX_KEY_VALUE_LENGTH
        ):
            raise bad_cursor()
    if value.get("workspace_id") != {"S": workspace_id}:
        raise bad_cursor()
    return value


def decode_id_cursor(cursor: str | None, shape: str) -> str | None:
    """An id cursor (the last item id of the previous page), checked to have the ids'
    `shape` (a regular expression)."""
    if not cursor:
        return None
    if len(cursor) > MAX_CURSOR_LENGTH or not re.fullmatch(shape, cursor):
        raise bad_cursor()
    return cursor
