"""Pinterest (API v5): OAuth with refresh, boards, image pins (one or several), video
pins through the media endpoint, pin analytics.

NETWORKS.md, "Pinterest". Every pin goes to a board: `boards(token)` lists them when the
account connects, and the choice travels as `PublishRequest.options["board_id"]`.
Errors are `{"code", "message"}`; 429 carries `x-ratelimit-reset`.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, replace
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
    MediaKind,
    NetworkAdapter,
    NetworkError,
    PostMetrics,
    PublishRequest,
    PublishResult,
    TokenGrant,
    epoch_to_datetime,
    in_seconds,
    kind_for_status,
    utcnow,
)
from chalicelib.networks.http import json_of
from chalicelib.networks.streams import MultipartStream

LIMITS = NetworkLimits(
    network="pinterest",
    name="Pinterest",
    capabilities=frozenset(
        {
            Capability.TEXT,
            Capability.IMAGES,
            Capability.CAROUSEL,
            Capability.VIDEO,
            Capability.LINK,
            Capability.ALT_TEXT,
        }
    ),
    text=TextLimits(max_length=500, counting=TextCounting.CODE_POINTS),  # the description
    images=ImageLimits(
        content_types=("image/jpeg", "image/png"),
        max_bytes=20 * 1024**2,
        max_count=5,
        alt_text_max=500,
    ),
    videos=VideoLimits(
        content_types=("video/mp4", "video/quicktime"),
        max_bytes=2 * 1024**3,
        max_count=1,
        min_seconds=4,
        max_seconds=15 * 60,
    ),
    max_media=5,
    requires_media=True,
    title_max=100,
    link_max=2048,
)

SCOPES = ("boards:read", "pins:read", "pins:write", "user_accounts:read")
MAX_BOARD_PAGES = 20
RATE_WAIT = timedelta(minutes=1)
BASE64_IMAGE_MAX = 10 * 1024**2  # images without a URL travel inline
METRICS = {
    "IMPRESSION": "impressions",
    "SAVE": "saves",
    "PIN_CLICK": "clicks",
    "OUTBOUND_CLICK": "outbound_clicks",
    "TOTAL_COMMENTS": "comments",
    "TOTAL_REACTIONS": "likes",
}


@dataclass(frozen=True)
class Board:
    """A board an account can pin to: the account (or target) keeps the chosen id."""

    id: str
    name: str
    privacy: str = "PUBLIC"


class PinterestAdapter(NetworkAdapter):
    network_id = "pinterest"
    limits = LIMITS
    scopes = SCOPES
    can_refresh = True
    hosts = {"auth": "https://www.pinterest.com", "api": "https://api.pinterest.com"}
    metric_names = frozenset({"impressions", "saves", "clicks", "comments", "likes"})

    # -- OAuth ---------------------------------------------------------------------------
    def authorize_url(self, redirect_uri: str, state: str, code_challenge: str | None) -> str:
        query = {
            "client_id": self.credentials.client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": ",".join(self.scopes),
            "state": state,
        }
        return f"{self.url('auth', '/oauth/')}?{urlencode(query)}"

    def exchange_code(
        self, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> TokenGrant:
        return self._token(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "continuous_refresh": "true",
            }
        )

    def refresh(self, grant: TokenGrant) -> TokenGrant:
        if not grant.refresh_token:
            raise NetworkError(ErrorKind.REAUTH, "Pinterest gave no refresh token; reconnect")
        renewed = self._token(
            {
                "grant_type": "refresh_token",
                "refresh_token": grant.refresh_token,
                "continuous_refresh": "true",
            }
        )
        if renewed.refresh_token:  # continuous refresh: a new refresh token each time
            return renewed
        return replace(
            renewed,
            refresh_token=grant.refresh_token,
            refresh_expires_at=grant.refresh_expires_at,
            scopes=renewed.scopes or grant.scopes,
        )

    def _token(self, form: dict[str, str]) -> TokenGrant:
        try:
            body = self.call(
                "POST",
                self.url("api", "/v5/oauth/token"),
                data=form,
                auth=(self.credentials.client_id, self.credentials.client_secret),
            ).json()
        except NetworkError as error:
            if error.kind is ErrorKind.PERMANENT and error.status in (400, 401):
                # a refused code or refresh token: the user has to connect again
                raise NetworkError(
                    ErrorKind.REAUTH, error.message, status=error.status, code=error.code
                ) from error
            raise
        return TokenGrant(
            access_token=body["access_token"],
            expires_at=in_seconds(body.get("expires_in")),
            refresh_token=body.get("refresh_token"),
            refresh_expires_at=in_seconds(body.get("refresh_token_expires_in")),
            scopes=tuple(s for s in body.get("scope", "").split(",") if s),
            token_type=body.get("token_type", "bearer"),
        )

    def identities(self, grant: TokenGrant) -> list[Identity]:
        me = self._api("GET", "/v5/user_account", grant.access_token)
        return [
            Identity(
                network=self.network_id,
                external_id=str(me.get("id") or me["username"]),
                kind=IdentityKind.BUSINESS
                if me.get("account_type") == "BUSINESS"
                else IdentityKind.PERSON,
                name=me.get("business_name") or me["username"],
                username=me["username"],
                avatar_url=me.get("profile_image"),
            )
        ]

    def boards(self, token: str) -> list[Board]:
        """The account's boards, every page, for the board choice at connect time."""
        boards: list[Board] = []
        params: dict[str, Any] = {"page_size": 100}
        for _ in range(MAX_BOARD_PAGES):
            page = self._api("GET", "/v5/boards", token, params=params)
            boards.extend(
                Board(b["id"], b.get("name", b["id"]), b.get("privacy", "PUBLIC"))
                for b in page.get("items", [])
            )
            if not page.get("bookmark"):
                break
            params["bookmark"] = page["bookmark"]
        return boards

    # -- publishing ------------------------------------------------------------------------
    def publish(self, account: AccountAuth, request: PublishRequest) -> PublishResult:
        options = request.options
        board = options.get("board_id")
        self.require(bool(board), "Pinterest needs a board: choose one for this account")
        title = options.get("title")
        alt = options.get("alt_text") or next(
            (m.alt_text for m in request.media if m.alt_text), None
        )
        self.require(not title or len(title) <= 100, "Pinterest titles are at most 100 characters")
        self.require(len(request.text) <= 500, "Pinterest descriptions are at most 500 characters")
        self.require(
            not request.link or len(request.link) <= 2048,
            "Pinterest links are at most 2,048 characters",
        )
        self.require(not alt or len(alt) <= 500, "Pinterest alt text is at most 500 characters")
        token = account.access_token
        body: dict[str, Any] = {
            "board_id": str(board),
            "description": request.text,
            "media_source": self._media_source(token, request),
        }
        if title:
            body["title"] = title
        if request.link:
            body["link"] = request.link
        if alt:
            body["alt_text"] = alt
        with self.publishing():
            pin = self._api("POST", "/v5/pins", token, json=body)
        return PublishResult(
            external_id=pin["id"],
            url=f"https://www.pinterest.com/pin/{pin['id']}/",
            published_at=utcnow(),
        )

    def _media_source(self, token: str, request: PublishRequest) -> dict[str, Any]:
        images, videos = request.images, request.videos
        self.require(bool(request.media), "a Pin needs an image or a video")
        if videos:
            self.require(len(request.media) == 1, "a video Pin has one video and nothing else")
            return self._video_source(token, videos[0], request.options)
        self.require(len(images) <= 5, "Pinterest takes up to 5 images in one Pin")
        if len(images) == 1:
            image = images[0]
            if image.url:
                return {"source_type": "image_url", "url": image.url}
            return {"source_type": "image_base64", **self._inline(image)}
        if all(i.url for i in images):
            return {
                "source_type": "multiple_image_urls",
                "items": [{"url": i.url} for i in images],
            }
        return {"source_type": "multiple_image_base64", "items": [self._inline(i) for i in images]}

    def _inline(self, image: MediaItem) -> dict[str, str]:
        self.require(
            image.content_type in ("image/jpeg", "image/png"), "Pinterest takes JPEG or PNG images"
        )
        data = image.read_all(BASE64_IMAGE_MAX)
        return {"content_type": image.content_type, "data": base64.b64encode(data).decode()}

    def _video_source(
        self, token: str, video: MediaItem, options: dict[str, Any]
    ) -> dict[str, Any]:
        """Register the upload, POST the file to its upload URL (streamed), wait for it."""
        self.require(video.kind is MediaKind.VIDEO, "Pinterest takes videos, not GIFs")
        media = self._api("POST", "/v5/media", token, json={"media_type": "video"})
        stream = MultipartStream(
            list((media.get("upload_parameters") or {}).items()), "file", video
        )
        self.call(
            "POST",
            media["upload_url"],
            upload=True,
            data=stream,
            headers={"Content-Type": stream.content_type},
        )
        media_id = str(media["media_id"])

        def check() -> tuple[bool, float | None]:
            status = self._api("GET", f"/v5/media/{media_id}", token).get("status")
            if status == "failed":
                raise NetworkError(ErrorKind.PERMANENT, "Pinterest could not process the video")
            return status == "succeeded", None

        self.polling.until_done(check, f"Pinterest media {media_id}")
        source: dict[str, Any] = {"source_type": "video_id", "media_id": media_id}
        if options.get("cover_image_url"):
            source["cover_image_url"] = options["cover_image_url"]
        else:
            source["cover_image_key_frame_time"] = int(options.get("cover_key_frame_time", 0))
        return source

    # -- metrics ---------------------------------------------------------------------------
    def metrics(self, account: AccountAuth, external_ids: list[str]) -> list[PostMetrics]:
        today = utcnow().date()
        results = []
        for pin_id in external_ids:
            body = self._api(
                "GET",
                f"/v5/pins/{pin_id}/analytics",
                account.access_token,
                params={
                    "start_date": (today - timedelta(days=89)).isoformat(),
                    "end_date": today.isoformat(),
                    "metric_types": ",".join(METRICS),
                },
            )
            summary = (body.get("all") or {}).get("summary_metrics") or {}
            values = {
                METRICS[k]: int(v) for k, v in summary.items() if k in METRICS and v is not None
            }
            results.append(PostMetrics(pin_id, values))
        return results

    def account_metrics(self, account: AccountAuth) -> AccountMetrics:
        me = self._api("GET", "/v5/user_account", account.access_token)
        followers = me.get("follower_count")
        others = {
            "following": me.get("following_count"),
            "pins": me.get("pin_count"),
            "monthly_views": me.get("monthly_views"),
        }
        return AccountMetrics(
            None if followers is None else int(followers),
            {k: int(v) for k, v in others.items() if v is not None and int(v) >= 0},
        )

    # -- HTTP and errors -------------------------------------------------------------------
    def classify(self, response: Any) -> NetworkError:
        body = json_of(response)
        status = response.status_code
        code = body.get("code") if isinstance(body, dict) else None
        message = (body.get("message") if isinstance(body, dict) else None) or response.reason
        message = str(message or f"HTTP {status}")
        text_code = None if code is None else str(code)
        if status == 429:
            reset = response.headers.get("x-ratelimit-reset")
            retry_at = None
            if reset and reset.isdigit():
                value = int(reset)
                # seconds until the window resets, or an epoch time
                retry_at = epoch_to_datetime(value) if value > 10**9 else in_seconds(value)
            return NetworkError(
                ErrorKind.THROTTLED,
                message,
                retry_at=retry_at or utcnow() + RATE_WAIT,
                status=status,
                code=text_code,
            )
        return NetworkError(kind_for_status(status), message, status=status, code=text_code)
