"""Requests as the deployed HTTP API hands them to the API function: payload format 1.0
events from its one `$default` route (no route template, no path parameters), given to
the function's handler (`app.api_handler`, the Handler infrastructure/http_api.py sets)
in process, against the embedded AWS."""

from __future__ import annotations

import base64
import io
import json
import uuid
from typing import Any
from urllib.parse import parse_qsl

import pytest
from chalice.local import LambdaContext

from infrastructure.http_api import HANDLER
from tests.analytics.seeding import days_ago
from tests.analytics.test_api_exports import seeded
from tests.support.factories import new_owner
from tests.support.posting import an_account


def http_api_event(
    method: str,
    path: str,
    *,
    query: str = "",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    base64_body: bool = False,
) -> dict[str, Any]:
    """An HTTP API payload format 1.0 event of the `$default` route and stage (AWS's
    "Create AWS Lambda proxy integrations for HTTP APIs": header names in lower case,
    repeated query keys in multiValueQueryStringParameters, a non-text body base64)."""
    lowered = {name.lower(): value for name, value in (headers or {}).items()}
    pairs = parse_qsl(query, keep_blank_values=True)
    multi: dict[str, list[str]] = {}
    for key, value in pairs:
        multi.setdefault(key, []).append(value)
    text = None
    if body is not None:
        text = base64.b64encode(body).decode() if base64_body else body.decode()
    request_id = f"{uuid.uuid4().hex[:12]}="
    return {
        "version": "1.0",
        "resource": "$default",
        "path": path,
        "httpMethod": method,
        "headers": lowered,
        "multiValueHeaders": {name: [value] for name, value in lowered.items()},
        "queryStringParameters": {key: values[-1] for key, values in multi.items()} or None,
        "multiValueQueryStringParameters": multi or None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "a1b2c3d4e5",
            "authorizer": {"claims": None, "scopes": None},
            "domainName": "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "a1b2c3d4e5",
            "extendedRequestId": request_id,
            "httpMethod": method,
            "identity": {
                "accessKey": None,
                "accountId": None,
                "caller": None,
                "cognitoAuthenticationProvider": None,
                "cognitoAuthenticationType": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                "principalOrgId": None,
                "sourceIp": "203.0.113.9",
                "user": None,
                "userAgent": "pytest",
                "userArn": None,
            },
            "path": path,
            "protocol": "HTTP/1.1",
            "requestId": request_id,
            "requestTime": "06/Dec/2026:05:00:00 +0000",
            "requestTimeEpoch": 1796533200000,
            "resourceId": "$default",
            "resourcePath": "$default",
            "stage": "$default",
        },
        "pathParameters": None,
        "stageVariables": None,
        "body": text,
        "isBase64Encoded": base64_body,
    }


def invoke(event: dict[str, Any]) -> dict[str, Any]:
    """The API function's handler, named as the packaged template names it."""
    import app

    module, name = HANDLER.split(".")
    assert module == "app"
    handler = getattr(app, name)
    context = LambdaContext(function_name="api", memory_size=512, max_runtime_ms=30_000)
    return handler(event, context)


def body_of(answer: dict[str, Any]) -> Any:
    return json.loads(answer["body"])


def headers_of(answer: dict[str, Any]) -> dict[str, str]:
    return {name.lower(): value for name, value in answer["headers"].items()}


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {user.access_token}", "Content-Type": "application/json"}


def post_draft(path: str, text: str) -> tuple[Any, str, dict[str, Any]]:
    """A new owner's workspace (with an X account) and the answer to POSTing a draft with
    `text` to `path` (under its workspace) through the HTTP API."""
    owner = new_owner()
    ws = owner.workspace_id
    draft = {"text": text, "targets": [{"account_id": an_account(ws, "x")}]}
    event = http_api_event(
        "POST",
        f"/v1/workspaces/{ws}{path}",
        headers=bearer(owner),
        body=json.dumps(draft).encode(),
    )
    return owner, ws, invoke(event)


def test_a_post_made_with_a_json_body_is_read_back_by_its_ids(aws):
    owner, ws, made = post_draft("/posts", "Through the HTTP API")
    assert made["statusCode"] == 201, made["body"]
    post_id = body_of(made)["id"]

    read = invoke(
        http_api_event("GET", f"/v1/workspaces/{ws}/posts/{post_id}", headers=bearer(owner))
    )
    assert read["statusCode"] == 200, read["body"]
    assert body_of(read)["id"] == post_id
    assert body_of(read)["text"] == "Through the HTTP API"
    # Path parameters arrive URL-decoded, as API Gateway decodes them: "%77" is "w".
    encoded = f"%{ord(ws[0]):02X}{ws[1:]}"
    again = invoke(
        http_api_event("GET", f"/v1/workspaces/{encoded}/posts/{post_id}", headers=bearer(owner))
    )
    assert again["statusCode"] == 200 and body_of(again)["id"] == post_id


def test_a_base64_body_is_decoded(aws):
    owner = new_owner()
    ws = owner.workspace_id
    account = an_account(ws, "x")
    draft = {"text": "Sent as base64 ☕", "targets": [{"account_id": account}]}
    made = invoke(
        http_api_event(
            "POST",
            f"/v1/workspaces/{ws}/posts",
            headers=bearer(owner),
            body=json.dumps(draft, ensure_ascii=False).encode(),
            base64_body=True,
        )
    )
    assert made["statusCode"] == 201, made["body"]
    assert body_of(made)["text"] == "Sent as base64 ☕"


