"""Throttling who may try to sign in or sign up, with atomic counters (store/rate_limits).

Sign-in attempts are counted before the password is checked, all or none on three
counters, each refusing past its limit: however many requests arrive at once, no more
than the limit get a password checked. An attempt that succeeds is given back (it was
not a failure) and clears the count of its email and address pair.

- one email from one source address: 5 failures per 15 minutes. Someone who knows an
  email can lock only their own address out: its owner still signs in from theirs.
- one source address, any emails: 20 (one machine trying many accounts).
- one email, any addresses: 50, looser (a guess spread over many addresses); reaching it
  takes at least three addresses' worth of failures.

Sign-ups are counted per source address (every attempt, accepted or not). The answer is
the same whether or not the email has an account.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from chalicelib.errors import RateLimited
from chalicelib.store import rate_limits

WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_PAIR = 5
MAX_FAILURES_PER_ADDRESS = 20
MAX_FAILURES_PER_EMAIL = 50
SIGNUP_WINDOW_SECONDS = 60 * 60
UNKNOWN_ADDRESS = "unknown"


def email_key(email: str) -> str:
    """Counters name an email by a hash: the table keeps no addresses."""
    return hashlib.sha256(email.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt counted by `begin_sign_in`."""

    taken: rate_limits.Taken


def begin_sign_in(email: str, address: str | None) -> Attempt:
    """Count a sign-in attempt; 429 with Retry-After (nothing counted) while the pair,
    the address or the email is at its limit."""
    where, who = address or UNKNOWN_ADDRESS, email_key(email)
    taken = rate_limits.take(
        [
            (f"login-pair:{who}:{where}", MAX_FAILURES_PER_PAIR),
            (f"login-ip:{where}", MAX_FAILURES_PER_ADDRESS),
            (f"login-email:{who}", MAX_FAILURES_PER_EMAIL),
        ],
        WINDOW_SECONDS,
    )
    if not taken.ok:
        raise RateLimited(
            f"Too many failed sign-in attempts. Try again in {taken.retry_after} seconds.",
            taken.retry_after,
        )
    return Attempt(taken)


def sign_in_succeeded(attempt: Attempt) -> None:
    """The attempt was no failure: clear the pair's count, give the others back."""
    rate_limits.give_back(attempt.taken, clear=1)


def count_sign_up(address: str | None, limit: int) -> None:
    """Count a sign-up attempt from `address`; 429 past `limit` an hour."""
    where = address or UNKNOWN_ADDRESS
    taken = rate_limits.take([(f"signup-ip:{where}", limit)], SIGNUP_WINDOW_SECONDS)
    if not taken.ok:
        raise RateLimited(
            f"Too many sign-ups from this address. Try again in {taken.retry_after} seconds.",
            taken.retry_after,
        )
