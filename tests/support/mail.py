"""Reading what the app sent through SES in the in-process embedded AWS (moto)."""

from __future__ import annotations

import email
import re
from email.message import EmailMessage
from email.policy import default

ACCEPT_LINK = re.compile(r"https?://\S+/invitations/(\S+)")


def sent_messages(to: str) -> list[str]:
    """The text parts of the emails sent to `to`, oldest first."""
    return [text_part(m) for m in sent_mime(to)]


def sent_mime(to: str) -> list[EmailMessage]:
    """The emails sent to `to` as MIME messages (headers, text and HTML parts), oldest
    first. The app sends raw MIME (SendRawEmail); moto keeps it as it came."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import RawMessage, ses_backends

    backend = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    found = []
    for m in backend.sent_messages:
        if isinstance(m, RawMessage):
            if to in m.destinations:
                found.append(parse_mime(m.raw_data))
        elif to in m.destinations.get("ToAddresses", []):
            legacy = EmailMessage()
            legacy["Subject"] = m.subject
            legacy.set_content(m.body)
            found.append(legacy)
    return found


def parse_mime(raw: str) -> EmailMessage:
    message = email.message_from_string(raw, policy=default)
    assert isinstance(message, EmailMessage)
    return message


def text_part(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None, "an email without a text part"
    return str(body.get_content()).replace("\r\n", "\n")


def html_part(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("html",))
    assert body is not None, "an email without an HTML part"
    return str(body.get_content()).replace("\r\n", "\n")


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
