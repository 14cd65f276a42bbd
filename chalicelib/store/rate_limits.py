"""Fixed-window counters with a TTL, for throttling (e.g. sign-in attempts).

`take` counts one hit on several counters at once, all or none, each with a condition
that it is below its limit: however many requests arrive together, a counter never goes
past its limit. Several counters take one DynamoDB transaction (all or none, 2 write
units each); one counter (the collector's budgets, most throttles) one conditional
UpdateItem, whose condition gives the same guarantee for 1 write unit.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.exceptions import TransactWriteError, UpdateError

from chalicelib.store.base import table_meta
from chalicelib.store.model import StoredModel
from chalicelib.store.transactions import failed_conditions, transaction


class CounterRecord(StoredModel):
    Meta = table_meta("rate_limits")

    counter_key = UnicodeAttribute(hash_key=True)
    hits = NumberAttribute(default=0)
    window_ends = NumberAttribute(default=0)
    ttl = TTLAttribute(null=True)


def _window(key: str, window_seconds: int, now: float) -> tuple[str, int]:
    start = int(now) - int(now) % window_seconds
    return f"{key}@{start}", start + window_seconds


@dataclass(frozen=True)
class Taken:
    """What `take` did: the window keys it counted on (to give back), or which counter
    refused and how long until its window ends."""

    window_keys: tuple[str, ...]
    refused: str | None = None
    retry_after: int = 0

    @property
    def ok(self) -> bool:
        return self.refused is None


def take(
    limits: Sequence[tuple[str, int]],
    window_seconds: int,
    now: float | None = None,
    cost: int = 1,
) -> Taken:
    """Count `cost` hits on every `(key, limit)` counter, or on none when any of them has
    fewer than `cost` left (then `refused` names the first such key)."""
    now = time.time() if now is None else now
    windows = [(_window(key, window_seconds, now), limit) for key, limit in limits]
    retry_after = max(1, windows[0][0][1] - int(now)) if windows else 0
    # A counter not yet written passes the condition below whatever the cost, so a cost
    # no window could ever hold is refused here.
    for key, limit in limits:
        if cost > limit:
            return Taken((), key, retry_after)
    counted = tuple(window_key for (window_key, _), _ in windows)
    if len(windows) == 1:
        (window_key, ends), limit = windows[0]
        try:
            CounterRecord._get_connection().update_item(
                window_key, actions=_counting(cost, ends), condition=_room(limit, cost)
            )
        except UpdateError as error:
            if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise
            return Taken((), limits[0][0], retry_after)
        return Taken(counted, None, retry_after)
    try:
        with transaction() as write:
            for (window_key, ends), limit in windows:
                write.update(
                    CounterRecord(window_key),
                    actions=_counting(cost, ends),
                    condition=_room(limit, cost),
                )
    except TransactWriteError as error:
        failed = failed_conditions(error)
        if not any(failed):
            raise
        refused = limits[failed.index(True)][0]
        return Taken((), refused, retry_after)
    return Taken(counted, None, retry_after)


def _counting(cost: int, ends: int) -> list[Any]:
    return [
        CounterRecord.hits.add(cost),
        CounterRecord.window_ends.set(ends),
        CounterRecord.ttl.set(datetime.fromtimestamp(ends + 60, UTC)),
    ]


def _room(limit: int, cost: int) -> Any:
    """The counter has room for `cost` more hits (one not yet written has any room)."""
    return CounterRecord.hits.does_not_exist() | (CounterRecord.hits <= limit - cost)


def give_back(taken: Taken, clear: int = 0) -> None:
    """Undo the hits of `take` on the windows they were counted in, in one transaction;
    the first `clear` counters are deleted instead (their count starts again)."""
    with transaction() as write:
        for n, window_key in enumerate(taken.window_keys):
            if n < clear:
                write.delete(CounterRecord(window_key))
            else:
                write.update(CounterRecord(window_key), actions=[CounterRecord.hits.add(-1)])
