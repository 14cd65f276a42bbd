"""What the X adapter sends and what the sandbox answers, checked against X's own
OpenAPI description (../shared/specs/x/openapi.json)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from chalicelib.networks.base import AccountAuth, PublishRequest, ThreadPart
from tests.support.networks import GeneratedVideo, adapter, connect, image_item, jpeg
from tests.support.specs import load_json

# OAuth lives outside the v2 description; everything else the adapter calls is in it.
OUTSIDE_SPEC = ("/x/i/oauth2/", "/x/2/oauth2/")


def operation(spec: dict[str, Any], method: str, path: str) -> tuple[str, dict[str, Any]]:
    matches = []
    for template, operations in spec["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            matches.append((template.count("{"), template, operations[method.lower()]))
    assert matches, f"{method} {path} is not in the X API description"
    _, template, op = min(matches)  # the most literal template wins
    return template, op


def validate(spec: dict[str, Any], instance: Any, schema: dict[str, Any], where: str) -> None:
    from openapi_schema_validator import OAS30Validator

    rooted = {**schema, "components": spec["components"]}
    errors = sorted(OAS30Validator(rooted).iter_errors(instance), key=str)
    assert not errors, f"{where}: {errors[0].message} at {list(errors[0].absolute_path)}"


def query_value(spec: dict[str, Any], parameter: dict[str, Any], raw: str) -> Any:
    schema = resolve(spec, parameter.get("schema", {}))
    if schema.get("type") == "array":
        return raw.split(",")
    if schema.get("type") == "integer":
        return int(raw)
    return raw


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


@pytest.fixture
def spec():
    return load_json("x/openapi.json")


def test_the_adapter_and_the_sandbox_speak_the_x_api_as_described(sandbox, spec):
    x = adapter("x")
    grant = connect(x)
    [me] = x.identities(grant)
    account = AccountAuth(me.external_id, grant.access_token)
    video = GeneratedVideo(5 * 1024**2)
    first = x.publish(
        account,
        PublishRequest(
            text="Conformance",
            media=(image_item(jpeg(), alt="a loaf"), image_item(jpeg(600, 600))),
            thread=(ThreadPart("with a video", (video.item(),)),),
            first_comment="and a comment",
        ),
    )
    x.metrics(account, [first.external_id, *first.follow_up_ids])
    x.account_metrics(account)

    checked = set()
    for call in sandbox.calls_to("/x/"):
        if call.path.startswith(OUTSIDE_SPEC):
            continue
        path = call.path.removeprefix("/x")
        template, op = operation(spec, call.method, path)
        where = f"{call.method} {template}"
        for parameter in (resolve(spec, p) for p in op.get("parameters", [])):
            if parameter["in"] == "query" and parameter["name"] in call.args:
                value = query_value(spec, parameter, call.args[parameter["name"]])
                validate(spec, value, parameter["schema"], f"{where} ?{parameter['name']}")
            if parameter["in"] == "query" and parameter.get("required"):
                assert parameter["name"] in call.args, f"{where}: {parameter['name']} missing"
        unknown = set(call.args) - {resolve(spec, p)["name"] for p in op.get("parameters", [])}
        assert not unknown, f"{where}: parameters {unknown} are not described"
        content = (op.get("requestBody") or {}).get("content", {})
        if call.json is not None:
            validate(spec, call.json, content["application/json"]["schema"], f"{where} body")
        elif call.files:
            form: dict[str, Any] = {k: "<bytes>" for k in call.files}
            form.update({k: int(v) if v.isdigit() else v for k, v in call.form.items()})
            validate(spec, form, content["multipart/form-data"]["schema"], f"{where} form")
        if 200 <= call.status < 300:
            answer = op["responses"].get(str(call.status))
            assert answer, f"{where}: status {call.status} is not described"
            schema = answer["content"]["application/json"]["schema"]
            validate(spec, call.response, schema, f"{where} response")
        checked.add(where)

    assert checked >= {
        "GET /2/users/me",
        "POST /2/media/upload/initialize",
        "POST /2/media/upload/{id}/append",
        "POST /2/media/upload/{id}/finalize",
        "GET /2/media/upload",
        "POST /2/media/metadata",
        "POST /2/tweets",
        "GET /2/tweets",
    }
