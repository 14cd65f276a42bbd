"""Workspaces (tenants). `owner_count` guards the last-owner rule inside transactions.

Reads are strongly consistent: a rename or a new workspace shows in the next answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.expressions.update import Action

from chalicelib.store.base import table_meta
from chalicelib.store.model import StoredModel


class WorkspaceRecord(StoredModel):
    Meta = table_meta("workspaces")

    workspace_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    timezone = UnicodeAttribute()
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    owner_count = NumberAttribute(default=1)
    # The approval policy (chalicelib/domain/approvals.py), with who changed it last and
    # when; None: approvals are off.
    approval_policy = JSONAttribute(null=True)
    # Operators' console (chalicelib/admin): {reason, at, by} while suspended; the support
    # access the workspace granted {until, granted_by, granted_at}; named feature flags.
    suspended = JSONAttribute(null=True)
    support_access = JSONAttribute(null=True)
    feature_flags = JSONAttribute(null=True)
    link_tracking = JSONAttribute(null=True)  # domain/utm.LinkTracking; None: off
    # Members must have two-factor sign-in on to use the workspace (the guard checks).
    two_factor_required = BooleanAttribute(null=True)


def get_workspace(workspace_id: str) -> WorkspaceRecord | None:
    try:
        return WorkspaceRecord.get(workspace_id, consistent_read=True)
    except WorkspaceRecord.DoesNotExist:
        return None


def get_workspaces(workspace_ids: Iterable[str]) -> dict[str, WorkspaceRecord]:
    ids = list(dict.fromkeys(workspace_ids))
    if not ids:
        return {}
    return {w.workspace_id: w for w in WorkspaceRecord.batch_get(ids, consistent_read=True)}


def update_workspace(
    workspace_id: str,
    name: str | None,
    timezone: str | None,
    link_tracking: dict[str, Any] | None = None,
) -> WorkspaceRecord:
    record = WorkspaceRecord(workspace_id)
    actions: list[Action] = []
    if name is not None:
        actions.append(WorkspaceRecord.name.set(name))
    if timezone is not None:
        actions.append(WorkspaceRecord.timezone.set(timezone))
    if link_tracking is not None:
        actions.append(WorkspaceRecord.link_tracking.set(link_tracking))
    if actions:
        record.update(actions, condition=WorkspaceRecord.workspace_id.exists())
        return record
    return WorkspaceRecord.get(workspace_id, consistent_read=True)


def set_approval_policy(workspace_id: str, policy: dict[str, Any]) -> None:
    """Store the workspace's approval policy (as `ApprovalPolicy.model_dump` plus
    `updated_by` and `updated_at`)."""
    WorkspaceRecord(workspace_id).update(
        [WorkspaceRecord.approval_policy.set(policy)],
        condition=WorkspaceRecord.workspace_id.exists(),
    )


def set_operator_fields(workspace_id: str, **fields: dict[str, Any] | None) -> WorkspaceRecord:
    """Set (a dict) or clear (None) `suspended`, `support_access` or `feature_flags`."""
    attributes = {
        "suspended": WorkspaceRecord.suspended,
        "support_access": WorkspaceRecord.support_access,
        "feature_flags": WorkspaceRecord.feature_flags,
    }
    actions: list[Action] = [
        attributes[name].set(value) if value is not None else attributes[name].remove()
        for name, value in fields.items()
    ]
    record = WorkspaceRecord(workspace_id)
    record.update(actions, condition=WorkspaceRecord.workspace_id.exists())
    return WorkspaceRecord.get(workspace_id, consistent_read=True)


def scan_workspaces(limit: int) -> list[WorkspaceRecord]:
    """Up to `limit` workspaces of the whole deployment (the operators' search only)."""
    found: list[WorkspaceRecord] = []
    for record in WorkspaceRecord.scan(page_size=min(limit, 500)):
        found.append(record)
        if len(found) >= limit:
            break
    return found
