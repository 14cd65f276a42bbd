"""A member's email preferences in a workspace: read (defaults filled in), written (the
digest re-armed), and one category turned off by an unsubscribe link."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.emails import (
    CATEGORIES,
    DIGEST,
    SECURITY,
    default_preferences,
    next_digest_at,
)
from chalicelib.store import email as store
from chalicelib.store.base import utcnow


def _workspace(workspace_id: str) -> Any:
    from chalicelib.store.workspaces import get_workspace

    return get_workspace(workspace_id)


def document_of(item: Any) -> dict[str, Any]:
    """The stored document with every field present (a category added later: on)."""
    document = default_preferences()
    stored = dict(item.document or {}) if item is not None else {}
    immediate = {**dict(document["immediate"]), **dict(stored.get("immediate") or {})}  # type: ignore[call-overload]
    immediate[SECURITY] = True
    document.update({k: v for k, v in stored.items() if k != "immediate"})
    document["immediate"] = {c: bool(immediate.get(c, True)) for c in CATEGORIES}
    return document


def zone_of(workspace_id: str, document: dict[str, Any]) -> str:
    workspace = _workspace(workspace_id)
    return str(document.get("timezone") or (workspace.timezone if workspace else None) or "UTC")


def read(workspace_id: str, user_id: str) -> dict[str, Any]:
    document = document_of(store.get_preferences(workspace_id, user_id))
    zone = zone_of(workspace_id, document)
    return {
        **document,
        "effective_timezone": zone,
        "next_digest_at": next_digest_at(utcnow(), str(document["digest"]), zone),
    }


def write(workspace_id: str, user_id: str, document: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.notify import digest

    document = document_of(_Doc(document))
    version = store.save_preferences(workspace_id, user_id, document)
    digest.arm_next(workspace_id, user_id, version, document, after=utcnow())
    return read(workspace_id, user_id)


def unsubscribe_details(workspace_id: str, user_id: str, category: str) -> dict[str, Any]:
    from chalicelib.store.members import get_member

    document = document_of(store.get_preferences(workspace_id, user_id))
    member = get_member(workspace_id, user_id)
    workspace = _workspace(workspace_id)
    subscribed = (
        document["digest"] != "off" if category == DIGEST else document["immediate"][category]
    )
    return {
        "category": category,
        "workspace": workspace.name if workspace else "",
        "email": member.email if member else None,
        "subscribed": bool(subscribed),
    }


def unsubscribe(workspace_id: str, user_id: str, category: str) -> str:
    """Turn `category` off; the workspace's name. Done again, nothing changes."""
    document = document_of(store.get_preferences(workspace_id, user_id))
    if category == DIGEST:
        document["digest"] = "off"
    else:
        document["immediate"][category] = False
    write(workspace_id, user_id, document)
    workspace = _workspace(workspace_id)
    return str(workspace.name) if workspace else ""


class _Doc:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
