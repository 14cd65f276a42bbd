"""Analytics storage: each published target's snapshots over time, each account's figures
per day, and the networks' prior of best times. One table, keyed by the workspace.

Items of a workspace (hash key `workspace_id`, sort key `item_key`):

- `t#<published_at>#<target_id>`: one published target. `target_rows` of a period is one
  query of the workspace's partition by publication time. It holds the target's facts
  (post, account, network, external id, url, excerpt, first media), `latest` (the newest
  snapshot's values), `snapshots` (appended, never rewritten: oldest first), `state`
  (`collecting`, `done`, `paused` = the account needs reconnecting) and its collection
  plan: `refresh_step` (the index of the next refresh in the collector's offsets),
  `attempts` (failed fetches of that refresh), `due_at` (when it is due) and, while one
  is planned, `due_shard` with `plan`: the sparse `due-index`, read across tenants by the
  collector. `plan` is `p#<published_at>` while the row follows its plan (refresh k due
  at publication + the k-th offset: the index entry never changes from one refresh to
  the next, the collector finds a bucket's refreshes by publication-time windows), or
  `r#<due_at>#<step>#<attempts>` once it is off plan (a retry, a throttled fetch, a
  reconnection, a refresh planned too late to keep to its plan). The index projects only
  what never changes, so an on-plan refresh writes the row and nothing else (each key
  change costs a delete and a put on the index: bench/cost.py). Two more GSIs:
  `post-index` (workspace + `post_key` = `<post_id>#<target_id>`: `post_rows`) and
  `account-index` (`<workspace_id>#<account_id>` + `published_at`: `account_history`,
  newest first). Both keep keys only, the rows read from the table by key after them
  (`_full`). The post-index is sparse: a post's targets say their publication times, so
  `post_rows` reads their rows by key; only rows its targets may no longer say carry a
  `post_key` (a recurring post's: its next occurrence clears its targets), and rows
  written before session 10 (which carry it all). A row without it costs a write unit
  less at publication and names its post in `post_id`.
  A row is kept within the 1 KB of one write unit with its five snapshots, since each
  refresh's write is billed by the whole row: the snapshots are compact strings (`snaps`:
  `<epoch seconds>|<metric code><count>,...`, the common metric names one letter),
  `latest` is stored only when it is not the newest snapshot's values (a figure carried
  forward), and the post, target and account ids are read from the keys. Rows written
  before keep their `snapshots` maps, `collected_at` and ids, and are read as well.
- `d#<account_id>#<YYYY-MM-DD>`: one account on one UTC day (followers); `account_days`
  is one range query.

The networks' priors (deployment-wide, written by the best-times job) live under the
workspace id `#prior`, which no workspace can have.

Snapshot values are counters by canonical metric name; a name absent from `values` is a
figure the network does not give (null), never 0.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
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
from pynamodb.constants import NONE
from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection

from chalicelib.store.base import iso, table_meta
from chalicelib.store.model import StoredModel

DUE_SHARDS = 8  # the collector reads this many GSI partitions, so no one partition is hot
CLAIM_KEPT = timedelta(days=1)  # a claim item's TTL after its end (TTL deletes lazily)
ON_PLAN, OFF_PLAN = "p#", "r#"  # the prefixes of `plan`, the due index's sort key
CLAIMS_A_WRITE = 40  # refreshes claimed in one conditional write (its expression < 4 KB)
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
    plan: str = ""  # the row's due-index key (`p#...`: on plan; `r#...`: off plan)

    @property
    def on_plan(self) -> bool:
        return self.plan.startswith(ON_PLAN)


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
        # Only what never changes: an attribute projected here that a refresh changed
        # would cost a write on the index each refresh.
        projection = IncludeProjection(["account_key", "network", "external_id"])

    due_shard = UnicodeAttribute(hash_key=True)
    plan = UnicodeAttribute(range_key=True)


class TargetMetricsItem(StoredModel):
    Meta = table_meta("metrics")

    workspace_id = UnicodeAttribute(hash_key=True)
    item_key = UnicodeAttribute(range_key=True)  # t#<published_at>#<target_id>
    post_key = UnicodeAttribute(null=True)  # <post_id>#<target_id>: in the post-index
    account_key = UnicodeAttribute()  # <workspace_id>#<account_id>
    published_at = UnicodeAttribute()
    # Rows written before the compact form carry their ids; new ones, only in their keys
    # (and `post_id` when no `post_key` names the post).
    post_id = UnicodeAttribute(null=True)
    target_id = UnicodeAttribute(null=True)
    account_id = UnicodeAttribute(null=True)
    network = UnicodeAttribute()
    external_id = UnicodeAttribute()
    url = UnicodeAttribute(null=True)
    excerpt = UnicodeAttribute(default="")
    media_id = UnicodeAttribute(null=True)
    # Absent: the newest snapshot's values (or none yet).
    latest: MapAttribute[str, Any] = MapAttribute(null=True)
    snaps: ListAttribute[str] = ListAttribute(null=True)  # compact snapshots, oldest first
    # The earlier form (rows written before): maps, and the newest one's time.
    snapshots: ListAttribute[SnapshotAttribute] = ListAttribute(of=SnapshotAttribute, null=True)
    collected_at = UnicodeAttribute(null=True)
    state = UnicodeAttribute(default=COLLECTING)
    refresh_step = NumberAttribute(default=0)
    attempts = NumberAttribute(default=0)
    last_error = UnicodeAttribute(null=True)
    due_shard = UnicodeAttribute(null=True)
    due_at = UnicodeAttribute(null=True)
    plan = UnicodeAttribute(null=True)

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


# One-letter codes of the common metric names in `snaps` (any other name is kept whole,
# as `name=count`). Never change a code: stored rows use them.
_CODES = {
    "impressions": "i",
    "views": "v",
    "reach": "r",
    "likes": "l",
    "comments": "c",
    "shares": "s",
    "saves": "a",
    "clicks": "k",
    "quotes": "q",
    "user_profile_clicks": "u",
}
_NAMES = {code: name for name, code in _CODES.items()}


def encode_snapshot(at: datetime, values: dict[str, int]) -> str:
    parts = [
        f"{_CODES[name]}{count}" if name in _CODES else f"{name}={count}"
        for name, count in values.items()
    ]
    return f"{int(at.timestamp())}|{','.join(parts)}"


def decode_snapshot(text: str) -> tuple[datetime, dict[str, int]]:
    stamp, _, body = text.partition("|")
    values: dict[str, int] = {}
    for part in body.split(",") if body else []:
        if "=" in part:
            name, _, count = part.partition("=")
            values[name] = int(count)
        else:
            values[_NAMES[part[0]]] = int(part[1:])
    return datetime.fromtimestamp(int(stamp), UTC), values


def _just_before(moment: datetime) -> str:
    return iso(moment)[:-1] + "."  # "." sorts before "Z": every time < moment, none at it


# -- target rows -------------------------------------------------------------------------


def on_plan_key(published_at: datetime) -> str:
    """The due index's key of a row on plan: its publication time, for every refresh."""
    return f"{ON_PLAN}{iso(published_at)}"


