"""A suspended workspace publishes nothing and accepts no new or changed posts; when the
suspension is lifted, what it refused is published after all (`rearm_refused`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chalicelib.errors import Locked

REFUSED = "This workspace is suspended: "
MESSAGE = REFUSED + "{reason}. Nothing is published while it is suspended."
# Refused posts due this recently are published when the suspension is lifted; older
# ones would go out too late to mean what they said: they stay failed, and the people
# are told to reschedule them.
REARM_WITHIN = timedelta(hours=24)
# How long before the suspension a post refused during it may have been due (a retry, or
# an overdue post the sweeper handed over after the suspension began).
LOOKBACK = timedelta(days=7)


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


@dataclass
class Rearmed:
    republished: list[str] = field(default_factory=list)
    left_failed: list[str] = field(default_factory=list)


def rearm_refused(workspace_id: str, suspended: dict[str, Any], now: datetime) -> Rearmed:
    """Publish again the targets the suspension refused (failed with its message) of the
    posts due in the last `REARM_WITHIN`; tell the people about those left failed."""
    from chalicelib.observability import logger
    from chalicelib.publishing.reopen import reopen_targets
    from chalicelib.store import posts as post_store

    since = datetime.fromisoformat(str(suspended.get("at") or now.isoformat())) - LOOKBACK
    done = Rearmed()
    start_key = None
    while True:
        page = post_store.list_scheduled(
            workspace_id,
            since,
            now + timedelta(seconds=1),
            statuses=["failed", "partially_published"],
            limit=200,
            start_key=start_key,
        )
        for post in page.items:
            refused = [
                t.target_id
                for t in post.targets
                if t.status == "failed" and (t.error or "").startswith(REFUSED)
            ]
            if not refused:
                continue
            due = datetime.fromisoformat(post.scheduled_at) if post.scheduled_at else now
            if due < now - REARM_WITHIN:
                done.left_failed.append(post.post_id)
                continue
            try:
                reopen_targets(workspace_id, post.post_id, target_ids=refused)
                done.republished.append(post.post_id)
            except Exception:  # one post must not keep the others refused
                logger.exception("re-arming a refused post failed", extra={"post_id": post.post_id})
                done.left_failed.append(post.post_id)
        start_key = page.last_key
        if start_key is None:
            break
    _tell(workspace_id, done)
    return done


def _tell(workspace_id: str, done: Rearmed) -> None:
    from chalicelib.notify import notify

    def posts(n: int) -> str:
        return f"{n} post{'s' if n > 1 else ''}"

    said = []
    if done.republished:
        n = len(done.republished)
        are = "are" if n > 1 else "is"
        said.append(f"{posts(n)} held back during the suspension {are} being published now.")
    if done.left_failed:
        said.append(
            f"{posts(len(done.left_failed))} due more than a day ago stayed unpublished: "
            "reschedule them from Posts (filter Failed)."
        )
    if said:
        notify(
            workspace_id,
            kind="workspace.unsuspended",
            title="This workspace is no longer suspended",
            message=" ".join(said),
            link="/posts?status=failed" if done.left_failed else "/posts",
        )
