"""The one interface every network implements, and the values that cross it.

A network module reads like NETWORKS.md for that network: its `LIMITS` table, then an
adapter class with authorize, exchange, refresh, identities, publish, metrics and the
sorting of its errors. The caller (OAuth flow, publisher, metrics job) only ever sees
these types, so a new network is one new module and one registry line.

>>> adapter = get_adapter("x", ClientCredentials("id", "secret"))
>>> url = adapter.authorize_url("https://app/cb", state="s", code_challenge=challenge)
>>> grant = adapter.exchange_code(code, "https://app/cb", code_verifier=verifier)
>>> [me] = adapter.identities(grant)
>>> result = adapter.publish(AccountAuth(me.external_id, grant.access_token),
...                          PublishRequest(text="hello"))

Every failure is a `NetworkError` whose `kind` says what to do next (retry soon, retry
at `retry_at`, reconnect the account, or give up), with the network's own message kept.
Nothing here retries or sleeps, except bounded polling of media processing, which is
part of publishing one post.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar

from chalicelib.domain.limits import MediaKind, NetworkLimits
from chalicelib.observability import redact_text

# -- errors ----------------------------------------------------------------------------


class ErrorKind(StrEnum):
    """What the caller does about a failed network call."""

    TRANSIENT = "transient"  # 5xx, timeouts, connection errors: retry with backoff
    THROTTLED = "throttled"  # rate limited: retry at `retry_at`
    REAUTH = "reauth"  # token expired, revoked or refused: reconnect the account
    PERMANENT = "permanent"  # duplicate, invalid, not allowed: fail with the message


class NetworkError(Exception):
    """The one error a network adapter raises.

    >>> raise NetworkError(ErrorKind.THROTTLED, "Too Many Requests", retry_at=reset, status=429)
    """

    def __init__(
        self,
        kind: ErrorKind | str,
        message: str,
        retry_at: datetime | None = None,
        status: int | None = None,
        code: str | None = None,
    ) -> None:
        # Shown to users, stored, e-mailed, logged: never with a credential in it, whatever
        # a network's error text or a library's exception quoted.
        message = redact_text(message)
        super().__init__(message)
        self.kind = ErrorKind(kind)
        self.message = message
        self.retry_at = retry_at
        self.status = status
        self.code = code  # the network's own error code, when it gives one
        # The request went out and no answer came back (read timeout, dropped connection).
        self.unanswered = False
        # ...and it was the call that makes the post public: it may exist. The publisher
        # marks the target `unconfirmed` rather than publishing it again.
        self.maybe_published = False

    def __repr__(self) -> str:
        return (
            f"NetworkError({self.kind.value!r}, {self.message!r}, retry_at={self.retry_at!r}, "
            f"status={self.status!r}, code={self.code!r})"
        )


def kind_for_status(status: int) -> ErrorKind:
    """The usual meaning of an HTTP status, for networks with nothing more specific."""
    if status == 401:
        return ErrorKind.REAUTH
    if status == 429:
        return ErrorKind.THROTTLED
    if status >= 500 or status == 408:
        return ErrorKind.TRANSIENT
    return ErrorKind.PERMANENT


def utcnow() -> datetime:
    return datetime.now(UTC)


def epoch_to_datetime(value: str | int | float | None) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(value), UTC) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def in_seconds(seconds: float | None) -> datetime | None:
    return None if seconds is None else utcnow() + timedelta(seconds=float(seconds))


# -- OAuth -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientCredentials:
    """The app's registration with a network (from Secrets Manager / SSM)."""

    client_id: str
    client_secret: str

    def __repr__(self) -> str:  # never log the secret
        return f"ClientCredentials(client_id={self.client_id!r})"


@dataclass(frozen=True)
class TokenGrant:
    """What a code exchange or a refresh gives: store every field, encrypted."""

    access_token: str = field(repr=False)
    expires_at: datetime | None = None  # None: does not expire
    refresh_token: str | None = field(default=None, repr=False)
    refresh_expires_at: datetime | None = None
    scopes: tuple[str, ...] = ()
    token_type: str = "bearer"
    # The network's id for the person who granted, when the token response says it.
    subject: str | None = None

    def expires_within(self, seconds: float) -> bool:
        return self.expires_at is not None and self.expires_at <= utcnow() + timedelta(
            seconds=seconds
        )


