"""Serving analytics: the summary of a period, a post's metrics, top posts, the CSV and
PDF exports, best times and the composer's next suggested slots.

Reads go through `chalicelib.store.metrics` (targets' snapshots, accounts' days, the
networks' priors) and the posts and accounts stores; every figure is computed by the pure
`chalicelib.domain.analytics` and `chalicelib.domain.best_times`. Every read takes the
workspace id.

A summary is one query of the workspace's targets over both periods (this one and the
one before), one page loop over failed posts and one `account_days` range per account.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from chalicelib.domain import analytics as an
from chalicelib.domain import best_times as bt
from chalicelib.domain.timezones import to_utc, to_wall
from chalicelib.errors import NotFound, invalid


@dataclass(frozen=True)
class Scope:
    """What a summary covers: the workspace, its zone, and an account or network filter."""

    workspace_id: str
    zone_name: str
    account_id: str | None = None
    network: str | None = None


def workspace_zone(workspace_id: str) -> str:
    from chalicelib.store.workspaces import get_workspace

    record = get_workspace(workspace_id)
    if record is None:
        raise NotFound("No such workspace.")
    return record.timezone or "UTC"


def today_in(zone_name: str, now: datetime | None = None) -> date:
    return to_wall(now or datetime.now(UTC), zone_name).date()


def _start_of(day: date, zone_name: str) -> datetime:
    return to_utc(datetime.combine(day, time()), zone_name)


def _local_day(instant: datetime, zone_name: str) -> date:
    return to_wall(instant, zone_name).date()


def _accounts(workspace_id: str) -> dict[str, Any]:
    from chalicelib.store import accounts as account_store

    return {item.account_id: item for item in account_store.list_accounts(workspace_id)}


def _names(networks: Iterable[str]) -> dict[str, frozenset[str]]:
    return {n: an.metric_names(n) for n in set(networks)}


def _network_name(network: str) -> str:
    from chalicelib.networks.registry import UnknownNetwork, network_name

    try:
        return network_name(network)
    except UnknownNetwork:
        return network


def check_account(workspace_id: str, account_id: str, field: str = "account_id") -> Any:
    """The account, or a 422 naming `field` (an id of another workspace is unknown here)."""
    from chalicelib.store import accounts as account_store

    item = account_store.get(workspace_id, account_id)
    if item is None:
        raise invalid(field, "no such account in this workspace")
    return item


# -- the summary ---------------------------------------------------------------------------


def _failed_targets(
    scope: Scope, start: datetime, end: datetime
) -> list[tuple[str, str, datetime]]:
    """(account_id, network, scheduled_at) of each failed target of posts scheduled in
    [start, end) (the posts table: a failed target never reaches the metrics table)."""
    from chalicelib.store.posts import list_scheduled

    found: list[tuple[str, str, datetime]] = []
    start_key = None
    while True:
        page = list_scheduled(
            scope.workspace_id,
            start,
            end,
            statuses=["failed", "partially_published"],
            account_id=scope.account_id,
            network=scope.network,
            limit=200,
            start_key=start_key,
        )
        for post in page.items:
            at = datetime.fromisoformat(str(post.scheduled_at).replace("Z", "+00:00"))
            for target in post.targets:
                if target.status != "failed":
                    continue
                if scope.account_id and target.account_id != scope.account_id:
                    continue
                if scope.network and target.network != scope.network:
                    continue
                found.append((target.account_id, target.network, at))
        if page.last_key is None:
            return found
        start_key = page.last_key


def _follower_days(
    workspace_id: str, account_ids: Iterable[str], first: date, last: date
) -> list[an.FollowerDay]:
    from chalicelib.store.metrics import account_days

    days: list[an.FollowerDay] = []
    for account_id in account_ids:
        days += [
            an.FollowerDay(row.account_id, row.day, row.followers)
            for row in account_days(workspace_id, account_id, first, last)
        ]
    return days


def _last_followers(days: Sequence[an.FollowerDay], until: date) -> dict[str, int | None]:
    last: dict[str, int | None] = {}
    for row in sorted(days, key=lambda r: r.day):
        if row.day <= until and row.followers is not None:
            last[row.account_id] = row.followers
    return last


def summary(scope: Scope, period: an.Period, earliest: date | None = None) -> dict[str, Any]:
    """The summary's body (SummaryOut's fields). `earliest`: the first day the plan's
    history depth shows; the period before is cut to start there (empty when it lies
    wholly before it: its totals are then unknown, null), and `previous_limited` says so."""
    previous = period.previous()
    requested = previous.start
    if earliest is not None and previous.start < earliest:
        # From > to when nothing of it is left: an empty period.
        previous = an.Period(earliest, previous.end)
    zone = scope.zone_name
    start, end = _start_of(previous.start, zone), _start_of(period.end + timedelta(days=1), zone)
    middle = _start_of(period.start, zone)
    if scope.account_id:
        check_account(scope.workspace_id, scope.account_id)
    accounts = _accounts(scope.workspace_id)

    from chalicelib.store.metrics import target_rows

    rows = list(
        target_rows(
            scope.workspace_id, start, end, account_id=scope.account_id, network=scope.network
        )
    )
    failed = _failed_targets(scope, start, end)

    def in_scope(account_id: str, network: str) -> bool:
        return (scope.account_id in (None, account_id)) and (scope.network in (None, network))

    # Accounts in scope: those connected now and any that has figures in either period.
    scoped: dict[str, str] = {
        a.account_id: a.network
        for a in accounts.values()
        if a.status != "disconnected" and in_scope(a.account_id, a.network)
    }
    scoped.update({r.account_id: r.network for r in rows})
    scoped.update({account_id: network for account_id, network, _ in failed})
    names = _names(scoped.values())
    days = _follower_days(
        scope.workspace_id, scoped, previous.start - timedelta(days=1), period.end
    )

    def figures(
        account_ids: set[str], when: an.Period, first: datetime, last: datetime
    ) -> an.Totals:
        selected = [
            r for r in rows if r.account_id in account_ids and first <= r.published_at < last
        ]
        window = [d for d in days if when.start - timedelta(days=1) <= d.day <= when.end]
        return an.totals(
            selected,
            names,
            scope_networks={scoped[a] for a in account_ids},
            followers_of=_last_followers(window, when.end),
            follower_days=window,
            scope_accounts=account_ids,
            failed=sum(1 for a, _, at in failed if a in account_ids and first <= at < last),
        )

    def both(account_ids: set[str]) -> tuple[an.Totals, an.Totals]:
        if previous.start > previous.end:  # beyond the history depth: nothing to compare
            return figures(account_ids, period, middle, end), figures(set(), previous, start, start)
        return (
            figures(account_ids, period, middle, end),
            figures(account_ids, previous, start, middle),
        )

    everyone = set(scoped)
    totals, previous_totals = both(everyone)
    by_network: dict[str, set[str]] = defaultdict(set)
    for account_id, network in scoped.items():
        by_network[network].add(account_id)
    networks = []
    for network in sorted(by_network):
        now_totals, before = both(by_network[network])
        networks.append(
            {
                "network": network,
                "name": _network_name(network),
                "totals": now_totals.as_dict(),
                "previous_totals": before.as_dict(),
                "unavailable": an.unavailable(names[network]),
            }
        )
    account_list = []
    for account_id in sorted(scoped, key=lambda a: (scoped[a], _display(accounts.get(a), a))):
        item = accounts.get(account_id)
        now_totals, before = both({account_id})
        account_list.append(
            {
                "account_id": account_id,
                "network": scoped[account_id],
                "display_name": _display(item, account_id),
                "handle": getattr(item, "handle", None),
                "avatar_url": getattr(item, "avatar_url", None),
                "totals": now_totals.as_dict(),
                "previous_totals": before.as_dict(),
                "unavailable": an.unavailable(names[scoped[account_id]]),
            }
        )
    current_days = [d for d in days if period.start <= d.day <= period.end]
    series = an.series(
        period.dates(),
        ((_local_day(r.published_at, zone), r) for r in rows if r.published_at >= middle),
        names,
        set(scoped.values()),
        current_days,
    )
    return {
        "from": period.start,
        "to": period.end,
        "timezone": zone,
        "previous": {"from": previous.start, "to": previous.end},
        "previous_limited": None
        if previous.start == requested
        else {"requested_from": requested, "earliest": previous.start},
        "totals": totals.as_dict(),
        "previous_totals": previous_totals.as_dict(),
        "networks": networks,
        "accounts": account_list,
        "series": [s.__dict__ for s in series],
    }


def _display(item: Any, account_id: str) -> str:
    return str(getattr(item, "display_name", None) or account_id)


# -- one post, top posts, exports ----------------------------------------------------------


def _snapshot_time(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(microsecond=0)


def post_metrics(workspace_id: str, post_id: str) -> dict[str, Any]:
    from chalicelib.store import posts as post_store
    from chalicelib.store.metrics import post_rows

    if len(post_id) > 64:  # no post has such an id (and DynamoDB keys are bounded)
        raise NotFound("No such post in this workspace.")
    post = post_store.get(workspace_id, post_id)  # its targets name their rows
    rows = post_rows(workspace_id, post_id, post)
    if not rows and post is None:
        raise NotFound("No such post in this workspace.")
    names = _names(r.network for r in rows)
    targets = []
    for row in sorted(rows, key=lambda r: (r.published_at, r.target_id)):
        given = names[row.network]
        targets.append(
            {
                "target_id": row.target_id,
                "account_id": row.account_id,
                "network": row.network,
                "url": row.url,
                "published_at": _snapshot_time(row.published_at),
                "state": row.state,
                "metrics": an.post_metrics(row.latest, given),
                "unavailable": an.post_unavailable(given, row.latest),
                "snapshots": [
                    {"at": _snapshot_time(at), "values": values} for at, values in row.snapshots
                ],
            }
        )
    return {"post_id": post_id, "targets": targets}


def _period_rows(
    workspace_id: str,
    zone: str,
    period: an.Period,
    *,
    account_id: str | None = None,
    network: str | None = None,
) -> list[Any]:
    from chalicelib.store.metrics import target_rows

    start = _start_of(period.start, zone)
    end = _start_of(period.end + timedelta(days=1), zone)
    return list(target_rows(workspace_id, start, end, account_id=account_id, network=network))


def _followers_now(
    workspace_id: str, account_ids: Iterable[str], day: date
) -> dict[str, int | None]:
    days = _follower_days(workspace_id, account_ids, day - timedelta(days=7), day)
    return _last_followers(days, day)


def _value(
    row: Any, metric: str, names: frozenset[str], followers: int | None
) -> float | int | None:
    if metric == "engagement_rate":
        return an.engagement_rate(row.latest, names, followers)[0]
    if metric == "engagements":
        return an.engagements_of(row.latest, names)
    if metric == "impressions":
        return an.impressions_of(row.latest) if an.gives(names, "impressions") else None
    return row.latest.get(metric, 0) if metric in names or metric in row.latest else None


def top_posts(
    workspace_id: str,
    zone: str,
    period: an.Period,
    metric: str,
    limit: int,
    scope: Scope | None = None,
) -> dict[str, Any]:
    account_id, network = (scope.account_id, scope.network) if scope else (None, None)
    if account_id:
        check_account(workspace_id, account_id)
    rows = _period_rows(workspace_id, zone, period, account_id=account_id, network=network)
    names = _names(r.network for r in rows)
    followers = _followers_now(workspace_id, {r.account_id for r in rows}, period.end)
    ranked = []
    for row in rows:
        value = _value(row, metric, names[row.network], followers.get(row.account_id))
        if value is not None:
            ranked.append((value, row))
    ranked.sort(key=lambda pair: (-pair[0], pair[1].published_at, pair[1].target_id))
    ranked = ranked[:limit]
    thumbnails = _thumbnails(workspace_id, [row.media_id for _, row in ranked if row.media_id])
    items = [
        {
            "post_id": row.post_id,
            "target_id": row.target_id,
            "account_id": row.account_id,
            "network": row.network,
            "excerpt": row.excerpt,
            "thumbnail_url": thumbnails.get(row.media_id) if row.media_id else None,
            "url": row.url,
            "published_at": _snapshot_time(row.published_at),
            "value": round(value, 6) if isinstance(value, float) else value,
            "metrics": an.post_metrics(row.latest, names[row.network]),
        }
        for value, row in ranked
    ]
    return {"metric": metric, "items": items}


def _thumbnails(workspace_id: str, media_ids: list[str]) -> dict[str, str]:
    if not media_ids:
        return {}
    from chalicelib.media.uploads import presign_download
    from chalicelib.store import media as media_store

    found = media_store.get_many(workspace_id, sorted(set(media_ids)))
    return {
        media_id: presign_download(item.thumbnail_key)
        for media_id, item in found.items()
        if item.thumbnail_key
    }


# The export's columns, in this order, forever (add new ones at the end): see
# docs/analytics-export.md. An empty cell is a metric the network does not give.
CSV_COLUMNS = (
    "published_date",  # YYYY-MM-DD in the workspace's time zone
    "published_at",  # UTC, ISO 8601
    "post_id",
    "target_id",
    "account_id",
    "account",  # the account's display name
    "network",
    "url",
    "excerpt",
    "state",  # collecting | done | paused
    "impressions",
    "views",
    "reach",
    "likes",
    "comments",
    "shares",
    "saves",
    "clicks",
    "quotes",
    "engagements",
    "engagement_rate",
    "engagement_rate_basis",  # impressions | followers
    "collected_at",  # UTC, the latest snapshot
)


def export_csv(workspace_id: str, zone: str, period: an.Period) -> str:
    """One row per published target of the period, oldest first (CSV_COLUMNS)."""
    rows = _period_rows(workspace_id, zone, period)
    names = _names(r.network for r in rows)
    accounts = _accounts(workspace_id)
    followers = _followers_now(workspace_id, {r.account_id for r in rows}, period.end)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        given = names[row.network]
        metrics = an.post_metrics(row.latest, given)
        rate, basis = an.engagement_rate(row.latest, given, followers.get(row.account_id))
        cells: dict[str, Any] = {
            "published_date": _local_day(row.published_at, zone).isoformat(),
            "published_at": _iso(row.published_at),
            "post_id": row.post_id,
            "target_id": row.target_id,
            "account_id": row.account_id,
            "account": _display(accounts.get(row.account_id), row.account_id),
            "network": row.network,
            "url": row.url or "",
            "excerpt": _csv_safe(row.excerpt),
            "state": row.state,
            **{m: metrics.get(m) for m in an.POST_METRICS},
            "engagements": metrics.get("engagements"),
            "engagement_rate": f"{rate:.6f}" if rate is not None else None,
            "engagement_rate_basis": basis,
            "collected_at": _iso(row.collected_at) if row.collected_at else None,
        }
        writer.writerow(["" if cells[c] is None else cells[c] for c in CSV_COLUMNS])
    return out.getvalue()


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _csv_safe(text: str) -> str:
    """A cell a spreadsheet would run as a formula (=, +, -, @) is kept as text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# -- best times ----------------------------------------------------------------------------


