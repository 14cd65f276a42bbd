"""Chalice's local server, plus the built web app on the same origin.

Paths under /v1/ go to the Chalice app; every other path serves frontend/dist (the
single-page app's routes fall back to index.html). A path is matched to its route by the
deployed API's matcher (chalicelib/api/gateway.py: the HTTP API hands the app every
request), and an unknown /v1/ route answers the deployed API's 404 in the API's error
format, with or without an Authorization header; a method the server does not know
(TRACE, CONNECT, ...) is a 405 in that format.

The server reads each request on a thread of its own, but the app serves one request at a
time, as one Lambda container does: Chalice keeps the request being served in one
attribute (`app.current_request`), and per-invocation state (log keys, metrics) is
per-process in Lambda too.
"""

from __future__ import annotations

import json
import mimetypes
import threading
import uuid
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from chalice.config import Config
from chalice.local import (
    ChaliceRequestHandler,
    LocalDevServer,
    LocalGateway,
    LocalGatewayException,
    MatchResult,
    RouteMatcher,
)

from chalicelib.api.gateway import RouteTable, no_route
from chalicelib.api.security_headers import API_HEADERS
from local.web_headers import local_web_app_headers

FRONTEND_DIST = Path(__file__).resolve().parent.parent / "frontend" / "dist"


def _error(code: str, message: str, status: int) -> tuple[int, dict[str, str], bytes]:
    request_id = uuid.uuid4().hex
    body = {"error": {"code": code, "message": message, "details": [], "request_id": request_id}}
    headers = {"Content-Type": "application/json", "X-Request-Id": request_id, **API_HEADERS}
    return status, headers, json.dumps(body).encode()


# What Chalice's gateway says for a path with no route, without and with a bearer header.
NO_ROUTE_BODIES = (b"Missing Authentication Token", b"Authorization header requires")
# The local stack's "collect analytics now" (local/analytics.py), outside the API's /v1.
LOCAL_COLLECT = "/_local/analytics/collect"
# Ending a sign-up trial at once (local/billing.py).
LOCAL_END_TRIAL = "/_local/billing/end-trial"
# Sending a member's armed digest now (local/email.py).
LOCAL_DIGEST_NOW = "/_local/email/digest-now"
# What SES would report for an address: a bounce or a complaint (local/email.py).
LOCAL_EMAIL_FEEDBACK = "/_local/email/feedback"
HANDLED_METHODS = ("GET", "PUT", "POST", "HEAD", "DELETE", "PATCH", "OPTIONS")


class DeployedRoutes(RouteMatcher):
    """Chalice's local route matching done by the deployed API's matcher."""

    def __init__(self, table: RouteTable) -> None:
        self._table = table

    def match_route(self, url: str) -> MatchResult:
        parsed = urlparse(url)
        found = self._table.match(parsed.path)
        if found is None:
            raise ValueError(f"No matching route found for: {url}")
        route, captured = found
        return MatchResult(route, captured, parse_qs(parsed.query, keep_blank_values=True))


class OneAtATimeGateway(LocalGateway):
    """Chalice's local API Gateway, handing the app one request at a time."""

    def __init__(
        self, app_object: Any, config: Config, app_lock: threading.Lock, routes: RouteTable
    ) -> None:
        super().__init__(app_object, config)
        self._app_lock = app_lock
        self.event_converter._route_matcher = DeployedRoutes(routes)

    def handle_request(
        self, method: str, path: str, headers: dict[str, Any], body: bytes | None
    ) -> Any:
        with self._app_lock:
            return super().handle_request(method, path, headers, body)


