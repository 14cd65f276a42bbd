"""The token vault: network tokens encrypted at rest (DESIGN.md section 1).

Envelope encryption: a 256-bit data key from KMS encrypts each account's secrets with
AES-GCM; the workspace and account ids are bound as associated data, so a ciphertext
copied onto another account does not decrypt. The data key is cached per container;
what is stored carries the KMS-encrypted data key, so any container can decrypt it.

    blob = vault().seal("w_1", "a_1", {"access_token": "..."})
    vault().open("w_1", "a_1", blob)["access_token"]
"""

from __future__ import annotations

import base64
import json
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from chalicelib.aws import client
from chalicelib.settings import get_settings

VERSION = b"\x01"
NONCE_BYTES = 12


class VaultError(Exception):
    """A sealed secret could not be opened: tampered, moved or the wrong key."""


@dataclass(frozen=True)
class _DataKey:
    plaintext: bytes
    encrypted: bytes


class TokenVault:
    def __init__(self, kms: Any, key_id: str) -> None:
        self._kms = kms
        self._key_id = key_id
        self._lock = threading.Lock()
        self._current: _DataKey | None = None
        self._opened: dict[bytes, bytes] = {}  # encrypted data key -> plaintext

    def seal(self, workspace_id: str, account_id: str, secrets: dict[str, Any]) -> str:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        key = self._data_key()
        nonce = os.urandom(NONCE_BYTES)
        plaintext = json.dumps(secrets, separators=(",", ":")).encode()
        sealed = AESGCM(key.plaintext).encrypt(nonce, plaintext, _aad(workspace_id, account_id))
        header = VERSION + len(key.encrypted).to_bytes(2, "big") + key.encrypted
        return base64.b64encode(header + nonce + sealed).decode()

    def open(self, workspace_id: str, account_id: str, blob: str) -> dict[str, Any]:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            raw = base64.b64decode(blob, validate=True)
            if raw[:1] != VERSION:
                raise VaultError("unknown vault format")
            size = int.from_bytes(raw[1:3], "big")
            encrypted_key = raw[3 : 3 + size]
            nonce = raw[3 + size : 3 + size + NONCE_BYTES]
            sealed = raw[3 + size + NONCE_BYTES :]
            key = self._plaintext_key(encrypted_key)
            plaintext = AESGCM(key).decrypt(nonce, sealed, _aad(workspace_id, account_id))
        except (InvalidTag, ValueError, IndexError) as exc:
            raise VaultError(f"tokens of account {account_id} cannot be decrypted") from exc
        return json.loads(plaintext)

    def _data_key(self) -> _DataKey:
        with self._lock:
            if self._current is None:
                response = self._kms.generate_data_key(KeyId=self._key_id, KeySpec="AES_256")
                self._current = _DataKey(response["Plaintext"], response["CiphertextBlob"])
                self._opened[self._current.encrypted] = self._current.plaintext
            return self._current

    def _plaintext_key(self, encrypted: bytes) -> bytes:
        with self._lock:
            if encrypted not in self._opened:
                try:
                    response = self._kms.decrypt(CiphertextBlob=encrypted, KeyId=self._key_id)
                except Exception as exc:  # KMS refuses a key that is not its own
                    raise VaultError("the data key cannot be decrypted") from exc
                self._opened[encrypted] = response["Plaintext"]
            return self._opened[encrypted]


def _aad(workspace_id: str, account_id: str) -> bytes:
    return f"schedulo:{workspace_id}:{account_id}".encode()


@lru_cache(maxsize=1)
def vault() -> TokenVault:
    """The container's vault (its data key cached for the container's life)."""
    return TokenVault(client("kms"), get_settings().kms_key_id)
