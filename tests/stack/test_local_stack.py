"""`make dev`'s stack as a user meets it: one origin for the web app and the API."""

from __future__ import annotations

import pytest
import requests

from chalicelib.networks.registry import NETWORK_IDS
from tests.support.stack import StackProcess

pytestmark = [pytest.mark.stack]


def test_health_and_web_shell_are_served(stack):
    health = requests.get(f"{stack.url}/v1/health", timeout=5)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    page = requests.get(f"{stack.url}/", timeout=5)
    assert page.status_code == 200 and '<div id="root">' in page.text
    deep_link = requests.get(f"{stack.url}/calendar/2026/12", timeout=5)
    assert deep_link.status_code == 200 and '<div id="root">' in deep_link.text


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}])
def test_unknown_api_route_is_a_404_in_the_error_format(stack, headers):
    response = requests.get(f"{stack.url}/v1/no-such-thing", headers=headers, timeout=5)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert response.json()["error"]["request_id"]
    # The deployed API's words (chalicelib/api/gateway.py; tests/api/test_http_api.py).
    assert response.json()["error"]["message"] == "No route GET /v1/no-such-thing."


@pytest.mark.parametrize("path", ["/v1/health", "/v1/no-such-thing", "/calendar"])
@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND"])
def test_a_method_the_api_does_not_know_is_a_json_405(stack, method, path):
    response = requests.request(method, f"{stack.url}{path}", timeout=5)
    assert response.status_code == 405
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_oversized_body_is_a_413_in_the_error_format(stack):
    response = requests.post(
        f"{stack.url}/v1/health",
        data=b"x" * (11 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_sandbox_serves_its_control_api_and_feed(stack):
    # The stack is shared by the session's tests: start from a clean sandbox.
    assert requests.post(f"{stack.sandbox_url}/_control/reset", timeout=5).status_code == 200
    assert requests.get(f"{stack.sandbox_url}/_control/posts", timeout=5).json() == []
    assert "Sandbox feed" in requests.get(f"{stack.sandbox_url}/", timeout=5).text
    bad = requests.post(f"{stack.sandbox_url}/_control/faults", json={"network": "nope"}, timeout=5)
    assert bad.status_code == 400


def test_state_survives_a_restart_when_a_directory_is_named(tmp_path):
    env = {"SCHEDULO_LOCAL_STATE": str(tmp_path)}
    import boto3

    def table(endpoint: str):
        return boto3.resource(
            "dynamodb",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        ).Table("schedulo-local-workspaces")

    with StackProcess(env) as first:
        table(first.aws_url).put_item(Item={"workspace_id": "w_kept", "name": "Kept"})
    assert first.process.returncode == 0  # Ctrl-C stops cleanly
    with StackProcess(env) as second:
        item = table(second.aws_url).get_item(Key={"workspace_id": "w_kept"}).get("Item")
        assert item and item["name"] == "Kept"


def test_the_stack_serves_each_networks_consent_page_and_lists_the_networks(stack):
    networks = requests.get(f"{stack.url}/v1/networks", timeout=5).json()["items"]
    assert [n["id"] for n in networks] == list(NETWORK_IDS)
    pages = {
        "x": "/x/i/oauth2/authorize?response_type=code&client_id=c&redirect_uri=http://a/cb"
        "&scope=tweet.read&state=s&code_challenge=abc&code_challenge_method=S256",
        "facebook": "/facebook/v21.0/dialog/oauth?client_id=c&redirect_uri=http://a/cb&state=s"
        "&scope=pages_show_list",
        "instagram": "/instagram/v21.0/dialog/oauth?client_id=c&redirect_uri=http://a/cb&state=s"
        "&scope=instagram_basic",
        "linkedin": "/linkedin/oauth/v2/authorization?response_type=code&client_id=c"
        "&redirect_uri=http://a/cb&state=s&scope=w_member_social",
        "tiktok": "/tiktok/v2/auth/authorize/?client_key=c&response_type=code"
        "&scope=user.info.basic,video.publish&redirect_uri=http://a/cb&state=s",
        "youtube": "/youtube/o/oauth2/v2/auth?client_id=c&redirect_uri=http://a/cb"
        "&response_type=code&scope=https://www.googleapis.com/auth/youtube.upload&state=s",
        "pinterest": "/pinterest/oauth/?client_id=c&redirect_uri=http://a/cb&response_type=code"
        "&scope=boards:read,pins:write&state=s",
        "threads": "/threads/oauth/authorize?client_id=c&redirect_uri=http://a/cb"
        "&scope=threads_basic,threads_content_publish&response_type=code&state=s",
    }
    for network, path in pages.items():
        page = requests.get(f"{stack.sandbox_url}{path}", timeout=5)
        assert page.status_code == 200 and ">Authorize</button>" in page.text, network
