"""Posts and their targets: one item per post, the targets inside it.

Keys: `workspace_id` + `post_id`; the `scheduled-index` GSI (workspace_id + scheduled_at)
serves the calendar and the queue, so listing never scans. A post waiting to go out also
carries `sweep_shard` + `due_at` (the sparse `sweep-index`) so the sweeper finds what needs
it, and `armed_version`, the version whose schedule exists: a post written but not armed
(the arming call failed) is one whose `armed_version` differs from its `version`. `due_at`
is when the sweeper should look at the post: its scheduled time once it is armed, but the
time of the write until then (`mark_armed` moves it), so a post whose arming failed is
found by the next sweep however far ahead it is due.

Every write of an existing post is conditional on the version the caller read, which is
the API's optimistic locking (409 on a stale version).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection

from chalicelib.store.base import iso, table_meta, utcnow
from chalicelib.store.model import StoredModel

SWEEP_SHARDS = 8  # the sweeper reads this many GSI partitions, so no one partition is hot
# Posts not yet on their way: their targets can still be cancelled or edited.
WAITING = ("scheduled", "approved", "pending_approval")


class StaleVersion(Exception):
    """The post changed since the caller read it (or is gone)."""


class StringList(ListAttribute[str]):
    """A list of strings, typed as one (PynamoDB's stubs type `of=` as the element type)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(of=UnicodeAttribute, **kwargs)  # type: ignore[arg-type]


class TargetAttribute(MapAttribute):
    target_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    network = UnicodeAttribute()
    # The account's network identity (its external id) when the post was written: the
    # publisher sends nothing if the account has become another identity since.
    account_external_id = UnicodeAttribute(null=True)
    text = UnicodeAttribute(null=True)  # the variant; None uses the post's text
    options = JSONAttribute(default=dict)
    status = UnicodeAttribute(default="pending")
    attempts = NumberAttribute(default=0)
    external_id = UnicodeAttribute(null=True)
    url = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    published_at = UnicodeAttribute(null=True)
    # The publisher's claim: which attempt holds the target, and until when.
    attempt_id = UnicodeAttribute(null=True)
    lease_until = UnicodeAttribute(null=True)
    retry_at = UnicodeAttribute(null=True)  # when a `retrying` target may be claimed again


class ScheduledIndex(GlobalSecondaryIndex["PostItem"]):
    class Meta:
        index_name = "scheduled-index"
        projection = AllProjection()

    workspace_id = UnicodeAttribute(hash_key=True)
    scheduled_at = UnicodeAttribute(range_key=True)


class SweepIndex(GlobalSecondaryIndex["PostItem"]):
    class Meta:
        index_name = "sweep-index"
        projection = KeysOnlyProjection()

    sweep_shard = UnicodeAttribute(hash_key=True)
    due_at = UnicodeAttribute(range_key=True)


class PostItem(StoredModel):
    Meta = table_meta("posts")

    workspace_id = UnicodeAttribute(hash_key=True)
    post_id = UnicodeAttribute(range_key=True)
    version = NumberAttribute(default=1)
    status = UnicodeAttribute(default="draft")
    text = UnicodeAttribute(default="")
    media_ids = StringList(default=list)
    first_comment = UnicodeAttribute(null=True)
    timezone = UnicodeAttribute(default="UTC")
    recurrence = UnicodeAttribute(null=True)
    # The wall time the series was anchored at (RRULE DTSTART), in `timezone`.
    series_start = UnicodeAttribute(null=True)
    scheduled_at = UnicodeAttribute(null=True)  # UTC ISO-8601 with Z; None for drafts
    targets: ListAttribute[TargetAttribute] = ListAttribute(of=TargetAttribute, default=list)
    # Denormalised for the calendar's filters (DynamoDB filters cannot look into maps).
    account_ids = StringList(default=list)
    networks = StringList(default=list)
    armed_version = NumberAttribute(null=True)
    # Bumped by every write of a target's outcome, so the post's status is only written
    # from a read that saw every outcome (see `settle_status`).
    progress = NumberAttribute(default=0)
    sweep_shard = UnicodeAttribute(null=True)
    due_at = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    # Its way through the workspace's approval policy (domain/approvals.ApprovalState),
    # None for a post that never needed approval.
    approval = JSONAttribute(null=True)
    # The workspace's link tracking when the post was last written (domain/utm.LinkTracking):
    # its links are published tagged as they were checked. None: links as written.
    link_tracking = JSONAttribute(null=True)
    # The month (YYYY-MM, the workspace's time zone) whose scheduled-posts counter counts
    # this post (chalicelib/billing/entitlements.py); None: counted nowhere.
    billed_month = UnicodeAttribute(null=True)
    # Where the post was written for us: {plan_id, item_id, month} of the content plan
    # (issue 24) whose item it is; None: written by a person.
    origin = JSONAttribute(null=True)
    # The version history's newest entry is the post itself (chalicelib/posts/versions.py):
    # the version its content was saved at (1 when created; an edit or restore sets the
    # version it writes), and for an edit who made it, when, and the kept version it
    # brought back. A version's row is written only when an edit replaces it. None: a post
    # written before (its rows hold every version kept). Short stored names: each write of
    # the post, its `scheduled-index` copy included, is billed by the item's size.
    content_version = NumberAttribute(null=True, attr_name="cv")
    content_by = UnicodeAttribute(null=True, attr_name="cb")
    content_at = UnicodeAttribute(null=True, attr_name="ca")
    restored_from = NumberAttribute(null=True, attr_name="rf")

    scheduled_index = ScheduledIndex()
    sweep_index = SweepIndex()

    def target(self, target_id: str) -> TargetAttribute | None:
        return next((t for t in self.targets if t.target_id == target_id), None)


def sweep_shard(post_id: str) -> str:
    return str(int(hashlib.sha256(post_id.encode()).hexdigest(), 16) % SWEEP_SHARDS)


def prepare(item: PostItem) -> PostItem:
    """Fill what is derived from the rest before a write: filters and the sweep keys."""
    item.account_ids = [target.account_id for target in item.targets]
    item.networks = sorted({target.network for target in item.targets})
    # A post pending approval is swept too: at its time it expires (never published).
    # A post whose every target is held (its accounts paused by the plan) is not swept:
    # nothing of it can go out until they are resumed.
    waiting = item.status in WAITING and item.scheduled_at is not None and not all_held(item)
    if item.status == "publishing":
        # On its way: the publisher set `due_at` to when the sweeper should look again.
        item.sweep_shard = sweep_shard(item.post_id)
        item.due_at = item.due_at or item.scheduled_at
        return item
    item.sweep_shard = sweep_shard(item.post_id) if waiting else None
    item.due_at = None
    if waiting and item.scheduled_at is not None:
        armed = item.armed_version is not None and item.armed_version == item.version
        # Not armed yet: the sweeper looks at it now (mark_armed moves it to its time).
        item.due_at = item.scheduled_at if armed else min(item.scheduled_at, iso(utcnow()))
    return item


def all_held(item: PostItem) -> bool:
    live = [t for t in item.targets if t.status != "cancelled"]
    return bool(live) and all(t.status == "held" for t in live)


def create(item: PostItem) -> PostItem:
    if item.content_version is None:
        item.content_version = int(item.version)
    prepare(item).save(condition=PostItem.post_id.does_not_exist())
    return item


def get(workspace_id: str, post_id: str) -> PostItem | None:
    try:
        return PostItem.get(workspace_id, post_id, consistent_read=True)
    except DoesNotExist:
        return None


def get_or_404(workspace_id: str, post_id: str) -> PostItem:
    """The post, or NotFound (a 404 in the API's error format)."""
    from chalicelib.errors import NotFound

    item = get(workspace_id, post_id)
    if item is None:
        raise NotFound("Post not found.")
    return item


def get_many(workspace_id: str, post_ids: Iterable[str]) -> dict[str, PostItem]:
    """The posts of these ids that exist, by id, read consistently in batches (100 a
    request) instead of a read each."""
    keys = [(workspace_id, post_id) for post_id in dict.fromkeys(post_ids)]
    if not keys:
        return {}
    return {item.post_id: item for item in PostItem.batch_get(keys, consistent_read=True)}


def progress_is(progress: int) -> Any:
    """No publisher outcome was written since `progress` was read."""
    condition = PostItem.progress == progress
    return condition | PostItem.progress.does_not_exist() if progress == 0 else condition


def save_version(item: PostItem, read_version: int) -> PostItem:
    """Write `item` as the version after `read_version`, if no one else wrote it since:
    not an edit (version), nor a publisher's outcome, which leaves the version alone and
    bumps `progress` (a whole-item write would otherwise undo it)."""
    unchanged = progress_is(int(item.progress or 0))
    item.version = read_version + 1
    try:
        prepare(item).save(condition=(PostItem.version == read_version) & unchanged)
    except PutError as error:
        if _conditional_failure(error):
            raise StaleVersion(item.post_id) from error
        raise
    return item


def mark_armed(workspace_id: str, post_id: str, version: int) -> bool:
    """Record that `version`'s schedule exists, and that the sweeper need not look at the
    post before its time; False when the post moved on meanwhile."""
    try:
        PostItem(workspace_id, post_id).update(
            actions=[
                PostItem.armed_version.set(version),
                PostItem.due_at.set(PostItem.scheduled_at),
            ],
            condition=(PostItem.version == version)
            & PostItem.status.is_in(*WAITING)
            & PostItem.scheduled_at.exists(),
        )
    except UpdateError as error:
        if _conditional_failure(error):
            return False
        raise
    return True


def delete(workspace_id: str, post_id: str, read_version: int) -> None:
    try:
        PostItem(workspace_id, post_id).delete(condition=PostItem.version == read_version)
    except DeleteError as error:
        if _conditional_failure(error):
            raise StaleVersion(post_id) from error
        raise


@dataclass(frozen=True)
class Page:
    items: list[PostItem]
    last_key: dict[str, Any] | None  # where the next page starts; None at the end


def list_scheduled(
    workspace_id: str,
    start: datetime,
    end: datetime,
    *,
    statuses: list[str] | None = None,
    account_id: str | None = None,
    network: str | None = None,
    limit: int = 100,
    start_key: dict[str, Any] | None = None,
    text: str | None = None,
) -> Page:
    """Posts scheduled in [start, end), by time, filtered (`text`: containing these words,
    in any case, in the text or a network's variant); a page of at most `limit`."""
    condition = None
    for part in (
        PostItem.status.is_in(*statuses) if statuses else None,
        PostItem.account_ids.contains(account_id) if account_id else None,
        PostItem.networks.contains(network) if network else None,
    ):
        if part is not None:
            condition = part if condition is None else condition & part
    results = PostItem.scheduled_index.query(
        workspace_id,
        PostItem.scheduled_at.between(iso(start), _just_before(end)),
        filter_condition=condition,
        last_evaluated_key=start_key,
        page_size=limit + 1,  # one more than a page: is there a next one?
    )
    return _page(_containing(results, text), limit, scheduled=True)


def list_drafts(
    workspace_id: str,
    *,
    limit: int = 100,
    start_key: dict[str, Any] | None = None,
    text: str | None = None,
) -> Page:
    """Posts with no time yet (drafts), in id order."""
    results = PostItem.query(
        workspace_id,
        filter_condition=PostItem.scheduled_at.does_not_exist(),
        last_evaluated_key=start_key,
        page_size=limit + 1,  # one more than a page: is there a next one?
    )
    return _page(_containing(results, text), limit, scheduled=False)


def _containing(results: Iterator[PostItem], text: str | None) -> Iterator[PostItem]:
    """The posts whose texts hold every word of `text`, case and accents aside (DynamoDB's
    `contains` is case-sensitive: the words are matched here, as the pages are read)."""
    words = _folded(text or "").split()
    if not words:
        return results
    return (
        item
        for item in results
        if all(
            word in _folded(" ".join([item.text, *(t.text or "" for t in item.targets)]))
            for word in words
        )
    )


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class ReviewPage:
    items: list[PostItem]
    next_cursor: str | None  # the last post id read; None at the end


def list_in_review(
    workspace_id: str, statuses: list[str], *, limit: int = 50, cursor: str | None = None
) -> ReviewPage:
    """Posts of the workspace in these review statuses, in id order (the approvals inbox:
    one partition, filtered). `cursor` is the last post id of the previous page."""
    results = PostItem.query(
        workspace_id,
        PostItem.post_id > cursor if cursor else None,
        filter_condition=PostItem.status.is_in(*statuses),
        page_size=max(limit, 25),
    )
    items: list[PostItem] = []
    for item in results:
        items.append(item)
        if len(items) == limit:
            return ReviewPage(items, item.post_id)
    return ReviewPage(items, None)


def taken_times(workspace_id: str, account_id: str, start: datetime, end: datetime) -> list[str]:
    """When the account already has a post between `start` and `end` (UTC ISO strings)."""
    results = PostItem.scheduled_index.query(
        workspace_id,
        PostItem.scheduled_at.between(iso(start), _just_before(end)),
        filter_condition=PostItem.account_ids.contains(account_id)
        & PostItem.status.is_in("scheduled", "approved", "pending_approval", "publishing"),
        attributes_to_get=["scheduled_at"],
    )
    return [item.scheduled_at for item in results if item.scheduled_at]


def _page(results: Iterator[PostItem], limit: int, scheduled: bool) -> Page:
    items: list[PostItem] = []
    for item in results:
        if len(items) == limit:
            last = items[-1]
            key = {"workspace_id": last.workspace_id, "post_id": last.post_id}
            if scheduled:
                key["scheduled_at"] = last.scheduled_at
            return Page(items, {name: {"S": value} for name, value in key.items()})
        items.append(item)
    return Page(items, None)


def _just_before(end: datetime) -> str:
    # scheduled_at is stored to the second with a trailing Z; BETWEEN is inclusive.
    return iso(end)[:-1] + "."  # "." sorts before "Z": every time < end, none at it


def _conditional_failure(error: Exception) -> bool:
    cause = getattr(error, "cause_response_code", None)
    return cause == "ConditionalCheckFailedException"


@dataclass(frozen=True)
class Cancelled:
    targets: int  # how many targets were cancelled
    emptied: list[str]  # the posts left with nothing to publish, whose schedules can go


def cancel_account_targets(workspace_id: str, account_id: str, reason: str) -> Cancelled:
    """The account's targets that have not gone out become `cancelled` with `reason`
    (a disconnect). The post keeps its version, so its armed schedule still publishes the
    other targets; a post left with nothing to publish stops waiting: it is `failed`."""
    cancelled, emptied = 0, []
    waiting = ("scheduled", "approved", "pending_approval", "draft")
    for found in PostItem.query(
        workspace_id,
        filter_condition=PostItem.account_ids.contains(account_id)
        & PostItem.status.is_in(*waiting),
    ):
        for _ in range(5):  # an edit may land between the read and the write: read again
            item = get(workspace_id, found.post_id)
            if item is None or item.status not in waiting:
                break
            hits = [t for t in item.targets if t.account_id == account_id and t.status == "pending"]
            if not hits:
                break
            for target in hits:
                target.status, target.error = "cancelled", reason
            everything_cancelled = all(t.status == "cancelled" for t in item.targets)
            if everything_cancelled and item.status != "draft":
                item.status = "failed"
            try:
                prepare(item).save(condition=PostItem.version == item.version)
            except PutError as error:
                if _conditional_failure(error):
                    continue
                raise
            if everything_cancelled:
                emptied.append(item.post_id)
            cancelled += len(hits)
            break
    return Cancelled(cancelled, emptied)


def with_account(workspace_id: str, account_id: str, statuses: tuple[str, ...]) -> list[PostItem]:
    """The workspace's posts in `statuses` that target the account."""
    return list(
        PostItem.query(
            workspace_id,
            filter_condition=PostItem.account_ids.contains(account_id)
            & PostItem.status.is_in(*statuses),
        )
    )


def set_origin(workspace_id: str, post_id: str, origin: dict[str, str]) -> None:
    """Say which content plan's item the post is (not a change of its content: the
    version stays)."""
    PostItem(workspace_id, post_id).update(
        actions=[PostItem.origin.set(origin)], condition=PostItem.post_id.exists()
    )


def uses_media(workspace_id: str, media_id: str) -> bool:
    """Whether any of the workspace's posts (draft, waiting or done) names the media."""
    found = PostItem.query(
        workspace_id, filter_condition=PostItem.media_ids.contains(media_id), page_size=100
    )
    return next(iter(found), None) is not None


def rewrite(item: PostItem) -> bool:
    """Write `item` back under the version it was read at (its armed schedule stays
    valid), if neither an edit nor a publisher's outcome landed since; False if one did."""
    condition = (PostItem.version == int(item.version)) & progress_is(int(item.progress or 0))
    try:
        prepare(item).save(condition=condition)
    except PutError as error:
        if _conditional_failure(error):
            return False
        raise
    return True
