"""The content library: captions and snippets, hashtag groups and post templates the
composer inserts.

| method and path | result |
|---|---|
| GET /v1/workspaces/{ws}/library?q=&kind= | items with every word of `q` (any member) |
| POST /v1/workspaces/{ws}/library | 201 a new item (editors and up) |
| GET .../library/{item_id} | one item (any member) |
| PATCH .../library/{item_id} | change it; `version` is the one read (409 when stale) |
| DELETE .../library/{item_id} | 204 |

Roles as for posts: viewers read, editors and up write.
"""

from __future__ import annotations

from pydantic import Field

from chalicelib.api.routing import ApiBlueprint, RequestContext
from chalicelib.domain.library import Kind, LibraryItemIn, LibraryItemPatch
from chalicelib.domain.model import Model
from chalicelib.domain.roles import Role

library = ApiBlueprint(__name__)


class LibraryItemOut(Model):
    id: str
    kind: Kind
    name: str
    text: str
    hashtags: list[str]
    variants: dict[str, str] = Field(description="a text per network id")
    media_ids: list[str]
    first_comment: str | None
    version: int
    created_by: str | None
    created_at: str
    updated_at: str


class LibraryList(Model):
    items: list[LibraryItemOut]
    next_cursor: str | None = None


class LibraryQuery(Model):
    q: str | None = Field(None, max_length=200, description="words the item must all contain")
    kind: Kind | None = None
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=100)


def item_out(item: object) -> LibraryItemOut:
    from chalicelib.store.library import LibraryItem

    assert isinstance(item, LibraryItem)
    return LibraryItemOut(
        id=item.item_id,
        kind=Kind(item.kind),
        name=item.name,
        text=item.text or "",
        hashtags=list(item.hashtags or []),
        variants=dict(item.variants or {}),
        media_ids=list(item.media_ids or []),
        first_comment=item.first_comment,
        version=int(item.version),
        created_by=item.created_by,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


PATH = "/v1/workspaces/{ws}/library"


@library.endpoint("GET", PATH, auth=Role.VIEWER, query=LibraryQuery, response=LibraryList)
def list_library_items(ctx: RequestContext, ws: str, query: LibraryQuery) -> LibraryList:
    """Search the library: every word of `q` in the name, text, hashtags or variants."""
    from chalicelib.library.service import search

    items, cursor = search(ws, query.q, query.kind, query.limit, query.cursor)
    return LibraryList(items=[item_out(i) for i in items], next_cursor=cursor)


@library.endpoint(
    "POST", PATH, auth=Role.EDITOR, body=LibraryItemIn, response=LibraryItemOut, status=201
)
def create_library_item(ctx: RequestContext, ws: str, body: LibraryItemIn) -> LibraryItemOut:
    """Save a snippet, a hashtag group or a template."""
    from chalicelib.library.service import create

    return item_out(create(ws, ctx.principal.actor, body))


@library.endpoint("GET", PATH + "/{item_id}", auth=Role.VIEWER, response=LibraryItemOut)
def get_library_item(ctx: RequestContext, ws: str, item_id: str) -> LibraryItemOut:
    """One library item."""
    from chalicelib.library.service import found

    return item_out(found(ws, item_id))


@library.endpoint(
    "PATCH",
    PATH + "/{item_id}",
    auth=Role.EDITOR,
    body=LibraryItemPatch,
    response=LibraryItemOut,
)
def update_library_item(
    ctx: RequestContext, ws: str, item_id: str, body: LibraryItemPatch
) -> LibraryItemOut:
    """Change an item (409 when `version` is not the current one)."""
    from chalicelib.library.service import update

    return item_out(update(ws, item_id, ctx.principal.actor, body))


@library.endpoint("DELETE", PATH + "/{item_id}", auth=Role.EDITOR, status=204)
def delete_library_item(ctx: RequestContext, ws: str, item_id: str) -> None:
    """Delete an item (posts made from it keep their text)."""
    from chalicelib.library.service import delete

    delete(ws, item_id, ctx.principal.actor)
