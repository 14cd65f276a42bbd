"""The token vault: sealed at rest, bound to its account, loud when tampered with."""

from __future__ import annotations

import base64

import boto3
import pytest

from chalicelib.oauth.vault import TokenVault, VaultError
from chalicelib.settings import get_settings


@pytest.fixture
def token_vault(aws):
    return TokenVault(boto3.client("kms"), get_settings().kms_key_id)


def test_sealed_tokens_open_again_and_hide_the_secret(token_vault):
    blob = token_vault.seal("w_1", "a_1", {"access_token": "very-secret-token"})
    assert "very-secret-token" not in blob
    assert "very-secret-token" not in base64.b64decode(blob).decode("latin-1")
    assert token_vault.open("w_1", "a_1", blob) == {"access_token": "very-secret-token"}


def test_another_container_opens_what_one_sealed(token_vault, aws):
    blob = token_vault.seal("w_1", "a_1", {"refresh_token": "r"})
    fresh = TokenVault(boto3.client("kms"), get_settings().kms_key_id)
    assert fresh.open("w_1", "a_1", blob) == {"refresh_token": "r"}


def test_a_tampered_ciphertext_fails_loudly(token_vault):
    raw = bytearray(base64.b64decode(token_vault.seal("w_1", "a_1", {"access_token": "t"})))
    raw[-1] ^= 0x01
    with pytest.raises(VaultError):
        token_vault.open("w_1", "a_1", base64.b64encode(bytes(raw)).decode())


def test_tokens_moved_to_another_account_or_workspace_do_not_open(token_vault):
    blob = token_vault.seal("w_1", "a_1", {"access_token": "t"})
    with pytest.raises(VaultError):
        token_vault.open("w_1", "a_2", blob)
    with pytest.raises(VaultError):
        token_vault.open("w_2", "a_1", blob)


def test_garbage_is_refused(token_vault):
    with pytest.raises(VaultError):
        token_vault.open("w_1", "a_1", "not base64 at all!")


def test_the_data_key_is_requested_once_per_container(aws):
    kms = boto3.client("kms")
    calls = []
    original = kms.generate_data_key

    def counting(**kwargs):
        calls.append(kwargs)
        return original(**kwargs)

    kms.generate_data_key = counting
    cached = TokenVault(kms, get_settings().kms_key_id)
    for n in range(5):
        cached.seal("w_1", f"a_{n}", {"access_token": "t"})
    assert len(calls) == 1
