"""The health page's figures from the publisher's counters: lateness bins and their
percentiles, success rate, 10-minute buckets."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.domain.health import (
    ATTEMPTS,
    FAILED,
    PUBLISHED,
    add_up,
    attempt_counts,
    bin_upper,
    bucket_start,
    buckets_between,
    figures,
    lateness_bin,
    signals,
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


def test_signals_count_networks_over_a_fifth_failed_of_five_or_more_and_the_worst_p99():
    def counters(published: int, failed: int, late_bin: int | None = None) -> dict[str, int]:
        found = {ATTEMPTS: published + failed, PUBLISHED: published, FAILED: failed}
        if late_bin is not None:
            found[f"l{late_bin}"] = published
        return found

    figures = signals(
        {
            "x": counters(4, 1),  # exactly a fifth: not over
            "linkedin": counters(3, 2, lateness_bin(2.0)),  # 40 % of 5
            "threads": counters(1, 3),  # 75 %, but of 4: too few to judge
            "mastodon": counters(10, 0, lateness_bin(90.0)),
        }
    )
    assert figures["attempted"] is True
    assert figures["failing"] == {"linkedin": 0.4}
    assert list(figures["late"]) == ["mastodon"]
    assert figures["worst_lateness_p99_seconds"] == round(bin_upper(lateness_bin(90.0)), 2)
    assert signals({})["attempted"] is False
