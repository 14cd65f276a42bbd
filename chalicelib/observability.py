"""Powertools Logger, Metrics and Tracer, created once per container.

The Logger's service is not the Chalice app name on purpose: Chalice's own logger is
named after the app, and sharing that name would print every line twice.
"""

from __future__ import annotations

import logging
import os
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics

SERVICE = "schedulo-api"
NAMESPACE = "Schedulo"

logger = Logger(service=SERVICE)
# Lambda's runtime puts a handler on the root logger; propagating would print each line
# a second time in CloudWatch.
logging.getLogger(SERVICE).propagate = False
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)

# The id of the request being served, for error bodies and log lines.
request_id_var: ContextVar[str] = ContextVar("request_id", default="")


@lru_cache(maxsize=1)
def get_tracer() -> Any | None:
    """The Powertools Tracer when tracing is on (in Lambda), else None.

    Created on first use, not at import: the X-Ray SDK it loads costs about 0.3 s, which
    `import app` (the cold start) should not pay where tracing is off.
    """
    disabled = os.environ.get("POWERTOOLS_TRACE_DISABLED", "").lower() in ("1", "true")
    if disabled or "AWS_LAMBDA_FUNCTION_NAME" not in os.environ:
        return None
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)


def flush_metrics() -> None:
    """Write what was recorded as one EMF line; nothing when nothing was recorded."""
    if metrics.metric_set:
        metrics.flush_metrics()
