"""Our signatures against the Standard Webhooks specification's own example (the test
vector its reference libraries check: the secret, message id, timestamp and payload
below sign to the signature below), and the tests' hand-written verifier
(tests/support/webhooks.py, written from the specification's text, not our code)
agreeing with it: two implementations and the published answer."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.domain.webhooks import headers
from tests.support.webhooks import verify

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MESSAGE_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
PAYLOAD = b'{"test": 2432232314}'
EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_our_signature_is_the_specifications_example():
    signed = headers([SECRET], MESSAGE_ID, TIMESTAMP, PAYLOAD)
    assert signed["webhook-id"] == MESSAGE_ID
    assert signed["webhook-timestamp"] == str(TIMESTAMP)
    assert signed["webhook-signature"] == EXPECTED


def test_the_independent_verifier_accepts_the_example_and_nothing_else():
    at = datetime.fromtimestamp(TIMESTAMP, UTC)
    example = {
        "webhook-id": MESSAGE_ID,
        "webhook-timestamp": str(TIMESTAMP),
        "webhook-signature": EXPECTED,
    }
    assert verify(SECRET, example, PAYLOAD, at)
    assert not verify(SECRET, example, PAYLOAD + b" ", at)
    assert not verify(SECRET, {**example, "webhook-id": "msg_other"}, PAYLOAD, at)
    late = datetime.fromtimestamp(TIMESTAMP + 301, UTC)
    assert not verify(SECRET, example, PAYLOAD, late)  # outside the 5 minutes


def test_during_a_rotation_both_secrets_sign_and_either_verifies():
    other = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="
    signed = headers([other, SECRET], MESSAGE_ID, TIMESTAMP, PAYLOAD)
    assert EXPECTED in signed["webhook-signature"].split(" ")
    at = datetime.fromtimestamp(TIMESTAMP, UTC)
    assert verify(SECRET, signed, PAYLOAD, at) and verify(other, signed, PAYLOAD, at)
