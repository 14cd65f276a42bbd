"""The OpenAPI document says what the API does: every status an operation can answer is
declared (no `default`), and a body the document calls invalid is one the API refuses,
for the constraints the validators enforce (tests/stack/test_schemathesis.py runs the
whole document against the local stack)."""

from __future__ import annotations

import json
import zoneinfo
from typing import Any

import pytest

from tests.support.factories import call, signup


@pytest.fixture
def document(client) -> dict[str, Any]:
    return json.loads(client.http.get("/v1/openapi.json").body)


def test_every_operation_declares_its_statuses_and_no_default(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            declared = set(operation["responses"])
            label = f"{method.upper()} {path}"
            assert "default" not in declared, label
            assert {"400", "413", "415", "422", "429"} <= declared, label
            if operation["x-access"] != "public":
                assert {"401", "403"} <= declared, label
            if "{" in path:  # a workspace or a resource that may not exist
                assert "404" in declared, label
            if method != "get":
                assert "409" in declared, label


def test_the_statuses_views_answer_themselves_are_declared(document):
    paths = document["paths"]
    assert "201" in paths["/v1/workspaces/{ws}/accounts/connect"]["post"]["responses"]  # Bluesky
    assert "503" in paths["/v1/health"]["get"]["responses"]
    callback = paths["/v1/oauth/callback/{network}"]["get"]
    assert {"302", "400", "502"} <= set(callback["responses"])
    assert "content" not in callback["responses"]["400"]  # its own HTML page
    assert {p["name"] for p in callback["parameters"] if p["in"] == "query"} >= {"code", "state"}


def test_zones_and_networks_are_the_enums_the_validators_check(document):
    from chalicelib.networks.registry import NETWORK_IDS

    schemas = document["components"]["schemas"]
    assert set(schemas["TimeZone"]["enum"]) == zoneinfo.available_timezones()
    assert schemas["SignupIn"]["properties"]["timezone"]["$ref"] == "#/components/schemas/TimeZone"
    assert schemas["ConnectIn"]["properties"]["network"]["enum"] == list(NETWORK_IDS)
    rendition = document["paths"]["/v1/workspaces/{ws}/media/{media_id}/renditions/{network}"]
    network = next(p for p in rendition["get"]["parameters"] if p["name"] == "network")
    assert network["schema"]["enum"] == list(NETWORK_IDS)


def _accepts(document: dict[str, Any], schema: dict[str, Any], value: Any) -> bool:
    from jsonschema import Draft202012Validator

    return Draft202012Validator({**schema, "components": document["components"]}).is_valid(value)


def _body_schema(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    content = document["paths"][path][method]["requestBody"]["content"]
    return content["application/json"]["schema"]


WS = "/v1/workspaces/{ws}"
# (method, path, body): each the document calls invalid, and the API refuses with 422.
REFUSED = [
    ("post", "/v1/auth/signup", {"email": "ada@example", "password": "a long pass", "name": "A"}),
    ("post", "/v1/auth/signup", {"email": "a@b.co", "password": "a long pass", "name": "A",
                                 "timezone": "Mars/Olympus"}),
    ("post", "/v1/auth/login", {"email": "not an email", "password": "x"}),
    ("patch", WS, {"timezone": "Europe/Pariss"}),
    ("post", f"{WS}/invitations", {"email": "two@@example.com"}),
    ("post", f"{WS}/accounts/connect", {"network": "myspace"}),
    ("post", f"{WS}/accounts/connect", {"network": "mastodon"}),
    ("post", f"{WS}/accounts/connect", {"network": "bluesky", "handle": "a", "app_password": "x"}),
    ("post", f"{WS}/accounts/connect", {"network": "x", "redirect_to": "//evil.example"}),
    ("post", f"{WS}/media", {"filename": "a.pdf", "content_type": "application/pdf", "size": 9}),
    ("post", f"{WS}/media", {"filename": "a.mp4", "content_type": "video/mp4", "size": 2**31}),
    ("post", f"{WS}/media/import", {"url": "ftp://example.com/a.jpg"}),
    ("post", f"{WS}/posts", {"targets": [{"account_id": "a_1"}], "when": {"queue": True,
                                                                          "now": True}}),
    ("post", f"{WS}/posts", {"targets": [{"account_id": "a_1"}], "recurrence": "FREQ=DAILY"}),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "body"), REFUSED)
def test_a_body_the_document_refuses_is_refused(client, document, method, path, body):
    assert not _accepts(document, _body_schema(document, method, path), body)
    owner = signup(client)
    response = call(
        client, method.upper(), path.replace("{ws}", owner.workspace_id), body, owner.headers
    )
    assert response.status_code == 422, response.json


def test_media_tags_and_post_statuses_read_as_the_validators_read_them(client, document):
    from chalicelib.api.media_models import MediaPatch
    from chalicelib.api.posts import _statuses

    tags = _body_schema(document, "patch", f"{WS}/media/{{media_id}}")
    for tag in ("summer", "Summer Sale", "#", " ", "a,b", "x" * 41):
        if _accepts(document, tags, {"tags": [tag]}):
            assert MediaPatch.model_validate({"tags": [tag]}).tags, tag
    assert not _accepts(document, tags, {"tags": [","]})
    parameters = document["paths"][f"{WS}/posts"]["get"]["parameters"]
    status = next(p["schema"] for p in parameters if p["name"] == "status")
    for value in ("draft", "scheduled, failed", "draft,,", "drafts", "draft;failed", ""):
        if _accepts(document, status, value):
            _statuses(value)  # no error
        else:
            with pytest.raises(Exception, match="use one or more"):
                _statuses(value)
