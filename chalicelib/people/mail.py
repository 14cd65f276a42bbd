"""Outgoing email through SES. In the local stack each message is also logged, so the
links it carries can be followed from the dev server's output."""

from __future__ import annotations

from chalicelib.aws import client
from chalicelib.observability import logger
from chalicelib.settings import get_settings


def send_email(to: str, subject: str, text: str, links: dict[str, str] | None = None) -> None:
    settings = get_settings()
    client("ses").send_email(
        Source=settings.email_sender,
        Destination={"ToAddresses": [to]},
        Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": text}}},
    )
    if settings.is_local:
        # Links carry secrets: only the local stack prints them.
        logger.info("email sent", extra={"to": to, "subject": subject, "links": links or {}})