def off_plan_key(due: datetime, step: int, attempts: int) -> str:
    """The due index's key of a row off plan: the refresh `step` due at `due`."""
    return f"{OFF_PLAN}{iso(due)}#{step}#{attempts}"


def target_item(
    row: TargetMetricsRow,
    due_at: datetime | None = None,
    *,
    on_plan: bool = False,
    by_post: bool = True,
) -> TargetMetricsItem:
    """The stored item of `row`, with its first refresh planned at `due_at` (None: none),
    `on_plan` when that is publication + the first offset (else due at `due_at` as such).
    `by_post`: in the post-index, for a row its post's targets may stop saying (a
    recurring post's); False when they keep its publication time (a write unit less)."""
    item = TargetMetricsItem(
        row.workspace_id,
        target_key(row.published_at, row.target_id),
        post_key=f"{row.post_id}#{row.target_id}" if by_post else None,
        post_id=None if by_post else row.post_id,
        account_key=f"{row.workspace_id}#{row.account_id}",
        published_at=iso(row.published_at),
        network=row.network,
        external_id=row.external_id,
        url=row.url,
        excerpt=row.excerpt[:140],
        media_id=row.media_id,
        snaps=[encode_snapshot(at, values) for at, values in row.snapshots] or None,
        state=row.state,
    )
    newest = row.snapshots[-1][1] if row.snapshots else {}
    if dict(row.latest) != newest:
        item.latest = dict(row.latest)
    if due_at is not None and row.state == COLLECTING:
        item.due_at, item.due_shard = iso(due_at), due_shard(row.account_id)
        item.plan = on_plan_key(row.published_at) if on_plan else off_plan_key(due_at, 0, 0)
    return item


