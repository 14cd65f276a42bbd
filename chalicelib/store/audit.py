"""The workspace's immutable audit log: who did what, newest first.

>>> record_event(ws, "member.role_changed", actor="u_1", target="u_2", details={"role": "admin"})
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.expressions.condition import Condition

from chalicelib.domain.ids import new_id
from chalicelib.store.base import iso, table_meta, utcnow
from chalicelib.store.model import StoredModel
from chalicelib.store.paging import bad_cursor, decode_cursor, encode_cursor


class AuditRecord(StoredModel):
    Meta = table_meta("audit")

    workspace_id = UnicodeAttribute(hash_key=True)
    event_key = UnicodeAttribute(range_key=True)  # <time>#<event id>: sorts by time
    action = UnicodeAttribute()
    actor = UnicodeAttribute(null=True)  # a user id, an API key id, or "system"
    target = UnicodeAttribute(null=True)
    details = UnicodeAttribute(default="{}")  # JSON
    at = UnicodeAttribute()


def audit_event(
    workspace_id: str,
    action: str,
    *,
    actor: str | None = None,
    target: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditRecord:
    """An event not yet written (to save it in a transaction or a batch)."""
    at = iso(utcnow())
    return AuditRecord(
        workspace_id,
        f"{at}#{new_id('e')}",
        action=action,
        actor=actor,
        target=target,
        details=json.dumps(details or {}, default=str),
        at=at,
    )


def record_event(workspace_id: str, action: str, **fields: Any) -> None:
    audit_event(workspace_id, action, **fields).save()


def record_events(events: list[AuditRecord]) -> None:
    with AuditRecord.batch_write() as batch:
        for event in events:
            batch.save(event)


def list_events(
    workspace_id: str,
    limit: int,
    cursor: str | None,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    actor: str | None = None,
    actions: list[str] | None = None,
) -> tuple[list[AuditRecord], str | None]:
    """A page of the log, newest first, within [start, end), by `actor` and of `actions`
    (an action, or a family when it ends with "." such as "post."). Filtered pages read on
    until they hold `limit` events or the log ends."""
    start_key = decode_cursor(cursor, workspace_id, ("workspace_id", "event_key"))
    low = iso(start) if start else None
    high = iso(end) if end else None  # "<time>Z#..." sorts after "<time>Z": end excluded
    if start_key is not None:
        key = start_key["event_key"]["S"]
        if (low and key < low) or (high and key > high):
            raise bad_cursor()  # DynamoDB refuses a start key outside the query's range
    range_condition: Condition | None
    if low and high:
        range_condition = AuditRecord.event_key.between(low, high)
    elif low:
        range_condition = AuditRecord.event_key >= low
    elif high:
        range_condition = AuditRecord.event_key <= high
    else:
        range_condition = None
    condition: Condition | None = None
    if actor:
        condition = AuditRecord.actor == actor
    if actions:
        kinds: Condition | None = None
        for action in actions:
            part = (
                AuditRecord.action.startswith(action)
                if action.endswith(".")
                else AuditRecord.action == action
            )
            kinds = part if kinds is None else kinds | part
        condition = kinds if condition is None else condition & kinds
    results = AuditRecord.query(
        workspace_id,
        range_condition,
        filter_condition=condition,
        scan_index_forward=False,
        last_evaluated_key=start_key,
        page_size=limit + 1,  # one more than a page: is there a next one?
    )
    items: list[AuditRecord] = []
    for item in results:
        if len(items) == limit:
            last = items[-1]
            return items, encode_cursor(
                {"workspace_id": {"S": last.workspace_id}, "event_key": {"S": last.event_key}}
            )
        items.append(item)
    return items, None
