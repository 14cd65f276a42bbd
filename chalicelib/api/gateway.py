"""The deployed API is an API Gateway HTTP API (payload format 1.0) whose one `$default`
route hands every request to the API Lambda (infrastructure/http_api.py), an HTTP API
request costing less than a REST API one (issue 26). Such an event carries the request's
path but not the route template Chalice routes by (`requestContext.resourcePath`) nor the
path parameters: `HttpApiHandler` finds them in the app's routes, as REST API Gateway did
before the event reached the app. A path no route has is a 404 in the API's error
format, a CORS preflight is answered as REST API Gateway's generated OPTIONS methods
answered it, and a REST event (the Chalice test client's, the local server's) passes
through unchanged.

`RouteTable` is also the local server's matcher (local/api_server.py), so a path means
the same route on both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote

from chalice import Chalice, Response
from chalice.app import CORSConfig, Request

from chalicelib.api.middleware import http_middleware
from chalicelib.api.responses import error_response
from chalicelib.errors import ApiError, NotFound


def no_route(method: str, path: str) -> ApiError:
    """What a path no route has answers, deployed and locally."""
    return NotFound(f"No route {method} {path}.")


class _Node:
    __slots__ = ("literals", "params", "route")

    def __init__(self) -> None:
        self.literals: dict[str, _Node] = {}
        # Parameter segments by name: sibling routes may name theirs differently.
        self.params: dict[str, _Node] = {}
        self.route: str | None = None


class RouteTable:
    """Route templates (`/v1/workspaces/{ws}/posts/{post_id}`) as a tree of path
    segments. A literal segment wins over a parameter at the same place, as in API
    Gateway (`/v1/posts/search` before `/v1/posts/{post_id}`); a parameter matches one
    non-empty segment and is URL-decoded, as API Gateway decodes path parameters."""

    def __init__(self, templates: Iterable[str]) -> None:
        self._root = _Node()
        for template in templates:
            node = self._root
            for segment in _segments(template):
                if segment.startswith("{") and segment.endswith("}"):
                    node = node.params.setdefault(segment[1:-1], _Node())
                else:
                    node = node.literals.setdefault(segment, _Node())
            node.route = template

    def match(self, path: str) -> tuple[str, dict[str, str]] | None:
        """The route template of `path` (no query string) and its parameters."""
        if path != "/" and path.endswith("/"):
            path = path[:-1]  # API Gateway ignores one trailing slash
        segments = _segments(path)
        found = self._match(self._root, segments, 0, {})
        if found is None:
            return None
        route, raw = found
        return route, {name: unquote(value) for name, value in raw.items()}

    def _match(
        self, node: _Node, segments: list[str], at: int, captured: dict[str, str]
    ) -> tuple[str, dict[str, str]] | None:
        if at == len(segments):
            return (node.route, captured) if node.route is not None else None
        segment = segments[at]
        literal = node.literals.get(segment)
        if literal is not None:
            found = self._match(literal, segments, at + 1, captured)
            if found is not None:
                return found
        if segment:
            for name, child in node.params.items():
                found = self._match(child, segments, at + 1, {**captured, name: segment})
                if found is not None:
                    return found
        return None


def _segments(path: str) -> list[str]:
    return path.split("/")[1:] if path != "/" else []


class HttpApiHandler:
    """The API Lambda's handler: HTTP API events routed, then the Chalice app."""

    def __init__(self, app: Chalice) -> None:
        self._app = app
        self._table: RouteTable | None = None

    @property
    def routes(self) -> RouteTable:
        # Built at the first HTTP API event, not at `import app`.
        if self._table is None:
            self._table = RouteTable(self._app.routes)
        return self._table

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        # REST API events (and the test client's) have no version; an HTTP API's payload
        # format 2.0 (never configured here) would say "2.0".
        if event.get("version") != "1.0" or "httpMethod" not in event:
            return self._app(event, context)
        method = event["httpMethod"]
        path = event["path"]
        matched = self.routes.match(path)
        routed = {**event, "requestContext": {**event.get("requestContext", {})}}
        if matched is None:
            routed["requestContext"]["resourcePath"] = path
            routed["pathParameters"] = None
            # Built inside the middleware, which knows the request id the body carries.
            return self._answer(routed, context, lambda: error_response(no_route(method, path)))
        route, params = matched
        routed["resource"] = route
        routed["requestContext"]["resourcePath"] = route
        # REST API Gateway gives null, not {}, for a route without parameters.
        routed["pathParameters"] = params or None
        methods = self._app.routes[route]
        if method == "OPTIONS" and "OPTIONS" not in methods:
            preflight = _preflight(methods)
            if preflight is not None:
                return self._answer(routed, context, lambda: preflight)
        return self._app(routed, context)

    def _answer(self, event: dict[str, Any], context: Any, build: Callable[[], Response]) -> Any:
        """A response of the handler's own, built and sent through the app's HTTP
        middleware (request id, security headers, the request's log line) as the app's
        own responses are."""
        answered = http_middleware(Request(event, context), lambda request: build())
        return answered.to_dict(self._app.api.binary_types)


def _preflight(methods: dict[str, Any]) -> Response | None:
    """REST API Gateway's answer to a CORS preflight on a route with CORS (Chalice
    generates a mock OPTIONS method for it): the methods that allow CORS, and the
    route's CORS headers."""
    allowed = [name for name, entry in methods.items() if entry.cors]
    if not allowed:
        return None
    cors = methods[allowed[0]].cors
    # `cors=True` on a route means Chalice's default configuration.
    config = cors if isinstance(cors, CORSConfig) else CORSConfig()
    headers: dict[str, str | list[str]] = {
        **config.get_access_control_headers(),
        "Access-Control-Allow-Methods": ",".join([*allowed, "OPTIONS"]),
    }
    return Response(body="", status_code=200, headers=headers)
