"""OAuth states: what a connect started, kept server-side for 10 minutes, used once.

A grant that offers several identities (Facebook pages, LinkedIn organisations) waits
here for the user's choice as a record whose `extra` holds the offered `identities`; such
records carry `pending_owner` (workspace and user), the key of the sparse `pending-index`
through which the Accounts page lists the connections still waiting to be finished.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, DoesNotExist
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection

from chalicelib.store.base import table_meta
from chalicelib.store.model import StoredModel

STATE_TTL_SECONDS = 600


class ByPendingOwner(GlobalSecondaryIndex):
    class Meta:
        index_name = "pending-index"
        projection = KeysOnlyProjection()  # the sealed tokens stay in the table only

    pending_owner = UnicodeAttribute(hash_key=True)


def _owner(workspace_id: str, user_id: str) -> str:
    return f"{workspace_id}#{user_id}"


class OAuthStateItem(StoredModel):
    Meta = table_meta("oauth_state")

    state = UnicodeAttribute(hash_key=True)
    workspace_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    network = UnicodeAttribute()
    code_verifier = UnicodeAttribute(null=True)
    redirect_to = UnicodeAttribute(null=True)
    extra = JSONAttribute(default=dict)
    expires_at = NumberAttribute()
    ttl = NumberAttribute()  # DynamoDB removes the item some time after this
    pending_owner = UnicodeAttribute(null=True)  # set on choices of identities only
    by_pending_owner = ByPendingOwner()


def create(
    workspace_id: str,
    user_id: str,
    network: str,
    code_verifier: str | None,
    redirect_to: str | None,
    extra: dict[str, Any] | None = None,
) -> OAuthStateItem:
    now = int(time.time())
    item = OAuthStateItem(
        state=secrets.token_urlsafe(32),
        workspace_id=workspace_id,
        user_id=user_id,
        network=network,
        code_verifier=code_verifier,
        redirect_to=redirect_to,
        extra=extra or {},
        expires_at=now + STATE_TTL_SECONDS,
        ttl=now + STATE_TTL_SECONDS,
        pending_owner=_owner(workspace_id, user_id) if "identities" in (extra or {}) else None,
    )
    item.save(condition=OAuthStateItem.state.does_not_exist())
    return item


def peek(state: str) -> OAuthStateItem | None:
    """The live record of `state` without using it up."""
    try:
        item = OAuthStateItem.get(state, consistent_read=True)
    except DoesNotExist:
        return None
    return item if item.expires_at >= time.time() else None


def consume(state: str) -> OAuthStateItem | None:
    """The state's record, deleted as it is read: a replayed state finds nothing.

    Expired records are refused too (DynamoDB's TTL deletion lags by hours).
    """
    try:
        item = OAuthStateItem.get(state, consistent_read=True)
    except DoesNotExist:
        return None
    try:
        # Conditional delete: of two concurrent callbacks with one state, one wins.
        item.delete(condition=OAuthStateItem.state.exists())
    except DeleteError:
        return None
    if item.expires_at < time.time():
        return None
    return item


def pending_of(workspace_id: str, user_id: str, limit: int = 20) -> list[OAuthStateItem]:
    """This user's live choices of identities in this workspace, newest first.

    The index is read eventually (a choice made a moment ago may be missing); each record
    is then read consistently, so a used or expired one is never listed.
    """
    keys = OAuthStateItem.by_pending_owner.query(_owner(workspace_id, user_id), limit=limit)
    found = [peek(key.state) for key in keys]
    live = [item for item in found if item is not None and item.pending_owner]
    return sorted(live, key=lambda item: -item.expires_at)
