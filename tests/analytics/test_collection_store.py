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
