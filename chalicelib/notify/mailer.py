"""Sending an email through SES: one MIME message with the text and HTML parts
(SendRawEmail, so that the List-Unsubscribe headers go too), sent with the configuration
set whose bounces and complaints come back (feedback.py), never to a suppressed address.

Suppression: after a permanent bounce nothing is sent to the address (the mailbox does not
exist; a password reset would bounce again and harm the sender's reputation, and its
owner could not read it anyway). After a complaint only what the person has just asked for
(a verification, reset or change-of-address link) still goes.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr

from chalicelib.notify.templates import Email
from chalicelib.observability import logger


def build_mime(to: str, email: Email, unsubscribe_url: str | None = None) -> bytes:
    from chalicelib.settings import get_settings

    message = EmailMessage()
    message["From"] = formataddr(("Schedulo", get_settings().email_sender))
    message["To"] = to
    message["Subject"] = email.subject
    if unsubscribe_url:
        # RFC 8058: the URI takes a POST of "List-Unsubscribe=One-Click", no sign-in.
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    return message.as_bytes(policy=SMTP)


def deliver(to: str, email: Email, unsubscribe_url: str | None = None) -> bool:
    """Send `email` to `to`; False (and nothing sent) when the address is suppressed."""
    from chalicelib.aws import client
    from chalicelib.settings import get_settings
    from chalicelib.store.email import suppression

    suppressed = suppression(to)
    if suppressed and not (email.requested and suppressed.get("reason") == "complaint"):
        logger.info(
            "email not sent: address suppressed",
            extra={"reason": suppressed.get("reason"), "subject": email.subject},
        )
        return False
    settings = get_settings()
    request = {
        "Source": settings.email_sender,
        "Destinations": [to],
        "RawMessage": {"Data": build_mime(to, email, unsubscribe_url)},
    }
    if settings.email_configuration_set and not settings.is_local:
        request["ConfigurationSetName"] = settings.email_configuration_set
    client("ses").send_raw_email(**request)
    if settings.is_local:
        # Links carry secrets: only the local stack prints them.
        logger.info("email sent", extra={"to": to, "subject": email.subject, "links": email.links})
    return True
