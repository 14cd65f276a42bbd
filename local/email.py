"""Send a member's armed digest now, for the local stack only (`make dev` and the browser
tests): `POST /_local/email/digest-now {"workspace_id", "user_id"}` on the local API
server invokes the digest function with the armed schedule's own input, as the scheduler
emulator does at its time (08:00 in the member's zone); that invocation arms the next one
and the emulator skips this morning's. This route exists nowhere else."""

from __future__ import annotations

import json
from typing import Any


def digest_now(body: bytes) -> tuple[int, dict[str, Any]]:
    from chalicelib.aws import client
    from chalicelib.notify.digest import handle
    from chalicelib.scheduling import digest_prefix
    from chalicelib.settings import get_settings

    try:
        asked = json.loads(body or b"{}")
        workspace_id, user_id = str(asked["workspace_id"]), str(asked["user_id"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return 422, {"error": {"code": "validation_error", "message": "workspace_id and user_id"}}
    scheduler = client("scheduler")
    group = get_settings().schedule_group
    listed = scheduler.list_schedules(
        GroupName=group, NamePrefix=digest_prefix(workspace_id, user_id)
    )["Schedules"]
    if not listed:
        return 409, {"error": {"code": "conflict", "message": "no digest is armed"}}
    schedule = scheduler.get_schedule(GroupName=group, Name=listed[0]["Name"])
    return 200, handle(json.loads(schedule["Target"]["Input"]))
