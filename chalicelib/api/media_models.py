"""Request and response bodies of the media library (API.md "Media")."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, WithJsonSchema, field_validator

from chalicelib.domain.model import Model, OneOf
from chalicelib.media.uploads import ACCEPTED_CONTENT_TYPES, MAX_UPLOAD_BYTES

MediaKindName = Literal["image", "gif", "video", "document"]
MediaStatus = Literal["uploading", "ready", "failed"]
Surface = Literal["feed", "story", "reel"]
MAX_TAGS = 30
MAX_TAG_LENGTH = 40
ALT_TEXT_MAX = 2000


def normalise_tag(tag: str) -> str:
    """`#Summer  Sale ` and `summer sale` are one tag."""
    return re.sub(r"\s+", " ", tag.strip().lstrip("#").strip()).lower()


class UploadIn(Model):
    filename: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
    content_type: Annotated[str, OneOf(lambda: ACCEPTED_CONTENT_TYPES)] = Field(
        description="the type the browser reports; checked again from the bytes"
    )
    size: int = Field(
        ge=1,
        le=MAX_UPLOAD_BYTES,
        description="bytes; the presigned POST accepts at most this many (and the plan's limit)",
    )

    @field_validator("content_type")
    @classmethod
    def accepted(cls, content_type: str) -> str:
        content_type = content_type.split(";", 1)[0].strip().lower()
        if content_type not in ACCEPTED_CONTENT_TYPES:
            raise ValueError(f"not accepted; use one of {', '.join(ACCEPTED_CONTENT_TYPES)}")
        return content_type


# What media/fetch.py can open: http(s), a host, no user name or password, a port.
FETCHABLE_URL = r"^https?://[^\s/?#@:]+(:[0-9]{1,5})?([/?#]\S*)?$"


class ImportIn(Model):
    url: str = Field(
        min_length=1,
        max_length=2048,
        description="an http(s) URL the server fetches",
        json_schema_extra={"pattern": FETCHABLE_URL},
    )


class FocalPoint(Model):
    """Where the subject is, as fractions of the width and height (0.5, 0.5 is the centre);
    crops for each network keep it in frame."""

    x: float = Field(ge=0, le=1)
    y: float = Field(ge=0, le=1)


# A tag `clean_tags` keeps: something left once blanks and a leading # are stripped (the
# characters Python strips but JSON Schema's \s lacks are listed), at most 40, no comma.
TagIn = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": MAX_TAG_LENGTH,
            "pattern": "^[^\\s#,\u001c-\u001f\u0085][^,]*$",
        }
    ),
]


class MediaPatch(Model):
    alt_text: str | None = Field(None, max_length=ALT_TEXT_MAX, description="null clears it")
    tags: list[TagIn] | None = Field(None, max_length=MAX_TAGS)
    focal_point: FocalPoint | None = None

    @field_validator("tags")
    @classmethod
    def clean_tags(cls, tags: list[str] | None) -> list[str] | None:
        if tags is None:
            return None
        cleaned = [normalise_tag(tag) for tag in tags]
        for tag in cleaned:
            if not tag or len(tag) > MAX_TAG_LENGTH or "," in tag:
                raise ValueError(f"each tag has 1 to {MAX_TAG_LENGTH} characters and no comma")
        return list(dict.fromkeys(cleaned))


class MediaQuery(Model):
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = None
    tag: str | None = Field(None, max_length=MAX_TAG_LENGTH + 10)
    kind: MediaKindName | None = None
    status: MediaStatus | None = None


class MediaOut(Model):
    id: str
    status: MediaStatus
    kind: MediaKindName | None = Field(None, description="known once inspected")
    filename: str
    content_type: str | None = Field(None, description="from the file's bytes once inspected")
    size: int | None = None
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    video_codec: str | None = None
    audio_codec: str | None = None
    frames: int | None = Field(None, description="GIF and animated image frames")
    url: str | None = Field(None, description="a time-limited URL of the original")
    thumbnail_url: str | None = None
    alt_text: str | None = None
    tags: list[str] = []
    focal_point: FocalPoint
    used_by: list[str] = Field([], description="ids of the scheduled posts using this file")
    failure_reason: str | None = None
    source_url: str | None = None
    created_by: str | None = None
    created_at: str
    updated_at: str


class PresignedUpload(Model):
    url: str = Field(description="POST a multipart form here: every field, then `file` last")
    fields: dict[str, str]
    max_bytes: int


class UploadOut(Model):
    media: MediaOut
    upload: PresignedUpload


class MediaList(Model):
    items: list[MediaOut]
    next_cursor: str | None = None


class RenditionQuery(Model):
    surface: Surface = "feed"


class RenditionOut(Model):
    """The file a network would receive: the original when it fits, else a rendition."""

    network: str
    surface: Surface
    url: str
    content_type: str
    size: int
    width: int | None = None
    height: int | None = None
    is_rendition: bool
