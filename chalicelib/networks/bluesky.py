"""Bluesky (AT Protocol): app-password sessions, image blobs, videos through the video
service, rich-text facets, link cards, threads as replies, and record keys that make a
retried publish land once.

NETWORKS.md, "Bluesky". There is no OAuth redirect: `create_session(handle,
app_password)` is the connect call and gives a `TokenGrant` (accessJwt, refreshJwt) and
the `Identity` (the DID). An account on another PDS passes its `service_url`
(`get_adapter("bluesky", service_url=...)`). Errors are XRPC's `{"error", "message"}`;
429 carries `ratelimit-reset` (epoch seconds).

Idempotency: with `PublishRequest.idempotency_key` (the target id), the post's record
key is derived from it, so a retry after a crash between createRecord and the caller's
own write asks for the same key; the PDS refuses the second create and the adapter
answers with the record that already exists.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from contextlib import nullcontext
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

from chalicelib.domain.limits import (
    Capability,
    ImageLimits,
    NetworkLimits,
    TextCounting,
    TextLimits,
    VideoLimits,
)
from chalicelib.networks.base import (
    AccountAuth,
    AccountMetrics,
    ClientCredentials,
    ErrorKind,
    Identity,
    IdentityKind,
    MediaItem,
    MediaKind,
    NetworkAdapter,
    NetworkError,
    PostMetrics,
    PublishRequest,
    PublishResult,
    TokenGrant,
    epoch_to_datetime,
    kind_for_status,
    utcnow,
)
from chalicelib.networks.http import json_of
from chalicelib.networks.streams import BodyStream

LIMITS = NetworkLimits(
    network="bluesky",
    name="Bluesky",
    capabilities=frozenset(
        {
            Capability.TEXT,
            Capability.IMAGES,
            Capability.VIDEO,
            Capability.LINK,
            Capability.THREADS,
            Capability.FIRST_COMMENT,
            Capability.ALT_TEXT,
        }
    ),
    text=TextLimits(max_length=300, counting=TextCounting.GRAPHEMES, required=False),
    images=ImageLimits(
        content_types=("image/jpeg", "image/png", "image/webp"),
        max_bytes=1_000_000,
        max_count=4,
        alt_text_max=2000,
        alt_text_required=True,
    ),
    videos=VideoLimits(
        content_types=("video/mp4",),
        max_bytes=100_000_000,  # what the video service takes (the lexicon allows more)
        max_count=1,
        max_seconds=180,
    ),
    mixed_media=False,
    max_media=4,
    first_comment_max=300,
)

POST = "app.bsky.feed.post"
VIDEO_AUTH_SECONDS = 30 * 60
REAUTH_CODES = {"ExpiredToken", "InvalidToken", "AuthenticationRequired", "AuthMissing"}
EXISTS_CODES = {"InvalidRequest", "InternalServerError", "RecordAlreadyExists"}
RATE_WAIT = timedelta(minutes=5)  # when no ratelimit-reset is sent
# app.bsky.feed.defs#postView counts -> the canonical names
BLUESKY_COUNTS = {
    "likeCount": "likes",
    "repostCount": "shares",
    "replyCount": "comments",
    "quoteCount": "quotes",
}
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
# Record keys derived from an idempotency key carry a time in this window (2023-01-01
# plus ~12 days): a TID's time only orders records; Bluesky orders posts by createdAt.
TID_EPOCH_US = 1_672_531_200_000_000
URL = re.compile(r"https?://[^\s<>\"]+")
MENTION = re.compile(r"(?<![\w@])@([a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9-]+)+)")
TAG = re.compile(r"(?<![\w&#])#([^\s#.,;:!?()\[\]{}\"'<>]+)")


def record_key(idempotency_key: str, part: int = 0) -> str:
    """A TID (13 base32-sortable characters) derived from the key: the same key, the
    same record key, every time."""
    digest = hashlib.sha256(f"{idempotency_key}/{part}".encode()).digest()
    value = int.from_bytes(digest[:8], "big")
    micros = TID_EPOCH_US + (value >> 24)  # 40 bits of time: ~12.7 days
    number = (micros << 10) | (value & 0x3FF)  # 10-bit clock id; the top bit stays 0
    return "".join(TID_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(13)))


def jwt_expiry(token: str) -> datetime | None:
    """`exp` of a session JWT (read, not verified: the PDS verifies it)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return epoch_to_datetime(claims.get("exp"))
    except (IndexError, ValueError):
        return None


