"""Sandbox Mastodon: one instance at /mastodon (give http://<sandbox>/mastodon as the
instance URL). App registration, OAuth with PKCE, verify_credentials, /api/v2/instance,
media v2 (videos answer 202 and process for a moment), statuses honouring
Idempotency-Key, status lookup.

Errors are `{"error": "..."}`; every API answer carries `X-RateLimit-*` headers (300
requests per 5 minutes, the reset an ISO 8601 time). Tokens never expire.

`POST /mastodon/_control/forget-apps` makes the instance forget every registered app (as
an instance whose database was restored, or whose admin removed the app): authorize and
token then answer `invalid_client` until the app registers again.
"""

from __future__ import annotations

import html
import re
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request

from local.sandbox import analytics
from local.sandbox.framework import SandboxNetwork, fault_or_none, register
from local.sandbox.networks.common import (
    bearer,
    consent,
    elapsed,
    image_info,
    pkce_matches,
    processing_seconds,
    stable_number,
    video_type,
)
from local.sandbox.state import SandboxState, Token

NETWORK = "mastodon"
DOMAIN = "sandbox.social"
SCOPES = {
    "read",
    "write",
    "profile",
    "read:accounts",
    "read:statuses",
    "write:statuses",
    "write:media",
}
MAX_CHARACTERS, MAX_MEDIA, URL_WEIGHT = 500, 4, 23
IMAGE_LIMIT, VIDEO_LIMIT = 16 * 1024**2, 99 * 1024**2
IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"]
VIDEO_TYPES = ["video/mp4", "video/quicktime", "video/webm"]
VISIBILITY = {"public", "unlisted", "private", "direct"}
WINDOW, LIMIT = 300, 300
MAX_STATUS_IDS = 20  # GET /api/v1/statuses?id[]=
URL = re.compile(r"https?://\S+")


def error(status: int, message: str, **extra: Any) -> Response:
    response = jsonify(error=message, **extra)
    response.status_code = status
    return response


def reset_time(seconds: float) -> str:
    return datetime.fromtimestamp(time.time() + seconds, UTC).isoformat(timespec="milliseconds")


def fault_response(kind: str) -> Response:
    if kind == "429":
        response = error(429, "Too many requests")
        response.headers.update(
            {
                "X-RateLimit-Limit": str(LIMIT),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": reset_time(WINDOW),
            }
        )
        return response
    if kind == "401":
        return error(401, "The access token is invalid")
    if kind == "duplicate":
        return error(422, "Validation failed: Text has already been posted")
    # nginx in front of Puma answers an HTML page when the app is down
    return Response(
        "<html><head><title>503 Service Temporarily Unavailable</title></head></html>",
        status=503,
        mimetype="text/html",
    )


def text_length(text: str) -> int:
    text = re.sub(r"(@[\w.]+)@[\w.-]+\.\w+", r"\1", text)
    return len(URL.sub("x" * URL_WEIGHT, text))


def account_json(user: str, base: str) -> dict[str, Any]:
    account_id = stable_number("mastodon", user, digits=18)
    avatar, header = f"{base}/avatars/{user}.png", f"{base}/headers/missing.png"
    return {
        "id": account_id,
        "username": user,
        "acct": user,
        "display_name": user.title(),
        "locked": False,
        "bot": False,
        "group": False,
        "indexable": True,
        "created_at": "2026-01-01T00:00:00.000Z",
        "note": "",
        "uri": f"{base}/users/{user}",
        "url": f"{base}/@{user}",
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        "emojis": [],
        "fields": [],
        "followers_count": 12,
        "following_count": 3,
        "statuses_count": 0,
    }


def credential_account(user: str, base: str) -> dict[str, Any]:
    """verify_credentials: the account plus its own settings and role."""
    return {
        **account_json(user, base),
        "source": {
            "privacy": "public",
            "sensitive": False,
            "language": "en",
            "note": "",
            "fields": [],
            "follow_requests_count": 0,
        },
        "role": {"id": "-99", "name": "", "permissions": "0", "color": "", "highlighted": False},
    }


