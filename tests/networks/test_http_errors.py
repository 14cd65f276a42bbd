"""What a failed network call says: method, scheme, host and path and the kind of failure,
never the query, the body, the headers or the library's own text; and the redaction every
error message and log line goes through."""

from __future__ import annotations

import io
import json
import logging

import pytest
import requests
import responses

from chalicelib.networks.base import ErrorKind, NetworkError
from chalicelib.networks.http import describe, send
from chalicelib.observability import redact, redact_text

URL = "https://graph.example/v21.0/oauth/access_token?client_id=1&client_secret=S3CRET&code=C0DE"


def never(response):
    raise AssertionError("no answer was expected")


@pytest.mark.parametrize(
    ("raised", "kind", "unanswered", "says"),
    [
        (requests.ConnectTimeout, ErrorKind.TRANSIENT, False, "no connection (ConnectTimeout)"),
        (requests.ReadTimeout, ErrorKind.TRANSIENT, True, "timed out (ReadTimeout)"),
        (requests.ConnectionError, ErrorKind.TRANSIENT, True, "lost its connection"),
        (requests.exceptions.ChunkedEncodingError, ErrorKind.TRANSIENT, False, "failed"),
    ],
)
@responses.activate
def test_a_failed_call_names_the_endpoint_and_the_failure_only(raised, kind, unanswered, says):
    responses.add(
        responses.POST,
        URL,
        body=raised(f"Max retries exceeded with url: {URL} body=refresh_token=R3FRESH"),
    )
    with pytest.raises(NetworkError) as caught:
        send(
            "POST",
            URL,
            classify=never,
            timeout=(1, 1),
            data={"refresh_token": "R3FRESH"},
            headers={"Authorization": "Bearer T0KEN-VALUE"},
        )
    error = caught.value
    assert error.kind is kind and error.unanswered is unanswered
    assert error.message.startswith("POST https://graph.example/v21.0/oauth/access_token")
    assert says in error.message
    assert error.__cause__ is None and error.__suppress_context__  # no chained text
    for secret in ("S3CRET", "C0DE", "R3FRESH", "T0KEN-VALUE", "Max retries"):
        assert secret not in error.message and secret not in repr(error)


def test_describe_drops_query_fragment_and_user_info():
    assert (
        describe("GET", "https://user:pw@api.example:8443/v2/me?access_token=x#frag")
        == "GET https://api.example:8443/v2/me"
    )
    assert describe("GET", "http://[::1]:9/x?y=1") == "GET http://[::1]:9/x"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("GET /x?access_token=abc123&fields=id", "abc123"),
        ("url: /oauth/token?client_secret=sec-ret&code=the-code", "sec-ret"),
        ("url: /oauth/token?client_secret=sec-ret&code=the-code", "the-code"),
        ("body=grant_type=refresh_token&refresh_token=rt.value", "rt.value"),
        ("{'Authorization': 'Bearer tok_0123456789'}", "tok_0123456789"),
        ("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
        ('{"identifier": "ada", "password": "abcd-efgh-ijkl-mnop"}', "abcd-efgh-ijkl-mnop"),
        ("app password abcd-efgh-ijkl-mnop refused", "abcd-efgh-ijkl-mnop"),
        ('{"accessJwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkaWQifQ.c2ln"}', "eyJzdWIiOiJkaWQifQ"),
        ('{"code": "oauth-code-1", "client_secret": "s"}', "oauth-code-1"),
    ],
)
def test_secret_values_are_redacted_wherever_they_appear(text, secret):
    redacted = redact_text(text)
    assert secret not in redacted and "[redacted]" in redacted


def test_what_is_not_a_secret_stays_readable():
    for text in (
        "(#190) Error validating access token: Session has expired",
        'Graph error {"code": 190, "error_subcode": 463}',
        "grant_type=refresh_token",
        "POST https://api.x.com/2/tweets lost its connection (ConnectionError)",
    ):
        assert redact_text(text) == text
    assert (
        NetworkError(ErrorKind.REAUTH, "x?access_token=abc").message == "x?access_token=[redacted]"
    )
    assert redact({"refresh_token": "r", "items": [{"note": "Bearer abcdefgh12"}], "n": 1}) == {
        "refresh_token": "[redacted]",
        "items": [{"note": "Bearer [redacted]"}],
        "n": 1,
    }


def test_the_powertools_logger_writes_no_secret():
    from chalicelib.observability import SERVICE, logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logging.getLogger(SERVICE).addHandler(handler)
    try:
        logger.info(
            "token exchange answered POST /oauth?client_secret=CS-1",
            extra={
                "access_token": "AT-1",
                "detail": {"headers": {"Authorization": "Bearer AT-22222"}},
            },
        )
        try:
            raise RuntimeError(f"failed at {URL}")
        except RuntimeError:
            logger.exception("refresh failed")
    finally:
        logging.getLogger(SERVICE).removeHandler(handler)
    written = stream.getvalue()
    lines = [json.loads(line) for line in written.splitlines()]
    assert [line["message"] for line in lines][1] == "refresh failed"
    assert "RuntimeError" in lines[1]["exception"]  # the traceback is kept, redacted
    for secret in ("CS-1", "AT-1", "AT-22222", "S3CRET", "C0DE"):
        assert secret not in written
