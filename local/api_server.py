"""Chalice's local server, plus the built web app on the same origin.

Paths under /v1/ go to the Chalice app; every other path serves frontend/dist (the
single-page app's routes fall back to index.html). An unknown /v1/ route answers 404 in
the API's error format, as the deployed API Gateway does through its gateway responses.
"""

from __future__ import annotations

import json
import mimetypes
import uuid
from pathlib import Path
from typing import Any

from chalice.config import Config
from chalice.local import ChaliceRequestHandler, LocalDevServer, LocalGatewayException

FRONTEND_DIST = Path(__file__).resolve().parent.parent / "frontend" / "dist"


def _error(code: str, message: str, status: int) -> tuple[int, dict[str, str], bytes]:
    request_id = uuid.uuid4().hex
    body = {"error": {"code": code, "message": message, "details": [], "request_id": request_id}}
    headers = {"Content-Type": "application/json", "X-Request-Id": request_id}
    return status, headers, json.dumps(body).encode()


class SchedulodRequestHandler(ChaliceRequestHandler):
    max_body_bytes = 10 * 1024 * 1024  # API Gateway's own limit

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the app logs one JSON line per request itself

    def _generic_handle(self) -> None:
        path = self.path.split("?", 1)[0]
        if not path.startswith("/v1/") and path != "/v1":
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

    def _send_error_response(self, error: LocalGatewayException) -> None:
        if error.CODE == 403 and b"Missing Authentication Token" in (error.body or b""):
            self._send_http_response(
                *_error("not_found", f"No route {self.command} {self.path.split('?')[0]}.", 404)
            )
            return
        super()._send_error_response(error)

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
        headers = {"Content-Type": content_type, "Cache-Control": cache}
        self._send_http_response(200, headers, candidate.read_bytes())


def make_api_server(app_object: Any, host: str, port: int) -> LocalDevServer:
    config = Config(chalice_stage="local", config_from_disk={}, user_provided_params={})
    return LocalDevServer(app_object, config, host, port, handler_cls=SchedulodRequestHandler)
