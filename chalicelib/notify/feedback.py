"""SES feedback (issue 23): bounce and complaint notifications, published by the
configuration set every email is sent with to the feedback topic (SNS), whose Lambda
subscriber is app.email_feedback.

A permanent bounce (the mailbox does not exist, or refuses everything) and a complaint
(the person marked an email as spam) suppress the address: mailer.deliver sends nothing
more to it (after a complaint, only links the person asks for), and the web app shows the
user a banner until they change their address or ask for email again. Transient and
undetermined bounces (a full mailbox, a server down) only get logged: SES already retried.

Both SES formats are read: notifications (`notificationType`) and event publishing
(`eventType`), with one or several recipients each, unknown fields ignored.
"""

from __future__ import annotations

import json
from email.utils import parseaddr
from typing import Any

from chalicelib.observability import logger


def handle_message(message: str) -> list[str]:
    """One SNS message's SES notification applied; the addresses it suppressed."""
    try:
        notification = json.loads(message)
    except ValueError:
        logger.warning("email feedback: not JSON, ignored")
        return []
    if not isinstance(notification, dict):
        return []
    # An SNS envelope delivered raw (an HTTPS subscription) carries it in "Message".
    if notification.get("Type") == "Notification" and isinstance(notification.get("Message"), str):
        return handle_message(notification["Message"])
    return apply(notification)


def apply(notification: dict[str, Any]) -> list[str]:
    from chalicelib.store.base import iso, utcnow
    from chalicelib.store.email import suppress

    kind = notification.get("notificationType") or notification.get("eventType")
    suppressed: list[str] = []
    if kind == "Bounce":
        bounce = notification.get("bounce") or {}
        if bounce.get("bounceType") != "Permanent":
            logger.info(
                "email feedback: soft bounce",
                extra={"type": bounce.get("bounceType"), "subtype": bounce.get("bounceSubType")},
            )
            return []
        for recipient in bounce.get("bouncedRecipients") or []:
            address = _address(recipient)
            if address:
                detail = recipient.get("diagnosticCode") or bounce.get("bounceSubType") or ""
                suppress(
                    address,
                    {
                        "reason": "bounce",
                        "detail": str(detail)[:500],
                        "at": iso(utcnow()),
                        "feedback_id": bounce.get("feedbackId"),
                    },
                )
                suppressed.append(address)
    elif kind == "Complaint":
        complaint = notification.get("complaint") or {}
        for recipient in complaint.get("complainedRecipients") or []:
            address = _address(recipient)
            if address:
                suppress(
                    address,
                    {
                        "reason": "complaint",
                        "detail": str(complaint.get("complaintFeedbackType") or "")[:100],
                        "at": iso(utcnow()),
                        "feedback_id": complaint.get("feedbackId"),
                    },
                )
                suppressed.append(address)
    if suppressed:
        logger.info("email feedback: suppressed", extra={"kind": kind, "count": len(suppressed)})
    return suppressed


def _address(recipient: Any) -> str | None:
    if not isinstance(recipient, dict):
        return None
    _, address = parseaddr(str(recipient.get("emailAddress") or ""))
    return address.strip().lower() or None
