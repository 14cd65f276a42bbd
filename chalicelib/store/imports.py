"""Bulk imports: one item per uploaded CSV, its status and progress.

The file and the plan (every row as a post to create, every problem) can be megabytes,
beyond DynamoDB's 400 KB item limit: they live in the media bucket under
`imports/<workspace>/<import>/`, and the item says where. Items expire after 30 days.
"""

from __future__ import annotations

import time
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.store.base import iso, table_meta, utcnow
from chalicelib.store.model import StoredModel

KEEP_SECONDS = 30 * 24 * 3600


class ImportItem(StoredModel):
    Meta = table_meta("imports")

    workspace_id = UnicodeAttribute(hash_key=True)
    import_id = UnicodeAttribute(range_key=True)
    status = UnicodeAttribute(default="validating")
    progress = NumberAttribute(default=0)
    format = UnicodeAttribute(null=True)
    timezone = UnicodeAttribute(null=True)
    date_order = UnicodeAttribute(null=True)
    default_accounts = UnicodeAttribute(null=True)
    rows = NumberAttribute(default=0)
    valid_rows = NumberAttribute(default=0)
    error_count = NumberAttribute(default=0)
    created_posts = NumberAttribute(default=0)
    skip_invalid = NumberAttribute(default=0)
    commit_attempts = NumberAttribute(default=0)
    failure = UnicodeAttribute(null=True)
    source_key = UnicodeAttribute()
    plan_key = UnicodeAttribute()
    created_by = UnicodeAttribute(null=True)
    # Who asked for the commit, with their role: the approval policy decides by it
    # ({actor, role, user_id}).
    committed_by = JSONAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    ttl = NumberAttribute()


def create(item: ImportItem) -> ImportItem:
    item.created_at = item.updated_at = iso(utcnow())
    item.ttl = int(time.time()) + KEEP_SECONDS
    item.save(condition=ImportItem.import_id.does_not_exist())
    return item


def get(workspace_id: str, import_id: str) -> ImportItem | None:
    try:
        return ImportItem.get(workspace_id, import_id, consistent_read=True)
    except DoesNotExist:
        return None


def update(item: ImportItem, expected_status: str | None = None, **changes: Any) -> bool:
    """Set `changes`; with `expected_status`, only if the import is still in that status
    (False when it is not: another worker moved it on)."""
    actions = [getattr(ImportItem, name).set(value) for name, value in changes.items()]
    if "updated_at" not in changes:
        actions.append(ImportItem.updated_at.set(iso(utcnow())))
    condition = ImportItem.status == expected_status if expected_status else None
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as error:
        if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
            return False
        raise
    return True
