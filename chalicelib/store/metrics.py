"""Analytics storage: each published target's snapshots over time, each account's figures
per day, and the networks' prior of best times. One table, keyed by the workspace.

Items of a workspace (hash key `workspace_id`, sort key `item_key`):

- `t#<published_at>#<target_id>`: one published target. `target_rows` of a period is one
  query of the workspace's partition by publication time. It holds the target's facts
  (post, account, network, external id, url, excerpt, first media), `latest` (the newest
  snapshot's values), `snapshots` (appended, never rewritten: oldest first), `state`
  (`collecting`, `done`, `paused` = the account needs reconnecting) and its collection
  plan: `refresh_step` (the index of the next refresh in the collector's offsets),
  `attempts` (failed fetches of that refresh) and, while a refresh is planned, `due_at`
  with `due_shard` (the sparse `due-index`, read across tenants by the collector, as the
  sweeper reads posts). Two more GSIs: `post-index` (workspace + `<post_id>#<target_id>`:
  `post_rows`) and `account-index` (`<workspace_id>#<account_id>` + `published_at`:
  `account_history`, newest first). Both keep keys only, the rows read from the table by
  key after them (`_full`): a row is written twice a refresh and grows a snapshot each
  time, and whole copies in two indexes tripled what each write cost (bench/cost.py).
- `d#<account_id>#<YYYY-MM-DD>`: one account on one UTC day (followers); `account_days`
  is one range query.

The networks' priors (deployment-wide, written by the best-times job) live under the
workspace id `#prior`, which no workspace can have.

Snapshot values are counters by canonical metric name; a name absent from `values` is a
figure the network does not give (null), never 0.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.constants import ALL_OLD, NONE
from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection

from chalicelib.store.base import StoredModel, iso, table_meta

DUE_SHARDS = 8  # the collector reads this many GSI partitions, so no one partition is hot
CLAIM_KEPT = timedelta(days=1)  # a claim item's TTL after its end (TTL deletes lazily)
PRIOR_WORKSPACE = "#prior"
COLLECTING, DONE, PAUSED = "collecting", "done", "paused"


@dataclass(frozen=True)
class TargetMetricsRow:
    workspace_id: str
    post_id: str
    target_id: str
    account_id: str
    network: str
    external_id: str
    url: str | None
    excerpt: str  # the first 140 characters of the text sent
    media_id: str | None  # the first media item, for a thumbnail
    published_at: datetime  # UTC
    latest: dict[str, int] = field(default_factory=dict)  # absent key: not given
    snapshots: list[tuple[datetime, dict[str, int]]] = field(default_factory=list)  # oldest first
    collected_at: datetime | None = None
    state: str = COLLECTING  # "collecting" | "done" | "paused" (needs reconnect)


@dataclass(frozen=True)
class AccountDayRow:
    workspace_id: str
    account_id: str
    network: str
    day: date
    followers: int | None
    values: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Appended:
    """A snapshot `record_snapshot` appended; `first`: the target's first figures."""

    post_id: str
    first: bool


@dataclass(frozen=True)
class DueEntry:
    """A planned refresh, as the collector reads it from the due index."""

    workspace_id: str
    item_key: str
    target_id: str
    account_id: str
    network: str
    external_id: str
    refresh_step: int
    attempts: int
    due_at: str


# -- models ------------------------------------------------------------------------------


class SnapshotAttribute(MapAttribute):
    at = UnicodeAttribute()
    values: MapAttribute[str, Any] = MapAttribute()  # metric name -> count


class PostIndex(GlobalSecondaryIndex["TargetMetricsItem"]):
    class Meta:
        index_name = "post-index"
        projection = KeysOnlyProjection()

    workspace_id = UnicodeAttribute(hash_key=True)
    post_key = UnicodeAttribute(range_key=True)


class AccountIndex(GlobalSecondaryIndex["TargetMetricsItem"]):
    class Meta:
        index_name = "account-index"
        projection = KeysOnlyProjection()

    account_key = UnicodeAttribute(hash_key=True)
    published_at = UnicodeAttribute(range_key=True)


class DueIndex(GlobalSecondaryIndex["TargetMetricsItem"]):
    class Meta:
        index_name = "due-index"
        projection = IncludeProjection(
            ["account_id", "network", "external_id", "target_id", "refresh_step", "attempts"]
        )

    due_shard = UnicodeAttribute(hash_key=True)
    due_at = UnicodeAttribute(range_key=True)


