"""The workspace's immutable audit log: who did what, newest first.

>>> record_event(ws, "member.role_changed", actor="u_1", target="u_2", details={"role": "admin"})
"""

from __future__ import annotations

import json
from typing import Any

from pynamodb.attributes import UnicodeAttribute

from chalicelib.domain.ids import new_id
from chalicelib.store.base import StoredModel, iso, table_meta, utcnow
from chalicelib.store.paging import decode_cursor, encode_cursor


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
    workspace_id: str, limit: int, cursor: str | None
) -> tuple[list[AuditRecord], str | None]:
    page = AuditRecord.query(
        workspace_id,
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=decode_cursor(cursor, workspace_id, ("workspace_id", "event_key")),
    )
    items = list(page)
    return items, encode_cursor(page.last_evaluated_key)
