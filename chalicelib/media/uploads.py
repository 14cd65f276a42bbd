"""Where media objects live in the bucket, how big uploads may be, and presigned POSTs.

Browsers upload straight to S3 under `uploads/` (the bucket's lifecycle rule deletes
whatever is left there after two days, i.e. abandoned uploads); once inspected, a file
moves to `media/<workspace>/<media>/original.<ext>` and its renditions sit next to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from chalicelib.media.sniff import EXTENSIONS
from chalicelib.settings import get_settings

MB = 1024 * 1024
# The largest file any plan may upload.
MAX_UPLOAD_BYTES = 1024 * MB
UPLOAD_MAX_BYTES_BY_PLAN = {"free": 250 * MB, "pro": 1024 * MB, "business": 1024 * MB}
DEFAULT_PLAN = "free"
ACCEPTED_CONTENT_TYPES = tuple(EXTENSIONS)
UPLOAD_EXPIRES_SECONDS = 3600
DOWNLOAD_EXPIRES_SECONDS = 3600


def max_upload_bytes(plan: str | None) -> int:
    """The largest upload a workspace on `plan` may make."""
    return UPLOAD_MAX_BYTES_BY_PLAN.get(
        plan or DEFAULT_PLAN, UPLOAD_MAX_BYTES_BY_PLAN[DEFAULT_PLAN]
    )


def safe_filename(filename: str) -> str:
    """A file name fit for an S3 key: letters, digits, dot, dash and underscore."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", filename.rsplit("/", 1)[-1]).strip(".-")
    return name[-100:] or "file"


def upload_key(workspace_id: str, media_id: str, filename: str) -> str:
    return f"uploads/{workspace_id}/{media_id}/{safe_filename(filename)}"


def media_prefix(workspace_id: str, media_id: str) -> str:
    return f"media/{workspace_id}/{media_id}/"


def original_key(workspace_id: str, media_id: str, extension: str) -> str:
    return f"{media_prefix(workspace_id, media_id)}original.{extension}"


def rendition_key(workspace_id: str, media_id: str, name: str, focal: tuple[float, float]) -> str:
    # The focal point is in the name: a moved focal point never serves a stale crop.
    return f"{media_prefix(workspace_id, media_id)}{name}-{focal[0]:.3f}-{focal[1]:.3f}.jpg"


@cache
def _signing_client(region: str, endpoint: str | None) -> Any:
    import boto3
    from botocore.config import Config

    # Presigned POSTs must be SigV4 (boto3 still defaults to SigV2 for them).
    return boto3.session.Session().client(
        "s3",
        region_name=region,
        endpoint_url=endpoint,
        config=Config(
            signature_version="s3v4", s3={"addressing_style": "path" if endpoint else "auto"}
        ),
    )


def signing_client() -> Any:
    settings = get_settings()
    return _signing_client(settings.region, settings.aws_endpoint_url)


@dataclass(frozen=True)
class PresignedPost:
    url: str
    fields: dict[str, str]


def presign_upload(key: str, content_type: str, max_bytes: int) -> PresignedPost:
    """A POST form S3 accepts only for this key, this content type and at most `max_bytes`."""
    post = signing_client().generate_presigned_post(
        Bucket=get_settings().media_bucket,
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
        ExpiresIn=UPLOAD_EXPIRES_SECONDS,
    )
    return PresignedPost(post["url"], dict(post["fields"]))


def presign_download(key: str, filename: str | None = None) -> str:
    """A time-limited GET URL of a private object (previews, networks that pull by URL)."""
    params: dict[str, str] = {"Bucket": get_settings().media_bucket, "Key": key}
    if filename:
        params["ResponseContentDisposition"] = f'inline; filename="{safe_filename(filename)}"'
    return signing_client().generate_presigned_url(
        "get_object", Params=params, ExpiresIn=DOWNLOAD_EXPIRES_SECONDS
    )
