"""Sandbox TikTok (Content Posting API v2): OAuth with rotating refresh tokens, creator
info, direct video posts by chunked FILE_UPLOAD or PULL_FROM_URL, photo posts pulled
from URLs, status, video metrics.

Under /tiktok, the paths of www.tiktok.com and open.tiktokapis.com; the upload URL it
hands out is its own /tiktok/video/ (open-upload.tiktokapis.com in production). Errors
are `{"data": {}, "error": {"code", "message", "log_id"}}`. Uploaded bytes are counted,
never kept, so a 300 MB video costs the sandbox nothing.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from flask import Blueprint, Response, jsonify, request

from local.sandbox import analytics
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

NETWORK = "tiktok"
ACCESS_SECONDS = 86400
REFRESH_SECONDS = 365 * 86400
SCOPES = {"user.info.basic", "user.info.stats", "video.publish", "video.upload", "video.list"}
# Per access token and endpoint, in a rolling minute (TikTok answers 429 beyond it).
READS_PER_MINUTE = 600
MIN_CHUNK, MAX_CHUNK, MAX_LAST_CHUNK = 5 * 1024**2, 64 * 1024**2, 128 * 1024**2
MAX_VIDEO_BYTES = 4 * 1024**3
MAX_TITLE = 2200
PRIVACY_OPTIONS = ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"]
MAX_DURATION = 600
INITS_PER_MINUTE = 6
READ_PIECE = 1024**2
MAX_PHOTOS = 35
PHOTO_MAX = 20 * 1024**2


def error(status: int, code: str, message: str) -> Response:
    response = jsonify(
        data={}, error={"code": code, "message": message, "log_id": secrets.token_hex(16)}
    )
    response.status_code = status
    return response


def ok(data: dict[str, Any]) -> Response:
    return jsonify(data=data, error={"code": "ok", "message": "", "log_id": secrets.token_hex(16)})


def fault_response(kind: str) -> Response:
    if kind == "429":
        return error(
            429, "rate_limit_exceeded", "API rate limit was exceeded. Try again after a minute."
        )
    if kind == "401":
        return error(
            401,
            "access_token_invalid",
            "The access token is invalid or not found in the request.",
        )
    if kind == "duplicate":
        return error(400, "invalid_params", "This video has already been posted (duplicate).")
    return error(500, "internal_error", "Something went wrong. Please try again later.")


def open_id(user: str) -> str:
    return "-000" + stable_number("tiktok", user, digits=20)


def build(state: SandboxState) -> Blueprint:
    bp = Blueprint("tiktok", __name__)

    def authorized(scope: str) -> Token | Response:
        token = state.token(NETWORK, bearer())
        if token is None:
            return error(
                401,
                "access_token_invalid",
                "The access token is invalid or not found in the request.",
            )
        if scope not in token.scopes:
            return error(
                401,
                "scope_not_authorized",
                f"The user did not authorize the scope required for completing this request"
                f" ({scope}).",
            )
        return token

    # -- OAuth ---------------------------------------------------------------------------
    @bp.route("/v2/auth/authorize/", methods=["GET", "POST"])
    def authorize():
        args = request.values
        scopes, problem = authorize_request(args, SCOPES, separator=",", client_field="client_key")
        if problem == "client":
            return "client_key and redirect_uri are required", 400
        if problem:
            return "invalid scope or response_type", 400
        return consent(state, NETWORK, "TikTok", scopes, {"client_id": args["client_key"]})

    def oauth_error(code: str, description: str) -> Response:
        response = jsonify(error=code, error_description=description, log_id=secrets.token_hex(16))
        response.status_code = 400
        return response

    @bp.post("/v2/oauth/token/")
    def token():
        form = request.form
        client_key = form.get("client_key")
        if not client_key or not form.get("client_secret"):
            return oauth_error("invalid_client", "Client key or secret is incorrect.")
        if form.get("grant_type") == "authorization_code":
            grant = state.redeem_code(NETWORK, form.get("code", ""))
            if (
                not grant
                or grant["client_id"] != client_key
                or grant["redirect_uri"] != form.get("redirect_uri")
            ):
                return oauth_error("invalid_grant", "Authorization code is expired.")
            return issue(grant["user"], tuple(grant["scopes"]), client_key)
        if form.get("grant_type") == "refresh_token":
            old = state.token(NETWORK, form.get("refresh_token"), kind="refresh")
            if old is None or old.extra.get("client_key") != client_key:
                return oauth_error("invalid_grant", "Refresh token is invalid or expired.")
            state.revoke(old.value)  # each refresh hands out the newest refresh token
            return issue(old.account, old.scopes, client_key)
        return oauth_error("invalid_request", "grant_type is missing or not supported.")

    def issue(user: str, scopes: tuple[str, ...], client_key: str) -> Response:
        access = state.issue_token(NETWORK, user, scopes, ACCESS_SECONDS, client_key=client_key)
        refresh = state.issue_token(
            NETWORK, user, scopes, REFRESH_SECONDS, kind="refresh", client_key=client_key
        )
        return jsonify(
            access_token=access.value,
            expires_in=token_lifetime(state, ACCESS_SECONDS),
            open_id=open_id(user),
            refresh_expires_in=token_lifetime(state, REFRESH_SECONDS),
            refresh_token=refresh.value,
            scope=",".join(scopes),
            token_type="Bearer",
        )

    @bp.post("/v2/oauth/revoke/")
    def revoke():
        value = request.form.get("token", "")
        token = state.token(NETWORK, value)
        if token is not None:
            for other in list(state.tokens.values()):
                if other.network == NETWORK and other.account == token.account:
                    state.revoke(other.value)
        return jsonify({})

    @bp.get("/v2/user/info/")
    def user_info():
        token = authorized("user.info.basic")
        if isinstance(token, Response):
            return token
        user = token.account
        fields = request.args.get("fields", "open_id").split(",")
        known: dict[str, Any] = {
            "open_id": open_id(user),
            "union_id": "u" + open_id(user),
            "avatar_url": f"https://p16-sign.tiktokcdn.com/{user}.jpeg",
            "display_name": user.title(),
            "username": user,
        }
        stats = {"follower_count", "following_count", "likes_count", "video_count"}
        if stats & set(fields):
            if "user.info.stats" not in token.scopes:
                return error(
                    401, "scope_not_authorized", "The user did not authorize the scope required."
                )
            limited = read_limit(token, "user_info")
            if limited is not None:
                return limited
            followers = analytics.followers(NETWORK, open_id(user))
            videos = state.find_posts(NETWORK, open_id(user))
            known.update(
                follower_count=followers,
                following_count=80 + followers % 200,
                likes_count=sum(analytics.of_post(NETWORK, v)["likes"] for v in videos),
                video_count=len(videos),
            )
        return ok({"user": {f: known[f] for f in fields if f in known}})

    def read_limit(token: Token, endpoint: str) -> Response | None:
        """An injected metrics fault, or this token's minute on `endpoint` spent."""
        fault = analytics.metrics_fault(state, NETWORK)
        if fault is not None:
            return fault_response(fault)
        allowed, _, _ = analytics.rate_window(
            state, f"tiktok:{endpoint}:{token.value}", READS_PER_MINUTE, 60
        )
        return None if allowed else fault_response("429")

    # -- publishing ----------------------------------------------------------------------
    def creator(user: str) -> dict[str, Any]:
        return {
            "creator_avatar_url": f"https://p16-sign.tiktokcdn.com/{user}.jpeg",
            "creator_username": user,
            "creator_nickname": user.title(),
            "privacy_level_options": PRIVACY_OPTIONS,
            "comment_disabled": False,
            "duet_disabled": False,
            "stitch_disabled": True,
            "max_video_post_duration_sec": MAX_DURATION,
        }

    @bp.post("/v2/post/publish/creator_info/query/")
    def creator_info():
        token = authorized("video.publish")
        if isinstance(token, Response):
            return token
        return ok(creator(token.account))

    def recent_inits(user: str) -> list[float]:
        now = time.time()
        stamps = [t for t in state.objects.get(f"tiktok:inits:{user}", []) if now - t < 60]
        state.objects[f"tiktok:inits:{user}"] = stamps
        return stamps

    @bp.post("/v2/post/publish/video/init/")
    def video_init():
        token = authorized("video.publish")
        if isinstance(token, Response):
            return token
        fault = fault_or_none(state, NETWORK)
        if fault is not None:
            return fault
        if len(recent_inits(token.account)) >= INITS_PER_MINUTE:
            return fault_response("429")
        body = request.get_json(silent=True) or {}
        post_info, source = body.get("post_info") or {}, body.get("source_info") or {}
        problem = check_post_info(post_info) or check_source(source)
        if problem:
            return error(400, *problem)
        publish_id = f"v_pub_{source['source'].lower()}~v2-1.{state.next_id()}"
        upload: dict[str, Any] = {
            "owner": token.account,
            "post_info": post_info,
            "source": source["source"],
            "size": source.get("video_size"),
            "chunk_size": source.get("chunk_size"),
            "count": source.get("total_chunk_count"),
            "ranges": [],
            "received": 0,
            "largest_request": 0,
            "head": b"",
            "completed_at": None,
            "post_id": None,
            "fail_reason": None,
        }
        state.objects[f"tiktok:publish:{publish_id}"] = upload
        recent_inits(token.account).append(time.time())
        if source["source"] == "PULL_FROM_URL":
            size, head, problem_text = fetch(source["video_url"], 64)
            if problem_text or video_type(head) is None:
                upload["fail_reason"] = "video_pull_failed"
            else:
                upload.update(size=size, received=size, head=head)
                complete(publish_id, upload)
            return ok({"publish_id": publish_id})
        token_value = secrets.token_urlsafe(12)
        upload["upload_token"] = token_value
        upload_url = (
            f"{request.url_root}tiktok/video/?upload_id={publish_id}&upload_token={token_value}"
        )
        return ok({"publish_id": publish_id, "upload_url": upload_url})

    @bp.post("/v2/post/publish/content/init/")
    def content_init():
        """Photo posts: TikTok pulls every photo from its URL (no uploads)."""
        token = authorized("video.publish")
        if isinstance(token, Response):
            return token
        fault = fault_or_none(state, NETWORK)
        if fault is not None:
            return fault
        body = request.get_json(silent=True) or {}
        post_info, source = body.get("post_info") or {}, body.get("source_info") or {}
        urls = source.get("photo_images") or []
        problem = check_post_info({**post_info, "title": ""})
        if body.get("media_type") != "PHOTO" or body.get("post_mode") not in (
            "DIRECT_POST",
            "MEDIA_UPLOAD",
        ):
            problem = ("invalid_params", "media_type must be PHOTO, post_mode DIRECT_POST")
        elif source.get("source") != "PULL_FROM_URL" or not 1 <= len(urls) <= MAX_PHOTOS:
            problem = ("invalid_params", f"photo_images takes 1 to {MAX_PHOTOS} URLs to pull")
        elif not 0 <= int(source.get("photo_cover_index", 0)) < len(urls):
            problem = ("invalid_params", "photo_cover_index is out of range")
        elif (
            len(post_info.get("title") or "") > 90 or len(post_info.get("description") or "") > 4000
        ):
            problem = ("invalid_params", "title is at most 90 and description 4000 runes")
        if problem:
            return error(400, *problem)
        publish_id = f"p_pub_url~v2.{state.next_id()}"
        photos, failed = [], None
        for url in urls:
            size, data, fetch_problem = fetch(url, PHOTO_MAX)
            info = None if fetch_problem else image_info(data)
            if info is None or info["content_type"] not in ("image/jpeg", "image/webp"):
                failed = "picture_format_not_supported" if info else "file_format_check_failed"
                break
            photos.append(media_entry("image", size, info))
        state.objects[f"tiktok:publish:{publish_id}"] = {
            "owner": token.account,
            "post_info": post_info,
            "source": "PULL_FROM_URL",
            "received": sum(p["bytes"] for p in photos),
            "completed_at": time.time(),
            "post_id": None,
            "fail_reason": failed,
        }
        if not failed:
            post_id = stable_number("tiktok-photo", publish_id, digits=19)
            state.objects[f"tiktok:publish:{publish_id}"]["post_id"] = post_id
            state.record_post(
                NETWORK,
                open_id(token.account),
                post_info.get("description", ""),
                id=post_id,
                media=photos,
                title=post_info.get("title"),
                privacy_level=post_info.get("privacy_level"),
                source="PULL_FROM_URL",
                media_type="PHOTO",
                username=token.account,
            )
        return ok({"publish_id": publish_id})

    def check_post_info(post_info: dict[str, Any]) -> tuple[str, str] | None:
        if post_info.get("privacy_level") not in PRIVACY_OPTIONS:
            return (
                "privacy_level_option_mismatch",
                "privacy_level must be one of the creator's privacy_level_options",
            )
        title = post_info.get("title") or ""
        if len(title.encode("utf-16-le")) // 2 > MAX_TITLE:
            return "invalid_params", f"title must be at most {MAX_TITLE} UTF-16 runes"
        return None

    def check_source(source: dict[str, Any]) -> tuple[str, str] | None:
        kind = source.get("source")
        if kind == "PULL_FROM_URL":
            if not str(source.get("video_url", "")).startswith(("http://", "https://")):
                return "invalid_params", "video_url must be an http(s) URL"
            return None
        if kind != "FILE_UPLOAD":
            return "invalid_params", "source must be FILE_UPLOAD or PULL_FROM_URL"
        size, chunk, count = (
            source.get("video_size"),
            source.get("chunk_size"),
            source.get("total_chunk_count"),
        )
        if not all(isinstance(v, int) and v > 0 for v in (size, chunk, count)):
            return "invalid_params", "video_size, chunk_size and total_chunk_count are required"
        if size > MAX_VIDEO_BYTES:
            return "invalid_params", "video_size is larger than 4 GB"
        if size < MIN_CHUNK:
            if chunk != size or count != 1:
                return "invalid_params", "videos under 5 MB are uploaded whole in one chunk"
        elif not MIN_CHUNK <= chunk <= MAX_CHUNK or count != size // chunk:
            return (
                "invalid_params",
                "chunk_size must be 5-64 MB and total_chunk_count video_size // chunk_size",
            )
        if size - chunk * (count - 1) > MAX_LAST_CHUNK:
            return "invalid_params", "the final chunk may be at most 128 MB"
        return None

    def complete(publish_id: str, upload: dict[str, Any]) -> None:
        upload["completed_at"] = time.time()
        if video_type(upload["head"]) is None:
            upload["fail_reason"] = "file_format_check_failed"
            return
        post_id = stable_number("tiktok-video", publish_id, digits=19)
        upload["post_id"] = post_id
        info = upload["post_info"]
        state.record_post(
            NETWORK,
            open_id(upload["owner"]),
            info.get("title", ""),
            id=post_id,
            media=[{"type": "video", "bytes": upload["size"], "content_type": "video/mp4"}],
            privacy_level=info.get("privacy_level"),
            source=upload["source"],
            username=upload["owner"],
        )

    @bp.put("/video/")
    def upload_chunk():
        publish_id = request.args.get("upload_id", "")
        upload = state.objects.get(f"tiktok:publish:{publish_id}")
        if not upload or upload.get("upload_token") != request.args.get("upload_token"):
            return error(404, "invalid_params", "upload_id or upload_token is not valid")
        span = parse_range(request.headers.get("Content-Range", ""), upload["size"])
        if span is None:
            return error(400, "invalid_params", "Content-Range must be bytes first-last/total")
        first, last = span
        expected_first = len(upload["ranges"]) * upload["chunk_size"]
        is_last = len(upload["ranges"]) == upload["count"] - 1
        expected_last = upload["size"] - 1 if is_last else expected_first + upload["chunk_size"] - 1
        if (first, last) != (expected_first, expected_last):
            return error(
                400,
                "invalid_params",
                f"expected chunk bytes {expected_first}-{expected_last}, got {first}-{last}",
            )
        received = 0
        while True:
            piece = request.stream.read(READ_PIECE)
            if not piece:
                break
            if first == 0 and received == 0:
                upload["head"] = piece[:64]
            received += len(piece)
        if received != last - first + 1:
            return error(400, "invalid_params", "the body does not match Content-Range")
        upload["ranges"].append((first, last))
        upload["received"] += received
        upload["largest_request"] = max(upload["largest_request"], received)
        if len(upload["ranges"]) < upload["count"]:
            return Response(status=206)
        complete(publish_id, upload)
        return Response(status=201)

    @bp.post("/v2/post/publish/status/fetch/")
    def status_fetch():
        token = authorized("video.publish")
        if isinstance(token, Response):
            return token
        publish_id = (request.get_json(silent=True) or {}).get("publish_id", "")
        upload = state.objects.get(f"tiktok:publish:{publish_id}")
        if not upload or upload["owner"] != token.account:
            return error(400, "invalid_publish_id", "publish_id does not exist")
        data: dict[str, Any] = {"uploaded_bytes": upload["received"]}
        if upload["fail_reason"]:
            data.update(status="FAILED", fail_reason=upload["fail_reason"])
        elif upload["completed_at"] is None:
            data["status"] = "PROCESSING_UPLOAD"
        elif elapsed(upload["completed_at"]) < processing_seconds(state):
            data["status"] = (
                "PROCESSING_DOWNLOAD"
                if upload["source"] == "PULL_FROM_URL"
                else "PROCESSING_UPLOAD"
            )
        else:
            data.update(status="PUBLISH_COMPLETE", publicaly_available_post_id=[upload["post_id"]])
        return ok(data)

    @bp.post("/v2/video/query/")
    def video_query():
        token = authorized("video.list")
        if isinstance(token, Response):
            return token
        ids = ((request.get_json(silent=True) or {}).get("filters") or {}).get("video_ids") or []
        if not ids or len(ids) > 20:
            return error(400, "invalid_params", "filters.video_ids takes 1 to 20 ids")
        limited = read_limit(token, "video_query")
        if limited is not None:
            return limited
        fields = request.args.get("fields", "id").split(",")
        mine = {p["id"]: p for p in state.find_posts(NETWORK, open_id(token.account))}
        videos = []
        for video_id in ids:
            post = mine.get(str(video_id))
            if post is None:
                continue
            figures = analytics.of_post(NETWORK, post)
            values = {
                "id": post["id"],
                "view_count": figures["views"],
                "like_count": figures["likes"],
                "comment_count": figures["comments"],
                "share_count": figures["shares"],
                "title": post["text"],
                "create_time": int(post["received_at"]),
            }
            videos.append({k: v for k, v in values.items() if k in fields})
        return ok({"videos": videos, "cursor": 0, "has_more": False})

    return bp


def parse_range(header: str, total: int) -> tuple[int, int] | None:
    """(first, last) of `bytes first-last/total`, when it fits the declared size."""
    try:
        unit, rest = header.split(" ", 1)
        span, size = rest.split("/")
        first, last = (int(v) for v in span.split("-"))
        declared = int(size)
    except ValueError:
        return None
    if unit != "bytes" or declared != total or not 0 <= first <= last < total:
        return None
    return first, last


register(
    SandboxNetwork(network_id=NETWORK, name="TikTok", build=build, fault_response=fault_response)
)
