"""What Facebook Pages and Instagram share: Meta's Graph API login, tokens and errors.

Both log in with Facebook Login (code → short-lived user token → long-lived user token
with `fb_exchange_token`), list the user's Pages with their page tokens from
`/me/accounts`, and report errors as `{"error": {"message", "type", "code",
"error_subcode", "fbtrace_id"}}`, sorted by `code` (NETWORKS.md, "Facebook Pages").
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from chalicelib.networks.base import (
    ErrorKind,
    NetworkAdapter,
    NetworkError,
    TokenGrant,
    in_seconds,
    kind_for_status,
    utcnow,
)
from chalicelib.networks.http import json_of

GRAPH_VERSION = "v21.0"
REAUTH_CODES = {102, 190, 463, 467}
THROTTLE_CODES = {4, 17, 32, 613, 80001, *range(80000, 80015)}
TRANSIENT_CODES = {1, 2}
# Meta's throttling headers do not always say when access returns; its app-level
# window is one rolling hour, so this is the wait when they say nothing.
FALLBACK_THROTTLE_WAIT = timedelta(minutes=15)
MAX_PAGES = 20  # of /me/accounts, 100 Pages each


class GraphAdapter(NetworkAdapter):
    """Facebook Login and the Graph API, for the Meta networks."""

    can_revoke = True
    hosts = {
        "auth": "https://www.facebook.com",
        "api": "https://graph.facebook.com",
        "video": "https://graph-video.facebook.com",
    }

    def graph_url(self, path: str, kind: str = "api") -> str:
        return self.url(kind, f"/{GRAPH_VERSION}/{path.lstrip('/')}")

    def authorize_url(self, redirect_uri: str, state: str, code_challenge: str | None) -> str:
        query = {
            "client_id": self.credentials.client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "response_type": "code",
            "scope": ",".join(self.scopes),
        }
        return f"{self.url('auth', f'/{GRAPH_VERSION}/dialog/oauth')}?{urlencode(query)}"

    def exchange_code(
        self, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> TokenGrant:
        client = {
            "client_id": self.credentials.client_id,
            "client_secret": self.credentials.client_secret,
        }
        short = self.call(
            "GET",
            self.graph_url("oauth/access_token"),
            params={**client, "redirect_uri": redirect_uri, "code": code},
        ).json()
        # The code gives a token of about an hour; the long-lived one lasts ~60 days and
        # the page tokens listed with it do not expire while the grant holds.
        long = self.call(
            "GET",
            self.graph_url("oauth/access_token"),
            params={
                **client,
                "grant_type": "fb_exchange_token",
                "fb_exchange_token": short["access_token"],
            },
        ).json()
        token = long["access_token"]
        return TokenGrant(
            access_token=token,
            expires_at=in_seconds(long.get("expires_in")),
            scopes=self._granted_scopes(token),
            token_type=long.get("token_type", "bearer"),
        )

    def _granted_scopes(self, token: str) -> tuple[str, ...]:
        body = self.graph("GET", "me/permissions", token)
        return tuple(p["permission"] for p in body.get("data", []) if p.get("status") == "granted")

    def revoke(self, grant: TokenGrant) -> None:
        self.graph("DELETE", "me/permissions", grant.access_token)

    def pages(self, token: str, fields: str) -> list[dict[str, Any]]:
        """The Pages the user manages (`/me/accounts`), following pagination."""
        pages: list[dict[str, Any]] = []
        url: str | None = self.graph_url("me/accounts")
        params: dict[str, Any] | None = {"fields": fields, "limit": 100, "access_token": token}
        for _ in range(MAX_PAGES):
            if not url:
                break
            body = json_of(self.call("GET", url, params=params))
            pages.extend(body.get("data", []))
            url = (body.get("paging") or {}).get("next")
            params = None  # the next URL carries every parameter
        return pages

    def graph(self, method: str, path: str, token: str, **kwargs: Any) -> dict[str, Any]:
        """One Graph call; the token goes as `access_token` like Meta's SDKs send it."""
        kind = kwargs.pop("host", "api")
        target = "params" if method in ("GET", "DELETE") else "data"
        kwargs[target] = {**(kwargs.get(target) or {}), "access_token": token}
        return json_of(self.call(method, self.graph_url(path, kind), **kwargs))

    def classify(self, response: Any) -> NetworkError:
        return graph_error(response)


def graph_error(response: Any) -> NetworkError:
    body = json_of(response)
    error = body.get("error") if isinstance(body, dict) else None
    status = response.status_code
    if not isinstance(error, dict):
        message = response.reason or f"HTTP {status}"
        return NetworkError(kind_for_status(status), message, status=status)
    code = error.get("code")
    message = error.get("error_user_msg") or error.get("message") or f"HTTP {status}"
    text_code = None if code is None else str(code)
    if code in REAUTH_CODES:
        return NetworkError(ErrorKind.REAUTH, message, status=status, code=text_code)
    if code in THROTTLE_CODES or (code == 9 and error.get("error_subcode") == 2207042):
        return NetworkError(
            ErrorKind.THROTTLED,
            message,
            retry_at=throttle_reset(response.headers),
            status=status,
            code=text_code,
        )
    if code in TRANSIENT_CODES or error.get("is_transient") or status >= 500:
        return NetworkError(ErrorKind.TRANSIENT, message, status=status, code=text_code)
    return NetworkError(ErrorKind.PERMANENT, message, status=status, code=text_code)


def throttle_reset(headers: Any) -> Any:
    """When a throttled app or page may call again: the longest
    `estimated_time_to_regain_access` (minutes) in `X-Business-Use-Case-Usage`."""
    minutes = 0
    raw = headers.get("X-Business-Use-Case-Usage")
    if raw:
        try:
            for entries in json.loads(raw).values():
                for entry in entries:
                    minutes = max(minutes, int(entry.get("estimated_time_to_regain_access", 0)))
        except (ValueError, AttributeError, TypeError):
            minutes = 0
    if minutes:
        return utcnow() + timedelta(minutes=minutes)
    return utcnow() + FALLBACK_THROTTLE_WAIT
