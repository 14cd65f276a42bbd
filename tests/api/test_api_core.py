"""The API's conventions: one error format, request ids, one log line, CORS, OpenAPI."""

from __future__ import annotations

import json
import logging

import pytest
from chalice import Chalice
from chalice.test import Client
from pydantic import BaseModel, Field

from chalicelib.api.middleware import http_middleware
from chalicelib.api.routing import Access, ApiBlueprint, RequestContext
from tests.support.aws import NO_CHALICE_CONFIG


class Greeting(BaseModel):
    name: str = Field(min_length=2)
    count: int = 1


class Answer(BaseModel):
    text: str


def _probe_app() -> Chalice:
    """An app with one endpoint taking a body, wired like the real one."""
    blueprint = ApiBlueprint(__name__, registry=[])

    @blueprint.endpoint("POST", "/v1/probe", auth=Access.PUBLIC, body=Greeting, response=Answer)
    def probe(ctx: RequestContext, body: Greeting) -> Answer:
        return Answer(text=f"hello {body.name} x{body.count}")

    @blueprint.endpoint("GET", "/v1/boom", auth=Access.PUBLIC)
    def boom(ctx: RequestContext) -> None:
        raise RuntimeError("secret internals")

    app = Chalice("probe", configure_logs=False)
    app.register_middleware(http_middleware, "http")
    app.register_blueprint(blueprint)
    return app


@pytest.fixture
def probe(aws):
    with Client(_probe_app(), project_dir=NO_CHALICE_CONFIG) as test_client:
        yield test_client


def post(client: Client, body: bytes | str, content_type: str = "application/json"):
    return client.http.post("/v1/probe", headers={"content-type": content_type}, body=body)


def error_of(response) -> dict:
    return json.loads(response.body)["error"]


def test_valid_body_is_parsed_into_the_model(probe):
    response = post(probe, json.dumps({"name": "Ada", "count": 2}))
    assert response.status_code == 200
    assert json.loads(response.body) == {"text": "hello Ada x2"}


def test_bad_json_is_a_400_in_the_error_format(probe):
    response = post(probe, b"{not json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert error["details"][0]["field"] == "body"
    assert error["request_id"] == response.headers["X-Request-Id"]


def test_invalid_fields_are_a_422_naming_each_field(probe):
    response = post(probe, json.dumps({"name": "A", "count": "many"}))
    assert response.status_code == 422
    fields = {d["field"] for d in error_of(response)["details"]}
    assert fields == {"name", "count"}


def test_missing_body_names_the_body(probe):
    response = post(probe, b"")
    assert response.status_code == 400
    assert error_of(response)["details"] == [{"field": "body", "message": "required"}]


def test_wrong_content_type_is_a_415_in_the_error_format(probe):
    response = post(probe, "name=Ada", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


def test_oversized_body_is_a_413(probe):
    response = post(probe, json.dumps({"name": "x" * 1_100_000}))
    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"


def test_wrong_method_is_a_405_in_the_error_format(probe):
    response = probe.http.get("/v1/probe")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_unexpected_error_is_a_500_without_internals(probe):
    response = probe.http.get("/v1/boom")
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "internal_error"
    assert "secret" not in error["message"]


def test_every_response_carries_a_request_id(client):
    first = client.http.get("/v1/health")
    second = client.http.get("/v1/health")
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_one_log_line_per_request(client):
    from chalicelib.observability import SERVICE, logger

    ours, root = _Lines(), _Lines()
    ours.setFormatter(logger.registered_formatter)
    logging.getLogger(SERVICE).addHandler(ours)
    logging.getLogger().addHandler(root)
    try:
        client.http.get("/v1/health")
    finally:
        logging.getLogger(SERVICE).removeHandler(ours)
        logging.getLogger().removeHandler(root)
    logged = [json.loads(line) for line in ours.lines]
    assert [line["message"] for line in logged] == ["request"]
    assert logged[0]["status"] == 200 and logged[0]["route"] == "/v1/health"
    assert logged[0]["request_id"]
    assert root.lines == []  # nothing reaches the root logger, which Lambda also prints


def test_cors_is_limited_to_the_frontend_origin(client):
    from chalicelib.settings import get_settings

    response = client.http.get("/v1/health")
    assert response.headers["Access-Control-Allow-Origin"] == get_settings().frontend_origin


def test_health_checks_dynamodb_and_s3(client):
    response = client.http.get("/v1/health")
    assert response.status_code == 200
    body = json.loads(response.body)
    assert body["status"] == "ok"
    assert {c["name"] for c in body["checks"]} == {"dynamodb", "s3"}


def test_openapi_document_is_valid_and_lists_every_route(client):
    from openapi_spec_validator import validate

    import app

    document = json.loads(client.http.get("/v1/openapi.json").body)
    validate(document)
    routes = {
        (path, method.lower()) for path, entries in app.app.routes.items() for method in entries
    }
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert routes == documented
