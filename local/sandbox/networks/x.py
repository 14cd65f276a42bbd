"""Sandbox X (API v2): OAuth 2.0 + PKCE, posts, chunked media upload, public metrics.

Paths and payloads as api.x.com and x.com serve them, under /x. Errors are X's problem
documents (`{"title", "detail", "type", "status"}`); POST /2/tweets allows 100 posts per
user per 15 minutes and says so in its `x-rate-limit-*` headers.
"""

from __future__ import annotations

import re
import time
import unicodedata
from typing import Any

from flask import Blueprint, Response, jsonify, request

from local.sandbox import analytics
from local.sandbox.framework import SandboxNetwork, avatar_url, fault_or_none, register
from local.sandbox.networks.common import (
    authorize_request,
    bearer,
    consent,
    elapsed,
    image_info,
    media_entry,
    pkce_matches,
    processing_seconds,
    stable_number,
    token_lifetime,
    video_type,
)
from local.sandbox.state import SandboxState, Token

NETWORK = "x"
ACCESS_SECONDS = 7200
REFRESH_SECONDS = 180 * 86400
SCOPES = {
    "tweet.read",
    "tweet.write",
    "users.read",
    "offline.access",
    "media.write",
    "like.read",
    "follows.read",
}
POSTS_PER_WINDOW, WINDOW_SECONDS = 100, 900
# Per user and 15-minute window: GET /2/tweets and GET /2/users/me (X's Basic tier).
LOOKUPS_PER_WINDOW, USERS_ME_PER_WINDOW = 900, 75
MAX_WEIGHT = 280
MEDIA_TYPES = {
    "tweet_image": {"image/jpeg", "image/png", "image/webp", "image/bmp", "image/pjpeg"},
    "tweet_gif": {"image/gif"},
    "tweet_video": {"video/mp4", "video/quicktime", "video/webm", "video/mp2t"},
}
SIZE_LIMITS = {"tweet_image": 5 * 1024**2, "tweet_gif": 15 * 1024**2, "tweet_video": 512 * 1024**2}
URL = re.compile(
    r"https?://\S+|\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|co|dev|app|ly|me|gl)\b(?:/\S*)?", re.I
)
LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


def weighted_length(text: str) -> int:
    """twitter-text v3, minimally: NFC; a URL with valid domain labels weighs 23; an emoji
    sequence 2; other code points 1 in the light ranges, else 2."""
    text = unicodedata.normalize("NFC", text)
    total, position = 0, 0
    for match in URL.finditer(text):
        if not _valid_host(match.group()):
            continue
        total += _weigh(text[position : match.start()]) + 23
        position = match.end()
    return total + _weigh(text[position:])


def _valid_host(url: str) -> bool:
    """Every label of the host at most 63 characters once punycode-encoded."""
    host = url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    for label in host.split("."):
        encoded = label if label.isascii() else "xn--" + label.encode("punycode").decode()
        if not 0 < len(encoded) <= 63:
            return False
    return True


def _light(point: int) -> bool:
    return any(low <= point <= high for low, high in LIGHT_RANGES)


def _emoji_end(text: str, start: int) -> int | None:
    """Where the emoji sequence starting at `start` ends, or None if none starts there."""
    point, size = ord(text[start]), len(text)
    following = text[start + 1 : start + 3]
    if text[start] in "0123456789#*" and following.replace("\ufe0f", "")[:1] == "\u20e3":
        return start + 1 + following.index("\u20e3") + 1
    if not (point >= 0x1F000 or 0x2600 <= point <= 0x27BF or following[:1] == "\ufe0f"):
        return None
    end = start + 1
    if 0x1F1E6 <= point <= 0x1F1FF and end < size and 0x1F1E6 <= ord(text[end]) <= 0x1F1FF:
        return end + 1  # a flag: two regional indicators
    while end < size:
        nxt = ord(text[end])
        if nxt in (0xFE0F, 0x20E3) or 0x1F3FB <= nxt <= 0x1F3FF or 0xE0020 <= nxt <= 0xE007F:
            end += 1
        elif nxt == 0x200D and end + 1 < size:
            end += 2  # zero-width joiner: the joined emoji belongs to this one
        else:
            break
    return end


