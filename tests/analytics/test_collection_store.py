"""The analytics store (chalicelib/store/metrics.py): what H3's reads get back from what the
collector writes, each read within one workspace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.store import metrics
from chalicelib.store.metrics import AccountDayRow, TargetMetricsRow


def _row(ws: str, n: int, at: datetime, account: str = "a_1", network: str = "x", **kw):
    return TargetMetricsRow(
        workspace_id=ws,
        post_id=kw.pop("post_id", f"p_{n}"),
        target_id=f"t_{n}",
        account_id=account,
        network=network,
        external_id=f"ext{n}",
        url=f"https://x.com/i/status/ext{n}",
        excerpt="Fresh bread " * 20,
        media_id=None,
        published_at=at,
        **kw,
    )


def _start() -> datetime:
    return (datetime.now(UTC) - timedelta(days=10)).replace(microsecond=0)


def test_target_rows_are_one_workspaces_targets_of_a_period_in_time_order(aws):
    start = _start()
    for n in range(5):
        metrics.put_target_row(_row("w_a", n, start + timedelta(hours=n)))
    metrics.put_target_row(_row("w_b", 9, start + timedelta(hours=1)))  # another tenant
    metrics.put_target_row(
        _row("w_a", 7, start + timedelta(hours=2), account="a_2", network="bluesky")
    )

    rows = list(metrics.target_rows("w_a", start + timedelta(hours=1), start + timedelta(hours=3)))
    assert [r.target_id for r in rows] == ["t_1", "t_2", "t_7"]  # [from, to): t_3 is at `to`
    assert all(r.workspace_id == "w_a" for r in rows)
    assert len(rows[0].excerpt) == 140
    only = metrics.target_rows("w_a", start, start + timedelta(days=1), network="bluesky")
    assert [r.target_id for r in only] == ["t_7"]
    mine = metrics.target_rows("w_a", start, start + timedelta(days=1), account_id="a_1")
    assert [r.target_id for r in mine] == ["t_0", "t_1", "t_2", "t_3", "t_4"]


def test_snapshots_are_appended_oldest_first_and_latest_is_the_newest(aws):
    start = _start()
    row = _row("w_a", 1, start)
    metrics.put_target_row(row, due_at=start + timedelta(hours=1))
    key = metrics.target_key(row.published_at, row.target_id)
    first, second = start + timedelta(hours=1), start + timedelta(hours=24)
    assert metrics.record_snapshot("w_a", key, 0, first, {"likes": 3}, second, "a_1")
    assert metrics.record_snapshot("w_a", key, 1, second, {"likes": 9, "quotes": 1}, None, "a_1")
    # A second collector that fetched the same refresh appends nothing.
    assert not metrics.record_snapshot("w_a", key, 1, second, {"likes": 10}, None, "a_1")

    [stored] = metrics.post_rows("w_a", "p_1")
    assert stored.snapshots == [(first, {"likes": 3}), (second, {"likes": 9, "quotes": 1})]
    assert stored.latest == {"likes": 9, "quotes": 1}  # impressions absent: not given
    assert stored.state == "done" and stored.collected_at == second
    assert list(metrics.due_entries(start + timedelta(days=60))) == []
    assert metrics.post_rows("w_b", "p_1") == []  # another workspace sees nothing


def test_account_history_is_newest_first_and_limited(aws):
    start = _start()
    for n in range(6):
        metrics.put_target_row(_row("w_a", n, start + timedelta(hours=n)))
    metrics.put_target_row(_row("w_a", 8, start, account="a_2"))
    history = metrics.account_history("w_a", "a_1", limit=4)
    assert [r.target_id for r in history] == ["t_5", "t_4", "t_3", "t_2"]
    assert metrics.account_history("w_b", "a_1") == []


def test_account_days_are_a_range_of_one_accounts_days(aws):
    today = datetime.now(UTC).date()
    for n in range(5):
        day = today - timedelta(days=n)
        metrics.put_account_day(AccountDayRow("w_a", "a_1", "x", day, 100 + n, {"posts": n}))
        metrics.put_account_day(AccountDayRow("w_a", "a_2", "bluesky", day, None))
    days = metrics.account_days("w_a", "a_1", today - timedelta(days=3), today - timedelta(days=1))
    assert [(d.day, d.followers, d.values) for d in days] == [
        (today - timedelta(days=3), 103, {"posts": 3}),
        (today - timedelta(days=2), 102, {"posts": 2}),
        (today - timedelta(days=1), 101, {"posts": 1}),
    ]
    assert metrics.account_days("w_a", "a_2", today, today)[0].followers is None
    assert metrics.account_days("w_b", "a_1", today - timedelta(days=9), today) == []
    assert metrics.days_present("w_a", ["a_1", "a_3"], today) == {"a_1"}


def test_network_priors_are_kept_per_network(aws):
    assert metrics.network_prior("x") is None
    metrics.put_network_prior("x", {"cells": [[0.1] * 24] * 7, "posts": 120})
    assert metrics.network_prior("x") == {"cells": [[0.1] * 24] * 7, "posts": 120}
    assert metrics.network_prior("bluesky") is None


def test_pausing_an_account_takes_its_rows_out_of_the_due_index_and_resuming_brings_them_back(aws):
    start = _start()
    due = start + timedelta(hours=1)
    metrics.put_target_row(_row("w_a", 1, start), due_at=due)
    metrics.put_target_row(_row("w_a", 2, start, account="a_2"), due_at=due)
    assert {e.target_id for e in metrics.due_entries(due)} == {"t_1", "t_2"}
    assert metrics.pause_account("w_a", "a_1", "needs reconnecting") == 1
    assert [e.target_id for e in metrics.due_entries(due)] == ["t_2"]
    assert metrics.post_rows("w_a", "p_1")[0].state == "paused"
    assert metrics.resume_account("w_a", "a_1", due) == 1
    assert {e.target_id for e in metrics.due_entries(due)} == {"t_1", "t_2"}
    assert [e.target_id for e in metrics.workspace_due("w_a")] == ["t_1", "t_2"]


def _bucket(due: datetime) -> tuple[datetime, datetime]:
    """The window of the bucket `due` falls in, as that bucket's run reads it."""
    from chalicelib.analytics.collection import BUCKET, bucket_end

    end = bucket_end(due, now=due - timedelta(days=1))
    return end - BUCKET, end