class IdentityKind(StrEnum):
    PERSON = "person"  # the member themself (X user, LinkedIn member)
    PAGE = "page"  # a Facebook Page
    BUSINESS = "business"  # an Instagram professional account
    ORGANIZATION = "organization"  # a LinkedIn organisation page
    CHANNEL = "channel"  # a YouTube channel


@dataclass(frozen=True)
class Identity:
    """One account a grant can post as: each becomes a Schedulo account."""

    network: str
    external_id: str
    kind: IdentityKind
    name: str
    username: str | None = None
    avatar_url: str | None = None
    # Its own token when it has one (Facebook page tokens); else the grant's token is used.
    access_token: str | None = field(default=None, repr=False)
    parent_id: str | None = None  # the Facebook Page an Instagram account is linked to


@dataclass(frozen=True)
class AccountAuth:
    """Who to post as and with which token (kept apart from the content, which is logged)."""

    external_id: str
    access_token: str = field(repr=False)


def auth_for(identity: Identity, grant: TokenGrant) -> AccountAuth:
    return AccountAuth(identity.external_id, identity.access_token or grant.access_token)


# -- media and posts -------------------------------------------------------------------

# (offset, length) -> exactly those bytes (fewer only at the end of the file). The
# publisher gives one reading S3 byte ranges, so no adapter holds a whole video.
RangeReader = Callable[[int, int], bytes]


@dataclass(frozen=True)
class MediaItem:
    """One image or video of a post: its bytes by range, and/or a public URL.

    Push networks (X, LinkedIn, Facebook) read the bytes; pull networks (Instagram)
    hand the network `url` (a presigned S3 GET) and never read them.
    """

    kind: MediaKind
    content_type: str
    size: int
    read_range: RangeReader | None = field(default=None, repr=False)
    url: str | None = None
    alt_text: str | None = None
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    filename: str = "media"

    def chunks(self, chunk_size: int) -> Iterator[tuple[int, bytes]]:
        """(offset, bytes) pieces of at most `chunk_size` bytes, read one at a time."""
        reader = self._reader()
        offset = 0
        while offset < self.size:
            piece = reader(offset, min(chunk_size, self.size - offset))
            if not piece:
                raise NetworkError(
                    ErrorKind.PERMANENT, f"{self.filename}: ended at byte {offset} of {self.size}"
                )
            yield offset, piece
            offset += len(piece)

    def read_all(self, max_bytes: int) -> bytes:
        """The whole file, for small items (images) only: larger ones must be chunked."""
        if self.size > max_bytes:
            raise NetworkError(
                ErrorKind.PERMANENT,
                f"{self.filename} is {self.size} bytes; at most {max_bytes} are accepted",
            )
        return b"".join(piece for _, piece in self.chunks(max_bytes))

    def require_url(self, network: str) -> str:
        if not self.url:
            raise NetworkError(
                ErrorKind.PERMANENT, f"{network} fetches media itself: {self.filename} needs a URL"
            )
        return self.url

    def _reader(self) -> RangeReader:
        if self.read_range is None:
            raise NetworkError(
                ErrorKind.PERMANENT, f"{self.filename}: no way to read its bytes was given"
            )
        return self.read_range


def bytes_reader(data: bytes) -> RangeReader:
    """A reader over bytes already in memory (images, tests)."""
    return lambda offset, length: data[offset : offset + length]


@dataclass(frozen=True)
class ThreadPart:
    """A follow-up post in a thread (X): published as a reply to the one before."""

    text: str
    media: tuple[MediaItem, ...] = ()


