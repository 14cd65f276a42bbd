"""YouTube (Data API v3): Google OAuth with PKCE, channels, resumable video upload in
chunks that resumes after an interrupted chunk, scheduled publishing, statistics.

NETWORKS.md, "YouTube". Errors are Google's `{"error": {"code", "message", "errors":
[{"reason", "domain"}]}}`; `quotaExceeded` means the project's daily quota is spent and
comes back at midnight Pacific time.
"""

from __future__ import annotations

import re
from contextlib import nullcontext
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

from chalicelib.domain.limits import (
    Capability,
    NetworkLimits,
    TextCounting,
    TextLimits,
    VideoLimits,
)
from chalicelib.networks.base import (
    AccountAuth,
    AccountMetrics,
    ErrorKind,
    Identity,
    IdentityKind,
    MediaItem,
    NetworkAdapter,
    NetworkError,
    PostMetrics,
    PublishRequest,
    PublishResult,
    TokenGrant,
    in_seconds,
    kind_for_status,
    utcnow,
)
from chalicelib.networks.http import json_of

LIMITS = NetworkLimits(
    network="youtube",
    name="YouTube",
    capabilities=frozenset({Capability.TEXT, Capability.VIDEO}),
    # The description; the title (title_max) is the first line unless given.
    text=TextLimits(max_length=5000, counting=TextCounting.BYTES),
    videos=VideoLimits(
        content_types=("video/mp4", "video/quicktime", "video/webm", "video/x-msvideo"),
        max_bytes=256 * 1024**3,
        max_count=1,
        max_seconds=12 * 3600,
    ),
    max_media=1,
    requires_media=True,
    title_max=100,
)

SCOPES = (
    "https://www.googleapis.com/auth/youtube.upload",
    "https://www.googleapis.com/auth/youtube.readonly",
)
# Chunks must be multiples of 256 KiB (all but the last).
CHUNK_BYTES = 32 * 256 * 1024
MAX_RESUMES = 5
TAGS_MAX_CHARS = 500
DEFAULT_CATEGORY = "22"  # People & Blogs
PRIVACY = ("public", "unlisted", "private")
REAUTH_REASONS = {"authError", "invalid_grant", "unauthorized", "forbiddenAuth"}
RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"}
RATE_WAIT = timedelta(minutes=1)
RANGE = re.compile(r"bytes=(\d+)-(\d+)")
METRIC_NAMES = {
    "viewCount": "views",
    "likeCount": "likes",
    "commentCount": "comments",
}


def next_pacific_midnight(now: datetime) -> datetime:
    """When YouTube's daily quota resets: the next midnight in America/Los_Angeles."""
    try:
        from zoneinfo import ZoneInfo

        pacific: Any = ZoneInfo("America/Los_Angeles")
    except Exception:  # no tz database: standard time is the later of the two midnights
        pacific = timezone(timedelta(hours=-8))
    local = now.astimezone(pacific)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), pacific)
    return midnight.astimezone(UTC)


