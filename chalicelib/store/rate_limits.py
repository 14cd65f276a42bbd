"""Fixed-window counters with a TTL, for throttling (e.g. failed sign-ins)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute

from chalicelib.store.base import StoredModel, table_meta


class CounterRecord(StoredModel):
    Meta = table_meta("rate_limits")

    counter_key = UnicodeAttribute(hash_key=True)
    hits = NumberAttribute(default=0)
    window_ends = NumberAttribute(default=0)
    ttl = TTLAttribute(null=True)


def _window(key: str, window_seconds: int, now: float) -> tuple[str, int]:
    start = int(now) - int(now) % window_seconds
    return f"{key}@{start}", start + window_seconds


def current(key: str, window_seconds: int, now: float | None = None) -> tuple[int, int]:
    """(count in the current window, seconds until the window ends)."""
    now = time.time() if now is None else now
    window_key, ends = _window(key, window_seconds, now)
    try:
        count = int(CounterRecord.get(window_key, consistent_read=True).hits)
    except CounterRecord.DoesNotExist:
        count = 0
    return count, max(1, ends - int(now))


def increment(key: str, window_seconds: int, now: float | None = None) -> int:
    """Add one to the current window's count (atomically) and return the new count."""
    now = time.time() if now is None else now
    window_key, ends = _window(key, window_seconds, now)
    record = CounterRecord(window_key)
    record.update(
        [
            CounterRecord.hits.add(1),
            CounterRecord.window_ends.set(ends),
            CounterRecord.ttl.set(datetime.fromtimestamp(ends + 60, UTC)),
        ]
    )
    return int(record.hits)


def reset(key: str, window_seconds: int, now: float | None = None) -> None:
    now = time.time() if now is None else now
    window_key, _ = _window(key, window_seconds, now)
    CounterRecord(window_key).delete()
