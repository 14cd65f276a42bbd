"""What the local stack needs besides the template: SES identity, secrets, an operator."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.settings import Settings


def seed(session: Any, endpoint: str | None, settings: Settings) -> None:
    ses = session.client("ses", endpoint_url=endpoint)
    ses.verify_email_identity(EmailAddress=settings.email_sender)
    seed_network_credentials(session.client("secretsmanager", endpoint_url=endpoint), settings)


def seed_network_credentials(secretsmanager: Any, settings: Settings) -> None:
    """The sandbox's client id and secret for every network (any value works there), in
    the app's secret of keys, as `make deploy NETWORK_CREDENTIALS=...` puts them."""
    from chalicelib.networks.registry import NETWORK_IDS

    name = settings.keys_secret_name
    keys = json.loads(secretsmanager.get_secret_value(SecretId=name)["SecretString"])
    keys["networks"] = {
        network: {
            "client_id": f"sandbox-{network}-client",
            "client_secret": f"sandbox-{network}-secret",
        }
        for network in NETWORK_IDS
    }
    secretsmanager.put_secret_value(SecretId=name, SecretString=json.dumps(keys))


OPERATOR_USER_ID = "u_local_operator"
OPERATOR_EMAIL = "operator@schedulo.local"


def seed_operator() -> str | None:
    """The local stack's operator (the admin endpoints): a user with a fixed id, named in
    SCHEDULO_OPERATOR_USER_IDS by the stack, and a new password on every start (printed by
    `make dev`). Returns the password. The app's settings must point at the embedded AWS.

    If someone already signed up with the operator's address (kept state), that account
    stays as it is and gets no operator rights (operators are named by id, not email);
    there is no local operator then (None)."""
    import secrets

    from pynamodb.exceptions import TransactWriteError

    from chalicelib.auth.passwords import hash_password
    from chalicelib.store.base import iso, utcnow
    from chalicelib.store.transactions import transaction
    from chalicelib.store.users import UserRecord, email_claim, get_user

    password = secrets.token_urlsafe(12)
    existing = get_user(OPERATOR_USER_ID, consistent=True)
    user = UserRecord(
        OPERATOR_USER_ID,
        email=OPERATOR_EMAIL,
        name="Local operator",
        password_hash=hash_password(password),
        created_at=existing.created_at if existing else iso(utcnow()),
        token_generation=existing.token_generation if existing else None,
        # Operators must have a proven address; the local one's is the stack's own.
        email_verified_at=(existing.email_verified_at if existing else None) or iso(utcnow()),
    )
    claim = email_claim(OPERATOR_EMAIL, OPERATOR_USER_ID)
    try:
        with transaction() as write:
            write.save(
                claim,
                condition=UserRecord.user_id.does_not_exist()
                | (UserRecord.claimed_by == OPERATOR_USER_ID),
            )
            write.save(user)
    except TransactWriteError:
        print(f"no local operator: {OPERATOR_EMAIL} belongs to another account of the kept state")
        return None
    return password
