"""Transactions across tables, and telling which condition made one fail."""

from __future__ import annotations

from functools import cache

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.settings import get_settings


@cache
def _connection(region: str, host: str | None) -> Connection:
    return Connection(region=region, host=host)


def transaction() -> TransactWrite:
    """A write transaction on the app's DynamoDB (use as a context manager)."""
    settings = get_settings()
    return TransactWrite(connection=_connection(settings.region, settings.aws_endpoint_url))


def failed_conditions(error: TransactWriteError) -> list[bool]:
    """For each item of a cancelled transaction, in order: whether its condition failed."""
    return [
        reason is not None and reason.code == "ConditionalCheckFailed"
        for reason in error.cancellation_reasons
    ]
