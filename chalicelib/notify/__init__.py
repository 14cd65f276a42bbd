"""Telling people what needs them: an in-app notification and an e-mail to the
workspace's owners and admins (SES)."""

from __future__ import annotations

from chalicelib.observability import logger


def notify(
    workspace_id: str,
    kind: str,
    title: str,
    message: str,
    link: str | None = None,
    subject_id: str | None = None,
) -> str:
    """Record a notification and e-mail it; returns the notification id."""
    from chalicelib.store import notifications

    item = notifications.create(workspace_id, kind, title, message, link, subject_id)
    try:
        send_email(workspace_id, title, message, link)
    except Exception:  # an e-mail outage must not lose the in-app notification
        logger.exception("notification e-mail failed", extra={"kind": kind})
    return item.notification_id


def send_email(workspace_id: str, title: str, message: str, link: str | None) -> None:
    from chalicelib.aws import client
    from chalicelib.settings import get_settings
    from chalicelib.store.members import admin_emails

    recipients = admin_emails(workspace_id)
    if not recipients:
        return
    settings = get_settings()
    url = f"{settings.frontend_origin}{link}" if link else settings.frontend_origin
    client("ses").send_email(
        Source=settings.email_sender,
        Destination={"ToAddresses": recipients},
        Message={
            "Subject": {"Data": f"Schedulo: {title}"},
            "Body": {"Text": {"Data": f"{message}\n\n{url}\n"}},
        },
    )
