"""Dependency checks behind GET /v1/health."""

from __future__ import annotations

from chalicelib.aws import client
from chalicelib.settings import get_settings


def run_checks() -> list[tuple[str, bool, str]]:
    settings = get_settings()
    results = []
    try:
        client("dynamodb").describe_table(TableName=settings.tables.posts)
        results.append(("dynamodb", True, ""))
    except Exception as exc:  # any failure means "not reachable"
        results.append(("dynamodb", False, type(exc).__name__))
    try:
        client("s3").head_bucket(Bucket=settings.media_bucket)
        results.append(("s3", True, ""))
    except Exception as exc:
        results.append(("s3", False, type(exc).__name__))
    return results
