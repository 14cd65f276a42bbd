"""Chalice middleware: request ids, one log line per request, metrics, tracing, and
Chalice's own error responses (405, 415, 500) rewritten into the API's error format."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from chalice import Response
from chalice.app import Request

from chalicelib.api.responses import error_body
from chalicelib.api.security_headers import API_HEADERS
from chalicelib.observability import flush_metrics, get_tracer, logger, request_id_var

# Chalice's error codes in its own responses, and ours for them.
_CHALICE_CODES = {
    "UnsupportedMediaType": "unsupported_media_type",
    "MethodNotAllowedError": "method_not_allowed",
    "BadRequestError": "validation_error",
    "BadRequest": "validation_error",
    "NotFoundError": "not_found",
    "InternalServerError": "internal_error",
}


def _normalise(response: Response) -> Response:
    body = response.body
    if isinstance(body, dict) and "Code" in body and "error" not in body:
        code = _CHALICE_CODES.get(body["Code"], "internal_error")
        message = body.get("Message", "")
        if code == "internal_error":
            message = "An internal error occurred; it has been logged."
        response.body = error_body(code, message)
        response.headers["Content-Type"] = "application/json"
    return response


def http_middleware(request: Request, get_response: Callable[[Request], Response]) -> Response:
    context = request.context or {}
    request_id = context.get("requestId") or uuid.uuid4().hex
    token = request_id_var.set(request_id)
    # Per thread: where one process serves the API and publishes (the local stack), a
    # line must carry its own request's id, not the one of a request beside it.
    logger.thread_safe_append_keys(request_id=request_id)
    started = time.perf_counter()
    route = context.get("resourcePath", request.path)
    try:
        tracer = get_tracer()
        if tracer is None:
            response = get_response(request)
        else:
            with tracer.provider.in_subsegment(f"## {request.method} {route}") as segment:
                segment.put_annotation("request_id", request_id)
                response = get_response(request)
        response = _normalise(response)
        response.headers["X-Request-Id"] = request_id
        for name, value in API_HEADERS.items():
            response.headers.setdefault(name, value)
        logger.info(
            "request",
            extra={
                "method": request.method,
                "route": route,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response
    finally:
        flush_metrics()
        logger.thread_safe_remove_keys(["request_id"])
        request_id_var.reset(token)


def event_middleware(event: Any, get_response: Callable[[Any], Any]) -> Any:
    """For scheduled jobs and the publisher: correlation id and metrics per invocation."""
    context = getattr(event, "context", None)
    request_id = getattr(context, "aws_request_id", None) or uuid.uuid4().hex
    token = request_id_var.set(request_id)
    logger.thread_safe_append_keys(request_id=request_id)
    try:
        tracer = get_tracer()  # in Lambda: patches boto3, so each AWS call is a subsegment
        if tracer is None:
            return get_response(event)
        with tracer.provider.in_subsegment(f"## {type(event).__name__}") as segment:
            segment.put_annotation("request_id", request_id)
            return get_response(event)
    finally:
        flush_metrics()
        logger.thread_safe_remove_keys(["request_id"])
        request_id_var.reset(token)
