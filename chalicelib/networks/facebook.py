"""Facebook Pages (Graph API): page tokens, text and link posts, photos, video, insights.

NETWORKS.md, "Facebook Pages". Several photos are uploaded unpublished and attached to
one feed post; a video goes up in the resumable phases (start, transfer, finish) so
only one chunk is ever in memory.
"""

from __future__ import annotations

import json
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
    NetworkError,
    PostMetrics,
    PublishRequest,
    PublishResult,
    TokenGrant,
    utcnow,
)
from chalicelib.networks.graph import GraphAdapter

LIMITS = NetworkLimits(
    network="facebook",
    name="Facebook Pages",
    capabilities=frozenset(
        {
            Capability.TEXT,
            Capability.LINK,
            Capability.IMAGES,
            Capability.VIDEO,
            Capability.FIRST_COMMENT,
            Capability.ALT_TEXT,
        }
    ),
    text=TextLimits(max_length=63_206),
    images=ImageLimits(
        content_types=("image/jpeg", "image/png", "image/gif", "image/webp"),
        max_bytes=10 * 1024**2,
        max_count=10,
        alt_text_max=1000,
    ),
    videos=VideoLimits(
        content_types=("video/mp4", "video/quicktime"),
        max_bytes=10 * 1024**3,
        max_count=1,
        min_seconds=1,
        max_seconds=240 * 60,
    ),
    mixed_media=False,
    max_media=10,
    first_comment_max=8000,
)

SCOPES = ("pages_show_list", "pages_read_engagement", "pages_manage_posts")
IMAGE_READ_CAP = 10 * 1024**2
# Insight metric -> Schedulo's name. Meta renames these often: change them here.
# Page post insights by today's names (Meta retired post_impressions* in 2025: views
# replaced them). Meta renames these often: the one place to change them.
INSIGHT_METRICS = {
    "post_media_view": "views",
    "post_total_media_view_unique": "reach",
    "post_clicks": "clicks",
    "post_reactions_by_type_total": "likes",  # every reaction, summed over types
    "post_activity_by_action_type": "",  # {"comment", "share", ...}: see _insight_values
}
ACTIONS = {"comment": "comments", "share": "shares"}


