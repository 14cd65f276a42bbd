"""The operators' log: every action an operator takes in the console, across tenants.

Kept in the audit table under a partition of its own (no workspace id starts with "_"),
so it needs no table of its own and reads like a workspace's log.
"""

from __future__ import annotations

from typing import Any

from chalicelib.store.audit import AuditRecord, audit_event, list_events

OPERATORS_LOG = "_operators"


def record_operator_event(
    operator_id: str, action: str, workspace_id: str | None, details: dict[str, Any]
) -> None:
    audit_event(
        OPERATORS_LOG,
        action,
        actor=operator_id,
        target=workspace_id,
        details=details,
    ).save()


def list_operator_events(limit: int, cursor: str | None) -> tuple[list[AuditRecord], str | None]:
    return list_events(OPERATORS_LOG, limit, cursor)
