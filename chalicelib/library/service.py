"""Library items: create, change (version checked), delete and search, each audited.

>>> item = create(ws, actor, LibraryItemIn(kind="snippet", name="Sign-off", text="See you!"))
>>> items, cursor = search(ws, "sign", kind=None, limit=20, cursor=None)
"""

from __future__ import annotations

import re
from typing import Any

from chalicelib.domain.ids import new_id
from chalicelib.domain.library import (
    MAX_ITEMS_PER_WORKSPACE,
    Kind,
    LibraryItemIn,
    LibraryItemPatch,
    check_kind,
    search_blob,
    search_terms,
)
from chalicelib.errors import Conflict, NotFound, invalid
from chalicelib.store.audit import record_event
from chalicelib.store.base import iso, utcnow
from chalicelib.store.library import (
    LibraryItem,
    Stale,
    count_items,
    create_item,
    delete_item,
    get_item,
    replace_item,
    scan_items,
)

_ITEM_ID = re.compile(r"^l_[0-9a-f]{24}$")


def _check(kind: Kind, item: LibraryItem) -> None:
    problem = check_kind(
        kind,
        item.text or "",
        list(item.hashtags or []),
        dict(item.variants or {}),
        list(item.media_ids or []),
        item.first_comment,
    )
    if problem:
        raise invalid(*problem)


def _check_media(workspace_id: str, media_ids: list[str]) -> None:
    """A template's media are this workspace's own: the composer puts them in a post."""
    if not media_ids:
        return
    from chalicelib.store.media import get_many

    found = get_many(workspace_id, media_ids)
    for index, media_id in enumerate(media_ids):
        if media_id not in found:
            raise invalid(f"media_ids[{index}]", "no such media in this workspace")


def _index(item: LibraryItem) -> None:
    item.search = search_blob(
        item.name,
        item.text or "",
        list(item.hashtags or []),
        dict(item.variants or {}),
        item.first_comment,
    )


def found(workspace_id: str, item_id: str) -> LibraryItem:
    item = get_item(workspace_id, item_id) if _ITEM_ID.match(item_id) else None
    if item is None:
        raise NotFound("This library item does not exist.")
    return item


def create(workspace_id: str, actor: str | None, body: LibraryItemIn) -> LibraryItem:
    now = iso(utcnow())
    item = LibraryItem(
        workspace_id,
        new_id("l"),
        kind=body.kind.value,
        name=body.name,
        text=body.text,
        hashtags=body.hashtags,
        variants=dict(body.variants),
        media_ids=body.media_ids,
        first_comment=body.first_comment or None,
        version=1,
        created_by=actor,
        created_at=now,
        updated_by=actor,
        updated_at=now,
    )
    _check(body.kind, item)
    _check_media(workspace_id, list(item.media_ids or []))
    if count_items(workspace_id) >= MAX_ITEMS_PER_WORKSPACE:
        raise Conflict(
            f"The library holds at most {MAX_ITEMS_PER_WORKSPACE} items: delete some first."
        )
    _index(item)
    create_item(item)
    record_event(
        workspace_id,
        "library.created",
        actor=actor,
        target=item.item_id,
        details={"kind": item.kind, "name": item.name},
    )
    return item


def update(
    workspace_id: str, item_id: str, actor: str | None, body: LibraryItemPatch
) -> LibraryItem:
    item = found(workspace_id, item_id)
    if body.version != item.version:
        raise Conflict(
            f"This item changed since you read it (version {body.version}, now "
            f"{item.version}): reload it and try again."
        )
    changes: dict[str, Any] = body.model_dump(exclude_unset=True, exclude={"version"})
    if "name" in changes and changes["name"] is None:
        raise invalid("name", "must not be null")
    for name, value in changes.items():
        if name == "first_comment":
            value = value or None
        elif value is None:
            value = "" if name == "text" else {} if name == "variants" else []
        setattr(item, name, value)
    _check(Kind(item.kind), item)
    if "media_ids" in changes:
        _check_media(workspace_id, list(item.media_ids or []))
    _index(item)
    read = int(item.version)
    item.version = read + 1
    item.updated_by = actor
    item.updated_at = iso(utcnow())
    try:
        replace_item(item, read)
    except Stale:
        raise Conflict("This item changed since you read it: reload it and try again.") from None
    record_event(
        workspace_id,
        "library.updated",
        actor=actor,
        target=item_id,
        details={"fields": sorted(changes)},
    )
    return item


def delete(workspace_id: str, item_id: str, actor: str | None) -> None:
    item = found(workspace_id, item_id)
    if not delete_item(workspace_id, item_id):
        raise NotFound("This library item does not exist.")
    record_event(
        workspace_id,
        "library.deleted",
        actor=actor,
        target=item_id,
        details={"kind": item.kind, "name": item.name},
    )


def search(
    workspace_id: str, query: str | None, kind: Kind | None, limit: int, cursor: str | None
) -> tuple[list[LibraryItem], str | None]:
    """Up to `limit` items holding every word of `query` (name, text, hashtags, variants,
    first comment; case-insensitive), oldest first; the cursor is the last one's id."""
    if cursor is not None and not _ITEM_ID.match(cursor):
        raise invalid("cursor", "not a cursor from a previous page", status=400)
    items: list[LibraryItem] = []
    more = False
    for item in scan_items(workspace_id, cursor, kind.value if kind else None, search_terms(query)):
        if len(items) == limit:
            more = True
            break
        items.append(item)
    return items, (items[-1].item_id if more and items else None)