def _weigh(text: str) -> int:
    total, index = 0, 0
    while index < len(text):
        end = _emoji_end(text, index)
        if end is not None:
            total, index = total + 2, end
            continue
        total += 1 if _light(ord(text[index])) else 2
        index += 1
    return total


def problem(status: int, title: str, detail: str, kind: str = "about:blank") -> Response:
    response = jsonify(title=title, detail=detail, type=kind, status=status)
    response.status_code = status
    return response


def invalid(message: str, parameter: str | None = None) -> Response:
    response = jsonify(
        errors=[{"parameters": {parameter: []} if parameter else {}, "message": message}],
        title="Invalid Request",
        detail="One or more parameters to your request was invalid.",
        type="https://api.x.com/2/problems/invalid-request",
    )
    response.status_code = 400
    return response


def fault_response(kind: str) -> Response:
    if kind == "429":
        response = problem(429, "Too Many Requests", "Too Many Requests")
        response.headers.update(_rate_headers(0, int(time.time()) + WINDOW_SECONDS))
        return response
    if kind == "401":
        return problem(401, "Unauthorized", "Unauthorized")
    if kind == "duplicate":
        return problem(
            403, "Forbidden", "You are not allowed to create a Tweet with duplicate content."
        )
    return problem(503, "Service Unavailable", "Service Unavailable")


def _rate_headers(remaining: int, reset: int) -> dict[str, str]:
    return {
        "x-rate-limit-limit": str(POSTS_PER_WINDOW),
        "x-rate-limit-remaining": str(remaining),
        "x-rate-limit-reset": str(reset),
    }


def user_id(name: str) -> str:
    return stable_number("x", name, digits=18)


