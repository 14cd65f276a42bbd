"""The publisher Lambda's entry point."""

from __future__ import annotations

from typing import Any

from chalicelib.observability import logger


def handle_invocation(event: dict[str, Any]) -> dict[str, Any]:
    """Publish the post named by a schedule's input."""
    logger.info("publisher invoked", extra={"input": event})
    return {"status": "received"}
