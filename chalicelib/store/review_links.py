"""Client review links: one item per link, kept until 30 days after it expires (TTL).
Every call takes the workspace id."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.store.base import table_meta
from chalicelib.store.model import StoredModel

KEEP_AFTER_EXPIRY_SECONDS = 30 * 86400


class ReviewLinkItem(StoredModel):
    Meta = table_meta("review_links")

    workspace_id = UnicodeAttribute(hash_key=True)
    link_id = UnicodeAttribute(range_key=True)
    post_id = UnicodeAttribute()
    label = UnicodeAttribute(null=True)  # who it is for ("Acme's marketing team")
    expires_at = UnicodeAttribute()  # UTC ISO-8601 with Z
    expires_epoch = NumberAttribute()  # the same instant, signed into the token
    revoked_at = UnicodeAttribute(null=True)
    revoked_by = UnicodeAttribute(null=True)
    last_opened_at = UnicodeAttribute(null=True)
    decisions = NumberAttribute(default=0)
    created_by = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    ttl = NumberAttribute()


def create_link(item: ReviewLinkItem) -> ReviewLinkItem:
    item.save(condition=ReviewLinkItem.link_id.does_not_exist())
    return item


def get_link(workspace_id: str, link_id: str) -> ReviewLinkItem | None:
    try:
        return ReviewLinkItem.get(workspace_id, link_id, consistent_read=True)
    except DoesNotExist:
        return None


def links_of_post(workspace_id: str, post_id: str) -> list[ReviewLinkItem]:
    return list(
        ReviewLinkItem.query(
            workspace_id,
            filter_condition=ReviewLinkItem.post_id == post_id,
            consistent_read=True,
        )
    )


def revoke_link(item: ReviewLinkItem, at: str, actor: str | None) -> bool:
    """Mark revoked (once); False when it already was or is gone."""
    try:
        item.update(
            actions=[
                ReviewLinkItem.revoked_at.set(at),
                ReviewLinkItem.revoked_by.set(actor)
                if actor
                else ReviewLinkItem.revoked_by.remove(),
            ],
            condition=ReviewLinkItem.link_id.exists() & ReviewLinkItem.revoked_at.does_not_exist(),
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def note_use(item: ReviewLinkItem, at: str, decided: bool) -> None:
    """When it was last opened, and how many decisions came through it."""
    actions: list[Any] = [ReviewLinkItem.last_opened_at.set(at)]
    if decided:
        actions.append(ReviewLinkItem.decisions.add(1))
    try:
        item.update(actions=actions, condition=ReviewLinkItem.link_id.exists())
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