def _plan_of(ws: str, key: str) -> str | None:
    return metrics.get_target(ws, key).plan


def test_a_row_on_plan_is_found_by_each_refreshs_bucket_without_its_index_entry_changing(aws):
    from chalicelib.analytics.collection import REFRESH_OFFSETS

    start = _start()
    row = _row("w_a", 1, start)
    metrics.put_target_row(row, due_at=start + REFRESH_OFFSETS[0], on_plan=True)
    key = metrics.target_key(start, "t_1")
    entry_key = _plan_of("w_a", key)
    assert entry_key == f"p#{start:%Y-%m-%dT%H:%M:%SZ}"
    now = datetime.now(UTC)

    def due_in(due: datetime) -> list[metrics.DueEntry]:
        return list(metrics.due_entries(now, offsets=REFRESH_OFFSETS, window=_bucket(due)))

    [first] = due_in(start + REFRESH_OFFSETS[0])
    assert (first.refresh_step, first.attempts, first.target_id, first.account_id) == (
        0,
        0,
        "t_1",
        "a_1",
    )
    assert first.due_at == (start + REFRESH_OFFSETS[0]).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert due_in(start + REFRESH_OFFSETS[0] - timedelta(minutes=10)) == []  # not the one before
    assert metrics.record_snapshot(
        "w_a", key, 0, now, {"likes": 1}, start + REFRESH_OFFSETS[1], "a_1"
    )
    assert _plan_of("w_a", key) == entry_key  # the index entry is as it was
    [second] = due_in(start + REFRESH_OFFSETS[1])
    assert second.refresh_step == 1
    # The +1 h refresh read again (a window wider than a bucket): its row is past it.
    assert metrics.waiting([first]) == [] and metrics.waiting([first, second]) == [second]
    for step in range(1, len(REFRESH_OFFSETS)):
        following = start + REFRESH_OFFSETS[step + 1] if step + 1 < len(REFRESH_OFFSETS) else None
        assert metrics.record_snapshot("w_a", key, step, now, {"likes": step + 1}, following, "a_1")
    [stored] = metrics.post_rows("w_a", "p_1")
    assert stored.state == "done" and len(stored.snapshots) == len(REFRESH_OFFSETS)
    assert _plan_of("w_a", key) is None  # done: out of the due index
    assert list(metrics.due_entries(now, offsets=REFRESH_OFFSETS, window=(start, now))) == []