class SchedulodRequestHandler(ChaliceRequestHandler):
    max_body_bytes = 10 * 1024 * 1024  # API Gateway's own limit
    # Headers and body go out in two writes; with Nagle on, the body waits for the
    # client's delayed ACK (40 ms a request).
    disable_nagle_algorithm = True

    def __init__(
        self, request: Any, client_address: Any, server: Any, app_object: Any, config: Config
    ) -> None:
        # BaseHTTPRequestHandler serves the request inside __init__: the gateway first.
        self.local_gateway = OneAtATimeGateway(
            app_object, config, server.app_lock, server.route_table
        )
        BaseHTTPRequestHandler.__init__(self, request, client_address, server)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the app logs one JSON line per request itself

    def _generic_handle(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == LOCAL_COLLECT and self.command == "POST":
            self._collect_now()
            return
        if path == LOCAL_END_TRIAL and self.command == "POST":
            from local.billing import end_trial

            self._answer_local(end_trial)
            return
        if path == LOCAL_DIGEST_NOW and self.command == "POST":
            from local.email import digest_now

            self._answer_local(digest_now)
            return
        if path == LOCAL_EMAIL_FEEDBACK and self.command == "POST":
            from local.email import feedback_now

            self._answer_local(feedback_now)
            return
        # Short links (/l/<code>) are the API's too, as CloudFront routes them.
        if not path.startswith(("/v1/", "/l/")) and path != "/v1":
            self._serve_static(path)
            return
        length = int(self.headers.get("content-length") or 0)
        if length > self.max_body_bytes:
            self.close_connection = True
            self._send_http_response(*_error("payload_too_large", "The body is too large.", 413))
            return
        try:
            super()._generic_handle()
        except Exception:
            self._send_http_response(*_error("internal_error", "Local server error.", 500))

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _generic_handle

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The HTTP server's own errors (unknown method, malformed request) in the API's
        error format instead of its HTML page."""
        self.close_connection = True
        if code == 501:  # a method no handler exists for
            status, headers, body = _error(
                "method_not_allowed", f"The method {self.command} is not supported.", 405
            )
            headers["Allow"] = ", ".join(HANDLED_METHODS)
        else:
            status, headers, body = _error("bad_request", message or "Bad request.", code)
        if self.command == "HEAD" or not hasattr(self, "wfile"):
            body = b""
        self._send_http_response(status, headers, body)

    def _send_error_response(self, error: LocalGatewayException) -> None:
        # The gateway answers a path with no route with 403 (and, when an Authorization
        # header came, a message about AWS signatures); the deployed API answers 404.
        if error.CODE == 403 and any(text in (error.body or b"") for text in NO_ROUTE_BODIES):
            missing = no_route(self.command, self.path.split("?")[0])
            self._send_http_response(*_error(missing.code, missing.message, missing.status))
            return
        super()._send_error_response(error)

    def _collect_now(self) -> None:
        """Analytics collection at once (local/analytics.py): the local stack only."""
        from local.analytics import collect_now

        length = int(self.headers.get("content-length") or 0)
        status, body = collect_now(self.rfile.read(length) if length else b"")
        headers = {"Content-Type": "application/json", **API_HEADERS}
        self._send_http_response(status, headers, json.dumps(body).encode())

    def _answer_local(self, handle: Any) -> None:
        length = int(self.headers.get("content-length") or 0)
        status, body = handle(self.rfile.read(length) if length else b"")
        headers = {"Content-Type": "application/json", **API_HEADERS}
        self._send_http_response(status, headers, json.dumps(body).encode())

    def _serve_static(self, path: str) -> None:
        if self.command not in ("GET", "HEAD"):
            self._send_http_response(
                *_error("method_not_allowed", "Static files are read-only.", 405)
            )
            return
        root = FRONTEND_DIST.resolve()
        candidate = (root / path.lstrip("/")).resolve()
        if not candidate.is_file() or root not in candidate.parents:
            candidate = root / "index.html"
        if not candidate.is_file():
            body = b"The web app is not built: run `make frontend`."
            self._send_http_response(503, {"Content-Type": "text/plain"}, body)
            return
        content_type = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
        cache = (
            "no-cache" if candidate.name == "index.html" else "public, max-age=31536000, immutable"
        )
        headers = {"Content-Type": content_type, "Cache-Control": cache, **local_web_app_headers()}
        self._send_http_response(200, headers, candidate.read_bytes())


def make_api_server(app_object: Any, host: str, port: int) -> LocalDevServer:
    config = Config(chalice_stage="local", config_from_disk={}, user_provided_params={})
    server = LocalDevServer(app_object, config, host, port, handler_cls=SchedulodRequestHandler)
    server.server.app_lock = threading.Lock()  # type: ignore[attr-defined]
    server.server.route_table = RouteTable(app_object.routes)  # type: ignore[attr-defined]
    return server
