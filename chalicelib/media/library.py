"""The media library's operations, used by the API and by the publisher.

Uploads: `start_upload` records the item and presigns a POST; `complete_upload` inspects
what arrived and moves it from `uploads/` to `media/`. Imports fetch a URL (SSRF-guarded)
into the same place and complete the same way. `file_for_target` gives the publisher the
file to send to a network: the original when it fits, else a rendition made once and
reused.
"""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from chalicelib.aws import client
from chalicelib.errors import Conflict, ValidationFailed, invalid
from chalicelib.media import renditions, uploads
from chalicelib.media.fetch import FetchError, FetchLimits, fetch
from chalicelib.media.inspection import Inspection, Refused, inspect
from chalicelib.media.sniff import Kind
from chalicelib.media.source import S3Source
from chalicelib.observability import logger
from chalicelib.settings import get_settings
from chalicelib.store import media as store

if TYPE_CHECKING:
    from chalicelib.domain.validation import MediaFacts
    from chalicelib.networks.base import MediaItem as NetworkMedia

# Imports run inside an API request: bounded in size and time.
IMPORT_MAX_BYTES = 200 * uploads.MB
IMPORT_TIMEOUT_SECONDS = 20.0
PART_BYTES = 8 * uploads.MB


def _bucket() -> str:
    return get_settings().media_bucket


def start_upload(
    workspace_id: str,
    *,
    filename: str,
    content_type: str,
    size: int,
    max_bytes: int,
    created_by: str | None,
) -> tuple[store.MediaItem, uploads.PresignedPost]:
    """Record a new item and presign the browser's upload of at most `size` bytes."""
    media_id = store.new_media_id()
    key = uploads.upload_key(workspace_id, media_id, filename)
    item = store.create(
        workspace_id,
        media_id,
        filename=filename,
        declared_content_type=content_type,
        declared_size=size,
        max_bytes=max_bytes,
        upload_key=key,
        created_by=created_by,
    )
    return item, uploads.presign_upload(key, content_type, size)


def complete_upload(workspace_id: str, media_id: str) -> store.MediaItem:
    """Inspect the uploaded file: `ready`, or `failed` and a 422 saying why."""
    item = store.get(workspace_id, media_id)
    if item.status == store.READY:
        return item  # completing twice is harmless
    if item.status == store.FAILED:
        raise _refusal(item.failure_reason or "The file was refused.")
    s3 = client("s3")
    try:
        head = s3.head_object(Bucket=_bucket(), Key=item.upload_key)
    except s3.exceptions.ClientError as error:
        if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
            raise Conflict(
                "The file has not been uploaded yet.",
                [{"field": "file", "message": "not uploaded yet"}],
            ) from None
        raise
    size, etag = int(head["ContentLength"]), head["ETag"]
    try:
        if size > item.max_bytes:
            raise Refused(f"The file is {size} bytes; at most {item.max_bytes} are allowed.")
        # What is inspected is what is stored: the inspection reads this version only
        # (If-Match), and the copy to media/ takes this version only (CopySourceIfMatch).
        inspection = inspect(S3Source(s3, _bucket(), item.upload_key, size, etag=etag))
    except Refused as refused:
        store.mark_failed(item, refused.reason, refused.content_type)
        s3.delete_object(Bucket=_bucket(), Key=item.upload_key)
        logger.info("media refused", extra={"media_id": media_id, "reason": refused.reason})
        raise _refusal(refused.reason) from None
    except s3.exceptions.ClientError as error:
        if _precondition_failed(error):
            raise _swapped(media_id) from None
        raise
    return _store_inspected(item, inspection, etag)


def _refusal(reason: str) -> ValidationFailed:
    return ValidationFailed(reason, [{"field": "file", "message": reason}])


def _precondition_failed(error: Any) -> bool:
    response = error.response
    return (
        response.get("Error", {}).get("Code") == "PreconditionFailed"
        or response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 412
    )


def _swapped(media_id: str) -> Conflict:
    """The uploaded object was replaced while (or after) it was inspected."""
    logger.warning("upload replaced during inspection", extra={"media_id": media_id})
    reason = "the file changed after it was inspected"
    return Conflict(
        "The uploaded file was replaced while it was being inspected, so it was not "
        "stored. Complete the upload again to inspect the file now uploaded.",
        [{"field": "file", "message": reason}],
    )


