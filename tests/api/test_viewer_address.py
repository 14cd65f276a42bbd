"""Behind CloudFront every viewer shares an edge's source address: the throttles count
the viewer's own (CloudFront-Viewer-Address), but only on requests that carry the origin
secret CloudFront adds; a forged header sent straight to the API counts for nothing."""

from __future__ import annotations

import pytest

from chalicelib.auth.viewer import forget_origin_secret, viewer_address
from chalicelib.aws import client as aws_client
from chalicelib.people import throttle
from chalicelib.settings import get_settings
from tests.support.factories import PASSWORD, call, signup

SECRET = "origin-secret-the-template-generates"


@pytest.fixture
def behind_cloudfront(aws):
    forget_origin_secret()
    # The template generates the secret; here its value is known.
    aws_client("secretsmanager").put_secret_value(
        SecretId=get_settings().origin_secret_name, SecretString=SECRET
    )
    yield
    forget_origin_secret()


def login(client, email: str, password: str, headers: dict[str, str]):
    body = {"email": email, "password": password}
    return call(client, "POST", "/v1/auth/login", body, headers=headers)


def via_cloudfront(viewer: str, secret: str = SECRET) -> dict[str, str]:
    return {"CloudFront-Viewer-Address": viewer, "X-Schedulo-Origin-Verify": secret}


def test_an_attacker_behind_the_same_edge_cannot_lock_the_owner_out(client, behind_cloudfront):
    victim = signup(client)
    attacker = via_cloudfront("203.0.113.66:51234")
    for _ in range(throttle.MAX_FAILURES_PER_PAIR):
        assert login(client, victim.email, "guess guess guess", attacker).status_code == 401
    assert login(client, victim.email, PASSWORD, attacker).status_code == 429
    owner = via_cloudfront("2001:db8::7:443")
    # API Gateway hands the app its headers in lower case.
    assert viewer_address({k.lower(): v for k, v in owner.items()}, "edge") == "2001:db8::7"
    assert login(client, victim.email, PASSWORD, owner).status_code == 200


def test_a_forged_viewer_address_without_the_secret_counts_as_the_source(client, behind_cloudfront):
    victim = signup(client)
    for n in range(throttle.MAX_FAILURES_PER_PAIR):
        forged = via_cloudfront(f"198.51.100.{n}:1000", secret="a guess")
        assert login(client, victim.email, "guess guess guess", forged).status_code == 401
    fresh_forgery = via_cloudfront("198.51.100.99:1000", secret="a guess")
    assert login(client, victim.email, PASSWORD, fresh_forgery).status_code == 429


def test_without_the_secret_the_source_address_counts(aws):
    forget_origin_secret()
    aws_client("secretsmanager").delete_secret(
        SecretId=get_settings().origin_secret_name, ForceDeleteWithoutRecovery=True
    )
    headers = via_cloudfront("203.0.113.5:80", secret="")
    assert viewer_address(headers, "192.0.2.1") == "192.0.2.1"
    assert viewer_address({}, "192.0.2.1") == "192.0.2.1"
    forget_origin_secret()
