"""Sandbox LinkedIn under /linkedin: OAuth, userinfo, organisation ACLs, the Images and
Videos APIs (upload URLs, parts with ETags, finalizeUpload), the Posts API (201 +
`x-restli-id`), comments and social actions; versioned headers are required."""

from __future__ import annotations

import re
import secrets
import time
from typing import Any
from urllib.parse import unquote

from flask import Blueprint, Response, jsonify, request

from local.sandbox import analytics
from local.sandbox.framework import SandboxNetwork, avatar_url, fault_or_none, register
from local.sandbox.networks.common import (
    bearer,
    consent,
    elapsed,
    image_info,
    media_entry,
    processing_seconds,
    stable_number,
    token_lifetime,
    video_type,
)
from local.sandbox.state import SandboxState, Token

NETWORK = "linkedin"
ACCESS_SECONDS = 60 * 86400
REFRESH_SECONDS = 365 * 86400
SCOPES = {
    "openid",
    "profile",
    "email",
    "w_member_social",
    "r_organization_social",
    "w_organization_social",
    "rw_organization_admin",
    "r_member_postAnalytics",
    "r_member_followersCount",
}
# Analytics reads per member and app a day (LinkedIn's APPLICATION_AND_MEMBER DAY limit).
READS_PER_DAY = 20_000
PART_BYTES = 4 * 1024**2
COMMENTARY_MAX = 3000
RESERVED = set("\\|{}@[]()<>#*_~")
IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif"}


def error(status: int, message: str, code: str | None = None, service: int | None = None):
    body: dict[str, Any] = {"status": status, "message": message}
    if code:
        body["code"] = code
    if service is not None:
        body["serviceErrorCode"] = service
    response = jsonify(body)
    response.status_code = status
    return response


def fault_response(kind: str) -> Response:
    if kind == "429":
        return error(
            429,
            "Resource level throttle APPLICATION_AND_MEMBER DAY limit for calls to this "
            "resource is reached.",
            "TOO_MANY_REQUESTS",
            101,
        )
    if kind == "401":
        return error(401, "Invalid access token", "INVALID_ACCESS_TOKEN", 65600)
    if kind == "duplicate":
        return error(422, f"Content is a duplicate of urn:li:share:{stable_number('dup')}")
    return error(503, "Service Unavailable", "SERVICE_UNAVAILABLE")


def member_id(name: str) -> str:
    return "m" + stable_number(NETWORK, "member", name, digits=9)


def organizations(name: str) -> list[dict[str, Any]]:
    return [
        {
            "id": int(stable_number(NETWORK, "org", name, digits=8)),
            "localizedName": f"{name.title()} Bakery Ltd",
            "vanityName": f"{name}-bakery",
        }
    ]


def unescape_commentary(text: str) -> tuple[str, str | None]:
    """The plain text of little-text commentary, or why it is not valid."""
    out, escaped = [], False
    for position, char in enumerate(text):
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in RESERVED:
            return "", f"/commentary: unescaped reserved character {char!r} at {position}"
        else:
            out.append(char)
    return "".join(out), None