def build(state: SandboxState) -> Blueprint:
    bp = Blueprint("x", __name__)

    def authorized(*scopes: str) -> Token | Response:
        token = state.token(NETWORK, bearer())
        if token is None:
            return problem(401, "Unauthorized", "Unauthorized")
        missing = [s for s in scopes if s not in token.scopes]
        if missing:
            return problem(
                403,
                "Forbidden",
                f"Missing scope(s) {', '.join(missing)} for this endpoint.",
                "https://api.x.com/2/problems/client-forbidden",
            )
        return token

    # -- OAuth ---------------------------------------------------------------------------
    @bp.route("/i/oauth2/authorize", methods=["GET", "POST"])
    def authorize():
        args = request.values
        scopes, problem = authorize_request(args, SCOPES)
        if problem == "client":
            return "Something went wrong: client_id and redirect_uri are required.", 400
        if not args.get("code_challenge"):
            return "Something went wrong: a code_challenge is required.", 400
        if problem:
            return "Something went wrong: invalid scope or response_type.", 400
        return consent(
            state,
            NETWORK,
            "X",
            scopes,
            {
                "client_id": args["client_id"],
                "code_challenge": args.get("code_challenge"),
                "code_challenge_method": args.get("code_challenge_method", "plain"),
            },
        )

    def token_error(description: str, status: int = 400, error: str = "invalid_request"):
        response = jsonify(error=error, error_description=description)
        response.status_code = status
        return response

    @bp.post("/2/oauth2/token")
    def token():
        client_id = request.authorization.username if request.authorization else None
        client_id = client_id or request.form.get("client_id")
        if not client_id:
            return token_error("Missing valid authorization header", 401, "unauthorized_client")
        grant_type = request.form.get("grant_type")
        if grant_type == "authorization_code":
            grant = state.redeem_code(NETWORK, request.form.get("code", ""))
            if (
                not grant
                or grant["client_id"] != client_id
                or grant["redirect_uri"] != request.form.get("redirect_uri")
                or not pkce_matches(
                    grant["code_challenge"],
                    grant["code_challenge_method"],
                    request.form.get("code_verifier"),
                )
            ):
                return token_error("Value passed for the token was invalid.")
            return _issue(grant["user"], tuple(grant["scopes"]), client_id)
        if grant_type == "refresh_token":
            old = state.token(NETWORK, request.form.get("refresh_token"), kind="refresh")
            if old is None or old.extra.get("client_id") != client_id:
                return token_error("Value passed for the token was invalid.")
            state.revoke(old.value)  # refresh tokens rotate: each works once
            return _issue(old.account, old.scopes, client_id)
        return token_error("Missing required parameter [grant_type].")

    def _issue(user: str, scopes: tuple[str, ...], client_id: str):
        access = state.issue_token(NETWORK, user, scopes, ACCESS_SECONDS, client_id=client_id)
        body: dict[str, Any] = {
            "token_type": "bearer",
            "expires_in": token_lifetime(state, ACCESS_SECONDS),
            "access_token": access.value,
            "scope": " ".join(scopes),
        }
        if "offline.access" in scopes:
            body["refresh_token"] = state.issue_token(
                NETWORK, user, scopes, REFRESH_SECONDS, kind="refresh", client_id=client_id
            ).value
        return jsonify(body)

    @bp.post("/2/oauth2/revoke")
    def revoke():
        state.revoke(request.form.get("token", ""))
        return jsonify(revoked=True)

    # -- users ---------------------------------------------------------------------------
    @bp.get("/2/users/me")
    def me():
        token = authorized("users.read")
        if isinstance(token, Response):
            return token
        name = token.account
        # Only the analytics reads count against the window here: connecting an account
        # is not what a sandbox run should be throttled on.
        wants_counts = "public_metrics" in request.args.get("user.fields", "").split(",")
        limited = metrics_limit("me", user_id(name), USERS_ME_PER_WINDOW) if wants_counts else {}
        if isinstance(limited, Response):
            return limited
        data: dict[str, Any] = {
            "id": user_id(name),
            "name": name.title(),
            "username": name,
            "profile_image_url": avatar_url("x", name),
        }
        if wants_counts:
            followers = analytics.followers(NETWORK, user_id(name))
            data["public_metrics"] = {
                "followers_count": followers,
                "following_count": 150 + followers % 300,
                "post_count": len(state.find_posts(NETWORK, user_id(name))),
                "listed_count": followers // 200,
                "like_count": followers % 1000,
            }
        response = jsonify(data=data)
        response.headers.update(limited)
        return response

    # -- media ---------------------------------------------------------------------------
    @bp.post("/2/media/upload/initialize")
    def media_initialize():
        token = authorized("media.write")
        if isinstance(token, Response):
            return token
        body = request.get_json(silent=True) or {}
        category = body.get("media_category", "tweet_image")
        media_type, total = body.get("media_type"), body.get("total_bytes")
        if category not in MEDIA_TYPES or media_type not in MEDIA_TYPES[category]:
            return invalid(f"media_type {media_type} is not allowed for {category}", "media_type")
        if not isinstance(total, int) or not 0 < total <= SIZE_LIMITS[category]:
            return invalid(
                f"total_bytes must be between 1 and {SIZE_LIMITS[category]} for {category}",
                "total_bytes",
            )
        media_id = stable_number("x-media", str(state.next_id()), digits=19)
        state.objects[f"x:media:{media_id}"] = {
            "owner": token.account,
            "category": category,
            "media_type": media_type,
            "total": total,
            "received": 0,
            "segments": [],
            "head": b"",
            "image": b"",
            "finalized_at": None,
            "alt_text": None,
        }
        return jsonify(
            data={"id": media_id, "media_key": f"3_{media_id}", "expires_after_secs": 86400}
        )

    def upload_of(media_id: str, token: Token) -> dict[str, Any] | Response:
        upload = state.objects.get(f"x:media:{media_id}")
        if not upload or upload["owner"] != token.account:
            return invalid(f"media_id {media_id} was not found", "media_id")
        return upload

    @bp.post("/2/media/upload/<media_id>/append")
    def media_append(media_id: str):
        token = authorized("media.write")
        if isinstance(token, Response):
            return token
        upload = upload_of(media_id, token)
        if isinstance(upload, Response):
            return upload
        chunk = request.files.get("media")
        index = request.form.get("segment_index", "")
        if chunk is None or not index.isdigit() or int(index) > 999:
            return invalid("media and segment_index (0-999) are required", "segment_index")
        data = chunk.read()
        if upload["finalized_at"] or upload["received"] + len(data) > upload["total"]:
            return invalid("the segments are larger than total_bytes", "media")
        upload["segments"].append((int(index), len(data)))
        upload["received"] += len(data)
        if int(index) == 0:
            upload["head"] = data[:64]
        if upload["category"] != "tweet_video":  # images are small: keep them to measure
            upload["image"] += data
        return jsonify(data={"expires_at": int(time.time()) + 86400})

    def processing_info(upload: dict[str, Any]) -> dict[str, Any] | None:
        if upload["category"] == "tweet_image":
            return None
        if upload.get("error"):
            return {"state": "failed", "progress_percent": 0}
        wait = processing_seconds(state) - elapsed(upload["finalized_at"])
        if wait <= 0:
            return {"state": "succeeded", "progress_percent": 100}
        return {
            "state": "in_progress",
            "check_after_secs": max(1, round(wait)),
            "progress_percent": 50,
        }

    def media_answer(media_id: str, upload: dict[str, Any]) -> Response:
        """The upload's state; a failed processing says why in `errors`, as X does."""
        body: dict[str, Any] = {"data": media_data(media_id, upload)}
        if upload.get("error"):
            body["errors"] = [
                {
                    "title": "Invalid Request",
                    "detail": upload["error"],
                    "type": "https://api.x.com/2/problems/invalid-request",
                }
            ]
        return jsonify(body)

    def media_data(media_id: str, upload: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": media_id,
            "media_key": f"3_{media_id}",
            "size": upload["received"],
            "expires_after_secs": 86400,
        }
        info = processing_info(upload)
        if info:
            data["processing_info"] = info
        if upload.get("width"):
            data["image"] = {
                "w": upload["width"],
                "h": upload["height"],
                "image_type": upload["media_type"],
            }
        return data

    @bp.post("/2/media/upload/<media_id>/finalize")
    def media_finalize(media_id: str):
        token = authorized("media.write")
        if isinstance(token, Response):
            return token
        upload = upload_of(media_id, token)
        if isinstance(upload, Response):
            return upload
        if upload["received"] != upload["total"]:
            return invalid(
                f"File size mismatch: received {upload['received']} of {upload['total']} bytes",
                "media",
            )
        if upload["category"] == "tweet_video":
            if video_type(upload["head"]) is None:
                upload["error"] = "Invalid or Unsupported media, Reason: UnsupportedMedia."
        else:
            info = image_info(upload["image"])
            if info is None or info["content_type"] not in MEDIA_TYPES[upload["category"]]:
                return invalid("media type unrecognized.", "media")
            upload.update(width=info["width"], height=info["height"])
            upload["image"] = b""
        upload["finalized_at"] = time.time()
        return media_answer(media_id, upload)

    @bp.get("/2/media/upload")
    def media_status():
        token = authorized("media.write")
        if isinstance(token, Response):
            return token
        upload = upload_of(request.args.get("media_id", ""), token)
        if isinstance(upload, Response):
            return upload
        return media_answer(request.args["media_id"], upload)

    @bp.post("/2/media/metadata")
    def media_metadata():
        token = authorized("media.write")
        if isinstance(token, Response):
            return token
        body = request.get_json(silent=True) or {}
        upload = upload_of(str(body.get("id", "")), token)
        if isinstance(upload, Response):
            return upload
        alt = ((body.get("metadata") or {}).get("alt_text") or {}).get("text", "")
        if len(alt) > 1000:
            return invalid("alt_text must be at most 1000 characters", "metadata")
        upload["alt_text"] = alt
        return jsonify(data={"id": body["id"], "associated_metadata": {"alt_text": {"text": alt}}})

    # -- posts ---------------------------------------------------------------------------
    def window(user: str) -> tuple[int, int]:
        """(posts left, reset epoch) of the user's 15-minute window."""
        now = time.time()
        stamps = [t for t in state.objects.get(f"x:window:{user}", []) if now - t < WINDOW_SECONDS]
        state.objects[f"x:window:{user}"] = stamps
        reset = int((stamps[0] if stamps else now) + WINDOW_SECONDS)
        return POSTS_PER_WINDOW - len(stamps), reset

    @bp.post("/2/tweets")
    def create_tweet():
        token = authorized("tweet.write")
        if isinstance(token, Response):
            return token
        fault = fault_or_none(state, NETWORK)
        if fault is not None:
            return fault
        user = user_id(token.account)
        left, reset = window(user)
        if left <= 0:
            response = problem(429, "Too Many Requests", "Too Many Requests")
            response.headers.update(_rate_headers(0, reset))
            return response
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return invalid("The request body is not valid JSON.")
        text = body.get("text", "")
        media_ids = (body.get("media") or {}).get("media_ids") or []
        if not text and not media_ids:
            return invalid("Post text or media is required.", "text")
        if weighted_length(text) > MAX_WEIGHT:
            return problem(
                403,
                "Forbidden",
                "Your Tweet text is too long. For more information on how Twitter determines "
                "text length see https://github.com/twitter/twitter-text.",
            )
        media, error = _attached_media(state, token, media_ids)
        if error:
            return invalid(error, "media.media_ids")
        reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        if reply_to and not [p for p in state.find_posts(NETWORK) if p["id"] == reply_to]:
            return invalid(f"in_reply_to_tweet_id {reply_to} does not exist", "reply")
        mine = state.find_posts(NETWORK, user)
        if text and any(p["text"] == text for p in mine[-20:]):
            return fault_response("duplicate")
        tweet_id = stable_number("x-tweet", str(state.next_id()), digits=19)
        state.record_post(
            NETWORK, user, text, id=tweet_id, media=media, reply_to=reply_to, username=token.account
        )
        state.objects.setdefault(f"x:window:{user}", []).append(time.time())
        response = jsonify(data={"id": tweet_id, "text": text, "edit_history_post_ids": [tweet_id]})
        response.status_code = 201
        response.headers.update(_rate_headers(left - 1, reset))
        return response

    def metrics_limit(what: str, user: str, per_window: int) -> Response | dict[str, str]:
        """An injected metrics fault, or the user's window for `what` spent (429 with the
        reset), or the rate-limit headers to send with the answer."""
        fault = analytics.metrics_fault(state, NETWORK)
        if fault is not None:
            return fault_response(fault)
        allowed, left, reset = analytics.rate_window(
            state, f"x:{what}:{user}", per_window, WINDOW_SECONDS
        )
        headers = {
            "x-rate-limit-limit": str(per_window),
            "x-rate-limit-remaining": str(left),
            "x-rate-limit-reset": str(reset),
        }
        if not allowed:
            response = problem(429, "Too Many Requests", "Too Many Requests")
            response.headers.update(headers)
            return response
        return headers

    @bp.get("/2/tweets")
    def lookup_tweets():
        token = authorized("tweet.read")
        if isinstance(token, Response):
            return token
        limited = metrics_limit("lookup", user_id(token.account), LOOKUPS_PER_WINDOW)
        if isinstance(limited, Response):
            return limited
        ids = [i for i in request.args.get("ids", "").split(",") if i]
        if not ids or len(ids) > 100:
            return invalid("ids: between 1 and 100 ids are required", "ids")
        fields = (request.args.get("post.fields") or request.args.get("tweet.fields", "")).split(
            ","
        )
        found = {p["id"]: p for p in state.find_posts(NETWORK)}
        data, errors = [], []
        for tweet_id in ids:
            post = found.get(tweet_id)
            if post is None:
                errors.append(
                    {
                        "value": tweet_id,
                        "detail": f"Could not find tweet with ids: [{tweet_id}].",
                        "title": "Not Found Error",
                        "resource_type": "tweet",
                        "parameter": "ids",
                        "resource_id": tweet_id,
                        "type": "https://api.x.com/2/problems/resource-not-found",
                    }
                )
                continue
            private = [f for f in PRIVATE_FIELDS if f in fields]
            if private and not _private_allowed(post, user_id(token.account)):
                # As X: the post is left out of `data`, one problem per refused field.
                errors += [_field_refused(tweet_id, field) for field in private]
                continue
            tweet: dict[str, Any] = {
                "id": tweet_id,
                "text": post["text"],
                "edit_history_post_ids": [tweet_id],
            }
            if "public_metrics" in fields:
                tweet["public_metrics"] = _public_metrics(post)
            for field in private:
                tweet[field] = _private_metrics(post, field)
            data.append(tweet)
        body: dict[str, Any] = {"data": data} if data else {}
        if errors:
            body["errors"] = errors
        response = jsonify(body)
        response.headers.update(limited)
        return response

    return bp


