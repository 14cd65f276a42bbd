"""The OpenAPI 3.1 document, built from the declared endpoints and their pydantic models.

Every status an operation can answer is declared (no `default`), so a client or a fuzzer
can hold the API to it: the endpoint's own (`status`, `statuses`, 204 for a view that may
return nothing) and the errors that follow from what it takes and who may call it.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from pydantic import BaseModel

from chalicelib.api.routing import ENDPOINTS, Access, Endpoint
from chalicelib.domain.roles import Role

_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details", "request_id"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "field": {"type": "string"},
                            "message": {"type": "string"},
                        },
                    },
                },
                "request_id": {"type": "string"},
            },
        }
    },
}


_DESCRIPTIONS = {
    200: "Success",
    201: "Created",
    202: "Accepted",
    204: "No content",
    302: "Redirect",
    400: "Malformed request: unparseable JSON, a bad cursor or header",
    401: "Missing or bad credentials",
    402: "The plan's limit is reached",
    403: "Not allowed for this caller or role",
    404: "No such resource (or a workspace the caller does not belong to)",
    409: "Conflicts with the resource's current state",
    413: "The body is too large",
    415: "The body's Content-Type is not accepted here",
    422: "The content is invalid; `details` names each field",
    429: "Too many requests; see Retry-After",
    502: "The network refused or did not answer",
    503: "A dependency is unavailable",
}


def error_statuses(endpoint: Endpoint) -> set[int]:
    """The errors an endpoint can answer, from what it takes and who may call it."""
    # Any request: malformed, too large, of a type not accepted, invalid; and throttled
    # (API Gateway's throttling answers 429 on every route).
    statuses = {400, 413, 415, 422, 429}
    if endpoint.auth is not Access.PUBLIC or endpoint.body is not None:
        statuses |= {401, 403}  # tokens and roles; credentials and CSRF checks in a body
    if "{" in endpoint.path or isinstance(endpoint.auth, Role):
        statuses.add(404)
    if endpoint.method != "GET":
        statuses |= {402, 409}  # plan limits, and the resource's state
    return statuses | set(endpoint.errors)


def _path_parameter(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "minLength": 1}
    if name == "network":
        from chalicelib.networks.registry import NETWORK_IDS

        schema["enum"] = list(NETWORK_IDS)
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _schema_ref(model: type[BaseModel], components: dict[str, Any]) -> dict[str, str]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        _component(components, name, definition)
    _component(components, model.__name__, schema)
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _component(components: dict[str, Any], name: str, schema: dict[str, Any]) -> None:
    # Components are named after their models: two models of one name would have one
    # schema in the document, and one endpoint would be documented with the other's.
    if components.setdefault(name, schema) != schema:
        raise ValueError(f"two different models are named {name}: rename one")


def _query_parameters(model: type[BaseModel], components: dict[str, Any]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():  # an enum's values, say
        _component(components, name, definition)
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": _not_null(prop)}
        for name, prop in schema.get("properties", {}).items()
    ]


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent rather than null: `X | None` documents as `X`."""
    branches = [b for b in schema.get("anyOf", []) if b != {"type": "null"}]
    if len(branches) != 1 or len(schema["anyOf"]) != 2:
        return schema
    rest = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
    return {**branches[0], **rest}


