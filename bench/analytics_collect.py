"""Analytics collection under load (issue 20): N published targets refreshed end to end
by the real collector against the sandbox networks, on all ten networks.

The embedded AWS (moto) runs in its own process, as in the local stack; the sandbox
networks are a werkzeug server in this one. Sandbox accounts are connected through the
real OAuth flow (Bluesky: a session from an app password; Mastodon: Schedulo's app
registered on the sandbox instance); each account's posts are recorded by the sandbox
two hours old with each network's own id shapes (`local/sandbox/analytics.seed_post`:
publishing thousands of posts for real would hit the networks' publishing limits, not
what is measured here). Each target gets its metrics row with its first refresh due
now, as the publisher writes it. Then `collect_due()` runs as a bucket's schedule starts
it (again while a run stops at its time limit, as the next bucket's would).

LinkedIn counts twice: organisation pages (share statistics, 20 posts a call) and
members (one metric a request: five requests a post). Accounts per population are as
many as each account's budget of metrics requests (collection.BUDGETS) needs for its
share of targets in one window, so everything can be refreshed in one run.

Prints: wall time, refreshes per second; per network the accounts, targets, HTTP calls
the sandbox received and calls per target (batching), the requests counted against the
budgets, the busiest account's share of its budget and the 429s the sandbox answered
(its enforcement of each network's own limits); the collector's CPU per target (this
process's CPU less the sandbox's own request handling, measured per request) and the
sandbox's; whether any account's rate limit was exceeded (a 429 from the network, or
more requests than Schedulo's budget). Exits 1 when a target was not refreshed or a
limit was exceeded.

    python bench/analytics_collect.py [--targets N]   # default 3,000 (a few minutes)
    python bench/analytics_collect.py --targets 10000  # the issue's figure
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WS = "w_bench_analytics"


@dataclass(frozen=True)
class Population:
    """Accounts of one network (LinkedIn: of one kind) and their share of the targets."""

    label: str
    network: str
    share: float
    kind: str | None = None  # the identity kind to connect (LinkedIn), else the first


POPULATIONS = (
    Population("x", "x", 0.15),
    Population("facebook", "facebook", 0.10),
    Population("instagram", "instagram", 0.10),
    Population("threads", "threads", 0.10),
    Population("linkedin-org", "linkedin", 0.05, "organization"),
    Population("linkedin-member", "linkedin", 0.05, "person"),
    Population("youtube", "youtube", 0.10),
    Population("tiktok", "tiktok", 0.10),
    Population("pinterest", "pinterest", 0.05),
    Population("bluesky", "bluesky", 0.10),
    Population("mastodon", "mastodon", 0.10),
)


def main() -> None:
    import logging

    import boto3

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--targets", type=int, default=3_000, help="published targets")
    targets = parser.parse_args().targets
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
            run(sandbox, targets)
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


def connect_accounts(sandbox, population: Population, count: int) -> list[str]:
    """`count` sandbox accounts of the population, connected as the connect flow stores
    them (tokens sealed in the vault, options kept on the account)."""
    from chalicelib.oauth.adapters import adapter_for_network
    from chalicelib.oauth.connect import save_identity
    from tests.support.networks import CREDENTIALS, REDIRECT_URI, adapter, connect

    network = population.network
    options: dict = {}
    if network == "mastodon":
        from chalicelib.networks.registry import get_adapter

        options = {"instance_url": f"{sandbox.url}/mastodon"}
        adapter_for_network(network, options)  # Schedulo's app on the instance, as connecting
        app = get_adapter(network, CREDENTIALS, instance_url=options["instance_url"])
        credentials = app.register_app(REDIRECT_URI, website="https://schedulo.example")  # type: ignore[attr-defined]
    accounts = []
    for n in range(count):
        if network == "bluesky":  # a handle and an app password, no consent page
            grant, identity = adapter(network).create_session(  # type: ignore[attr-defined]
                f"bench{n}.bsky.social", "abcd-efgh-ijkl-mnop"
            )
            accounts.append(save_identity(WS, "u_bench", grant, identity))
            continue
        if network == "mastodon":
            net = get_adapter(network, credentials, instance_url=options["instance_url"])
        else:
            net = adapter(network)
        grant = connect(net, user=f"bench{population.label}{n}")
        identities = net.identities(grant)
        identity = next(
            (i for i in identities if population.kind is None or i.kind == population.kind),
            None,
        )
        assert identity is not None, (population, identities)
        accounts.append(save_identity(WS, "u_bench", grant, identity, options))
    return accounts


def seed_targets(sandbox, account_id: str, count: int, start: int) -> int:
    """`count` posts of the account held by the sandbox, two hours old, each with its
    metrics row due now (written 25 a batch, as the publisher writes them one by one)."""
    from chalicelib.store import accounts, metrics
    from chalicelib.store.base import utcnow
    from chalicelib.store.model import save_together
    from local.sandbox import analytics

    account = accounts.get(WS, account_id)
    published_at = utcnow() - timedelta(hours=2)
    items = []
    for n in range(count):
        external_id = analytics.seed_post(
            sandbox.state,
            account.network,
            account.external_id,
            published_at.timestamp(),
            f"Bench post {start + n}",
        )
        row = metrics.TargetMetricsRow(
            workspace_id=WS,
            post_id=f"p_{start + n:06d}",
            target_id=f"t_{start + n:06d}",
            account_id=account_id,
            network=account.network,
            external_id=external_id,
            url=None,
            excerpt=f"Bench post {start + n}",
            media_id=None,
            published_at=published_at,
        )
        items.append(metrics.target_item(row, utcnow() - timedelta(minutes=1)))
    for at in range(0, len(items), 25):
        save_together(items[at : at + 25])
    return count


def batching(population: Population) -> tuple[int, int]:
    """The collector's ids per call and requests per call for the population's accounts."""
    from types import SimpleNamespace

    from chalicelib.analytics import collection
    from chalicelib.networks.registry import adapter_class

    prefix = "urn:li:organization:" if population.kind == "organization" else "urn:li:person:"
    account = SimpleNamespace(network=population.network, external_id=f"{prefix}1")
    return collection._batching(adapter_class(population.network), account)


def population_of_call(path: str) -> str:
    """Which population a sandbox request served (LinkedIn's two APIs told apart)."""
    network = path.split("/")[1]
    if network == "linkedin":
        return "linkedin-member" if "/memberCreatorPostAnalytics" in path else "linkedin-org"
    return network


def run(sandbox, total: int) -> None:
    from chalicelib.analytics import collection
    from chalicelib.store import metrics
    from chalicelib.store.base import utcnow

    plan: dict[str, tuple[int, int]] = {}  # population -> (accounts, targets per account)
    shares = [round(total * p.share) for p in POPULATIONS]
    shares[0] += total - sum(shares)
    for population, targets in zip(POPULATIONS, shares, strict=True):
        calls_each, _ = collection.BUDGETS[population.network]
        size, cost = batching(population)
        per_account = calls_each // cost * size
        accounts = max(1, math.ceil(targets / per_account))
        plan[population.label] = (accounts, targets)
    seeded = 0
    owners: dict[str, Population] = {}
    setup = time.monotonic()
    for population in POPULATIONS:
        count, targets = plan[population.label]
        for index, account_id in enumerate(connect_accounts(sandbox, population, count)):
            owners[account_id] = population
            # The population's targets spread evenly over its accounts.
            todo = targets // count + (1 if index < targets % count else 0)
            seeded += seed_targets(sandbox, account_id, todo, seeded)
    print(
        f"seeded {seeded} targets over {len(owners)} accounts "
        f"({', '.join(f'{label}: {a} x {t // a}' for label, (a, t) in plan.items())}) "
        f"in {time.monotonic() - setup:.1f} s"
    )

    budget_calls: Counter[str] = Counter()
    take = collection._take_budget

    def counted(account_id: str, network: str, cost: int = 1):
        wait = take(account_id, network, cost)
        if wait is None:  # counted when granted (a refused one made no request)
            budget_calls[account_id] += cost
        return wait

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
    labels = {r.target_id: owners[r.account_id].label for r in rows}
    targets_of = Counter(labels.values())
    refreshed_of = Counter(labels[r.target_id] for r in rows if len(r.snapshots) == 1)
    http_of = Counter(population_of_call(c.path) for c in calls)
    throttled_of = Counter(population_of_call(c.path) for c in calls if c.status == 429)
    budget_of: Counter[str] = Counter()
    busiest: dict[str, float] = {}
    for account_id, used in budget_calls.items():
        population = owners[account_id]
        budget_of[population.label] += used
        share = used / collection.BUDGETS[population.network][0]
        busiest[population.label] = max(busiest.get(population.label, 0.0), share)
    collector_cpu = process_cpu - cpu.seconds
    print(
        f"refreshed {refreshed} of {seeded} targets in {runs} run(s): {wall:.1f} s wall, "
        f"{refreshed / wall:.0f} refreshes/s"
    )
    print(
        f"network calls: {len(calls)} HTTP requests ({len(calls) / max(1, seeded):.3f} per "
        f"target), {report.calls} metrics calls by the collector"
    )
    print(
        f"  {'network':15} {'accounts':>8} {'targets':>7} {'refreshed':>9} {'HTTP calls':>10} "
        f"{'per target':>10} {'batch':>5} {'budget reqs':>12} {'busiest acct':>12} {'429s':>5}"
    )
    for population in POPULATIONS:
        label = population.label
        print(
            f"  {label:15} {plan[label][0]:8} {targets_of[label]:7} {refreshed_of[label]:9} "
            f"{http_of[label]:10} {http_of[label] / max(1, targets_of[label]):10.3f} "
            f"{batching(population)[0]:5} {budget_of[label]:12} "
            f"{busiest.get(label, 0.0):11.0%} {throttled_of[label]:5}"
        )
    print(
        f"CPU per target: collector {1000 * collector_cpu / max(1, seeded):.2f} ms "
        f"(process {process_cpu:.1f} s less the sandbox's {cpu.seconds:.1f} s), "
        f"sandbox {1000 * cpu.seconds / max(1, seeded):.2f} ms"
    )
    over_budget = sorted(label for label, share in busiest.items() if share > 1)
    exceeded = sorted(set(throttled_of) | set(over_budget))
    print(
        "rate limits: "
        + (
            "no account's limit exceeded (no 429 from any network, no account over its budget)"
            if not exceeded
            else f"EXCEEDED on {', '.join(exceeded)} (429s: {dict(throttled_of)}, "
            f"over budget: {over_budget})"
        )
    )
    print(f"collector report: {report.as_dict()}")
    ok = refreshed == seeded and not exceeded
    print("OK" if ok else "NOT OK")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
