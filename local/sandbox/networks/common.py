"""What the sandbox networks share: consent pages, PKCE, media sniffing, fetching.

Each network keeps its own paths, payloads and error shapes; only the mechanics live
here.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Response, redirect, request

from local.sandbox.state import SandboxState

DEFAULT_USER = "demo"
# Seconds a video (or an Instagram container) stays "processing" after its upload.
PROCESSING_SECONDS = 1.5
FETCH_CAP = 1024**3


def processing_seconds(state: SandboxState) -> float:
    """Tests shorten processing with `state.objects["_processing_seconds"]`."""
    return float(state.objects.get("_processing_seconds", PROCESSING_SECONDS))


def stable_number(*parts: str, digits: int = 15) -> str:
    """A numeric id derived from names, so the same user gets the same id every time."""
    digest = hashlib.sha256("/".join(parts).encode()).hexdigest()
    return str(int(digest, 16))[:digits]


def consent(
    state: SandboxState,
    network: str,
    title: str,
    scopes: tuple[str, ...],
    grant: dict[str, Any],
    deny: Callable[[str], Response] | None = None,
) -> Response | str:
    """The consent page: GET shows it (or approves at once with
    `sandbox_auto_approve=1`), POST from its "Authorize" button redirects back to
    `redirect_uri?code=...&state=...`."""
    args = request.values
    redirect_uri = args.get("redirect_uri", "")
    user = args.get("sandbox_user") or DEFAULT_USER
    approve = request.method == "POST" or args.get("sandbox_auto_approve") == "1"
    if approve:
        if request.method == "POST" and args.get("decision") == "cancel":
            return redirect(
                _with_query(redirect_uri, error="access_denied", state=args.get("state"))
            )
        code = state.issue_code(
            network, user=user, scopes=scopes, redirect_uri=redirect_uri, **grant
        )
        return redirect(_with_query(redirect_uri, code=code, state=args.get("state")))
    hidden = "".join(
        f"<input type='hidden' name='{html.escape(k)}' value='{html.escape(v)}'>"
        for k, v in args.items(multi=True)
        if k != "sandbox_user"
    )
    items = "".join(f"<li>{html.escape(s)}</li>" for s in scopes)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}: authorize</title>"
        "<style>body{font-family:system-ui;max-width:480px;margin:3rem auto}</style></head><body>"
        f"<h1>{html.escape(title)} (sandbox)</h1>"
        f"<p>The app <strong>{html.escape(str(grant.get('client_id', '')))}</strong> asks to:</p>"
        f"<ul>{items}</ul>"
        f"<form method='post'>{hidden}"
        "<label>Sign in as <input name='sandbox_user' "
        f"value='{html.escape(user)}' autocomplete='username'></label> "
        "<button type='submit' name='decision' value='authorize'>Authorize</button> "
        "<button type='submit' name='decision' value='cancel'>Cancel</button>"
        "</form></body></html>"
    )


def authorize_request(
    args: Any, known_scopes: Any, *, separator: str | None = None, client_field: str = "client_id"
) -> tuple[tuple[str, ...], str | None]:
    """The scopes a consent-page request asks for, and what is wrong with it, if anything:
    "client" (no client id or redirect URI) or "scope" (not a code request, no scope, or
    one the network does not know). Each network answers a problem in its own words."""
    scopes = tuple(s for s in args.get("scope", "").split(separator) if s)
    if not args.get(client_field) or not args.get("redirect_uri"):
        return scopes, "client"
    unknown = [s for s in scopes if s not in known_scopes]
    if args.get("response_type") != "code" or unknown or not scopes:
        return scopes, "scope"
    return scopes, None


def _with_query(url: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{url}{'&' if '?' in url else '?'}{query}"


def pkce_matches(challenge: str | None, method: str | None, verifier: str | None) -> bool:
    if not challenge:
        return True
    if not verifier:
        return False
    if (method or "plain") == "plain":
        return verifier == challenge
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == challenge


def token_lifetime(state: SandboxState, seconds: int | None) -> int | None:
    """What `expires_in` says: the network's lifetime, shortened by `token_ttl`."""
    if seconds is None:
        return None
    return min(seconds, state.token_ttl) if state.token_ttl is not None else seconds


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


# -- media --------------------------------------------------------------------------------


def image_info(data: bytes) -> dict[str, Any] | None:
    """{content_type, width, height} of an image, measured with Pillow; None if not one."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = (image.format or "").lower()
            width, height = image.size
    except (UnidentifiedImageError, OSError):
        return None
    types = {"jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}
    return {"content_type": types.get(kind, f"image/{kind}"), "width": width, "height": height}


def video_type(head: bytes) -> str | None:
    """The container of a video from its first bytes (MP4/MOV `ftyp`, WebM EBML)."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "video/quicktime" if head[8:10] == b"qt" else "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    return None


def media_entry(kind: str, size: int, info: dict[str, Any] | None = None) -> dict[str, Any]:
    info = info or {}
    return {
        "type": kind,
        "bytes": size,
        "width": info.get("width"),
        "height": info.get("height"),
        "content_type": info.get("content_type"),
    }


def fetch(url: str, keep_bytes: int) -> tuple[int, bytes, str | None]:
    """GET a public media URL the way a pull network does: (size, first `keep_bytes`
    bytes, error). Streams, so a large video is counted, not held."""
    import requests

    try:
        with requests.get(url, stream=True, timeout=(5, 60)) as response:
            if response.status_code != 200:
                return 0, b"", f"the URL answered HTTP {response.status_code}"
            size, head = 0, bytearray()
            for piece in response.iter_content(1024 * 1024):
                size += len(piece)
                if len(head) < keep_bytes:
                    head.extend(piece[: keep_bytes - len(head)])
                if size > FETCH_CAP:
                    return size, bytes(head), "the file is too large"
            return size, bytes(head), None
    except requests.RequestException as exc:
        return 0, b"", f"the URL could not be fetched: {exc.__class__.__name__}"


def elapsed(since: float) -> float:
    return time.time() - since