def test_every_value_of_a_repeated_query_key_arrives(aws):
    owner = new_owner()
    ws = owner.workspace_id
    x = an_account(ws, "x", timezone="UTC")
    linkedin = an_account(ws, "linkedin", timezone="UTC")
    path = f"/v1/workspaces/{ws}/analytics/next-slots"
    both = invoke(
        http_api_event(
            "GET",
            path,
            query=f"account_id={x}&account_id={linkedin}&count=2",
            headers=bearer(owner),
        )
    )
    assert both["statusCode"] == 200, both["body"]
    slots = body_of(both)["slots"]
    assert len(slots) == 2 and all(s["account_ids"] == [x, linkedin] for s in slots)
    unknown = invoke(
        http_api_event("GET", path, query=f"account_id={x}&account_id=a_no", headers=bearer(owner))
    )
    assert unknown["statusCode"] == 422
    assert body_of(unknown)["error"]["details"][0]["field"] == "account_id[1]"


def test_the_pdf_report_is_answered_as_binary(client):
    owner, _ = seeded(client)
    answer = invoke(
        http_api_event(
            "GET",
            f"/v1/workspaces/{owner.workspace_id}/analytics/export.pdf",
            query=f"from={days_ago(6)}&to={days_ago(0)}",
            headers={**bearer(owner), "Accept": "application/pdf"},
        )
    )
    assert answer["statusCode"] == 200, answer["body"][:300]
    assert headers_of(answer)["content-type"] == "application/pdf"
    # The HTTP API decodes a response that says it is base64 into the bytes it sends.
    assert answer["isBase64Encoded"] is True
    pdf = base64.b64decode(answer["body"])
    assert pdf[:5] == b"%PDF-"
    from pypdf import PdfReader

    assert "Analytics report" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


@pytest.mark.parametrize("path", ["/v1/no-such-thing", "/v1/workspaces/w_1/posts/p_1/nope", "/"])
def test_a_path_no_route_has_is_a_404_in_the_error_format(aws, path):
    event = http_api_event("GET", path, headers={"Authorization": "Bearer not-a-token"})
    answer = invoke(event)
    assert answer["statusCode"] == 404
    error = body_of(answer)["error"]
    assert error == {
        "code": "not_found",
        "message": f"No route GET {path}.",
        "details": [],
        "request_id": event["requestContext"]["requestId"],
    }
    headers = headers_of(answer)
    assert headers["x-request-id"] == event["requestContext"]["requestId"]
    assert headers["content-type"] == "application/json"
    assert headers["x-content-type-options"] == "nosniff"


def test_a_method_a_route_lacks_is_a_405_in_the_error_format(aws):
    event = http_api_event("PUT", "/v1/health")
    answer = invoke(event)
    assert answer["statusCode"] == 405
    error = body_of(answer)["error"]
    assert error["code"] == "method_not_allowed" and "PUT" in error["message"]
    assert error["request_id"] == event["requestContext"]["requestId"]
    assert headers_of(answer)["allow"] == "GET"


def test_every_answer_carries_the_gateways_request_id(aws):
    event = http_api_event("GET", "/v1/health")
    answer = invoke(event)
    assert answer["statusCode"] == 200
    assert headers_of(answer)["x-request-id"] == event["requestContext"]["requestId"]


def test_a_literal_segment_wins_over_a_path_parameter(aws):
    # /posts/validate, not /posts/{post_id} (which has no POST).
    _, _, answer = post_draft("/posts/validate", "Checked, not stored")
    assert answer["statusCode"] == 200, answer["body"]
    assert body_of(answer)["valid"] is True


def test_a_cors_preflight_is_answered_as_rest_api_gateway_answered_it(aws):
    from chalicelib.settings import get_settings

    answer = invoke(http_api_event("OPTIONS", "/v1/workspaces/w_1/posts"))
    assert answer["statusCode"] == 200
    headers = headers_of(answer)
    assert set(headers["access-control-allow-methods"].split(",")) == {"GET", "POST", "OPTIONS"}
    assert headers["access-control-allow-origin"] == get_settings().frontend_origin
    assert "Idempotency-Key" in headers["access-control-allow-headers"]


def test_a_rest_api_event_passes_through_unchanged(aws):
    event = http_api_event("GET", "/v1/health")
    for key in ("version", "resource"):
        del event[key]
    event["requestContext"]["resourcePath"] = "/v1/health"
    answer = invoke(event)
    assert answer["statusCode"] == 200 and body_of(answer)["status"] == "ok"


def test_the_local_server_matches_paths_as_the_deployed_api_does(aws):
    """local/api_server.py routes with the same table: a percent-encoded path parameter
    arrives decoded, an unknown path is the same 404."""
    import threading

    import requests

    import app
    from local.api_server import make_api_server

    owner = new_owner()
    ws = owner.workspace_id
    server = make_api_server(app.app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server.server_address[1]}"
        encoded = f"%{ord(ws[0]):02X}{ws[1:]}"
        listed = requests.get(
            f"{base}/v1/workspaces/{encoded}/posts", headers=bearer(owner), timeout=10
        )
        assert listed.status_code == 200, listed.text
        assert listed.json()["items"] == []
        missing = requests.get(f"{base}/v1/workspaces/{ws}/nope", headers=bearer(owner), timeout=10)
        assert missing.status_code == 404
        deployed = body_of(invoke(http_api_event("GET", f"/v1/workspaces/{ws}/nope")))
        assert missing.json()["error"]["message"] == deployed["error"]["message"]
    finally:
        server.server.shutdown()
        server.server.server_close()
