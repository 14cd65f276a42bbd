"""Passwords are hashed at OWASP's argon2id cost unless the test suite says otherwise."""

from __future__ import annotations

from chalicelib.auth.passwords import hash_password, verify_password
from chalicelib.settings import get_settings


def test_a_deployment_hashes_at_owasps_cost(monkeypatch):
    monkeypatch.delenv("SCHEDULO_PASSWORD_HASHING")
    get_settings.cache_clear()
    hashed = hash_password("correct horse battery staple")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password(hashed, "correct horse battery staple")


def test_the_suite_hashes_cheaply_and_either_hash_verifies():
    cheap = hash_password("correct horse battery staple")
    assert cheap.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert verify_password(cheap, "correct horse battery staple")
    assert not verify_password(cheap, "wrong horse")