def test_a_replanned_refresh_is_off_plan_until_it_is_recorded(aws):
    from chalicelib.analytics.collection import REFRESH_OFFSETS

    start = _start()
    metrics.put_target_row(_row("w_a", 1, start), due_at=start + REFRESH_OFFSETS[0], on_plan=True)
    key = metrics.target_key(start, "t_1")
    retry = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=30)
    assert metrics.replan("w_a", key, 0, retry, 2, "The network is down.", "a_1")
    [entry] = metrics.due_entries(retry)  # due by its own time, step and attempts in its key
    assert (entry.refresh_step, entry.attempts, entry.on_plan) == (0, 2, False)
    assert list(metrics.due_entries(retry - timedelta(seconds=1))) == []
    back = metrics.on_plan_key(start)
    assert metrics.record_snapshot(
        "w_a", key, 0, retry, {"likes": 2}, start + REFRESH_OFFSETS[1], "a_1", plan=back
    )
    assert _plan_of("w_a", key) == back and list(metrics.due_entries(retry)) == []


def _entries(ws: str, account: str, count: int, due: datetime) -> list[metrics.DueEntry]:
    return [
        metrics.DueEntry(
            ws,
            f"t#x#t_{n}",
            f"t_{n}",
            account,
            "x",
            f"ext{n}",
            0,
            0,
            due.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "p#x",
        )
        for n in range(count)
    ]


def test_an_accounts_claims_are_written_together_and_a_second_run_gets_only_the_free_ones(aws):
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    now = datetime.now(UTC).replace(microsecond=0)
    due = now.replace(minute=now.minute - now.minute % 10, second=1)  # one 10-minute bucket
    entries = _entries("w_a", "a_1", 100, due)
    until = now + timedelta(minutes=15)
    keys = {(e.item_key, 0) for e in entries}
    assert metrics.claim_refreshes("w_a", "a_1", entries[:30], until, now) == {
        (e.item_key, 0) for e in entries[:30]
    }
    # A second run with all 100 (one held write fails as a whole, then the free ones).
    assert metrics.claim_refreshes("w_a", "a_1", entries, until, now) == {
        (e.item_key, 0) for e in entries[30:]
    }
    assert metrics.claim_refreshes("w_a", "a_1", entries, until, now) == set()  # all held
    assert metrics.claim_refreshes("w_a", "a_1", entries, until, until) == keys  # claims ended
    # Another workspace's or account's refreshes are claims of their own.
    assert len(metrics.claim_refreshes("w_b", "a_1", entries, until, now)) == 100
    assert len(metrics.claim_refreshes("w_a", "a_2", entries[:5], until, now)) == 5
    items = client("dynamodb").scan(TableName=get_settings().tables.rate_limits)["Items"]
    claims = [i for i in items if i["counter_key"]["S"].startswith("claims#")]
    assert len(claims) == 3  # one item per workspace, account and bucket


