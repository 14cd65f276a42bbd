"""The local API under parallel load: `make dev`'s stack (a separate process) serving 400
requests from 4 users through 32 connections at once, and one by one, to show what
serving one request per app at a time (as a Lambda container does) costs the web app's
parallel calls. Also the time for a dashboard's burst of 6 parallel reads.

Figures: requests per second, p50 and p95 latency in milliseconds, and how many requests
were answered with another request's data (must be 0).
"""

from __future__ import annotations

import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.support.browser import sign_up_via_api
from tests.support.stack import StackProcess

USERS = 4
REQUESTS = 400


def run(url: str, users: list, workers: int) -> tuple[float, list[float], int]:
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=workers))

    def one(n: int) -> tuple[float, bool]:
        user = users[n % USERS]
        started = time.perf_counter()
        response = session.get(
            f"{url}/v1/workspaces/{user.workspace_id}",
            headers={"Authorization": f"Bearer {user.access_token}"},
            timeout=60,
        )
        ok = response.status_code == 200 and response.json()["id"] == user.workspace_id
        return (time.perf_counter() - started) * 1000, ok

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        answers = list(pool.map(one, range(REQUESTS)))
    elapsed = time.perf_counter() - started
    return REQUESTS / elapsed, [ms for ms, _ in answers], sum(not ok for _, ok in answers)


def dashboard_burst(url: str, user) -> float:
    base = f"{url}/v1/workspaces/{user.workspace_id}"
    paths = ["/v1/me", base, f"{base}/accounts", f"{base}/posts", f"{base}/media"]
    paths.append(f"{base}/notifications")
    headers = {"Authorization": f"Bearer {user.access_token}"}
    times = []
    for _ in range(20):
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=len(paths)) as pool:
            codes = list(
                pool.map(
                    lambda p: requests.get(p, headers=headers, timeout=60),
                    [path if path.startswith("http") else f"{url}{path}" for path in paths],
                )
            )
        assert all(r.status_code == 200 for r in codes), [r.text for r in codes]
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    with StackProcess() as stack:
        users = [sign_up_via_api(stack.url, name=f"Bench {n}")[0] for n in range(USERS)]
        run(stack.url, users, 8)  # warm up
        for workers in (32, 1):
            rate, latencies, wrong = run(stack.url, users, workers)
            latencies.sort()
            p95 = latencies[int(len(latencies) * 0.95) - 1]
            print(
                f"{REQUESTS} GETs, {workers:>2} at once: {rate:6.1f} requests/s, "
                f"p50 {statistics.median(latencies):6.1f} ms, p95 {p95:6.1f} ms, "
                f"answered as another request: {wrong}"
            )
        burst = dashboard_burst(stack.url, users[0])
        print(f"dashboard's 6 parallel reads, median of 20: {burst:.1f} ms")


if __name__ == "__main__":
    main()
