"""The health page's figures from the publisher's counters: lateness bins and their
percentiles, success rate, 10-minute buckets."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.domain.health import (
    add_up,
    attempt_counts,
    bin_upper,
    bucket_start,
    buckets_between,
    figures,
    lateness_bin,
)


def test_a_lateness_lands_in_a_bin_whose_upper_edge_is_within_a_quarter_of_it():
    for seconds in (0.11, 0.5, 0.93, 1.0, 7.3, 59.9, 61, 3600, 86_000):
        upper = bin_upper(lateness_bin(seconds))
        assert seconds <= upper < seconds * 1.25 + 1e-9, seconds
    assert lateness_bin(0) == lateness_bin(0.1) == 0
    assert lateness_bin(10**9) == 63


def test_figures_sum_buckets_into_rates_kinds_and_percentiles():
    attempts = [attempt_counts("published", None, 0.4) for _ in range(98)]
    attempts += [attempt_counts("published", None, 30.0), attempt_counts("published", None, 300)]
    attempts += [attempt_counts("retrying", "throttled", None)] * 3
    attempts += [
        attempt_counts("failed", "refused", None),
        attempt_counts("unconfirmed", "unanswered", None),
    ]
    seen = figures(add_up(attempts))
    assert (seen["attempts"], seen["published"], seen["retried"]) == (105, 100, 3)
    assert (seen["failed"], seen["unconfirmed"]) == (2, 1)
    assert seen["success_rate"] == round(100 / 102, 4)
    assert seen["failure_kinds"] == {"refused": 1, "throttled": 3, "unanswered": 1}
    assert 0.4 <= seen["lateness_p50_seconds"] < 0.5
    assert 30 <= seen["lateness_p99_seconds"] < 37.5  # the 99th of 100 samples
    assert figures({})["success_rate"] is None and figures({})["lateness_p99_seconds"] is None


def test_buckets_are_ten_minutes_in_utc():
    moment = datetime(2026, 3, 29, 1, 59, 59, tzinfo=UTC)
    assert bucket_start(moment) == datetime(2026, 3, 29, 1, 50, tzinfo=UTC)
    start = datetime(2026, 3, 29, 1, 5, tzinfo=UTC)
    assert len(buckets_between(start, moment)) == 6