class TargetMetricsItem(StoredModel):
    Meta = table_meta("metrics")

    workspace_id = UnicodeAttribute(hash_key=True)
    item_key = UnicodeAttribute(range_key=True)  # t#<published_at>#<target_id>
    post_key = UnicodeAttribute()  # <post_id>#<target_id>
    account_key = UnicodeAttribute()  # <workspace_id>#<account_id>
    published_at = UnicodeAttribute()
    post_id = UnicodeAttribute()
    target_id = UnicodeAttribute()
    account_id = UnicodeAttribute()
    network = UnicodeAttribute()
    external_id = UnicodeAttribute()
    url = UnicodeAttribute(null=True)
    excerpt = UnicodeAttribute(default="")
    media_id = UnicodeAttribute(null=True)
    latest: MapAttribute[str, Any] = MapAttribute(default=dict)
    snapshots: ListAttribute[SnapshotAttribute] = ListAttribute(of=SnapshotAttribute, default=list)
    collected_at = UnicodeAttribute(null=True)
    state = UnicodeAttribute(default=COLLECTING)
    refresh_step = NumberAttribute(default=0)
    attempts = NumberAttribute(default=0)
    last_error = UnicodeAttribute(null=True)
    due_shard = UnicodeAttribute(null=True)
    due_at = UnicodeAttribute(null=True)

    post_index = PostIndex()
    account_index = AccountIndex()
    due_index = DueIndex()


class AccountDayItem(StoredModel):
    Meta = table_meta("metrics")

    workspace_id = UnicodeAttribute(hash_key=True)
    item_key = UnicodeAttribute(range_key=True)  # d#<account_id>#<YYYY-MM-DD>
    account_id = UnicodeAttribute()
    network = UnicodeAttribute()
    day = UnicodeAttribute()
    followers = NumberAttribute(null=True)
    values: MapAttribute[str, Any] = MapAttribute(default=dict)


class PriorItem(StoredModel):
    Meta = table_meta("metrics")

    workspace_id = UnicodeAttribute(hash_key=True)  # always PRIOR_WORKSPACE
    item_key = UnicodeAttribute(range_key=True)  # prior#<network>
    prior = JSONAttribute(default=dict)


# -- keys --------------------------------------------------------------------------------


def target_key(published_at: datetime, target_id: str) -> str:
    return f"t#{iso(published_at)}#{target_id}"


def day_key(account_id: str, day: date) -> str:
    return f"d#{account_id}#{day.isoformat()}"


def due_shard(account_id: str) -> str:
    """One account's refreshes are all in one shard: the collector groups them by account."""
    return str(int(hashlib.sha256(account_id.encode()).hexdigest(), 16) % DUE_SHARDS)


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def _counts(values: Any) -> dict[str, int]:
    raw = values.as_dict() if isinstance(values, MapAttribute) else dict(values or {})
    return {str(name): int(count) for name, count in raw.items()}


def _just_before(moment: datetime) -> str:
    return iso(moment)[:-1] + "."  # "." sorts before "Z": every time < moment, none at it


# -- target rows -------------------------------------------------------------------------


def target_item(row: TargetMetricsRow, due_at: datetime | None = None) -> TargetMetricsItem:
    """The stored item of `row`, with its next refresh planned at `due_at` (None: none)."""
    item = TargetMetricsItem(
        row.workspace_id,
        target_key(row.published_at, row.target_id),
        post_key=f"{row.post_id}#{row.target_id}",
        account_key=f"{row.workspace_id}#{row.account_id}",
        published_at=iso(row.published_at),
        post_id=row.post_id,
        target_id=row.target_id,
        account_id=row.account_id,
        network=row.network,
        external_id=row.external_id,
        url=row.url,
        excerpt=row.excerpt[:140],
        media_id=row.media_id,
        latest=dict(row.latest),
        snapshots=[
            SnapshotAttribute(at=iso(at), values=dict(values)) for at, values in row.snapshots
        ],
        collected_at=iso(row.collected_at) if row.collected_at else None,
        state=row.state,
    )
    if due_at is not None and row.state == COLLECTING:
        item.due_at, item.due_shard = iso(due_at), due_shard(row.account_id)
    return item


def put_target_row(row: TargetMetricsRow, *, due_at: datetime | None = None) -> None:
    """Write the whole row (seeding, tests); the collector appends with `record_snapshot`."""
    target_item(row, due_at).save()


