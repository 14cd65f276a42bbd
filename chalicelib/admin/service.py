"""What operators see of a tenant and what they may do to it; every action is written
to the operators' log and to the workspace's own audit log.

Post text and media are shown only while the workspace has granted support access (an
owner or admin grants it for a while: `grant_support_access`); without it, metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chalicelib.errors import NotFound
from chalicelib.store.base import iso, utcnow

# How far back (and ahead) "recent" posts are read for a tenant's counts and failures.
RECENT = timedelta(days=30)
MAX_POSTS_READ = 1000
MAX_SCANNED = 2000
FAILED = ("failed", "unconfirmed")
OPERATOR_ACTOR = "operator"


@dataclass
class TenantView:
    workspace: Any  # WorkspaceRecord
    members: list[Any]
    accounts: list[Any]
    counts: dict[str, int]
    failures: list[dict[str, Any]]
    posts: list[dict[str, Any]]
    support_until: str | None
    content_shown: bool
    flags: dict[str, bool] = field(default_factory=dict)


def audit_both(
    operator_id: str,
    workspace_id: str,
    action: str,
    details: dict[str, Any],
    target: str | None = None,
) -> None:
    """Record an operator's action in the operators' log and in the workspace's log."""
    from chalicelib.store.audit import record_event
    from chalicelib.store.operators import record_operator_event

    record_operator_event(operator_id, action, workspace_id, {"target": target, **details})
    record_event(
        workspace_id,
        action,
        actor=OPERATOR_ACTOR,
        target=target or workspace_id,
        details={"operator_id": operator_id, **details},
    )


def search(operator_id: str, q: str, limit: int = 25) -> list[Any]:
    """Workspaces whose id is `q`, whose name contains it (any case), or with a member
    whose email is `q`."""
    from chalicelib.store.members import memberships_of
    from chalicelib.store.operators import record_operator_event
    from chalicelib.store.users import find_by_email
    from chalicelib.store.workspaces import get_workspace, get_workspaces, scan_workspaces

    wanted = q.strip()
    found: dict[str, Any] = {}
    if wanted:
        exact = get_workspace(wanted)
        if exact is not None:
            found[exact.workspace_id] = exact
        if "@" in wanted:
            user = find_by_email(wanted.lower())
            if user is not None:
                ids = [m.workspace_id for m in memberships_of(user.user_id)]
                found.update(get_workspaces(ids))
    folded = wanted.casefold()
    for record in scan_workspaces(MAX_SCANNED):
        if len(found) >= limit:
            break
        if folded in record.name.casefold():
            found.setdefault(record.workspace_id, record)
    record_operator_event(operator_id, "operator.searched", None, {"q": wanted})
    return sorted(found.values(), key=lambda w: w.name.casefold())[:limit]


def support_until(workspace: Any, now: datetime) -> str | None:
    """When the support access the workspace granted ends (None: not granted now)."""
    granted = workspace.support_access or {}
    until = granted.get("until")
    return str(until) if until and str(until) > iso(now) else None


def tenant(
    operator_id: str, workspace_id: str, now: datetime | None = None, *, viewed: bool = True
) -> TenantView:
    """A workspace as operators see it. A view (`viewed`, not the answer to an action
    recorded already) is itself recorded in both logs."""
    from chalicelib.store import accounts as account_store
    from chalicelib.store import posts as post_store
    from chalicelib.store.members import list_members

    now = now or utcnow()
    workspace = _found(workspace_id)
    until = support_until(workspace, now)
    posts: list[Any] = []
    start_key = None
    while len(posts) < MAX_POSTS_READ:
        page = post_store.list_scheduled(
            workspace_id, now - RECENT, now + RECENT, limit=200, start_key=start_key
        )
        posts.extend(page.items)
        start_key = page.last_key
        if start_key is None:
            break
    counts = {"scheduled": 0, "published": 0, "failed": 0}
    failures: list[dict[str, Any]] = []
    for post in posts:
        if post.status in ("scheduled", "approved", "pending_approval", "publishing"):
            counts["scheduled"] += 1
        for target in post.targets:
            if target.status == "published":
                counts["published"] += 1
            elif target.status in FAILED:
                counts["failed"] += 1
                failure = {
                    "post_id": post.post_id,
                    "target_id": target.target_id,
                    "account_id": target.account_id,
                    "network": target.network,
                    "kind": target.status,
                    "at": post.scheduled_at,
                    "reason": target.error if until else None,
                }
                failures.append(failure)
    recent = sorted(posts, key=lambda p: p.scheduled_at or "", reverse=True)[:20]
    shown = [
        {
            "post_id": post.post_id,
            "status": post.status,
            "scheduled_at": post.scheduled_at,
            "networks": sorted({t.network for t in post.targets}),
            "text": post.text if until else None,
            "media_count": len(post.media_ids or []),
        }
        for post in recent
    ]
    failures.sort(key=lambda f: f["at"] or "", reverse=True)
    if viewed:
        audit_both(operator_id, workspace_id, "operator.viewed", {"content": bool(until)})
    return TenantView(
        workspace=workspace,
        members=list_members(workspace_id),
        accounts=account_store.list_accounts(workspace_id),
        counts=counts,
        failures=failures[:20],
        posts=shown,
        support_until=until,
        content_shown=bool(until),
        flags=dict(workspace.feature_flags or {}),
    )


