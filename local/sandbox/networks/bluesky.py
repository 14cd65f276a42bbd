"""Sandbox Bluesky: a PDS speaking XRPC under /bluesky/xrpc: app-password sessions
(JWTs with real `exp`), resolveHandle, uploadBlob, createRecord (validated against the
lexicons), getRecord, getSession, getServiceAuth and app.bsky.feed.getPosts; and the
video service (video.bsky.app): uploadVideo with a service token, getJobStatus.

Any handle signs in with an app password shaped xxxx-xxxx-xxxx-xxxx. A createRecord with
a record key that is already taken answers as a PDS does: 400 InvalidRequest.
Errors are `{"error", "message"}`; 429 carries the `ratelimit-*` headers.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request

from local.sandbox import analytics
from local.sandbox.framework import SandboxNetwork, fault_or_none, register
from local.sandbox.lexicon import TID, Validator
from local.sandbox.networks.common import (
    bearer,
    elapsed,
    image_info,
    media_entry,
    processing_seconds,
    video_type,
)
from local.sandbox.state import SandboxState, Token

NETWORK = "bluesky"
ACCESS_SECONDS = 2 * 3600
REFRESH_SECONDS = 90 * 86400
APP_PASSWORD = re.compile(r"^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$")
HANDLE = re.compile(r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,}$")
BLOB_LIMIT = 50 * 1024**2
VIDEO_LIMIT = 100_000_000
POINTS_PER_HOUR, CREATE_COST = 5000, 3
# The AppView's reads (getPosts, getProfile) per account and 5-minute window.
READS_PER_WINDOW, READ_WINDOW = 3000, 300
B32 = "abcdefghijklmnopqrstuvwxyz234567"


def xrpc_error(status: int, error: str, message: str) -> Response:
    response = jsonify(error=error, message=message)
    response.status_code = status
    return response


def fault_response(kind: str) -> Response:
    if kind == "429":
        response = xrpc_error(429, "RateLimitExceeded", "Rate Limit Exceeded")
        response.headers.update(
            {
                "ratelimit-limit": str(POINTS_PER_HOUR),
                "ratelimit-remaining": "0",
                "ratelimit-reset": str(int(time.time()) + 3600),
                "ratelimit-policy": f"{POINTS_PER_HOUR};w=3600",
            }
        )
        return response
    if kind == "401":
        return xrpc_error(401, "InvalidToken", "Token could not be verified")
    if kind == "duplicate":
        return xrpc_error(400, "InvalidRequest", "Record already exists")
    return xrpc_error(500, "InternalServerError", "Internal Server Error")


def did_of(handle: str) -> str:
    digest = hashlib.sha256(handle.lower().encode()).digest()
    return "did:plc:" + "".join(B32[b % 32] for b in digest[:24])


def cid_of(data: bytes, prefix: str = "bafkrei") -> str:
    digest = hashlib.sha256(data).digest()
    return prefix + base64.b32encode(digest).decode().lower().rstrip("=")[:52]


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def jwt_for(token: Token, scope: str) -> str:
    """A JWT-shaped session token whose `jti` is the sandbox token and `exp` its expiry."""
    claims = {
        "scope": scope,
        "sub": token.extra["did"],
        "aud": "did:web:bsky.social",
        "iat": int(time.time()),
        "exp": int(token.expires_at or time.time() + ACCESS_SECONDS),
        "jti": token.value,
    }
    header = {"typ": "at+jwt" if scope != "com.atproto.refresh" else "refresh+jwt", "alg": "ES256K"}
    return f"{_b64(header)}.{_b64(claims)}.{secrets.token_urlsafe(32)}"


def jti(jwt: str | None) -> str | None:
    try:
        payload = (jwt or "").split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["jti"]
    except (IndexError, ValueError, KeyError):
        return None


def build(state: SandboxState) -> Blueprint:
    bp = Blueprint("bluesky", __name__)
    validator = Validator()

    def session(kind: str = "access") -> Token | Response:
        value = jti(bearer())
        token = state.token(NETWORK, value, kind=kind)
        if token is None:
            known = state.tokens.get(value or "")
            if known is not None and known.expired and not known.revoked:
                return xrpc_error(400, "ExpiredToken", "Token has expired")
            return xrpc_error(401, "InvalidToken", "Token could not be verified")
        return token

    def new_session(handle: str) -> Response:
        did = did_of(handle)
        scopes = ("com.atproto.appPass",)
        access = state.issue_token(NETWORK, handle, scopes, ACCESS_SECONDS, did=did)
        refresh = state.issue_token(
            NETWORK, handle, scopes, REFRESH_SECONDS, kind="refresh", did=did
        )
        return jsonify(
            accessJwt=jwt_for(access, "com.atproto.appPass"),
            refreshJwt=jwt_for(refresh, "com.atproto.refresh"),
            handle=handle,
            did=did,
            email=f"{handle.split('.')[0]}@example.com",
            emailConfirmed=True,
            active=True,
        )

    @bp.post("/xrpc/com.atproto.server.createSession")
    def create_session():
        body = request.get_json(silent=True) or {}
        handle = str(body.get("identifier", "")).lower()
        if not HANDLE.match(handle) or not APP_PASSWORD.match(str(body.get("password", ""))):
            return xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
        return new_session(handle)

    @bp.post("/xrpc/com.atproto.server.refreshSession")
    def refresh_session():
        token = session("refresh")
        if isinstance(token, Response):
            return token
        state.revoke(token.value)  # a refresh JWT is good for one refresh
        return new_session(token.account)

    @bp.post("/xrpc/com.atproto.server.deleteSession")
    def delete_session():
        token = session("refresh")
        if isinstance(token, Response):
            return token
        for other in list(state.tokens.values()):
            if other.network == NETWORK and other.account == token.account:
                state.revoke(other.value)
        return Response(status=200)

    @bp.get("/xrpc/com.atproto.server.getSession")
    def get_session():
        token = session()
        if isinstance(token, Response):
            return token
        return jsonify(handle=token.account, did=token.extra["did"], active=True)

    @bp.get("/xrpc/com.atproto.identity.resolveHandle")
    def resolve_handle():
        handle = request.args.get("handle", "").lower()
        if not HANDLE.match(handle):
            return xrpc_error(400, "InvalidRequest", "Error: handle must be a valid handle")
        return jsonify(did=did_of(handle))

    # -- blobs and records -------------------------------------------------------------------
    @bp.post("/xrpc/com.atproto.repo.uploadBlob")
    def upload_blob():
        token = session()
        if isinstance(token, Response):
            return token
        data = request.get_data(cache=False)
        if len(data) > BLOB_LIMIT:
            return xrpc_error(400, "BlobTooLarge", "This file is too large")
        mime = request.content_type or "application/octet-stream"
        info = image_info(data) if mime.startswith("image/") else None
        if mime.startswith("image/") and (info is None or info["content_type"] != mime):
            return xrpc_error(400, "InvalidRequest", f"The file is not a {mime} image")
        cid = cid_of(data)
        state.objects[f"bluesky:blob:{cid}"] = {
            "owner": token.extra["did"],
            "mimeType": mime,
            "size": len(data),
            **(info or {}),
        }
        return jsonify(
            blob={"$type": "blob", "ref": {"$link": cid}, "mimeType": mime, "size": len(data)}
        )

    def spend(did: str) -> bool:
        now = time.time()
        spent = [t for t in state.objects.get(f"bluesky:points:{did}", []) if now - t < 3600]
        if (len(spent) + 1) * CREATE_COST > POINTS_PER_HOUR:
            return False
        spent.append(now)
        state.objects[f"bluesky:points:{did}"] = spent
        return True

    @bp.post("/xrpc/com.atproto.repo.createRecord")
    def create_record():
        token = session()
        if isinstance(token, Response):
            return token
        fault = fault_or_none(state, NETWORK)
        if fault is not None:
            return fault
        body = request.get_json(silent=True) or {}
        did = token.extra["did"]
        if body.get("repo") not in (did, token.account):
            return xrpc_error(400, "InvalidRequest", "Input/repo must be the session's DID")
        collection, record = body.get("collection"), body.get("record")
        if collection != "app.bsky.feed.post":
            return xrpc_error(400, "InvalidRequest", f"Unsupported collection {collection}")
        rkey = body.get("rkey") or tid_now()
        if not TID.match(rkey):
            return xrpc_error(400, "InvalidRequest", "Invalid record key: must be a TID")
        key = f"bluesky:record:{did}/{collection}/{rkey}"
        if key in state.objects:
            return xrpc_error(400, "InvalidRequest", "Record already exists")
        # Without ../shared/specs there are no lexicons to check against: accept.
        errors = validator.record(collection, record) if validator.docs else []
        if errors:
            return xrpc_error(
                400, "InvalidRecord", f"Invalid app.bsky.feed.post record: {errors[0]}"
            )
        media, problem = blobs_of(record, did)
        if problem:
            return xrpc_error(400, "InvalidRequest", problem)
        if not spend(did):
            return fault_response("429")
        uri = f"at://{did}/{collection}/{rkey}"
        cid = cid_of(json.dumps(record, sort_keys=True).encode(), "bafyrei")
        state.objects[key] = {"uri": uri, "cid": cid, "value": record}
        reply = (record.get("reply") or {}).get("parent") or {}
        state.record_post(
            NETWORK,
            did,
            record.get("text", ""),
            id=uri,
            media=media,
            reply_to=reply.get("uri"),
            handle=token.account,
            facets=record.get("facets", []),
            embed=record.get("embed"),
            rkey=rkey,
        )
        return jsonify(
            uri=uri,
            cid=cid,
            commit={"cid": cid_of(uri.encode(), "bafyrei"), "rev": tid_now()},
            validationStatus="valid",
        )

    def blobs_of(record: dict[str, Any], did: str) -> tuple[list[dict[str, Any]], str | None]:
        embed = record.get("embed") or {}
        media = []
        if embed.get("$type") == "app.bsky.embed.video":
            link = embed["video"]["ref"]["$link"]
            blob = state.objects.get(f"bluesky:blob:{link}")
            if blob is None or blob["owner"] != did or blob.get("kind") != "video":
                return [], f"Could not find video blob: {link}"
            entry = media_entry("video", blob["size"], {"content_type": "video/mp4"})
            entry["alt_text"] = embed.get("alt")
            return [entry], None
        for image in (
            embed.get("images", []) if embed.get("$type") == "app.bsky.embed.images" else []
        ):
            link = image["image"]["ref"]["$link"]
            blob = state.objects.get(f"bluesky:blob:{link}")
            if blob is None or blob["owner"] != did:
                return [], f"Could not find blob: {link}"
            media.append(
                {
                    "type": "image",
                    "bytes": blob["size"],
                    "width": blob.get("width"),
                    "height": blob.get("height"),
                    "content_type": blob["mimeType"],
                    "alt_text": image.get("alt"),
                }
            )
        return media, None

    # -- video (video.bsky.app) -------------------------------------------------------------
    @bp.get("/xrpc/com.atproto.server.getServiceAuth")
    def get_service_auth():
        token = session()
        if isinstance(token, Response):
            return token
        args = request.args
        if not args.get("aud", "").startswith("did:"):
            return xrpc_error(400, "InvalidRequest", "aud must be a DID")
        lifetime = int(args.get("exp", time.time() + 60)) - time.time()
        if not 0 < lifetime <= 3600:
            return xrpc_error(400, "BadExpiration", "exp must be within the next hour")
        service = state.issue_token(
            NETWORK,
            token.account,
            ("service",),
            int(lifetime),
            kind="service",
            did=token.extra["did"],
            lxm=args.get("lxm"),
        )
        return jsonify(token=jwt_for(service, "service"))

    @bp.post("/xrpc/app.bsky.video.uploadVideo")
    def upload_video():
        token = state.token(NETWORK, jti(bearer()), kind="service")
        if token is None or token.extra.get("lxm") != "com.atproto.repo.uploadBlob":
            return xrpc_error(401, "AuthMissing", "A service token for uploadBlob is required")
        if request.args.get("did") != token.extra["did"]:
            return xrpc_error(400, "InvalidRequest", "did must be the token's DID")
        size, head = 0, b""
        while piece := request.stream.read(1024**2):
            head = head or piece[:64]
            size += len(piece)
        job_id = secrets.token_hex(8)
        state.objects[f"bluesky:job:{job_id}"] = {
            "did": token.extra["did"],
            "size": size,
            "valid": video_type(head) == "video/mp4" and size <= VIDEO_LIMIT,
            "uploaded_at": time.time(),
        }
        return jsonify(jobId=job_id, did=token.extra["did"], state="JOB_STATE_CREATED")

    @bp.get("/xrpc/app.bsky.video.getJobStatus")
    def job_status():
        job_id = request.args.get("jobId", "")
        job = state.objects.get(f"bluesky:job:{job_id}")
        if job is None:
            return xrpc_error(404, "NotFound", "Job not found")
        status: dict[str, Any] = {"jobId": job_id, "did": job["did"]}
        if not job["valid"]:
            status.update(
                state="JOB_STATE_FAILED",
                error="invalid_video",
                message="Video is not a valid MP4 of at most 100 MB",
            )
        elif elapsed(job["uploaded_at"]) < processing_seconds(state):
            status.update(state="JOB_STATE_ENCODING", progress=50)
        else:
            cid = cid_of(job_id.encode(), "bafkrei")
            state.objects[f"bluesky:blob:{cid}"] = {
                "owner": job["did"],
                "mimeType": "video/mp4",
                "size": job["size"],
                "kind": "video",
            }
            blob = {
                "$type": "blob",
                "ref": {"$link": cid},
                "mimeType": "video/mp4",
                "size": job["size"],
            }
            status.update(state="JOB_STATE_COMPLETED", progress=100, blob=blob)
        return jsonify(jobStatus=status)

    @bp.get("/xrpc/com.atproto.repo.getRecord")
    def get_record():
        args = request.args
        repo = args.get("repo", "")
        did = repo if repo.startswith("did:") else did_of(repo)
        uri = f"at://{did}/{args.get('collection')}/{args.get('rkey')}"
        found = state.objects.get(
            f"bluesky:record:{did}/{args.get('collection')}/{args.get('rkey')}"
        )
        if found is None:
            return xrpc_error(400, "RecordNotFound", f"Could not locate record: {uri}")
        return jsonify(found)

    @bp.get("/xrpc/app.bsky.feed.getPosts")
    def get_posts():
        token = session()
        if isinstance(token, Response):
            return token
        uris = request.args.getlist("uris")
        if not uris or len(uris) > 25:
            return xrpc_error(400, "InvalidRequest", "uris must hold 1 to 25 AT URIs")
        limited = read_limit(token)
        if isinstance(limited, Response):
            return limited
        published = {p["id"]: p for p in state.find_posts(NETWORK)}
        posts = []
        for uri in uris:
            post = published.get(uri)
            if post is None:
                continue  # deleted or never there: left out, as the AppView does
            _, _, rest = uri.partition("at://")
            did = rest.split("/")[0]
            created = datetime.fromtimestamp(post["received_at"], UTC)
            stamp = created.strftime("%Y-%m-%dT%H:%M:%S.000Z")
            found = state.objects.get(f"bluesky:record:{rest}") or {
                "cid": cid_of(uri.encode(), "bafyrei"),
                "value": {"$type": "app.bsky.feed.post", "text": post["text"], "createdAt": stamp},
            }
            figures = analytics.of_post(NETWORK, post)
            posts.append(
                {
                    "uri": uri,
                    "cid": found["cid"],
                    "author": {
                        "did": did,
                        "handle": token.account if did == token.extra["did"] else did,
                    },
                    "record": found["value"],
                    "replyCount": figures["comments"],
                    "repostCount": figures["shares"],
                    "likeCount": figures["likes"],
                    "quoteCount": figures["quotes"],
                    "indexedAt": stamp,
                }
            )
        response = jsonify(posts=posts)
        response.headers.update(limited)
        return response

    @bp.get("/xrpc/app.bsky.actor.getProfile")
    def get_profile():
        token = session()
        if isinstance(token, Response):
            return token
        actor = request.args.get("actor", "")
        if not actor:
            return xrpc_error(400, "InvalidRequest", "Error: Params must have the property actor")
        did = actor if actor.startswith("did:") else did_of(actor)
        handle = token.account if did == token.extra["did"] else actor
        limited = read_limit(token)
        if isinstance(limited, Response):
            return limited
        followers = analytics.followers(NETWORK, did)
        response = jsonify(
            did=did,
            handle=handle,
            displayName=handle.split(".")[0].title(),
            followersCount=followers,
            followsCount=100 + followers % 400,
            postsCount=len(state.find_posts(NETWORK, did)),
            indexedAt=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        )
        response.headers.update(limited)
        return response

    def read_limit(token: Token) -> Response | dict[str, str]:
        """An injected metrics fault, or the AppView's read window spent (429 with
        `ratelimit-reset`), or the headers to send."""
        fault = analytics.metrics_fault(state, NETWORK)
        if fault is not None:
            return fault_response(fault)
        allowed, left, reset = analytics.rate_window(
            state, f"bluesky:reads:{token.extra['did']}", READS_PER_WINDOW, READ_WINDOW
        )
        headers = {
            "ratelimit-limit": str(READS_PER_WINDOW),
            "ratelimit-remaining": str(left),
            "ratelimit-reset": str(reset),
            "ratelimit-policy": f"{READS_PER_WINDOW};w={READ_WINDOW}",
        }
        if not allowed:
            response = xrpc_error(429, "RateLimitExceeded", "Rate Limit Exceeded")
            response.headers.update(headers)
            return response
        return headers

    return bp


def tid_now() -> str:
    number = (int(time.time() * 1_000_000) << 10) | secrets.randbelow(1024)
    alphabet = "234567abcdefghijklmnopqrstuvwxyz"
    return "".join(alphabet[(number >> (5 * i)) & 31] for i in reversed(range(13)))


register(
    SandboxNetwork(network_id=NETWORK, name="Bluesky", build=build, fault_response=fault_response)
)