def prior_of(network: str) -> bt.Prior:
    from chalicelib.store.metrics import network_prior

    return bt.Prior.from_dict(network, network_prior(network))


def observations(
    rows: Iterable[Any], network: str, zone_name: str, followers: int | None
) -> list[bt.Observation]:
    """The settled targets of one account as best-times observations."""
    names = an.metric_names(network)
    found = []
    for row in rows:
        if row.collected_at is None or row.collected_at - row.published_at < bt.SETTLED_AFTER:
            continue
        rate, _ = an.engagement_rate(row.latest, names, followers)
        if rate is not None:
            found.append(bt.observation(row.published_at, zone_name, rate))
    return found


def best_times_of(workspace_id: str, account: Any, now: datetime | None = None) -> bt.BestTimes:
    from chalicelib.store.metrics import account_history

    history = account_history(workspace_id, account.account_id)
    today = (now or datetime.now(UTC)).date()
    followers = _followers_now(workspace_id, [account.account_id], today).get(account.account_id)
    found = observations(history, account.network, account.timezone, followers)
    return bt.best_times(found, prior_of(account.network), _network_name(account.network))


def best_times(workspace_id: str, account_id: str) -> dict[str, Any]:
    account = check_account(workspace_id, account_id)
    result = best_times_of(workspace_id, account)
    return {
        "account_id": account.account_id,
        "network": account.network,
        "timezone": account.timezone,
        "source": result.source,
        "posts_considered": result.posts_considered,
        "message": result.message,
        "slots": [s.__dict__ for s in result.slots],
        "heatmap": result.heatmap,
    }


