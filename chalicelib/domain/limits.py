"""What a network accepts, as data: one `NetworkLimits` per network.

Each network module declares its table at the top (`LIMITS = NetworkLimits(...)`), the
validators in `chalicelib/domain` check posts against it, and `GET /v1/networks`
publishes it so the web app counts exactly as the server does.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict, Field, field_serializer

from chalicelib.domain.model import Model


class TextCounting(StrEnum):
    """How a network counts the length of a text (one counting function each)."""

    WEIGHTED = "weighted"  # X: twitter-text v3 weights, URLs count as a fixed length
    GRAPHEMES = "graphemes"  # Bluesky: user-perceived characters
    CODE_POINTS = "code_points"  # Unicode code points (most networks)
    UTF16 = "utf16"  # UTF-16 code units (JavaScript string length)
    BYTES = "bytes"  # UTF-8 bytes (e.g. YouTube descriptions)


class Capability(StrEnum):
    TEXT = "text"
    IMAGES = "images"
    VIDEO = "video"
    GIF = "gif"
    CAROUSEL = "carousel"
    FIRST_COMMENT = "first_comment"
    THREADS = "threads"
    LINK = "link"
    ALT_TEXT = "alt_text"
    STORIES = "stories"


class MediaKind(StrEnum):
    """What a media file is to a network: GIFs have their own limits on most."""

    IMAGE = "image"
    VIDEO = "video"
    GIF = "gif"


class TextLimits(Model):
    model_config = ConfigDict(frozen=True)

    max_length: int
    counting: TextCounting = TextCounting.CODE_POINTS
    # Networks that count every URL as a fixed length (X 23, Mastodon 23).
    url_length: int | None = None
    required: bool = False  # a post must have text (vs. media-only allowed)
    max_hashtags: int | None = None
    max_mentions: int | None = None
    max_links: int | None = None


class ImageLimits(Model):
    model_config = ConfigDict(frozen=True)

    content_types: tuple[str, ...] = ("image/jpeg", "image/png")
    max_bytes: int
    max_count: int
    min_count: int = 1
    # width / height; None means any
    min_aspect_ratio: float | None = None
    max_aspect_ratio: float | None = None
    min_width: int | None = None
    max_width: int | None = None
    alt_text_max: int | None = None
    alt_text_required: bool = False


class VideoLimits(Model):
    model_config = ConfigDict(frozen=True)

    content_types: tuple[str, ...] = ("video/mp4", "video/quicktime")
    max_bytes: int
    max_count: int = 1
    min_seconds: float | None = None
    max_seconds: float | None = None
    min_aspect_ratio: float | None = None
    max_aspect_ratio: float | None = None


class GifLimits(Model):
    model_config = ConfigDict(frozen=True)

    max_bytes: int
    max_count: int = 1


class NetworkLimits(Model):
    """Everything a post must satisfy on one network, before it is sent."""

    model_config = ConfigDict(frozen=True)

    network: str
    name: str
    capabilities: frozenset[Capability]
    text: TextLimits
    images: ImageLimits | None = None
    videos: VideoLimits | None = None
    gifs: GifLimits | None = None
    # Can images and a video go in one post? (Almost never.)
    mixed_media: bool = False
    max_media: int = Field(default=0, description="images + videos + GIFs in one post")
    requires_media: bool = False  # Instagram, TikTok, YouTube, Pinterest
    first_comment_max: int | None = None
    title_max: int | None = None  # YouTube, Pinterest
    link_max: int | None = None  # Pinterest's destination link
    # Posts per day the network lets one account publish, where it publishes a cap.
    daily_post_cap: int | None = None

    @field_serializer("capabilities")
    def _capabilities_in_order(self, value: frozenset[Capability]) -> list[Capability]:
        # A set's order changes from process to process; the API's must not.
        return [capability for capability in Capability if capability in value]