def put_target_row(
    row: TargetMetricsRow, *, due_at: datetime | None = None, on_plan: bool = False
) -> None:
    """Write the whole row (seeding, tests); the collector appends with `record_snapshot`."""
    target_item(row, due_at, on_plan=on_plan).save()


def row_of(item: TargetMetricsItem) -> TargetMetricsRow:
    snapshots = [(_time(s.at), _counts(s.values)) for s in item.snapshots or []]
    snapshots += [decode_snapshot(text) for text in item.snaps or []]
    collected = snapshots[-1][0] if snapshots else None
    if item.collected_at and not item.snaps:
        collected = _time(item.collected_at)
    return TargetMetricsRow(
        workspace_id=item.workspace_id,
        post_id=item.post_id or str(item.post_key).split("#", 1)[0],
        target_id=item.target_id or _target_of(item.item_key),
        account_id=item.account_id or _account_of(item.account_key),
        network=item.network,
        external_id=item.external_id,
        url=item.url,
        excerpt=item.excerpt or "",
        media_id=item.media_id,
        published_at=_time(item.published_at),
        latest=_counts(item.latest) if item.latest is not None else latest_values(snapshots),
        snapshots=snapshots,
        collected_at=collected,
        state=item.state,
    )


def latest_values(snapshots: list[tuple[datetime, dict[str, int]]]) -> dict[str, int]:
    return dict(snapshots[-1][1]) if snapshots else {}


def _target_of(item_key: str) -> str:
    return item_key.split("#", 2)[2]  # t#<published_at>#<target_id>


def _account_of(account_key: str) -> str:
    return account_key.split("#", 1)[1]  # <workspace_id>#<account_id>


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
        TargetMetricsItem.account_key == f"{workspace_id}#{account_id}" if account_id else None,
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


_UNREAD: Any = object()


def post_rows(workspace_id: str, post_id: str, post: Any = _UNREAD) -> list[TargetMetricsRow]:
    """The post's published targets: the rows its targets name by their publication times
    (`post`: the post, read when not given; None: gone) and those of the post-index (a
    recurring post's earlier occurrences, rows written before session 10). One query of
    the index, then the rows by key (BatchGetItem)."""
    if post is _UNREAD:
        from chalicelib.store import posts

        post = posts.get(workspace_id, post_id)
    said = [
        (workspace_id, target_key(_time(target.published_at), target.target_id))
        for target in (post.targets if post is not None else [])
        if target.published_at
    ]
    indexed = TargetMetricsItem.post_index.query(
        workspace_id, TargetMetricsItem.post_key.startswith(f"{post_id}#")
    )
    keys = [*said, *((item.workspace_id, item.item_key) for item in indexed)]
    return [row_of(item) for item in _by_key(keys)]


