"""Sandbox Facebook Pages (Graph API) under /facebook: login, feed, photos, resumable
video upload, comments and insights, with Graph's error codes."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, jsonify, request

from local.sandbox import analytics
from local.sandbox.framework import SandboxNetwork, fault_or_none, register
from local.sandbox.networks.common import image_info, media_entry, stable_number, video_type
from local.sandbox.networks.graph import GraphSandbox, graph_error, graph_fault, usage_limit
from local.sandbox.state import SandboxState, Token

NETWORK = "facebook"
SCOPES = {
    "pages_show_list",
    "pages_read_engagement",
    "pages_manage_posts",
    "public_profile",
    "email",
}
MAX_MESSAGE = 63_206
PHOTO_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
PHOTO_MAX = 10 * 1024**2
VIDEO_CHUNK = 4 * 1024**2
# Post insights Meta serves today (the impressions family was retired in 2025).
INSIGHTS = {
    "post_media_view",
    "post_total_media_view_unique",
    "post_clicks",
    "post_reactions_by_type_total",
    "post_activity_by_action_type",
}
INSIGHT_READS_PER_HOUR = 200  # per Page


def pages(user: str) -> list[dict[str, Any]]:
    return [
        {"id": stable_number(NETWORK, "page", user, "1"), "name": f"{user.title()} Bakery"},
        {"id": stable_number(NETWORK, "page", user, "2"), "name": f"{user.title()} Studio"},
    ]


def fault_response(kind: str) -> Response:
    return graph_fault(kind)


def build(state: SandboxState) -> Blueprint:
    bp = Blueprint("facebook", __name__)
    graph = GraphSandbox(state, NETWORK, "Facebook", SCOPES, pages)
    graph.register(bp)

    def publish_token(page_id: str) -> Token | Response:
        return graph.page_token(page_id, "pages_manage_posts")

    def check_message(message: str) -> Response | None:
        if len(message) > MAX_MESSAGE:
            return graph_error(400, "(#100) The message is too long", 100)
        return None

    def record(page_id: str, text: str, media: list[dict[str, Any]], **fields: Any) -> str:
        post_id = f"{page_id}_{stable_number('fb-post', str(state.next_id()))}"
        mine = state.find_posts(NETWORK, page_id)
        if text and mine and mine[-1]["text"] == text:
            raise Duplicate
        state.record_post(NETWORK, page_id, text, id=post_id, media=media, **fields)
        return post_id

    @bp.post("/<version>/<page_id>/feed")
    def feed(version: str, page_id: str):
        token = publish_token(page_id)
        if isinstance(token, Response):
            return token
        fault = fault_or_none(state, NETWORK)
        if fault is not None:
            return fault
        message, link = request.form.get("message", ""), request.form.get("link")
        problem = check_message(message)
        if problem:
            return problem
        photo_ids = _attached_media_ids(request.form)
        if photo_ids is None:
            return graph_error(400, "(#100) param attached_media must be an array", 100)
        if not message and not link and not photo_ids:
            return graph_error(400, "(#100) Missing message or attachment", 100)
        media = []
        for index, photo_id in enumerate(photo_ids):
            photo = state.objects.get(f"facebook:photo:{photo_id}")
            if not photo or photo["page"] != page_id or photo["published"]:
                return graph_error(
                    400, f"(#100) param attached_media[{index}] has invalid media_fbid", 100
                )
            media.append(photo["entry"])
        try:
            post_id = record(page_id, message, media, link=link)
        except Duplicate:
            return graph_fault("duplicate")
        for photo_id in photo_ids:
            state.objects[f"facebook:photo:{photo_id}"]["published"] = True
        return jsonify(id=post_id)

    @bp.post("/<version>/<page_id>/photos")
    def photos(version: str, page_id: str):
        token = publish_token(page_id)
        if isinstance(token, Response):
            return token
        fault = fault_or_none(state, NETWORK)
        if fault is not None:
            return fault
        caption = request.form.get("caption") or request.form.get("message") or ""
        problem = check_message(caption)
        if problem:
            return problem
        data = _photo_bytes()
        if isinstance(data, Response):
            return data
        info = image_info(data)
        if info is None or info["content_type"] not in PHOTO_TYPES:
            return graph_error(400, "(#324) Missing or invalid image file", 324)
        entry = media_entry("image", len(data), info)
        entry["alt_text"] = request.form.get("alt_text_custom")
        photo_id = stable_number("fb-photo", str(state.next_id()))
        published = request.form.get("published", "true") != "false"
        state.objects[f"facebook:photo:{photo_id}"] = {
            "page": page_id,
            "entry": entry,
            "published": published,
        }
        if not published:
            return jsonify(id=photo_id)
        try:
            post_id = record(page_id, caption, [entry])
        except Duplicate:
            return graph_fault("duplicate")
        return jsonify(id=photo_id, post_id=post_id)

    @bp.post("/<version>/<page_id>/videos")
    def videos(version: str, page_id: str):
        token = publish_token(page_id)
        if isinstance(token, Response):
            return token
        phase = request.form.get("upload_phase")
        if phase in (None, "start"):
            fault = fault_or_none(state, NETWORK)
            if fault is not None:
                return fault
        if phase is None:
            return (
                graph_error(400, "(#100) file_url or upload_phase is required", 100)
                if not request.form.get("file_url")
                else _pull_video(page_id)
            )
        if phase == "start":
            size = request.form.get("file_size", "")
            if not size.isdigit() or int(size) <= 0:
                return graph_error(400, "(#100) param file_size must be a positive integer", 100)
            session = stable_number("fb-upload", str(state.next_id()))
            video_id = stable_number("fb-video", session)
            state.objects[f"facebook:upload:{session}"] = {
                "page": page_id,
                "video_id": video_id,
                "size": int(size),
                "received": 0,
                "head": b"",
            }
            return jsonify(
                video_id=video_id,
                upload_session_id=session,
                start_offset="0",
                end_offset=str(min(VIDEO_CHUNK, int(size))),
            )
        upload = state.objects.get(f"facebook:upload:{request.form.get('upload_session_id')}")
        if not upload or upload["page"] != page_id:
            return graph_error(400, "(#100) Invalid upload_session_id", 100, 1363037)
        if phase == "transfer":
            chunk = request.files.get("video_file_chunk")
            if chunk is None or request.form.get("start_offset") != str(upload["received"]):
                return graph_error(
                    400,
                    "(#100) start_offset does not match the expected offset",
                    100,
                    1363037,
                    error_user_msg=f"expected start_offset {upload['received']}",
                )
            data = chunk.read()
            if upload["received"] == 0:
                upload["head"] = data[:64]
            upload["received"] += len(data)
            upload.setdefault("chunks", []).append(len(data))
            begin = upload["received"]
            return jsonify(
                start_offset=str(begin), end_offset=str(min(upload["size"], begin + VIDEO_CHUNK))
            )
        if phase == "finish":
            if upload["received"] != upload["size"]:
                return graph_error(400, "(#100) The upload is incomplete", 100, 1363037)
            if video_type(upload["head"]) is None:
                return graph_error(
                    400,
                    "(#352) Sorry, the video file you selected is in a format that we don't "
                    "support.",
                    352,
                )
            description = request.form.get("description", "")
            problem = check_message(description)
            if problem:
                return problem
            entry = media_entry("video", upload["size"])
            entry["content_type"] = video_type(upload["head"])
            state.record_post(
                NETWORK,
                page_id,
                description,
                id=upload["video_id"],
                media=[entry],
                chunks=upload.get("chunks", []),
            )
            return jsonify(success=True)
        return graph_error(400, f"(#100) Invalid upload_phase {phase}", 100)

    def _pull_video(page_id: str):
        from local.sandbox.networks.common import fetch

        size, head, error = fetch(request.form["file_url"], 64)
        if error or video_type(head) is None:
            return graph_error(400, f"(#352) The video could not be used: {error or 'format'}", 352)
        video_id = stable_number("fb-video", str(state.next_id()))
        entry = media_entry("video", size)
        state.record_post(
            NETWORK, page_id, request.form.get("description", ""), id=video_id, media=[entry]
        )
        return jsonify(id=video_id)

    @bp.post("/<version>/<post_id>/comments")
    def comments(version: str, post_id: str):
        post = _post(state, post_id)
        if post is None:
            return graph_error(400, f"(#100) Object with ID '{post_id}' does not exist", 100, 33)
        token = graph.page_token(post["account"], "pages_manage_posts")
        if isinstance(token, Response):
            return token
        message = request.form.get("message", "")
        if not message:
            return graph_error(400, "(#100) Missing message", 100)
        comment_id = f"{post_id}_{stable_number('fb-comment', str(state.next_id()))}"
        post.setdefault("comments", []).append({"id": comment_id, "message": message})
        return jsonify(id=comment_id)

    @bp.get("/<version>/<post_id>/insights")
    def insights(version: str, post_id: str):
        post = _post(state, post_id)
        if post is None:
            return graph_error(400, f"(#100) Object with ID '{post_id}' does not exist", 100, 33)
        token = graph.page_token(post["account"], "pages_read_engagement")
        if isinstance(token, Response):
            return token
        names = [m for m in request.args.get("metric", "").split(",") if m]
        unknown = [m for m in names if m not in INSIGHTS]
        if not names or unknown:
            return graph_error(
                400, f"(#100) The value must be a valid insights metric: {','.join(unknown)}", 100
            )
        limited = usage_limit(state, NETWORK, post["account"], INSIGHT_READS_PER_HOUR)
        if isinstance(limited, Response):
            return limited
        response = jsonify(
            data=[
                {
                    "name": name,
                    "period": "lifetime",
                    "values": [{"value": _metric(post, name)}],
                    "title": name.replace("_", " ").capitalize(),
                    "id": f"{post_id}/insights/{name}/lifetime",
                }
                for name in names
            ],
            paging={"previous": "", "next": ""},
        )
        response.headers.update(limited)
        return response

    @bp.get("/<version>/<node_id>")
    def page_node(version: str, node_id: str):
        """A Page's own fields: its followers (the count Meta shows today) and likes."""
        token = graph.page_token(node_id, "pages_read_engagement")
        if isinstance(token, Response):
            return token
        limited = usage_limit(state, NETWORK, node_id, INSIGHT_READS_PER_HOUR)
        if isinstance(limited, Response):
            return limited
        fields = [f for f in request.args.get("fields", "id").split(",") if f]
        followers = analytics.followers(NETWORK, node_id)
        known: dict[str, Any] = {
            "id": node_id,
            "followers_count": followers,
            "fan_count": followers * 9 // 10,
        }
        response = jsonify({f: known[f] for f in fields if f in known})
        response.headers.update(limited)
        return response

    return bp


