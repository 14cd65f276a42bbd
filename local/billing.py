"""End a workspace's sign-up trial at once, for the local stack only (`make dev` and the
browser tests): `POST /_local/billing/end-trial {"workspace_id"}` on the local API server.
The sign-up trial is Schedulo's own (no Stripe object, so the local Stripe's clock does not
reach it); deployed, it ends only with time. This route exists nowhere else."""

from __future__ import annotations

import json
import time
from typing import Any


def end_trial(body: bytes) -> tuple[int, dict[str, Any]]:
    from chalicelib.store import billing as store

    try:
        workspace_id = json.loads(body or b"{}").get("workspace_id")
    except (ValueError, AttributeError):
        workspace_id = None
    if not isinstance(workspace_id, str) or not workspace_id:
        return 422, {"error": {"code": "validation_error", "message": "workspace_id is required"}}
    sub = store.subscription(workspace_id)
    if sub is None or sub.subscription_id or sub.status != "trialing":
        return 409, {"error": {"code": "conflict", "message": "no sign-up trial to end"}}
    ended = int(time.time()) - 1
    sub.update([store.SubscriptionItem.trial_end.set(ended)])
    store.forget_recent(workspace_id)  # this process enforces the plan: at once, here
    return 200, {"workspace_id": workspace_id, "trial_end": ended}