def test_snapshots_are_stored_compactly_and_rows_of_the_earlier_form_are_still_read(aws):
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    start = _start()
    at = start + timedelta(hours=1)
    values = {"impressions": 120, "likes": 3, "user_profile_clicks": 2, "video_views_25": 7}
    text = metrics.encode_snapshot(at, values)
    assert metrics.decode_snapshot(text) == (at, values) and len(text) < 50
    # A row as the collector wrote it before (maps, collected_at, latest, ids).
    key = metrics.target_key(start, "t_9")
    old_at = start + timedelta(hours=1)
    client("dynamodb").put_item(
        TableName=get_settings().tables.metrics,
        Item={
            "workspace_id": {"S": "w_a"},
            "item_key": {"S": key},
            "post_key": {"S": "p_9#t_9"},
            "account_key": {"S": "w_a#a_1"},
            "published_at": {"S": start.strftime("%Y-%m-%dT%H:%M:%SZ")},
            "post_id": {"S": "p_9"},
            "target_id": {"S": "t_9"},
            "account_id": {"S": "a_1"},
            "network": {"S": "x"},
            "external_id": {"S": "ext9"},
            "excerpt": {"S": "Old bread"},
            "latest": {"M": {"likes": {"N": "4"}}},
            "snapshots": {
                "L": [
                    {
                        "M": {
                            "at": {"S": old_at.strftime("%Y-%m-%dT%H:%M:%SZ")},
                            "values": {"M": {"likes": {"N": "4"}}},
                        }
                    }
                ]
            },
            "collected_at": {"S": old_at.strftime("%Y-%m-%dT%H:%M:%SZ")},
            "state": {"S": "collecting"},
            "refresh_step": {"N": "1"},
            "attempts": {"N": "0"},
        },
    )
    [old] = metrics.post_rows("w_a", "p_9")
    assert old.snapshots == [(old_at, {"likes": 4})] and old.collected_at == old_at
    assert old.latest == {"likes": 4} and old.account_id == "a_1"
    later = start + timedelta(hours=24)
    assert metrics.record_snapshot("w_a", key, 1, later, {"likes": 9}, None, "a_1")
    [row] = metrics.post_rows("w_a", "p_9")
    assert row.snapshots == [(old_at, {"likes": 4}), (later, {"likes": 9})]
    assert (row.latest, row.collected_at, row.state) == ({"likes": 9}, later, "done")
    # A figure carried forward is stored as latest; otherwise latest is the newest values.
    metrics.put_target_row(_row("w_a", 3, start), due_at=start + timedelta(hours=1))
    key3 = metrics.target_key(start, "t_3")
    metrics.record_snapshot(
        "w_a", key3, 0, at, {"likes": 1}, later, "a_1", {"likes": 1, "clicks": 5}
    )
    assert metrics.post_rows("w_a", "p_3")[0].latest == {"likes": 1, "clicks": 5}
    assert metrics.latest_of("w_a", key3) == {"likes": 1, "clicks": 5}


def test_rows_planned_before_the_plan_key_are_put_back_in_the_due_index_once(aws):
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    start = _start()
    due = start + timedelta(hours=24)
    metrics.put_target_row(_row("w_a", 1, start), due_at=due)
    metrics.put_target_row(_row("w_a", 2, start))  # done: nothing planned
    key = metrics.target_key(start, "t_1")
    client("dynamodb").update_item(  # as a row was before: due_at and due_shard, no plan
        TableName=get_settings().tables.metrics,
        Key={"workspace_id": {"S": "w_a"}, "item_key": {"S": key}},
        UpdateExpression="REMOVE #p SET refresh_step = :one",
        ExpressionAttributeNames={"#p": "plan"},
        ExpressionAttributeValues={":one": {"N": "1"}},
    )
    assert list(metrics.due_entries(due)) == []
    assert metrics.backfill_plans() == 1
    [entry] = metrics.due_entries(due)
    assert (entry.target_id, entry.refresh_step, entry.on_plan) == ("t_1", 1, False)
    assert metrics.backfill_plans() == 0


def test_a_budget_never_goes_past_its_limit_however_many_runs_take_from_it_at_once(aws):
    """The collector's budget is one counter: one conditional write per take (no
    transaction), whose condition alone keeps concurrent takes within the limit."""
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib.analytics.collection import _take_budget, uncounted
    from chalicelib.store.rate_limits import CounterRecord, take

    now = datetime.now(UTC).timestamp()
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: take([("metrics#x#a_1", 7)], 900, now), range(20)))
    assert sum(r.ok for r in results) == 7
    refused = [r for r in results if not r.ok]
    assert {r.refused for r in refused} == {"metrics#x#a_1"}
    assert all(0 < r.retry_after <= 900 for r in refused) and not refused[0].window_keys
    [counter] = [c for c in CounterRecord.scan() if c.counter_key.startswith("metrics#x#a_1@")]
    assert counter.hits == 7 and counter.ttl is not None
    # A cost larger than what is left is refused whole; a smaller one still fits.
    assert take([("metrics#x#a_2", 5)], 900, now, cost=3).ok
    assert take([("metrics#x#a_2", 5)], 900, now, cost=3).refused == "metrics#x#a_2"
    assert take([("metrics#x#a_2", 5)], 900, now, cost=2).ok
    # Through the collector's own helper: its budget (X: 300 a 15-minute window), less
    # what runs may make uncounted in one window.
    assert _take_budget("a_3", "x", cost=300 - uncounted(900)) is None
    assert 0 < (_take_budget("a_3", "x") or 0) <= 900