def build(state: SandboxState) -> Blueprint:
    bp = Blueprint("mastodon", __name__)

    def base() -> str:
        return f"{request.url_root}mastodon"

    def authorized(scope: str) -> Token | Response:
        token = state.token(NETWORK, bearer())
        if token is None:
            return error(401, "The access token is invalid")
        family = scope.split(":")[0]
        if scope not in token.scopes and family not in token.scopes:
            return error(403, "This action is outside the authorized scopes")
        return token

    @bp.after_request
    def rate_headers(response: Response) -> Response:
        if (
            request.path.startswith("/mastodon/api/")
            and "X-RateLimit-Limit" not in response.headers
        ):
            response.headers.update(
                {
                    "X-RateLimit-Limit": str(LIMIT),
                    "X-RateLimit-Remaining": str(LIMIT - 1),
                    "X-RateLimit-Reset": reset_time(WINDOW),
                }
            )
        return response

    def body() -> dict[str, Any]:
        if request.is_json:
            return request.get_json(silent=True) or {}
        return {k: (v if len(v) > 1 else v[0]) for k, v in request.form.lists()}

    # -- the app and OAuth ---------------------------------------------------------------------
    @bp.post("/api/v1/apps")
    def create_app():
        data = body()
        uris = data.get("redirect_uris")
        uris = [uris] if isinstance(uris, str) else list(uris or [])
        if not data.get("client_name") or not uris:
            return error(
                422,
                "Validation failed: Application name can't be blank, Redirect URI can't be blank",
            )
        scopes = str(data.get("scopes") or "read").split()
        if any(s not in SCOPES for s in scopes):
            return error(422, "Validation failed: Scopes are not valid")
        client_id = secrets.token_urlsafe(32)
        app = {
            "id": str(state.next_id()),
            "name": data["client_name"],
            "website": data.get("website"),
            "scopes": scopes,
            "redirect_uri": "\n".join(uris),
            "redirect_uris": uris,
            "client_id": client_id,
            "client_secret": secrets.token_urlsafe(32),
            "client_secret_expires_at": 0,
            "vapid_key": secrets.token_urlsafe(64),
        }
        state.objects[f"mastodon:app:{client_id}"] = app
        return jsonify(app)

    def app_of(client_id: str | None) -> dict[str, Any] | None:
        return state.objects.get(f"mastodon:app:{client_id}")

    @bp.route("/oauth/authorize", methods=["GET", "POST"])
    def authorize():
        args = request.values
        app = app_of(args.get("client_id"))
        scopes = tuple(args.get("scope", "read").split())
        if app is None:
            return "Client authentication failed due to unknown client.", 401
        if args.get("redirect_uri") not in app["redirect_uris"]:
            return "The redirect uri included is not valid.", 400
        if args.get("response_type") != "code" or any(s not in app["scopes"] for s in scopes):
            return "The requested scope is invalid, unknown, or malformed.", 400
        return consent(
            state,
            NETWORK,
            f"Mastodon ({DOMAIN})",
            scopes,
            {
                "client_id": app["client_id"],
                "code_challenge": args.get("code_challenge"),
                "code_challenge_method": args.get("code_challenge_method", "plain"),
            },
        )

    @bp.post("/oauth/token")
    def token():
        data = body()
        app = app_of(data.get("client_id"))
        if app is None or app["client_secret"] != data.get("client_secret"):
            return error(
                401,
                "invalid_client",
                error_description="Client authentication failed due to unknown client, "
                "no client authentication included, or unsupported authentication method.",
            )
        if data.get("grant_type") == "client_credentials":  # an app token: proves the app
            scopes = tuple(str(data.get("scope") or "read").split())
            if any(s not in app["scopes"] for s in scopes):
                return error(
                    400,
                    "invalid_scope",
                    error_description="The requested scope is invalid, unknown, or malformed.",
                )
            issued = state.issue_token(NETWORK, "", scopes, None, client_id=app["client_id"])
            return jsonify(
                access_token=issued.value,
                token_type="Bearer",
                scope=" ".join(scopes),
                created_at=int(time.time()),
            )
        if data.get("grant_type") != "authorization_code":
            return error(
                400,
                "unsupported_grant_type",
                error_description="The authorization grant type is not supported.",
            )
        grant = state.redeem_code(NETWORK, str(data.get("code", "")))
        if (
            not grant
            or grant["client_id"] != app["client_id"]
            or grant["redirect_uri"] != data.get("redirect_uri")
            or not pkce_matches(
                grant["code_challenge"], grant["code_challenge_method"], data.get("code_verifier")
            )
        ):
            return error(
                400,
                "invalid_grant",
                error_description="The provided authorization grant is invalid, expired, "
                "revoked, does not match the redirection URI used in the authorization "
                "request, or was issued to another client.",
            )
        issued = state.issue_token(
            NETWORK, grant["user"], tuple(grant["scopes"]), None, client_id=app["client_id"]
        )
        return jsonify(
            access_token=issued.value,
            token_type="Bearer",
            scope=" ".join(grant["scopes"]),
            created_at=int(time.time()),
        )

    @bp.post("/_control/forget-apps")
    def forget_apps():
        """Control: forget every registered app (and the tokens issued to them)."""
        forgotten = [key for key in list(state.objects) if key.startswith("mastodon:app:")]
        client_ids = {state.objects.pop(key)["client_id"] for key in forgotten}
        for token in list(state.tokens.values()):
            if token.network == NETWORK and token.extra.get("client_id") in client_ids:
                state.revoke(token.value)
        return jsonify(ok=True, forgotten=len(forgotten))

    @bp.post("/oauth/revoke")
    def revoke():
        data = body()
        app = app_of(data.get("client_id"))
        if app is None or app["client_secret"] != data.get("client_secret"):
            return error(
                403,
                "unauthorized_client",
                error_description="You are not authorized to revoke this token",
            )
        state.revoke(str(data.get("token", "")))
        return jsonify({})

    @bp.get("/api/v1/accounts/verify_credentials")
    def verify_credentials():
        token = authorized("read:accounts")
        if isinstance(token, Response):
            return token
        limited = read_limit(token)
        if isinstance(limited, Response):
            return limited
        account = credential_account(token.account, base())
        followers = analytics.followers(NETWORK, account["id"])
        account.update(
            followers_count=followers,
            following_count=30 + followers % 120,
            statuses_count=len(state.find_posts(NETWORK, account["id"])),
        )
        response = jsonify(account)
        response.headers.update(limited)
        return response

    @bp.get("/api/v2/instance")
    def instance():
        return jsonify(
            domain=DOMAIN,
            title="Sandbox Social",
            version="4.5.0",
            source_url="https://github.com/mastodon/mastodon",
            description="The sandbox's Mastodon instance",
            usage={"users": {"active_month": 1}},
            thumbnail={"url": f"{base()}/thumbnail.png"},
            icon=[],
            languages=["en"],
            rules=[],
            api_versions={"mastodon": 6},
            contact={"email": "admin@sandbox.social", "account": None},
            configuration={
                "urls": {"streaming": "wss://sandbox.social"},
                "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
                "statuses": {
                    "max_characters": state.objects.get("mastodon:max_characters", MAX_CHARACTERS),
                    "max_media_attachments": MAX_MEDIA,
                    "characters_reserved_per_url": URL_WEIGHT,
                },
                "media_attachments": {
                    "supported_mime_types": IMAGE_TYPES + VIDEO_TYPES,
                    "description_limit": 1500,
                    "image_size_limit": IMAGE_LIMIT,
                    "image_matrix_limit": 33177600,
                    "video_size_limit": VIDEO_LIMIT,
                    "video_frame_rate_limit": 120,
                    "video_matrix_limit": 8294400,
                },
                "polls": {
                    "max_options": 4,
                    "max_characters_per_option": 50,
                    "min_expiration": 300,
                    "max_expiration": 2629746,
                },
                "translation": {"enabled": False},
            },
            registrations={"enabled": False, "approval_required": False},
        )

    # -- media -----------------------------------------------------------------------------
    @bp.post("/api/v2/media")
    def upload_media():
        token = authorized("write:media")
        if isinstance(token, Response):
            return token
        upload = request.files.get("file")
        if upload is None:
            return error(422, "Validation failed: File can't be blank")
        head, size = upload.stream.read(64), 0
        upload.stream.seek(0)
        kind = video_type(head)
        info = None
        if kind is None:
            data = upload.stream.read(IMAGE_LIMIT + 1)
            size = len(data)
            info = image_info(data)
            if info is None or info["content_type"] not in IMAGE_TYPES:
                return error(
                    422, "Validation failed: File content type is invalid, File is invalid"
                )
            if size > IMAGE_LIMIT:
                return error(422, "Validation failed: File file size must be less than 16 MB")
        else:
            while piece := upload.stream.read(1024**2):
                size += len(piece)
            if size > VIDEO_LIMIT:
                return error(422, "Validation failed: File file size must be less than 99 MB")
        media_id = stable_number("mastodon-media", str(state.next_id()), digits=18)
        media = {
            "id": media_id,
            "owner": token.account,
            "type": "video" if kind else "image",
            "bytes": size,
            "width": (info or {}).get("width"),
            "height": (info or {}).get("height"),
            "content_type": kind or (info or {}).get("content_type"),
            "description": request.form.get("description"),
            "uploaded_at": time.time(),
        }
        state.objects[f"mastodon:media:{media_id}"] = media
        ready = media["type"] == "image"
        response = jsonify(attachment(media, ready))
        response.status_code = 200 if ready else 202
        return response

    def processed(media: dict[str, Any]) -> bool:
        return media["type"] == "image" or elapsed(media["uploaded_at"]) >= processing_seconds(
            state
        )

    def attachment(media: dict[str, Any], ready: bool) -> dict[str, Any]:
        url = f"{base()}/system/media/{media['id']}" if ready else None
        return {
            "id": media["id"],
            "type": media["type"],
            "url": url,
            "preview_url": url,
            "remote_url": None,
            "description": media["description"],
            "meta": {"original": {"width": media["width"], "height": media["height"]}},
            "blurhash": None,
        }

    @bp.get("/api/v1/media/<media_id>")
    def get_media(media_id: str):
        token = authorized("write:media")
        if isinstance(token, Response):
            return token
        media = state.objects.get(f"mastodon:media:{media_id}")
        if media is None or media["owner"] != token.account:
            return error(404, "Record not found")
        ready = processed(media)
        response = jsonify(attachment(media, ready))
        response.status_code = 200 if ready else 206
        return response

    # -- statuses --------------------------------------------------------------------------
    @bp.post("/api/v1/statuses")
    def create_status():
        token = authorized("write:statuses")
        if isinstance(token, Response):
            return token
        key = request.headers.get("Idempotency-Key")
        seen = state.objects.get(f"mastodon:idempotency:{token.account}:{key}") if key else None
        if seen is not None:
            return jsonify(seen)  # the same key: the same status, not a second one
        fault = fault_or_none(state, NETWORK)
        if fault is not None:
            return fault
        data = body()
        text = str(data.get("status") or "")
        media_ids = data.get("media_ids") or data.get("media_ids[]") or []
        media_ids = [media_ids] if isinstance(media_ids, str) else [str(m) for m in media_ids]
        if not text and not media_ids:
            return error(422, "Validation failed: Text can't be blank")
        limit = state.objects.get("mastodon:max_characters", MAX_CHARACTERS)
        if text_length(text) > limit:
            return error(422, f"Validation failed: Text character limit of {limit} exceeded")
        visibility = data.get("visibility") or "public"
        if visibility not in VISIBILITY:
            return error(422, "Validation failed: Visibility is not included in the list")
        media = []
        for media_id in media_ids:
            item = state.objects.get(f"mastodon:media:{media_id}")
            if item is None or item["owner"] != token.account:
                return error(422, "Validation failed: Media attachments are invalid")
            if not processed(item):
                return error(
                    422,
                    "Cannot attach files that have not finished processing. Try again in a moment!",
                )
            media.append(item)
        if len(media) > MAX_MEDIA or (len(media) > 1 and any(m["type"] != "image" for m in media)):
            return error(
                422,
                "Validation failed: Cannot attach a video to a post that already contains images",
            )
        reply_to = data.get("in_reply_to_id")
        if reply_to and state.objects.get(f"mastodon:status:{reply_to}") is None:
            return error(404, "Record not found")
        status_id = stable_number("mastodon-status", str(state.next_id()), digits=18)
        account = account_json(token.account, base())
        status = {
            "id": status_id,
            "created_at": datetime.now(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "in_reply_to_id": reply_to,
            "in_reply_to_account_id": account["id"] if reply_to else None,
            "sensitive": bool(data.get("sensitive")) or bool(data.get("spoiler_text")),
            "spoiler_text": data.get("spoiler_text") or "",
            "visibility": visibility,
            "language": data.get("language") or "en",
            "uri": f"{base()}/users/{token.account}/statuses/{status_id}",
            "url": f"{base()}/@{token.account}/{status_id}",
            "replies_count": 0,
            "reblogs_count": 0,
            "favourites_count": 0,
            "content": f"<p>{html.escape(text)}</p>",
            "account": account,
            "media_attachments": [attachment(m, True) for m in media],
            "mentions": [],
            "tags": [],
            "emojis": [],
        }
        state.objects[f"mastodon:status:{status_id}"] = status
        if key:
            state.objects[f"mastodon:idempotency:{token.account}:{key}"] = status
        state.record_post(
            NETWORK,
            account["id"],
            text,
            id=status_id,
            media=[
                {
                    "type": m["type"],
                    "bytes": m["bytes"],
                    "width": m["width"],
                    "height": m["height"],
                    "content_type": m["content_type"],
                    "alt_text": m["description"],
                }
                for m in media
            ],
            reply_to=reply_to,
            visibility=visibility,
            spoiler_text=status["spoiler_text"],
            idempotency_key=key,
        )
        return jsonify(status)

    def counted(status_id: str) -> dict[str, Any] | None:
        """The status with its counts as of now, or None when there is no such status."""
        post = next((p for p in state.find_posts(NETWORK) if p["id"] == status_id), None)
        status = state.objects.get(f"mastodon:status:{status_id}")
        if post is None:
            return None
        if status is None:  # a post seeded straight into the state (tests, benchmarks)
            created = datetime.fromtimestamp(post["received_at"], UTC)
            status = {
                "id": status_id,
                "created_at": created.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "visibility": "public",
                "content": f"<p>{html.escape(post['text'])}</p>",
                "account": {"id": post["account"]},
            }
        figures = analytics.of_post(NETWORK, post)
        return {
            **status,
            "favourites_count": figures["likes"],
            "reblogs_count": figures["shares"],
            "replies_count": figures["comments"],
        }

    def read_limit(token: Token) -> Response | dict[str, str]:
        """An injected metrics fault, or the account's 5-minute window spent (429 with
        X-RateLimit-Reset), or the headers to send."""
        fault = analytics.metrics_fault(state, NETWORK)
        if fault is not None:
            return fault_response(fault)
        allowed, left, reset = analytics.rate_window(
            state, f"mastodon:reads:{token.account}", LIMIT, WINDOW
        )
        headers = {
            "X-RateLimit-Limit": str(LIMIT),
            "X-RateLimit-Remaining": str(left),
            "X-RateLimit-Reset": datetime.fromtimestamp(reset, UTC).isoformat(
                timespec="milliseconds"
            ),
        }
        if not allowed:
            response = error(429, "Too many requests")
            response.headers.update(headers)
            return response
        return headers

    @bp.get("/api/v1/statuses/<status_id>")
    def get_status(status_id: str):
        token = authorized("read:statuses")
        if isinstance(token, Response):
            return token
        limited = read_limit(token)
        if isinstance(limited, Response):
            return limited
        status = counted(status_id)
        if status is None:
            return error(404, "Record not found")
        response = jsonify(status)
        response.headers.update(limited)
        return response

    @bp.get("/api/v1/statuses")
    def get_statuses():
        """Several statuses at once (Mastodon 4.3+); unknown ids are left out."""
        token = authorized("read:statuses")
        if isinstance(token, Response):
            return token
        ids = request.args.getlist("id[]") or request.args.getlist("id")
        if len(ids) > MAX_STATUS_IDS:
            return error(422, f"At most {MAX_STATUS_IDS} ids are allowed")
        limited = read_limit(token)
        if isinstance(limited, Response):
            return limited
        found = [s for s in (counted(i) for i in ids) if s is not None]
        response = jsonify(found)
        response.headers.update(limited)
        return response

    return bp


register(
    SandboxNetwork(network_id=NETWORK, name="Mastodon", build=build, fault_response=fault_response)
)