def suspend(operator_id: str, workspace_id: str, reason: str) -> Any:
    from chalicelib.store.workspaces import set_operator_fields

    _found(workspace_id)
    suspended = {"reason": reason, "at": iso(utcnow()), "by": operator_id}
    record = set_operator_fields(workspace_id, suspended=suspended)
    audit_both(operator_id, workspace_id, "workspace.suspended", {"reason": reason})
    return record


def unsuspend(operator_id: str, workspace_id: str, reason: str) -> Any:
    """Lift the suspension; the posts it refused lately are published now, older ones
    stay failed and the people are told (`suspension.rearm_refused`)."""
    from chalicelib.admin.suspension import rearm_refused
    from chalicelib.store.workspaces import set_operator_fields

    suspended = _found(workspace_id).suspended
    record = set_operator_fields(workspace_id, suspended=None)
    details: dict[str, Any] = {"reason": reason}
    if suspended:
        done = rearm_refused(workspace_id, dict(suspended), utcnow())
        details.update(republished=done.republished, left_failed=done.left_failed)
    audit_both(operator_id, workspace_id, "workspace.unsuspended", details)
    return record


def set_flags(operator_id: str, workspace_id: str, flags: dict[str, bool]) -> Any:
    from chalicelib.store.workspaces import set_operator_fields

    before = dict(_found(workspace_id).feature_flags or {})
    record = set_operator_fields(workspace_id, feature_flags=dict(flags))
    audit_both(operator_id, workspace_id, "workspace.flags_set", {"before": before, "after": flags})
    return record


def extend_trial(operator_id: str, workspace_id: str, days: int, reason: str) -> None:
    """Give the workspace `days` more of its trial (billing's `extend_trial`: 422 naming
    days, 409 when there is no trial to extend). Billing records it in the workspace's log
    (by "operator": the people see Schedulo support); the operators' log names who."""
    from chalicelib.billing.service import extend_trial as extend
    from chalicelib.store.operators import record_operator_event

    _found(workspace_id)
    extend(workspace_id, days, OPERATOR_ACTOR)
    record_operator_event(
        operator_id, "billing.trial_extended", workspace_id, {"days": days, "reason": reason}
    )


def force_reconnect(operator_id: str, workspace_id: str, account_id: str, reason: str) -> Any:
    """Mark the account `needs_reconnect`; its people are told to reconnect it."""
    from chalicelib.oauth.health import mark_needs_reconnect_notified
    from chalicelib.store import accounts as account_store

    _found(workspace_id)
    item = account_store.get(workspace_id, account_id)
    if item is None or item.status == "disconnected":
        raise NotFound("Account not found.")
    item.status = "needs_reconnect"
    item.last_error = reason
    account_store.save(item)
    mark_needs_reconnect_notified(item, reason)
    audit_both(
        operator_id,
        workspace_id,
        "account.reconnect_forced",
        {"reason": reason, "network": item.network},
        target=account_id,
    )
    return item


def grant_support_access(workspace_id: str, actor: str, hours: int) -> Any:
    """An owner or admin lets operators see posts' content for `hours`."""
    from chalicelib.store.audit import record_event
    from chalicelib.store.workspaces import set_operator_fields

    now = utcnow()
    until = iso(now + timedelta(hours=hours))
    granted = {"until": until, "granted_by": actor, "granted_at": iso(now)}
    record = set_operator_fields(workspace_id, support_access=granted)
    record_event(workspace_id, "support_access.granted", actor=actor, details={"until": until})
    return record


def revoke_support_access(workspace_id: str, actor: str) -> Any:
    from chalicelib.store.audit import record_event
    from chalicelib.store.workspaces import set_operator_fields

    record = set_operator_fields(workspace_id, support_access=None)
    record_event(workspace_id, "support_access.revoked", actor=actor)
    return record


def _found(workspace_id: str) -> Any:
    from chalicelib.store.workspaces import get_workspace

    workspace = get_workspace(workspace_id)
    if workspace is None:
        raise NotFound("Workspace not found.")
    return workspace
