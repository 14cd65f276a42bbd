"""The local stack's responses carry the security headers: the web app's files (with a
Content-Security-Policy that lets the app reach the embedded AWS and the sandbox's
avatars and nothing else) and the API's answers, including its own 404s."""

from __future__ import annotations

import pytest
import requests

pytestmark = [pytest.mark.stack]

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
}


def policy(response: requests.Response) -> dict[str, list[str]]:
    directives = {}
    for directive in response.headers["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("path", ["/", "/calendar", "/dashboard"])
def test_the_web_app_pages_carry_the_security_headers(stack, path):
    response = requests.get(f"{stack.url}{path}", timeout=5)
    assert response.status_code == 200
    for name, value in COMMON.items():
        assert response.headers[name] == value, name
    assert response.headers["Referrer-Policy"] == "same-origin"
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no inline script, no eval
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    # Uploads go straight to the embedded AWS; nothing else may be reached from a script.
    assert csp["connect-src"] == ["'self'", stack.aws_url, stack.sandbox_url]


def test_the_web_app_assets_carry_them_too(stack):
    index = requests.get(f"{stack.url}/", timeout=5).text
    asset = index.split('src="', 1)[1].split('"', 1)[0]
    response = requests.get(f"{stack.url}{asset}", timeout=5)
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize("path", ["/v1/health", "/v1/me", "/v1/no-such-thing"])
def test_api_answers_carry_the_security_headers(stack, path):
    response = requests.get(f"{stack.url}{path}", timeout=5)
    for name, value in COMMON.items():
        assert response.headers[name] == value, (path, name)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    csp = policy(response)
    assert csp["default-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
