"""Sandbox Threads (graph.threads.net v1.0): OAuth, the long-lived token exchange and
refresh, TEXT / IMAGE / VIDEO / CAROUSEL containers (videos process for a moment),
threads_publish, replies, threads_publishing_limit, insights, permalinks.

Under /threads. Errors are Graph's `{"error": {"message", "type", "code",
"fbtrace_id"}}` (local/sandbox/networks/graph.py). Media is fetched from its URL.
"""

from __future__ import annotations

import re
import time
from typing import Any

from flask import Blueprint, Response, jsonify, request

from local.sandbox import analytics
from local.sandbox.framework import SandboxNetwork, fault_or_none, register
from local.sandbox.networks.common import (
    authorize_request,
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
from local.sandbox.networks.graph import graph_error, graph_fault, usage_limit
from local.sandbox.state import SandboxState, Token

NETWORK = "threads"
INSIGHT_READS_PER_HOUR = 200  # per profile
SHORT_SECONDS, LONG_SECONDS = 3600, 60 * 86400
REFRESH_MIN_AGE = 86400
SCOPES = {
    "threads_basic",
    "threads_content_publish",
    "threads_manage_insights",
    "threads_manage_replies",
}
MAX_TEXT, MAX_LINKS, QUOTA = 500, 5, 250
URL = re.compile(r"https?://\S+")
IMAGE_MAX = 8 * 1024**2


def fault_response(kind: str) -> Response:
    return graph_fault(kind)


def user_id(user: str) -> str:
    return stable_number("threads", user, digits=17)


def build(state: SandboxState) -> Blueprint:
    bp = Blueprint("threads", __name__)

    def invalid_token() -> Response:
        return graph_error(401, "Error validating access token: The session is invalid.", 190, 460)

    def token_of(*needed: str) -> Token | Response:
        token = state.token(NETWORK, request.values.get("access_token"))
        if token is None or token.extra.get("short"):
            return invalid_token()
        missing = [s for s in needed if s not in token.scopes]
        if missing:
            return graph_error(403, f"(#10) Application does not have permission: {missing[0]}", 10)
        return token

    # -- OAuth ---------------------------------------------------------------------------
    @bp.route("/oauth/authorize", methods=["GET", "POST"])
    def authorize():
        args = request.values
        scopes, problem = authorize_request(args, SCOPES, separator=",")
        if problem == "client":
            return "Invalid request: client_id and redirect_uri are required", 400
        if problem:
            return "Invalid scopes", 400
        return consent(state, NETWORK, "Threads", scopes, {"client_id": args["client_id"]})

    @bp.post("/oauth/access_token")
    def code_token():
        form = request.form
        grant = state.redeem_code(NETWORK, form.get("code", ""))
        if (
            not grant
            or grant["client_id"] != form.get("client_id")
            or not form.get("client_secret")
            or grant["redirect_uri"] != form.get("redirect_uri")
        ):
            return graph_error(400, "Invalid verification code format.", 100, 36007)
        short = state.issue_token(
            NETWORK, grant["user"], tuple(grant["scopes"]), SHORT_SECONDS, short=True
        )
        return jsonify(access_token=short.value, user_id=int(user_id(grant["user"])))

    def long_lived(user: str, scopes: tuple[str, ...]) -> Response:
        token = state.issue_token(NETWORK, user, scopes, LONG_SECONDS, issued_at=time.time())
        return jsonify(
            access_token=token.value,
            token_type="bearer",
            expires_in=token_lifetime(state, LONG_SECONDS),
        )

    @bp.get("/access_token")
    def exchange():
        args = request.args
        short = state.token(NETWORK, args.get("access_token"))
        if args.get("grant_type") != "th_exchange_token" or not args.get("client_secret"):
            return graph_error(400, "Unsupported grant_type or missing client_secret", 100)
        if short is None or not short.extra.get("short"):
            return invalid_token()
        return long_lived(short.account, short.scopes)

    @bp.get("/refresh_access_token")
    def refresh():
        args = request.args
        token = state.token(NETWORK, args.get("access_token"))
        if args.get("grant_type") != "th_refresh_token":
            return graph_error(400, "Unsupported grant_type", 100)
        if token is None or token.extra.get("short"):
            return invalid_token()
        min_age = REFRESH_MIN_AGE if state.token_ttl is None else 0
        if time.time() - token.extra.get("issued_at", 0) < min_age:
            return graph_error(
                400, "A long-lived token can be refreshed once it is at least 24 hours old", 100
            )
        return long_lived(token.account, token.scopes)

    @bp.get("/v1.0/me")
    def me():
        token = token_of("threads_basic")
        if isinstance(token, Response):
            return token
        user = token.account
        known = {
            "id": user_id(user),
            "username": user,
            "name": user.title(),
            "threads_profile_picture_url": f"https://scontent.cdninstagram.com/{user}.jpg",
        }
        fields = request.args.get("fields", "id").split(",")
        return jsonify({f: known[f] for f in fields if f in known})

    # -- containers and posts ----------------------------------------------------------------
    def posts_today(user: str) -> int:
        return len(
            [
                p
                for p in state.find_posts(NETWORK, user_id(user))
                if elapsed(p["received_at"]) < 86400
            ]
        )

    @bp.get("/v1.0/<owner>/threads_publishing_limit")
    def publishing_limit(owner: str):
        token = token_of("threads_basic")
        if isinstance(token, Response):
            return token
        if owner != user_id(token.account):
            return graph_error(400, "Unsupported get request.", 100, 33)
        quota = state.objects.get("threads:quota", QUOTA)
        return jsonify(
            data=[
                {
                    "quota_usage": posts_today(token.account),
                    "config": {"quota_total": quota, "quota_duration": 86400},
                }
            ]
        )

    @bp.post("/v1.0/<owner>/threads")
    def create_container(owner: str):
        token = token_of("threads_basic", "threads_content_publish")
        if isinstance(token, Response):
            return token
        if owner != user_id(token.account):
            return graph_error(400, "Unsupported post request.", 100, 33)
        args = request.values
        kind = args.get("media_type")
        text = args.get("text", "")
        if len(text) > MAX_TEXT:
            return graph_error(400, f"Param text must be at most {MAX_TEXT} characters long.", 100)
        if len(URL.findall(text)) > MAX_LINKS:
            return graph_error(400, f"Param text may contain at most {MAX_LINKS} links.", 100)
        container: dict[str, Any] = {
            "owner": token.account,
            "type": kind,
            "text": text,
            "media": [],
            "carousel_item": args.get("is_carousel_item") == "true",
            "reply_to": args.get("reply_to_id"),
            "link": args.get("link_attachment"),
            "created": time.time(),
            "error": None,
            "published": None,
        }
        if kind == "TEXT":
            if not text:
                return graph_error(400, "Param text is required for TEXT posts.", 100)
        elif kind in ("IMAGE", "VIDEO"):
            url = args.get("image_url" if kind == "IMAGE" else "video_url", "")
            if not url:
                return graph_error(400, f"Param {kind.lower()}_url is required.", 100)
            size, head, problem = fetch(url, IMAGE_MAX if kind == "IMAGE" else 64)
            info = image_info(head) if kind == "IMAGE" and not problem else None
            if kind == "IMAGE" and (
                info is None or info["content_type"] not in ("image/jpeg", "image/png")
            ):
                container["error"] = "Media download has failed: the image could not be read."
            elif kind == "VIDEO" and (problem or video_type(head) is None):
                container["error"] = "Media download has failed: the video could not be read."
            entry = media_entry(kind.lower(), size, info)
            entry["alt_text"] = args.get("alt_text")
            container["media"] = [entry]
        elif kind == "CAROUSEL":
            children = [c for c in args.get("children", "").split(",") if c]
            items = [state.objects.get(f"threads:container:{c}") for c in children]
            if not 2 <= len(children) <= 20 or any(
                i is None or not i["carousel_item"] or i["owner"] != token.account for i in items
            ):
                return graph_error(
                    400, "Param children must hold 2 to 20 carousel item containers.", 100
                )
            container["media"] = [m for i in items if i for m in i["media"]]
        else:
            return graph_error(400, "Param media_type must be TEXT, IMAGE, VIDEO or CAROUSEL.", 100)
        if container["reply_to"] and not [
            p for p in state.find_posts(NETWORK) if p["id"] == container["reply_to"]
        ]:
            return graph_error(400, "Param reply_to_id is not a Threads post.", 100)
        container_id = stable_number("threads-container", str(state.next_id()), digits=17)
        state.objects[f"threads:container:{container_id}"] = container
        return jsonify(id=container_id)

    def container_status(container: dict[str, Any]) -> str:
        if container["error"]:
            return "ERROR"
        if container["published"]:
            return "PUBLISHED"
        slow = container["type"] == "VIDEO" or any(m["type"] == "video" for m in container["media"])
        if slow and elapsed(container["created"]) < processing_seconds(state):
            return "IN_PROGRESS"
        return "FINISHED"

    @bp.post("/v1.0/<owner>/threads_publish")
    def publish(owner: str):
        token = token_of("threads_basic", "threads_content_publish")
        if isinstance(token, Response):
            return token
        fault = fault_or_none(state, NETWORK)
        if fault is not None:
            return fault
        container_id = request.values.get("creation_id", "")
        container = state.objects.get(f"threads:container:{container_id}")
        if container is None or container["owner"] != token.account or container["carousel_item"]:
            return graph_error(400, "Param creation_id is not a container you can publish.", 100)
        status = container_status(container)
        if status != "FINISHED":
            return graph_error(
                400, f"The media is not ready to be published ({status}).", 9007, 2207027
            )
        if posts_today(token.account) >= state.objects.get("threads:quota", QUOTA):
            return graph_error(400, "The user has reached the publishing limit.", 4)
        post_id = stable_number("threads-post", container_id, digits=17)
        container["published"] = post_id
        state.record_post(
            NETWORK,
            user_id(token.account),
            container["text"],
            id=post_id,
            media=container["media"],
            reply_to=container["reply_to"],
            media_type=container["type"],
            link=container["link"],
            username=token.account,
        )
        return jsonify(id=post_id)

    @bp.get("/v1.0/<node>/insights")
    def insights(node: str):
        token = token_of("threads_basic", "threads_manage_insights")
        if isinstance(token, Response):
            return token
        post = next((p for p in state.find_posts(NETWORK) if p["id"] == node), None)
        if post is None:
            return graph_error(400, "Unsupported get request.", 100, 33)
        if post["account"] != user_id(token.account):
            return graph_error(403, "(#10) Application does not have permission", 10)
        limited = usage_limit(state, NETWORK, post["account"], INSIGHT_READS_PER_HOUR)
        if isinstance(limited, Response):
            return limited
        values = analytics.of_post(NETWORK, post)
        link_shares = values["shares"] // 3
        known = {
            "views": values["views"],
            "likes": values["likes"],
            "replies": values["comments"],
            "reposts": values["shares"] - link_shares,
            "quotes": values["quotes"],
            "shares": link_shares,
        }
        names = request.args.get("metric", "").split(",")
        unknown = [n for n in names if n not in known]
        if unknown:
            return graph_error(400, f"(#100) Param metric contains unknown value {unknown[0]}", 100)
        response = jsonify(
            data=[
                {
                    "name": name,
                    "period": "lifetime",
                    "values": [{"value": known[name]}],
                    "title": name.title(),
                    "id": f"{node}/insights/{name}/lifetime",
                }
                for name in names
            ]
        )
        response.headers.update(limited)
        return response

    @bp.get("/v1.0/<owner>/threads_insights")
    def user_insights(owner: str):
        """The profile's insights; only followers_count is served (a total, no series)."""
        token = token_of("threads_basic", "threads_manage_insights")
        if isinstance(token, Response):
            return token
        if owner not in ("me", user_id(token.account)):
            return graph_error(403, "(#10) Application does not have permission", 10)
        account = user_id(token.account)
        names = [n for n in request.args.get("metric", "").split(",") if n]
        if names != ["followers_count"]:
            return graph_error(400, "(#100) Param metric must be followers_count here", 100)
        limited = usage_limit(state, NETWORK, account, INSIGHT_READS_PER_HOUR)
        if isinstance(limited, Response):
            return limited
        response = jsonify(
            data=[
                {
                    "name": "followers_count",
                    "period": "day",
                    "title": "followers_count",
                    "description": "This is the total number of followers on Threads.",
                    "total_value": {"value": analytics.followers(NETWORK, account)},
                    "id": f"{account}/insights/followers_count/day",
                }
            ]
        )
        response.headers.update(limited)
        return response

    @bp.get("/v1.0/<node>")
    def node(node: str):
        token = token_of("threads_basic")
        if isinstance(token, Response):
            return token
        container = state.objects.get(f"threads:container:{node}")
        if container is not None:
            return jsonify(
                id=node,
                status=container_status(container),
                error_message=container["error"],
            )
        post = next((p for p in state.find_posts(NETWORK) if p["id"] == node), None)
        if post is None:
            return graph_error(400, "Unsupported get request.", 100, 33)
        return jsonify(
            id=node,
            permalink=f"https://www.threads.net/@{post['username']}/post/{node}",
            text=post["text"],
        )

    return bp


register(
    SandboxNetwork(network_id=NETWORK, name="Threads", build=build, fault_response=fault_response)
)
