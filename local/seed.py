"""What the local stack needs besides the template: SES identity, secrets."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.settings import Settings


def seed(session: Any, endpoint: str | None, settings: Settings) -> None:
    ses = session.client("ses", endpoint_url=endpoint)
    ses.verify_email_identity(EmailAddress=settings.email_sender)
    seed_network_credentials(session.client("secretsmanager", endpoint_url=endpoint), settings)


def seed_network_credentials(secretsmanager: Any, settings: Settings) -> None:
    """The sandbox's client id and secret for every network (any value works there)."""
    from chalicelib.networks.registry import NETWORK_IDS

    for network in NETWORK_IDS:
        secret = {
            "client_id": f"sandbox-{network}-client",
            "client_secret": f"sandbox-{network}-secret",
        }
        secretsmanager.create_secret(
            Name=f"schedulo-{settings.stage}/networks/{network}", SecretString=json.dumps(secret)
        )