def row_of(item: TargetMetricsItem) -> TargetMetricsRow:
    return TargetMetricsRow(
        workspace_id=item.workspace_id,
        post_id=item.post_id,
        target_id=item.target_id,
        account_id=item.account_id,
        network=item.network,
        external_id=item.external_id,
        url=item.url,
        excerpt=item.excerpt or "",
        media_id=item.media_id,
        published_at=_time(item.published_at),
        latest=_counts(item.latest),
        snapshots=[(_time(s.at), _counts(s.values)) for s in item.snapshots or []],
        collected_at=_time(item.collected_at) if item.collected_at else None,
        state=item.state,
    )


def target_rows(
    workspace_id: str,
    published_from: datetime,
    published_to: datetime,
    *,
    account_id: str | None = None,
    network: str | None = None,
) -> Iterator[TargetMetricsRow]:
    """The workspace's targets published in [published_from, published_to), oldest first:
    one query of its partition, read page by page as the caller iterates."""
    condition = None
    for part in (
        TargetMetricsItem.account_id == account_id if account_id else None,
        TargetMetricsItem.network == network if network else None,
    ):
        if part is not None:
            condition = part if condition is None else condition & part
    results = TargetMetricsItem.query(
        workspace_id,
        TargetMetricsItem.item_key.between(
            f"t#{iso(published_from)}", f"t#{_just_before(published_to)}"
        ),
        filter_condition=condition,
        page_size=500,
    )
    return (row_of(item) for item in results)


def post_rows(workspace_id: str, post_id: str) -> list[TargetMetricsRow]:
    """The post's published targets (one GSI query)."""
    results = TargetMetricsItem.post_index.query(
        workspace_id, TargetMetricsItem.post_key.startswith(f"{post_id}#")
    )
    return [row_of(item) for item in _full(results)]


def account_history(workspace_id: str, account_id: str, limit: int = 500) -> list[TargetMetricsRow]:
    """The account's latest `limit` targets, newest first (best times)."""
    results = TargetMetricsItem.account_index.query(
        f"{workspace_id}#{account_id}", scan_index_forward=False, limit=limit, page_size=limit
    )
    return [row_of(item) for item in _full(results)]


def _full(keys: Iterable[TargetMetricsItem]) -> list[TargetMetricsItem]:
    """The rows whose keys a keys-only index gave, read from the table (BatchGetItem, 100
    a call), in the index's order; a row deleted since is left out."""
    wanted = [(item.workspace_id, item.item_key) for item in keys]
    if not wanted:
        return []
    found = {(i.workspace_id, i.item_key): i for i in TargetMetricsItem.batch_get(wanted)}
    return [found[key] for key in wanted if key in found]


def get_target(workspace_id: str, item_key: str) -> TargetMetricsItem | None:
    try:
        return TargetMetricsItem.get(workspace_id, item_key, consistent_read=True)
    except DoesNotExist:
        return None


def latest_of(workspace_id: str, item_key: str) -> dict[str, int]:
    """A target's latest figures ({} when it has none or is gone)."""
    item = get_target(workspace_id, item_key)
    return {} if item is None else _counts(item.latest)


# -- the collector's writes ----------------------------------------------------------------


def record_snapshot(
    workspace_id: str,
    item_key: str,
    step: int,
    at: datetime,
    values: dict[str, int],
    next_due: datetime | None,
    account_id: str,
    latest: dict[str, int] | None = None,
) -> Appended | None:
    """Append one snapshot of the refresh `step` and plan the next one at `next_due`
    (None: the row is `done`). Conditional on the row still waiting for that step, so a
    second collector that fetched the same refresh appends nothing. None if refused.
    `latest`: the row's latest figures when they are not `values` (carried forward)."""
    stamp = iso(at)
    actions: list[Any] = [
        TargetMetricsItem.snapshots.set(
            TargetMetricsItem.snapshots.append([SnapshotAttribute(at=stamp, values=dict(values))])
        ),
        TargetMetricsItem.latest.set(dict(values if latest is None else latest)),
        TargetMetricsItem.collected_at.set(stamp),
        TargetMetricsItem.refresh_step.set(step + 1),
        TargetMetricsItem.attempts.set(0),
        TargetMetricsItem.last_error.remove(),
    ]
    actions += _plan_actions(next_due, account_id)
    # The row as it was (no extra read): whether it had figures, and its post.
    old = _update_returning(workspace_id, item_key, actions, _waiting_for(step), ALL_OLD)
    if old is None:
        return None
    return Appended(post_id=old["post_id"]["S"], first="collected_at" not in old)