def suggested_queue(workspace_id: str, account_id: str, per_day: int) -> list[tuple[int, str]]:
    """The weekly queue slots best times suggest for the account."""
    account = check_account(workspace_id, account_id)
    return bt.weekly_slots(best_times_of(workspace_id, account).lift, per_day)


def next_slots(
    workspace_id: str, account_ids: Sequence[str], count: int, now: datetime | None = None
) -> dict[str, Any]:
    """The next suggested times to post to all of `account_ids` at once."""
    from chalicelib.store.posts import taken_times

    now = now or datetime.now(UTC)
    unique = list(dict.fromkeys(account_ids))
    accounts = [
        check_account(workspace_id, account_id, f"account_id[{i}]")
        for i, account_id in enumerate(unique)
    ]
    times = [
        bt.AccountTimes(a.account_id, a.timezone, best_times_of(workspace_id, a, now))
        for a in accounts
    ]
    taken: list[datetime] = []
    for account in accounts:
        taken += [
            datetime.fromisoformat(t.replace("Z", "+00:00"))
            for t in taken_times(workspace_id, account.account_id, now, now + timedelta(days=8))
        ]
    source = "account" if all(t.times.source == "account" for t in times) else "prior"
    found = bt.next_suggested(times, now, count, taken=taken)
    return {
        "slots": [
            {
                "at": slot.at,
                "timezone": accounts[0].timezone,
                "account_ids": unique,
                "expected_engagement_rate": slot.expected_engagement_rate,
                "source": source,
            }
            for slot in found
        ]
    }


