"""The publisher's conditional writes on a post's targets: exactly once lives here.

A target is published only by the attempt that claimed it: the claim is one conditional
update (the target is `pending`, or `retrying` and due, or, on networks that de-duplicate,
`publishing` with its lease run out) that writes a fresh attempt id and a lease. Every
later write of that target is conditional on the attempt id, so a second invocation, a
duplicate delivery or a late thread can never overwrite what another attempt recorded.

Writes of a target's outcome never touch `version` (that is the API's lock against
edits); they bump `progress`, and the post's own status is written only from a read that
saw the latest `progress` (`settle_status`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib.store.base import iso
from chalicelib.store.posts import PostItem, _conditional_failure, sweep_shard

CLAIMABLE = ("pending", "retrying")


def start_publishing(
    workspace_id: str, post_id: str, version: int, look_again_at: datetime
) -> PostItem | None:
    """The one invocation of `version` that wins moves the post to `publishing` and to the
    next version, so later deliveries of the same schedule are stale (and edits 409).
    Returns the post as written, None when another invocation won."""
    return _apply(
        workspace_id,
        post_id,
        [
            PostItem.status.set("publishing"),
            PostItem.version.set(version + 1),
            PostItem.due_at.set(iso(look_again_at)),
            PostItem.sweep_shard.set(sweep_shard(post_id)),
        ],
        (PostItem.version == version) & PostItem.status.is_in("scheduled", "approved"),
    )


def claim(
    workspace_id: str,
    post_id: str,
    index: int,
    target_id: str,
    attempts_read: int,
    attempt_id: str,
    now: datetime,
    lease_until: datetime,
    reclaim_expired: bool,
) -> bool:
    """Take the target for one attempt; False when another attempt has it or it is done."""
    target = PostItem.targets[index]
    claimable = target["status"].is_in(*CLAIMABLE) & (
        target["retry_at"].does_not_exist() | (target["retry_at"] <= iso(now))
    )
    if reclaim_expired:  # the network de-duplicates: a crashed attempt is safe to repeat
        claimable = claimable | (
            (target["status"] == "publishing") & (target["lease_until"] < iso(now))
        )
    return _update(
        workspace_id,
        post_id,
        [
            target["status"].set("publishing"),
            target["attempt_id"].set(attempt_id),
            target["lease_until"].set(iso(lease_until)),
            target["attempts"].set(attempts_read + 1),
            target["retry_at"].remove(),
        ],
        (PostItem.status == "publishing")
        & (target["target_id"] == target_id)
        & (target["attempts"] == attempts_read)
        & claimable,
    )


def record(
    workspace_id: str, post_id: str, index: int, target_id: str, attempt_id: str, **fields: Any
) -> bool:
    """Write what the attempt that holds the target found (status, ids, error, retry)."""
    target = PostItem.targets[index]
    actions: list[Any] = [
        target[name].set(value) if value is not None else target[name].remove()
        for name, value in fields.items()
    ]
    actions += [target["lease_until"].remove(), PostItem.progress.add(1)]
    return _update(
        workspace_id,
        post_id,
        actions,
        (target["target_id"] == target_id)
        & (target["attempt_id"] == attempt_id)
        & (target["status"] == "publishing"),
    )


def expire(
    workspace_id: str,
    post_id: str,
    index: int,
    target_id: str,
    attempt_id: str,
    now: datetime,
    reason: str,
) -> bool:
    """A lease ran out with no outcome written: the post may be public. `unconfirmed`."""
    target = PostItem.targets[index]
    return _update(
        workspace_id,
        post_id,
        [
            target["status"].set("unconfirmed"),
            target["error"].set(reason),
            target["lease_until"].remove(),
            PostItem.progress.add(1),
        ],
        (target["target_id"] == target_id)
        & (target["attempt_id"] == attempt_id)
        & (target["status"] == "publishing")
        & (target["lease_until"] < iso(now)),
    )


def look_again_at(workspace_id: str, post_id: str, when: datetime) -> None:
    """Tell the sweeper when to look at the post if nothing else happens by then."""
    _update(
        workspace_id,
        post_id,
        [PostItem.due_at.set(iso(when)), PostItem.sweep_shard.set(sweep_shard(post_id))],
        PostItem.status == "publishing",
    )


def settle_status(
    workspace_id: str, post_id: str, progress_read: int, status: str, done: bool, at: str
) -> bool:
    """Write the post's status as its targets make it; False if an outcome came meanwhile."""
    actions = [PostItem.status.set(status), PostItem.updated_at.set(at)]
    if done:  # nothing left in flight: out of the sweeper's index
        actions += [PostItem.sweep_shard.remove(), PostItem.due_at.remove()]
    return _update(
        workspace_id,
        post_id,
        actions,
        (PostItem.progress == progress_read) | PostItem.progress.does_not_exist()
        if progress_read == 0
        else PostItem.progress == progress_read,
    )


def _update(workspace_id: str, post_id: str, actions: list[Any], condition: Any) -> bool:
    return _apply(workspace_id, post_id, actions, condition) is not None


def _apply(workspace_id: str, post_id: str, actions: list[Any], condition: Any) -> PostItem | None:
    """The conditional update; the whole post as written (ALL_NEW), None if refused."""
    item = PostItem(workspace_id, post_id)
    try:
        item.update(actions=actions, condition=condition & PostItem.post_id.exists())
    except UpdateError as error:
        if _conditional_failure(error):
            return None
        raise
    return item