def _attached_media(
    state: SandboxState, token: Token, media_ids: list[str]
) -> tuple[list[dict[str, Any]], str | None]:
    uploads = [state.objects.get(f"x:media:{m}") for m in media_ids]
    if any(u is None or u["owner"] != token.account for u in uploads):
        return [], "media_ids: a media id was not found"
    categories = [u["category"] for u in uploads if u]
    if len(uploads) > 4 or (len(uploads) > 1 and set(categories) != {"tweet_image"}):
        return [], "Your media IDs are invalid: up to 4 images, or 1 GIF, or 1 video."
    media = []
    for upload in uploads:
        assert upload is not None
        if not upload["finalized_at"]:
            return [], "media_ids: the upload was not finalized"
        processing = upload["category"] != "tweet_image" and (
            elapsed(upload["finalized_at"]) < processing_seconds(state)
        )
        if upload.get("error") or processing:
            return [], "Your media IDs are invalid: the media failed or is still processing."
        kind = {"tweet_image": "image", "tweet_gif": "gif", "tweet_video": "video"}
        entry = media_entry(kind[upload["category"]], upload["total"], upload)
        entry.update(content_type=upload["media_type"], alt_text=upload.get("alt_text"))
        media.append(entry)
    return media, None


# Non-public figures: X gives them only to the post's author, for 30 days.
PRIVATE_FIELDS = ("non_public_metrics", "organic_metrics")
PRIVATE_DAYS = 30


