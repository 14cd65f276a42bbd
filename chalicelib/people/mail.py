"""Outgoing account email (verification, reset, change of address, invitations), written
as plain text by its sender and sent in the one layout (chalicelib/notify)."""

from __future__ import annotations


def send_email(
    to: str,
    subject: str,
    text: str,
    links: dict[str, str] | None = None,
    workspace: str | None = None,
) -> None:
    from chalicelib.notify.mailer import deliver
    from chalicelib.notify.messages import account_email

    deliver(to, account_email(to, subject, text, links, workspace))
