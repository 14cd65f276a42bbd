"""Checks received requests against a network's OpenAPI description in ../shared/specs
(Mastodon 3.1, Pinterest 3.0): the path and method exist, required query parameters are
there, and a JSON or form body validates against the operation's request schema."""

from __future__ import annotations

import re
from typing import Any

from tests.support.specs import load_json


def spec(name: str) -> dict[str, Any]:
    return load_json(name)


def operation(name: str, method: str, path: str) -> tuple[str, dict[str, Any]]:
    """The path template and operation that `method path` is an instance of."""
    document = spec(name)
    for template, item in document["paths"].items():
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path) and method.lower() in item:
            return template, item[method.lower()]
    raise AssertionError(f"{method} {path} is not an operation of {name}")


def _validator(name: str, schema: dict[str, Any]) -> Any:
    from openapi_schema_validator import OAS30Validator, OAS31Validator

    document = spec(name)
    root = {"components": document.get("components", {}), **schema}
    version = document.get("openapi", "3.0")
    cls = OAS31Validator if version.startswith("3.1") else OAS30Validator
    return cls(root)


def check_request(
    name: str, method: str, path: str, args: dict[str, str], body: Any, content_type: str
) -> str:
    """Raise AssertionError unless the request fits the description; returns the template."""
    template, op = operation(name, method, path)
    document = spec(name)
    for parameter in op.get("parameters", []):
        if "$ref" in parameter:
            parameter = _pointer(document, parameter["$ref"])
        if parameter.get("in") == "query" and parameter.get("required"):
            assert parameter["name"] in args, f"{method} {template} requires ?{parameter['name']}"
    content = (op.get("requestBody") or {}).get("content") or {}
    if body is None or not content:
        return template
    media = content.get(content_type) or next(iter(content.values()))
    schema = media.get("schema") or {}
    errors = [
        e.message
        for e in _validator(name, schema).iter_errors(body)
        # Mastodon's TextStatus and MediaStatus overlap (text + media fits both): the
        # description means "any of", so matching several is not a failure.
        if not (e.validator == "oneOf" and "is valid under each of" in e.message)
    ]
    assert not errors, f"{method} {template}: {errors}"
    return template


def _pointer(document: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = document
    for part in ref.lstrip("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def check_response(name: str, method: str, path: str, status: int, body: Any) -> None:
    """Raise AssertionError unless a JSON answer fits the operation's response schema."""
    _, op = operation(name, method, path)
    answer = (op.get("responses") or {}).get(str(status))
    if answer is None or body is None:
        return
    if "$ref" in answer:
        answer = _pointer(spec(name), answer["$ref"])
    media = (answer.get("content") or {}).get("application/json")
    if not media or not media.get("schema"):
        return
    errors = [
        e.message
        for e in _validator(name, media["schema"]).iter_errors(body)
        if not (e.validator == "oneOf" and "is valid under each of" in e.message)
    ]
    assert not errors, f"{method} {path} answered {status}: {errors[:3]}"