def account_history(workspace_id: str, account_id: str, limit: int = 500) -> list[TargetMetricsRow]:
    """The account's latest `limit` targets, newest first (best times)."""
    results = TargetMetricsItem.account_index.query(
        f"{workspace_id}#{account_id}", scan_index_forward=False, limit=limit, page_size=limit
    )
    return [row_of(item) for item in _full(results)]


def _full(keys: Iterable[TargetMetricsItem]) -> list[TargetMetricsItem]:
    """The rows whose keys a keys-only index gave, read from the table, in the index's
    order; a row deleted since is left out."""
    return _by_key((item.workspace_id, item.item_key) for item in keys)


def _by_key(keys: Iterable[tuple[str, str]]) -> list[TargetMetricsItem]:
    """The rows of these keys (BatchGetItem, 100 a call), in their order, each once; a
    key with no row is left out."""
    wanted = list(dict.fromkeys(keys))
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
    return {} if item is None else row_of(item).latest


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
    plan: str | None = None,
) -> bool:
    """Append one snapshot of the refresh `step` and plan the next one at `next_due`
    (None: the row is `done` and leaves the due index). `plan`: the row's new due-index
    key, None to keep it (a row on plan keeps it from one refresh to the next).
    Conditional on the row still waiting for that step (or an earlier one it missed), so
    a second collector that fetched the same refresh appends nothing. False if refused.
    `latest`: the row's latest figures when they are not `values` (carried forward)."""
    snap = encode_snapshot(at, values)
    carried = latest is not None and dict(latest) != dict(values)
    actions: list[Any] = [
        TargetMetricsItem.snaps.set((TargetMetricsItem.snaps | []).append([snap])),
        # Stored only when it is not the newest snapshot's values.
        TargetMetricsItem.latest.set(dict(latest or {}))
        if carried
        else TargetMetricsItem.latest.remove(),
        TargetMetricsItem.collected_at.remove(),  # a row of the earlier form: now its snaps'
        TargetMetricsItem.refresh_step.set(step + 1),
        TargetMetricsItem.attempts.set(0),
        TargetMetricsItem.last_error.remove(),
    ]
    actions += _plan_actions(next_due, account_id, plan)
    condition = (TargetMetricsItem.state == COLLECTING) & (TargetMetricsItem.refresh_step <= step)
    return _update(workspace_id, item_key, actions, condition)


def claim_refreshes(
    workspace_id: str,
    account_id: str,
    entries: Sequence[DueEntry],
    until: datetime,
    now: datetime,
) -> set[tuple[str, int]]:
    """A collector run takes these refreshes of one account until `until`; the (item key,
    step) of those it took. Each refresh has its own claim, written only if no claim of
    it holds past `now`, so overlapping runs never fetch one twice; should the run die,
    the claims end at `until`.

    The claims of the refreshes due in one 10-minute bucket of one account are
    attributes of one small item in the rate-limits table, written together, up to
    CLAIMS_A_WRITE a conditional write (each with its own condition): a batch of 100
    refreshes costs a few write units, not 100 (bench/cost.py). When any of them is held,
    the write changes nothing: the item is read and the free ones are claimed again."""
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    table = get_settings().tables.rate_limits
    dynamodb = client("dynamodb")
    groups: dict[str, dict[str, DueEntry]] = {}
    for entry in entries:
        key = f"claims#{workspace_id}#{account_id}#{entry.due_at[:15]}"  # 10-minute bucket
        groups.setdefault(key, {})[_claim_name(entry)] = entry
    taken: set[tuple[str, int]] = set()
    expires = int((until + CLAIM_KEPT).timestamp())
    for key, named in groups.items():
        names = list(named)
        for start in range(0, len(names), CLAIMS_A_WRITE):
            chunk = names[start : start + CLAIMS_A_WRITE]
            for _ in range(3):  # a chunk partly held: the rest claimed again
                if not chunk:
                    break
                if _claim_chunk(dynamodb, table, key, chunk, until, now, expires) is not None:
                    taken.update((named[n].item_key, named[n].refresh_step) for n in chunk)
                    break
                held = dynamodb.get_item(
                    TableName=table, Key={"counter_key": {"S": key}}, ConsistentRead=True
                ).get("Item", {})
                chunk = [
                    n for n in chunk
                    if n not in held or int(held[n]["N"]) <= int(now.timestamp())
                ]  # fmt: skip
    return taken


