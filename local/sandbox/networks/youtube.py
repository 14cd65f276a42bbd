"""Sandbox YouTube (Data API v3): Google OAuth with PKCE, channels, resumable uploads
(sessions, chunked PUTs, 308 + Range, status queries), videos.list statistics.

Under /youtube, the paths of accounts.google.com, oauth2.googleapis.com and
www.googleapis.com. Errors are Google's `{"error": {"code", "message", "errors": [...]}}`.
Each upload session counts the bytes it received (and any sent twice) and never keeps
them. The project's daily quota is 10,000 units and an upload costs 1,600
(`state.objects["youtube:quota"]` changes it), so the seventh upload of a day answers
`quotaExceeded` as YouTube does.
"""

from __future__ import annotations

import re
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request

from local.sandbox import analytics
from local.sandbox.framework import SandboxNetwork, register
from local.sandbox.networks.common import (
    authorize_request,
    bearer,
    consent,
    pkce_matches,
    stable_number,
    token_lifetime,
    video_type,
)
from local.sandbox.state import SandboxState, Token

NETWORK = "youtube"
ACCESS_SECONDS = 3599
UPLOAD_SCOPE = "https://www.googleapis.com/auth/youtube.upload"
READ_SCOPE = "https://www.googleapis.com/auth/youtube.readonly"
SCOPES = {UPLOAD_SCOPE, READ_SCOPE, "https://www.googleapis.com/auth/youtube"}
DAILY_QUOTA, INSERT_COST, READ_COST = 10_000, 1_600, 1
GRANULARITY = 256 * 1024
READ_PIECE = 1024**2
PRIVACY = {"public", "unlisted", "private"}


def google_error(status: int, reason: str, message: str, domain: str = "global") -> Response:
    response = jsonify(
        error={
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": domain, "reason": reason}],
        }
    )
    response.status_code = status
    return response


def quota_exceeded() -> Response:
    return google_error(
        403,
        "quotaExceeded",
        "The request cannot be completed because you have exceeded your "
        '<a href="/youtube/v3/getting-started#quota">quota</a>.',
        "youtube.quota",
    )


