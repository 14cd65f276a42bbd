"""The content library's items (snippets, hashtag groups, templates). Every call takes
the workspace id."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, DoesNotExist, PutError

from chalicelib.store.base import table_meta
from chalicelib.store.model import StoredModel
from chalicelib.store.posts import StringList


class LibraryItem(StoredModel):
    Meta = table_meta("library")

    workspace_id = UnicodeAttribute(hash_key=True)
    item_id = UnicodeAttribute(range_key=True)  # time-ordered: the list is oldest first
    kind = UnicodeAttribute()  # snippet, hashtags, template
    name = UnicodeAttribute()
    text = UnicodeAttribute(default="")
    hashtags = StringList(default=list)
    variants = JSONAttribute(default=dict)  # network id -> text
    media_ids = StringList(default=list)
    first_comment = UnicodeAttribute(null=True)
    search = UnicodeAttribute()  # folded name, text, tags, variants, first comment
    version = NumberAttribute(default=1)
    created_by = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_by = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute()


class Stale(Exception):
    """The item changed (or went) since the version the caller read."""


def get_item(workspace_id: str, item_id: str) -> LibraryItem | None:
    try:
        return LibraryItem.get(workspace_id, item_id, consistent_read=True)
    except DoesNotExist:
        return None


def create_item(item: LibraryItem) -> LibraryItem:
    item.save(condition=LibraryItem.item_id.does_not_exist())
    return item


def replace_item(item: LibraryItem, read_version: int) -> LibraryItem:
    """Save `item` (its version already bumped) if it is still at `read_version`."""
    try:
        item.save(condition=LibraryItem.version == read_version)
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise Stale from None
        raise
    return item


def delete_item(workspace_id: str, item_id: str) -> bool:
    try:
        LibraryItem(workspace_id, item_id).delete(condition=LibraryItem.item_id.exists())
    except DeleteError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def count_items(workspace_id: str) -> int:
    return LibraryItem.count(workspace_id, consistent_read=True)


def scan_items(
    workspace_id: str, after: str | None, kind: str | None, terms: list[str]
) -> Iterator[LibraryItem]:
    """The workspace's items after `after` (an item id), in id order, that are of `kind`
    and contain every term; DynamoDB filters, the caller stops when it has enough."""
    condition: Any = None
    if kind:
        condition = LibraryItem.kind == kind
    for term in terms:
        contains = LibraryItem.search.contains(term)
        condition = contains if condition is None else condition & contains
    return iter(
        LibraryItem.query(
            workspace_id,
            LibraryItem.item_id > after if after else None,
            filter_condition=condition,
            page_size=200,
        )
    )