def build(state: SandboxState) -> Blueprint:
    bp = Blueprint("linkedin", __name__)

    def token_of(*needed: str) -> Token | Response:
        value = bearer()
        token = state.token(NETWORK, value)
        if token is None:
            known = state.tokens.get(value or "")
            if known is not None and known.revoked:
                return error(
                    401,
                    "The token used in the request has been revoked by the user",
                    "REVOKED_ACCESS_TOKEN",
                    65602,
                )
            if known is not None and known.expired:
                return error(
                    401, "The token used in the request has expired", "EXPIRED_ACCESS_TOKEN", 65601
                )
            return error(401, "Invalid access token", "INVALID_ACCESS_TOKEN", 65600)
        missing = [s for s in needed if s not in token.scopes]
        if missing:
            return error(
                403,
                f"Not enough permissions to access: {request.method} {request.path} "
                f"(needs {', '.join(missing)})",
                "ACCESS_DENIED",
                100,
            )
        return token

    def rest(*needed: str) -> Token | Response:
        version = request.headers.get("LinkedIn-Version", "")
        if not re.fullmatch(r"20\d{4}(\.\d{2})?", version):
            return error(
                400,
                "A version must be present. Please specify a version by adding the "
                "LinkedIn-Version header.",
                "VERSION_MISSING",
            )
        if request.headers.get("X-Restli-Protocol-Version") != "2.0.0":
            return error(400, "X-Restli-Protocol-Version 2.0.0 is required", "ILLEGAL_ARGUMENT")
        return token_of(*needed)

    def may_author(token: Token, author: str) -> Response | None:
        if author == f"urn:li:person:{member_id(token.account)}":
            needed = "w_member_social"
        elif author in {f"urn:li:organization:{o['id']}" for o in organizations(token.account)}:
            needed = "w_organization_social"
        else:
            return error(403, f"Not enough permissions to act as {author}", "ACCESS_DENIED", 100)
        if needed not in token.scopes:
            return error(
                403,
                f"Not enough permissions to access: posts (needs {needed})",
                "ACCESS_DENIED",
                100,
            )
        return None

    # -- OAuth ---------------------------------------------------------------------------
    @bp.route("/oauth/v2/authorization", methods=["GET", "POST"])
    def authorize():
        args = request.values
        scopes = tuple(args.get("scope", "").replace(",", " ").split())
        unknown = [s for s in scopes if s not in SCOPES]
        if not args.get("client_id") or not args.get("redirect_uri") or unknown:
            return f"invalid_request: bad client_id, redirect_uri or scope {unknown}", 400
        return consent(state, NETWORK, "LinkedIn", scopes, {"client_id": args["client_id"]})

    def oauth_error(code: str, description: str, status: int = 400):
        response = jsonify(error=code, error_description=description)
        response.status_code = status
        return response

    @bp.post("/oauth/v2/accessToken")
    def access_token():
        form = request.form
        if not form.get("client_id") or not form.get("client_secret"):
            return oauth_error("invalid_client", "Client authentication failed", 401)
        if form.get("grant_type") == "authorization_code":
            grant = state.redeem_code(NETWORK, form.get("code", ""))
            if (
                not grant
                or grant["client_id"] != form["client_id"]
                or grant["redirect_uri"] != form.get("redirect_uri")
            ):
                return oauth_error(
                    "invalid_request",
                    "Unable to retrieve access token: appid/redirect uri/code verifier does "
                    "not match authorization code. Or authorization code expired.",
                )
            refresh = state.issue_token(
                NETWORK,
                grant["user"],
                tuple(grant["scopes"]),
                REFRESH_SECONDS,
                kind="refresh",
                client_id=form["client_id"],
            )
            return issue(grant["user"], tuple(grant["scopes"]), refresh)
        if form.get("grant_type") == "refresh_token":
            refresh = state.token(NETWORK, form.get("refresh_token"), kind="refresh")
            if refresh is None or refresh.extra.get("client_id") != form["client_id"]:
                return oauth_error(
                    "invalid_grant", "The provided refresh token is invalid or expired"
                )
            return issue(refresh.account, refresh.scopes, refresh)
        return oauth_error("unsupported_grant_type", "grant_type is not supported")

    def issue(user: str, scopes: tuple[str, ...], refresh: Token):
        access = state.issue_token(NETWORK, user, scopes, ACCESS_SECONDS)
        # The refresh token keeps its lifetime from the first grant: it does not rotate.
        remaining = int(refresh.expires_at - time.time()) if refresh.expires_at else None
        return jsonify(
            access_token=access.value,
            expires_in=token_lifetime(state, ACCESS_SECONDS),
            refresh_token=refresh.value,
            refresh_token_expires_in=remaining,
            scope=",".join(scopes),
        )

    @bp.post("/oauth/v2/revoke")
    def revoke():
        state.revoke(request.form.get("token", ""))
        return "", 200

    # -- people and organisations ------------------------------------------------------------
    @bp.get("/v2/userinfo")
    def userinfo():
        token = token_of("openid", "profile")
        if isinstance(token, Response):
            return token
        return jsonify(
            sub=member_id(token.account),
            name=token.account.title(),
            given_name=token.account.title(),
            family_name="Sandbox",
            picture=avatar_url("linkedin", token.account),
            locale={"country": "US", "language": "en"},
        )

    @bp.get("/rest/organizationAcls")
    def organization_acls():
        token = rest("rw_organization_admin")
        if isinstance(token, Response):
            return token
        if request.args.get("q") != "roleAssignee":
            return error(400, "q must be roleAssignee", "ILLEGAL_ARGUMENT")
        elements = [
            {
                "organization": f"urn:li:organization:{o['id']}",
                "role": "ADMINISTRATOR",
                "state": "APPROVED",
                "roleAssignee": f"urn:li:person:{member_id(token.account)}",
            }
            for o in organizations(token.account)
        ]
        return jsonify(elements=elements, paging={"count": 10, "start": 0, "total": len(elements)})

    @bp.get("/rest/organizations/<int:org_id>")
    def organization(org_id: int):
        token = rest()
        if isinstance(token, Response):
            return token
        for org in organizations(token.account):
            if org["id"] == org_id:
                return jsonify(org)
        return error(404, f"Organization {org_id} not found", "NOT_FOUND")

    # -- images --------------------------------------------------------------------------
    @bp.post("/rest/images")
    def images():
        token = rest()
        if isinstance(token, Response):
            return token
        if request.args.get("action") != "initializeUpload":
            return error(400, "action must be initializeUpload", "ILLEGAL_ARGUMENT")
        owner = ((request.get_json(silent=True) or {}).get("initializeUploadRequest") or {}).get(
            "owner", ""
        )
        problem = may_author(token, owner)
        if problem:
            return problem
        image_id = f"D{secrets.token_hex(8)}"
        state.objects[f"linkedin:image:{image_id}"] = {"owner": owner, "entry": None}
        return jsonify(
            value={
                "uploadUrlExpiresAt": int((time.time() + 86400) * 1000),
                "uploadUrl": f"{request.host_url}linkedin/dms-uploads/image/{image_id}",
                "image": f"urn:li:image:{image_id}",
            }
        )

    @bp.put("/dms-uploads/image/<image_id>")
    def upload_image(image_id: str):
        token = token_of()
        if isinstance(token, Response):
            return token
        image = state.objects.get(f"linkedin:image:{image_id}")
        if image is None:
            return error(404, "upload not found", "NOT_FOUND")
        data = request.get_data()
        info = image_info(data)
        if info is None or info["content_type"] not in IMAGE_TYPES:
            return error(400, "The uploaded file is not a supported image (JPG, PNG, GIF)")
        image["entry"] = media_entry("image", len(data), info)
        return "", 201

    # -- videos --------------------------------------------------------------------------
    @bp.post("/rest/videos")
    def videos():
        token = rest()
        if isinstance(token, Response):
            return token
        body = request.get_json(silent=True) or {}
        action = request.args.get("action")
        if action == "initializeUpload":
            init = body.get("initializeUploadRequest") or {}
            problem = may_author(token, init.get("owner", ""))
            if problem:
                return problem
            size = init.get("fileSizeBytes")
            if not isinstance(size, int) or not 75 <= size <= 5 * 1024**3:
                return error(400, "fileSizeBytes must be between 75 bytes and 5 GB")
            video_id = f"C{secrets.token_hex(8)}"
            parts = [
                (first, min(first + PART_BYTES, size) - 1) for first in range(0, size, PART_BYTES)
            ]
            state.objects[f"linkedin:video:{video_id}"] = {
                "owner": init["owner"],
                "size": size,
                "parts": parts,
                "etags": {},
                "head": b"",
                "status": "WAITING_UPLOAD",
            }
            host = f"{request.host_url}linkedin/dms-uploads/video/{video_id}"
            return jsonify(
                value={
                    "uploadUrlsExpireAt": int((time.time() + 86400) * 1000),
                    "video": f"urn:li:video:{video_id}",
                    "uploadInstructions": [
                        {
                            "uploadUrl": f"{host}/{i}?sig={secrets.token_hex(6)}",
                            "firstByte": a,
                            "lastByte": b,
                        }
                        for i, (a, b) in enumerate(parts)
                    ],
                    "uploadToken": secrets.token_hex(8) if len(parts) > 1 else "",
                }
            )
        if action == "finalizeUpload":
            final = body.get("finalizeUploadRequest") or {}
            video = state.objects.get(
                f"linkedin:video:{str(final.get('video', '')).rsplit(':', 1)[-1]}"
            )
            if video is None:
                return error(404, "video not found", "NOT_FOUND")
            expected = [video["etags"].get(i) for i in range(len(video["parts"]))]
            if final.get("uploadedPartIds") != expected:
                return error(
                    400, "uploadedPartIds do not match the uploaded parts", "ILLEGAL_ARGUMENT"
                )
            video["status"] = "PROCESSING"
            video["finalized_at"] = time.time()
            if video_type(video["head"]) != "video/mp4":
                video["failure"] = "FILE_FORMAT_NOT_SUPPORTED"
            return "", 200
        return error(400, "action must be initializeUpload or finalizeUpload", "ILLEGAL_ARGUMENT")

    @bp.put("/dms-uploads/video/<video_id>/<int:part>")
    def upload_part(video_id: str, part: int):
        video = state.objects.get(f"linkedin:video:{video_id}")
        if video is None or not 0 <= part < len(video["parts"]) or not request.args.get("sig"):
            return error(404, "upload not found", "NOT_FOUND")
        first, last = video["parts"][part]
        size = 0
        head = b""
        while piece := request.stream.read(1024 * 1024):
            if part == 0 and len(head) < 64:
                head += piece[: 64 - len(head)]
            size += len(piece)
        if size != last - first + 1:
            return error(400, f"part {part} must be {last - first + 1} bytes, got {size}")
        if part == 0:
            video["head"] = head
        etag = secrets.token_hex(16)
        video["etags"][part] = etag
        video.setdefault("part_sizes", {})[part] = size
        return "", 200, {"ETag": f'"{etag}"'}

    def video_status(video: dict[str, Any]) -> str:
        if video["status"] != "PROCESSING":
            return video["status"]
        if video.get("failure"):
            return "PROCESSING_FAILED"
        done = elapsed(video["finalized_at"]) >= processing_seconds(state)
        return "AVAILABLE" if done else "PROCESSING"

    @bp.get("/rest/videos/<path:urn>")
    def video_info(urn: str):
        token = rest()
        if isinstance(token, Response):
            return token
        video = state.objects.get(f"linkedin:video:{unquote(urn).rsplit(':', 1)[-1]}")
        if video is None:
            return error(404, "video not found", "NOT_FOUND")
        body = {"id": unquote(urn), "owner": video["owner"], "status": video_status(video)}
        if video.get("failure"):
            body["processingFailureReason"] = video["failure"]
        return jsonify(body)

    # -- posts ---------------------------------------------------------------------------
    @bp.post("/rest/posts")
    def posts():
        token = rest()
        if isinstance(token, Response):
            return token
        fault = fault_or_none(state, NETWORK)
        if fault is not None:
            return fault
        body = request.get_json(silent=True) or {}
        author = body.get("author", "")
        problem = may_author(token, author)
        if problem:
            return problem
        for field in ("commentary", "visibility", "distribution", "lifecycleState"):
            if field not in body:
                return error(422, f"/{field} :: field is required", "UNPROCESSABLE_ENTITY")
        text, why = unescape_commentary(body["commentary"])
        if why:
            return error(422, why, "UNPROCESSABLE_ENTITY")
        if len(text) > COMMENTARY_MAX:
            return error(
                422,
                f"/commentary :: length {len(text)} exceeds {COMMENTARY_MAX}",
                "UNPROCESSABLE_ENTITY",
            )
        media, why = content_media(body.get("content") or {}, author)
        if why:
            return error(422, why, "UNPROCESSABLE_ENTITY")
        mine = state.find_posts(NETWORK, author)
        if text and any(p["text"] == text for p in mine[-10:]):
            return fault_response("duplicate")
        urn = f"urn:li:share:{stable_number('li-share', str(state.next_id()), digits=19)}"
        state.record_post(
            NETWORK,
            author,
            text,
            id=urn,
            media=media,
            visibility=body["visibility"],
            article=((body.get("content") or {}).get("article") or {}).get("source"),
        )
        return "", 201, {"x-restli-id": urn}

    def content_media(
        content: dict[str, Any], author: str
    ) -> tuple[list[dict[str, Any]], str | None]:
        refs = []
        if "media" in content:
            refs = [content["media"]]
        elif "multiImage" in content:
            refs = (content["multiImage"] or {}).get("images") or []
            if not 2 <= len(refs) <= 20:
                return [], "/content/multiImage/images :: between 2 and 20 images are required"
        media = []
        for ref in refs:
            urn = str(ref.get("id", ""))
            kind, _, key = urn.removeprefix("urn:li:").partition(":")
            item = state.objects.get(f"linkedin:{kind}:{key}")
            if item is None or item["owner"] != author:
                return [], f"/content :: media {urn} does not exist or belongs to someone else"
            if kind == "image":
                if item["entry"] is None:
                    return [], f"/content :: image {urn} was never uploaded"
                media.append({**item["entry"], "alt_text": ref.get("altText")})
            elif kind == "video":
                if "multiImage" in content:
                    return [], "/content/multiImage :: only images are allowed"
                if video_status(item) != "AVAILABLE":
                    return [], f"/content :: video {urn} is not AVAILABLE ({video_status(item)})"
                entry = media_entry("video", item["size"])
                entry.update(content_type="video/mp4", parts=len(item["parts"]))
                media.append(entry)
            else:
                return [], f"/content :: unsupported media {urn}"
        return media, None

    def post_of(urn: str) -> dict[str, Any] | None:
        return next((p for p in state.find_posts(NETWORK) if p["id"] == unquote(urn)), None)

    @bp.post("/rest/socialActions/<path:urn>/comments")
    def comment(urn: str):
        token = rest()
        if isinstance(token, Response):
            return token
        post = post_of(urn)
        if post is None:
            return error(404, f"{unquote(urn)} not found", "NOT_FOUND")
        body = request.get_json(silent=True) or {}
        problem = may_author(token, body.get("actor", ""))
        if problem:
            return problem
        text = ((body.get("message") or {}).get("text")) or ""
        if not text or len(text) > 1250:
            return error(
                422, "/message/text :: between 1 and 1250 characters", "UNPROCESSABLE_ENTITY"
            )
        comment_id = stable_number("li-comment", str(state.next_id()))
        post.setdefault("comments", []).append({"id": comment_id, "text": text})
        urn_id = f"urn:li:comment:({post['id']},{comment_id})"
        response = jsonify(id=comment_id, object=post["id"], message={"text": text})
        response.status_code = 201
        response.headers["x-restli-id"] = urn_id
        return response

    def read_limit(token: Token) -> Response | None:
        """An injected metrics fault, or the member's daily analytics calls spent: LinkedIn
        answers 429 with no header saying when to come back."""
        fault = analytics.metrics_fault(state, NETWORK)
        if fault is not None:
            return fault_response(fault)
        allowed, _, _ = analytics.rate_window(
            state, f"linkedin:reads:{token.account}", READS_PER_DAY, 86400
        )
        return None if allowed else fault_response("429")

    def figures_of(post: dict[str, Any]) -> dict[str, int]:
        figures = analytics.of_post(NETWORK, post)
        # Comments made through the API (first comments) count too.
        figures["comments"] += len(post.get("comments", []))
        return figures

    @bp.get("/rest/organizationalEntityShareStatistics")
    def share_statistics():
        token = rest("r_organization_social")
        if isinstance(token, Response):
            return token
        args = request.args
        org = args.get("organizationalEntity", "")
        mine = {f"urn:li:organization:{o['id']}" for o in organizations(token.account)}
        if args.get("q") != "organizationalEntity" or org not in mine:
            return error(
                403, f"Not enough permissions to access statistics of {org}", "ACCESS_DENIED", 100
            )
        refused = read_limit(token)
        if refused is not None:
            return refused
        wanted = []
        for param, kind in (("shares", "share"), ("ugcPosts", "ugcPost")):
            raw = args.get(param)
            if raw is None:
                continue
            listed = re.fullmatch(r"List\((.*)\)", raw)
            if listed is None:
                return error(400, f"{param} must be List(urn,...)", "ILLEGAL_ARGUMENT")
            wanted += [(kind, unquote(u)) for u in listed.group(1).split(",") if u]
        elements = []
        for kind, urn in wanted:
            post = post_of(urn)
            if post is None or post["account"] != org:
                continue
            figures = figures_of(post)
            likes, comments, shares = figures["likes"], figures["comments"], figures["shares"]
            impressions, clicks = figures["impressions"], figures["clicks"]
            elements.append(
                {
                    kind: urn,
                    "organizationalEntity": org,
                    "totalShareStatistics": {
                        "uniqueImpressionsCount": figures["reach"],
                        "shareCount": shares,
                        "engagement": (
                            (likes + comments + shares + clicks) / impressions
                            if impressions
                            else 0.0
                        ),
                        "clickCount": clicks,
                        "likeCount": likes,
                        "impressionCount": impressions,
                        "commentCount": comments,
                    },
                }
            )
        return jsonify(elements=elements, paging={"count": 10, "start": 0, "links": []})

    @bp.get("/rest/memberCreatorPostAnalytics")
    def member_post_analytics():
        token = rest("r_member_postAnalytics")
        if isinstance(token, Response):
            return token
        args = request.args
        entity = re.fullmatch(r"\((share|ugcPost):(.+)\)", args.get("entity", ""))
        names = {
            "IMPRESSION": "impressions",
            "MEMBERS_REACHED": "reach",
            "REACTION": "likes",
            "COMMENT": "comments",
            "RESHARE": "shares",
        }
        query_type = args.get("queryType", "")
        if args.get("q") != "entity" or entity is None or query_type not in names:
            return error(
                400,
                "q=entity, entity=(share:urn) and a queryType of "
                + ", ".join(names)
                + " are required",
                "ILLEGAL_ARGUMENT",
            )
        post = post_of(entity.group(2))
        if post is None or post["account"] != f"urn:li:person:{member_id(token.account)}":
            return error(404, f"{unquote(entity.group(2))} not found", "NOT_FOUND")
        refused = read_limit(token)
        if refused is not None:
            return refused
        count = figures_of(post)[names[query_type]]
        return jsonify(
            elements=[
                {
                    "count": count,
                    "metricType": {
                        "com.linkedin.adsexternalapi.memberanalytics.v1."
                        "CreatorPostAnalyticsMetricTypeV1": query_type
                    },
                }
            ],
            paging={"count": 10, "start": 0, "links": []},
        )

    @bp.get("/rest/networkSizes/<path:urn>")
    def network_sizes(urn: str):
        token = rest("r_organization_social")
        if isinstance(token, Response):
            return token
        org = unquote(urn)
        if org not in {f"urn:li:organization:{o['id']}" for o in organizations(token.account)}:
            return error(403, f"Not enough permissions to access {org}", "ACCESS_DENIED", 100)
        if request.args.get("edgeType") != "COMPANY_FOLLOWED_BY_MEMBER":
            return error(400, "edgeType must be COMPANY_FOLLOWED_BY_MEMBER", "ILLEGAL_ARGUMENT")
        refused = read_limit(token)
        if refused is not None:
            return refused
        return jsonify(firstDegreeSize=analytics.followers(NETWORK, org))

    @bp.get("/rest/memberFollowersCount")
    def member_followers():
        token = rest("r_member_followersCount")
        if isinstance(token, Response):
            return token
        if request.args.get("q") != "me":
            return error(400, "q must be me", "ILLEGAL_ARGUMENT")
        refused = read_limit(token)
        if refused is not None:
            return refused
        person = f"urn:li:person:{member_id(token.account)}"
        return jsonify(
            elements=[{"memberFollowersCount": analytics.followers(NETWORK, person)}],
            paging={"count": 10, "start": 0, "links": []},
        )

    @bp.get("/rest/socialActions/<path:urn>")
    def social_actions(urn: str):
        token = rest()
        if isinstance(token, Response):
            return token
        post = post_of(urn)
        if post is None:
            return error(404, f"{unquote(urn)} not found", "NOT_FOUND")
        figures = figures_of(post)
        comments = figures["comments"]
        return jsonify(
            target=post["id"],
            likesSummary={"totalLikes": figures["likes"], "likedByCurrentUser": False},
            commentsSummary={
                "totalFirstLevelComments": comments,
                "aggregatedTotalComments": comments,
            },
        )

    return bp


register(
    SandboxNetwork(network_id=NETWORK, name="LinkedIn", build=build, fault_response=fault_response)
)
