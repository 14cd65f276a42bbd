"""Telling people what needs them: an in-app notification, and an email to each member
concerned who wants it (their preferences per category, store/email.py), in the one
layout (templates.py) with a one-click unsubscribe link (unsubscribe.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.observability import logger


def notify(
    workspace_id: str,
    kind: str,
    title: str,
    message: str,
    link: str | None = None,
    subject_id: str | None = None,
) -> str:
    """Record a notification and email it to the owners and admins; returns its id."""
    from chalicelib.store import notifications
    from chalicelib.store.members import list_members

    item = notifications.create(workspace_id, kind, title, message, link, subject_id)
    try:
        admins = [m for m in list_members(workspace_id) if m.role in ("owner", "admin")]
        email_members(workspace_id, admins, kind, title, message, link)
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
            email_members(workspace_id, [member], kind, title, message, link)
    except Exception:  # an e-mail outage must not lose the in-app notification
        logger.exception("notification e-mail failed", extra={"kind": kind})
    return item.notification_id


def notify_members(
    workspace_id: str,
    user_ids: list[str],
    kind: str,
    title: str,
    message: str,
    link: str | None = None,
    subject_id: str | None = None,
    members: Mapping[str, Any] | None = None,
) -> None:
    """`notify_member` for each of these members (those still members), written and
    mailed together: one write of their notifications (25 a request), one read of their
    e-mail preferences and of the workspace. `members` by user id, when the caller has
    read them (else they are read, once). An e-mail that fails loses no other."""
    from chalicelib.store import notifications
    from chalicelib.store.members import list_members
    from chalicelib.store.model import save_together

    wanted = list(dict.fromkeys(user_ids))
    if not wanted:
        return
    if members is None:
        members = {m.user_id: m for m in list_members(workspace_id)}
    items = [
        notifications.new(workspace_id, kind, title, message, link, subject_id, recipient=u)
        for u in wanted
    ]
    for start in range(0, len(items), 25):
        save_together(items[start : start + 25])
    found = [members[u] for u in wanted if u in members]
    try:
        email_members(workspace_id, found, kind, title, message, link, each_apart=True)
    except Exception:  # an e-mail outage must not lose the in-app notifications
        logger.exception("notification e-mail failed", extra={"kind": kind})


def email_members(
    workspace_id: str,
    members: list[Any],
    kind: str,
    title: str,
    message: str,
    link: str | None,
    each_apart: bool = False,
) -> int:
    """Email each member who wants this kind at once; returns how many were sent. With
    `each_apart`, one that fails (logged) does not stop the others."""
    from chalicelib.domain.emails import category_of, wants_immediate
    from chalicelib.notify import unsubscribe
    from chalicelib.notify.mailer import deliver
    from chalicelib.notify.messages import notification_email
    from chalicelib.settings import get_settings
    from chalicelib.store.email import get_many_preferences
    from chalicelib.store.workspaces import get_workspace

    if not members:
        return 0
    category = category_of(kind)
    preferences = get_many_preferences(workspace_id, [m.user_id for m in members])
    workspace = get_workspace(workspace_id)
    name = workspace.name if workspace else "your workspace"
    origin = get_settings().frontend_origin.rstrip("/")
    url = f"{origin}{link}" if link else f"{origin}/dashboard"
    sent = 0
    for member in members:
        stored = preferences.get(member.user_id)
        if not wants_immediate(stored.document if stored else None, category):
            continue
        token = (
            unsubscribe.make_token(workspace_id, member.user_id, category)
            if category not in (None, "security")
            else None
        )
        email = notification_email(
            workspace=name,
            category=category,
            title=title,
            message=message,
            url=url,
            preferences_url=f"{origin}/settings/notifications",
            unsubscribe_url=unsubscribe.page_url(token) if token else None,
        )
        try:
            if deliver(member.email, email, unsubscribe.one_click_url(token) if token else None):
                sent += 1
        except Exception:
            if not each_apart:
                raise
            logger.exception("notification e-mail failed", extra={"kind": kind})
    return sent
