"""Powertools Logger, Metrics and Tracer, created once per container.

The Logger's service is not the Chalice app name on purpose: Chalice's own logger is
named after the app, and sharing that name would print every line twice.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

SERVICE = "schedulo-api"
NAMESPACE = "Schedulo"

# -- secrets never leave in text ---------------------------------------------------------
# Parameter names whose values are credentials, wherever they appear: a query string or
# form body (`name=value`), JSON or a Python repr (`"name": "value"`). `code` (an OAuth
# authorization code) only counts as a query or form parameter, where it is one.
SECRET_NAMES = (
    "access_token",
    "refresh_token",
    "client_secret",
    "id_token",
    "fb_exchange_token",
    "input_token",
    "app_password",
    "appPassword",
    "password",
    "accessJwt",
    "refreshJwt",
    "code_verifier",
    "client_assertion",
)
REDACTED = "[redacted]"
_NAMES = "|".join(re.escape(name) for name in SECRET_NAMES)
_PATTERNS = (
    # access_token=abc, ?code=abc, &client_secret=abc (up to &, whitespace or a quote)
    re.compile(rf"(?i)((?:\b(?:{_NAMES})|(?<=[?&])code)=)[^&\s'\"<>]+"),
    # "access_token": "abc", 'password': 'abc', refresh_token: abc
    # (not a path's last part: "POST /oauth/access_token: no connection")
    re.compile(rf"(?i)([\"']?(?<![/\w])(?:{_NAMES})[\"']?\s*:\s*[\"']?)[^\"',}}\s]+"),
    # "code": "abc" (a quoted string: Graph's numeric error codes stay)
    re.compile(r"""(["']code["']\s*:\s*["'])[^"']+"""),
    # Authorization: Bearer abc / 'Authorization': 'Basic abc' / Bearer abc anywhere
    re.compile(r"(?i)(\bauthorization[\"']?\s*[:=]\s*[\"']?(?:bearer|basic|dpop)?\s*)[^\s\"',}]+"),
    re.compile(r"(?i)(\b(?:bearer|basic|dpop)\s+)[A-Za-z0-9._~+/=-]{8,}"),
    # app passwords as Bluesky writes them (xxxx-xxxx-xxxx-xxxx)
    re.compile(r"(?<![\w-])()[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}(?![\w-])"),
    # JSON Web Tokens (Bluesky sessions, ID tokens), whatever carries them
    re.compile(r"()\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),
)


# One pass that finds nothing in most text (a log line's route, status, ids) spares the
# patterns above.
_ANY = re.compile(
    r"(?i)token|secret|code|password|jwt|assertion|authorization|bearer|basic|dpop|eyJ|"
    r"[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}"
)


def redact_text(text: str) -> str:
    """`text` with the values of known secret parameters, bearer credentials, app
    passwords and JWTs replaced by `[redacted]`."""
    if not _ANY.search(text):
        return text
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    return text


def redact(value: Any) -> Any:
    """`redact_text` through strings, lists and dicts (a log line's fields); the values
    of keys named like a secret are replaced whole."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {
            key: REDACTED
            if isinstance(key, str) and _secret_key(key) and value[key] not in (None, "")
            else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    # Anything else would be written as its str() (Powertools' json_default): an
    # exception in the stack trace, a request object in an extra.
    return redact_text(str(value))


def _secret_key(key: str) -> bool:
    lowered = key.lower()
    return lowered in _SECRET_KEYS or lowered == "authorization"


_SECRET_KEYS = {name.lower() for name in SECRET_NAMES}


class RedactingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON lines, with every field (message, extras, the exception and its
    traceback) passed through `redact` last: a defence behind the adapters, which build
    their messages without URLs' queries or bodies in the first place."""

    def serialize(self, log: Any) -> str:
        return super().serialize(redact(dict(log)))


# RFC 3339 timestamps: Lambda's JSON log format reads a line's "level" only beside a
# valid one (otherwise it files the line as INFO, whatever its level).
logger = Logger(service=SERVICE, logger_formatter=RedactingFormatter(use_rfc3339=True))
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


def count(name: str, value: float = 1, unit: str = "Count", **dimensions: str) -> None:
    """The one way to emit a metric: one EMF line (Powertools' `SingleMetric`, as its
    `single_metric` builds it) in the Schedulo namespace, written at once, with
    `dimensions` and `service` (the dashboard and the alarms in
    infrastructure/template.yaml name exactly these dimensions).

    Written in one `write` under a lock, not with `single_metric`'s `print`: the
    publisher's targets run on threads, and two prints at once interleave their text and
    newlines into a line CloudWatch cannot read."""
    import json
    import sys

    from aws_lambda_powertools.metrics import MetricUnit
    from aws_lambda_powertools.metrics.base import SingleMetric

    metric = SingleMetric(namespace=NAMESPACE)
    metric.add_metric(name=name, unit=MetricUnit(unit), value=value)
    for key, dimension in {**dimensions, "service": SERVICE}.items():
        metric.add_dimension(name=key, value=dimension)
    line = json.dumps(metric.serialize_metric_set(), separators=(",", ":")) + "\n"
    with _WRITING:
        sys.stdout.write(line)


_WRITING = threading.Lock()
