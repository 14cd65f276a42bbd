"""What the sandbox remembers: accepted posts, injected faults and latency, tokens."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

FAULT_KINDS = ("5xx", "429", "timeout", "401", "duplicate")


@dataclass
class Token:
    value: str
    network: str
    account: str
    scopes: tuple[str, ...]
    expires_at: float | None  # None: never expires
    kind: str = "access"  # or "refresh"
    revoked: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and time.time() >= self.expires_at


class SandboxState:
    def __init__(self, token_ttl: int | None = None) -> None:
        self._lock = threading.Lock()
        # When set, every token lives this many seconds instead of the network's own
        # lifetime (SCHEDULO_SANDBOX_TOKEN_TTL), so tests can exercise refresh.
        self.token_ttl = token_ttl
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.posts: list[dict[str, Any]] = []
            self.faults: dict[str, list[list[Any]]] = {}
            self.latency_ms: dict[str, int] = {}
            self.tokens: dict[str, Token] = {}
            self.codes: dict[str, dict[str, Any]] = {}
            self.objects: dict[str, dict[str, Any]] = {}  # uploads, containers, media
            self.counter = 0

    # -- posts -----------------------------------------------------------------------
    def record_post(self, network: str, account: str, text: str, **fields: Any) -> dict[str, Any]:
        with self._lock:
            self.counter += 1
            post = {
                "network": network,
                "account": account,
                "id": fields.pop("id", None) or f"{network}-{self.counter}",
                "text": text,
                "media": fields.pop("media", []),
                "reply_to": fields.pop("reply_to", None),
                "received_at": time.time(),
                **fields,
            }
            self.posts.append(post)
            return post

    def find_posts(self, network: str | None = None, account: str | None = None) -> list[dict]:
        with self._lock:
            return [
                p
                for p in self.posts
                if (network is None or p["network"] == network)
                and (account is None or p["account"] == account)
            ]

    def next_id(self) -> int:
        with self._lock:
            self.counter += 1
            return self.counter

    # -- faults and latency ----------------------------------------------------------
    def add_fault(self, network: str, kind: str, count: int) -> None:
        with self._lock:
            self.faults.setdefault(network, []).append([kind, count])

    def take_fault(self, network: str) -> str | None:
        """The fault the next publish call on `network` must suffer, if any."""
        with self._lock:
            queue = self.faults.get(network) or []
            while queue and queue[0][1] <= 0:
                queue.pop(0)
            if not queue:
                return None
            queue[0][1] -= 1
            return queue[0][0]

    def set_latency(self, network: str, ms: int) -> None:
        with self._lock:
            self.latency_ms[network] = ms

    # -- OAuth -----------------------------------------------------------------------
    def issue_code(self, network: str, **grant: Any) -> str:
        code = secrets.token_urlsafe(24)
        with self._lock:
            self.codes[code] = {"network": network, "issued_at": time.time(), **grant}
        return code

    def redeem_code(self, network: str, code: str) -> dict[str, Any] | None:
        """The grant behind a code, once: codes are single use and live 10 minutes."""
        with self._lock:
            grant = self.codes.pop(code, None)
        if not grant or grant["network"] != network or time.time() - grant["issued_at"] > 600:
            return None
        return grant

    def issue_token(
        self,
        network: str,
        account: str,
        scopes: tuple[str, ...],
        lifetime: int | None,
        kind: str = "access",
        **extra: Any,
    ) -> Token:
        # The TTL shortens access tokens only: refresh tokens keep their lifetime, so a
        # shortened access token can be refreshed as in production.
        if lifetime is not None and self.token_ttl is not None and kind == "access":
            lifetime = min(lifetime, self.token_ttl)
        token = Token(
            value=f"{network}-{kind}-{secrets.token_urlsafe(18)}",
            network=network,
            account=account,
            scopes=scopes,
            expires_at=None if lifetime is None else time.time() + lifetime,
            kind=kind,
            extra=extra,
        )
        with self._lock:
            self.tokens[token.value] = token
        return token

    def token(self, network: str, value: str | None, kind: str = "access") -> Token | None:
        """The live token `value`, or None when unknown, expired or revoked."""
        if not value:
            return None
        with self._lock:
            token = self.tokens.get(value)
        if not token or token.network != network or token.kind != kind:
            return None
        if token.revoked or token.expired:
            return None
        return token

    def revoke(self, value: str) -> None:
        with self._lock:
            if value in self.tokens:
                self.tokens[value].revoked = True
