"""The links sent by email to prove an address (verify it, reset a password, move the
account to a new one): each is
stored by its secret's digest in the users table, spent at most once, and refused after
its expiry (the table's TTL removes those never used)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError

from chalicelib.store.base import table_meta
from chalicelib.store.model import StoredModel

_LINK = "link#"


class EmailLinkRecord(StoredModel):
    Meta = table_meta("users")

    user_id = UnicodeAttribute(hash_key=True)  # "link#<the secret's digest>"
    purpose = UnicodeAttribute()
    owner = UnicodeAttribute()  # the user the link acts for
    sent_to = UnicodeAttribute()  # the address it proves (not `email`: that one is indexed)
    expires_at = NumberAttribute()  # epoch seconds
    ttl = NumberAttribute()


def save_link(secret_digest: str, purpose: str, owner: str, sent_to: str, expires_at: int) -> None:
    EmailLinkRecord(
        f"{_LINK}{secret_digest}",
        purpose=purpose,
        owner=owner,
        sent_to=sent_to,
        expires_at=expires_at,
        ttl=expires_at + 24 * 3600,
    ).save()


def link_key(secret_digest: str) -> str:
    return f"{_LINK}{secret_digest}"


def find_link(secret_digest: str, purpose: str, now: int) -> EmailLinkRecord | None:
    """The link, still unspent, of this purpose and unexpired (not spent by reading it:
    the caller deletes it in its own transaction)."""
    try:
        link = EmailLinkRecord.get(link_key(secret_digest), consistent_read=True)
    except EmailLinkRecord.DoesNotExist:
        return None
    if link.purpose != purpose or link.expires_at <= now:
        return None
    return link


def spend_link(secret_digest: str, purpose: str, now: int) -> EmailLinkRecord | None:
    """The link, deleted as it is read: None when it is unknown, for another purpose,
    expired, or spent already (two requests at once: one of them gets it)."""
    try:
        link = EmailLinkRecord.get(f"{_LINK}{secret_digest}", consistent_read=True)
    except EmailLinkRecord.DoesNotExist:
        return None
    if link.purpose != purpose or link.expires_at <= now:
        return None
    try:
        link.delete(condition=EmailLinkRecord.user_id.exists())
    except DeleteError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    return link
