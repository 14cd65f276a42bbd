"""The media library: direct uploads to S3, import by URL, the list, details, deletion
and the file each network would receive (API.md "Media")."""

from __future__ import annotations

from chalicelib.api.media_models import (
    FocalPoint,
    ImportIn,
    MediaList,
    MediaOut,
    MediaPatch,
    MediaQuery,
    PresignedUpload,
    RenditionOut,
    RenditionQuery,
    UploadIn,
    UploadOut,
    normalise_tag,
)
from chalicelib.api.responses import Reply
from chalicelib.api.routing import ApiBlueprint, RequestContext
from chalicelib.domain.roles import Role
from chalicelib.errors import NotFound, PlanLimit, invalid

media = ApiBlueprint(__name__)

ITEM = "/v1/workspaces/{ws}/media/{media_id}"


def media_out(item) -> MediaOut:  # item: chalicelib.store.media.MediaItem
    from chalicelib.media.uploads import presign_download

    def number(value: float | None) -> int | None:
        return None if value is None else int(value)

    return MediaOut(
        id=item.media_id,
        status=item.status,
        kind=item.kind,
        filename=item.filename,
        content_type=item.content_type,
        size=number(item.size),
        width=number(item.width),
        height=number(item.height),
        duration_seconds=item.duration_seconds,
        video_codec=item.video_codec,
        audio_codec=item.audio_codec,
        frames=number(item.frames),
        url=presign_download(item.key, item.filename) if item.key else None,
        thumbnail_url=presign_download(item.thumbnail_key) if item.thumbnail_key else None,
        alt_text=item.alt_text,
        tags=list(item.tags or []),
        focal_point=FocalPoint(x=item.focal_x, y=item.focal_y),
        used_by=sorted(item.used_by or []),
        failure_reason=item.failure_reason,
        source_url=item.source_url,
        created_by=item.created_by,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def upload_limit(workspace_id: str) -> int:
    """The largest file this workspace's plan may upload."""
    from chalicelib.media.uploads import max_upload_bytes
    from chalicelib.store.workspaces import get_workspace

    # Billing records the plan on the workspace; until then every workspace is "free".
    return max_upload_bytes(getattr(get_workspace(workspace_id), "plan", None))


@media.endpoint(
    "POST",
    "/v1/workspaces/{ws}/media",
    auth=Role.EDITOR,
    body=UploadIn,
    response=UploadOut,
    status=201,
)
def create_upload(ctx: RequestContext, ws: str, body: UploadIn) -> UploadOut | Reply:
    """Start an upload: a presigned S3 POST pinned to this key, type and size."""
    from chalicelib.api.idempotency import once
    from chalicelib.media.library import start_upload
    from chalicelib.media.uploads import MAX_UPLOAD_BYTES

    if body.size > MAX_UPLOAD_BYTES:
        raise invalid("size", f"files are limited to {MAX_UPLOAD_BYTES // 1024**3} GB")
    most = upload_limit(ws)
    if body.size > most:
        raise PlanLimit(
            f"Your plan uploads files up to {most // 1024**2} MB.",
            [{"field": "size", "message": f"larger than the plan's {most // 1024**2} MB"}],
        )

    def run() -> UploadOut:
        item, post = start_upload(
            ws,
            filename=body.filename,
            content_type=body.content_type,
            size=body.size,
            max_bytes=most,
            created_by=ctx.principal.actor,
        )
        return UploadOut(
            media=media_out(item),
            upload=PresignedUpload(url=post.url, fields=post.fields, max_bytes=body.size),
        )

    return once(ctx, ws, "media.upload", 201, run)


@media.endpoint("POST", f"{ITEM}/complete", auth=Role.EDITOR, response=MediaOut)
def complete(ctx: RequestContext, ws: str, media_id: str) -> MediaOut:
    """Inspect the uploaded file: `ready`, or 422 saying why it was refused."""
    from chalicelib.media.library import complete_upload

    return media_out(complete_upload(ws, media_id))


@media.endpoint(
    "POST",
    "/v1/workspaces/{ws}/media/import",
    auth=Role.EDITOR,
    body=ImportIn,
    response=MediaOut,
    status=201,
)
def import_url(ctx: RequestContext, ws: str, body: ImportIn) -> MediaOut | Reply:
    """Fetch a URL server-side into the library (size-capped, public addresses only)."""
    from chalicelib.api.idempotency import once
    from chalicelib.media.library import import_from_url

    def run() -> MediaOut:
        item = import_from_url(
            ws, body.url, max_bytes=upload_limit(ws), created_by=ctx.principal.actor
        )
        return media_out(item)

    return once(ctx, ws, "media.import", 201, run)


@media.endpoint(
    "GET", "/v1/workspaces/{ws}/media", auth=Role.VIEWER, query=MediaQuery, response=MediaList
)
def list_library(ctx: RequestContext, ws: str, query: MediaQuery) -> MediaList:
    """The library, newest first; `tag`, `kind` and `status` narrow it."""
    from chalicelib.store.media import list_media

    items, cursor = list_media(
        ws,
        limit=query.limit,
        cursor=query.cursor,
        tag=normalise_tag(query.tag) if query.tag else None,
        kind=query.kind,
        status=query.status,
    )
    return MediaList(items=[media_out(item) for item in items], next_cursor=cursor)


@media.endpoint("GET", ITEM, auth=Role.VIEWER, response=MediaOut)
def get_media(ctx: RequestContext, ws: str, media_id: str) -> MediaOut:
    """One media item with where it is used."""
    from chalicelib.store.media import get

    return media_out(get(ws, media_id))


@media.endpoint("PATCH", ITEM, auth=Role.EDITOR, body=MediaPatch, response=MediaOut)
def update_media(ctx: RequestContext, ws: str, media_id: str, body: MediaPatch) -> MediaOut:
    """Alt text, tags and focal point (moving it remakes the crops on next use)."""
    from chalicelib.store.media import get, update_details

    sent = body.model_fields_set
    focal = (body.focal_point.x, body.focal_point.y) if body.focal_point else None
    changed = update_details(
        get(ws, media_id),
        alt_text=body.alt_text.strip() if body.alt_text else None,
        clear_alt_text="alt_text" in sent and not (body.alt_text or "").strip(),
        tags=body.tags,
        focal=focal,
    )
    return media_out(changed)


@media.endpoint("DELETE", ITEM, auth=Role.EDITOR, status=204)
def delete_media(ctx: RequestContext, ws: str, media_id: str) -> None:
    """Delete a file and its renditions; 409 while a scheduled post uses it."""
    from chalicelib.media.library import delete_media as delete

    delete(ws, media_id)


@media.endpoint(
    "GET",
    f"{ITEM}/renditions/{{network}}",
    auth=Role.VIEWER,
    query=RenditionQuery,
    response=RenditionOut,
)
def rendition(
    ctx: RequestContext, ws: str, media_id: str, network: str, query: RenditionQuery
) -> RenditionOut:
    """The file `network` would receive, cropped around the focal point when needed."""
    from chalicelib.media.library import file_for_target
    from chalicelib.media.renditions import image_targets
    from chalicelib.networks.registry import NETWORK_IDS

    known = set(NETWORK_IDS) | {name for name, _ in image_targets()}
    if network not in known:
        raise NotFound(f"Unknown network {network!r}.")
    chosen = file_for_target(ws, media_id, network, query.surface)
    return RenditionOut(
        network=network,
        surface=query.surface,
        url=chosen.url(),
        content_type=chosen.content_type,
        size=chosen.size,
        width=chosen.width,
        height=chosen.height,
        is_rendition=chosen.is_rendition,
    )
