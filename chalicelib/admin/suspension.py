"""A suspended workspace publishes nothing and accepts no new or changed posts."""

from __future__ import annotations

from typing import Any

from chalicelib.errors import Locked

MESSAGE = "This workspace is suspended: {reason}. Nothing is published while it is suspended."


def suspension_message(suspended: dict[str, Any] | None) -> str | None:
    """What people are told about a suspension (None: not suspended)."""
    if not suspended:
        return None
    reason = str(suspended.get("reason") or "no reason given").rstrip(".")
    return MESSAGE.format(reason=reason)


def check_not_suspended(suspended: dict[str, Any] | None) -> None:
    """Raise 423 with the reason when the workspace is suspended."""
    message = suspension_message(suspended)
    if message is not None:
        raise Locked(message)


def publish_refusal(workspace_id: str) -> str | None:
    """Why the publisher must not publish this workspace's targets (None: it may)."""
    from chalicelib.store.workspaces import get_workspace

    workspace = get_workspace(workspace_id)
    return suspension_message(workspace.suspended) if workspace is not None else None
