"""OAuth states: what a connect started, kept server-side for 10 minutes, used once."""

from __future__ import annotations

import secrets
import time
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, DoesNotExist

from chalicelib.store.base import StoredModel, table_meta

STATE_TTL_SECONDS = 600


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