@dataclass(frozen=True)
class PublishRequest:
    """The content of one target: what to publish on one account."""

    text: str = ""
    media: tuple[MediaItem, ...] = ()
    link: str | None = None  # Facebook link posts
    first_comment: str | None = None
    thread: tuple[ThreadPart, ...] = ()
    # Network-specific choices, e.g. {"placement": "story"} on Instagram,
    # {"visibility": "CONNECTIONS"} on LinkedIn, {"title": ...} for LinkedIn video.
    options: dict[str, Any] = field(default_factory=dict)
    # The same for every attempt at this target (its id): networks that can deduplicate
    # (Bluesky record keys, Mastodon's Idempotency-Key) publish once however often
    # the caller retries after a crash.
    idempotency_key: str | None = None

    @property
    def images(self) -> list[MediaItem]:
        return [m for m in self.media if m.kind is MediaKind.IMAGE]

    @property
    def videos(self) -> list[MediaItem]:
        return [m for m in self.media if m.kind in (MediaKind.VIDEO, MediaKind.GIF)]


@dataclass(frozen=True)
class PublishResult:
    external_id: str
    url: str | None
    published_at: datetime
    # Replies, thread parts and first comments, in order, once they exist.
    follow_up_ids: tuple[str, ...] = ()
    # What did not go out after the post itself was public (a failed reply or first
    # comment): reported, never retried, so the post is not published twice.
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class PostMetrics:
    """Counters of one published post. Keys used across networks: impressions, views,
    reach, likes, comments, shares, saves, clicks; others keep the network's name."""

    external_id: str
    values: dict[str, int]
    collected_at: datetime = field(default_factory=utcnow)


# The metric keys every network maps its own names onto. A key absent from `values`
# means the network does not give that figure (shown as "not available"), never 0.
CANONICAL_METRICS: frozenset[str] = frozenset(
    {"impressions", "views", "reach", "likes", "comments", "shares", "saves", "clicks", "quotes"}
)


@dataclass(frozen=True)
class AccountMetrics:
    """An account's figures on a day: its followers (page follows, channel subscribers),
    None where the network does not give them, and any others under the network's name."""

    followers: int | None
    values: dict[str, int] = field(default_factory=dict)
    collected_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class Polling:
    """How long to wait for a network's media processing: bounded, never forever."""

    interval: float = 5.0  # used when the network does not say (Instagram)
    max_wait: float = 300.0
    max_interval: float = 30.0  # cap on a network's own check_after_secs
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def until_done(self, check: Callable[[], tuple[bool, float | None]], what: str) -> None:
        """Calls `check` until it returns (True, _); (False, seconds) asks to wait that long
        (None: the default interval). Raises a transient error once `max_wait` is spent."""
        deadline = self.clock() + self.max_wait
        while True:
            done, after = check()
            if done:
                return
            remaining = deadline - self.clock()
            if remaining <= 0:
                raise NetworkError(
                    ErrorKind.TRANSIENT, f"{what} still processing after {self.max_wait:.0f} s"
                )
            delay = self.interval if after is None else after
            self.sleep(max(0.0, min(delay, self.max_interval, remaining)))


# -- the interface ---------------------------------------------------------------------

# (connect, read) seconds for every API call; shorter than the sandbox's 30-second
# "timeout" fault, as a real network's hang would be.
DEFAULT_TIMEOUT = (5.0, 20.0)
UPLOAD_TIMEOUT = (5.0, 120.0)  # a media chunk can take longer to send


