"""Run analytics collection at once, for the local stack only (`make dev` and the tests):
`POST /_local/analytics/collect {"workspace_id"}` on the local API server answers what
`collect_due(workspace_id=..., force=True)` and the workspace's followers run did.
Deployed, collection runs only from its schedules; this route exists nowhere else."""

from __future__ import annotations

import json
from typing import Any


def collect_now(body: bytes) -> tuple[int, dict[str, Any]]:
    from chalicelib.analytics.collection import collect_due, collect_followers

    try:
        workspace_id = json.loads(body or b"{}").get("workspace_id")
    except (ValueError, AttributeError):
        workspace_id = None
    if not isinstance(workspace_id, str) or not workspace_id:
        return 422, {"error": {"code": "validation_error", "message": "workspace_id is required"}}
    refreshes = collect_due(workspace_id=workspace_id, force=True).as_dict()
    followers = collect_followers(workspace_id=workspace_id).as_dict()
    return 200, {"refreshes": refreshes, "followers": followers}