class Duplicate(Exception):
    pass


def _post(state: SandboxState, post_id: str) -> dict[str, Any] | None:
    return next((p for p in state.find_posts(NETWORK) if p["id"] == post_id), None)


def _attached_media_ids(form: Any) -> list[str] | None:
    """`attached_media=[{"media_fbid": ..}]` or `attached_media[0]={"media_fbid": ..}`."""
    items: list[Any] = []
    if form.get("attached_media"):
        try:
            items = json.loads(form["attached_media"])
        except ValueError:
            return None
        if not isinstance(items, list):
            return None
    indexed = sorted(
        (int(m.group(1)), value)
        for key, value in form.items()
        if (m := re.fullmatch(r"attached_media\[(\d+)\]", key))
    )
    for _, value in indexed:
        try:
            items.append(json.loads(value))
        except ValueError:
            return None
    ids = [str(i.get("media_fbid", "")) for i in items if isinstance(i, dict)]
    return ids if len(ids) == len(items) else None


def _photo_bytes() -> bytes | Response:
    upload = request.files.get("source")
    if upload is not None:
        data = upload.read(PHOTO_MAX + 1)
    elif request.form.get("url"):
        from local.sandbox.networks.common import fetch

        _, data, error = fetch(request.form["url"], PHOTO_MAX + 1)
        if error:
            return graph_error(400, f"(#324) Missing or invalid image file: {error}", 324)
    else:
        return graph_error(400, "(#324) Requires upload file", 324)
    if len(data) > PHOTO_MAX:
        return graph_error(400, "(#100) The image is larger than 10 MB", 100)
    return data


def _metric(post: dict[str, Any], name: str) -> Any:
    values = analytics.of_post(NETWORK, post)
    if name == "post_reactions_by_type_total":
        love = values["likes"] // 6
        return {"like": values["likes"] - love, "love": love}
    if name == "post_activity_by_action_type":
        return {"comment": values["comments"], "like": values["likes"], "share": values["shares"]}
    return {
        "post_media_view": values["views"],
        "post_total_media_view_unique": values["reach"],
        "post_clicks": values["clicks"],
    }[name]


register(
    SandboxNetwork(
        network_id=NETWORK, name="Facebook Pages", build=build, fault_response=fault_response
    )
)
