"""Analytics serving (issue 20): the summary through the API against the bare DynamoDB
reads of the same rows, and how often best times find a planted best slot.

(a) Summary. A workspace with 10 accounts x 90 days x 3 posts a day (2,700 published
targets, 5 snapshots each) and 90 days of follower counts per account, in the embedded
DynamoDB (moto, in-process: both sides pay its per-item cost alike). Each sample reads the
summary of those 90 days: through the app, `GET .../analytics/summary?from=&to=` (auth,
the guard's membership read, the workspace, the accounts, the targets of both periods,
failed posts, 10 accounts' days, the figures, pydantic, JSON); bare, the same reads with
boto3 (the metrics partition's range of both periods in the store's pages of 500, the
accounts query, 10 account-day range queries). moto runs in this process: CPU time is
both sides' whole work and steady on a busy machine, wall time is printed too.
Prints p50 and p95 of each and the p95 ratio (goal <= 1.5).

(b) Best times. Synthetic histories made by the sandbox's own figures
(`local/sandbox/analytics.py`: a planted best weekday x hour per account, x2.6 there,
fading over neighbouring hours and days, +-10 % per post), each network's figures reduced
to those its adapter reports (`metric_names`), read 7 days after publication. The
network's prior is learnt from all the accounts as the daily job does; then each
account's top 3 suggestions are checked for its planted slot. Two ways of posting:
- queue: the account posts at 21 weekly slots (3 a day at hours 9-20, its planted slot
  among them, as an account whose queue covers it), 60 posts;
- anytime: 60 posts at uniformly random weekdays and hours 9-20 (about 0.7 posts per
  cell: most cells, the planted one too, have one post or none).
And with 5 posts: the answer must be the prior, saying so.

    python bench/analytics.py [accounts for (b), default 400]
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from local.offline import provisioned_moto, use_offline_environment  # noqa: E402

use_offline_environment("bench")
os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"

ACCOUNTS, DAYS, PER_DAY, SNAPSHOTS = 10, 90, 3, 5
SAMPLES, WARMUP = 10, 1
NETWORKS = ("x", "linkedin", "facebook", "instagram", "bluesky")
# The pages store.metrics.target_rows reads (moto scans the whole partition for each page,
# so both sides read the same pages).
TARGET_PAGE = 500
BEST_ACCOUNTS = int(sys.argv[1]) if len(sys.argv) > 1 else 400


def p(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100)[q - 1]


# -- (a) the summary -------------------------------------------------------------------------


def seed(workspace_id: str, end: date) -> list[str]:
    """10 accounts, 2,700 targets over the 90 days ending `end`, 90 days of followers."""
    from chalicelib.domain.ids import new_id
    from chalicelib.store import accounts as account_store
    from chalicelib.store import metrics

    rng = random.Random(20)
    account_ids = []
    for n in range(ACCOUNTS):
        item = account_store.AccountItem(
            workspace_id,
            account_store.new_account_id(),
            network=NETWORKS[n % len(NETWORKS)],
            external_id=new_id("ext"),
            display_name=f"Account {n}",
            timezone="UTC",
        )
        account_store.save(item)
        account_ids.append(item.account_id)
    first = end - timedelta(days=DAYS - 1)
    items, days = [], []
    for n, account_id in enumerate(account_ids):
        network = NETWORKS[n % len(NETWORKS)]
        for d in range(DAYS):
            day = first + timedelta(days=d)
            days.append(
                metrics.account_day_item(
                    metrics.AccountDayRow(workspace_id, account_id, network, day, 1000 + d, {})
                )
            )
        for k in range(DAYS * PER_DAY):
            day = first + timedelta(days=k // PER_DAY)
            at = datetime(day.year, day.month, day.day, 8 + 4 * (k % PER_DAY), tzinfo=UTC)
            at += timedelta(minutes=rng.randrange(60))
            base = {"impressions": rng.randrange(200, 5000), "likes": rng.randrange(0, 200)}
            latest = {**base, "comments": rng.randrange(0, 20), "shares": rng.randrange(0, 20)}
            snapshots = [
                (
                    at + timedelta(hours=h),
                    {k2: v * (i + 1) // SNAPSHOTS for k2, v in latest.items()},
                )
                for i, h in enumerate((1, 24, 72, 168, 720))
            ]
            items.append(
                metrics.target_item(
                    metrics.TargetMetricsRow(
                        workspace_id=workspace_id,
                        post_id=new_id("p"),
                        target_id=new_id("t"),
                        account_id=account_id,
                        network=network,
                        external_id=new_id("ext"),
                        url=f"https://{network}.example/{k}",
                        excerpt=f"Post {k} of account {n}: " + "words " * 15,
                        media_id=None,
                        published_at=at,
                        latest=latest,
                        snapshots=snapshots,
                        collected_at=at + timedelta(hours=720),
                        state="done",
                    )
                )
            )
    with metrics.TargetMetricsItem.batch_write() as batch:
        for item in items:
            batch.save(item)
    with metrics.AccountDayItem.batch_write() as batch:
        for item in days:
            batch.save(item)
    return account_ids


def bare_reads(dynamodb, table: str, accounts_table: str, ws: str, account_ids, first, end):
    """The same reads with boto3: the targets of both periods, the accounts, their days."""
    from chalicelib.store.base import iso

    begin = datetime.combine(first - timedelta(days=DAYS), datetime.min.time(), tzinfo=UTC)
    stop = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    request = {
        "TableName": table,
        "KeyConditionExpression": "workspace_id = :w AND item_key BETWEEN :a AND :b",
        "ExpressionAttributeValues": {
            ":w": {"S": ws},
            ":a": {"S": f"t#{iso(begin)}"},
            ":b": {"S": f"t#{iso(stop)[:-1]}."},
        },
        "Limit": TARGET_PAGE,
    }
    count = 0
    while True:
        page = dynamodb.query(**request)
        count += len(page["Items"])
        if "LastEvaluatedKey" not in page:
            break
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    dynamodb.query(
        TableName=accounts_table,
        KeyConditionExpression="workspace_id = :w",
        ExpressionAttributeValues={":w": {"S": ws}},
    )
    for account_id in account_ids:
        dynamodb.query(
            TableName=table,
            KeyConditionExpression="workspace_id = :w AND item_key BETWEEN :a AND :b",
            ExpressionAttributeValues={
                ":w": {"S": ws},
                ":a": {"S": f"d#{account_id}#{first - timedelta(days=DAYS + 1)}"},
                ":b": {"S": f"d#{account_id}#{end}"},
            },
        )
    return count


def timed(run) -> tuple[list[float], list[float], object]:
    """Wall and CPU milliseconds of each sample. moto runs in this process, so CPU time
    is all of both sides' work and holds steady on a busy machine; wall time does not."""
    found = None
    for _ in range(WARMUP):
        found = run()
    wall, cpu = [], []
    for _ in range(SAMPLES):
        began, began_cpu = time.perf_counter(), time.process_time()
        found = run()
        cpu.append((time.process_time() - began_cpu) * 1000)
        wall.append((time.perf_counter() - began) * 1000)
    return wall, cpu, found