def _operation(endpoint: Endpoint, components: dict[str, Any]) -> dict[str, Any]:
    params = [_path_parameter(name) for name in re.findall(r"{(\w+)}", endpoint.path)]
    if endpoint.query is not None:
        params += _query_parameters(endpoint.query, components)
    responses: dict[str, Any] = {}
    for status in sorted({endpoint.status, *endpoint.statuses}):
        # The view's own answers carry its response model (or a page of its own).
        answer: dict[str, Any] = {"description": _DESCRIPTIONS.get(status, "Success")}
        if endpoint.response is not None and status != 204:
            answer["content"] = {
                "application/json": {"schema": _schema_ref(endpoint.response, components)}
            }
        responses[str(status)] = answer
    for status in sorted(error_statuses(endpoint) - set(responses)):
        responses[str(status)] = {"$ref": f"#/components/responses/E{status}"}
    operation: dict[str, Any] = {
        "operationId": endpoint.name,
        "summary": endpoint.summary,
        "tags": list(endpoint.tags),
        "parameters": params,
        "responses": responses,
        "x-access": endpoint.auth.value,
    }
    if endpoint.auth is not Access.PUBLIC:
        operation["security"] = [{"bearer": []}]
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {
                ctype: {"schema": _schema_ref(endpoint.body, components)}
                for ctype in endpoint.content_types
            },
        }
    elif endpoint.raw_body:
        operation["requestBody"] = {
            "required": True,
            "content": {
                ctype: {
                    "schema": _schema_ref(model, components)
                    if model
                    else {"type": "string", "pattern": "\\S"}  # not blank
                }
                for ctype, model in endpoint.raw_body.items()
            },
        }
    return operation


def _hoist(node: Any, components: dict[str, Any]) -> Any:
    """Schemas marked `x-component` (long enums, see domain.model.OneOf) become one
    component each, referred to where they were."""
    if isinstance(node, list):
        return [_hoist(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _hoist(value, components) for key, value in node.items()}
    name = node.pop("x-component", None)
    if name is None:
        return node
    shared = {key: node.pop(key) for key in ("type", "enum") if key in node}
    components[name] = shared
    return {"$ref": f"#/components/schemas/{name}", **node}


def webhooks_section(components: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI 3.1's `webhooks`: what Schedulo POSTs to an endpoint, per event type."""
    from chalicelib.domain.webhooks import DESCRIPTIONS, EMITTED, EventType, envelope_model

    headers = {
        "webhook-id": "The message id: the same on every attempt (deduplicate on it).",
        "webhook-timestamp": "Seconds since the epoch when this attempt was signed.",
        "webhook-signature": (
            "Space-separated `v1,<base64 HMAC-SHA256>` of `{webhook-id}.{webhook-timestamp}."
            "{body}` with each valid secret (the key is the base64 after `whsec_`); two "
            "during the 24 hours after a rotation (Standard Webhooks)."
        ),
    }
    section: dict[str, Any] = {}
    for event in EventType:
        note = "" if event in EMITTED else " (declared; not sent yet)"
        section[event.value] = {
            "post": {
                "operationId": "webhook_" + event.value.replace(".", "_"),
                "summary": DESCRIPTIONS[event] + note,
                "tags": ["webhooks"],
                "parameters": [
                    {
                        "name": name,
                        "in": "header",
                        "required": True,
                        "description": text,
                        "schema": {"type": "string"},
                    }
                    for name, text in headers.items()
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": _schema_ref(envelope_model(event), components)
                        }
                    },
                },
                "responses": {
                    "2XX": {"description": "Received. Anything else is retried for 24 hours."},
                    "410": {"description": "Gone: Schedulo turns the endpoint off."},
                },
            }
        }
    return section


def build_document() -> dict[str, Any]:
    """The document, built once per set of endpoints: they are fixed once the app is
    imported, and building it asks pydantic for every model's schema (about a second)."""
    return _document(len(ENDPOINTS))


@functools.cache
def _document(endpoint_count: int) -> dict[str, Any]:
    components: dict[str, Any] = {"Error": _ERROR_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in sorted(ENDPOINTS, key=lambda e: (e.path, e.method)):
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = _operation(
            endpoint, components
        )
    hooks = webhooks_section(components)
    shared: dict[str, Any] = {}
    paths = _hoist(paths, shared)
    components = {**_hoist(components, shared), **shared}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Schedulo API", "version": "1.0.0"},
        "paths": paths,
        "webhooks": hooks,
        "components": {
            "schemas": components,
            "responses": {
                f"E{status}": {
                    "description": description,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
                for status, description in _DESCRIPTIONS.items()
                if status >= 400
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
