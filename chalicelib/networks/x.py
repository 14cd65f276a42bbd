"""X (API v2): OAuth 2.0 with PKCE, posts, threads, chunked media upload, public metrics.

NETWORKS.md, "X". Text is counted by twitter-text v3 weights; 429 carries
`x-rate-limit-reset` (epoch seconds); duplicate text is a 403.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from chalicelib.domain.limits import (
    Capability,
    GifLimits,
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

LIMITS = NetworkLimits(
    network="x",
    name="X",
    capabilities=frozenset(
        {
            Capability.TEXT,
            Capability.IMAGES,
            Capability.VIDEO,
            Capability.GIF,
            Capability.THREADS,
            Capability.FIRST_COMMENT,
            Capability.ALT_TEXT,
        }
    ),
    text=TextLimits(max_length=280, counting=TextCounting.WEIGHTED, url_length=23),
    images=ImageLimits(
        content_types=("image/jpeg", "image/png", "image/webp"),
        max_bytes=5 * 1024**2,
        max_count=4,
        alt_text_max=1000,
    ),
    gifs=GifLimits(max_bytes=15 * 1024**2, max_count=1),
    videos=VideoLimits(
        content_types=("video/mp4", "video/quicktime"),
        max_bytes=512 * 1024**2,
        max_count=1,
        min_seconds=0.5,
        max_seconds=140,
        min_aspect_ratio=1 / 3,
        max_aspect_ratio=3,
    ),
    mixed_media=False,
    max_media=4,
    first_comment_max=280,
)

SCOPES = ("tweet.read", "tweet.write", "users.read", "offline.access", "media.write")
CHUNK_BYTES = 4 * 1024**2  # APPEND segments; X takes up to 5 MB each
MEDIA_CATEGORY = {
    MediaKind.IMAGE: "tweet_image",
    MediaKind.GIF: "tweet_gif",
    MediaKind.VIDEO: "tweet_video",
}
METRIC_NAMES = {
    "impression_count": "impressions",
    "like_count": "likes",
    "reply_count": "comments",
    "repost_count": "shares",
    "retweet_count": "shares",  # the name before X renamed tweets to posts
    "quote_count": "quotes",
    "bookmark_count": "saves",
}
# Non-public (all) and organic (unpaid) figures: the first given wins.
PRIVATE_METRIC_NAMES = {
    "url_link_clicks": "clicks",
    "user_profile_clicks": "user_profile_clicks",
}
PRIVATE_FIELDS = "public_metrics,non_public_metrics,organic_metrics"
# The problems X answers for a field the token may not read on a post (older than 30
# days, or not the author's).
FIELD_REFUSED = (
    "https://api.x.com/2/problems/not-authorized-for-field",
    "https://api.x.com/2/problems/field-unauthorized",
    "https://api.twitter.com/2/problems/not-authorized-for-field",
)


class XAdapter(NetworkAdapter):
    network_id = "x"
    limits = LIMITS
    scopes = SCOPES
    uses_pkce = True
    can_refresh = True
    can_revoke = True
    hosts = {"auth": "https://x.com", "api": "https://api.x.com"}
    metric_names = frozenset(
        {"impressions", "likes", "comments", "shares", "quotes", "saves", "clicks"}
    )
    metrics_batch = 100  # ids per GET /2/tweets
    # Non-public figures: X stops giving them 30 days after the post.
    time_limited_metrics = frozenset({"clicks", "user_profile_clicks"})

    # -- OAuth ---------------------------------------------------------------------------
    def authorize_url(self, redirect_uri: str, state: str, code_challenge: str | None) -> str:
        self.require(code_challenge is not None, "X requires PKCE: a code_challenge is missing")
        query = {
            "response_type": "code",
            "client_id": self.credentials.client_id,
            "redirect_uri": redirect_uri,
            "scope": " ".join(self.scopes),
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
        return f"{self.url('auth', '/i/oauth2/authorize')}?{urlencode(query)}"

    def exchange_code(
        self, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> TokenGrant:
        return self._token(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": code_verifier or "",
                "client_id": self.credentials.client_id,
            }
        )

    def refresh(self, grant: TokenGrant) -> TokenGrant:
        if not grant.refresh_token:
            raise NetworkError(ErrorKind.REAUTH, "X gave no refresh token (offline.access)")
        # X rotates refresh tokens: the old one stops working once this succeeds.
        return self._token(
            {
                "grant_type": "refresh_token",
                "refresh_token": grant.refresh_token,
                "client_id": self.credentials.client_id,
            }
        )

    def revoke(self, grant: TokenGrant) -> None:
        for token, hint in ((grant.refresh_token, "refresh_token"), (grant.access_token, None)):
            if token:
                self.call(
                    "POST",
                    self.url("api", "/2/oauth2/revoke"),
                    data={"token": token, "token_type_hint": hint or "access_token"},
                    auth=self._basic_auth(),
                )

    def _token(self, form: dict[str, str]) -> TokenGrant:
        body = self.call(
            "POST", self.url("api", "/2/oauth2/token"), data=form, auth=self._basic_auth()
        ).json()
        return TokenGrant(
            access_token=body["access_token"],
            expires_at=in_seconds(body.get("expires_in")),
            refresh_token=body.get("refresh_token"),
            scopes=tuple(body.get("scope", "").split()),
            token_type=body.get("token_type", "bearer"),
        )

    def _basic_auth(self) -> tuple[str, str]:
        return (self.credentials.client_id, self.credentials.client_secret)

    def identities(self, grant: TokenGrant) -> list[Identity]:
        me = self._api(
            "GET",
            "/2/users/me",
            grant.access_token,
            params={"user.fields": "profile_image_url,username,name"},
        )["data"]
        return [
            Identity(
                network="x",
                external_id=me["id"],
                kind=IdentityKind.PERSON,
                name=me.get("name") or me["username"],
                username=me["username"],
                avatar_url=me.get("profile_image_url"),
            )
        ]

    # -- publishing ------------------------------------------------------------------------
    def publish(self, account: AccountAuth, request: PublishRequest) -> PublishResult:
        self._check_media(request.media)
        for part in request.thread:
            self._check_media(part.media)
        token = account.access_token
        media_ids = self._upload_all(token, request.media)
        with self.publishing():
            first = self._post_tweet(token, request.text, media_ids)
        chain = [first]
        # A thread and the first comment are replies, each to the one before it. The
        # first tweet is already public: a failing reply is reported, not raised, so the
        # caller never publishes the first tweet twice.
        follow_ups: list[tuple[str, tuple[MediaItem, ...]]] = [
            (p.text, p.media) for p in request.thread
        ]
        if request.first_comment:
            follow_ups.append((request.first_comment, ()))
        warnings = []
        for text, media in follow_ups:
            try:
                chain.append(
                    self._post_tweet(token, text, self._upload_all(token, media), chain[-1])
                )
            except NetworkError as error:
                warnings.append(f"reply {len(chain)} was not published: {error.message}")
                break
        return PublishResult(
            external_id=first,
            url=f"https://x.com/i/web/status/{first}",
            published_at=utcnow(),
            follow_up_ids=tuple(chain[1:]),
            warnings=tuple(warnings),
        )

    def _check_media(self, media: tuple[MediaItem, ...]) -> None:
        videos = [m for m in media if m.kind is not MediaKind.IMAGE]
        self.require(
            len(media) <= 4 and (not videos or len(media) == 1),
            "X takes up to 4 images, or 1 GIF, or 1 video per post",
        )

    def _post_tweet(
        self, token: str, text: str, media_ids: list[str], reply_to: str | None = None
    ) -> str:
        body: dict[str, Any] = {"text": text}
        if media_ids:
            body["media"] = {"media_ids": media_ids}
        if reply_to:
            body["reply"] = {"in_reply_to_tweet_id": reply_to}
        return self._api("POST", "/2/tweets", token, json=body)["data"]["id"]

    def _upload_all(self, token: str, media: tuple[MediaItem, ...]) -> list[str]:
        return [self.upload(token, item) for item in media]

    def upload(self, token: str, item: MediaItem) -> str:
        """The v2 chunked upload: initialize, append each segment, finalize, wait."""
        media_id = self._api(
            "POST",
            "/2/media/upload/initialize",
            token,
            json={
                "media_type": item.content_type,
                "total_bytes": item.size,
                "media_category": MEDIA_CATEGORY[item.kind],
            },
        )["data"]["id"]
        for index, (_, chunk) in enumerate(item.chunks(CHUNK_BYTES)):
            self._api(
                "POST",
                f"/2/media/upload/{media_id}/append",
                token,
                upload=True,
                data={"segment_index": str(index)},
                files={"media": (item.filename, chunk, "application/octet-stream")},
            )
        finalized = self._api("POST", f"/2/media/upload/{media_id}/finalize", token)
        if finalized["data"].get("processing_info"):
            self._wait_for_processing(token, media_id, finalized)
        if item.alt_text and item.kind is not MediaKind.VIDEO:
            self._api(
                "POST",
                "/2/media/metadata",
                token,
                json={"id": media_id, "metadata": {"alt_text": {"text": item.alt_text}}},
            )
        return media_id

    def _wait_for_processing(self, token: str, media_id: str, first: dict[str, Any]) -> None:
        answers = iter([first])

        def check() -> tuple[bool, float | None]:
            body = next(answers, None) or self._api(
                "GET", "/2/media/upload", token, params={"media_id": media_id, "command": "STATUS"}
            )
            info = body.get("data", {}).get("processing_info") or {"state": "succeeded"}
            if info.get("state") == "failed":
                raise NetworkError(
                    ErrorKind.PERMANENT, _message(body) or "X could not process the media"
                )
            return info.get("state") == "succeeded", info.get("check_after_secs", 1)

        self.polling.until_done(check, f"X media {media_id}")

    # -- metrics ---------------------------------------------------------------------------
    def metrics(self, account: AccountAuth, external_ids: list[str]) -> list[PostMetrics]:
        results: list[PostMetrics] = []
        for start in range(0, len(external_ids), self.metrics_batch):
            results += self._metrics_batch(
                account, external_ids[start : start + self.metrics_batch]
            )
        return results

    def _metrics_batch(self, account: AccountAuth, ids: list[str]) -> list[PostMetrics]:
        """Public, non-public and organic figures; X gives the last two only for the
        author's own posts younger than 30 days and answers the others in `errors` as a
        field it refuses (not in `data`): those are asked again for public figures only."""
        try:
            body = self._lookup(account, ids, PRIVATE_FIELDS)
        except NetworkError as error:
            # A token or tier that may not read the private fields at all.
            if error.kind is not ErrorKind.PERMANENT or error.status not in (400, 401, 403):
                raise
            body = {"errors": [{"resource_id": i, "type": FIELD_REFUSED[0]} for i in ids]}
        refused = {
            str(problem.get("resource_id") or problem.get("value"))
            for problem in body.get("errors") or []
            if isinstance(problem, dict) and problem.get("type") in FIELD_REFUSED
        }
        tweets = [t for t in body.get("data") or [] if t.get("id") not in refused]
        again = [i for i in ids if i in refused]
        if again:
            tweets += self._lookup(account, again, "public_metrics").get("data") or []
        return [PostMetrics(tweet["id"], _post_values(tweet)) for tweet in tweets]

    def _lookup(self, account: AccountAuth, ids: list[str], fields: str) -> Any:
        # `post.fields` is the name in X's current API description (tweet.fields before
        # the rename; the API takes both). A deleted or hidden post is in `errors`.
        return self._api(
            "GET",
            "/2/tweets",
            account.access_token,
            params={"ids": ",".join(ids), "post.fields": fields},
        )

    def account_metrics(self, account: AccountAuth) -> AccountMetrics:
        me = self._api(
            "GET", "/2/users/me", account.access_token, params={"user.fields": "public_metrics"}
        )["data"]
        counts = me.get("public_metrics") or {}
        followers = counts.get("followers_count")
        others = {
            "following": counts.get("following_count"),
            "posts": counts.get("post_count", counts.get("tweet_count")),
        }
        return AccountMetrics(
            None if followers is None else int(followers),
            {k: int(v) for k, v in others.items() if v is not None},
        )

    # -- HTTP and errors -------------------------------------------------------------------
    def classify(self, response: Any) -> NetworkError:
        body = json_of(response)
        status = response.status_code
        message = _message(body) or response.reason or f"HTTP {status}"
        code = body.get("error") if isinstance(body.get("error"), str) else None
        if status == 429:
            return NetworkError(
                ErrorKind.THROTTLED,
                message,
                retry_at=epoch_to_datetime(response.headers.get("x-rate-limit-reset")),
                status=status,
            )
        # The token endpoint answers a dead refresh token or code with 400 invalid_request
        # ("Value passed for the token was invalid") or invalid_grant.
        if code in ("invalid_grant", "invalid_token") or (
            code == "invalid_request" and "token" in message.lower()
        ):
            return NetworkError(ErrorKind.REAUTH, message, status=status, code=code)
        return NetworkError(kind_for_status(status), message, status=status, code=code)


def _message(body: Any) -> str:
    if not isinstance(body, dict):
        return ""
    if body.get("error_description"):
        return str(body["error_description"])
    if body.get("detail"):
        return str(body["detail"])
    errors = body.get("errors")
    if isinstance(errors, list) and errors:
        first = errors[0]
        return str(first.get("message") or first.get("detail") or first)
    return str(body.get("title") or body.get("error") or "")


def _post_values(tweet: dict[str, Any]) -> dict[str, int]:
    counts = tweet.get("public_metrics") or {}
    values = {
        METRIC_NAMES[k]: int(v) for k, v in counts.items() if k in METRIC_NAMES and v is not None
    }
    for section in ("non_public_metrics", "organic_metrics"):
        for name, key in PRIVATE_METRIC_NAMES.items():
            count = (tweet.get(section) or {}).get(name)
            if count is not None and key not in values:
                values[key] = int(count)
    return values