def _store_inspected(
    item: store.MediaItem, inspection: Inspection, etag: str | None = None
) -> store.MediaItem:
    """Move the upload to its final key (server-side copy), make the thumbnail, mark ready.
    With `etag`, only that version of the upload is copied (409 if it was replaced)."""
    s3 = client("s3")
    bucket = _bucket()
    key = uploads.original_key(item.workspace_id, item.media_id, inspection.extension)
    condition = {"CopySourceIfMatch": etag} if etag else {}
    try:
        copied = s3.copy_object(
            Bucket=bucket,
            Key=key,
            CopySource={"Bucket": bucket, "Key": item.upload_key},
            ContentType=inspection.content_type,
            MetadataDirective="REPLACE",
            **condition,
        )
    except s3.exceptions.ClientError as error:
        if _precondition_failed(error):
            raise _swapped(item.media_id) from None
        raise
    # A single-part object's copy has the same ETag (the MD5 of its bytes): a different
    # one means other bytes were copied, from a store that ignored the condition.
    if etag and "-" not in etag and copied["CopyObjectResult"]["ETag"] != etag:
        s3.delete_object(Bucket=bucket, Key=key)
        raise _swapped(item.media_id)
    s3.delete_object(Bucket=bucket, Key=item.upload_key)
    thumbnail_key = None
    if inspection.kind in (Kind.IMAGE, Kind.GIF):
        original = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        thumbnail = renditions.render(original, renditions.SPECS["thumbnail"], item.focal)
        thumbnail_key = f"{uploads.media_prefix(item.workspace_id, item.media_id)}thumbnail.jpg"
        s3.put_object(
            Bucket=bucket, Key=thumbnail_key, Body=thumbnail.data, ContentType="image/jpeg"
        )
    return store.mark_ready(
        item, inspection=inspection.model_dump(mode="json"), key=key, thumbnail_key=thumbnail_key
    )


class _MultipartSink:
    """Streams fetched bytes into S3 in 8 MB parts, so an import never sits in memory."""

    def __init__(self, s3: Any, bucket: str, key: str) -> None:
        self.s3, self.bucket, self.key = s3, bucket, key
        self.buffer = bytearray()
        self.parts: list[dict[str, Any]] = []
        self.upload_id: str | None = None

    def __call__(self, chunk: bytes) -> None:
        self.buffer += chunk
        if len(self.buffer) >= PART_BYTES:
            self._flush()

    def _flush(self) -> None:
        if self.upload_id is None:
            self.upload_id = self.s3.create_multipart_upload(Bucket=self.bucket, Key=self.key)[
                "UploadId"
            ]
        number = len(self.parts) + 1
        etag = self.s3.upload_part(
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self.upload_id,
            PartNumber=number,
            Body=bytes(self.buffer),
        )["ETag"]
        self.parts.append({"ETag": etag, "PartNumber": number})
        self.buffer.clear()

    def finish(self) -> None:
        if self.upload_id is None:
            self.s3.put_object(Bucket=self.bucket, Key=self.key, Body=bytes(self.buffer))
            return
        if self.buffer:
            self._flush()
        self.s3.complete_multipart_upload(
            Bucket=self.bucket,
            Key=self.key,
            UploadId=self.upload_id,
            MultipartUpload={"Parts": self.parts},
        )

    def abort(self) -> None:
        if self.upload_id is not None:
            self.s3.abort_multipart_upload(
                Bucket=self.bucket, Key=self.key, UploadId=self.upload_id
            )


def import_from_url(
    workspace_id: str, url: str, *, max_bytes: int, created_by: str | None
) -> store.MediaItem:
    """Fetch `url` server-side into the library; 422 naming `url` when it cannot be."""
    settings = get_settings()
    media_id = store.new_media_id()
    filename = unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or "import"
    key = uploads.upload_key(workspace_id, media_id, filename)
    limits = FetchLimits(
        max_bytes=min(max_bytes, IMPORT_MAX_BYTES),
        timeout_seconds=IMPORT_TIMEOUT_SECONDS,
        allow_loopback=settings.allow_loopback_fetch,
    )
    sink = _MultipartSink(client("s3"), _bucket(), key)
    try:
        fetched = fetch(url, limits, sink)
        sink.finish()
    except FetchError as error:
        sink.abort()
        raise invalid("url", str(error)) from None
    store.create(
        workspace_id,
        media_id,
        filename=filename,
        declared_content_type=fetched.content_type or "application/octet-stream",
        declared_size=fetched.size,
        max_bytes=limits.max_bytes,
        upload_key=key,
        created_by=created_by,
        source_url=url,
    )
    return complete_upload(workspace_id, media_id)


def delete_media(workspace_id: str, media_id: str) -> None:
    """Delete the item (409 while a scheduled post uses it), then its objects."""
    item = store.delete(workspace_id, media_id)
    s3 = client("s3")
    bucket = _bucket()
    keys = {item.upload_key}
    for page in s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=uploads.media_prefix(workspace_id, media_id)
    ):
        keys.update(obj["Key"] for obj in page.get("Contents", []))
    for key in keys:
        s3.delete_object(Bucket=bucket, Key=key)


