"""Failed sign-ins are throttled per email and per source address."""

from __future__ import annotations

import re

from chalicelib.people import throttle
from tests.support.factories import PASSWORD, call, signup, unique_email


def login(client, email: str, password: str):
    return call(client, "POST", "/v1/auth/login", {"email": email, "password": password})


def test_repeated_failures_for_one_email_are_throttled_with_retry_after(client):
    user = signup(client)
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL):
        assert login(client, user.email, "wrong password!").status_code == 401
    blocked = login(client, user.email, PASSWORD)  # even the right password waits
    assert blocked.status_code == 429
    assert blocked.json["error"]["code"] == "rate_limited"
    assert 0 < int(blocked.headers["Retry-After"]) <= throttle.WINDOW_SECONDS


def test_throttling_does_not_reveal_whether_the_email_exists(client):
    user, unknown = signup(client), unique_email()
    answers = []
    for email in (user.email, unknown):
        for _ in range(throttle.MAX_FAILURES_PER_EMAIL):
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


def test_a_successful_sign_in_clears_the_email_count(client):
    user = signup(client)
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL - 1):
        login(client, user.email, "wrong password!")
    assert login(client, user.email, PASSWORD).status_code == 200
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL - 1):
        assert login(client, user.email, "wrong password!").status_code == 401
