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

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.constants import NONE
from pynamodb.exceptions import UpdateError

from chalicelib.domain.ids import new_id
from chalicelib.store.base import iso
from chalicelib.store.posts import PostItem, _conditional_failure, progress_is, sweep_shard

CLAIMABLE = ("pending", "retrying")


def start_publishing(post: PostItem, lease_until: datetime) -> dict[str, str] | None:
    """The one invocation of the post's version that wins moves it to `publishing` and to
    the next version, so later deliveries of the same schedule are stale (and edits 409),
    and in the same write claims each pending target for an attempt of its own (one write
    instead of one per target). On success `post` becomes the post as written (the
    condition guarantees nothing else in it changed since it was read) and the answer is
    {target_id: attempt_id}; None, with `post` untouched, when the post changed."""
    version = int(post.version)
    due_at = iso(lease_until)
    # A waiting post is in the sweeper's index already, due at its time: it stays there
    # as it is (moving it is a delete and a put in the index, 2 write units), and the
    # sweeper reads the leases of a post on its way (chalicelib/publishing/sweeper.py).
    actions: list[Any] = [
        PostItem.status.set("publishing"),
        PostItem.version.set(version + 1),
        PostItem.due_at.set(PostItem.due_at | due_at),
        PostItem.sweep_shard.set(PostItem.sweep_shard | sweep_shard(post.post_id)),
    ]
    condition = (PostItem.version == version) & PostItem.status.is_in("scheduled", "approved")
    attempts: dict[int, str] = {}
    for index, target in enumerate(post.targets):
        if target.status != "pending":
            continue
        attempts[index] = new_id("a")
        actions += _claim_actions(index, attempts[index], int(target.attempts), lease_until)
        condition &= _as_read(index, target.target_id, int(target.attempts)) & (
            PostItem.targets[index]["status"] == "pending"
        )
    if not _update(post.workspace_id, post.post_id, actions, condition):
        return None
    post.status, post.version = "publishing", version + 1
    post.due_at = post.due_at or due_at
    post.sweep_shard = post.sweep_shard or sweep_shard(post.post_id)
    for index, attempt_id in attempts.items():
        target = post.targets[index]
        target.status, target.attempt_id, target.lease_until = "publishing", attempt_id, due_at
        target.attempts, target.retry_at = int(target.attempts) + 1, None
    return {post.targets[index].target_id: attempt_id for index, attempt_id in attempts.items()}


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
        _claim_actions(index, attempt_id, attempts_read, lease_until),
        (PostItem.status == "publishing") & _as_read(index, target_id, attempts_read) & claimable,
    )


def _claim_actions(
    index: int, attempt_id: str, attempts_read: int, lease_until: datetime
) -> list[Any]:
    target = PostItem.targets[index]
    return [
        target["status"].set("publishing"),
        target["attempt_id"].set(attempt_id),
        target["lease_until"].set(iso(lease_until)),
        target["attempts"].set(attempts_read + 1),
        target["retry_at"].remove(),
    ]


def _as_read(index: int, target_id: str, attempts_read: int) -> Any:
    """The target at `index` is still the one read, with no attempt since."""
    target = PostItem.targets[index]
    return (target["target_id"] == target_id) & (target["attempts"] == attempts_read)


def record(
    workspace_id: str, post_id: str, index: int, target_id: str, attempt_id: str, **fields: Any
) -> PostItem | None:
    """Write what the attempt that holds the target found (status, ids, error, retry).
    Returns the post as written (what the post's status is settled from), None when the
    target is no longer this attempt's."""
    return _apply(
        workspace_id,
        post_id,
        _outcome_actions(index, fields),
        _held_by(index, target_id, attempt_id),
    )


def record_settled(
    workspace_id: str,
    post_id: str,
    index: int,
    target_id: str,
    attempt_id: str,
    settlement: Settlement,
    **fields: Any,
) -> bool:
    """`record` for the last target in flight, with the post's status in the same write.
    False, and nothing written, when anything else was written since the settlement's
    read (an outcome, a retry, an edit) or the target is no longer this attempt's."""
    return _update(
        workspace_id,
        post_id,
        _outcome_actions(index, fields) + settlement.actions(),
        _held_by(index, target_id, attempt_id) & settlement.condition(),
    )


def _outcome_actions(index: int, fields: dict[str, Any]) -> list[Any]:
    target = PostItem.targets[index]
    actions: list[Any] = [
        target[name].set(value) if value is not None else target[name].remove()
        for name, value in fields.items()
    ]
    return [*actions, target["lease_until"].remove(), PostItem.progress.add(1)]


def _held_by(index: int, target_id: str, attempt_id: str) -> Any:
    target = PostItem.targets[index]
    return (
        (target["target_id"] == target_id)
        & (target["attempt_id"] == attempt_id)
        & (target["status"] == "publishing")
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


@dataclass(frozen=True)
class Settlement:
    """The post's status as its targets make it, from a read of `version` at `progress`."""

    version: int
    progress: int
    status: str
    done: bool  # nothing left in flight
    at: str

    def actions(self) -> list[Any]:
        actions = [PostItem.status.set(self.status), PostItem.updated_at.set(self.at)]
        if self.done:  # out of the sweeper's index
            actions += [PostItem.sweep_shard.remove(), PostItem.due_at.remove()]
        return actions

    def condition(self) -> Any:
        """Nothing written since the read: no outcome (progress), no retry or edit
        (version)."""
        return (PostItem.version == self.version) & progress_is(self.progress)


def settle_status(workspace_id: str, post_id: str, settlement: Settlement) -> bool:
    """Write the post's status as its targets make it; False if anything came meanwhile."""
    return _update(workspace_id, post_id, settlement.actions(), settlement.condition())


def _update(workspace_id: str, post_id: str, actions: list[Any], condition: Any) -> bool:
    """The conditional update, without the post in the answer; False if refused."""
    try:
        PostItem._get_connection().update_item(
            workspace_id,
            post_id,
            actions=actions,
            condition=condition & PostItem.post_id.exists(),
            return_values=NONE,
        )
    except UpdateError as error:
        if _conditional_failure(error):
            return False
        raise
    return True


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
