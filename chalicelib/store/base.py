"""What every PynamoDB model shares: table names and the endpoint from settings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib.settings import TableNames, get_settings


def table_meta(table: str) -> Any:
    """The `Meta` of a model stored in one of the tables named in settings."""
    if table not in TableNames.model_fields:
        raise ValueError(f"unknown table {table!r}")
    settings = get_settings()

    class Meta:
        table_name = getattr(settings.tables, table)
        region = settings.region
        host = settings.aws_endpoint_url
        max_pool_connections = 50
        connect_timeout_seconds = 5
        read_timeout_seconds = 10

    return Meta


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """UTC ISO-8601 with a Z, the one way times are stored."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def connect(model: Any) -> None:
    """Build `model`'s DynamoDB client now, before threads share it.

    PynamoDB builds a model's client on its first call, without a lock: threads making
    their first calls at the same moment (a bulk commit's workers) would each build one,
    tens of milliseconds of CPU apiece."""
    model._get_connection().connection.client  # noqa: B018 (the property builds it)
