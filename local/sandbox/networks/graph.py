"""Meta's Graph API login, shared by sandbox Facebook and sandbox Instagram.

Facebook Login: `/{version}/dialog/oauth` (consent), `/{version}/oauth/access_token`
(code → token of an hour; `fb_exchange_token` → 60 days), `/me`, `/me/permissions`,
`/me/accounts` (the user's Pages with page tokens that do not expire). Errors are
`{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, jsonify, request

from local.sandbox.framework import avatar_url
from local.sandbox.networks.common import bearer, consent, stable_number, token_lifetime
from local.sandbox.state import SandboxState, Token

SHORT_SECONDS = 3600
LONG_SECONDS = 60 * 86400
APP_CALLS_PER_HOUR = 4800  # 200 per user per hour, for a sandbox of 24 users


def graph_error(
    status: int,
    message: str,
    code: int,
    subcode: int | None = None,
    kind: str = "OAuthException",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    error: dict[str, Any] = {"message": message, "type": kind, "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    error.update(extra)
    error["fbtrace_id"] = secrets.token_urlsafe(8)
    response = jsonify(error=error)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def graph_fault(kind: str, node: str = "0") -> Response:
    """The injected fault `kind` as Graph answers it."""
    if kind == "429":
        usage = (
            f'{{"{node}":[{{"type":"pages","call_count":100,"total_cputime":25,'
            '"total_time":25,"estimated_time_to_regain_access":7}]}'
        )
        return graph_error(
            400,
            "(#32) Page request limit reached",
            32,
            headers={"X-Business-Use-Case-Usage": usage},
        )
    if kind == "401":
        return graph_error(
            400,
            "Error validating access token: Session has expired on Friday, 20-Nov-26 "
            "10:00:00 PST. The current time is Saturday, 21-Nov-26 10:00:00 PST.",
            190,
            463,
        )
    if kind == "duplicate":
        return graph_error(400, "(#506) Duplicate status message", 506)
    return graph_error(
        500,
        "An unexpected error has occurred. Please retry your request later.",
        2,
        is_transient=True,
    )


def user_id(network: str, name: str) -> str:
    return stable_number(network, "user", name)


class GraphSandbox:
    """The login part of a Graph network; `pages(user)` lists the user's Pages."""

    def __init__(
        self,
        state: SandboxState,
        network: str,
        title: str,
        scopes: set[str],
        pages: Callable[[str], list[dict[str, Any]]],
    ) -> None:
        self.state, self.network, self.title = state, network, title
        self.scopes, self.pages = scopes, pages

    def token(self, *needed: str) -> Token | Response:
        """The caller's live token with `needed` permissions, or Graph's error."""
        value = request.values.get("access_token") or bearer()
        if not value:
            return graph_error(
                400,
                "An active access token must be used to query information about the current user.",
                2500,
            )
        token = self.state.token(self.network, value)
        if token is None:
            known = self.state.tokens.get(value)
            if known is not None and known.expired:
                return graph_error(
                    400, "Error validating access token: Session has expired.", 190, 463
                )
            if known is not None and known.revoked:
                return graph_error(
                    400,
                    "Error validating access token: The user has not authorized application.",
                    190,
                    458,
                )
            return graph_error(400, "Invalid OAuth access token - Cannot parse access token", 190)
        missing = [s for s in needed if s not in token.scopes]
        if missing:
            return graph_error(
                403,
                f"(#200) Requires {' and '.join(missing)} permission to manage the object",
                200,
            )
        return token

    def page_token(self, page_id: str, *needed: str) -> Token | Response:
        token = self.token(*needed)
        if isinstance(token, Response):
            return token
        if token.extra.get("page_id") != page_id:
            return graph_error(
                403,
                "(#200) If posting to a page, requires both pages_read_engagement and "
                "pages_manage_posts as an admin with sufficient administrative permission",
                200,
            )
        return token

    def register(self, bp: Blueprint) -> None:
        state, network = self.state, self.network

        @bp.after_request
        def app_usage(response: Response) -> Response:
            """Graph reports the app's share of its hourly budget on every answer."""
            now = time.time()
            key = f"{network}:calls"
            calls = [t for t in state.objects.get(key, []) if now - t < 3600] + [now]
            state.objects[key] = calls
            share = min(100, len(calls) * 100 // APP_CALLS_PER_HOUR)
            response.headers["X-App-Usage"] = json.dumps(
                {"call_count": share, "total_cputime": share // 2, "total_time": share // 2}
            )
            return response

        @bp.route("/<version>/dialog/oauth", methods=["GET", "POST"])
        def dialog(version: str):
            args = request.values
            if not args.get("client_id") or not args.get("redirect_uri"):
                return graph_error(400, "Invalid App ID", 101)
            scopes = tuple(s for s in args.get("scope", "").split(",") if s)
            unknown = [s for s in scopes if s not in self.scopes]
            if unknown:
                return f"Invalid Scopes: {', '.join(unknown)}.", 400
            return consent(state, network, self.title, scopes, {"client_id": args["client_id"]})

        @bp.get("/<version>/oauth/access_token")
        def access_token(version: str):
            args = request.args
            if not args.get("client_id") or not args.get("client_secret"):
                return graph_error(400, "Missing client_id or client_secret", 101)
            if args.get("grant_type") == "fb_exchange_token":
                short = state.token(network, args.get("fb_exchange_token"))
                if short is None or short.extra.get("client_id") != args["client_id"]:
                    return graph_error(
                        400, "Invalid OAuth access token - Cannot parse access token", 190
                    )
                return self._issue(short.account, short.scopes, args["client_id"], LONG_SECONDS)
            grant = state.redeem_code(network, args.get("code", ""))
            if grant is None:
                return graph_error(400, "This authorization code has been used.", 100, 36009)
            if (
                grant["redirect_uri"] != args.get("redirect_uri")
                or grant["client_id"] != args["client_id"]
            ):
                return graph_error(
                    400,
                    "Error validating verification code. Please make sure your redirect_uri "
                    "is identical to the one you used in the OAuth dialog request",
                    100,
                    36008,
                )
            return self._issue(
                grant["user"], tuple(grant["scopes"]), args["client_id"], SHORT_SECONDS
            )

        @bp.get("/<version>/me")
        def me(version: str):
            token = self.token()
            if isinstance(token, Response):
                return token
            return jsonify(id=user_id(network, token.account), name=token.account.title())

        @bp.route("/<version>/me/permissions", methods=["GET", "DELETE"])
        def permissions(version: str):
            token = self.token()
            if isinstance(token, Response):
                return token
            if request.method == "DELETE":
                for value, other in list(state.tokens.items()):
                    if other.network == network and other.account == token.account:
                        state.revoke(value)
                return jsonify(success=True)
            return jsonify(data=[{"permission": s, "status": "granted"} for s in token.scopes])

        @bp.get("/<version>/me/accounts")
        def accounts(version: str):
            token = self.token("pages_show_list")
            if isinstance(token, Response):
                return token
            wanted = request.args.get("fields", "id,name")
            data = []
            for page in self.pages(token.account):
                page_token = state.issue_token(
                    network, token.account, token.scopes, None, page_id=page["id"]
                )
                entry = {"id": page["id"], "name": page["name"]}
                if "access_token" in wanted:
                    entry["access_token"] = page_token.value
                if "tasks" in wanted:
                    entry["tasks"] = [
                        "ADVERTISE",
                        "ANALYZE",
                        "CREATE_CONTENT",
                        "MODERATE",
                        "MANAGE",
                    ]
                if "picture" in wanted:
                    entry["picture"] = {"data": {"url": avatar_url("facebook", page["name"])}}
                if "instagram_business_account" in wanted and page.get("instagram"):
                    entry["instagram_business_account"] = page["instagram"]
                data.append(entry)
            return jsonify(data=data, paging={"cursors": {"before": "MA==", "after": "MQ=="}})

    def _issue(self, user: str, scopes: tuple[str, ...], client_id: str, seconds: int) -> Response:
        token = self.state.issue_token(self.network, user, scopes, seconds, client_id=client_id)
        return jsonify(
            access_token=token.value,
            token_type="bearer",
            expires_in=token_lifetime(self.state, seconds),
        )


def usage_limit(state: SandboxState, network: str, node: str, per_hour: int) -> Response | dict:
    """Counts an insights read against `node`'s (a Page's or an Instagram or Threads
    account's) hourly budget, as Graph's Business Use Case limits do: an injected
    metrics fault or the budget spent answers code 32 (or the fault) with
    `X-Business-Use-Case-Usage`; otherwise the headers to send with the answer."""
    from local.sandbox import analytics

    fault = analytics.metrics_fault(state, network)
    if fault is not None:
        return graph_fault(fault, node)
    allowed, left, reset = analytics.rate_window(state, f"{network}:{node}", per_hour, 3600)
    used = 100 * (per_hour - left) // per_hour
    wait = 0 if allowed else max(1, (reset - int(time.time()) + 59) // 60)
    usage = json.dumps(
        {
            node: [
                {
                    "type": "pages",
                    "call_count": used,
                    "total_cputime": used // 2,
                    "total_time": used // 2,
                    "estimated_time_to_regain_access": wait,
                }
            ]
        }
    )
    headers = {"X-Business-Use-Case-Usage": usage}
    if not allowed:
        return graph_error(400, "(#32) Page request limit reached", 32, headers=headers)
    return headers