class NetworkAdapter(ABC):
    """One social network. Subclasses declare `network_id`, `limits`, `scopes` and the
    base URLs of their hosts, and implement the abstract methods."""

    network_id: ClassVar[str]
    limits: ClassVar[NetworkLimits]
    scopes: ClassVar[tuple[str, ...]]
    uses_pkce: ClassVar[bool] = False
    can_refresh: ClassVar[bool] = False
    can_revoke: ClassVar[bool] = False
    # kind ("api", "auth", ...) -> production base URL; settings may point it elsewhere
    hosts: ClassVar[dict[str, str]]
    # The canonical keys (CANONICAL_METRICS) this network gives for a post.
    metric_names: ClassVar[frozenset[str]] = frozenset()
    # How many post ids one `metrics` call takes (the API's batch size; 1: one at a time).
    metrics_batch: ClassVar[int] = 1
    # Metrics the network stops giving after a while (X's non-public figures after 30
    # days): a later snapshot without them keeps their last value as the latest.
    time_limited_metrics: ClassVar[frozenset[str]] = frozenset()

    def __init__(
        self,
        credentials: ClientCredentials | None = None,
        polling: Polling | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        upload_timeout: tuple[float, float] = UPLOAD_TIMEOUT,
    ) -> None:
        self._credentials = credentials
        self.polling = polling or Polling()
        self.timeout = timeout
        self.upload_timeout = upload_timeout

    # -- OAuth ---------------------------------------------------------------------------
    @abstractmethod
    def authorize_url(self, redirect_uri: str, state: str, code_challenge: str | None) -> str:
        """The consent page to send the user to (PKCE S256 where the network takes it)."""

    @abstractmethod
    def exchange_code(
        self, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> TokenGrant:
        """The tokens for the code the network sent back to `redirect_uri`."""

    def refresh(self, grant: TokenGrant) -> TokenGrant:
        """New tokens before these expire. Store the whole result: refresh tokens rotate."""
        raise NetworkError(
            ErrorKind.REAUTH, f"{self.limits.name} tokens cannot be refreshed; reconnect"
        )

    def revoke(self, grant: TokenGrant) -> None:
        """Withdraw the grant at the network (disconnect), where the network offers it.
        Networks without a revoke endpoint (`can_revoke` False) have nothing to call."""
        return None

    @abstractmethod
    def identities(self, grant: TokenGrant) -> list[Identity]:
        """Every account this grant can publish as."""

    # -- content -------------------------------------------------------------------------
    @abstractmethod
    def publish(self, account: AccountAuth, request: PublishRequest) -> PublishResult:
        """Publish one post (with its media, thread and first comment) as `account`."""

    @abstractmethod
    def metrics(self, account: AccountAuth, external_ids: list[str]) -> list[PostMetrics]:
        """The current counters of posts this account published (at most
        `metrics_batch` ids a call)."""

    @abstractmethod
    def account_metrics(self, account: AccountAuth) -> AccountMetrics:
        """The account's followers (page follows, subscribers) and other figures now:
        called once a day per account."""

    # -- errors --------------------------------------------------------------------------
    @abstractmethod
    def classify(self, response: Any) -> NetworkError:
        """The `NetworkError` for a failed `requests.Response` of this network."""

    # -- helpers for subclasses ------------------------------------------------------------
    @property
    def credentials(self) -> ClientCredentials:
        if self._credentials is None:
            raise NetworkError(
                ErrorKind.PERMANENT, f"no client credentials are configured for {self.network_id}"
            )
        return self._credentials

    def url(self, kind: str, path: str = "") -> str:
        from chalicelib.settings import get_settings

        base = get_settings().network_url(self.network_id, kind, self.hosts[kind])
        return f"{base}{path}"

    def _api(self, method: str, path: str, token: str, **kwargs: Any) -> Any:
        """A JSON call to the network's API host with the account's bearer token."""
        from chalicelib.networks.http import json_of

        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        return json_of(self.call(method, self.url("api", path), headers=headers, **kwargs))

    def call(self, method: str, url: str, *, upload: bool = False, **kwargs: Any) -> Any:
        """One HTTP call in its own session; a failure becomes this network's error."""
        from chalicelib.networks.http import send

        timeout = self.upload_timeout if upload else self.timeout
        guard = self.user_named(url)
        return send(method, url, classify=self.classify, timeout=timeout, guard=guard, **kwargs)

    def user_named(self, url: str) -> bool:
        """Whether `url` is on a host a user chose (a Mastodon instance, a Bluesky PDS),
        not one of the network's own: such calls go through the SSRF guard."""
        return False

    @contextmanager
    def publishing(self) -> Iterator[None]:
        """Wraps the one call that makes a post public: unanswered, the post may exist."""
        try:
            yield
        except NetworkError as error:
            error.maybe_published = error.unanswered
            raise

    def require(self, condition: bool, message: str) -> None:
        """Refuse, before calling the network, what the network would refuse."""
        if not condition:
            raise NetworkError(ErrorKind.PERMANENT, message)
