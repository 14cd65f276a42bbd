"""Signing in with an identity another provider proved (OpenID Connect): the account it
belongs to, linked by the provider's subject, else by the verified email, else new.

The subject is reserved for its user with a claim item (as emails are), so a user who
changes their Schedulo email still signs in with Google. An existing account whose
address was never verified is taken over by the person the provider vouches for: its
password (which whoever signed up with that address chose) is removed and every session
ends, so nobody who registered someone else's address keeps a way in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pynamodb.exceptions import PutError

from chalicelib.auth.secrets import digest
from chalicelib.errors import Conflict
from chalicelib.people import throttle
from chalicelib.store.audit import audit_event, record_events
from chalicelib.store.base import iso, utcnow
from chalicelib.store.members import memberships_of
from chalicelib.store.users import (
    UserRecord,
    claim_condition,
    find_by_email,
    get_user,
)

if TYPE_CHECKING:
    from chalicelib.auth.oidc import OidcIdentity


def subject_key(issuer: str, subject: str) -> str:
    """The users-table key reserving an OpenID subject (issuer-scoped, as subjects are)."""
    return f"oidc#{digest(issuer)[:16]}#{subject}"


def account_for(identity: OidcIdentity, address: str | None) -> tuple[UserRecord, bool]:
    """The user the identity signs in as, and whether it was created now."""
    from chalicelib.people.identity import create_account
    from chalicelib.settings import get_settings

    key = subject_key(identity.issuer, identity.subject)
    linked = _claimed_by(key)
    if linked is not None:
        return linked, False
    user = find_by_email(identity.email)
    if user is not None:
        return _link(user, identity, key), False
    throttle.count_sign_up(address, get_settings().signups_per_address)
    try:
        user, _ = create_account(
            identity.email, identity.name[:100], "UTC", None, iso(utcnow()), claims=(key,)
        )
    except Conflict:  # the same person, twice at once (or the address just signed up)
        again = _claimed_by(key) or find_by_email(identity.email)
        if again is None:
            raise
        return again, False
    return user, True


def _claimed_by(key: str) -> UserRecord | None:
    try:
        claim = UserRecord.get(key, consistent_read=True)
    except UserRecord.DoesNotExist:
        return None
    return get_user(claim.claimed_by, consistent=True) if claim.claimed_by else None


def _link(user: UserRecord, identity: OidcIdentity, key: str) -> UserRecord:
    try:
        UserRecord(key, claimed_by=user.user_id).save(condition=claim_condition())
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
    now = iso(utcnow())
    if not user.email_verified_at:
        UserRecord(user.user_id).update(
            [
                UserRecord.password_hash.remove(),
                UserRecord.token_generation.add(1),
                UserRecord.email_verified_at.set(now),
            ],
            condition=UserRecord.email == identity.email,
        )
        _audit(user.user_id, "user.unverified_account_claimed")
    _audit(user.user_id, f"user.linked_{identity.provider}")
    linked = get_user(user.user_id, consistent=True)
    assert linked is not None  # it was just written
    return linked


def _audit(user_id: str, action: str) -> None:
    record_events(
        [audit_event(m.workspace_id, action, actor=user_id) for m in memberships_of(user_id)]
    )