class YouTubeAdapter(NetworkAdapter):
    network_id = "youtube"
    limits = LIMITS
    scopes = SCOPES
    uses_pkce = True
    can_refresh = True
    can_revoke = True
    metric_names = frozenset({"views", "likes", "comments"})
    metrics_batch = 50  # ids per videos.list
    hosts = {
        "auth": "https://accounts.google.com",
        "token": "https://oauth2.googleapis.com",
        "api": "https://www.googleapis.com",
    }

    # -- OAuth ---------------------------------------------------------------------------
    def authorize_url(self, redirect_uri: str, state: str, code_challenge: str | None) -> str:
        query = {
            "client_id": self.credentials.client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": " ".join(self.scopes),
            "access_type": "offline",  # a refresh token
            "prompt": "consent",  # ... every time, not only on the first grant
            "include_granted_scopes": "true",
            "state": state,
        }
        if code_challenge:
            query.update(code_challenge=code_challenge, code_challenge_method="S256")
        return f"{self.url('auth', '/o/oauth2/v2/auth')}?{urlencode(query)}"

    def exchange_code(
        self, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> TokenGrant:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        if code_verifier:
            form["code_verifier"] = code_verifier
        return self._token(form)

    def refresh(self, grant: TokenGrant) -> TokenGrant:
        if not grant.refresh_token:
            raise NetworkError(ErrorKind.REAUTH, "Google gave no refresh token; reconnect")
        renewed = self._token({"grant_type": "refresh_token", "refresh_token": grant.refresh_token})
        # Google keeps the refresh token: a refresh answer carries only the access token.
        if renewed.refresh_token is None:
            return replace(
                renewed,
                refresh_token=grant.refresh_token,
                refresh_expires_at=grant.refresh_expires_at,
                scopes=renewed.scopes or grant.scopes,
            )
        return renewed

    def revoke(self, grant: TokenGrant) -> None:
        self.call(
            "POST",
            self.url("token", "/revoke"),
            data={"token": grant.refresh_token or grant.access_token},
        )

    def _token(self, form: dict[str, str]) -> TokenGrant:
        body = self.call(
            "POST",
            self.url("token", "/token"),
            data={
                **form,
                "client_id": self.credentials.client_id,
                "client_secret": self.credentials.client_secret,
            },
        ).json()
        return TokenGrant(
            access_token=body["access_token"],
            expires_at=in_seconds(body.get("expires_in")),
            refresh_token=body.get("refresh_token"),
            scopes=tuple(body.get("scope", "").split()),
            token_type=body.get("token_type", "Bearer"),
        )

    def identities(self, grant: TokenGrant) -> list[Identity]:
        body = self._api(
            "GET",
            "/youtube/v3/channels",
            grant.access_token,
            params={"part": "snippet", "mine": "true"},
        )
        return [
            Identity(
                network=self.network_id,
                external_id=channel["id"],
                kind=IdentityKind.CHANNEL,
                name=channel["snippet"]["title"],
                username=channel["snippet"].get("customUrl"),
                avatar_url=((channel["snippet"].get("thumbnails") or {}).get("default") or {}).get(
                    "url"
                ),
            )
            for channel in body.get("items", [])
        ]

    # -- publishing ------------------------------------------------------------------------
    def publish(self, account: AccountAuth, request: PublishRequest) -> PublishResult:
        self.require(
            len(request.videos) == 1 and len(request.media) == 1, "YouTube takes one video"
        )
        video = request.videos[0]
        self.require(video.read_range is not None, "YouTube uploads need the video's bytes")
        resource = self.video_resource(request)
        session = self._start_upload(account.access_token, video, resource)
        uploaded = self._send_chunks(account.access_token, session, video)
        status = uploaded.get("status") or {}
        if status.get("uploadStatus") in ("rejected", "failed"):
            reason = status.get("rejectionReason") or status.get("failureReason") or "rejected"
            raise NetworkError(
                ErrorKind.PERMANENT, f"YouTube rejected the video: {reason}", code=reason
            )
        return PublishResult(
            external_id=uploaded["id"],
            url=f"https://www.youtube.com/watch?v={uploaded['id']}",
            published_at=utcnow(),
        )

    def video_resource(self, request: PublishRequest) -> dict[str, Any]:
        """The `snippet` and `status` of the upload, checked against YouTube's rules."""
        options = request.options
        title = options.get("title") or (request.text.strip().splitlines() or [""])[0]
        title = title.strip()
        description = options.get("description", request.text)
        tags = [str(t) for t in options.get("tags") or []]
        self.require(bool(title), "YouTube videos need a title")
        self.require(len(title) <= 100, "YouTube titles are at most 100 characters")
        self.require(
            len(description.encode()) <= 5000, "YouTube descriptions are at most 5,000 bytes"
        )
        self.require(
            not re.search(r"[<>]", title + description),
            "YouTube titles and descriptions may not contain < or >",
        )
        self.require(
            sum(len(t) + (2 if " " in t else 0) for t in tags) + max(0, len(tags) - 1)
            <= TAGS_MAX_CHARS,
            f"YouTube tags are at most {TAGS_MAX_CHARS} characters together",
        )
        privacy = options.get("privacy_status", "public")
        self.require(privacy in PRIVACY, f"privacy_status must be one of {', '.join(PRIVACY)}")
        status: dict[str, Any] = {"privacyStatus": privacy}
        publish_at = options.get("publish_at")
        if publish_at:
            # A scheduled video is private until YouTube makes it public at publishAt.
            status.update(privacyStatus="private", publishAt=_rfc3339(publish_at))
        if "made_for_kids" in options:
            status["selfDeclaredMadeForKids"] = bool(options["made_for_kids"])
        snippet: dict[str, Any] = {
            "title": title,
            "description": description,
            "categoryId": str(options.get("category_id", DEFAULT_CATEGORY)),
        }
        if tags:
            snippet["tags"] = tags
        return {"snippet": snippet, "status": status}

    def _start_upload(self, token: str, video: MediaItem, resource: dict[str, Any]) -> str:
        response = self.call(
            "POST",
            self.url("api", "/upload/youtube/v3/videos"),
            params={"uploadType": "resumable", "part": "snippet,status"},
            json=resource,
            headers={
                "Authorization": f"Bearer {token}",
                "X-Upload-Content-Length": str(video.size),
                "X-Upload-Content-Type": video.content_type,
            },
        )
        location = response.headers.get("Location")
        if not location:
            raise NetworkError(ErrorKind.TRANSIENT, "YouTube gave no upload session URL")
        return location

    def _send_chunks(self, token: str, session: str, video: MediaItem) -> dict[str, Any]:
        """PUT the bytes from where YouTube has them; after a failed chunk, ask the
        session how far it got (308 + Range) and go on from the next byte."""
        offset, resumes = 0, 0
        reader = video.read_range
        assert reader is not None
        while True:
            length = min(CHUNK_BYTES, video.size - offset)
            data = reader(offset, length)
            self.require(len(data) == length, f"{video.filename} ended at byte {offset}")
            last = offset + length == video.size  # it creates the video
            with self.publishing() if last else nullcontext():
                try:
                    response = self._put(
                        token, session, data, f"bytes {offset}-{offset + length - 1}/{video.size}"
                    )
                except NetworkError as error:
                    if error.kind is not ErrorKind.TRANSIENT or resumes >= MAX_RESUMES:
                        raise
                    resumes += 1
                    response = self._put(token, session, b"", f"bytes */{video.size}")
            del data
            if response.status_code in (200, 201):
                return json_of(response)
            offset = _next_byte(response.headers.get("Range"))

    def _put(self, token: str, session: str, data: bytes, content_range: str) -> Any:
        return self.call(
            "PUT",
            session,
            upload=True,
            data=data,
            allow_redirects=False,  # 308 here means "resume incomplete", not a redirect
            headers={"Authorization": f"Bearer {token}", "Content-Range": content_range},
        )

    # -- metrics ---------------------------------------------------------------------------
    def metrics(self, account: AccountAuth, external_ids: list[str]) -> list[PostMetrics]:
        results = []
        for start in range(0, len(external_ids), self.metrics_batch):
            body = self._api(
                "GET",
                "/youtube/v3/videos",
                account.access_token,
                params={
                    "part": "statistics",
                    "id": ",".join(external_ids[start : start + self.metrics_batch]),
                },
            )
            for item in body.get("items", []):
                # A count the owner hid (likes) or turned off (comments) is missing, not 0.
                counts = item.get("statistics") or {}
                values = {
                    METRIC_NAMES[k]: int(v)
                    for k, v in counts.items()
                    if k in METRIC_NAMES and v is not None
                }
                results.append(PostMetrics(item["id"], values))
        return results

    def account_metrics(self, account: AccountAuth) -> AccountMetrics:
        body = self._api(
            "GET",
            "/youtube/v3/channels",
            account.access_token,
            params={"part": "statistics", "mine": "true"},
        )
        channel = next(
            (c for c in body.get("items", []) if c.get("id") == account.external_id),
            (body.get("items") or [{}])[0],
        )
        counts = channel.get("statistics") or {}
        hidden = counts.get("hiddenSubscriberCount") or counts.get("subscriberCount") is None
        others = {"channel_views": counts.get("viewCount"), "videos": counts.get("videoCount")}
        return AccountMetrics(
            None if hidden else int(counts["subscriberCount"]),
            {k: int(v) for k, v in others.items() if v is not None},
        )

    # -- HTTP and errors -------------------------------------------------------------------
    def classify(self, response: Any) -> NetworkError:
        body = json_of(response)
        status = response.status_code
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict):
            reasons = [e.get("reason") for e in error.get("errors") or [] if isinstance(e, dict)]
            reason = reasons[0] if reasons else error.get("status")
            message = error.get("message") or f"HTTP {status}"
        else:  # the OAuth endpoints: {"error": "invalid_grant", "error_description": ...}
            reason, message = error, (body or {}).get("error_description") or str(error or "")
            message = message or response.reason or f"HTTP {status}"
        if reason == "quotaExceeded":
            return NetworkError(
                ErrorKind.THROTTLED,
                message,
                retry_at=next_pacific_midnight(utcnow()),
                status=status,
                code=reason,
            )
        if reason in RATE_REASONS or status == 429:
            retry = response.headers.get("Retry-After")
            wait = timedelta(seconds=int(retry)) if retry and retry.isdigit() else RATE_WAIT
            return NetworkError(
                ErrorKind.THROTTLED, message, retry_at=utcnow() + wait, status=status, code=reason
            )
        if reason in REAUTH_REASONS or status == 401:
            return NetworkError(ErrorKind.REAUTH, message, status=status, code=reason)
        return NetworkError(kind_for_status(status), message, status=status, code=reason)


def _next_byte(header: str | None) -> int:
    """The offset after what the session holds (`Range: bytes=0-N`; none: nothing yet)."""
    match = RANGE.fullmatch(header or "")
    return int(match.group(2)) + 1 if match else 0


def _rfc3339(value: Any) -> str:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    else:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
