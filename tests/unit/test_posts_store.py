"""The posts store against the embedded DynamoDB: versions, the calendar index, queues."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.ids import new_id
from chalicelib.store import posts
from chalicelib.store.base import iso

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def a_post(workspace_id: str = "w_1", at: datetime | None = T0, accounts=(("a_x", "x"),), **fields):
    fields.setdefault("status", "scheduled" if at else "draft")
    item = posts.PostItem(
        workspace_id,
        new_id("p"),
        text="hello",
        scheduled_at=iso(at) if at else None,
        timezone="Europe/Paris",
        created_at=iso(T0),
        updated_at=iso(T0),
        targets=[
            posts.TargetAttribute(target_id=new_id("t"), account_id=a, network=n)
            for a, n in accounts
        ],
        **fields,
    )
    return posts.create(item)


def test_a_post_reads_back_with_its_targets(aws):
    created = a_post(accounts=(("a_x", "x"), ("a_b", "bluesky")))
    read = posts.get("w_1", created.post_id)
    assert read is not None and read.version == 1
    assert [(t.account_id, t.network, t.status) for t in read.targets] == [
        ("a_x", "x", "pending"),
        ("a_b", "bluesky", "pending"),
    ]
    assert read.account_ids == ["a_x", "a_b"] and read.networks == ["bluesky", "x"]
    assert posts.get("w_other", created.post_id) is None


def test_an_edit_on_a_stale_version_is_refused(aws):
    created = a_post()
    first = posts.get("w_1", created.post_id)
    second = posts.get("w_1", created.post_id)
    first.text = "first edit"
    posts.save_version(first, read_version=1)
    second.text = "lost edit"
    with pytest.raises(posts.StaleVersion):
        posts.save_version(second, read_version=1)
    read = posts.get("w_1", created.post_id)
    assert (read.version, read.text) == (2, "first edit")


def test_a_post_waiting_to_go_out_is_findable_by_the_sweeper_until_armed(aws):
    created = a_post()
    assert created.sweep_shard is not None and created.due_at == "2026-12-01T09:00:00Z"
    assert created.armed_version is None  # written, not armed yet
    assert posts.mark_armed("w_1", created.post_id, 1)
    assert posts.get("w_1", created.post_id).armed_version == 1
    assert not posts.mark_armed("w_1", created.post_id, 7)  # a version that is not current
    draft = a_post(at=None)
    assert draft.sweep_shard is None and draft.due_at is None


def test_the_calendar_lists_a_range_by_time_and_never_other_workspaces(aws):
    late = a_post(at=T0 + timedelta(days=2))
    early = a_post(at=T0)
    a_post(at=T0 + timedelta(days=40))  # outside the month
    a_post(workspace_id="w_2", at=T0)
    a_post(at=None)  # a draft has no place on the calendar
    page = posts.list_scheduled("w_1", T0, T0 + timedelta(days=30))
    assert [p.post_id for p in page.items] == [early.post_id, late.post_id]
    assert page.last_key is None


def test_the_end_of_the_range_is_exclusive(aws):
    a_post(at=T0)
    assert posts.list_scheduled("w_1", T0 - timedelta(days=1), T0).items == []
    assert len(posts.list_scheduled("w_1", T0, T0 + timedelta(seconds=1)).items) == 1


def test_the_calendar_filters_by_status_account_and_network(aws):
    on_x = a_post(accounts=(("a_x", "x"),))
    on_both = a_post(accounts=(("a_x", "x"), ("a_b", "bluesky")), at=T0 + timedelta(hours=1))
    failed = a_post(accounts=(("a_b", "bluesky"),), at=T0 + timedelta(hours=2), status="failed")
    month = (T0, T0 + timedelta(days=30))

    def ids(**filters):
        return [p.post_id for p in posts.list_scheduled("w_1", *month, **filters).items]

    assert ids(account_id="a_b") == [on_both.post_id, failed.post_id]
    assert ids(network="x") == [on_x.post_id, on_both.post_id]
    assert ids(statuses=["failed"]) == [failed.post_id]
    assert ids(statuses=["scheduled"], network="bluesky") == [on_both.post_id]


def test_pages_follow_each_other_without_gaps_or_repeats(aws):
    made = [a_post(at=T0 + timedelta(minutes=i)).post_id for i in range(7)]
    seen, key = [], None
    while True:
        page = posts.list_scheduled("w_1", T0, T0 + timedelta(days=1), limit=3, start_key=key)
        seen += [p.post_id for p in page.items]
        key = page.last_key
        if key is None:
            break
    assert seen == made


def test_drafts_are_listed_apart(aws):
    draft = a_post(at=None)
    a_post()
    assert [p.post_id for p in posts.list_drafts("w_1").items] == [draft.post_id]


def test_an_accounts_taken_times_are_its_posts_still_to_go_out(aws):
    a_post(at=T0, accounts=(("a_x", "x"),))
    a_post(at=T0 + timedelta(hours=1), accounts=(("a_b", "bluesky"),))
    a_post(at=T0 + timedelta(hours=2), accounts=(("a_x", "x"),), status="failed")
    assert posts.taken_times("w_1", "a_x", T0, T0 + timedelta(days=1)) == ["2026-12-01T09:00:00Z"]


def test_deleting_needs_the_current_version(aws):
    created = a_post()
    with pytest.raises(posts.StaleVersion):
        posts.delete("w_1", created.post_id, read_version=2)
    posts.delete("w_1", created.post_id, read_version=1)
    assert posts.get("w_1", created.post_id) is None


def test_disconnecting_an_account_cancels_its_waiting_targets_only(aws):
    both = a_post(accounts=(("a_x", "x"), ("a_b", "bluesky")))
    other = a_post(accounts=(("a_b", "bluesky"),))
    done = a_post(accounts=(("a_x", "x"),), status="published")
    assert posts.cancel_account_targets("w_1", "a_x", "X was disconnected").targets == 1
    kept = posts.get("w_1", both.post_id)
    assert [(t.status, t.error) for t in kept.targets] == [
        ("cancelled", "X was disconnected"),
        ("pending", None),
    ]
    assert kept.version == 1  # the armed schedule still publishes the other target
    assert posts.get("w_1", other.post_id).targets[0].status == "pending"
    assert posts.get("w_1", done.post_id).targets[0].status == "pending"
    assert posts.cancel_account_targets("w_1", "a_x", "again").targets == 0