def _private_allowed(post: dict[str, Any], user: str) -> bool:
    age = analytics.clock() - post["received_at"]
    return str(post["account"]) == user and age <= PRIVATE_DAYS * 86400


def _field_refused(tweet_id: str, field: str) -> dict[str, Any]:
    return {
        "value": tweet_id,
        "detail": f"Sorry, you are not authorized to access '{field}' on the Post with ids "
        f"[{tweet_id}].",
        "title": "Field Authorization Error",
        "resource_type": "tweet",
        "parameter": "post.fields",
        "resource_id": tweet_id,
        "field": field,
        "section": "data",
        "type": "https://api.x.com/2/problems/not-authorized-for-field",
    }


def _private_metrics(post: dict[str, Any], field: str) -> dict[str, int]:
    """Link and profile clicks (the sandbox has no paid reach: organic = all)."""
    values = analytics.of_post(NETWORK, post)
    figures = {
        "impression_count": values["impressions"],
        "url_link_clicks": values["clicks"],
        "user_profile_clicks": round(values["clicks"] * 0.4),
    }
    if field == "organic_metrics":
        figures.update(
            like_count=values["likes"],
            reply_count=values["comments"],
            retweet_count=values["shares"],
        )
    return figures


def _public_metrics(post: dict[str, Any]) -> dict[str, int]:
    values = analytics.of_post(NETWORK, post)
    return {
        "repost_count": values["shares"],
        "reply_count": values["comments"],
        "like_count": values["likes"],
        "quote_count": values["quotes"],
        "bookmark_count": values["saves"],
        "impression_count": values["impressions"],
    }


register(SandboxNetwork(network_id=NETWORK, name="X", build=build, fault_response=fault_response))
