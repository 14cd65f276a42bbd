"""Sign-in attempts are throttled per (email, source address) pair, per address and, more
loosely, per email, with counters that never pass their limit however many requests
arrive at once; sign-ups are throttled per address."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.people import throttle
from tests.support.factories import PASSWORD, call, signup, unique_email

ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


def login(client, email: str, password: str):
    return call(client, "POST", "/v1/auth/login", {"email": email, "password": password})


def from_address(monkeypatch, address: str) -> None:
    """The test client's requests come from `address` (API Gateway's sourceIp)."""
    from chalice.local import LambdaEventConverter

    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", address)


@pytest.fixture
def signups_per_address(monkeypatch):
    """Set the sign-up limit per address (the tests' environment raises it) for a test."""
    from chalicelib.settings import get_settings

    def set_limit(limit: int) -> None:
        monkeypatch.setenv("SCHEDULO_SIGNUPS_PER_ADDRESS", str(limit))
        get_settings.cache_clear()
        get_settings()

    yield set_limit
    monkeypatch.undo()
    get_settings.cache_clear()
    get_settings()


def test_repeated_failures_for_one_email_from_one_address_are_throttled(client):
    user = signup(client)
    for _ in range(throttle.MAX_FAILURES_PER_PAIR):
        assert login(client, user.email, "wrong password!").status_code == 401
    blocked = login(client, user.email, PASSWORD)  # even the right password waits
    assert blocked.status_code == 429
    assert blocked.json["error"]["code"] == "rate_limited"
    assert 0 < int(blocked.headers["Retry-After"]) <= throttle.WINDOW_SECONDS


def test_an_attacker_cannot_lock_the_owner_out(client, monkeypatch):
    victim = signup(client)
    from_address(monkeypatch, ATTACKER)
    for _ in range(throttle.MAX_FAILURES_PER_PAIR):
        assert login(client, victim.email, "guess guess guess").status_code == 401
    for _ in range(3):
        assert login(client, victim.email, "guess guess guess").status_code == 429
    # Not even the right password gets the attacker in from there...
    assert login(client, victim.email, PASSWORD).status_code == 429
    # ...while the owner, from their own address, mistypes once and signs in.
    from_address(monkeypatch, OWNER)
    assert login(client, victim.email, "a typo in it").status_code == 401
    assert login(client, victim.email, PASSWORD).status_code == 200


def test_throttling_does_not_reveal_whether_the_email_exists(client):
    user, unknown = signup(client), unique_email()
    answers = []
    for email in (user.email, unknown):
        for _ in range(throttle.MAX_FAILURES_PER_PAIR):
            login(client, email, "wrong password!")
        answers.append(login(client, email, "wrong password!"))
    assert [a.status_code for a in answers] == [429, 429]
    # The same words; only the wait (in seconds) may differ.
    messages = {re.sub(r"\d+", "N", a.json["error"]["message"]) for a in answers}
    assert len(messages) == 1


def test_many_failures_from_one_address_are_throttled_across_emails(client):
    for _ in range(throttle.MAX_FAILURES_PER_ADDRESS):
        assert login(client, unique_email(), "wrong password!").status_code == 401
    assert login(client, unique_email(), "wrong password!").status_code == 429


def test_failures_for_one_email_spread_over_addresses_meet_the_looser_email_cap(
    client, monkeypatch
):
    user = signup(client)
    per_address = throttle.MAX_FAILURES_PER_PAIR
    for n in range(throttle.MAX_FAILURES_PER_EMAIL // per_address):
        from_address(monkeypatch, f"192.0.2.{n + 1}")
        for _ in range(per_address):
            assert login(client, user.email, "wrong password!").status_code == 401
    from_address(monkeypatch, "192.0.2.200")
    assert login(client, user.email, "wrong password!").status_code == 429


def test_a_successful_sign_in_clears_the_pair_count(client):
    user = signup(client)
    for _ in range(throttle.MAX_FAILURES_PER_PAIR - 1):
        login(client, user.email, "wrong password!")
    assert login(client, user.email, PASSWORD).status_code == 200
    for _ in range(throttle.MAX_FAILURES_PER_PAIR - 1):
        assert login(client, user.email, "wrong password!").status_code == 401


def _parallel(attempt, times: int) -> list[str]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        return sorted(pool.map(lambda _: attempt(), range(times)))


def test_parallel_wrong_passwords_at_the_limit_never_get_one_over(client):
    """Many attempts at once, some when one try is left: exactly the limit get a password
    checked, the rest are refused before it."""
    from chalicelib.errors import RateLimited, Unauthorized
    from chalicelib.people.identity import login as sign_in

    user = signup(client)

    def attempt() -> str:
        try:
            sign_in(user.email, "wrong password!", ATTACKER)
        except Unauthorized:
            return "checked"
        except RateLimited:
            return "throttled"
        return "signed in"

    limit = throttle.MAX_FAILURES_PER_PAIR
    outcomes = _parallel(attempt, 3 * limit)
    assert outcomes.count("checked") == limit
    assert outcomes.count("throttled") == 2 * limit
    # The owner, elsewhere, is not affected; one try left from a second address:
    # 8 at once, one checked.
    assert login(client, user.email, PASSWORD).status_code == 200
    for _ in range(limit - 1):
        with pytest.raises(Unauthorized):
            sign_in(user.email, "wrong password!", OWNER)

    def from_owner() -> str:
        try:
            sign_in(user.email, "wrong password!", OWNER)
        except Unauthorized:
            return "checked"
        except RateLimited:
            return "throttled"
        return "signed in"

    assert _parallel(from_owner, 8) == ["checked"] + ["throttled"] * 7


def test_sign_ups_from_one_address_are_throttled(client, monkeypatch, signups_per_address):
    signups_per_address(3)
    from_address(monkeypatch, ATTACKER)

    def sign_up() -> object:
        body = {"email": unique_email(), "password": PASSWORD, "name": "Bot"}
        return call(client, "POST", "/v1/auth/signup", body)

    assert [sign_up().status_code for _ in range(3)] == [201, 201, 201]
    refused = sign_up()
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= throttle.SIGNUP_WINDOW_SECONDS
    # Other addresses are not affected.
    from_address(monkeypatch, OWNER)
    assert sign_up().status_code == 201


def test_parallel_sign_ups_at_the_limit_never_get_one_over(aws, signups_per_address):
    from chalicelib.errors import RateLimited
    from chalicelib.people.identity import signup as create_account

    signups_per_address(3)

    def attempt() -> str:
        try:
            create_account(unique_email(), PASSWORD, "Bot", "UTC", ATTACKER)
        except RateLimited:
            return "throttled"
        return "created"

    assert _parallel(attempt, 10) == ["created"] * 3 + ["throttled"] * 7
