"""The publisher's conditional writes (chalicelib/store/targets.py) racing the API's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.store import posts
from chalicelib.store import targets as claims
from chalicelib.store.base import iso
from tests.unit.test_posts_store import a_post

LEASE = datetime(2030, 1, 1, tzinfo=UTC)


def started(accounts=(("a_x", "x"), ("a_b", "bluesky"))):
    item = a_post(accounts=accounts)
    attempts = claims.start_publishing(item, LEASE)
    assert attempts is not None
    assert posts.get("w_1", item.post_id).serialize() == item.serialize()  # as written
    return item, attempts


def test_starting_claims_every_pending_target_in_the_same_write(aws):
    item, attempts = started()
    assert item.status == "publishing" and item.version == 2
    assert [(t.status, t.attempts, t.attempt_id) for t in item.targets] == [
        ("publishing", 1, attempts[item.targets[0].target_id]),
        ("publishing", 1, attempts[item.targets[1].target_id]),
    ]
    # a second delivery of the same version, from the same read, starts nothing
    stale = posts.get("w_1", item.post_id)
    stale.version, stale.status = 1, "scheduled"
    assert claims.start_publishing(stale, LEASE) is None


def test_starting_leaves_the_post_where_the_sweeper_index_has_it(aws):
    """Moving its sweep-index key would cost a delete and a put in the index: the post
    stays due at its time, and the sweeper reads the leases (tests/publishing)."""
    item = a_post(accounts=(("a_x", "x"),), armed_version=1)
    before = posts.get("w_1", item.post_id)
    assert before.sweep_shard is not None and before.due_at == before.scheduled_at
    started_item = posts.get("w_1", item.post_id)
    assert claims.start_publishing(started_item, LEASE) is not None
    after = posts.get("w_1", item.post_id)
    assert (after.status, after.sweep_shard, after.due_at) == (
        "publishing",
        before.sweep_shard,
        before.due_at,
    )
    assert after.targets[0].lease_until == "2030-01-01T00:00:00Z"


def test_the_sweeper_sends_a_post_on_its_way_back_once_a_lease_or_a_retry_is_due(aws, monkeypatch):
    """The post stays due at its time in the sweeper's index while it publishes: the
    sweeper reads its targets' lease ends and retry times (plus the grace) instead."""
    from datetime import timedelta

    from chalicelib import scheduling
    from chalicelib.publishing import sweeper

    invoked: list[dict] = []
    monkeypatch.setattr(scheduling, "invoke_now", invoked.append)
    item = a_post(accounts=(("a_x", "x"), ("a_b", "bluesky")), armed_version=1)
    lease = datetime.fromisoformat(item.scheduled_at) + timedelta(minutes=10)
    assert claims.start_publishing(item, lease) is not None
    retry_at = lease + timedelta(minutes=20)
    held = claims.record(
        "w_1", item.post_id, 1, item.targets[1].target_id, item.targets[1].attempt_id,
        status="retrying", retry_at=iso(retry_at),
    )  # fmt: skip
    assert held is not None
    grace = timedelta(seconds=120)

    def sweep_at(moment: datetime) -> int:
        invoked.clear()
        sweeper.sweep(moment)
        return len(invoked)

    assert sweep_at(lease - timedelta(seconds=1)) == 0  # in its index, not yet due
    assert sweep_at(lease + timedelta(seconds=1)) == 1  # the X attempt's lease ran out
    assert invoked == [{"workspace_id": "w_1", "post_id": item.post_id, "version": 2}]
    claims.record(
        "w_1", item.post_id, 0, item.targets[0].target_id, item.targets[0].attempt_id,
        status="published",
    )  # fmt: skip
    assert sweep_at(retry_at + grace - timedelta(seconds=1)) == 0
    assert sweep_at(retry_at + grace + timedelta(seconds=1)) == 1  # the retry's time


def test_a_target_cancelled_after_the_read_makes_the_start_read_again(aws):
    item = a_post(accounts=(("a_x", "x"), ("a_b", "bluesky")))
    posts.cancel_account_targets("w_1", "a_b", "disconnected")
    assert claims.start_publishing(item, LEASE) is None  # read before the cancel
    written = posts.get("w_1", item.post_id)
    attempts = claims.start_publishing(written, LEASE)
    assert [t.status for t in written.targets] == ["publishing", "cancelled"]
    assert list(attempts) == [written.targets[0].target_id]


def test_an_outcome_and_the_post_status_land_in_one_write_when_nothing_moved(aws):
    item, attempts = started(accounts=(("a_x", "x"),))
    target = item.targets[0]
    settlement = claims.Settlement(int(item.version), 0, "published", True, "2030-01-01T00:00:00Z")
    assert claims.record_settled(
        "w_1", item.post_id, 0, target.target_id, attempts[target.target_id], settlement,
        status="published",
    )  # fmt: skip
    read = posts.get("w_1", item.post_id)
    assert (read.status, read.targets[0].status, read.progress) == ("published", "published", 1)
    assert read.sweep_shard is None and read.due_at is None


def test_a_settlement_from_a_read_before_another_outcome_or_a_retry_is_refused(aws):
    item, attempts = started()
    first, second = item.targets
    settlement = claims.Settlement(int(item.version), 0, "failed", True, "2030-01-01T00:00:00Z")
    assert claims.record("w_1", item.post_id, 0, first.target_id, attempts[first.target_id],
                         status="failed", error="no")  # fmt: skip
    assert not claims.record_settled(
        "w_1", item.post_id, 1, second.target_id, attempts[second.target_id], settlement,
        status="failed",
    )  # fmt: skip
    assert posts.get("w_1", item.post_id).targets[1].status == "publishing"  # nothing written
    # a retry (a new version) after the read: the status written from that read is refused
    read = posts.get("w_1", item.post_id)
    again = posts.get("w_1", item.post_id)
    again.status = "publishing"
    posts.save_version(again, int(again.version))
    late = claims.Settlement(int(read.version), int(read.progress), "failed", True, "x")
    assert not claims.settle_status("w_1", item.post_id, late)


def test_a_whole_post_write_from_a_read_before_an_outcome_is_stale(aws):
    """A retry (reopen) saving the post it read must not undo an outcome written since."""
    item, attempts = started()
    read = posts.get("w_1", item.post_id)
    first = item.targets[0]
    claims.record("w_1", item.post_id, 0, first.target_id, attempts[first.target_id],
                  status="published")  # fmt: skip
    with pytest.raises(posts.StaleVersion):
        posts.save_version(read, int(read.version))
    assert posts.get("w_1", item.post_id).targets[0].status == "published"


def test_racing_starts_of_one_version_let_exactly_one_win(aws):
    """As in DynamoDB, a conditional write checks and writes as one step (moto needs
    local/moto_tuning.py for that): of many invocations starting the same read, one wins."""
    import threading

    for _ in range(10):
        item = a_post(accounts=(("a_x", "x"),))
        reads = [posts.get("w_1", item.post_id) for _ in range(8)]
        gate = threading.Barrier(len(reads))
        won: list[dict] = []

        def start(read, gate: threading.Barrier, won: list[dict]) -> None:
            gate.wait()
            claimed = claims.start_publishing(read, LEASE)
            if claimed is not None:
                won.append(claimed)

        threads = [threading.Thread(target=start, args=(read, gate, won)) for read in reads]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(won) == 1
        assert posts.get("w_1", item.post_id).targets[0].attempt_id == next(iter(won[0].values()))
