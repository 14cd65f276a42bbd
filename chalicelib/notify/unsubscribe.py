"""One-click unsubscribe (RFC 8058): a link per member, workspace and category, signed so
that following it needs no sign-in and cannot be forged for another member.

The token is `<payload>.<signature>`: the payload `{"w", "u", "c"}` as base64url JSON, the
signature HMAC-SHA256 under a key derived from the app's signing key (never the key
itself). It does not expire: a mail client may send the one-click POST long after the
email came, and all it can do is turn emails off.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from chalicelib.domain.emails import UNSUBSCRIBABLE


def _key() -> bytes:
    from chalicelib.auth.tokens import signing_key

    return hmac.new(signing_key(), b"schedulo email unsubscribe v1", hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_token(workspace_id: str, user_id: str, category: str) -> str:
    payload = _b64(json.dumps({"w": workspace_id, "u": user_id, "c": category}).encode())
    signature = _b64(hmac.new(_key(), payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{signature}"


def read_token(token: str) -> tuple[str, str, str] | None:
    """(workspace id, user id, category) of a genuine token; None otherwise."""
    payload, _, signature = (token or "").partition(".")
    if not payload or not signature or len(token) > 1000:
        return None
    if not (payload.isascii() and signature.isascii()):
        return None
    expected = _b64(hmac.new(_key(), payload.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        found = (str(data["w"]), str(data["u"]), str(data["c"]))
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    return found if found[2] in UNSUBSCRIBABLE else None


def one_click_url(token: str) -> str:
    """The List-Unsubscribe URI: the API, which takes the one-click POST (a GET there is
    sent on to the web app's confirmation page)."""
    from chalicelib.settings import get_settings

    return f"{get_settings().api_base_url.rstrip('/')}/v1/email/unsubscribe?token={token}"


def page_url(token: str) -> str:
    """The footer's link: the web app's page that asks before turning anything off (a
    mail scanner opening links changes nothing)."""
    from chalicelib.settings import get_settings

    return f"{get_settings().frontend_origin.rstrip('/')}/unsubscribe?token={token}"
