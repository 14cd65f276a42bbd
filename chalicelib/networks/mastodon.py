"""Mastodon (any instance): per-instance app registration, OAuth with PKCE, media v2
with processing polling, statuses with visibility and content warnings, an
Idempotency-Key on every status, limits read from the instance.

NETWORKS.md, "Mastodon". The adapter is built for one instance:
`get_adapter("mastodon", credentials, instance_url="https://mastodon.social")`.
`register_app` gets those credentials once per instance (the caller keeps them).
Errors are `{"error": "..."}`; 429 carries `X-RateLimit-Reset` (an ISO 8601 time).
"""

from __future__ import annotations

import re
import uuid
from contextlib import nullcontext
from datetime import datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit

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
    NetworkAdapter,
    NetworkError,
    PostMetrics,
    PublishRequest,
    PublishResult,
    TokenGrant,
    kind_for_status,
    utcnow,
)
from chalicelib.networks.http import json_of
from chalicelib.networks.streams import MultipartStream

LIMITS = NetworkLimits(
    network="mastodon",
    name="Mastodon",
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
    # The defaults of a stock instance; `instance_limits()` reads the real ones.
    text=TextLimits(max_length=500, counting=TextCounting.CODE_POINTS, url_length=23),
    images=ImageLimits(
        content_types=("image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"),
        max_bytes=16 * 1024**2,
        max_count=4,
        alt_text_max=1500,
    ),
    videos=VideoLimits(
        content_types=("video/mp4", "video/quicktime", "video/webm"),
        max_bytes=99 * 1024**2,
        max_count=1,
    ),
    mixed_media=False,
    max_media=4,
    first_comment_max=500,
)

SCOPES = ("read:accounts", "read:statuses", "write:statuses", "write:media")
VISIBILITY = ("public", "unlisted", "private", "direct")
APP_NAME = "Schedulo"
URL = re.compile(r"https?://\S+")
MENTION_DOMAIN = re.compile(r"(@[\w.]+)@[\w.-]+\.\w+")
RATE_WAIT = timedelta(minutes=5)


def instance_base(instance_url: str) -> str:
    """`mastodon.social` or `https://mastodon.social/` → `https://mastodon.social`."""
    url = instance_url.strip().rstrip("/")
    if "://" not in url:
        url = f"https://{url}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise NetworkError(ErrorKind.PERMANENT, f"{instance_url!r} is not a Mastodon instance URL")
    return url


def status_length(text: str, url_length: int = 23) -> int:
    """Mastodon's count: every URL weighs `url_length`, a mention counts without its domain."""
    text = MENTION_DOMAIN.sub(r"\1", text)
    return len(URL.sub("x" * url_length, text))


