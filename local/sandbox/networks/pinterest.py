"""Sandbox Pinterest (API v5): OAuth with HTTP Basic client auth and continuous refresh,
the user account, boards (paged by bookmark), pins from image URLs, base64 images,
several images or a video, the media upload (a presigned-POST-like endpoint that answers
204) and its processing, pin analytics.

Under /pinterest, the paths of www.pinterest.com and api.pinterest.com/v5. Errors are
`{"code", "message"}`; every API answer carries `x-ratelimit-*` headers.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request

from local.sandbox import analytics as analytics_figures
from local.sandbox.framework import SandboxNetwork, fault_or_none, register
from local.sandbox.networks.common import (
    authorize_request,
    bearer,
    consent,
    elapsed,
    fetch,
    image_info,
    media_entry,
    processing_seconds,
    stable_number,
    token_lifetime,
    video_type,
)
from local.sandbox.state import SandboxState, Token

NETWORK = "pinterest"
ACCESS_SECONDS = 30 * 86400
REFRESH_SECONDS = 365 * 86400
SCOPES = {"boards:read", "pins:read", "pins:write", "user_accounts:read", "boards:write"}
BOARD_NAMES = ("Recipes", "Bakery", "Ideas")
TITLE_MAX, DESCRIPTION_MAX, LINK_MAX, ALT_MAX = 100, 800, 2048, 500
IMAGE_MAX = 20 * 1024**2
RATE_LIMIT = 1000
ANALYTICS_PER_MINUTE = 300  # pin analytics reads per user (Pinterest's analytics category)


def error(status: int, code: int, message: str) -> Response:
    response = jsonify(code=code, message=message)
    response.status_code = status
    return response


def fault_response(kind: str) -> Response:
    if kind == "429":
        response = error(429, 8, "You have exceeded your rate limit. Try again later.")
        response.headers.update(
            {
                "x-ratelimit-limit": str(RATE_LIMIT),
                "x-ratelimit-remaining": "0",
                "x-ratelimit-reset": "60",
            }
        )
        return response
    if kind == "401":
        return error(401, 2, "Authentication failed.")
    if kind == "duplicate":
        return error(409, 409, "This Pin is already on the board (duplicate).")
    return error(500, 4, "Internal error. Please try again later.")


def user_id(user: str) -> str:
    return stable_number("pinterest", user, digits=18)


def board_ids(user: str) -> list[str]:
    return [stable_number("pinterest-board", user, name, digits=18) for name in BOARD_NAMES]


def build(state: SandboxState) -> Blueprint:
    bp = Blueprint("pinterest", __name__)

    def authorized(scope: str) -> Token | Response:
        token = state.token(NETWORK, bearer())
        if token is None:
            return fault_response("401")
        if scope not in token.scopes:
            return error(403, 3, f"Your application consumer type is not supported ({scope}).")
        return token

    @bp.after_request
    def rate_headers(response: Response) -> Response:
        if (
            request.path.startswith("/pinterest/v5/")
            and "x-ratelimit-limit" not in response.headers
        ):
            response.headers.update(
                {
                    "x-ratelimit-limit": str(RATE_LIMIT),
                    "x-ratelimit-remaining": str(RATE_LIMIT - 1),
                    "x-ratelimit-reset": "60",
                }
            )
        return response

    # -- OAuth ---------------------------------------------------------------------------
    @bp.route("/oauth/", methods=["GET", "POST"])
    def authorize():
        args = request.values
        scopes, problem = authorize_request(args, SCOPES, separator=",")
        if problem == "client":
            return "client_id and redirect_uri are required", 400
        if problem:
            return "invalid scope or response_type", 400
        return consent(state, NETWORK, "Pinterest", scopes, {"client_id": args["client_id"]})

    @bp.post("/v5/oauth/token")
    def token():
        auth = request.authorization
        if not auth or not auth.username or not auth.password:
            return error(401, 2, "Authentication failed: client credentials are required.")
        form = request.form
        if form.get("grant_type") == "authorization_code":
            grant = state.redeem_code(NETWORK, form.get("code", ""))
            if (
                not grant
                or grant["client_id"] != auth.username
                or grant["redirect_uri"] != form.get("redirect_uri")
            ):
                return error(400, 1, "Invalid authorization code.")
            return issue(grant["user"], tuple(grant["scopes"]), auth.username, "authorization_code")
        if form.get("grant_type") == "refresh_token":
            old = state.token(NETWORK, form.get("refresh_token"), kind="refresh")
            if old is None or old.extra.get("client_id") != auth.username:
                return error(400, 1, "Invalid refresh token.")
            if form.get("continuous_refresh") == "true":
                state.revoke(old.value)  # continuous refresh hands out a new refresh token
                return issue(old.account, old.scopes, auth.username, "refresh_token")
            access = state.issue_token(
                NETWORK, old.account, old.scopes, ACCESS_SECONDS, client_id=auth.username
            )
            return jsonify(
                access_token=access.value,
                response_type="refresh_token",
                token_type="bearer",
                expires_in=token_lifetime(state, ACCESS_SECONDS),
                scope=",".join(old.scopes),
            )
        return error(400, 1, "grant_type must be authorization_code or refresh_token.")

    def issue(user: str, scopes: tuple[str, ...], client_id: str, kind: str) -> Response:
        access = state.issue_token(NETWORK, user, scopes, ACCESS_SECONDS, client_id=client_id)
        refresh = state.issue_token(
            NETWORK, user, scopes, REFRESH_SECONDS, kind="refresh", client_id=client_id
        )
        return jsonify(
            access_token=access.value,
            refresh_token=refresh.value,
            response_type=kind,
            token_type="bearer",
            expires_in=token_lifetime(state, ACCESS_SECONDS),
            refresh_token_expires_in=token_lifetime(state, REFRESH_SECONDS),
            refresh_token_expires_at=int(refresh.expires_at or 0),
            scope=",".join(scopes),
        )

    @bp.get("/v5/user_account")
    def user_account():
        token = authorized("user_accounts:read")
        if isinstance(token, Response):
            return token
        fault = analytics_figures.metrics_fault(state, NETWORK)
        if fault is not None:
            return fault_response(fault)
        user = token.account
        followers = analytics_figures.followers(NETWORK, user_id(user))
        pins = state.find_posts(NETWORK, user_id(user))
        return jsonify(
            account_type="BUSINESS",
            id=user_id(user),
            username=user,
            business_name=f"{user.title()} Bakery",
            profile_image=f"https://i.pinimg.com/75x75_RS/{user}.jpg",
            website_url=f"https://{user}.example",
            board_count=len(BOARD_NAMES),
            follower_count=followers,
            following_count=40 + followers % 150,
            pin_count=len(pins),
            monthly_views=sum(analytics_figures.of_post(NETWORK, p)["impressions"] for p in pins),
        )

    @bp.get("/v5/boards")
    def boards():
        token = authorized("boards:read")
        if isinstance(token, Response):
            return token
        size = min(int(request.args.get("page_size", 25)), 250)
        start = int(request.args.get("bookmark") or 0)
        all_boards = [
            {
                "id": board_id,
                "name": name,
                "description": "",
                "privacy": "PUBLIC" if name != "Ideas" else "SECRET",
                "owner": {"username": token.account},
            }
            for board_id, name in zip(board_ids(token.account), BOARD_NAMES, strict=True)
        ]
        page = all_boards[start : start + size]
        more = start + size < len(all_boards)
        return jsonify(items=page, bookmark=str(start + size) if more else None)

    # -- media -----------------------------------------------------------------------------
    @bp.post("/v5/media")
    def register_media():
        token = authorized("pins:write")
        if isinstance(token, Response):
            return token
        if (request.get_json(silent=True) or {}).get("media_type") != "video":
            return error(400, 1, "media_type must be video")
        media_id = stable_number("pinterest-media", str(state.next_id()), digits=18)
        key = f"uploads/{media_id[:2]}/{media_id[2:4]}/video:{media_id}"
        state.objects[f"pinterest:media:{media_id}"] = {
            "owner": token.account,
            "key": key,
            "bytes": 0,
            "uploaded_at": None,
            "failed": False,
        }
        state.objects[f"pinterest:upload-key:{key}"] = media_id
        return jsonify(
            media_id=media_id,
            media_type="video",
            upload_url=f"{request.url_root}pinterest/_media-upload/",
            upload_parameters={
                "x-amz-date": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
                "x-amz-signature": secrets.token_hex(32),
                "x-amz-security-token": secrets.token_urlsafe(24),
                "x-amz-algorithm": "AWS4-HMAC-SHA256",
                "key": key,
                "policy": base64.b64encode(b'{"conditions":[]}').decode(),
                "x-amz-credential": "ASIASANDBOX/20260101/us-east-1/s3/aws4_request",
                "Content-Type": "multipart/form-data",
            },
        )

    @bp.post("/_media-upload/")
    def media_upload():
        """The presigned S3 POST target: fields, then the file; 204 when stored."""
        media_id = state.objects.get(f"pinterest:upload-key:{request.form.get('key')}")
        upload = request.files.get("file")
        if media_id is None or upload is None or not request.form.get("x-amz-signature"):
            return Response(
                "<?xml version='1.0' encoding='UTF-8'?><Error><Code>AccessDenied</Code>"
                "<Message>Invalid according to Policy</Message></Error>",
                status=403,
                mimetype="application/xml",
            )
        media = state.objects[f"pinterest:media:{media_id}"]
        head, size = upload.stream.read(64), 0
        size = len(head)
        while piece := upload.stream.read(1024**2):
            size += len(piece)
        media.update(bytes=size, uploaded_at=time.time(), failed=video_type(head) is None)
        return Response(status=204)

    def media_status(media: dict[str, Any]) -> str:
        if media["uploaded_at"] is None:
            return "registered"
        if media["failed"]:
            return "failed"
        ready = elapsed(media["uploaded_at"]) >= processing_seconds(state)
        return "succeeded" if ready else "processing"

    @bp.get("/v5/media/<media_id>")
    def get_media(media_id: str):
        token = authorized("pins:read")
        if isinstance(token, Response):
            return token
        media = state.objects.get(f"pinterest:media:{media_id}")
        if media is None or media["owner"] != token.account:
            return error(404, 404, "Media upload not found.")
        return jsonify(media_id=media_id, media_type="video", status=media_status(media))

    # -- pins ------------------------------------------------------------------------------
    @bp.post("/v5/pins")
    def create_pin():
        token = authorized("pins:write")
        if isinstance(token, Response):
            return token
        fault = fault_or_none(state, NETWORK)
        if fault is not None:
            return fault
        body = request.get_json(silent=True) or {}
        if body.get("board_id") not in board_ids(token.account):
            return error(404, 404, "Board not found.")
        for field, most in (
            ("title", TITLE_MAX),
            ("description", DESCRIPTION_MAX),
            ("link", LINK_MAX),
            ("alt_text", ALT_MAX),
        ):
            if len(body.get(field) or "") > most:
                return error(
                    400, 1, f"Invalid parameters: {field} is longer than {most} characters."
                )
        media, problem = pin_media(body.get("media_source") or {}, token)
        if problem:
            return error(400, 1, problem)
        pin_id = stable_number("pin", str(state.next_id()), digits=18)
        state.record_post(
            NETWORK,
            user_id(token.account),
            body.get("description") or "",
            id=pin_id,
            media=media,
            title=body.get("title"),
            link=body.get("link"),
            alt_text=body.get("alt_text"),
            board_id=body["board_id"],
        )
        response = jsonify(
            id=pin_id,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            link=body.get("link"),
            title=body.get("title"),
            description=body.get("description"),
            alt_text=body.get("alt_text"),
            board_id=body["board_id"],
            board_owner={"username": token.account},
            media={"media_type": "video" if media[0]["type"] == "video" else "image"},
        )
        response.status_code = 201
        return response

    def pin_media(source: dict[str, Any], token: Token) -> tuple[list[dict[str, Any]], str | None]:
        kind = source.get("source_type")
        if kind == "image_url":
            return fetched_images([source.get("url", "")])
        if kind == "multiple_image_urls":
            items = source.get("items") or []
            if not 2 <= len(items) <= 5:
                return [], "Invalid parameters: multiple images take 2 to 5 items."
            return fetched_images([i.get("url", "") for i in items])
        if kind in ("image_base64", "multiple_image_base64"):
            items = [source] if kind == "image_base64" else source.get("items") or []
            if kind != "image_base64" and not 2 <= len(items) <= 5:
                return [], "Invalid parameters: multiple images take 2 to 5 items."
            media = []
            for item in items:
                try:
                    data = base64.b64decode(item.get("data", ""), validate=True)
                except (binascii.Error, ValueError):
                    return [], "Invalid parameters: data is not base64."
                info = image_info(data)
                if info is None or info["content_type"] != item.get("content_type"):
                    return [], "Invalid parameters: the image is not the declared content_type."
                media.append(media_entry("image", len(data), info))
            return media, None
        if kind == "video_id":
            media = state.objects.get(f"pinterest:media:{source.get('media_id')}")
            if media is None or media["owner"] != token.account:
                return [], "Invalid parameters: media_id not found."
            if media_status(media) != "succeeded":
                return (
                    [],
                    "Invalid parameters: the video is not ready (media upload still processing).",
                )
            if not source.get("cover_image_url") and "cover_image_key_frame_time" not in source:
                return [], "Invalid parameters: a video Pin needs a cover image."
            return [media_entry("video", media["bytes"], {"content_type": "video/mp4"})], None
        return [], f"Invalid parameters: source_type {kind!r} is not supported."

    def fetched_images(urls: list[str]) -> tuple[list[dict[str, Any]], str | None]:
        media = []
        for url in urls:
            size, data, problem = fetch(url, IMAGE_MAX)
            info = image_info(data) if not problem else None
            if info is None or info["content_type"] not in ("image/jpeg", "image/png"):
                return [], f"Sorry we could not fetch the image: {problem or 'not a JPEG or PNG'}."
            media.append(media_entry("image", size, info))
        return media, None

    @bp.get("/v5/pins/<pin_id>/analytics")
    def analytics(pin_id: str):
        token = authorized("pins:read")
        if isinstance(token, Response):
            return token
        args = request.args
        if not args.get("start_date") or not args.get("end_date") or not args.get("metric_types"):
            return error(400, 1, "start_date, end_date and metric_types are required.")
        post = next((p for p in state.find_posts(NETWORK) if p["id"] == pin_id), None)
        if post is None:
            return error(404, 404, "Pin not found.")
        fault = analytics_figures.metrics_fault(state, NETWORK)
        if fault is not None:
            return fault_response(fault)
        allowed, left, reset = analytics_figures.rate_window(
            state, f"pinterest:analytics:{token.account}", ANALYTICS_PER_MINUTE, 60
        )
        headers = {
            "x-ratelimit-limit": str(ANALYTICS_PER_MINUTE),
            "x-ratelimit-remaining": str(left),
            "x-ratelimit-reset": str(max(1, reset - int(time.time()))),
        }
        if not allowed:
            response = error(429, 8, "You have exceeded your rate limit. Try again later.")
            response.headers.update(headers)
            return response
        figures = analytics_figures.of_post(NETWORK, post)
        values = {
            "IMPRESSION": figures["impressions"],
            "SAVE": figures["saves"],
            "PIN_CLICK": figures["clicks"],
            "OUTBOUND_CLICK": figures["clicks"] // 3,
            "TOTAL_COMMENTS": figures["comments"],
            "TOTAL_REACTIONS": figures["likes"],
        }
        wanted = args["metric_types"].split(",")
        summary = {k: v for k, v in values.items() if k in wanted or "ALL" in wanted}
        response = jsonify(
            all={
                "daily_metrics": [
                    {"date": args["end_date"], "data_status": "READY", "metrics": summary}
                ],
                "summary_metrics": summary,
                "lifetime_metrics": {},
            }
        )
        response.headers.update(headers)
        return response

    return bp


register(
    SandboxNetwork(network_id=NETWORK, name="Pinterest", build=build, fault_response=fault_response)
)
