"""The cost of plan enforcement on the post create path: POST /v1/workspaces/{ws}/posts
through the Chalice test client on the embedded AWS (moto, in-process), with billing off
(self-hosted, no Stripe key) and on (the subscription read and the month's counter taken
in a conditional transaction). Rounds alternate between the two so drift hits both.

Prints p50/p95 per mode and how much slower billing makes a create (goal: <= 5 %).
Billing adds one DynamoDB call to a create (the month's counter, a conditional
UpdateItem; the plan is read at most every 30 s per container). moto evaluates that
call's condition in Python in this process, so here it weighs more than the round trip
it costs on DynamoDB; the machine is shared, so compare runs made together.

    .venv/bin/python bench/billing_check.py [--posts 150] [--rounds 4]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _arg(name: str, default: int) -> int:
    if name in sys.argv:
        return int(sys.argv[sys.argv.index(name) + 1])
    return default


POSTS = _arg("--posts", 150)
ROUNDS = _arg("--rounds", 4)


def main() -> None:
    from local.offline import provisioned_moto, use_offline_environment

    use_offline_environment("test")
    os.environ["SCHEDULO_PASSWORD_HASHING"] = "minimal"
    os.environ["SCHEDULO_TRIAL_DAYS"] = "0"
    with provisioned_moto("test"):
        from chalice.test import Client

        import app
        from chalicelib.settings import get_settings
        from chalicelib.store import billing as billing_store
        from tests.support.aws import NO_CHALICE_CONFIG
        from tests.support.factories import call, signup
        from tests.support.posting import an_account

        timings: dict[str, list[float]] = {"off": [], "on": []}
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
                    started = time.perf_counter()
                    answer = call(client, "POST", path, body, owner.headers)
                    elapsed = time.perf_counter() - started
                    assert answer.status_code == 201, answer.body
                    if i >= 5:  # the first calls warm caches
                        timings[mode].append(elapsed * 1000)

            for round_ in range(ROUNDS):
                for mode in ("off", "on") if round_ % 2 == 0 else ("on", "off"):
                    run(mode)

    def pct(values: list[float], q: float) -> float:
        return statistics.quantiles(values, n=100)[int(q) - 1]

    print(f"post create through the API, {len(timings['off'])} creates per mode (ms)")
    for mode in ("off", "on"):
        values = timings[mode]
        print(f"  billing {mode:3}: p50 {pct(values, 50):6.2f}  p95 {pct(values, 95):6.2f}")
    for q in (50, 95):
        ratio = pct(timings["on"], q) / pct(timings["off"], q) - 1
        print(f"  p{q} slower with billing: {ratio * 100:+.1f} % (goal <= 5 %)")


if __name__ == "__main__":
    main()
