"""What each kind of email says, in the one layout (templates.py)."""

from __future__ import annotations

from chalicelib.domain.emails import SECURITY
from chalicelib.notify.templates import Action, Email, Footer, Section, layout

# The button of an account email, by the purpose of its link (people/email_links.py and
# people/invitations.py name them).
ACTION_LABELS = {
    "verify_email": "Confirm your email",
    "reset_password": "Reset your password",
    "change_email": "Confirm your new email",
    "accept": "Accept the invitation",
}
# Links the person just asked for: sent even after a complaint (never after a bounce).
REQUESTED = {"verify_email", "reset_password", "change_email"}
CATEGORY_NAMES = {
    "failures": "failed posts",
    "connections": "expiring or broken connections",
    "approvals": "approvals",
    "security": "security",
    "digest": "the digest",
}


def account_email(
    to: str, subject: str, text: str, links: dict[str, str] | None, workspace: str | None
) -> Email:
    """An email written as plain text by its sender (verification, reset, change of
    address, invitation): its first link becomes the button, its other lines paragraphs."""
    purpose, url = next(iter((links or {}).items()), ("", ""))
    paragraphs = [p.strip() for p in text.strip().split("\n\n") if p.strip()]
    action = None
    before: list[str] = []
    after: list[str] = []
    for paragraph in paragraphs:
        if url and paragraph.endswith(url) and action is None:
            lead = paragraph[: -len(url)].strip().rstrip(":").strip()
            if lead:
                before.append(lead)
            action = Action(ACTION_LABELS.get(purpose, "Open"), url)
        elif action is None:
            before.append(paragraph)
        else:
            after.append(paragraph)
    if action is not None and before and before[-1].endswith(":"):
        before[-1] = before[-1][:-1] + "."  # it led to the link, which is the button now
    reason = (
        f"You were invited to {workspace} on Schedulo at {to}."
        if workspace
        else f"This email is about the Schedulo account of {to}."
    )
    email = layout(
        subject=subject,
        heading=subject,
        paragraphs=before,
        action=action,
        after_action=after,
        workspace=workspace,
        footer=Footer(reason=reason),
        category=None,
        requested=purpose in REQUESTED,
    )
    return Email(**{**email.__dict__, "links": dict(links or {})})


def notification_email(
    *,
    workspace: str,
    category: str | None,
    title: str,
    message: str,
    url: str,
    preferences_url: str,
    unsubscribe_url: str | None,
) -> Email:
    """An event a member chose to hear of at once (a failed post, a broken connection,
    an approval, a security event)."""
    if category == SECURITY:
        reason = f"Security emails about {workspace} cannot be turned off."
    elif category is None:
        reason = f"Owners and admins of {workspace} receive emails about its plan and payments."
    else:
        reason = f"You get emails about {CATEGORY_NAMES[category]} in {workspace}."
    return layout(
        subject=f"{title} · {workspace}",
        heading=title,
        paragraphs=[message],
        action=Action("Open in Schedulo", url),
        workspace=workspace,
        footer=Footer(
            reason=reason,
            preferences_url=preferences_url,
            unsubscribe_url=unsubscribe_url,
            unsubscribe_label=f"Unsubscribe from {CATEGORY_NAMES.get(category or '', '')} emails",
        ),
        category=category,
    )


def digest_email(
    *,
    workspace: str,
    frequency: str,
    headline: str,
    sections: list[Section],
    url: str,
    preferences_url: str,
    unsubscribe_url: str,
) -> Email:
    period = "week" if frequency == "weekly" else "day"
    title = f"Your {frequency} digest"
    return layout(
        subject=f"{title} · {workspace}",
        heading=f"{workspace}: your {period} on Schedulo",
        paragraphs=[headline],
        action=Action("Open the calendar", url),
        sections=sections,
        workspace=workspace,
        footer=Footer(
            reason=f"You get a {frequency} digest of {workspace}.",
            preferences_url=preferences_url,
            unsubscribe_url=unsubscribe_url,
            unsubscribe_label="Unsubscribe from the digest",
        ),
        category="digest",
    )


def security_email(*, to: str, title: str, message: str, url: str) -> Email:
    """A security event of the account at `to` (people/security.py): not about one
    workspace, and never unsubscribed from."""
    return layout(
        subject=f"{title} · Schedulo",
        heading=title,
        paragraphs=[message],
        action=Action("Review your account", url),
        footer=Footer(
            reason=f"Security emails about the Schedulo account of {to} cannot be turned off."
        ),
        category=SECURITY,
    )
