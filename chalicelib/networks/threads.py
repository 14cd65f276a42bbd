"""Threads (graph.threads.net): OAuth, the 60-day token and its refresh, TEXT, IMAGE,
VIDEO and CAROUSEL containers published with `threads_publish`, replies, the publishing
quota, insights.

NETWORKS.md, "Threads". Media is pulled by Threads from a public URL (a presigned S3
GET), like Instagram. Errors are Graph's `{"error": {"message", "type", "code"}}`,
sorted as for Facebook.
"""

from __future__ import annotations

import re
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
    in_seconds,
    utcnow,
)
from chalicelib.networks.graph import graph_error
from chalicelib.networks.http import json_of

LIMITS = NetworkLimits(
    network="threads",
    name="Threads",
    capabilities=frozenset(
        {
            Capability.TEXT,
            Capability.IMAGES,
            Capability.VIDEO,
            Capability.CAROUSEL,
            Capability.THREADS,
            Capability.FIRST_COMMENT,
            Capability.LINK,
            Capability.ALT_TEXT,
        }
    ),
    text=TextLimits(max_length=500, counting=TextCounting.CODE_POINTS, max_links=5),
    images=ImageLimits(
        content_types=("image/jpeg", "image/png"),
        max_bytes=8 * 1024**2,
        max_count=20,
        min_width=320,
        max_width=1440,
        alt_text_max=1000,
    ),
    videos=VideoLimits(
        content_types=("video/mp4", "video/quicktime"),
        max_bytes=1024**3,
        max_count=20,
        max_seconds=300,
    ),
    mixed_media=True,  # a carousel mixes images and videos
    max_media=20,
    first_comment_max=500,
    daily_post_cap=250,
)

VERSION = "v1.0"
SCOPES = ("threads_basic", "threads_content_publish", "threads_manage_insights")
URL = re.compile(r"https?://\S+")
QUOTA_RETRY = timedelta(hours=1)  # the cap is over a rolling 24 h: look again in an hour
METRICS = ("views", "likes", "replies", "reposts", "quotes", "shares")
# Threads counts reposts and shares (of the post's link, sent elsewhere) apart: both are
# `shares` here, and reposts are also kept by their own name.
METRIC_NAMES = {"views": "views", "likes": "likes", "replies": "comments", "quotes": "quotes"}


