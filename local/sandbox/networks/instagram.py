"""Sandbox Instagram (Graph API, Facebook Login) under /instagram: containers fetched
from public URLs, status polling, media_publish, the 24-hour publishing limit, comments
and insights."""

from __future__ import annotations

import re
import time
from typing import Any

from flask import Blueprint, Response, jsonify, request

from local.sandbox import analytics
from local.sandbox.framework import SandboxNetwork, avatar_url, fault_or_none, register
from local.sandbox.networks.common import (
    elapsed,
    fetch,
    image_info,
    media_entry,
    processing_seconds,
    stable_number,
    video_type,
)
from local.sandbox.networks.graph import GraphSandbox, graph_error, graph_fault, usage_limit
from local.sandbox.state import SandboxState, Token

NETWORK = "instagram"
SCOPES = {
    "instagram_basic",
    "instagram_content_publish",
    "instagram_manage_insights",
    "instagram_manage_comments",
    "pages_show_list",
    "pages_read_engagement",
    "business_management",
}
CAPTION_MAX, HASHTAGS_MAX, MENTIONS_MAX = 2200, 30, 20
IMAGE_MAX = 8 * 1024**2
QUOTA_TOTAL, QUOTA_SECONDS = 100, 86400
INSIGHTS = {"views", "reach", "likes", "comments", "shares", "saved", "total_interactions"}
INSIGHT_READS_PER_HOUR = 200  # per Instagram account
MEDIA_TYPES = {None, "IMAGE", "VIDEO", "REELS", "STORIES", "CAROUSEL"}


def pages(user: str) -> list[dict[str, Any]]:
    return [
        {
            "id": stable_number(NETWORK, "page", user, "1"),
            "name": f"{user.title()} Bakery",
            "instagram": {
                "id": stable_number(NETWORK, "ig", user, "1", digits=17),
                "username": f"{user}.bakery",
                "name": f"{user.title()} Bakery",
                "profile_picture_url": avatar_url("instagram", user),
            },
        },
        # A Page with no Instagram account linked: not an Instagram identity.
        {"id": stable_number(NETWORK, "page", user, "2"), "name": f"{user.title()} Studio"},
    ]


def fault_response(kind: str) -> Response:
    return graph_fault(kind)


