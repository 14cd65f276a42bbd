"""Content plans (issue 24): a month's plan generated with the offline writer, images and
draft posts included, through the API and the plan worker, in this process; the embedded
AWS (moto) runs in a process of its own, as the local stack runs it, so this process is
what a Lambda container would be: the app, the worker and what they hold.

A workspace with three accounts (Instagram, X, LinkedIn), a brand profile, posting rules
of three mornings a week (Monday, Wednesday, Friday) and a brief for the first month ahead
with exactly 12 such days: 12 items x 3 networks. Timed from `POST .../plans` until the
worker has written the last item (status ready): outline, 36 captions fitted to their
networks, 12 branded images (rendered at 1080x1080 and each network's preferred size,
inspected, thumbnailed, stored in S3 and the media table) and 12 draft posts through the
posts service. RUNS plans one after another, each in a fresh workspace.

Memory: this process's RSS before the first plan (the interpreter and the app) and its
peak RSS (VmHWM) after each plan; then one more plan under tracemalloc (untimed: tracing
slows Python several times) for the peak of Python allocations while one plan is written
(Pillow's pixel buffers are not Python allocations: the RSS shows them).
The first run pays the cold costs (Pillow, the font, the text counters' patterns).

Goal: <= 10 s and <= 300 MB on 2 cores.

    python bench/content_plan.py [runs, default 3]
"""

from __future__ import annotations

import calendar
import json
import os
import statistics
import sys
import threading
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
NETWORKS = ("instagram", "x", "linkedin")
DAYS = ("mon", "wed", "fri")


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def month_with_12_days() -> str:
    """The first month ahead with exactly 12 Mondays, Wednesdays and Fridays."""
    first = (datetime.now(UTC).date().replace(day=1) + timedelta(days=32)).replace(day=1)
    for _ in range(24):
        days = calendar.monthrange(first.year, first.month)[1]
        count = sum(
            1
            for d in range(1, days + 1)
            if calendar.weekday(first.year, first.month, d) in (0, 2, 4)
        )
        if count == 12:
            return first.strftime("%Y-%m")
        first = (first + timedelta(days=32)).replace(day=1)
    raise RuntimeError("no month with 12 Mondays, Wednesdays and Fridays in two years")


def call(client, method: str, path: str, body, token: str | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    answer = client.http.request(method, path, headers=headers, body=json.dumps(body).encode())
    return answer.status_code, json.loads(answer.body) if answer.body else None


def main() -> None:
    from local.offline import use_offline_environment
    from local.stack import HOST, free_port, start_aws_process, stop_process

    use_offline_environment("bench")
    os.environ["SCHEDULO_PASSWORD_HASHING"] = "minimal"
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
    port = free_port()
    endpoint = os.environ["AWS_ENDPOINT_URL"] = f"http://{HOST}:{port}"
    month = month_with_12_days()
    aws = start_aws_process(port)
    try:
        run_plans(endpoint, month)
    finally:
        stop_process(aws)


def run_plans(endpoint: str, month: str) -> None:
    import boto3

    from chalicelib.settings import get_settings
    from local.provision import provision
    from local.seed import seed

    get_settings.cache_clear()
    session = boto3.session.Session(region_name="us-east-1")
    provision(session, "bench", endpoint)
    seed(session, endpoint, get_settings())
    from chalice.test import Client

    import app
    from chalicelib import scheduling
    from tests.support.posting import an_account

    finished = threading.Event()

    def invoke(arn, payload):
        function = arn.rsplit(":", 1)[-1].split("-")[-1]
        try:
            getattr(app, function)(payload, None)
        finally:
            finished.set()

    scheduling.use_local_invoker(invoke)
    times, peaks, items_made = [], [], []
    baseline = 0.0
    with Client(app.app, project_dir=str(ROOT / "tests" / "support")) as client:
        for run in range(RUNS + 1):
            traced = run == RUNS
            email = f"bench-plan-{run}-{time.time_ns()}@example.com"
            from tests.support.factories import signup

            # Sign-up answers 202 whoever asks; the helper signs in for the tokens.
            owner = signup(client, email=email, name="B", verified=False)
            token, ws = owner.access_token, owner.workspace_id
            accounts = [an_account(ws, n, timezone="Europe/Paris") for n in NETWORKS]
            base = f"/v1/workspaces/{ws}"
            profile = {
                "business_name": "Crumb & Co",
                "what_we_do": "A neighbourhood bakery baking sourdough and pastries daily",
                "audience": "Families and early commuters nearby",
                "voice": "Warm and to the point",
                "words_to_use": ["fresh", "sourdough"],
                "colours": ["#8a4b2a", "#f4e3c1"],
            }
            assert call(client, "PUT", f"{base}/brand", profile, token)[0] == 200
            rules = {"rules": [{"per_week": 3, "days": list(DAYS), "window": "morning"}]}
            assert call(client, "PUT", f"{base}/posting-rules", rules, token)[0] == 200
            brief = {
                "focus": "new_clients",
                "promotion": True,
                "promotion_details": "10% off every loaf on Fridays",
                "tone": "playful",
                "pillars": ["behind the scenes", "our bread", "tips"],
                "account_ids": accounts,
            }
            assert call(client, "PUT", f"{base}/briefs/{month}", brief, token)[0] == 200
            finished.clear()
            if run == 0:
                baseline = rss_mb()
                peak_before = peak_rss_mb()
            if traced:
                rss_peak = peak_rss_mb()
                tracemalloc.start()
            started = time.perf_counter()
            status, plan = call(client, "POST", f"{base}/plans", {"month": month}, token)
            assert status == 202, plan
            finished.wait(300)
            elapsed = time.perf_counter() - started
            if traced:
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                peaks.append(peak / 2**20)
            status, plan = call(client, "GET", f"{base}/plans/{plan['plan_id']}", None, token)
            assert plan["status"] == "ready", plan
            assert all(item["post_id"] and item["media_id"] for item in plan["items"])
            if traced:
                break
            times.append(elapsed)
            items_made.append(len(plan["items"]))
            print(
                f"run {run + 1}: {len(plan['items'])} items x {len(NETWORKS)} networks "
                f"in {elapsed:.2f} s; process peak RSS so far {peak_rss_mb():.1f} MiB",
                flush=True,
            )
    scheduling.use_local_invoker(None)
    print(f"month {month}, {items_made[0]} items x {len(NETWORKS)} networks, {RUNS} runs")
    print(
        f"wall time: median {statistics.median(times):.2f} s, first (cold) {times[0]:.2f} s, "
        f"worst {max(times):.2f} s"
    )
    print(
        f"RSS before the first plan {baseline:.1f} MiB (peak so far {peak_before:.1f}); "
        f"peak RSS after {RUNS} plans {rss_peak:.1f} MiB (VmHWM; moto is another process)"
    )
    print(f"Python allocations while one plan is written (tracemalloc peak): {peaks[0]:.1f} MiB")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("goal: <= 10 s and <= 300 MB")


if __name__ == "__main__":
    main()