def refresh_network_priors(networks: Iterable[str] | None = None) -> dict[str, int]:
    """The daily job: each network's prior from every account of it in the deployment
    (read per workspace, as the other cross-tenant jobs do). Accounts posted to per
    network."""
    from chalicelib.networks.registry import NETWORK_IDS
    from chalicelib.store import accounts as account_store
    from chalicelib.store.metrics import account_history, put_network_prior
    from chalicelib.store.workspaces import WorkspaceRecord

    wanted = set(networks or NETWORK_IDS)
    histories: dict[str, list[list[bt.Observation]]] = defaultdict(list)
    today = datetime.now(UTC).date()
    # Across tenants by design (as the followers job): each workspace's own reads follow.
    for record in WorkspaceRecord.scan(page_size=200, attributes_to_get=["workspace_id"]):
        ws = record.workspace_id
        for account in account_store.list_accounts(ws):
            if account.network not in wanted:
                continue
            rows = account_history(ws, account.account_id)
            if not rows:
                continue
            followers = _followers_now(ws, [account.account_id], today).get(account.account_id)
            histories[account.network].append(
                observations(rows, account.network, account.timezone, followers)
            )
    counted = {}
    for network in sorted(wanted):
        prior = bt.network_prior(network, histories.get(network, []))
        put_network_prior(network, prior.to_dict())
        counted[network] = prior.accounts
    return counted
