"""Every API answer carries the security headers, whatever its status or origin (a view,
an error, Chalice's own 405)."""

from __future__ import annotations

from tests.support.factories import bearer, call, signup


def check(response) -> None:  # type: ignore[no-untyped-def]
    headers = {k.lower(): v for k, v in response.headers.items()}
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["strict-transport-security"].startswith("max-age=63072000")
    assert headers["referrer-policy"] == "no-referrer"
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_success_error_and_chalice_answers_carry_the_security_headers(client):
    user = signup(client)
    check(call(client, "GET", "/v1/me", headers=bearer(user.access_token)))
    check(call(client, "GET", "/v1/health"))
    check(call(client, "GET", "/v1/me"))  # 401
    check(call(client, "DELETE", "/v1/health"))  # 405 from Chalice
    check(call(client, "GET", "/v1/oauth/callback/x?error=access_denied"))  # an HTML page
