"""Email (issue 23): the `email` table, one item per key.

- `prefs#<workspace_id>#<user_id>`: a member's notification preferences in a workspace,
  and the digest's state (its schedule's version, when it last went);
- `suppressed#<address>`: an address SES reported as bouncing or complaining: nothing
  more is sent to it.

Preferences belong to a workspace (every call takes its id); a suppression belongs to an
address, whoever's it is, as SES's own suppression list does.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from chalicelib.store.base import table_meta
from chalicelib.store.model import StoredModel


class EmailItem(StoredModel):
    Meta = table_meta("email")

    pk = UnicodeAttribute(hash_key=True)
    # prefs: {"immediate": {category: bool}, "digest": "daily"|"weekly"|"off", "timezone"}
    # suppressed: {"reason": "bounce"|"complaint", "detail", "at", "feedback_id"}
    document = JSONAttribute(null=True)
    # prefs: the digest schedule's version (a schedule of an older one is a no-op)
    digest_version = NumberAttribute(null=True)
    digest_last_sent = UnicodeAttribute(null=True)


def _prefs_key(workspace_id: str, user_id: str) -> str:
    return f"prefs#{workspace_id}#{user_id}"


def _suppressed_key(address: str) -> str:
    return f"suppressed#{address.strip().lower()}"


def get_preferences(workspace_id: str, user_id: str) -> EmailItem | None:
    try:
        return EmailItem.get(_prefs_key(workspace_id, user_id))
    except DoesNotExist:
        return None


def get_many_preferences(workspace_id: str, user_ids: list[str]) -> dict[str, EmailItem]:
    """Each member's preferences item (those that have one), in one BatchGetItem."""
    keys = [_prefs_key(workspace_id, u) for u in dict.fromkeys(user_ids)]
    found = {item.pk: item for item in EmailItem.batch_get(keys)} if keys else {}
    return {
        u: found[_prefs_key(workspace_id, u)]
        for u in user_ids
        if _prefs_key(workspace_id, u) in found
    }


def save_preferences(workspace_id: str, user_id: str, document: dict[str, Any]) -> int:
    """Store the preferences; the digest's version goes up (the armed schedule of the
    previous one becomes stale). Returns the new version."""
    item = EmailItem(_prefs_key(workspace_id, user_id))
    item.update(
        actions=[
            EmailItem.document.set(document),
            EmailItem.digest_version.add(1),
        ]
    )
    return int(item.digest_version or 1)


def mark_digest_sent(workspace_id: str, user_id: str, version: int, at: str) -> bool:
    """Record that the digest of `version` went at `at`; False when the preferences
    changed meanwhile (another version is armed)."""
    from pynamodb.exceptions import UpdateError

    item = EmailItem(_prefs_key(workspace_id, user_id))
    try:
        item.update(
            actions=[EmailItem.digest_last_sent.set(at)],
            condition=EmailItem.digest_version == version,
        )
    except UpdateError:
        return False
    return True


def suppress(address: str, document: dict[str, Any]) -> None:
    EmailItem(_suppressed_key(address), document=document).save()


def suppression(address: str) -> dict[str, Any] | None:
    try:
        item = EmailItem.get(_suppressed_key(address), consistent_read=True)
    except DoesNotExist:
        return None
    return dict(item.document or {})


def lift_suppression(address: str) -> None:
    EmailItem(_suppressed_key(address)).delete()
