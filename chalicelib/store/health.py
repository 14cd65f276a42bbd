"""Publishing's health counters and the sweeper's last run, in the rate-limits table.

One small item per network and 10-minute bucket (`health#<network>#<bucket>`), to which
the publisher ADDs each attempt's outcome in one UpdateItem; the health page reads them
back by key (BatchGetItem): nothing scans the posts table, and nothing is read per
publish. The items expire (TTL) after `KEEP`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from chalicelib.store.base import iso

KEEP = timedelta(days=3)
SWEEPER_KEY = "health#sweeper"
_BATCH = 100  # BatchGetItem's most keys a call


def _table() -> str:
    from chalicelib.settings import get_settings

    return get_settings().tables.rate_limits


def counter_key(network: str, bucket: datetime) -> str:
    return f"health#{network}#{bucket:%Y-%m-%dT%H:%M}"


def add(network: str, bucket: datetime, counts: Mapping[str, int]) -> None:
    """Add `counts` to the network's bucket (created on first use, with its expiry)."""
    from chalicelib.aws import client

    names = {f"#a{i}": name for i, name in enumerate(counts)}
    values = {f":v{i}": {"N": str(int(value))} for i, value in enumerate(counts.values())}
    names["#ttl"] = "ttl"
    values[":ttl"] = {"N": str(int((bucket + KEEP).timestamp()))}
    client("dynamodb").update_item(
        TableName=_table(),
        Key={"counter_key": {"S": counter_key(network, bucket)}},
        UpdateExpression="ADD "
        + ", ".join(f"#a{i} :v{i}" for i in range(len(counts)))
        + " SET #ttl = if_not_exists(#ttl, :ttl)",
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=values,
    )


def read(
    networks: Iterable[str], buckets: Iterable[datetime]
) -> dict[tuple[str, str], dict[str, int]]:
    """The counters of every (network, bucket) that has any, by (network, bucket key)."""
    from chalicelib.aws import client

    wanted = [counter_key(n, b) for n in networks for b in buckets]
    dynamodb = client("dynamodb")
    found: dict[tuple[str, str], dict[str, int]] = {}
    for start in range(0, len(wanted), _BATCH):
        request: dict[str, Any] = {
            _table(): {"Keys": [{"counter_key": {"S": k}} for k in wanted[start : start + _BATCH]]}
        }
        while request:
            answer = dynamodb.batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(_table(), []):
                _, network, bucket = item["counter_key"]["S"].split("#", 2)
                found[(network, bucket)] = {
                    name: int(value["N"])
                    for name, value in item.items()
                    if name not in ("counter_key", "ttl") and "N" in value
                }
            request = answer.get("UnprocessedKeys") or {}
    return found


def record_sweep(
    at: datetime,
    counts: Mapping[str, int],
    armed: list[dict[str, str]],
    signals: Mapping[str, Any] | None = None,
) -> None:
    """The sweeper's last run: when, what it did, the posts it armed (the first few) and
    the alarms' figures it evaluated."""
    from chalicelib.aws import client

    client("dynamodb").put_item(
        TableName=_table(),
        Item={
            "counter_key": {"S": SWEEPER_KEY},
            "at": {"S": iso(at)},
            "counts": {"S": json.dumps(dict(counts))},
            "armed": {"S": json.dumps(armed)},
            "signals": {"S": json.dumps(dict(signals or {}))},
            "ttl": {"N": str(int((at + KEEP).timestamp()))},
        },
    )


def last_sweep() -> dict[str, Any] | None:
    from chalicelib.aws import client

    item = (
        client("dynamodb")
        .get_item(TableName=_table(), Key={"counter_key": {"S": SWEEPER_KEY}})
        .get("Item")
    )
    if item is None:
        return None
    return {
        "at": item["at"]["S"],
        "counts": json.loads(item["counts"]["S"]),
        "armed": json.loads(item["armed"]["S"]),
        "signals": json.loads(item.get("signals", {}).get("S", "{}")),
    }


def due_refreshes(now: datetime, shards: int, cap: int = 10_000) -> tuple[int, str | None]:
    """How many analytics refreshes are overdue by `now` (the collector's queue off plan:
    retries, throttled fetches, reconnections, runs' leftovers; on-plan refreshes are taken
    by their bucket's run, chalicelib/store/metrics.py) and the oldest one's due time."""
    from chalicelib.store.metrics import due_backlog

    return due_backlog(now)
