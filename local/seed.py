"""What the local stack needs besides the template: SES identity, secrets."""

from __future__ import annotations

from typing import Any

from chalicelib.settings import Settings


def seed(session: Any, endpoint: str | None, settings: Settings) -> None:
    ses = session.client("ses", endpoint_url=endpoint)
    ses.verify_email_identity(EmailAddress=settings.email_sender)
