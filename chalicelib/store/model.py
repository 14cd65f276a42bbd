"""The base class of every stored model, and writes across tables."""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import partial
from typing import Any

from pynamodb.connection import Connection, TableConnection
from pynamodb.models import Model

from chalicelib import aws


class StoredModel(Model):
    """The base of every stored model: its DynamoDB client is built once, from the
    session every boto3 client of the container shares.

    Left to itself PynamoDB builds a model's client on its first call, without a lock,
    from a new botocore session per thread: threads making their first calls at the same
    moment (a publisher's first burst, a bulk commit's workers) each build one, loading
    the service model again, some hundred milliseconds of CPU apiece."""

    @classmethod
    def _get_connection(cls) -> TableConnection:
        connection = super()._get_connection()
        if connection.connection._client is None:
            aws.build_with_shared_session(partial(_build_client, connection.connection))
        return connection


def _build_client(connection: Connection, session: Any) -> None:
    if connection._client is None:  # another thread built it while this one waited
        connection._local.session = session  # the session PynamoDB builds the client from
        connection.client  # noqa: B018 (the property builds it, with PynamoDB's settings)


def save_together(items: Sequence[StoredModel]) -> None:
    """Write new items of several tables in one BatchWriteItem (25 at most): one round trip
    where a PutItem each would cost one apiece. Unprocessed items are sent again."""
    if not items:
        return
    requests: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        requests.setdefault(item.Meta.table_name, []).append(
            {"PutRequest": {"Item": item.serialize()}}
        )
    dynamodb = items[0]._get_connection().connection.client
    for attempt in range(5):
        requests = dynamodb.batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}
        if not requests:
            return
        time.sleep(0.05 * 2**attempt)
    raise RuntimeError(f"DynamoDB left {sum(map(len, requests.values()))} items unwritten")
