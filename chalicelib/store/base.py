"""What the store shares without PynamoDB: table names and the endpoint, and how times
are stored. (The models' base class is in `chalicelib.store.model`: PynamoDB and botocore
cost ~100 ms of `import app`, so only modules that touch a table import them.)"""

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