def claim(
    workspace_id: str, item_key: str, step: int, due_at: str, until: datetime, now: datetime
) -> bool:
    """A collector run takes the refresh `step` (planned at `due_at`) until `until`: a
    small claim item in the rate-limits table, written only if no claim of that refresh
    holds past `now`. False when another run holds it. Should the run die, the row is
    still due and the next run after `until` takes it.

    Not a write to the row itself: the row carries its snapshots (a few KB by the last
    refresh) and every update is billed by the whole row, plus its move in the due index;
    the claim costs one write unit instead (bench/cost.py). A refresh already recorded,
    read from a lagging index, may be claimed and fetched once more, but nothing is
    appended: `record_snapshot` is conditional on the row still waiting for `step`."""
    from pynamodb.exceptions import PutError

    from chalicelib.store.rate_limits import CounterRecord

    record = CounterRecord(
        # By its due time too: a refresh planned again after a failed fetch is a new one.
        f"claim#{workspace_id}#{item_key}#{step}#{due_at}",
        hits=1,
        window_ends=int(until.timestamp()),
        ttl=until + CLAIM_KEPT,
    )
    free = CounterRecord.counter_key.does_not_exist() | (
        CounterRecord.window_ends <= int(now.timestamp())
    )
    try:
        record.save(condition=free)
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def replan(
    workspace_id: str,
    item_key: str,
    step: int,
    due: datetime,
    attempts: int,
    error: str | None,
    account_id: str,
    skip: bool = False,
) -> bool:
    """A fetch that failed: try the same refresh again at `due` (its snapshots stay as
    they are). `skip`: that refresh is given up, the next one is planned at `due`."""
    actions: list[Any] = [
        TargetMetricsItem.attempts.set(0 if skip else attempts),
        TargetMetricsItem.last_error.set(error) if error else TargetMetricsItem.last_error.remove(),
    ]
    if skip:
        actions.append(TargetMetricsItem.refresh_step.set(step + 1))
    actions += _plan_actions(due, account_id)
    return _update(workspace_id, item_key, actions, _waiting_for(step))


def finish(workspace_id: str, item_key: str, step: int, error: str | None) -> bool:
    """No refresh left to plan (the last one was given up): the row is `done`."""
    actions: list[Any] = [TargetMetricsItem.refresh_step.set(step + 1)]
    if error:
        actions.append(TargetMetricsItem.last_error.set(error))
    return _update(workspace_id, item_key, actions + _plan_actions(None, ""), _waiting_for(step))


def pause_account(workspace_id: str, account_id: str, reason: str) -> int:
    """The account needs reconnecting: every row still collecting becomes `paused` and
    leaves the due index (nothing polls it any more). How many rows were paused."""
    paused = 0
    rows = _full(TargetMetricsItem.account_index.query(f"{workspace_id}#{account_id}"))
    for item in (row for row in rows if row.state == COLLECTING):
        if _update(
            workspace_id,
            item.item_key,
            [
                TargetMetricsItem.state.set(PAUSED),
                TargetMetricsItem.last_error.set(reason),
                TargetMetricsItem.due_at.remove(),
                TargetMetricsItem.due_shard.remove(),
            ],
            TargetMetricsItem.state == COLLECTING,
        ):
            paused += 1
    return paused


def resume_account(workspace_id: str, account_id: str, due: datetime) -> int:
    """The account was reconnected: its paused rows collect again, next refresh at `due`."""
    resumed = 0
    rows = _full(TargetMetricsItem.account_index.query(f"{workspace_id}#{account_id}"))
    for item in (row for row in rows if row.state == PAUSED):
        actions = [
            TargetMetricsItem.state.set(COLLECTING),
            TargetMetricsItem.attempts.set(0),
            TargetMetricsItem.last_error.remove(),
            TargetMetricsItem.due_at.set(iso(due)),
            TargetMetricsItem.due_shard.set(due_shard(account_id)),
        ]
        if _update(workspace_id, item.item_key, actions, TargetMetricsItem.state == PAUSED):
            resumed += 1
    return resumed


def _plan_actions(due: datetime | None, account_id: str) -> list[Any]:
    if due is None:
        return [
            TargetMetricsItem.state.set(DONE),
            TargetMetricsItem.due_at.remove(),
            TargetMetricsItem.due_shard.remove(),
        ]
    return [
        TargetMetricsItem.due_at.set(iso(due)),
        TargetMetricsItem.due_shard.set(due_shard(account_id)),
    ]