class ThreadsAdapter(NetworkAdapter):
    network_id = "threads"
    limits = LIMITS
    scopes = SCOPES
    can_refresh = True
    hosts = {"auth": "https://threads.net", "api": "https://graph.threads.net"}
    metric_names = frozenset({"views", "likes", "comments", "shares", "quotes"})

    # -- OAuth ---------------------------------------------------------------------------
    def authorize_url(self, redirect_uri: str, state: str, code_challenge: str | None) -> str:
        query = {
            "client_id": self.credentials.client_id,
            "redirect_uri": redirect_uri,
            "scope": ",".join(self.scopes),
            "response_type": "code",
            "state": state,
        }
        return f"{self.url('auth', '/oauth/authorize')}?{urlencode(query)}"

    def exchange_code(
        self, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> TokenGrant:
        short = json_of(
            self.call(
                "POST",
                self.url("api", "/oauth/access_token"),
                data={
                    "client_id": self.credentials.client_id,
                    "client_secret": self.credentials.client_secret,
                    "grant_type": "authorization_code",
                    "redirect_uri": redirect_uri,
                    "code": code,
                },
            )
        )
        # The code gives an hour; the long-lived token lasts 60 days and is refreshed.
        long = json_of(
            self.call(
                "GET",
                self.url("api", "/access_token"),
                params={
                    "grant_type": "th_exchange_token",
                    "client_secret": self.credentials.client_secret,
                    "access_token": short["access_token"],
                },
            )
        )
        return self._grant(long, str(short.get("user_id") or "") or None)

    def refresh(self, grant: TokenGrant) -> TokenGrant:
        """A new 60-day token for one at least a day old and not yet expired."""
        body = json_of(
            self.call(
                "GET",
                self.url("api", "/refresh_access_token"),
                params={"grant_type": "th_refresh_token", "access_token": grant.access_token},
            )
        )
        return self._grant(body, grant.subject)

    def _grant(self, body: dict[str, Any], subject: str | None) -> TokenGrant:
        return TokenGrant(
            access_token=body["access_token"],
            expires_at=in_seconds(body.get("expires_in")),
            scopes=self.scopes,
            token_type=body.get("token_type", "bearer"),
            subject=subject,
        )

    def identities(self, grant: TokenGrant) -> list[Identity]:
        me = self._graph(
            "GET",
            "me",
            grant.access_token,
            params={"fields": "id,username,name,threads_profile_picture_url"},
        )
        return [
            Identity(
                network=self.network_id,
                external_id=str(me["id"]),
                kind=IdentityKind.PERSON,
                name=me.get("name") or me["username"],
                username=me["username"],
                avatar_url=me.get("threads_profile_picture_url"),
            )
        ]

    # -- publishing ------------------------------------------------------------------------
    def publish(self, account: AccountAuth, request: PublishRequest) -> PublishResult:
        texts = [request.text, *(p.text for p in request.thread)]
        if request.first_comment:
            texts.append(request.first_comment)
        for text in texts:
            self.require(len(text) <= 500, "Threads posts are at most 500 characters")
            self.require(len(URL.findall(text)) <= 5, "Threads posts take at most 5 links")
        self._check_media(request.media)
        for part in request.thread:
            self._check_media(part.media)
        self._check_quota(account)
        first = self._post(account, request.text, request.media, link=request.link)
        chain, warnings = [first], []
        follow_ups = [(p.text, p.media) for p in request.thread]
        if request.first_comment:
            follow_ups.append((request.first_comment, ()))
        for number, (text, media) in enumerate(follow_ups, start=1):
            try:
                chain.append(self._post(account, text, media, reply_to=chain[-1]))
            except NetworkError as error:
                warnings.append(f"reply {number} was not published: {error.message}")
                break
        permalink = self._permalink(account, first, warnings)
        return PublishResult(
            external_id=first,
            url=permalink,
            published_at=utcnow(),
            follow_up_ids=tuple(chain[1:]),
            warnings=tuple(warnings),
        )

    def _permalink(self, account: AccountAuth, post_id: str, warnings: list[str]) -> str | None:
        """The post's URL; the post is public already, so a failure here is only noted."""
        try:
            return self._graph(
                "GET", post_id, account.access_token, params={"fields": "permalink"}
            ).get("permalink")
        except NetworkError as error:
            warnings.append(f"the post's link could not be read: {error.message}")
            return None

    def _check_media(self, media: tuple[MediaItem, ...]) -> None:
        self.require(
            len(media) <= 20 and all(m.kind is not MediaKind.GIF for m in media),
            "Threads takes up to 20 images and videos, no GIFs",
        )

    def publishing_quota(self, account: AccountAuth) -> tuple[int, int]:
        """(posts used, posts allowed) in the rolling 24 hours."""
        body = self._graph(
            "GET",
            f"{account.external_id}/threads_publishing_limit",
            account.access_token,
            params={"fields": "quota_usage,config"},
        )
        entry = (body.get("data") or [{}])[0]
        total = (entry.get("config") or {}).get("quota_total") or LIMITS.daily_post_cap or 250
        return int(entry.get("quota_usage", 0)), int(total)

    def _check_quota(self, account: AccountAuth) -> None:
        used, total = self.publishing_quota(account)
        if used >= total:
            raise NetworkError(
                ErrorKind.THROTTLED,
                f"Threads allows {total} posts in 24 hours and {used} were published",
                retry_at=utcnow() + QUOTA_RETRY,
                code="threads_publishing_limit",
            )

    def _post(
        self,
        account: AccountAuth,
        text: str,
        media: tuple[MediaItem, ...],
        link: str | None = None,
        reply_to: str | None = None,
    ) -> str:
        """One container (a carousel has one per item first), then threads_publish."""
        params: dict[str, Any] = {"text": text}
        if reply_to:
            params["reply_to_id"] = reply_to
        if len(media) > 1:
            children = [
                self._container(account, self._media_params(m, carousel=True)) for m in media
            ]
            for child in children:
                self._wait(account, child)
            params.update(media_type="CAROUSEL", children=",".join(children))
        elif media:
            params.update(self._media_params(media[0]))
        else:
            params["media_type"] = "TEXT"
            if link:
                params["link_attachment"] = link
        container = self._container(account, params)
        self._wait(account, container)
        with self.publishing():
            return self._graph(
                "POST",
                f"{account.external_id}/threads_publish",
                account.access_token,
                data={"creation_id": container},
            )["id"]

    def _media_params(self, item: MediaItem, carousel: bool = False) -> dict[str, Any]:
        url = item.require_url("Threads")
        params: dict[str, Any] = (
            {"media_type": "VIDEO", "video_url": url}
            if item.kind is MediaKind.VIDEO
            else {"media_type": "IMAGE", "image_url": url}
        )
        if item.alt_text:
            params["alt_text"] = item.alt_text
        if carousel:
            params["is_carousel_item"] = "true"
        return params

    def _container(self, account: AccountAuth, params: dict[str, Any]) -> str:
        return self._graph(
            "POST", f"{account.external_id}/threads", account.access_token, data=params
        )["id"]

    def _wait(self, account: AccountAuth, container: str) -> None:
        def check() -> tuple[bool, float | None]:
            body = self._graph(
                "GET", container, account.access_token, params={"fields": "status,error_message"}
            )
            status = body.get("status")
            if status in ("ERROR", "EXPIRED"):
                raise NetworkError(
                    ErrorKind.PERMANENT,
                    body.get("error_message") or f"Threads could not prepare the post ({status})",
                    code=status,
                )
            return status in ("FINISHED", "PUBLISHED"), None

        self.polling.until_done(check, f"Threads container {container}")

    # -- metrics ---------------------------------------------------------------------------
    def metrics(self, account: AccountAuth, external_ids: list[str]) -> list[PostMetrics]:
        results = []
        for media_id in external_ids:
            body = self._graph(
                "GET",
                f"{media_id}/insights",
                account.access_token,
                params={"metric": ",".join(METRICS)},
            )
            given = {
                entry["name"]: int(value)
                for entry in body.get("data") or []
                if (value := _insight_value(entry)) is not None
            }
            values = {METRIC_NAMES[k]: v for k, v in given.items() if k in METRIC_NAMES}
            if "reposts" in given or "shares" in given:
                values["shares"] = given.get("reposts", 0) + given.get("shares", 0)
            if "reposts" in given:
                values["reposts"] = given["reposts"]
            results.append(PostMetrics(media_id, values))
        return results

    def account_metrics(self, account: AccountAuth) -> AccountMetrics:
        body = self._graph(
            "GET",
            f"{account.external_id}/threads_insights",
            account.access_token,
            params={"metric": "followers_count"},
        )
        followers = next(
            (
                _insight_value(entry)
                for entry in body.get("data") or []
                if entry.get("name") == "followers_count"
            ),
            None,
        )
        return AccountMetrics(None if followers is None else int(followers), {})

    # -- HTTP and errors -------------------------------------------------------------------
    def _graph(self, method: str, path: str, token: str, **kwargs: Any) -> dict[str, Any]:
        target = "params" if method == "GET" else "data"
        kwargs[target] = {**(kwargs.get(target) or {}), "access_token": token}
        return json_of(self.call(method, self.url("api", f"/{VERSION}/{path}"), **kwargs))

    def classify(self, response: Any) -> NetworkError:
        return graph_error(response)


def _insight_value(entry: dict[str, Any]) -> Any:
    """A Threads insight's number: `total_value` for totals, else the last of `values`."""
    total = entry.get("total_value")
    if isinstance(total, dict) and total.get("value") is not None:
        return total["value"]
    points = entry.get("values") or []
    return points[-1].get("value") if points else None
