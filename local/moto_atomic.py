"""DynamoDB's writes are atomic per item: a conditional write checks and writes as one
step. moto's backend checks, then writes, with nothing in between to stop another thread
doing the same, so two conditional writes racing can both succeed. The publisher's
exactly-once claims depend on that atomicity: here every write of the embedded DynamoDB
runs under one lock (the local stack and the tests use it; AWS needs no such thing)."""

from __future__ import annotations

import functools
import threading
from typing import Any

WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")
_lock = threading.RLock()


def make_dynamodb_writes_atomic() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    for name in WRITES:
        method = getattr(DynamoDBBackend, name)
        if getattr(method, "atomic", False):
            continue
        setattr(DynamoDBBackend, name, _serialised(method))


def _serialised(method: Any) -> Any:
    @functools.wraps(method)
    def write(*args: Any, **kwargs: Any) -> Any:
        with _lock:
            return method(*args, **kwargs)

    write.atomic = True  # type: ignore[attr-defined]
    return write