class MastodonAdapter(NetworkAdapter):
    network_id = "mastodon"
    limits = LIMITS
    scopes = SCOPES
    uses_pkce = True
    can_revoke = True
    hosts: ClassVar[dict[str, str]] = {}  # the instance URL is given per adapter
    # Mastodon counts no impressions or views: engagement is measured against followers.
    metric_names = frozenset({"likes", "shares", "comments"})
    metrics_batch = 20  # ids per GET /api/v1/statuses (Mastodon 4.3+)

    def __init__(
        self,
        credentials: ClientCredentials | None = None,
        *args: Any,
        instance_url: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(credentials, *args, **kwargs)
        self.instance = instance_base(instance_url) if instance_url else None

    def url(self, kind: str, path: str = "") -> str:
        if not self.instance:
            raise NetworkError(ErrorKind.PERMANENT, "Mastodon needs the instance URL")
        return f"{self.instance}{path}"

    def user_named(self, url: str) -> bool:
        return True  # every call goes to the instance the user named

    # -- the app and OAuth ---------------------------------------------------------------------
    def register_app(self, redirect_uri: str, website: str | None = None) -> ClientCredentials:
        """Register Schedulo on this instance (once per instance: keep the result)."""
        body: dict[str, Any] = {
            "client_name": APP_NAME,
            "redirect_uris": [redirect_uri],
            "scopes": " ".join(self.scopes),
        }
        if website:
            body["website"] = website
        app = json_of(self.call("POST", self.url("api", "/api/v1/apps"), json=body))
        return ClientCredentials(app["client_id"], app["client_secret"])

    def app_known(self) -> bool:
        """Whether the instance still knows this app (these credentials): an app token
        (client_credentials grant) is given only to a registered app. False when the
        instance answers `invalid_client` (it forgot the app: register again)."""
        body = {
            "grant_type": "client_credentials",
            "client_id": self.credentials.client_id,
            "client_secret": self.credentials.client_secret,
            "scope": " ".join(self.scopes),
        }
        try:
            self.call("POST", self.url("api", "/oauth/token"), json=body)
        except NetworkError as error:
            if error.code == "invalid_client":
                return False
            raise
        return True

    def authorize_url(self, redirect_uri: str, state: str, code_challenge: str | None) -> str:
        query = {
            "response_type": "code",
            "client_id": self.credentials.client_id,
            "redirect_uri": redirect_uri,
            "scope": " ".join(self.scopes),
            "state": state,
        }
        if code_challenge:
            query.update(code_challenge=code_challenge, code_challenge_method="S256")
        return f"{self.url('auth', '/oauth/authorize')}?{urlencode(query)}"

    def exchange_code(
        self, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> TokenGrant:
        body: dict[str, Any] = {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": self.credentials.client_id,
            "client_secret": self.credentials.client_secret,
            "redirect_uri": redirect_uri,
            "scope": " ".join(self.scopes),
        }
        if code_verifier:
            body["code_verifier"] = code_verifier
        token = json_of(self.call("POST", self.url("api", "/oauth/token"), json=body))
        return TokenGrant(
            access_token=token["access_token"],
            expires_at=None,  # Mastodon tokens do not expire
            scopes=tuple(token.get("scope", "").split()),
            token_type=token.get("token_type", "Bearer"),
        )

    def revoke(self, grant: TokenGrant) -> None:
        self.call(
            "POST",
            self.url("api", "/oauth/revoke"),
            json={
                "client_id": self.credentials.client_id,
                "client_secret": self.credentials.client_secret,
                "token": grant.access_token,
            },
        )

    def identities(self, grant: TokenGrant) -> list[Identity]:
        me = self._api("GET", "/api/v1/accounts/verify_credentials", grant.access_token)
        host = urlsplit(self.url("api")).netloc
        return [
            Identity(
                network=self.network_id,
                external_id=str(me["id"]),
                kind=IdentityKind.PERSON,
                name=me.get("display_name") or me["username"],
                username=f"{me['username']}@{host}",
                avatar_url=me.get("avatar"),
            )
        ]

    def instance_limits(self) -> NetworkLimits:
        """This instance's limits (`/api/v2/instance`), over the stock defaults."""
        config = json_of(self.call("GET", self.url("api", "/api/v2/instance"))).get(
            "configuration", {}
        )
        statuses, media = config.get("statuses", {}), config.get("media_attachments", {})
        types = tuple(media.get("supported_mime_types") or ())
        images, videos = LIMITS.images, LIMITS.videos
        assert images and videos
        count = int(statuses.get("max_media_attachments", images.max_count))
        return LIMITS.model_copy(
            update={
                "text": LIMITS.text.model_copy(
                    update={
                        "max_length": int(statuses.get("max_characters", LIMITS.text.max_length)),
                        "url_length": int(statuses.get("characters_reserved_per_url", 23)),
                    }
                ),
                "images": images.model_copy(
                    update={
                        "max_bytes": int(media.get("image_size_limit", images.max_bytes)),
                        "max_count": count,
                        "content_types": tuple(t for t in types if t.startswith("image/"))
                        or images.content_types,
                        "alt_text_max": int(
                            media.get("description_limit", images.alt_text_max or 1500)
                        ),
                    }
                ),
                "videos": videos.model_copy(
                    update={
                        "max_bytes": int(media.get("video_size_limit", videos.max_bytes)),
                        "content_types": tuple(t for t in types if t.startswith("video/"))
                        or videos.content_types,
                    }
                ),
                "max_media": count,
            }
        )

    # -- publishing ------------------------------------------------------------------------
    def publish(self, account: AccountAuth, request: PublishRequest) -> PublishResult:
        limits = self.instance_limits()
        options = request.options
        visibility = options.get("visibility", "public")
        self.require(visibility in VISIBILITY, f"visibility must be one of {', '.join(VISIBILITY)}")
        texts = [request.text, *(p.text for p in request.thread)]
        if request.first_comment:
            texts.append(request.first_comment)
        for text in texts:
            self.require(
                status_length(text, limits.text.url_length or 23) <= limits.text.max_length,
                f"this Mastodon instance takes at most {limits.text.max_length} characters",
            )
        self._check_media(request.media, limits)
        for part in request.thread:
            self._check_media(part.media, limits)
        token = account.access_token
        key = request.idempotency_key or str(uuid.uuid4())
        common = {
            "visibility": visibility,
            "spoiler_text": options.get("spoiler_text") or "",
            "sensitive": bool(options.get("sensitive") or options.get("spoiler_text")),
        }
        if options.get("language"):
            common["language"] = options["language"]
        media_ids = self._upload_all(token, request.media)
        with self.publishing() if not request.idempotency_key else nullcontext():
            first = self._status(token, {**common, "status": request.text}, media_ids, key)
        chain, warnings = [first], []
        follow_ups = [(p.text, p.media) for p in request.thread]
        if request.first_comment:
            follow_ups.append((request.first_comment, ()))
        for number, (text, media) in enumerate(follow_ups, start=1):
            try:
                body = {**common, "status": text, "in_reply_to_id": chain[-1]["id"]}
                ids = self._upload_all(token, media)
                chain.append(self._status(token, body, ids, f"{key}/{number}"))
            except NetworkError as error:
                warnings.append(f"reply {number} was not published: {error.message}")
                break
        return PublishResult(
            external_id=str(first["id"]),
            url=first.get("url"),
            published_at=utcnow(),
            follow_up_ids=tuple(str(s["id"]) for s in chain[1:]),
            warnings=tuple(warnings),
        )

    def _check_media(self, media: tuple[MediaItem, ...], limits: NetworkLimits) -> None:
        videos = [m for m in media if m.kind.value != "image"]
        self.require(
            len(media) <= limits.max_media and (not videos or len(media) == 1),
            f"Mastodon takes up to {limits.max_media} images, or one video or GIF",
        )
        for item in media:
            rule = limits.images if item.kind.value == "image" else limits.videos
            assert rule is not None
            self.require(
                item.size <= rule.max_bytes,
                f"{item.filename} is larger than this instance's {rule.max_bytes:,} bytes",
            )

    def _upload_all(self, token: str, media: tuple[MediaItem, ...]) -> list[str]:
        return [self.upload(token, item) for item in media]

    def _status(
        self, token: str, body: dict[str, Any], media_ids: list[str], key: str
    ) -> dict[str, Any]:
        if media_ids:
            body["media_ids"] = media_ids
        return self._api(
            "POST",
            "/api/v1/statuses",
            token,
            json=body,
            headers={"Idempotency-Key": key},  # the same key: the same status, no second post
        )

    def upload(self, token: str, item: MediaItem) -> str:
        """POST /api/v2/media (streamed), then wait while it answers 202/206."""
        fields = [("description", item.alt_text)] if item.alt_text else []
        stream = MultipartStream(fields, "file", item)
        response = self.call(
            "POST",
            self.url("api", "/api/v2/media"),
            upload=True,
            data=stream,
            headers={"Authorization": f"Bearer {token}", "Content-Type": stream.content_type},
        )
        attachment = json_of(response)
        if response.status_code == 202 or attachment.get("url") is None:
            self._wait_for_processing(token, str(attachment["id"]))
        return str(attachment["id"])

    def _wait_for_processing(self, token: str, media_id: str) -> None:
        def check() -> tuple[bool, float | None]:
            response = self.call(
                "GET",
                self.url("api", f"/api/v1/media/{media_id}"),
                headers={"Authorization": f"Bearer {token}"},
            )
            return response.status_code == 200, None

        self.polling.until_done(check, f"Mastodon media {media_id}")

    # -- metrics ---------------------------------------------------------------------------
    def metrics(self, account: AccountAuth, external_ids: list[str]) -> list[PostMetrics]:
        statuses: list[dict[str, Any]] = []
        for start in range(0, len(external_ids), self.metrics_batch):
            batch = external_ids[start : start + self.metrics_batch]
            try:
                statuses.extend(
                    self._api(
                        "GET",
                        "/api/v1/statuses",
                        account.access_token,
                        params=[("id[]", status_id) for status_id in batch],
                    )
                )
            except NetworkError as error:
                if error.status != 404:
                    raise
                # An instance before 4.3 has no multi-status lookup: one status a call.
                statuses.extend(self._one_status(account, status_id) for status_id in batch)
        return [
            PostMetrics(
                str(status["id"]),
                {
                    name: int(status[field])
                    for field, name in MASTODON_COUNTS.items()
                    if status.get(field) is not None
                },
            )
            for status in statuses
            if status
        ]

    def _one_status(self, account: AccountAuth, status_id: str) -> dict[str, Any]:
        try:
            return dict(self._api("GET", f"/api/v1/statuses/{status_id}", account.access_token))
        except NetworkError as error:
            if error.status == 404:  # deleted since: no figures
                return {}
            raise

    def account_metrics(self, account: AccountAuth) -> AccountMetrics:
        me = self._api("GET", "/api/v1/accounts/verify_credentials", account.access_token)
        followers = me.get("followers_count")
        others = {"following": me.get("following_count"), "posts": me.get("statuses_count")}
        return AccountMetrics(
            None if followers is None else int(followers),
            {k: int(v) for k, v in others.items() if v is not None},
        )

    # -- HTTP and errors -------------------------------------------------------------------
    def classify(self, response: Any) -> NetworkError:
        body = json_of(response)
        status = response.status_code
        code = body.get("error") if isinstance(body, dict) else None
        message = (body.get("error_description") if isinstance(body, dict) else None) or code
        message = str(message or response.reason or f"HTTP {status}")
        if status == 429:
            return NetworkError(
                ErrorKind.THROTTLED,
                message,
                retry_at=_reset(response.headers.get("X-RateLimit-Reset")) or utcnow() + RATE_WAIT,
                status=status,
            )
        if status == 401 or code in ("invalid_grant", "invalid_token"):
            return NetworkError(ErrorKind.REAUTH, message, status=status, code=code)
        return NetworkError(kind_for_status(status), message, status=status, code=code)


# Status counts -> the canonical names
MASTODON_COUNTS = {
    "favourites_count": "likes",
    "reblogs_count": "shares",
    "replies_count": "comments",
}


def _reset(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except ValueError:
        return None
