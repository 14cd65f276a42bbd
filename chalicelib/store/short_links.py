"""Short links: one item per code, naming the workspace, post and network it was made for.

The table is keyed by code because the public redirect knows nothing else; every other
call takes the workspace id, and a workspace reads only its own items (post-index)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.store.base import iso, table_meta, utcnow
from chalicelib.store.model import StoredModel


class PostIndex(GlobalSecondaryIndex["ShortLinkItem"]):
    class Meta:
        index_name = "post-index"
        projection = AllProjection()

    workspace_id = UnicodeAttribute(hash_key=True)
    post_id = UnicodeAttribute(range_key=True)


class ShortLinkItem(StoredModel):
    Meta = table_meta("short_links")

    code = UnicodeAttribute(hash_key=True)
    workspace_id = UnicodeAttribute()
    post_id = UnicodeAttribute()
    network = UnicodeAttribute()
    target_url = UnicodeAttribute()  # absolute, tagged when tagging was on
    clicks = NumberAttribute(default=0)
    created_at = UnicodeAttribute()
    last_clicked_at = UnicodeAttribute(null=True)

    post_index = PostIndex()


def claim(workspace_id: str, post_id: str, network: str, code: str, target_url: str) -> bool:
    """Store `code` for this link, or find it already stored for the very same link (a
    retried publish); False when another link holds the code."""
    item = ShortLinkItem(
        code,
        workspace_id=workspace_id,
        post_id=post_id,
        network=network,
        target_url=target_url,
        created_at=iso(utcnow()),
    )
    try:
        item.save(condition=ShortLinkItem.code.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        # Stored before (its clicks kept): by this very link, or by another one.
        try:
            held = ShortLinkItem.get(code, consistent_read=True)
        except ShortLinkItem.DoesNotExist:
            return False
        return (held.workspace_id, held.post_id, held.network, held.target_url) == (
            workspace_id,
            post_id,
            network,
            target_url,
        )
    return True


def click(code: str) -> ShortLinkItem | None:
    """Count one click (atomically) and return the link; None for an unknown code."""
    item = ShortLinkItem(code)
    try:
        item.update(
            actions=[
                ShortLinkItem.clicks.add(1),
                ShortLinkItem.last_clicked_at.set(iso(utcnow())),
            ],
            condition=ShortLinkItem.code.exists(),
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    return item


def peek(code: str) -> ShortLinkItem | None:
    """The link, no click counted."""
    try:
        return ShortLinkItem.get(code)
    except ShortLinkItem.DoesNotExist:
        return None


def links_of_post(workspace_id: str, post_id: str) -> list[ShortLinkItem]:
    return list(ShortLinkItem.post_index.query(workspace_id, ShortLinkItem.post_id == post_id))