class FacebookAdapter(GraphAdapter):
    network_id = "facebook"
    limits = LIMITS
    scopes = SCOPES
    metric_names = frozenset({"views", "reach", "likes", "comments", "shares", "clicks"})

    def identities(self, grant: TokenGrant) -> list[Identity]:
        pages = self.pages(grant.access_token, "id,name,access_token,picture{url}")
        return [
            Identity(
                network="facebook",
                external_id=page["id"],
                kind=IdentityKind.PAGE,
                name=page["name"],
                avatar_url=((page.get("picture") or {}).get("data") or {}).get("url"),
                access_token=page["access_token"],
            )
            for page in pages
        ]

    # -- publishing ------------------------------------------------------------------------
    def publish(self, account: AccountAuth, request: PublishRequest) -> PublishResult:
        page, token = account.external_id, account.access_token
        images, videos = request.images, request.videos
        self.require(not (images and videos), "Facebook posts take photos or a video, not both")
        self.require(len(videos) <= 1, "Facebook posts take one video")
        self.require(
            not (request.link and request.media),
            "Facebook shows a link preview only on posts without photos or video",
        )
        if videos:
            post_id = self._publish_video(page, token, videos[0], request)
            url = f"https://www.facebook.com/{page}/videos/{post_id}"
        elif len(images) == 1:
            with self.publishing():
                photo = self._upload_photo(page, token, images[0], request.text, published=True)
            post_id = photo.get("post_id") or photo["id"]
            url = f"https://www.facebook.com/{post_id}"
        else:
            fields: dict[str, Any] = {"message": request.text}
            if request.link:
                fields["link"] = request.link
            if images:
                photo_ids = [
                    self._upload_photo(page, token, image, None, published=False)["id"]
                    for image in images
                ]
                fields["attached_media"] = json.dumps([{"media_fbid": i} for i in photo_ids])
            with self.publishing():
                post_id = self.graph("POST", f"{page}/feed", token, data=fields)["id"]
            url = f"https://www.facebook.com/{post_id}"
        follow_ups, warnings = self._first_comment(post_id, token, request.first_comment)
        return PublishResult(post_id, url, utcnow(), follow_ups, warnings)

    def _upload_photo(
        self, page: str, token: str, image: MediaItem, caption: str | None, published: bool
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {"published": "true" if published else "false"}
        if caption:
            fields["caption"] = caption
        if image.alt_text:
            fields["alt_text_custom"] = image.alt_text
        if image.read_range is None:
            fields["url"] = image.require_url("Facebook")
            return self.graph("POST", f"{page}/photos", token, data=fields)
        data = image.read_all(IMAGE_READ_CAP)
        return self.graph(
            "POST",
            f"{page}/photos",
            token,
            data=fields,
            files={"source": (image.filename, data, image.content_type)},
            upload=True,
        )

    def _publish_video(
        self, page: str, token: str, video: MediaItem, request: PublishRequest
    ) -> str:
        describe = {"description": request.text}
        if request.options.get("title"):
            describe["title"] = str(request.options["title"])
        if video.read_range is None:
            fields = {**describe, "file_url": video.require_url("Facebook")}
            with self.publishing():
                return self.graph("POST", f"{page}/videos", token, data=fields, host="video")["id"]
        start = self.graph(
            "POST",
            f"{page}/videos",
            token,
            data={"upload_phase": "start", "file_size": str(video.size)},
            host="video",
        )
        session, video_id = start["upload_session_id"], start["video_id"]
        begin, end = int(start["start_offset"]), int(start["end_offset"])
        read = video.read_range
        assert read is not None
        # Facebook says which byte range it wants next; the last answer has begin == end.
        while begin < end:
            chunk = read(begin, end - begin)
            answer = self.graph(
                "POST",
                f"{page}/videos",
                token,
                data={
                    "upload_phase": "transfer",
                    "upload_session_id": session,
                    "start_offset": str(begin),
                },
                files={"video_file_chunk": (video.filename, chunk, "application/octet-stream")},
                host="video",
                upload=True,
            )
            begin, end = int(answer["start_offset"]), int(answer["end_offset"])
        with self.publishing():
            finished = self.graph(
                "POST",
                f"{page}/videos",
                token,
                data={"upload_phase": "finish", "upload_session_id": session, **describe},
                host="video",
            )
        if not finished.get("success"):
            raise NetworkError(ErrorKind.PERMANENT, "Facebook did not accept the video")
        return str(video_id)

    def _first_comment(
        self, post_id: str, token: str, text: str | None
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if not text:
            return (), ()
        try:
            comment = self.graph("POST", f"{post_id}/comments", token, data={"message": text})
            return (comment["id"],), ()
        except NetworkError as error:
            return (), (f"the first comment was not published: {error.message}",)

    # -- metrics ---------------------------------------------------------------------------
    def metrics(self, account: AccountAuth, external_ids: list[str]) -> list[PostMetrics]:
        results = []
        for post_id in external_ids:
            body = self.graph(
                "GET",
                f"{post_id}/insights",
                account.access_token,
                params={"metric": ",".join(INSIGHT_METRICS), "period": "lifetime"},
            )
            results.append(PostMetrics(post_id, _insight_values(body.get("data") or [])))
        return results

    def account_metrics(self, account: AccountAuth) -> AccountMetrics:
        page = self.graph(
            "GET",
            account.external_id,
            account.access_token,
            params={"fields": "followers_count,fan_count"},
        )
        followers = page.get("followers_count")
        likes = page.get("fan_count")
        return AccountMetrics(
            None if followers is None else int(followers),
            {} if likes is None else {"page_likes": int(likes)},
        )


def _insight_values(data: list[dict[str, Any]]) -> dict[str, int]:
    """Canonical figures from a post's insights; a metric Meta left out stays absent."""
    values: dict[str, int] = {}
    for metric in data:
        points = metric.get("values") or []
        value = points[-1].get("value") if points else None
        name = metric.get("name")
        if value is None or name not in INSIGHT_METRICS:
            continue
        if name == "post_activity_by_action_type":
            if isinstance(value, dict):
                for action, key in ACTIONS.items():
                    values[key] = int(value.get(action, 0))
            continue
        if isinstance(value, dict):  # reactions by type
            value = sum(int(v) for v in value.values())
        values[INSIGHT_METRICS[name]] = int(value)
    return values