def bench_summary() -> None:
    import boto3
    from chalice.test import Client

    from chalicelib.settings import get_settings

    with provisioned_moto("bench"):
        import app

        with Client(app.app) as client:
            from tests.support.factories import signup

            # Sign-up answers 202 whoever asks; the helper signs in for the tokens.
            owner = signup(client, email="bench@example.com", name="B", verified=False)
            ws = owner.workspace_id
            headers = {"Authorization": f"Bearer {owner.access_token}"}
            end = datetime.now(UTC).date() - timedelta(days=1)
            first = end - timedelta(days=DAYS - 1)
            began = time.perf_counter()
            account_ids = seed(ws, end)
            seeded_s = time.perf_counter() - began
            path = f"/v1/workspaces/{ws}/analytics/summary?from={first}&to={end}"

            def through_app() -> int:
                response = client.http.get(path, headers=headers)
                assert response.status_code == 200, response.body[:500]
                return json.loads(response.body)["totals"]["posts_published"]

            settings = get_settings()
            dynamodb = boto3.session.Session(region_name="us-east-1").client("dynamodb")
            app_wall, app_cpu, app_count = timed(through_app)
            bare_wall, bare_cpu, bare_count = timed(
                lambda: bare_reads(
                    dynamodb,
                    settings.tables.metrics,
                    settings.tables.accounts,
                    ws,
                    account_ids,
                    first,
                    end,
                )
            )
    assert app_count == bare_count == ACCOUNTS * DAYS * PER_DAY, (app_count, bare_count)
    print(
        f"(a) summary: {ACCOUNTS} accounts x {DAYS} days x {PER_DAY} posts a day = "
        f"{app_count} targets, {SNAPSHOTS} snapshots each (seeded in {seeded_s:.0f} s)"
    )
    for label, app_ms, bare_ms in (("CPU", app_cpu, bare_cpu), ("wall", app_wall, bare_wall)):
        print(
            f"    {label:4s} GET .../analytics/summary (90 days + the 90 before): "
            f"p50 {p(app_ms, 50):7.0f} ms  p95 {p(app_ms, 95):7.0f} ms ({SAMPLES} runs)"
        )
        print(
            f"    {label:4s} bare DynamoDB reads of the same rows:                "
            f"p50 {p(bare_ms, 50):7.0f} ms  p95 {p(bare_ms, 95):7.0f} ms ({SAMPLES} runs)"
        )
        print(f"    {label:4s} p95 ratio: {p(app_ms, 95) / p(bare_ms, 95):.2f} (goal: at most 1.5)")