def claim_bucket(bucket: datetime, until: datetime, now: datetime) -> tuple[bool, bool]:
    """A collector run takes the on-plan refreshes of the bucket ending at `bucket` until
    `until`: one write a bucket, however many accounts and refreshes it holds (claimed
    one by one, they cost a write unit a refresh when an account is alone in its
    bucket: bench/cost.py). (taken, first): taken unless another run holds them past
    `now`; first when no run ever took them, else a run before may have recorded some
    (its claim ended, it died or finished): the rows say which still wait (`waiting`)."""
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    before = _claim_chunk(
        client("dynamodb"),
        get_settings().tables.rate_limits,
        f"collect#{iso(bucket)}",
        ["until"],
        until,
        now,
        int((until + CLAIM_KEPT).timestamp()),
    )
    return before is not None, not before


def _claim_name(entry: DueEntry) -> str:
    """One refresh's claim: the target, its step and attempt, and its due time in its
    bucket (a refresh planned again is a new one)."""
    due = int(datetime.fromisoformat(entry.due_at).timestamp())
    return f"{entry.target_id}.{entry.refresh_step}.{entry.attempts}.{due % 600}"


def _claim_chunk(
    dynamodb: Any,
    table: str,
    key: str,
    names: list[str],
    until: datetime,
    now: datetime,
    expires: int,
) -> dict[str, Any] | None:
    """Claim `names` on the item `key` until `until`, each only if none of them is held
    past `now`: the item's attributes before ({}: it was new), None if refused."""
    aliases = {f"#c{i}": name for i, name in enumerate(names)}
    sets = ", ".join(f"{alias} = :u" for alias in aliases)
    free = " AND ".join(f"(attribute_not_exists({a}) OR {a} <= :n)" for a in aliases)
    try:
        answer = dynamodb.update_item(
            TableName=table,
            Key={"counter_key": {"S": key}},
            UpdateExpression=f"SET {sets}, #ttl = :t",
            ConditionExpression=free,
            ExpressionAttributeNames={**aliases, "#ttl": "ttl"},
            ExpressionAttributeValues={
                ":u": {"N": str(int(until.timestamp()))},
                ":n": {"N": str(int(now.timestamp()))},
                ":t": {"N": str(expires)},
            },
            ReturnValues="ALL_OLD",  # free: a conditional write reads the item anyway
        )
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return None
    return dict(answer.get("Attributes") or {})


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
    they are); the row is off plan until it is recorded. `skip`: that refresh is given
    up, the next one is planned at `due`. Also a refresh left for the next run."""
    following = step + 1 if skip else step
    actions: list[Any] = [
        TargetMetricsItem.attempts.set(0 if skip else attempts),
        TargetMetricsItem.last_error.set(error) if error else TargetMetricsItem.last_error.remove(),
    ]
    if skip:
        actions.append(TargetMetricsItem.refresh_step.set(following))
    plan = off_plan_key(due, following, 0 if skip else attempts)
    actions += _plan_actions(due, account_id, plan)
    return _update(workspace_id, item_key, actions, _waiting_for(step))


def finish(workspace_id: str, item_key: str, step: int, error: str | None) -> bool:
    """No refresh left to plan (the last one was given up): the row is `done`."""
    actions: list[Any] = [TargetMetricsItem.refresh_step.set(step + 1)]
    if error:
        actions.append(TargetMetricsItem.last_error.set(error))
    return _update(
        workspace_id, item_key, actions + _plan_actions(None, "", None), _waiting_for(step)
    )


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
                TargetMetricsItem.plan.remove(),
            ],
            TargetMetricsItem.state == COLLECTING,
        ):
            paused += 1
    return paused


def resume_account(workspace_id: str, account_id: str, due: datetime) -> int:
    """The account was reconnected: its paused rows collect again, next refresh at `due`
    (off plan: due then)."""
    resumed = 0
    rows = _full(TargetMetricsItem.account_index.query(f"{workspace_id}#{account_id}"))
    for item in (row for row in rows if row.state == PAUSED):
        actions = [
            TargetMetricsItem.state.set(COLLECTING),
            TargetMetricsItem.attempts.set(0),
            TargetMetricsItem.last_error.remove(),
            *_plan_actions(due, account_id, off_plan_key(due, int(item.refresh_step or 0), 0)),
        ]
        if _update(workspace_id, item.item_key, actions, TargetMetricsItem.state == PAUSED):
            resumed += 1
    return resumed


def _plan_actions(due: datetime | None, account_id: str, plan: str | None) -> list[Any]:
    if due is None:
        return [
            TargetMetricsItem.state.set(DONE),
            TargetMetricsItem.due_at.remove(),
            TargetMetricsItem.due_shard.remove(),
            TargetMetricsItem.plan.remove(),
        ]
    actions = [TargetMetricsItem.due_at.set(iso(due))]
    if plan is not None:  # else the index entry stays as it is: no write on the index
        actions += [
            TargetMetricsItem.plan.set(plan),
            TargetMetricsItem.due_shard.set(due_shard(account_id)),
        ]
    return actions


def _waiting_for(step: int) -> Any:
    return (TargetMetricsItem.state == COLLECTING) & (TargetMetricsItem.refresh_step == step)


def _update(workspace_id: str, item_key: str, actions: list[Any], condition: Any) -> bool:
    """The conditional update of an existing row; False when its condition failed."""
    try:
        TargetMetricsItem._get_connection().update_item(
            workspace_id,
            item_key,
            actions=actions,
            condition=condition & TargetMetricsItem.item_key.exists(),
            return_values=NONE,
        )
    except UpdateError as error:
        if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
            return False
        raise
    return True


def due_entries(
    until: datetime,
    shard: str | None = None,
    *,
    offsets: Sequence[timedelta] = (),
    window: tuple[datetime, datetime] | None = None,
) -> Iterator[DueEntry]:
    """The refreshes due, across tenants (the collector's read: the sparse due index,
    shard by shard): those off plan due by `until`, and with `offsets` (the collector's
    plan) and `window` = (since, to) those on plan whose refresh k is due in (since, to],
    i.e. published in (since - offset k, to - offset k]: one range of the index each, in
    which each row is found at the time of each of its refreshes without its entry ever
    changing. An on-plan entry read in a window wider than a bucket may be a refresh done
    already: `waiting` checks them against the rows."""
    shards = [shard] if shard is not None else [str(n) for n in range(DUE_SHARDS)]
    for name in shards:
        for item in TargetMetricsItem.due_index.query(
            name,
            TargetMetricsItem.plan.between(OFF_PLAN, f"{OFF_PLAN}{iso(until)}#~"),
            page_size=1000,
        ):
            yield _index_entry(item)
        if window is None:
            continue
        since, to = window
        for step, offset in enumerate(offsets):
            low, high = on_plan_key(since - offset), on_plan_key(to - offset)
            for item in TargetMetricsItem.due_index.query(
                name, TargetMetricsItem.plan.between(low, high), page_size=1000
            ):
                if item.plan != low:  # (since, until]: the earlier bucket had that one
                    yield _index_entry(item, step, offset)


def waiting(entries: Sequence[DueEntry]) -> list[DueEntry]:
    """The on-plan entries whose row still waits for that refresh (or missed it and waits
    for an earlier one), the latest such refresh of each row; off-plan entries as they
    are. One eventually consistent read of each on-plan row (BatchGetItem, 100 a call)."""
    on_plan = [e for e in entries if e.on_plan]
    rows: dict[tuple[str, str], TargetMetricsItem] = {}
    keys = list(dict.fromkeys((e.workspace_id, e.item_key) for e in on_plan))
    for start in range(0, len(keys), 100):
        for item in TargetMetricsItem.batch_get(
            keys[start : start + 100],
            attributes_to_get=["workspace_id", "item_key", "state", "refresh_step", "plan"],
        ):
            rows[(item.workspace_id, item.item_key)] = item
    best: dict[tuple[str, str], DueEntry] = {}
    for entry in on_plan:
        key = (entry.workspace_id, entry.item_key)
        row = rows.get(key)
        if (
            row is None
            or row.state != COLLECTING
            or row.plan != entry.plan
            or int(row.refresh_step or 0) > entry.refresh_step
        ):
            continue
        if key not in best or best[key].refresh_step < entry.refresh_step:
            best[key] = entry
    return [e for e in entries if not e.on_plan] + list(best.values())


def workspace_due(workspace_id: str) -> list[DueEntry]:
    """Every planned refresh of one workspace, whatever its time (collection forced)."""
    results = TargetMetricsItem.query(
        workspace_id,
        TargetMetricsItem.item_key.startswith("t#"),
        filter_condition=TargetMetricsItem.plan.exists(),
        page_size=1000,
    )
    return [
        _due_entry(item, int(item.refresh_step or 0), int(item.attempts or 0), item.due_at or "")
        for item in results
    ]


def backfill_plans() -> int:
    """Once, after deploying over a stack whose due index was keyed by `due_at`: each row
    with a refresh planned and no `plan` gets one (off plan, due at its `due_at`), which
    puts it in the due index again. How many rows it changed. A scan of the table."""
    changed = 0
    for item in TargetMetricsItem.scan(
        TargetMetricsItem.due_shard.exists() & TargetMetricsItem.plan.does_not_exist()
    ):
        if not item.due_at:
            continue
        plan = off_plan_key(
            _time(item.due_at), int(item.refresh_step or 0), int(item.attempts or 0)
        )
        if _update(
            item.workspace_id,
            item.item_key,
            [TargetMetricsItem.plan.set(plan)],
            TargetMetricsItem.plan.does_not_exist(),
        ):
            changed += 1
    return changed


def due_backlog(now: datetime) -> tuple[int, str | None]:
    """The refreshes off plan due by `now` (retries, throttled fetches, reconnections,
    runs' leftovers: on-plan refreshes are their bucket's run's), counted, and the oldest
    one's due time (the operators' health page)."""
    entries = list(due_entries(now))
    return len(entries), min((e.due_at for e in entries), default=None)


def _index_entry(
    item: TargetMetricsItem, step: int | None = None, offset: timedelta | None = None
) -> DueEntry:
    """A due-index entry: off plan, its step, attempts and due time are in its key; on
    plan, they are those of the window it was read in."""
    plan = item.plan or ""
    if step is None or offset is None:
        _, due, refresh_step, attempts = plan.split("#")
    else:
        due = iso(datetime.fromisoformat(plan[len(ON_PLAN) :]) + offset)
        refresh_step, attempts = str(step), "0"
    return _due_entry(item, int(refresh_step), int(attempts), due)


def _due_entry(item: TargetMetricsItem, refresh_step: int, attempts: int, due_at: str) -> DueEntry:
    """The refresh `refresh_step` of the row `item` (a row or its due-index entry)."""
    return DueEntry(
        workspace_id=item.workspace_id,
        item_key=item.item_key,
        target_id=_target_of(item.item_key),
        account_id=_account_of(item.account_key),
        network=item.network,
        external_id=item.external_id,
        refresh_step=refresh_step,
        attempts=attempts,
        due_at=due_at,
        plan=item.plan or "",
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
