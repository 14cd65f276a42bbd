"""Reading what the app sent through SES in the in-process embedded AWS (moto)."""

from __future__ import annotations

import re

ACCEPT_LINK = re.compile(r"https?://\S+/invitations/(\S+)")


def sent_messages(to: str) -> list[str]:
    """The bodies of the emails sent to `to`, oldest first."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    backend = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    return [m.body for m in backend.sent_messages if to in m.destinations.get("ToAddresses", [])]


def accept_link_token(to: str) -> str:
    """The invitation token of the last invitation emailed to `to`."""
    return last_link(to, ACCEPT_LINK).group(1)


def last_link(to: str, link: re.Pattern[str]) -> re.Match[str]:
    """`link` in the last email to `to` that has one (others, such as the address's
    verification after a sign-up, may have come since)."""
    bodies = sent_messages(to)
    assert bodies, f"no email was sent to {to}"
    for body in reversed(bodies):
        if match := link.search(body):
            return match
    raise AssertionError(f"no email to {to} has {link.pattern}: {bodies}")
