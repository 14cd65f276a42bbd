"""Analytics collection under load (issue 20): N published targets (default 10,000)
refreshed end to end by the real collector against the sandbox networks.

The embedded AWS (moto) runs in its own process, as in the local stack; the sandbox
networks are a werkzeug server in this one. Sandbox accounts are connected through the
real OAuth flow; each publishes one real post through its adapter, which the sandbox then
holds N/accounts times under distinct ids (publishing 10,000 posts for real would hit the
networks' publishing limits, not what is measured here), aged two hours. Each target gets
its metrics row with its first refresh due now, as the publisher writes it. Then
`collect_due()` runs as a bucket's schedule starts it (again while a run stops at its
time limit, as the next bucket's would).

Accounts per network are as many as each account's budget of metrics calls
(collection.BUDGETS) needs for its share of targets in one window, so everything can be
refreshed in one run.

Prints: wall time, refreshes per second, network calls and calls per target (per
network: batching), the collector's CPU per target (this process's CPU less the
sandbox's own request handling, measured per request), the sandbox's CPU per target, the
429s the sandbox answered (its enforcement of the networks' limits), and the most calls
any account made against its budget.

    python bench/analytics_collect.py [targets]
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
# Share of the targets per network: batching networks and one-id-a-call networks.
SHARES = {"x": 0.4, "bluesky": 0.3, "facebook": 0.15, "threads": 0.15}
WS = "w_bench_analytics"


def main() -> None:
    import logging

    import boto3

    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    from local.offline import use_offline_environment
    from local.stack import Ports, free_port, local_environment, start_aws_process, stop_process

    use_offline_environment("bench")
    ports = Ports(api=free_port(), aws=free_port(), sandbox=free_port())
    os.environ.update(local_environment(ports, "bench"))
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
    process = start_aws_process(ports.aws)
    try:
        from chalicelib.settings import get_settings
        from local.provision import provision
        from local.seed import seed

        get_settings.cache_clear()
        session = boto3.session.Session(region_name="us-east-1")
        provision(session, "bench", f"http://127.0.0.1:{ports.aws}")
        seed(session, f"http://127.0.0.1:{ports.aws}", get_settings())
        from tests.support.sandbox import running_sandbox

        with running_sandbox() as sandbox:
            run(sandbox)
    finally:
        stop_process(process)


class SandboxCpu:
    """The CPU time the sandbox spends answering requests, on its own threads."""

    def __init__(self, app) -> None:
        self.seconds = 0.0
        self._lock = threading.Lock()
        inner = app.wsgi_app

        def timed(environ, start_response):
            started = time.thread_time()
            try:
                return list(inner(environ, start_response))
            finally:
                with self._lock:
                    self.seconds += time.thread_time() - started

        app.wsgi_app = timed


def connect_accounts(network: str, count: int) -> list[str]:
    from chalicelib.networks.base import IdentityKind
    from chalicelib.oauth.connect import save_identity
    from tests.support.networks import adapter, connect

    accounts = []
    for n in range(count):
        net = adapter(network)
        if network == "bluesky":  # a handle and an app password, no consent page
            grant, identity = net.create_session(f"bench{n}.bsky.social", "abcd-efgh-ijkl-mnop")
            accounts.append(save_identity(WS, "u_bench", grant, identity))
            continue
        grant = connect(net, user=f"bench{network}{n}")
        identities = net.identities(grant)
        identity = next(
            (i for i in identities if i.kind is IdentityKind.ORGANIZATION), identities[0]
        )
        accounts.append(save_identity(WS, "u_bench", grant, identity))
    return accounts


def seed_targets(sandbox, account_id: str, count: int, start: int) -> int:
    """One real post by the account, held `count` times by the sandbox under distinct
    ids, two hours old; each with its metrics row due now."""
    from chalicelib.networks.base import PublishRequest
    from chalicelib.oauth.adapters import adapter_for
    from chalicelib.oauth.tokens import access_for
    from chalicelib.store import accounts, metrics
    from chalicelib.store.base import save_together, utcnow

    account = accounts.get(WS, account_id)
    result = adapter_for(account).publish(
        access_for(account), PublishRequest(text=f"Bench post {start}")
    )
    template = next(p for p in sandbox.state.posts if p["id"] == result.external_id)
    published_at = utcnow() - timedelta(hours=2)
    items = []
    for n in range(count):
        copy = {**template, "id": f"{result.external_id}{n:05d}"}
        copy["received_at"] = time.time() - 7200
        sandbox.state.posts.append(copy)
        row = metrics.TargetMetricsRow(
            workspace_id=WS,
            post_id=f"p_{start + n:06d}",
            target_id=f"t_{start + n:06d}",
            account_id=account_id,
            network=account.network,
            external_id=copy["id"],
            url=None,
            excerpt=f"Bench post {start + n}",
            media_id=None,
            published_at=published_at,
        )
        items.append(metrics.target_item(row, utcnow() - timedelta(minutes=1)))
    for at in range(0, len(items), 25):
        save_together(items[at : at + 25])
    return count


def run(sandbox) -> None:
    from chalicelib.analytics import collection
    from chalicelib.networks.registry import adapter_class
    from chalicelib.store import metrics
    from chalicelib.store.base import utcnow

    plan: dict[str, tuple[int, int]] = {}  # network -> (accounts, targets per account)
    for network, share in SHARES.items():
        targets = round(TARGETS * share)
        calls_each, _ = collection.BUDGETS[network]
        batch = adapter_class(network).metrics_batch
        per_account = calls_each * batch
        accounts = max(1, math.ceil(targets / per_account))
        plan[network] = (accounts, math.ceil(targets / accounts))
    seeded, start = 0, 0
    owners: dict[str, str] = {}
    setup = time.monotonic()
    for network, (count, per_account) in plan.items():
        for account_id in connect_accounts(network, count):
            owners[account_id] = network
            todo = min(per_account, TARGETS - seeded) if network == list(plan)[-1] else per_account
            seeded += seed_targets(sandbox, account_id, todo, start)
            start += todo
    print(
        f"seeded {seeded} targets over {len(owners)} accounts "
        f"({', '.join(f'{n}: {a} x {p}' for n, (a, p) in plan.items())}) "
        f"in {time.monotonic() - setup:.1f} s"
    )

    per_account: Counter[str] = Counter()
    take = collection._take_budget

    def counted(account_id: str, network: str):
        per_account[account_id] += 1
        return take(account_id, network)

    collection._take_budget = counted
    cpu = SandboxCpu(sandbox.app)
    before_calls = len(sandbox.calls)
    wall, cpu_started = time.perf_counter(), time.process_time()
    report = collection.collect_due(utcnow())
    runs = 1
    while report.left:  # out of a run's time: the next bucket's run goes on
        more = collection.collect_due(utcnow())
        report.add(
            **{
                k: v
                for k, v in more.as_dict().items()
                if k not in ("left", "refreshes", "backlog_seconds")
            }
        )
        report.left, runs = more.left, runs + 1
    wall = time.perf_counter() - wall
    process_cpu = time.process_time() - cpu_started
    calls = sandbox.calls[before_calls:]

    rows = list(metrics.target_rows(WS, utcnow() - timedelta(days=1), utcnow()))
    refreshed = sum(1 for r in rows if len(r.snapshots) == 1)
    by_network = Counter(owners[a] for a in per_account for _ in range(per_account[a]))
    targets_by_network = Counter(r.network for r in rows)
    throttled_by_network = Counter(c.path.split("/")[1] for c in calls if c.status == 429)
    worst = max((per_account[a] / collection.BUDGETS[owners[a]][0], a) for a in per_account)
    collector_cpu = process_cpu - cpu.seconds
    print(
        f"refreshed {refreshed} of {seeded} targets in {runs} run(s): {wall:.1f} s wall, "
        f"{refreshed / wall:.0f} refreshes/s"
    )
    print(f"network calls: {report.calls} ({report.calls / max(1, seeded):.3f} per target)")
    for network in plan:
        n_calls, n_targets = by_network[network], targets_by_network[network]
        print(
            f"  {network:9} {n_targets:6} targets {n_calls:6} calls "
            f"({n_calls / max(1, n_targets):.3f} per target, "
            f"batch {adapter_class(network).metrics_batch})"
        )
    print(
        f"CPU per target: collector {1000 * collector_cpu / max(1, seeded):.2f} ms "
        f"(process {process_cpu:.1f} s less the sandbox's {cpu.seconds:.1f} s), "
        f"sandbox {1000 * cpu.seconds / max(1, seeded):.2f} ms"
    )
    print(
        f"rate limits: {sum(throttled_by_network.values())} answers 429 from the sandbox "
        f"{dict(throttled_by_network) or ''}; busiest account used {worst[0]:.0%} of its "
        f"budget ({per_account[worst[1]]} of {collection.BUDGETS[owners[worst[1]]][0]} calls); "
        f"collector report: {report.as_dict()}"
    )
    ok = refreshed == seeded and not throttled_by_network and worst[0] <= 1
    print("OK" if ok else "NOT OK")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
