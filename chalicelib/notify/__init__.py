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


def notify_member(
    workspace_id: str,
    user_id: str,
    kind: str,
    title: str,
    message: str,
    link: str | None = None,
    subject_id: str | None = None,
) -> str:
    """Tell one member (e.g. someone mentioned): a notification only they see, and an
    e-mail to them alone; returns the notification id."""
    from chalicelib.store import notifications
    from chalicelib.store.members import get_member

    item = notifications.create(
        workspace_id, kind, title, message, link, subject_id, recipient=user_id
    )
    member = get_member(workspace_id, user_id)
    try:
        if member is not None:
            send_email(workspace_id, title, message, link, to=[member.email])
    except Exception:  # an e-mail outage must not lose the in-app notification
        logger.exception("notification e-mail failed", extra={"kind": kind})
    return item.notification_id


def send_email(
    workspace_id: str, title: str, message: str, link: str | None, to: list[str] | None = None
) -> None:
    from chalicelib.aws import client
    from chalicelib.settings import get_settings
    from chalicelib.store.members import admin_emails

    recipients = to if to is not None else admin_emails(workspace_id)
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
