"""Instagram professional accounts (Graph API, Facebook Login): containers, publishing.

NETWORKS.md, "Instagram". Instagram fetches media itself from public URLs (presigned S3
GETs), so this adapter never reads media bytes. Publishing is container → status
polling → `media_publish`, after reading the account's `content_publishing_limit`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.domain.limits import (
    Capability,
    ImageLimits,
    NetworkLimits,
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
    NetworkError,
    PostMetrics,
    PublishRequest,
    PublishResult,
    TokenGrant,
    utcnow,
)
from chalicelib.networks.graph import GraphAdapter

LIMITS = NetworkLimits(
    network="instagram",
    name="Instagram",
    capabilities=frozenset(
        {
            Capability.IMAGES,
            Capability.VIDEO,
            Capability.CAROUSEL,
            Capability.STORIES,
            Capability.FIRST_COMMENT,
            Capability.ALT_TEXT,
        }
    ),
    text=TextLimits(max_length=2200, max_hashtags=30, max_mentions=20),
    images=ImageLimits(
        content_types=("image/jpeg",),
        max_bytes=8 * 1024**2,
        max_count=10,
        min_aspect_ratio=4 / 5,
        max_aspect_ratio=1.91,
        min_width=320,
        max_width=1440,
        alt_text_max=1000,
    ),
    videos=VideoLimits(
        content_types=("video/mp4", "video/quicktime"),
        max_bytes=300 * 1024**2,
        max_count=10,
        min_seconds=3,
        max_seconds=15 * 60,
    ),
    mixed_media=True,  # a carousel may mix images and videos
    max_media=10,
    requires_media=True,
    first_comment_max=2200,
    daily_post_cap=100,  # the account's own figure comes from content_publishing_limit
)

SCOPES = (
    "instagram_basic",
    "instagram_content_publish",
    "instagram_manage_insights",
    "pages_show_list",
    "pages_read_engagement",
)
CAROUSEL_MIN, CAROUSEL_MAX = 2, 10
INSIGHT_METRICS = {
    "views": "views",
    "reach": "reach",
    "likes": "likes",
    "comments": "comments",
    "shares": "shares",
    "saved": "saves",
    "total_interactions": "total_interactions",  # Instagram's own sum, kept by its name
}
# Instagram's cap is over a rolling 24 hours; a post frees its slot a day after it went
# out, which the API does not tell, so a capped account is tried again after this.
CAP_RETRY_WAIT = timedelta(hours=1)


class InstagramAdapter(GraphAdapter):
    network_id = "instagram"
    limits = LIMITS
    scopes = SCOPES
    metric_names = frozenset({"views", "reach", "likes", "comments", "shares", "saves"})

    def identities(self, grant: TokenGrant) -> list[Identity]:
        pages = self.pages(
            grant.access_token,
            "id,name,access_token,instagram_business_account{id,username,name,profile_picture_url}",
        )
        found = []
        for page in pages:
            account = page.get("instagram_business_account")
            if not account:
                continue
            found.append(
                Identity(
                    network="instagram",
                    external_id=account["id"],
                    kind=IdentityKind.BUSINESS,
                    name=account.get("name") or account.get("username") or page["name"],
                    username=account.get("username"),
                    avatar_url=account.get("profile_picture_url"),
                    access_token=page["access_token"],
                    parent_id=page["id"],
                )
            )
        return found

    # -- publishing ------------------------------------------------------------------------
    def publish(self, account: AccountAuth, request: PublishRequest) -> PublishResult:
        user, token = account.external_id, account.access_token
        media = request.media
        story = request.options.get("placement") == "story"
        self.require(bool(media), "Instagram posts need at least one image or video")
        self.require(
            len(media) <= CAROUSEL_MAX, f"Instagram carousels take at most {CAROUSEL_MAX} items"
        )
        self.require(not story or len(media) == 1, "an Instagram story takes one image or video")
        for item in media:
            item.require_url("Instagram")
        self._check_publishing_limit(user, token)
        if story:
            container = self._create(user, token, self._media_fields(media[0], "STORIES"))
        elif len(media) == 1:
            fields = self._media_fields(media[0], "REELS" if _is_video(media[0]) else None)
            container = self._create(user, token, {**fields, **_caption(request)})
        else:
            children = [
                self._create(user, token, {**self._media_fields(m, None), "is_carousel_item": True})
                for m in media
            ]
            for child in children:
                self._wait_until_finished(child, token)
            container = self._create(
                user,
                token,
                {"media_type": "CAROUSEL", "children": ",".join(children), **_caption(request)},
            )
        self._wait_until_finished(container, token)
        with self.publishing():
            media_id = self.graph(
                "POST", f"{user}/media_publish", token, data={"creation_id": container}
            )["id"]
        # The post is public now: nothing after this may raise, or it would be retried.
        follow_ups, warnings = self._first_comment(media_id, token, request, story)
        try:
            fields = self.graph("GET", media_id, token, params={"fields": "permalink"})
            permalink = fields.get("permalink")
        except NetworkError as error:
            permalink, warnings = None, (*warnings, f"no permalink yet: {error.message}")
        return PublishResult(media_id, permalink, utcnow(), follow_ups, warnings)

    def _check_publishing_limit(self, user: str, token: str) -> None:
        body = self.graph(
            "GET",
            f"{user}/content_publishing_limit",
            token,
            params={"fields": "quota_usage,config"},
        )
        for entry in body.get("data", []):
            total = (entry.get("config") or {}).get("quota_total")
            used = entry.get("quota_usage", 0)
            if total is not None and used >= total:
                raise NetworkError(
                    ErrorKind.THROTTLED,
                    f"this Instagram account has published {used} of its {total} posts "
                    "allowed in 24 hours",
                    retry_at=utcnow() + CAP_RETRY_WAIT,
                )

    def _media_fields(self, item: MediaItem, media_type: str | None) -> dict[str, Any]:
        url = item.require_url("Instagram")
        fields: dict[str, Any] = {}
        if _is_video(item):
            fields["media_type"] = media_type or "VIDEO"
            fields["video_url"] = url
        else:
            if media_type:
                fields["media_type"] = media_type
            fields["image_url"] = url
            if item.alt_text and media_type != "STORIES":
                fields["alt_text"] = item.alt_text
        if media_type == "REELS":
            fields["share_to_feed"] = True
        return fields

    def _create(self, user: str, token: str, fields: dict[str, Any]) -> str:
        form = {k: str(v).lower() if isinstance(v, bool) else v for k, v in fields.items()}
        return self.graph("POST", f"{user}/media", token, data=form)["id"]

    def _wait_until_finished(self, container: str, token: str) -> None:
        def check() -> tuple[bool, float | None]:
            body = self.graph("GET", container, token, params={"fields": "status_code,status"})
            code = body.get("status_code")
            if code in ("ERROR", "EXPIRED"):
                raise NetworkError(
                    ErrorKind.PERMANENT,
                    f"Instagram could not prepare the media: {body.get('status') or code}",
                    code=code,
                )
            return code in ("FINISHED", "PUBLISHED"), None

        self.polling.until_done(check, f"Instagram container {container}")

    def _first_comment(
        self, media_id: str, token: str, request: PublishRequest, story: bool
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if not request.first_comment or story:
            return (), ()
        try:
            comment = self.graph(
                "POST", f"{media_id}/comments", token, data={"message": request.first_comment}
            )
            return (comment["id"],), ()
        except NetworkError as error:
            return (), (f"the first comment was not published: {error.message}",)

    # -- metrics ---------------------------------------------------------------------------
    def metrics(self, account: AccountAuth, external_ids: list[str]) -> list[PostMetrics]:
        # Instagram's figures can arrive up to 48 hours late; later refreshes catch up.
        results = []
        for media_id in external_ids:
            body = self.graph(
                "GET",
                f"{media_id}/insights",
                account.access_token,
                params={"metric": ",".join(INSIGHT_METRICS)},
            )
            values: dict[str, int] = {}
            for metric in body.get("data") or []:
                points = metric.get("values") or []
                value = points[-1].get("value") if points else None
                if value is not None and metric.get("name") in INSIGHT_METRICS:
                    values[INSIGHT_METRICS[metric["name"]]] = int(value)
            results.append(PostMetrics(media_id, values))
        return results

    def account_metrics(self, account: AccountAuth) -> AccountMetrics:
        body = self.graph(
            "GET",
            account.external_id,
            account.access_token,
            params={"fields": "followers_count,follows_count,media_count"},
        )
        followers = body.get("followers_count")
        others = {"following": body.get("follows_count"), "posts": body.get("media_count")}
        return AccountMetrics(
            None if followers is None else int(followers),
            {k: int(v) for k, v in others.items() if v is not None},
        )


def _is_video(item: MediaItem) -> bool:
    return item.kind is not MediaKind.IMAGE


def _caption(request: PublishRequest) -> dict[str, str]:
    return {"caption": request.text} if request.text else {}
