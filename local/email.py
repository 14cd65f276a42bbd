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


def feedback_now(body: bytes) -> tuple[int, dict[str, Any]]:
    """`POST /_local/email/feedback {"address", "kind": "bounce" | "complaint"}`: what SES
    would publish to the feedback topic, handed to the app's subscriber (moto delivers no
    SNS message to a Lambda), so the bounced-address banner can be seen locally."""
    from chalicelib.notify.feedback import handle_message

    try:
        asked = json.loads(body or b"{}")
        address, kind = str(asked["address"]), str(asked.get("kind") or "bounce")
    except (ValueError, KeyError, TypeError, AttributeError):
        return 422, {"error": {"code": "validation_error", "message": "address is required"}}
    if kind not in ("bounce", "complaint"):
        return 422, {"error": {"code": "validation_error", "message": "kind: bounce or complaint"}}
    return 200, {"suppressed": handle_message(json.dumps(ses_notification(address, kind)))}


def ses_notification(address: str, kind: str) -> dict[str, Any]:
    """A notification shaped as SES documents it (notificationType format)."""
    from datetime import UTC, datetime

    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    mail = {
        "timestamp": now,
        "source": "no-reply@schedulo.local",
        "messageId": "local-feedback",
        "destination": [address],
    }
    if kind == "complaint":
        return {
            "notificationType": "Complaint",
            "complaint": {
                "complainedRecipients": [{"emailAddress": address}],
                "complaintFeedbackType": "abuse",
                "timestamp": now,
                "feedbackId": "local-feedback",
            },
            "mail": mail,
        }
    return {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [
                {
                    "emailAddress": address,
                    "status": "5.1.1",
                    "action": "failed",
                    "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                }
            ],
            "timestamp": now,
            "feedbackId": "local-feedback",
        },
        "mail": mail,
    }
