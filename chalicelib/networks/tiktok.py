"""TikTok (Content Posting API): OAuth with rotating refresh tokens, creator info, direct
video posts uploaded in chunks or pulled from a URL, photo posts pulled from URLs,
status polling, video metrics.

NETWORKS.md, "TikTok". Every post asks `creator_info/query` first: the privacy levels the
creator may use and the longest video they may post are the network's runtime answer.
Errors come as `{"error": {"code", "message", "log_id"}}`, sorted by `code`.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

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
    network="tiktok",
    name="TikTok",
    capabilities=frozenset(
        {Capability.TEXT, Capability.VIDEO, Capability.IMAGES, Capability.CAROUSEL}
    ),
    # A video's caption; a photo post's description may hold 4,000.
    text=TextLimits(max_length=2200, counting=TextCounting.UTF16),
    images=ImageLimits(
        content_types=("image/jpeg", "image/webp"),
        max_bytes=20 * 1024**2,
        max_count=35,
    ),
    videos=VideoLimits(
        content_types=("video/mp4", "video/quicktime", "video/webm"),
        max_bytes=4 * 1024**3,
        max_count=1,
        min_seconds=3,
        max_seconds=600,  # the creator's own maximum (creator_info) is checked at publish
    ),
    mixed_media=False,
    max_media=35,
    requires_media=True,
    daily_post_cap=15,
    title_max=90,  # photo posts
)

# user.info.stats: follower counts for analytics.
SCOPES = ("user.info.basic", "user.info.stats", "video.publish", "video.upload", "video.list")
MIN_CHUNK = 5 * 1024**2
CHUNK_BYTES = 10 * 1024**2  # 5-64 MB allowed; the last chunk takes the remainder
PRIVACY_DEFAULT = "PUBLIC_TO_EVERYONE"
MAX_PHOTOS = 35
PHOTO_TYPES = ("image/jpeg", "image/webp")
REAUTH_CODES = {"access_token_invalid", "scope_not_authorized", "invalid_grant", "token_expired"}
THROTTLE_CODES = {"rate_limit_exceeded", "spam_risk_too_many_posts"}
TRANSIENT_CODES = {"internal_error", "server_error"}
# TikTok's rate windows are one minute and its posting cap one day; it sends no reset.
RATE_WINDOW = timedelta(minutes=1)
DAILY_WINDOW = timedelta(days=1)
METRIC_NAMES = {
    "view_count": "views",
    "like_count": "likes",
    "comment_count": "comments",
    "share_count": "shares",
}


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def chunk_plan(size: int) -> tuple[int, int]:
    """(chunk_size, total_chunk_count) by TikTok's rule: under 5 MB in one piece, else
    chunks of CHUNK_BYTES, count rounded down, the last chunk taking the rest."""
    if size < MIN_CHUNK:
        return size, 1
    chunk = min(CHUNK_BYTES, size)
    return chunk, size // chunk


class TikTokAdapter(NetworkAdapter):
    network_id = "tiktok"
    limits = LIMITS
    scopes = SCOPES
    uses_pkce = False
    can_refresh = True
    can_revoke = True
    hosts = {"auth": "https://www.tiktok.com", "api": "https://open.tiktokapis.com"}
    metric_names = frozenset({"views", "likes", "comments", "shares"})
    metrics_batch = 20  # ids per /v2/video/query/

    # -- OAuth ---------------------------------------------------------------------------
    def authorize_url(self, redirect_uri: str, state: str, code_challenge: str | None) -> str:
        query = {
            "client_key": self.credentials.client_id,
            "response_type": "code",
            "scope": ",".join(self.scopes),
            "redirect_uri": redirect_uri,
            "state": state,
        }
        return f"{self.url('auth', '/v2/auth/authorize/')}?{urlencode(query)}"

    def exchange_code(
        self, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> TokenGrant:
        return self._token(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        )

    def refresh(self, grant: TokenGrant) -> TokenGrant:
        if not grant.refresh_token:
            raise NetworkError(ErrorKind.REAUTH, "TikTok gave no refresh token; reconnect")
        # The answer carries a new refresh token: store it, the old one may stop working.
        # Should it carry none, the one we have is still the newest.
        renewed = self._token({"grant_type": "refresh_token", "refresh_token": grant.refresh_token})
        if renewed.refresh_token:
            return renewed
        return replace(
            renewed,
            refresh_token=grant.refresh_token,
            refresh_expires_at=grant.refresh_expires_at,
        )

    def revoke(self, grant: TokenGrant) -> None:
        self.call(
            "POST",
            self.url("api", "/v2/oauth/revoke/"),
            data={**self._client(), "token": grant.access_token},
        )

    def _client(self) -> dict[str, str]:
        return {
            "client_key": self.credentials.client_id,
            "client_secret": self.credentials.client_secret,
        }

    def _token(self, form: dict[str, str]) -> TokenGrant:
        response = self.call(
            "POST", self.url("api", "/v2/oauth/token/"), data={**self._client(), **form}
        )
        body = json_of(response)
        if body.get("error"):  # the token endpoint can answer 200 with an error
            raise self.classify(response)
        return TokenGrant(
            access_token=body["access_token"],
            expires_at=in_seconds(body.get("expires_in")),
            refresh_token=body.get("refresh_token"),
            refresh_expires_at=in_seconds(body.get("refresh_expires_in")),
            scopes=tuple(s for s in body.get("scope", "").split(",") if s),
            token_type=body.get("token_type", "Bearer"),
            subject=body.get("open_id"),
        )

    def identities(self, grant: TokenGrant) -> list[Identity]:
        user = self._api(
            "GET",
            "/v2/user/info/",
            grant.access_token,
            params={"fields": "open_id,avatar_url,display_name,username"},
        )["user"]
        return [
            Identity(
                network=self.network_id,
                external_id=user["open_id"],
                kind=IdentityKind.PERSON,
                name=user.get("display_name") or user.get("username") or user["open_id"],
                username=user.get("username"),
                avatar_url=user.get("avatar_url"),
            )
        ]

    # -- publishing ------------------------------------------------------------------------
    def creator_info(self, token: str) -> dict[str, Any]:
        """Privacy levels, disabled interactions and the longest video the creator may post."""
        return self._api("POST", "/v2/post/publish/creator_info/query/", token, json={})

    def publish(self, account: AccountAuth, request: PublishRequest) -> PublishResult:
        self.require(bool(request.media), "TikTok posts a video or photos")
        token = account.access_token
        creator = self.creator_info(token)
        if request.videos:
            self.require(len(request.media) == 1, "TikTok posts one video, or photos alone")
            publish_id = self._start_video(token, request, creator)
        else:
            publish_id = self._start_photos(token, request, creator)
        try:
            post_id = self._wait_until_published(token, publish_id)
        except NetworkError as error:
            # TikTok has the media and publishes it on its own: only a FAILED status
            # (permanent) says it will not; anything else may still appear.
            error.maybe_published = error.kind is not ErrorKind.PERMANENT
            raise
        username = creator.get("creator_username") or account.external_id
        kind = "video" if request.videos else "photo"
        return PublishResult(
            external_id=post_id,
            url=f"https://www.tiktok.com/@{username}/{kind}/{post_id}"
            if post_id.isdigit()
            else None,
            published_at=utcnow(),
        )

    def _start_video(self, token: str, request: PublishRequest, creator: dict[str, Any]) -> str:
        """video/init, then the chunks (FILE_UPLOAD) or nothing (PULL_FROM_URL)."""
        video = request.videos[0]
        longest = creator.get("max_video_post_duration_sec")
        self.require(
            not longest or not video.duration_seconds or video.duration_seconds <= longest,
            f"TikTok lets this creator post videos of at most {longest} s",
        )
        post_info = {
            **self._post_info(request, creator),
            "title": request.text,
            "disable_duet": bool(
                request.options.get("disable_duet") or creator.get("duet_disabled")
            ),
            "disable_stitch": bool(
                request.options.get("disable_stitch") or creator.get("stitch_disabled")
            ),
            "video_cover_timestamp_ms": int(request.options.get("cover_timestamp_ms", 1000)),
        }
        pull = request.options.get("source") == "PULL_FROM_URL" or video.read_range is None
        if pull:
            source: dict[str, Any] = {
                "source": "PULL_FROM_URL",
                "video_url": video.require_url("TikTok"),
            }
        else:
            chunk_size, count = chunk_plan(video.size)
            source = {
                "source": "FILE_UPLOAD",
                "video_size": video.size,
                "chunk_size": chunk_size,
                "total_chunk_count": count,
            }
        with self.publishing() if pull else nullcontext():
            init = self._api(
                "POST",
                "/v2/post/publish/video/init/",
                token,
                json={"post_info": post_info, "source_info": source},
            )
        if not pull:
            self._upload(init["upload_url"], video)
        return init["publish_id"]

    def _start_photos(self, token: str, request: PublishRequest, creator: dict[str, Any]) -> str:
        """content/init with the photos' URLs: TikTok pulls photos, it takes no upload."""
        images = request.images
        title = request.options.get("title", "")
        self.require(1 <= len(images) <= MAX_PHOTOS, f"TikTok takes 1 to {MAX_PHOTOS} photos")
        self.require(
            all(i.content_type in PHOTO_TYPES for i in images), "TikTok photos are JPEG or WebP"
        )
        self.require(utf16_length(title) <= 90, "TikTok photo titles are at most 90 characters")
        self.require(
            utf16_length(request.text) <= 4000,
            "TikTok photo descriptions are at most 4,000 characters",
        )
        cover = int(request.options.get("photo_cover_index", 0))
        self.require(0 <= cover < len(images), "photo_cover_index must name one of the photos")
        body = {
            "post_info": {
                **self._post_info(request, creator),
                "title": title,
                "description": request.text,
                "auto_add_music": bool(request.options.get("auto_add_music", True)),
            },
            "source_info": {
                "source": "PULL_FROM_URL",
                "photo_cover_index": cover,
                "photo_images": [i.require_url("TikTok") for i in images],
            },
            "post_mode": "DIRECT_POST",
            "media_type": "PHOTO",
        }
        with self.publishing():
            return self._api("POST", "/v2/post/publish/content/init/", token, json=body)[
                "publish_id"
            ]

    def _post_info(self, request: PublishRequest, creator: dict[str, Any]) -> dict[str, Any]:
        """Privacy and comments, checked against what creator_info allows."""
        options = creator.get("privacy_level_options") or []
        privacy = request.options.get("privacy_level") or (
            PRIVACY_DEFAULT if PRIVACY_DEFAULT in options else "SELF_ONLY"
        )
        self.require(
            privacy in options,
            f"TikTok lets this creator post as {', '.join(options)}, not {privacy}",
        )
        return {
            "privacy_level": privacy,
            "disable_comment": bool(
                request.options.get("disable_comment") or creator.get("comment_disabled")
            ),
        }

    def _upload(self, upload_url: str, video: MediaItem) -> None:
        """PUT each chunk with its Content-Range, read from the item one chunk at a time."""
        self.require(video.read_range is not None, f"{video.filename}: its bytes cannot be read")
        chunk_size, count = chunk_plan(video.size)
        for index in range(count):
            start = index * chunk_size
            end = video.size if index == count - 1 else start + chunk_size
            data = video.read_range(start, end - start)  # type: ignore[misc]
            self.require(len(data) == end - start, f"{video.filename} ended at byte {start}")
            # The last chunk completes the upload, and TikTok then publishes by itself.
            with self.publishing() if index == count - 1 else nullcontext():
                self.call(
                    "PUT",
                    upload_url,
                    upload=True,
                    data=data,
                    headers={
                        "Content-Type": video.content_type,
                        "Content-Range": f"bytes {start}-{end - 1}/{video.size}",
                    },
                )

    def _wait_until_published(self, token: str, publish_id: str) -> str:
        final: dict[str, Any] = {}

        def check() -> tuple[bool, float | None]:
            status = self._api(
                "POST", "/v2/post/publish/status/fetch/", token, json={"publish_id": publish_id}
            )
            if status.get("status") == "FAILED":
                raise NetworkError(
                    ErrorKind.PERMANENT,
                    f"TikTok could not publish the post: {status.get('fail_reason', 'failed')}",
                    code=status.get("fail_reason"),
                )
            final.update(status)
            return status.get("status") in ("PUBLISH_COMPLETE", "SEND_TO_USER_INBOX"), None

        self.polling.until_done(check, f"TikTok post {publish_id}")
        public_ids = final.get("publicaly_available_post_id") or []
        return str(public_ids[0]) if public_ids else publish_id

    # -- metrics ---------------------------------------------------------------------------
    def metrics(self, account: AccountAuth, external_ids: list[str]) -> list[PostMetrics]:
        results = []
        for start in range(0, len(external_ids), self.metrics_batch):
            body = self._api(
                "POST",
                "/v2/video/query/",
                account.access_token,
                params={"fields": "id,view_count,like_count,comment_count,share_count"},
                json={"filters": {"video_ids": external_ids[start : start + self.metrics_batch]}},
            )
            for video in body.get("videos", []):
                values = {
                    METRIC_NAMES[k]: int(v)
                    for k, v in video.items()
                    if k in METRIC_NAMES and v is not None
                }
                results.append(PostMetrics(str(video["id"]), values))
        return results

    def account_metrics(self, account: AccountAuth) -> AccountMetrics:
        user = self._api(
            "GET",
            "/v2/user/info/",
            account.access_token,
            params={"fields": "open_id,follower_count,following_count,likes_count,video_count"},
        ).get("user", {})
        followers = user.get("follower_count")
        others = {
            "following": user.get("following_count"),
            "profile_likes": user.get("likes_count"),
            "videos": user.get("video_count"),
        }
        return AccountMetrics(
            None if followers is None else int(followers),
            {k: int(v) for k, v in others.items() if v is not None},
        )

    # -- HTTP and errors -------------------------------------------------------------------
    def _api(self, method: str, path: str, token: str, **kwargs: Any) -> dict[str, Any]:
        response = self.call(
            method,
            self.url("api", path),
            headers={"Authorization": f"Bearer {token}"},
            **kwargs,
        )
        body = json_of(response)
        error = body.get("error") or {}
        if isinstance(error, dict) and error.get("code") not in (None, "ok"):
            raise self.classify(response)
        return body.get("data") or {}

    def classify(self, response: Any) -> NetworkError:
        body = json_of(response)
        status = response.status_code
        error = body.get("error")
        if isinstance(error, dict):
            code, message = error.get("code"), error.get("message")
        else:  # the OAuth endpoints: {"error": "invalid_grant", "error_description": ...}
            code, message = error, body.get("error_description")
        message = message or response.reason or f"HTTP {status}"
        if code in REAUTH_CODES or status == 401:
            return NetworkError(ErrorKind.REAUTH, message, status=status, code=code)
        if code in THROTTLE_CODES or status == 429:
            wait = DAILY_WINDOW if code == "spam_risk_too_many_posts" else RATE_WINDOW
            return NetworkError(
                ErrorKind.THROTTLED, message, retry_at=utcnow() + wait, status=status, code=code
            )
        if code in TRANSIENT_CODES:
            return NetworkError(ErrorKind.TRANSIENT, message, status=status, code=code)
        kind = kind_for_status(status) if status >= 400 else ErrorKind.PERMANENT
        return NetworkError(kind, message, status=status, code=code)