def build(state: SandboxState) -> Blueprint:
    bp = Blueprint("instagram", __name__)
    graph = GraphSandbox(state, NETWORK, "Instagram (Facebook Login)", SCOPES, pages)
    graph.register(bp)

    def owner(ig_id: str, *needed: str) -> Token | Response:
        """The caller's token, if it may act for Instagram account `ig_id`."""
        token = graph.token(*needed)
        if isinstance(token, Response):
            return token
        allowed = {
            p["instagram"]["id"]: p["id"] for p in pages(token.account) if p.get("instagram")
        }
        page_id = token.extra.get("page_id")
        if ig_id not in allowed or (page_id and allowed[ig_id] != page_id):
            return graph_error(
                400,
                f"Unsupported request - method type: post. Object with ID '{ig_id}' does not "
                "exist, cannot be loaded due to missing permissions, or does not support this "
                "operation",
                100,
                33,
            )
        return token

    def published_today(ig_id: str) -> int:
        return sum(
            1
            for p in state.find_posts(NETWORK, ig_id)
            if time.time() - p["received_at"] < QUOTA_SECONDS
        )

    def quota_total() -> int:
        return int(state.objects.get("_instagram_quota_total", QUOTA_TOTAL))

    @bp.post("/<version>/<ig_id>/media")
    def create_container(version: str, ig_id: str):
        token = owner(ig_id, "instagram_basic", "instagram_content_publish")
        if isinstance(token, Response):
            return token
        form = request.form
        media_type = form.get("media_type") or None
        if media_type not in MEDIA_TYPES:
            return graph_error(400, f"(#100) Invalid media_type {media_type}", 100)
        caption = form.get("caption", "")
        problem = _caption_problem(caption)
        if problem:
            return problem
        container: dict[str, Any] = {
            "owner": ig_id,
            "type": media_type or "IMAGE",
            "created": time.time(),
            "caption": caption,
            "carousel_item": form.get("is_carousel_item") == "true",
            "media": [],
            "error": None,
            "published": False,
        }
        if media_type == "CAROUSEL":
            children = [c for c in form.get("children", "").split(",") if c]
            if not 2 <= len(children) <= 10:
                return graph_error(
                    400,
                    "The carousel must have between 2 and 10 children.",
                    100,
                    2207024,
                )
            for child in children:
                item = state.objects.get(f"instagram:container:{child}")
                if not item or item["owner"] != ig_id or not item["carousel_item"]:
                    return graph_error(
                        400, f"(#100) children: {child} is not a carousel item container", 100
                    )
            container["children"] = children
        elif form.get("video_url"):
            if media_type not in ("VIDEO", "REELS", "STORIES"):
                return graph_error(
                    400, "(#100) video_url requires media_type REELS, STORIES or VIDEO", 100
                )
            if media_type == "VIDEO" and not container["carousel_item"]:
                return graph_error(
                    400,
                    "The VIDEO media type is no longer supported for single videos: use REELS",
                    100,
                    2207067,
                )
            size, head, error = fetch(form["video_url"], 64)
            kind = video_type(head)
            if error or kind not in ("video/mp4", "video/quicktime"):
                container["error"] = (
                    f"Error: Media download has failed. {error}"
                    if error
                    else "Error: The video format is not supported. Please check spec for "
                    "supported video formats (MOV or MP4)."
                )
            container["media"] = [{**media_entry("video", size), "content_type": kind}]
        elif form.get("image_url"):
            if media_type not in (None, "IMAGE", "STORIES"):
                return graph_error(400, "(#100) image_url does not go with this media_type", 100)
            size, data, error = fetch(form["image_url"], IMAGE_MAX + 1)
            if error:
                return graph_error(400, f"Media download has failed: {error}", 9004, 2207052)
            info = image_info(data)
            if size > IMAGE_MAX or info is None or info["content_type"] != "image/jpeg":
                return graph_error(
                    400,
                    "Only photo or video can be accepted as media type: the image must be a "
                    "JPEG of at most 8 MB.",
                    9004,
                    2207026,
                )
            ratio = info["width"] / info["height"]
            if media_type != "STORIES" and not 0.8 <= round(ratio, 2) <= 1.91:
                return graph_error(
                    400,
                    f"The submitted image with aspect ratio ('{ratio:.2f}') cannot be "
                    "published. Please submit an image with a valid aspect ratio.",
                    36003,
                    2207009,
                )
            container["media"] = [
                {**media_entry("image", size, info), "alt_text": form.get("alt_text")}
            ]
        else:
            return graph_error(400, "(#100) The parameter image_url or video_url is required", 100)
        container_id = stable_number("ig-container", str(state.next_id()), digits=17)
        state.objects[f"instagram:container:{container_id}"] = container
        return jsonify(id=container_id)

    def status_of(container: dict[str, Any]) -> str:
        if container["published"]:
            return "PUBLISHED"
        if container["error"]:
            return "ERROR"
        if container["type"] == "CAROUSEL":
            children = [state.objects[f"instagram:container:{c}"] for c in container["children"]]
            states = {status_of(c) for c in children}
            return (
                "ERROR"
                if "ERROR" in states
                else ("FINISHED" if states == {"FINISHED"} else "IN_PROGRESS")
            )
        is_video = container["media"] and container["media"][0]["type"] == "video"
        wait = processing_seconds(state) if is_video else 0
        return "FINISHED" if elapsed(container["created"]) >= wait else "IN_PROGRESS"

    def ig_account(node: str) -> Response | None:
        """The account's own fields (followers), when `node` is one of the caller's
        Instagram accounts."""
        token = graph.token("instagram_basic")
        if isinstance(token, Response):
            return token
        mine = [p["instagram"] for p in pages(token.account) if p.get("instagram")]
        account = next((a for a in mine if a["id"] == node), None)
        if account is None:
            return None
        limited = usage_limit(state, NETWORK, node, INSIGHT_READS_PER_HOUR)
        if isinstance(limited, Response):
            return limited
        followers = analytics.followers(NETWORK, node)
        known = {
            "id": node,
            "username": account.get("username"),
            "followers_count": followers,
            "follows_count": 200 + followers % 500,
            "media_count": len(state.find_posts(NETWORK, node)),
        }
        fields = request.args.get("fields", "id").split(",")
        response = jsonify({f: known[f] for f in fields if f in known})
        response.headers.update(limited)
        return response

    @bp.get("/<version>/<node>")
    def node(version: str, node: str):
        container = state.objects.get(f"instagram:container:{node}")
        media = _media(state, node)
        if container is None and media is None:
            account = ig_account(node)
            if account is not None:
                return account
            return graph_error(400, f"(#100) Object with ID '{node}' does not exist", 100, 33)
        token = owner(container["owner"] if container else media["account"], "instagram_basic")
        if isinstance(token, Response):
            return token
        fields = request.args.get("fields", "id").split(",")
        body: dict[str, Any] = {"id": node}
        if container is not None:
            status = status_of(container)
            if "status_code" in fields:
                body["status_code"] = status
            if "status" in fields:
                body["status"] = container["error"] or (
                    "Finished: Media has been uploaded and it is ready to be published."
                    if status in ("FINISHED", "PUBLISHED")
                    else "In Progress: Media is still being processed."
                )
            return jsonify(body)
        assert media is not None
        values = {
            "permalink": f"https://www.instagram.com/p/{node[-11:]}/",
            "caption": media["text"],
            "media_type": media["media_type"],
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(media["received_at"])),
        }
        body.update({f: values[f] for f in fields if f in values})
        return jsonify(body)

    @bp.get("/<version>/<ig_id>/content_publishing_limit")
    def publishing_limit(version: str, ig_id: str):
        token = owner(ig_id, "instagram_basic")
        if isinstance(token, Response):
            return token
        return jsonify(
            data=[
                {
                    "quota_usage": published_today(ig_id),
                    "config": {"quota_total": quota_total(), "quota_duration": QUOTA_SECONDS},
                }
            ]
        )

    @bp.post("/<version>/<ig_id>/media_publish")
    def media_publish(version: str, ig_id: str):
        token = owner(ig_id, "instagram_basic", "instagram_content_publish")
        if isinstance(token, Response):
            return token
        fault = fault_or_none(state, NETWORK)
        if fault is not None:
            return fault
        creation_id = request.values.get("creation_id", "")
        container = state.objects.get(f"instagram:container:{creation_id}")
        if not container or container["owner"] != ig_id or container["carousel_item"]:
            return graph_error(400, "(#100) Invalid creation_id", 100, 2207032)
        status = status_of(container)
        if status == "PUBLISHED":
            return graph_error(400, "(#100) The media has already been published", 100, 2207032)
        if status != "FINISHED":
            return graph_error(
                400,
                "The media is not ready for publishing, please wait for a moment",
                9007,
                2207027,
                error_user_title="Media ID is not available",
            )
        if published_today(ig_id) >= quota_total():
            return graph_error(
                400,
                "Application request limit reached",
                9,
                2207042,
                error_user_title="You have reached the maximum number of posts allowed",
            )
        media = container["media"]
        if container["type"] == "CAROUSEL":
            media = [
                entry
                for child in container["children"]
                for entry in state.objects[f"instagram:container:{child}"]["media"]
            ]
        media_id = stable_number("ig-media", str(state.next_id()), digits=17)
        container["published"] = True
        state.record_post(
            NETWORK,
            ig_id,
            container["caption"],
            id=media_id,
            media=media,
            media_type={"IMAGE": "IMAGE", "REELS": "VIDEO", "STORIES": "STORY"}.get(
                container["type"], "CAROUSEL_ALBUM"
            ),
        )
        return jsonify(id=media_id)

    @bp.post("/<version>/<media_id>/comments")
    def comments(version: str, media_id: str):
        media = _media(state, media_id)
        if media is None:
            return graph_error(400, f"(#100) Object with ID '{media_id}' does not exist", 100, 33)
        token = owner(media["account"], "instagram_basic")
        if isinstance(token, Response):
            return token
        message = request.values.get("message", "")
        problem = _caption_problem(message)
        if not message or problem:
            return problem or graph_error(400, "(#100) message is required", 100)
        comment_id = stable_number("ig-comment", str(state.next_id()), digits=17)
        media.setdefault("comments", []).append({"id": comment_id, "text": message})
        return jsonify(id=comment_id)

    @bp.get("/<version>/<media_id>/insights")
    def insights(version: str, media_id: str):
        media = _media(state, media_id)
        if media is None:
            return graph_error(400, f"(#100) Object with ID '{media_id}' does not exist", 100, 33)
        token = owner(media["account"], "instagram_manage_insights")
        if isinstance(token, Response):
            return token
        names = [m for m in request.args.get("metric", "").split(",") if m]
        unknown = [m for m in names if m not in INSIGHTS]
        if not names or unknown:
            return graph_error(
                400,
                "(#100) metric[0] must be one of the following values: "
                + ", ".join(sorted(INSIGHTS)),
                100,
            )
        limited = usage_limit(state, NETWORK, media["account"], INSIGHT_READS_PER_HOUR)
        if isinstance(limited, Response):
            return limited
        values = analytics.late_insights_of_post(NETWORK, media)  # up to 48 h late
        values["saved"] = values["saves"]
        values["total_interactions"] = sum(
            values[k] for k in ("likes", "comments", "shares", "saves")
        )
        response = jsonify(
            data=[
                {
                    "name": name,
                    "period": "lifetime",
                    "values": [{"value": values[name]}],
                    "title": name.title(),
                    "id": f"{media_id}/insights/{name}/lifetime",
                }
                for name in names
            ]
        )
        response.headers.update(limited)
        return response

    return bp


def _media(state: SandboxState, media_id: str) -> dict[str, Any] | None:
    return next((p for p in state.find_posts(NETWORK) if p["id"] == media_id), None)


def _caption_problem(caption: str) -> Response | None:
    if len(caption) > CAPTION_MAX:
        return graph_error(
            400,
            "Invalid parameter",
            100,
            2207025,
            error_user_title="Caption too long",
            error_user_msg=f"The caption is more than {CAPTION_MAX} characters.",
        )
    if len(re.findall(r"(?<!\w)#\w+", caption)) > HASHTAGS_MAX:
        return graph_error(
            400,
            "Invalid parameter",
            100,
            2207025,
            error_user_msg=f"The caption has more than {HASHTAGS_MAX} hashtags.",
        )
    if len(re.findall(r"(?<!\w)@[\w.]+", caption)) > MENTIONS_MAX:
        return graph_error(
            400,
            "Invalid parameter",
            100,
            2207025,
            error_user_msg=f"The caption mentions more than {MENTIONS_MAX} accounts.",
        )
    return None


register(
    SandboxNetwork(network_id=NETWORK, name="Instagram", build=build, fault_response=fault_response)
)
