"""What the embedded AWS changes in moto, in the local stack's server and in the tests'
in-process moto alike (`tune_moto`): one fix of behaviour, two of speed."""

from __future__ import annotations

import base64
import functools
import json
import threading
from collections.abc import Callable
from typing import Any

WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")
_lock = threading.RLock()

# Operations whose results are items, keys and capacities, already in DynamoDB's JSON.
ITEM_OPERATIONS = frozenset({"GetItem", "PutItem", "UpdateItem", "Query", "Scan", "BatchGetItem"})


def tune_moto() -> None:
    make_dynamodb_writes_atomic()
    answer_item_operations_as_json()
    route_each_host_once()


def replace_once(owner: type, name: str, wrap: Callable[[Any], Any]) -> None:
    """`owner.name` becomes `wrap(original)`; a second call changes nothing."""
    original = getattr(owner, name)
    if getattr(original, "tuned", False):
        return
    replacement = functools.wraps(original)(wrap(original))
    replacement.tuned = True
    setattr(owner, name, replacement)


def make_dynamodb_writes_atomic() -> None:
    """DynamoDB's writes are atomic per item: a conditional write checks and writes as one
    step. moto's backend checks, then writes, with nothing in between to stop another
    thread doing the same, so two conditional writes racing can both succeed. The
    publisher's exactly-once claims depend on that atomicity: here every write of the
    embedded DynamoDB runs under one lock (AWS needs no such thing)."""
    from moto.dynamodb.models import DynamoDBBackend

    for name in WRITES:
        replace_once(DynamoDBBackend, name, _serialised)


def _serialised(method: Any) -> Any:
    def write(*args: Any, **kwargs: Any) -> Any:
        with _lock:
            return method(*args, **kwargs)

    return write


def answer_item_operations_as_json() -> None:
    """moto builds an item operation's result in DynamoDB's wire JSON, then walks it again
    member by member against the operation's output shape to serialise it: a quarter of
    the embedded AWS's CPU while the publisher is busy. For these operations the walk
    changes nothing but binary values (tests/unit/test_moto_tuning.py compares both), so
    the result is written as it is. Errors and every other operation keep moto's
    serialiser."""
    from moto.dynamodb.responses import DynamoResult

    def answering_as_json(serialise: Any) -> Any:
        def as_json(self: DynamoResult, context: Any) -> Any:
            if context.operation_model.name not in ITEM_OPERATIONS:
                return serialise(self, context)
            body = json.dumps(self.result, default=_base64)
            return 200, {"Content-Type": "application/x-amz-json-1.0"}, body

        return as_json

    replace_once(DynamoResult, "execute_result", answering_as_json)


def _base64(value: Any) -> str:
    """Binary attributes (B, BS), which moto keeps as bytes, as they travel."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def route_each_host_once() -> None:
    """Remember which service answers each host name.

    moto's server finds it again for every request, under a lock: it lists moto's package
    directory on disk and tries its URL patterns one by one, some 15% of the server's CPU
    when the publisher is busy."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    def remembering(find: Any) -> Any:
        known: dict[str | None, Any] = {}

        def remembered(self: DomainDispatcherApplication, host: str | None) -> Any:
            if host not in known:
                known[host] = find(self, host)
            return known[host]

        return remembered

    replace_once(DomainDispatcherApplication, "get_backend_for_host", remembering)
