"""The cost of plan enforcement on the post create path: POST /v1/workspaces/{ws}/posts
through the Chalice test client on the embedded AWS (moto, in-process), with billing off
(self-hosted, no Stripe key) and on (the subscription read and the month's counter taken
in a conditional transaction). Rounds alternate between the two so drift hits both.

Prints p50/p95 per mode, how much slower billing makes a create (goal: <= 5 %) and the
AWS calls per create. Billing adds no call to a create: the month's counter is taken in
one transaction with the post's own write (a TransactWriteItems instead of the PutItem),
and the plan is read at most every 30 s per container. moto does all of it in Python in
this process, without a network: `--latency-ms N` adds N ms to each AWS call, as a round
trip to DynamoDB would. The machine is shared, so compare runs made together.

    .venv/bin/python bench/billing_check.py [--posts 150] [--rounds 4] [--latency-ms 0]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _arg(name: str, default: int) -> int:
    if name in sys.argv:
        return int(sys.argv[sys.argv.index(name) + 1])
    return default


POSTS = _arg("--posts", 150)
ROUNDS = _arg("--rounds", 4)
LATENCY_MS = _arg("--latency-ms", 0)


def _without_moto_table_copies() -> None:
    """moto's TransactWriteItems deep-copies every table it touches before applying (to
    roll back), so its cost grows with the posts table; DynamoDB's does not. The bench's
    transactions never fail, so they run without the copy here."""
    import copy
    import types

    from moto.dynamodb import models

    shim = types.SimpleNamespace(deepcopy=lambda value, memo=None: value, copy=copy.copy)
    original = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self: Any, *args: Any, **kwargs: Any) -> Any:
        real = models.copy
        models.copy = shim  # type: ignore[assignment]
        try:
            return original(self, *args, **kwargs)
        finally:
            models.copy = real

    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def main() -> None:
    from local.offline import provisioned_moto, use_offline_environment

    use_offline_environment("test")
    os.environ["SCHEDULO_PASSWORD_HASHING"] = "minimal"
    os.environ["SCHEDULO_TRIAL_DAYS"] = "0"
    with provisioned_moto("test"):
        import botocore.client
        from chalice.test import Client

        import app
        from chalicelib.settings import get_settings
        from chalicelib.store import billing as billing_store
        from tests.support.aws import NO_CHALICE_CONFIG
        from tests.support.factories import call, signup
        from tests.support.posting import an_account

        calls: dict[str, Counter[str]] = {"off": Counter(), "on": Counter()}
        counting: list[str] = []
        original = botocore.client.BaseClient._make_api_call

        def counted(self: Any, operation: str, params: Any) -> Any:
            if counting:
                calls[counting[0]][operation] += 1
            if LATENCY_MS:
                time.sleep(LATENCY_MS / 1000)
            return original(self, operation, params)

        botocore.client.BaseClient._make_api_call = counted  # type: ignore[method-assign]
        _without_moto_table_copies()
        timings: dict[str, list[float]] = {"off": [], "on": []}
        # CPU time of this thread (the app and moto both run in it): what other processes
        # on the shared machine do moves it far less than the wall clock.
        cpu: dict[str, list[float]] = {"off": [], "on": []}
        when = (datetime.now(UTC) + timedelta(days=40)).replace(tzinfo=None)
        with Client(app.app, project_dir=NO_CHALICE_CONFIG) as client:

            def run(mode: str) -> None:
                if mode == "on":
                    os.environ["SCHEDULO_STRIPE_SECRET_KEY"] = "sk_test_bench"
                else:
                    os.environ.pop("SCHEDULO_STRIPE_SECRET_KEY", None)
                get_settings.cache_clear()
                owner = signup(client)
                billing_store.apply_subscription(
                    owner.workspace_id, 1, plan="business", status="active", subscription_id="s"
                )
                account = an_account(owner.workspace_id, "mastodon", timezone="UTC")
                path = f"/v1/workspaces/{owner.workspace_id}/posts"
                for i in range(POSTS):
                    body = {
                        "text": f"Bench post {i}",
                        "targets": [{"account_id": account}],
                        "when": {
                            "at": (when + timedelta(minutes=i)).isoformat(),
                            "timezone": "UTC",
                        },
                    }
                    warm = i >= 5  # the first calls warm caches
                    if warm:
                        counting.append(mode)
                    started, cpu_started = time.perf_counter(), time.thread_time()
                    answer = call(client, "POST", path, body, owner.headers)
                    elapsed = time.perf_counter() - started
                    cpu_elapsed = time.thread_time() - cpu_started
                    counting.clear()
                    assert answer.status_code == 201, answer.body
                    if warm:
                        timings[mode].append(elapsed * 1000)
                        cpu[mode].append(cpu_elapsed * 1000)

            for round_ in range(ROUNDS):
                for mode in ("off", "on") if round_ % 2 == 0 else ("on", "off"):
                    run(mode)

    def pct(values: list[float], q: float) -> float:
        return statistics.quantiles(values, n=100)[int(q) - 1]

    print(
        f"post create through the API, {len(timings['off'])} creates per mode (ms), "
        f"{LATENCY_MS} ms added per AWS call"
    )
    for mode in ("off", "on"):
        values = timings[mode]
        print(f"  billing {mode:3}: p50 {pct(values, 50):6.2f}  p95 {pct(values, 95):6.2f}")
    for q in (50, 95):
        ratio = pct(timings["on"], q) / pct(timings["off"], q) - 1
        print(f"  p{q} slower with billing: {ratio * 100:+.1f} % (goal <= 5 %)")
    print("CPU time of a create in this process (ms):")
    for mode in ("off", "on"):
        print(f"  billing {mode:3}: p50 {pct(cpu[mode], 50):6.2f}  p95 {pct(cpu[mode], 95):6.2f}")
    print(
        f"  p50 slower with billing: {(pct(cpu['on'], 50) / pct(cpu['off'], 50) - 1) * 100:+.1f} %"
    )
    print("AWS calls per create (warm):")
    for mode in ("off", "on"):
        n = len(timings[mode])
        each = ", ".join(f"{op} {c / n:.2f}" for op, c in sorted(calls[mode].items()))
        print(f"  billing {mode:3}: {sum(calls[mode].values()) / n:.2f}  ({each})")


if __name__ == "__main__":
    main()