def facets(text: str, resolve_handle: Any = None) -> list[dict[str, Any]]:
    """Links, mentions and hashtags as facets, indexed by UTF-8 byte offsets."""

    def span(start: int, end: int) -> dict[str, int]:
        return {
            "byteStart": len(text[:start].encode()),
            "byteEnd": len(text[:end].encode()),
        }

    found: list[dict[str, Any]] = []
    for match in URL.finditer(text):
        url = match.group().rstrip(".,;:!?)'\"")
        found.append(
            {
                "index": span(match.start(), match.start() + len(url)),
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}],
            }
        )
    for match in MENTION.finditer(text):
        did = resolve_handle(match.group(1)) if resolve_handle else None
        if did:
            found.append(
                {
                    "index": span(match.start(), match.end()),
                    "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
                }
            )
    for match in TAG.finditer(text):
        tag = match.group(1)
        inside_link = any(
            f["index"]["byteStart"] <= len(text[: match.start()].encode()) < f["index"]["byteEnd"]
            for f in found
        )
        if tag.isdigit() or len(tag) > 64 or inside_link:
            continue
        found.append(
            {
                "index": span(match.start(), match.end()),
                "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag}],
            }
        )
    return sorted(found, key=lambda f: f["index"]["byteStart"])


class BlueskyAdapter(NetworkAdapter):
    network_id = "bluesky"
    limits = LIMITS
    scopes = ("com.atproto.appPass",)
    can_refresh = True
    can_revoke = True
    hosts = {"api": "https://bsky.social", "video": "https://video.bsky.app"}
    # Bluesky counts no impressions or views: engagement is measured against followers.
    metric_names = frozenset({"likes", "shares", "comments", "quotes"})
    metrics_batch = 25  # URIs per app.bsky.feed.getPosts

    def __init__(
        self,
        credentials: ClientCredentials | None = None,
        *args: Any,
        service_url: str | None = None,
        **kwargs: Any,
    ) -> None:
        """`service_url`: the account's own PDS, when it is not bsky.social's."""
        super().__init__(credentials, *args, **kwargs)
        self.service_url = service_url.rstrip("/") if service_url else None

    def url(self, kind: str, path: str = "") -> str:
        if kind == "api" and self.service_url:
            return f"{self.service_url}{path}"
        return super().url(kind, path)

    def user_named(self, url: str) -> bool:
        """The account's own PDS is a host its user named; bsky.social and the video
        service are Bluesky's."""
        base = self.service_url
        return base is not None and (url == base or url.startswith(f"{base}/"))

    # -- connecting --------------------------------------------------------------------------
    def authorize_url(self, redirect_uri: str, state: str, code_challenge: str | None) -> str:
        raise NetworkError(
            ErrorKind.PERMANENT, "Bluesky connects with a handle and an app password"
        )

    def exchange_code(
        self, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> TokenGrant:
        raise NetworkError(
            ErrorKind.PERMANENT, "Bluesky connects with a handle and an app password"
        )

    def create_session(self, handle: str, app_password: str) -> tuple[TokenGrant, Identity]:
        """Connect: a session for `handle` (or DID or email) with an app password."""
        body = self._xrpc(
            "POST",
            "com.atproto.server.createSession",
            json={"identifier": handle.strip().lstrip("@"), "password": app_password.strip()},
        )
        return self._grant(body), self._identity(body)

    def refresh(self, grant: TokenGrant) -> TokenGrant:
        if not grant.refresh_token:
            raise NetworkError(ErrorKind.REAUTH, "no Bluesky refresh token; reconnect")
        return self._grant(
            self._xrpc("POST", "com.atproto.server.refreshSession", grant.refresh_token)
        )

    def revoke(self, grant: TokenGrant) -> None:
        if grant.refresh_token:
            self._xrpc("POST", "com.atproto.server.deleteSession", grant.refresh_token)

    def identities(self, grant: TokenGrant) -> list[Identity]:
        return [
            self._identity(self._xrpc("GET", "com.atproto.server.getSession", grant.access_token))
        ]

    def _grant(self, body: dict[str, Any]) -> TokenGrant:
        return TokenGrant(
            access_token=body["accessJwt"],
            expires_at=jwt_expiry(body["accessJwt"]),
            refresh_token=body["refreshJwt"],
            refresh_expires_at=jwt_expiry(body["refreshJwt"]),
            scopes=self.scopes,
            subject=body.get("did"),
        )

    def _identity(self, body: dict[str, Any]) -> Identity:
        return Identity(
            network=self.network_id,
            external_id=body["did"],
            kind=IdentityKind.PERSON,
            name=body["handle"],
            username=body["handle"],
        )

    # -- publishing ------------------------------------------------------------------------
    def publish(self, account: AccountAuth, request: PublishRequest) -> PublishResult:
        self._check_media(request.media)
        for part in request.thread:
            self._check_media(part.media)
        key = request.idempotency_key
        token, did = account.access_token, account.external_id
        record = self.post_record(token, request.text, request.media, request, part=0)
        root = self._create(token, did, record, record_key(key, 0) if key else None)
        chain, warnings = [root], []
        follow_ups = [(p.text, p.media) for p in request.thread]
        if request.first_comment:
            follow_ups.append((request.first_comment, ()))
        for number, (text, media) in enumerate(follow_ups, start=1):
            try:
                reply = self.post_record(token, text, media, None, part=number)
                reply["reply"] = {"root": root, "parent": chain[-1]}
                chain.append(
                    self._create(token, did, reply, record_key(key, number) if key else None)
                )
            except NetworkError as error:
                warnings.append(f"reply {number} was not published: {error.message}")
                break
        rkey = root["uri"].rsplit("/", 1)[-1]
        return PublishResult(
            external_id=root["uri"],
            url=f"https://bsky.app/profile/{did}/post/{rkey}",
            published_at=utcnow(),
            follow_up_ids=tuple(ref["uri"] for ref in chain[1:]),
            warnings=tuple(warnings),
        )

    def _check_media(self, media: tuple[MediaItem, ...]) -> None:
        videos = [m for m in media if m.kind is not MediaKind.IMAGE]
        if videos:
            self.require(len(media) == 1, "a Bluesky post takes one video and nothing else")
            self.require(
                videos[0].content_type == "video/mp4" and videos[0].size <= LIMITS.videos.max_bytes,  # type: ignore[union-attr]
                "Bluesky takes MP4 videos of at most 100 MB",
            )
            return
        self.require(len(media) <= 4, "Bluesky posts take up to 4 images")
        for item in media:
            self.require(
                item.size <= LIMITS.images.max_bytes,  # type: ignore[union-attr]
                f"{item.filename} is {item.size:,} bytes; Bluesky takes images under "
                "1,000,000 bytes: give a smaller rendition",
            )
            self.require(bool(item.alt_text), f"{item.filename}: Bluesky needs alt text")

    def post_record(
        self,
        token: str,
        text: str,
        media: tuple[MediaItem, ...],
        request: PublishRequest | None,
        part: int,
    ) -> dict[str, Any]:
        """An app.bsky.feed.post record: text, facets, and images or a link card."""
        record: dict[str, Any] = {
            "$type": POST,
            "text": text,
            "createdAt": utcnow().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        }
        options = request.options if request else {}
        if options.get("langs"):
            record["langs"] = list(options["langs"])
        found = facets(text, lambda handle: self._resolve(token, handle))
        if found:
            record["facets"] = found
        if media and media[0].kind is not MediaKind.IMAGE:
            record["embed"] = self._video(token, media[0])
        elif media:
            record["embed"] = {
                "$type": "app.bsky.embed.images",
                "images": [self._image(token, item) for item in media],
            }
        elif request and request.link:
            external = {
                "uri": request.link,
                "title": options.get("link_title") or request.link,
                "description": options.get("link_description") or "",
            }
            record["embed"] = {"$type": "app.bsky.embed.external", "external": external}
        return record

    def _image(self, token: str, item: MediaItem) -> dict[str, Any]:
        blob = self._xrpc(
            "POST",
            "com.atproto.repo.uploadBlob",
            token,
            data=item.read_all(LIMITS.images.max_bytes),  # type: ignore[union-attr]
            headers={"Content-Type": item.content_type},
        )["blob"]
        image: dict[str, Any] = {"alt": item.alt_text or "", "image": blob}
        if item.width and item.height:
            image["aspectRatio"] = {"width": item.width, "height": item.height}
        return image

    def _video(self, token: str, item: MediaItem) -> dict[str, Any]:
        """Through Bluesky's video service: a service token from the PDS, the upload
        (streamed), the processing job, then the blob it made."""
        session = self._xrpc("GET", "com.atproto.server.getSession", token)
        pds = urlsplit(self.url("api")).hostname
        service_token = self._xrpc(
            "GET",
            "com.atproto.server.getServiceAuth",
            token,
            params={
                "aud": f"did:web:{pds}",
                "lxm": "com.atproto.repo.uploadBlob",
                "exp": int(utcnow().timestamp()) + VIDEO_AUTH_SECONDS,
            },
        )["token"]
        job = self._xrpc(
            "POST",
            "app.bsky.video.uploadVideo",
            service_token,
            host="video",
            upload=True,
            params={"did": session["did"], "name": item.filename},
            data=BodyStream(item),
            headers={"Content-Type": item.content_type},
        )
        blob = self._wait_for_video(job.get("jobStatus", job)["jobId"])
        embed: dict[str, Any] = {"$type": "app.bsky.embed.video", "video": blob}
        if item.alt_text:
            embed["alt"] = item.alt_text
        if item.width and item.height:
            embed["aspectRatio"] = {"width": item.width, "height": item.height}
        return embed

    def _wait_for_video(self, job_id: str) -> dict[str, Any]:
        done: dict[str, Any] = {}

        def check() -> tuple[bool, float | None]:
            status = self._xrpc(
                "GET", "app.bsky.video.getJobStatus", host="video", params={"jobId": job_id}
            )["jobStatus"]
            if status.get("state") == "JOB_STATE_FAILED":
                raise NetworkError(
                    ErrorKind.PERMANENT,
                    status.get("message")
                    or status.get("error")
                    or "Bluesky could not process the video",
                    code=status.get("error"),
                )
            if status.get("blob"):
                done["blob"] = status["blob"]
            return status.get("state") == "JOB_STATE_COMPLETED" and "blob" in done, None

        self.polling.until_done(check, f"Bluesky video job {job_id}")
        return done["blob"]

    def _resolve(self, token: str, handle: str) -> str | None:
        try:
            return self._xrpc(
                "GET", "com.atproto.identity.resolveHandle", token, params={"handle": handle}
            ).get("did")
        except NetworkError as error:
            if error.kind is ErrorKind.PERMANENT:
                return None  # not a handle: plain text, no mention
            raise

    def _create(
        self, token: str, did: str, record: dict[str, Any], rkey: str | None
    ) -> dict[str, str]:
        """createRecord; when the record key is taken, the record already there (a retry
        of a create that succeeded) is the answer."""
        body: dict[str, Any] = {"repo": did, "collection": POST, "record": record}
        if rkey:
            body["rkey"] = rkey
        try:
            with self.publishing() if not rkey else nullcontext():
                created = self._xrpc("POST", "com.atproto.repo.createRecord", token, json=body)
        except NetworkError as error:
            if not rkey or error.code not in EXISTS_CODES:
                raise
            existing = self._existing(token, did, rkey)
            if existing is None:
                raise
            return existing
        return {"uri": created["uri"], "cid": created["cid"]}

    def _existing(self, token: str, did: str, rkey: str) -> dict[str, str] | None:
        try:
            found = self._xrpc(
                "GET",
                "com.atproto.repo.getRecord",
                token,
                params={"repo": did, "collection": POST, "rkey": rkey},
            )
        except NetworkError as error:
            if error.code == "RecordNotFound":
                return None
            raise
        return {"uri": found["uri"], "cid": found["cid"]}

    # -- metrics ---------------------------------------------------------------------------
    def metrics(self, account: AccountAuth, external_ids: list[str]) -> list[PostMetrics]:
        results = []
        for start in range(0, len(external_ids), self.metrics_batch):
            body = self._xrpc(
                "GET",
                "app.bsky.feed.getPosts",
                account.access_token,
                params=[("uris", uri) for uri in external_ids[start : start + self.metrics_batch]],
            )
            for post in body.get("posts", []):
                values = {
                    name: int(post[field])
                    for field, name in BLUESKY_COUNTS.items()
                    if post.get(field) is not None
                }
                results.append(PostMetrics(post["uri"], values))
        return results

    def account_metrics(self, account: AccountAuth) -> AccountMetrics:
        profile = self._xrpc(
            "GET",
            "app.bsky.actor.getProfile",
            account.access_token,
            params={"actor": account.external_id},
        )
        followers = profile.get("followersCount")
        others = {"following": profile.get("followsCount"), "posts": profile.get("postsCount")}
        return AccountMetrics(
            None if followers is None else int(followers),
            {k: int(v) for k, v in others.items() if v is not None},
        )

    # -- HTTP and errors -------------------------------------------------------------------
    def _xrpc(
        self, method: str, nsid: str, token: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        headers = kwargs.pop("headers", {})
        host = kwargs.pop("host", "api")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = self.call(
            method, self.url(host, f"/xrpc/{quote(nsid)}"), headers=headers, **kwargs
        )
        return json_of(response)

    def classify(self, response: Any) -> NetworkError:
        body = json_of(response)
        status = response.status_code
        code = body.get("error") if isinstance(body, dict) else None
        message = (body.get("message") if isinstance(body, dict) else None) or code
        message = message or response.reason or f"HTTP {status}"
        if status == 429 or code == "RateLimitExceeded":
            reset = epoch_to_datetime(response.headers.get("ratelimit-reset"))
            return NetworkError(
                ErrorKind.THROTTLED,
                message,
                retry_at=reset or utcnow() + RATE_WAIT,
                status=status,
                code=code,
            )
        if code in REAUTH_CODES or status == 401:
            return NetworkError(ErrorKind.REAUTH, message, status=status, code=code)
        return NetworkError(kind_for_status(status), message, status=status, code=code)
