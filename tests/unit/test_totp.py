"""RFC 6238's own test vectors (SHA-1, the last 6 of its 8 digits) and the drift rule."""

from __future__ import annotations

import pytest

from chalicelib.auth import totp

RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of "12345678901234567890"


@pytest.mark.parametrize(
    ("at", "code"),
    [
        (59, "287082"),
        (1111111109, "081804"),
        (1111111111, "050471"),
        (1234567890, "005924"),
        (2000000000, "279037"),
        (20000000000, "353130"),
    ],
)
def test_rfc_6238_vectors(at, code):
    assert totp.code_at(RFC_SECRET, totp.step_of(at)) == code
    assert totp.matching_step(RFC_SECRET, code, at) == totp.step_of(at)


def test_a_step_already_used_or_two_away_is_refused():
    at = 1234567890
    step = totp.step_of(at)
    assert (
        totp.matching_step(RFC_SECRET, totp.code_at(RFC_SECRET, step), at, after_step=step) is None
    )
    assert (
        totp.matching_step(RFC_SECRET, totp.code_at(RFC_SECRET, step + 1), at, after_step=step)
        == step + 1
    )
    assert totp.matching_step(RFC_SECRET, totp.code_at(RFC_SECRET, step + 2), at) is None
    assert totp.matching_step(RFC_SECRET, "12345", at) is None
    assert totp.matching_step(RFC_SECRET, "abcdef", at) is None


def test_recovery_codes_are_ten_distinct_and_compared_by_digest():
    codes = totp.new_recovery_codes()
    assert len(set(codes)) == 10
    assert all(totp.looks_like_recovery_code(c) for c in codes)
    assert totp.recovery_digest(codes[0].upper().replace("-", " ")) == totp.recovery_digest(
        codes[0]
    )
