"""A post still waiting for approval at its time is never published: it expires.

Its expiry schedule (`post-<id>-v<version>-expire`, see `scheduling.arm_expiry`) invokes
the publisher with `{workspace_id, post_id, version, action: "expire"}`; like a publish,
nothing happens before the due second (a near one is waited for, a far one armed again)
and a stale version is a no-op. The sweeper expires what a schedule missed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.observability import logger


def handle_expiry(event: dict[str, Any]) -> dict[str, Any]:
    from chalicelib import scheduling
    from chalicelib.posts.approvals import expire
    from chalicelib.publishing import handler
    from chalicelib.store import posts as store

    ws, post_id, version = str(event["workspace_id"]), str(event["post_id"]), int(event["version"])
    item = store.get(ws, post_id)
    if item is None or int(item.version) != version or item.status != "pending_approval":
        outcome = "nothing to expire"
    elif item.scheduled_at is None:
        outcome = "no time: nothing to expire"
    else:
        due = datetime.fromisoformat(item.scheduled_at)
        remaining = (due - handler.clock()).total_seconds()
        if remaining > handler.WAIT_LIMIT.total_seconds():
            scheduling.arm_expiry(ws, post_id, version, due)
            outcome = f"invoked {remaining:.0f} s early: armed again"
        else:
            while remaining > 0:
                handler.sleep(remaining)
                remaining = (due - handler.clock()).total_seconds()
            outcome = expire(ws, post_id, version, handler.clock())
    logger.info("post expiry", extra={"post_id": post_id, "version": version, "outcome": outcome})
    return {"status": outcome}
