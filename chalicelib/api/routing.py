"""Declaring an endpoint: its path, who may call it, and the models of what goes in and out.

A blueprint module reads like the API.md table for its resource:

    posts = ApiBlueprint(__name__)

    @posts.endpoint("POST", "/v1/workspaces/{ws}/posts", auth=Role.EDITOR,
                    body=PostIn, response=PostOut, status=201)
    def create_post(ctx: RequestContext, ws: str, body: PostIn) -> PostOut:
        ...

Every endpoint declares `auth` (there is no default), so a route cannot forget its
access rule; `ENDPOINTS` lists them all for the OpenAPI document and the access tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from chalice import Blueprint, CORSConfig, Response
from chalice.app import Request
from pydantic import BaseModel, ValidationError

from chalicelib.api.responses import Reply, error_response, json_response, validation_error
from chalicelib.domain.roles import Role
from chalicelib.errors import ApiError, BadRequest, PayloadTooLarge
from chalicelib.observability import logger, request_id_var
from chalicelib.settings import get_settings


class Access(StrEnum):
    """Who may call an endpoint when it is not a workspace role."""

    PUBLIC = "public"  # anyone, no token
    USER = "user"  # any signed-in user or API key, outside a workspace
    PERSON = "person"  # a signed-in user, not an API key (their own profile, new workspaces)
    OPERATOR = "operator"  # the deployment's operators (admin endpoints)


Auth = Access | Role


@dataclass
class RequestContext:
    """What a view needs to know about the request beyond its body and path."""

    request: Request
    request_id: str
    principal: Any = None  # chalicelib.auth.principal.Principal once authenticated
    workspace_id: str | None = None
    role: Role | None = None

    def header(self, name: str) -> str | None:
        return self.request.headers.get(name)

    @property
    def query(self) -> dict[str, str]:
        return dict(self.request.query_params or {})


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    name: str
    summary: str
    auth: Auth
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    content_types: tuple[str, ...]
    max_body: int | None
    tags: tuple[str, ...] = field(default=())
    # Other statuses the view itself answers (e.g. 201 beside 200), for the OpenAPI document.
    statuses: tuple[int, ...] = field(default=())
    # A body the view reads itself: its model per content type (None: text), for the document.
    raw_body: dict[str, type[BaseModel] | None] | None = None
    # Errors the view raises beyond those its auth, path and method imply (the Error body).
    errors: tuple[int, ...] = field(default=())


ENDPOINTS: list[Endpoint] = []


def cors_config() -> CORSConfig:
    return CORSConfig(
        allow_origin=get_settings().frontend_origin,
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
        expose_headers=["X-Request-Id", "Retry-After"],
        max_age=600,
    )


def parse_body(model: type[BaseModel], request: Request) -> BaseModel:
    raw = request.raw_body or b""
    if not raw.strip():
        raise BadRequest("A JSON body is required.", [{"field": "body", "message": "required"}])
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise validation_error(exc) from None


def parse_query(model: type[BaseModel], request: Request) -> BaseModel:
    try:
        return model.model_validate(dict(request.query_params or {}))
    except ValidationError as exc:
        raise validation_error(exc) from None


def check_body_size(request: Request, limit: int) -> None:
    size = len(request.raw_body or b"")
    if size > limit:
        raise PayloadTooLarge(
            f"The body is {size} bytes; at most {limit} are accepted here.",
            [{"field": "body", "message": f"larger than {limit} bytes"}],
        )


def to_response(result: Any, status: int) -> Response:
    if isinstance(result, Response):
        return result
    if isinstance(result, Reply):
        return json_response(result.body, result.status, result.headers)
    if result is None:
        return Response(body="", status_code=204 if status in (200, 204) else status)
    return json_response(result, status)


class ApiBlueprint(Blueprint):
    """A Chalice Blueprint whose routes declare access, models and status."""

    def __init__(self, import_name: str, registry: list[Endpoint] | None = None) -> None:
        super().__init__(import_name)
        # Where declared endpoints are listed: the app's ENDPOINTS unless a test passes
        # its own list.
        self._registry = ENDPOINTS if registry is None else registry

    def endpoint(
        self,
        method: str,
        path: str,
        *,
        auth: Auth,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: type[BaseModel] | None = None,
        status: int = 200,
        content_types: tuple[str, ...] = ("application/json",),
        max_body: int | None = None,
        tags: tuple[str, ...] = (),
        statuses: tuple[int, ...] = (),
        raw_body: dict[str, type[BaseModel] | None] | None = None,
        errors: tuple[int, ...] = (),
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def register(view: Callable[..., Any]) -> Callable[..., Any]:
            summary = (view.__doc__ or view.__name__).strip().splitlines()[0]
            # A view that may return nothing answers 204 (see to_response).
            returns = str(view.__annotations__.get("return", ""))
            empty = (204,) if status == 200 and "None" in returns else ()
            spec = Endpoint(
                method,
                path,
                view.__name__,
                summary,
                auth,
                body,
                query,
                response,
                status,
                content_types,
                max_body,
                tags or (self._import_name.rsplit(".", 1)[-1],),
                tuple(sorted({*statuses, *empty})),
                raw_body,
                errors,
            )
            self._registry.append(spec)

            def handle(**path_params: str) -> Response:
                return self._serve(spec, view, path_params)

            handle.__name__ = view.__name__
            self.route(
                path,
                methods=[method],
                content_types=list(content_types),
                cors=cors_config(),
            )(handle)
            return view

        return register

    def _serve(
        self, spec: Endpoint, view: Callable[..., Any], path_params: dict[str, str]
    ) -> Response:
        request = self.current_request
        ctx = RequestContext(request=request, request_id=request_id_var.get())
        try:
            check_body_size(request, spec.max_body or get_settings().max_body_bytes)
            from chalicelib.auth.guard import authorize

            authorize(ctx, spec.auth, path_params.get("ws"))
            kwargs: dict[str, Any] = dict(path_params)
            if spec.body is not None:
                kwargs["body"] = parse_body(spec.body, request)
            if spec.query is not None:
                kwargs["query"] = parse_query(spec.query, request)
            return to_response(view(ctx, **kwargs), spec.status)
        except ApiError as error:
            return error_response(error)
        except Exception:
            logger.exception("unhandled error", extra={"route": spec.path})
            return error_response(ApiError("An internal error occurred; it has been logged."))
