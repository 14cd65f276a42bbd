"""Publishing's health figures from the publisher's counters (chalicelib/health.py).

Each attempt's outcome is counted per network and 10-minute bucket; a publish's lateness
goes into a histogram of geometric bins (each 25 % wider than the one before, from
0.1 s), so p50/p99 are read back as the upper edge of the bin they fall in: within 25 %
of the true figure, from a counter item a few hundred bytes long.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

BUCKET = timedelta(minutes=10)
FIRST_EDGE = 0.1  # seconds: bin 0 holds lateness up to this
GROWTH = 1.25
LAST_BIN = 63  # its lower edge is about 1.3 days: anything later lands here

# The counters' attribute names (short: the item stays well under 1 KB, one write unit).
ATTEMPTS, PUBLISHED, RETRIED, FAILED, UNCONFIRMED = "n", "ok", "rt", "f", "u"
OUTCOMES = {"published": PUBLISHED, "retrying": RETRIED, "failed": FAILED}
KIND_PREFIX, LATENESS_PREFIX = "k_", "l"


def bucket_start(moment: datetime) -> datetime:
    """The start of the 10-minute bucket `moment` falls in (UTC)."""
    moment = moment.astimezone(UTC).replace(second=0, microsecond=0)
    return moment - timedelta(minutes=moment.minute % 10)


def buckets_between(start: datetime, end: datetime) -> list[datetime]:
    """Every bucket from the one holding `start` to the one holding `end`."""
    found, at = [], bucket_start(start)
    while at <= end:
        found.append(at)
        at += BUCKET
    return found


def lateness_bin(seconds: float) -> int:
    if seconds <= FIRST_EDGE:
        return 0
    return min(LAST_BIN, math.ceil(math.log(seconds / FIRST_EDGE, GROWTH) - 1e-9))


def bin_upper(index: int) -> float:
    return float(FIRST_EDGE * GROWTH**index)


def attempt_counts(outcome: str, kind: str | None, lateness: float | None) -> dict[str, int]:
    """What one attempt adds to its bucket: an attempt, its outcome (unconfirmed is a
    failure that may have gone out), the failure's kind, the lateness bin."""
    counts = {ATTEMPTS: 1}
    if outcome == "unconfirmed":
        counts[FAILED] = counts[UNCONFIRMED] = 1
    else:
        counts[OUTCOMES[outcome]] = 1
    if kind and outcome != "published":
        counts[KIND_PREFIX + kind] = 1
    if lateness is not None:
        counts[f"{LATENESS_PREFIX}{lateness_bin(lateness)}"] = 1
    return counts


def add_up(items: Iterable[Mapping[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for item in items:
        for name, value in item.items():
            total[name] = total.get(name, 0) + int(value)
    return total


def percentile(histogram: Mapping[int, int], q: float) -> float | None:
    """The upper edge of the bin holding the q-th quantile (None without samples)."""
    samples = sum(histogram.values())
    if samples == 0:
        return None
    wanted = max(1, math.ceil(q * samples))
    seen = 0
    for index in sorted(histogram):
        seen += histogram[index]
        if seen >= wanted:
            return round(bin_upper(index), 2)
    return round(bin_upper(max(histogram)), 2)


def figures(counts: Mapping[str, int]) -> dict[str, object]:
    """A window's figures for one network from its buckets' summed counters."""
    published, failed = counts.get(PUBLISHED, 0), counts.get(FAILED, 0)
    settled = published + failed
    histogram = {
        int(name[len(LATENESS_PREFIX) :]): value
        for name, value in counts.items()
        if name.startswith(LATENESS_PREFIX) and name[len(LATENESS_PREFIX) :].isdigit()
    }
    return {
        "attempts": counts.get(ATTEMPTS, 0),
        "published": published,
        "retried": counts.get(RETRIED, 0),
        "failed": failed,
        "unconfirmed": counts.get(UNCONFIRMED, 0),
        "success_rate": round(published / settled, 4) if settled else None,
        "failure_kinds": {
            name[len(KIND_PREFIX) :]: value
            for name, value in sorted(counts.items())
            if name.startswith(KIND_PREFIX)
        },
        "lateness_p50_seconds": percentile(histogram, 0.5),
        "lateness_p99_seconds": percentile(histogram, 0.99),
    }


# ---- The alarms' figures (the sweeper evaluates them every 5 minutes) ----------------
# One CloudWatch alarm per figure instead of one per network (an alarm is billed per
# metric it watches: per-network alarms were 30 of them), computed from the same
# counters the operators' page reads, so the alarm and the page agree.
SIGNAL_BUCKETS = 2  # this 10-minute bucket so far and the one before: 10 to 20 minutes
FAILURE_RATE_THRESHOLD = 0.2  # more than a fifth of the settled attempts failed
FAILURE_RATE_MIN_SETTLED = 5  # ... out of at least this many (one failure in two is noise)
LATENESS_P99_THRESHOLD = 60.0  # seconds


def signals(by_network: Mapping[str, Mapping[str, int]]) -> dict[str, object]:
    """From each network's summed counters over the signal window: the networks over the
    failure-rate threshold (with their rates), the worst network's lateness p99, the
    networks whose p99 is over the lateness threshold, and whether anything was attempted
    at all (with nothing attempted no figure is emitted: an idle deployment sends
    CloudWatch nothing). p99 is a bin's upper edge (`figures`): up to a quarter above the
    true figure, so the lateness alarm errs towards waking someone."""
    failing: dict[str, float] = {}
    late: dict[str, float] = {}
    worst: float | None = None
    attempted = False
    for network, counts in sorted(by_network.items()):
        shown = figures(counts)
        attempted = attempted or bool(shown["attempts"])
        published, failed = counts.get(PUBLISHED, 0), counts.get(FAILED, 0)
        settled = published + failed
        if settled >= FAILURE_RATE_MIN_SETTLED and failed / settled > FAILURE_RATE_THRESHOLD:
            failing[network] = round(failed / settled, 4)
        p99 = shown["lateness_p99_seconds"]
        if isinstance(p99, float):
            worst = p99 if worst is None else max(worst, p99)
            if p99 > LATENESS_P99_THRESHOLD:
                late[network] = p99
    return {
        "attempted": attempted,
        "failing": failing,
        "late": late,
        "worst_lateness_p99_seconds": worst,
    }