@dataclass(frozen=True)
class MediaFile:
    """The file to send to one network."""

    key: str
    content_type: str
    size: int
    width: int | None
    height: int | None
    kind: str
    is_rendition: bool

    def read(self) -> bytes:
        return client("s3").get_object(Bucket=_bucket(), Key=self.key)["Body"].read()

    def url(self) -> str:
        """A time-limited URL, for networks that pull media (Instagram, Threads)."""
        return uploads.presign_download(self.key)

    def read_range(self, offset: int, length: int) -> bytes:
        return S3Source(client("s3"), _bucket(), self.key, self.size).read(offset, length)


def network_media(
    workspace_id: str, media_id: str, network: str, surface: str = "feed"
) -> NetworkMedia:
    """The publisher's view of one media item for one network: the file that fits it
    (see `file_for_target`), readable by byte ranges and by a presigned URL."""
    from chalicelib.networks.base import MediaItem, MediaKind

    item = store.get(workspace_id, media_id)
    chosen = _file_for_item(item, network, surface)
    return MediaItem(
        kind=MediaKind.IMAGE if chosen.is_rendition else MediaKind(item.kind),
        content_type=chosen.content_type,
        size=chosen.size,
        read_range=chosen.read_range,
        url=chosen.url(),
        alt_text=item.alt_text,
        width=chosen.width,
        height=chosen.height,
        duration_seconds=item.duration_seconds,
        filename=item.filename if not chosen.is_rendition else f"{media_id}-{network}.jpg",
    )


def file_for_target(
    workspace_id: str, media_id: str, network: str, surface: str = "feed"
) -> MediaFile:
    """What the publisher sends: the original if the network takes it as it is, else the
    rendition for the item's focal point (made now, or reused if already made)."""
    return _file_for_item(store.get(workspace_id, media_id), network, surface)


def _rendition_spec(
    item: store.MediaItem, network: str, surface: str
) -> renditions.RenditionSpec | None:
    """The spec to render the item for; None when the original goes as it is."""
    spec = renditions.spec_for(network, surface)
    if item.kind not in (Kind.IMAGE, Kind.GIF) or spec is None:
        return None  # videos are never transcoded
    facts = renditions.ImageFacts(
        item.content_type or "",
        int(item.size or 0),
        int(item.width or 0),
        int(item.height or 0),
        int(item.frames or 1),
    )
    return None if renditions.fits(facts, spec) else spec


def _file_for_item(item: store.MediaItem, network: str, surface: str) -> MediaFile:
    if item.status != store.READY or not item.key:
        raise invalid("media_ids", f"media {item.media_id} is not ready")
    spec = _rendition_spec(item, network, surface)
    if spec is not None:
        return _rendition(item, spec)
    return MediaFile(
        item.key,
        item.content_type or "",
        int(item.size or 0),
        _int(item.width),
        _int(item.height),
        item.kind or "",
        False,
    )


def facts_for_target(item: store.MediaItem, network: str, surface: str = "feed") -> MediaFacts:
    """The item as `network` will receive it, without making the rendition: what the posts
    validator should check, so an image that a rendition will fit is not refused.

    A rendition's size is given as its byte limit (it never weighs more) and its
    dimensions as planned around the focal point."""
    from chalicelib.posts.facts import media_facts

    facts = media_facts(item)
    spec = _rendition_spec(item, network, surface) if item.status == store.READY else None
    if spec is None:
        return facts
    planned = renditions.plan(int(item.width or 1), int(item.height or 1), spec, item.focal)
    return dataclasses.replace(
        facts,
        content_type=renditions.JPEG,
        bytes=spec.max_bytes,
        width=planned.width,
        height=planned.height,
    )


def _rendition(item: store.MediaItem, spec: renditions.RenditionSpec) -> MediaFile:
    focal = item.focal
    known = item.rendition(spec.name)
    if known and (known["focal_x"], known["focal_y"]) == focal:
        return MediaFile(
            known["key"],
            "image/jpeg",
            int(known["size"]),
            int(known["width"]),
            int(known["height"]),
            item.kind or "",
            True,
        )
    s3 = client("s3")
    bucket = _bucket()
    original = s3.get_object(Bucket=bucket, Key=item.key)["Body"].read()
    made = renditions.render(original, spec, focal)
    key = uploads.rendition_key(item.workspace_id, item.media_id, spec.name, focal)
    s3.put_object(Bucket=bucket, Key=key, Body=made.data, ContentType=made.content_type)
    record = {
        "key": key,
        "size": len(made.data),
        "width": made.width,
        "height": made.height,
        "focal_x": focal[0],
        "focal_y": focal[1],
    }
    # If the focal point moved meanwhile, this file still serves this one publish.
    with contextlib.suppress(Conflict):
        store.add_rendition(item, spec.name, record)
    return MediaFile(
        key, made.content_type, len(made.data), made.width, made.height, item.kind or "", True
    )


def _int(value: Any) -> int | None:
    return None if value is None else int(value)
