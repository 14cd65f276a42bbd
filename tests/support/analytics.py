"""Run analytics collection now, for tests: every planned refresh of the workspace (one
snapshot more per published target) and its accounts' followers of the day.

    collect_now(stack, workspace_id)  # the local stack as a process (browser, stack tests)
    collect_now(None, workspace_id)   # in this process (the in-process AWS and sandbox)

The stack's route (`POST /_local/analytics/collect`, local/api_server.py) exists only in
the local stack. Each call takes one refresh step: call it again for the next snapshot.
"""

from __future__ import annotations

from typing import Any


def collect_now(stack: Any, workspace_id: str) -> dict[str, Any]:
    """What the run did: {"refreshes": {...}, "followers": {...}} (CollectionReport's)."""
    if stack is None:
        from chalicelib.analytics.collection import collect_due, collect_followers

        return {
            "refreshes": collect_due(workspace_id=workspace_id, force=True).as_dict(),
            "followers": collect_followers(workspace_id=workspace_id).as_dict(),
        }
    import requests

    answer = requests.post(
        f"{stack.url}/_local/analytics/collect", json={"workspace_id": workspace_id}, timeout=120
    )
    answer.raise_for_status()
    return answer.json()