def _waiting_for(step: int) -> Any:
    return (TargetMetricsItem.state == COLLECTING) & (TargetMetricsItem.refresh_step == step)


def _update(workspace_id: str, item_key: str, actions: list[Any], condition: Any) -> bool:
    return _update_returning(workspace_id, item_key, actions, condition, NONE) is not None


def _update_returning(
    workspace_id: str, item_key: str, actions: list[Any], condition: Any, returning: str
) -> dict[str, Any] | None:
    """The conditional update; None when its condition failed, else the attributes asked
    for by `returning` (DynamoDB's ReturnValues), in DynamoDB's wire format."""
    try:
        answer = TargetMetricsItem._get_connection().update_item(
            workspace_id,
            item_key,
            actions=actions,
            condition=condition & TargetMetricsItem.item_key.exists(),
            return_values=returning,
        )
    except UpdateError as error:
        if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
            return None
        raise
    return dict((answer or {}).get("Attributes") or {})


def due_entries(until: datetime, shard: str | None = None) -> Iterator[DueEntry]:
    """Every refresh planned at or before `until`, across tenants (the collector's read:
    the sparse due index, shard by shard, each shard's entries in time order)."""
    shards = [shard] if shard is not None else [str(n) for n in range(DUE_SHARDS)]
    for name in shards:
        for item in TargetMetricsItem.due_index.query(
            name, TargetMetricsItem.due_at <= iso(until), page_size=1000
        ):
            yield _entry(item)


def workspace_due(workspace_id: str) -> list[DueEntry]:
    """Every planned refresh of one workspace, whatever its time (collection forced)."""
    results = TargetMetricsItem.query(
        workspace_id,
        TargetMetricsItem.item_key.startswith("t#"),
        filter_condition=TargetMetricsItem.due_at.exists(),
        page_size=1000,
    )
    return [_entry(item) for item in results]


def _entry(item: TargetMetricsItem) -> DueEntry:
    return DueEntry(
        workspace_id=item.workspace_id,
        item_key=item.item_key,
        target_id=item.target_id,
        account_id=item.account_id,
        network=item.network,
        external_id=item.external_id,
        refresh_step=int(item.refresh_step or 0),
        attempts=int(item.attempts or 0),
        due_at=item.due_at or "",
    )


# -- account days ------------------------------------------------------------------------


def account_day_item(row: AccountDayRow) -> AccountDayItem:
    return AccountDayItem(
        row.workspace_id,
        day_key(row.account_id, row.day),
        account_id=row.account_id,
        network=row.network,
        day=row.day.isoformat(),
        followers=row.followers,
        values=dict(row.values),
    )


def put_account_day(row: AccountDayRow) -> None:
    """One account's figures of one UTC day (a second write that day replaces the first)."""
    account_day_item(row).save()


def account_days(
    workspace_id: str, account_id: str, day_from: date, day_to: date
) -> list[AccountDayRow]:
    """The account's rows from `day_from` to `day_to`, both included, oldest first."""
    results = AccountDayItem.query(
        workspace_id,
        AccountDayItem.item_key.between(day_key(account_id, day_from), day_key(account_id, day_to)),
    )
    return [
        AccountDayRow(
            workspace_id=item.workspace_id,
            account_id=item.account_id,
            network=item.network,
            day=date.fromisoformat(item.day),
            followers=int(item.followers) if item.followers is not None else None,
            values=_counts(item.values),
        )
        for item in results
    ]


def days_present(workspace_id: str, account_ids: list[str], day: date) -> set[str]:
    """Which of these accounts have their row for `day` already (one BatchGetItem)."""
    keys = [(workspace_id, day_key(account_id, day)) for account_id in account_ids]
    if not keys:
        return set()
    return {
        item.account_id for item in AccountDayItem.batch_get(keys, attributes_to_get=["account_id"])
    }


# -- priors ------------------------------------------------------------------------------


def network_prior(network: str) -> dict | None:
    """The deployment-wide prior of best times of one network (None: never computed)."""
    try:
        item = PriorItem.get(PRIOR_WORKSPACE, f"prior#{network}")
    except DoesNotExist:
        return None
    return dict(item.prior or {})


def put_network_prior(network: str, prior: dict) -> None:
    PriorItem(PRIOR_WORKSPACE, f"prior#{network}", prior=prior).save()