def fault_response(kind: str) -> Response:
    if kind == "429":
        response = google_error(
            429,
            "rateLimitExceeded",
            "The request cannot be completed: too many requests.",
            "youtube.quota",
        )
        response.headers["Retry-After"] = "30"
        return response
    if kind == "401":
        response = google_error(
            401,
            "authError",
            "Request had invalid authentication credentials. Expected OAuth 2 access token.",
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="https://accounts.google.com/"'
        return response
    if kind == "duplicate":  # what an upload session answers for a duplicate (see below)
        return google_error(400, "uploadRejected", "The video was rejected: duplicate")
    return google_error(503, "backendError", "Backend Error")


def channel_id(user: str) -> str:
    return "UC" + stable_number("youtube", user, digits=22)


def build(state: SandboxState) -> Blueprint:
    bp = Blueprint("youtube", __name__)

    def authorized(scope: str) -> Token | Response:
        token = state.token(NETWORK, bearer())
        if token is None:
            return fault_response("401")
        if (
            scope not in token.scopes
            and "https://www.googleapis.com/auth/youtube" not in token.scopes
        ):
            return google_error(
                403, "insufficientPermissions", "Request had insufficient authentication scopes."
            )
        return token

    # -- OAuth ---------------------------------------------------------------------------
    @bp.route("/o/oauth2/v2/auth", methods=["GET", "POST"])
    def authorize():
        args = request.values
        scopes, problem = authorize_request(args, SCOPES)
        if problem == "client":
            return "Error 400: invalid_request (client_id and redirect_uri are required)", 400
        if problem:
            return "Error 400: invalid_scope", 400
        return consent(
            state,
            NETWORK,
            "Google",
            scopes,
            {
                "client_id": args["client_id"],
                "offline": args.get("access_type") == "offline",
                "code_challenge": args.get("code_challenge"),
                "code_challenge_method": args.get("code_challenge_method", "plain"),
            },
        )

    def oauth_error(error: str, description: str, status: int = 400) -> Response:
        response = jsonify(error=error, error_description=description)
        response.status_code = status
        return response

    @bp.post("/token")
    def token():
        form = request.form
        client_id = form.get("client_id")
        if not client_id or not form.get("client_secret"):
            return oauth_error("invalid_client", "The OAuth client was not found.", 401)
        if form.get("grant_type") == "authorization_code":
            grant = state.redeem_code(NETWORK, form.get("code", ""))
            if (
                not grant
                or grant["client_id"] != client_id
                or grant["redirect_uri"] != form.get("redirect_uri")
                or not pkce_matches(
                    grant["code_challenge"],
                    grant["code_challenge_method"],
                    form.get("code_verifier"),
                )
            ):
                return oauth_error("invalid_grant", "Malformed auth code.")
            body = issue(grant["user"], tuple(grant["scopes"]), client_id)
            if grant["offline"]:
                body["refresh_token"] = state.issue_token(
                    NETWORK,
                    grant["user"],
                    tuple(grant["scopes"]),
                    None,
                    kind="refresh",
                    client_id=client_id,
                ).value
            return jsonify(body)
        if form.get("grant_type") == "refresh_token":
            old = state.token(NETWORK, form.get("refresh_token"), kind="refresh")
            if old is None or old.extra.get("client_id") != client_id:
                return oauth_error("invalid_grant", "Token has been expired or revoked.")
            return jsonify(issue(old.account, old.scopes, client_id))
        return oauth_error("unsupported_grant_type", "Invalid grant_type.")

    def issue(user: str, scopes: tuple[str, ...], client_id: str) -> dict[str, Any]:
        access = state.issue_token(NETWORK, user, scopes, ACCESS_SECONDS, client_id=client_id)
        return {
            "access_token": access.value,
            "expires_in": token_lifetime(state, ACCESS_SECONDS),
            "scope": " ".join(scopes),
            "token_type": "Bearer",
        }

    @bp.post("/revoke")
    def revoke():
        value = request.values.get("token", "")
        token = state.tokens.get(value)
        if token is None or token.network != NETWORK:
            return oauth_error("invalid_token", "Token expired or revoked")
        for other in list(state.tokens.values()):  # revoking one revokes the whole grant
            if other.network == NETWORK and other.account == token.account:
                state.revoke(other.value)
        return jsonify({})

    @bp.get("/youtube/v3/channels")
    def channels():
        token = authorized(READ_SCOPE)
        if isinstance(token, Response):
            return token
        parts = set(request.args.get("part", "").split(","))
        if request.args.get("mine") != "true" or not parts & {"snippet", "statistics"}:
            return google_error(
                400, "invalidParameter", "part=snippet or statistics and mine=true expected"
            )
        if "statistics" in parts:
            refused = read_quota(token)
            if refused is not None:
                return refused
        user = token.account
        channel: dict[str, Any] = {"kind": "youtube#channel", "id": channel_id(user)}
        if "snippet" in parts:
            channel["snippet"] = {
                "title": f"{user.title()} Channel",
                "description": "",
                "customUrl": f"@{user}",
                "thumbnails": {
                    "default": {"url": f"https://yt3.ggpht.com/{user}=s88", "width": 88}
                },
            }
        if "statistics" in parts:
            subscribers = analytics.followers(NETWORK, channel_id(user))
            videos = state.find_posts(NETWORK, channel_id(user))
            channel["statistics"] = {
                "viewCount": str(sum(analytics.of_post(NETWORK, v)["views"] for v in videos)),
                "subscriberCount": str(subscribers),
                "hiddenSubscriberCount": False,
                "videoCount": str(len(videos)),
            }
        return jsonify(
            kind="youtube#channelListResponse",
            pageInfo={"totalResults": 1, "resultsPerPage": 5},
            items=[channel],
        )

    # -- resumable upload ------------------------------------------------------------------
    def take_fault(session: dict[str, Any] | None) -> Response | None:
        """A pending fault: "duplicate" marks the upload for rejection at its end, as
        YouTube reports duplicates; the others answer now."""
        kind = state.take_fault(NETWORK)
        if kind == "duplicate" and session is not None:
            session["rejected"] = "duplicate"
            return None
        if kind == "timeout":
            time.sleep(30)
        return None if kind is None else fault_response(kind)

    def spend_quota(client_id: str, cost: int = INSERT_COST) -> bool:
        key = f"youtube:quota-used:{client_id}:{datetime.now(UTC).date()}"
        used = state.objects.get(key, 0)
        if used + cost > state.objects.get("youtube:quota", DAILY_QUOTA):
            return False
        state.objects[key] = used + cost
        return True

    def read_quota(token: Token) -> Response | None:
        """An injected metrics fault, or the project's daily quota spent on a read (1 unit,
        as videos.list and channels.list cost)."""
        fault = analytics.metrics_fault(state, NETWORK)
        if fault is not None:
            return fault_response(fault)
        if not spend_quota(token.extra.get("client_id", ""), READ_COST):
            return quota_exceeded()
        return None

    @bp.post("/upload/youtube/v3/videos")
    def start_upload():
        token = authorized(UPLOAD_SCOPE)
        if isinstance(token, Response):
            return token
        if request.args.get("uploadType") != "resumable":
            return google_error(400, "invalidParameter", "uploadType must be resumable")
        parts = set(request.args.get("part", "").split(","))
        if not parts or not parts <= {"snippet", "status", "contentDetails", "recordingDetails"}:
            return google_error(400, "invalidPart", "part is required (snippet,status)")
        size = request.headers.get("X-Upload-Content-Length", "")
        kind = request.headers.get("X-Upload-Content-Type", "")
        if not size.isdigit() or not (
            kind.startswith("video/") or kind == "application/octet-stream"
        ):
            return google_error(400, "invalidUpload", "X-Upload-Content-Length/-Type expected")
        body = request.get_json(silent=True) or {}
        problem = check_resource(body)
        if problem:
            return google_error(400, *problem)
        session: dict[str, Any] = {
            "owner": token.account,
            "resource": body,
            "size": int(size),
            "received": 0,
            "resent": 0,  # bytes sent again at offsets the session already held
            "wire_bytes": 0,  # every body byte that arrived
            "puts": [],
            "head": b"",
            "rejected": None,
            "video": None,
        }
        fault = take_fault(session)
        if fault is not None:
            return fault
        if not spend_quota(token.extra.get("client_id", "")):
            return quota_exceeded()
        upload_id = secrets.token_urlsafe(24)
        state.objects[f"youtube:upload:{upload_id}"] = session
        response = Response(status=200)
        response.headers["Location"] = (
            f"{request.url_root}youtube/upload/youtube/v3/videos"
            f"?uploadType=resumable&part={request.args['part']}&upload_id={upload_id}"
        )
        response.headers["X-GUploader-UploadID"] = upload_id
        return response

    def check_resource(body: dict[str, Any]) -> tuple[str, str] | None:
        snippet, status = body.get("snippet") or {}, body.get("status") or {}
        title, description = snippet.get("title", ""), snippet.get("description", "")
        if not title or len(title) > 100 or re.search("[<>]", title):
            return "invalidTitle", "The request metadata specifies an invalid video title."
        if len(description.encode()) > 5000 or re.search("[<>]", description):
            return "invalidDescription", "The request metadata specifies an invalid description."
        if len(",".join(snippet.get("tags") or [])) > 500:
            return "invalidTags", "The request metadata specifies invalid video keywords."
        if status.get("privacyStatus", "public") not in PRIVACY:
            return "invalidPrivacyStatus", "The request specifies an invalid privacy status."
        if status.get("publishAt"):
            if status.get("privacyStatus") != "private":
                return (
                    "invalidVideoMetadata",
                    "publishAt can only be set when the privacy status is private.",
                )
            try:
                when = datetime.fromisoformat(status["publishAt"].replace("Z", "+00:00"))
            except ValueError:
                return "invalidPublishAt", "The request metadata specifies an invalid publishAt."
            if when <= datetime.now(UTC):
                return "invalidPublishAt", "The scheduled publishing time must be in the future."
        return None

    @bp.put("/upload/youtube/v3/videos")
    def upload_chunk():
        upload_id = request.args.get("upload_id", "")
        session = state.objects.get(f"youtube:upload:{upload_id}")
        token = state.token(NETWORK, bearer())
        if session is None:
            return google_error(404, "notFound", "The upload session was not found or expired.")
        if token is None or token.account != session["owner"]:
            return fault_response("401")
        if session["video"] is not None:
            return jsonify(session["video"])
        header = request.headers.get("Content-Range", "")
        query = re.fullmatch(r"bytes \*/(\d+)", header)
        if query:  # "how far did you get?"
            return incomplete(session)
        span = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", header)
        if not span or int(span.group(3)) != session["size"]:
            return google_error(400, "badContent", "Failed to parse Content-Range header.")
        first, last = int(span.group(1)), int(span.group(2))
        if first > session["received"]:
            return google_error(400, "badContent", "Content-Range starts after the bytes received.")
        fault = take_fault(session)
        session["puts"].append((first, last - first + 1))
        keep_until = None
        if fault is not None:
            # The connection broke part-way: YouTube keeps what it received, in whole
            # 256 KiB blocks, and tells the client with the next status query.
            keep_until = first + ((last - first + 1) // 2) // GRANULARITY * GRANULARITY
        position = first
        while True:
            piece = request.stream.read(READ_PIECE)
            if not piece:
                break
            session["wire_bytes"] += len(piece)
            if keep_until is not None:  # the rest is lost with the connection
                piece = piece[: max(0, keep_until - position)]
            if position == 0 and piece:
                session["head"] = piece[:64]
            end = position + len(piece)
            session["resent"] += max(0, min(end, session["received"]) - position)
            session["received"] = max(session["received"], end)
            position = end
        if fault is not None:
            return fault
        if position != last + 1:
            return google_error(400, "badContent", "The body does not match Content-Range.")
        if (last + 1) % GRANULARITY and last + 1 != session["size"]:
            return google_error(400, "badContent", "Chunks must be multiples of 256 KiB.")
        if session["received"] < session["size"]:
            return incomplete(session)
        return finish(upload_id, session)

    def incomplete(session: dict[str, Any]) -> Response:
        response = Response(status=308)
        if session["received"]:
            response.headers["Range"] = f"bytes=0-{session['received'] - 1}"
        return response

    def finish(upload_id: str, session: dict[str, Any]) -> Response:
        snippet = dict(session["resource"].get("snippet") or {})
        status = dict(session["resource"].get("status") or {})
        owner = channel_id(session["owner"])
        earlier = [
            p
            for p in state.find_posts(NETWORK, owner)
            if p["bytes"] == session["size"] and p["text"] == snippet.get("title")
        ]
        if video_type(session["head"]) is None:
            status.update(uploadStatus="failed", failureReason="invalidFile")
        elif session["rejected"] or earlier:
            status.update(uploadStatus="rejected", rejectionReason="duplicate")
        else:
            status["uploadStatus"] = "uploaded"
        video_id = stable_number("yt", upload_id, digits=11)
        video = {
            "kind": "youtube#video",
            "etag": secrets.token_hex(8),
            "id": video_id,
            "snippet": {**snippet, "channelId": owner, "publishedAt": _now()},
            "status": {"privacyStatus": "public", **status},
        }
        session["video"] = video
        if status["uploadStatus"] == "uploaded":
            state.record_post(
                NETWORK,
                owner,
                snippet.get("title", ""),
                id=video_id,
                media=[{"type": "video", "bytes": session["size"], "content_type": "video/mp4"}],
                description=snippet.get("description"),
                tags=snippet.get("tags", []),
                privacy_status=video["status"]["privacyStatus"],
                publish_at=status.get("publishAt"),
                bytes=session["size"],
                upload_id=upload_id,
            )
        return jsonify(video)

    @bp.get("/youtube/v3/videos")
    def videos():
        token = authorized(READ_SCOPE)
        if isinstance(token, Response):
            return token
        ids = [i for i in request.args.get("id", "").split(",") if i]
        if not ids or len(ids) > 50 or "statistics" not in request.args.get("part", ""):
            return google_error(400, "invalidParameter", "part=statistics and 1-50 ids expected")
        refused = read_quota(token)
        if refused is not None:
            return refused
        found = {p["id"]: p for p in state.find_posts(NETWORK)}
        items = []
        for video_id in ids:
            post = found.get(video_id)
            if post is None:
                continue  # YouTube leaves out what it cannot find
            values = analytics.of_post(NETWORK, post)
            items.append(
                {
                    "kind": "youtube#video",
                    "etag": f"sandbox-{video_id}",
                    "id": video_id,
                    "statistics": {
                        "viewCount": str(values["views"]),
                        "likeCount": str(values["likes"]),
                        "favoriteCount": "0",
                        "commentCount": str(values["comments"]),
                    },
                }
            )
        return jsonify(
            kind="youtube#videoListResponse",
            items=items,
            pageInfo={"totalResults": len(items), "resultsPerPage": len(items)},
        )

    return bp


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


register(
    SandboxNetwork(network_id=NETWORK, name="YouTube", build=build, fault_response=fault_response)
)
