"""Checks requests against Google's discovery document for YouTube
(../shared/specs/youtube/youtube.v3.json): the method's path, its parameters and the
request body against the method's schema (unknown fields refused)."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft7Validator

from tests.support.specs import load_json


def document() -> dict[str, Any]:
    return load_json("youtube/youtube.v3.json")


def method(resource: str, name: str) -> dict[str, Any]:
    return document()["resources"][resource]["methods"][name]


def _json_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A discovery schema as JSON Schema; `$ref` inlined, unknown properties refused."""
    if "$ref" in schema:
        return _json_schema(document()["schemas"][schema["$ref"]])
    kind = schema.get("type")
    out: dict[str, Any] = {}
    if kind == "object":
        out["type"] = "object"
        if "properties" in schema:
            out["properties"] = {k: _json_schema(v) for k, v in schema["properties"].items()}
            out["additionalProperties"] = False
        elif "additionalProperties" in schema:
            out["additionalProperties"] = _json_schema(schema["additionalProperties"])
    elif kind == "array":
        out = {"type": "array", "items": _json_schema(schema.get("items", {}))}
    elif kind in ("string", "boolean", "integer", "number"):
        # int64/uint64 travel as strings; date-time is RFC 3339
        out["type"] = kind
        if "enum" in schema:
            out["enum"] = schema["enum"]
    return out


def check_call(resource: str, name: str, path: str, args: dict[str, str], body: Any) -> None:
    """Raise AssertionError when a received call does not fit `resource.name`."""
    spec = method(resource, name)
    upload = spec.get("mediaUpload", {}).get("protocols", {})
    allowed_paths = {"/" + spec["path"]} | {p["path"] for p in upload.values()}
    assert path in allowed_paths, f"{path} is not a path of {spec['id']}: {allowed_paths}"
    params = spec.get("parameters", {})
    for key, value in args.items():
        if key in ("uploadType", "upload_id", "alt", "key", "fields"):
            continue
        assert key in params, f"{spec['id']} has no parameter {key}"
        if params[key].get("type") == "boolean":
            assert value in ("true", "false"), f"{key}={value} is not a boolean"
    for key, param in params.items():
        if param.get("required"):
            assert key in args, f"{spec['id']} requires {key}"
    if "part" in args:
        schema_name = (spec.get("response") or {}).get("$ref", "")
        item = document()["schemas"].get(schema_name, {})
        if "items" in item.get("properties", {}):
            item = document()["schemas"][item["properties"]["items"]["items"]["$ref"]]
        parts = set(args["part"].split(","))
        assert parts <= set(item.get("properties", {})), f"unknown part in {parts}"
    if spec.get("request") and body is not None:
        errors = list(Draft7Validator(_json_schema(spec["request"])).iter_errors(body))
        assert not errors, [e.message for e in errors]


def check_answer(resource: str, name: str, body: Any) -> None:
    """Raise AssertionError when an answer does not fit the method's response schema."""
    spec = method(resource, name)
    if spec.get("response") and body is not None:
        errors = list(Draft7Validator(_json_schema(spec["response"])).iter_errors(body))
        assert not errors, [e.message for e in errors]