# -- (b) best times ------------------------------------------------------------------------


class Row:
    """A settled target as the store returns it (what best times read of one)."""

    def __init__(self, published_at: datetime, latest: dict[str, int]) -> None:
        self.published_at = published_at
        self.latest = latest
        self.collected_at = published_at + timedelta(days=7)


def synthetic_history(network: str, account: str, posts: int, mode: str, rng) -> list[Row]:
    from chalicelib.domain.analytics import metric_names
    from local.sandbox.analytics import planted_best_slot, post_metrics

    given = metric_names(network)
    start = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
    best = planted_best_slot(network, account)
    if mode == "queue":
        cells = [(d, h) for d in range(7) for h in range(9, 21) if (d, h) != best]
        slots = [*rng.sample(cells, 20), best]
    rows = []
    for i in range(posts):
        if mode == "queue":
            day, hour = slots[i % len(slots)]
        else:
            day, hour = rng.randrange(7), rng.randrange(9, 21)
        at = start + timedelta(days=7 * rng.randrange(26) + day, hours=hour)
        at += timedelta(minutes=rng.randrange(60))
        values = post_metrics(
            network, account, f"{account}/{i}", at.timestamp(), (at + timedelta(days=7)).timestamp()
        )
        rows.append(Row(at, {k: v for k, v in values.items() if k in given}))
    return rows


def bench_best_times() -> None:
    from chalicelib.analytics.service import observations
    from chalicelib.domain import best_times as bt
    from chalicelib.networks.registry import network_name
    from local.sandbox.analytics import followers, planted_best_slot

    networks = ("x", "linkedin", "instagram", "bluesky")
    print(
        f"(b) best times: {BEST_ACCOUNTS} accounts ({', '.join(networks)}), planted slot in "
        f"the top 3 suggestions"
    )
    for mode in ("queue", "anytime"):
        rng = random.Random(60)
        accounts = {
            (networks[i % len(networks)], f"acct-{mode}-{i}"): None for i in range(BEST_ACCOUNTS)
        }
        found: dict[tuple[str, str], list] = {}
        for network, account in accounts:
            rows = synthetic_history(network, account, 60, mode, rng)
            found[(network, account)] = observations(
                rows, network, "UTC", followers(network, account, rows[0].published_at.timestamp())
            )
        began = time.perf_counter()
        priors = {
            n: bt.network_prior(n, [o for (net, _), o in found.items() if net == n])
            for n in networks
        }
        prior_ms = (time.perf_counter() - began) * 1000
        hits, sources = 0, set()
        began = time.perf_counter()
        for (network, account), obs in found.items():
            result = bt.best_times(obs, priors[network], network_name(network))
            sources.add(result.source)
            top3 = [(s.weekday, s.hour) for s in result.slots[:3]]
            hits += planted_best_slot(network, account) in top3
        per_ms = (time.perf_counter() - began) * 1000 / len(found)
        print(
            f"    {mode:8s} 60 posts: {hits / len(found) * 100:5.1f} % of accounts "
            f"(goal >= 90 % for queue); answers from {sorted(sources)}; "
            f"priors {prior_ms:.0f} ms, {per_ms:.2f} ms an account"
        )
    rng = random.Random(5)
    fallbacks = 0
    for i in range(BEST_ACCOUNTS):
        network = networks[i % len(networks)]
        account = f"acct-few-{i}"
        rows = synthetic_history(network, account, 5, "anytime", rng)
        obs = observations(rows, network, "UTC", followers(network, account))
        result = bt.best_times(obs, bt.default_prior(network), network_name(network))
        expected = f"Not enough history yet: these are {network_name(network)}'s usual good times"
        fallbacks += result.source == "prior" and result.message == expected
    print(
        f"    5 posts: {fallbacks / BEST_ACCOUNTS * 100:5.1f} % answer the network's prior "
        f'with "Not enough history yet: these are <Network>\'s usual good times"'
    )


if __name__ == "__main__":
    bench_best_times()
    bench_summary()
