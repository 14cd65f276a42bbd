"""Sending failed targets again: a user's retry, an operator's redrive.

The post goes back to `publishing` under a new version (so an edit in the meantime is a
409 and stale schedules stay no-ops), the named targets back to `pending` with a fresh
budget of attempts, and the publisher is invoked at once.
"""

from __future__ import annotations

from datetime import timedelta

from chalicelib import scheduling
from chalicelib.errors import Conflict
from chalicelib.settings import get_settings
from chalicelib.store import posts as store
from chalicelib.store.base import iso, utcnow

RETRYABLE = ("failed", "unconfirmed")


def reopen_targets(
    workspace_id: str,
    post_id: str,
    account_ids: list[str] | None = None,
    target_ids: list[str] | None = None,
) -> store.PostItem:
    """Publish again the failed and unconfirmed targets (all, or those named)."""
    for _ in range(5):
        item = store.get_or_404(workspace_id, post_id)
        chosen = [
            t
            for t in item.targets
            if t.status in RETRYABLE
            and (account_ids is None or t.account_id in account_ids)
            and (target_ids is None or t.target_id in target_ids)
        ]
        if not chosen:
            raise Conflict("The post has no failed or unconfirmed target to retry.")
        for target in chosen:
            target.status, target.attempts, target.error = "pending", 0, None
            target.retry_at = target.lease_until = target.attempt_id = None
        now = utcnow()
        item.status = "publishing"
        item.due_at = iso(now + timedelta(seconds=get_settings().publish_lease_seconds))
        item.updated_at = iso(now)
        read_version = int(item.version)
        try:
            store.save_version(item, read_version)
        except store.StaleVersion:
            continue  # a publisher wrote meanwhile: read again
        scheduling.invoke_now(
            {"workspace_id": workspace_id, "post_id": post_id, "version": item.version}
        )
        return item
    raise Conflict("The post kept changing while it was being retried; try again.")
