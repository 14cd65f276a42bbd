"""Outgoing webhooks through the local stack: N events fanned out to 3 endpoints through
the delivery queue (moto's SQS) and the local poller running the `webhook_deliverer`
Lambda. One endpoint answers at once, one takes 2 s, one always fails (500).

Prints deliveries per second, whether any delivery was lost or repeated, whether the
failing endpoint was called more often than its retry schedule allows, and how long the
fast endpoint waited for its events while the slow one was busy.

    .venv/bin/python bench/webhooks.py [--events 1000] [--workers 32] [--timeout 900]
                                       [--without-slow]

The issue's 10,000 events: `--events 10000 --workers 64 --timeout 2100`. What limits it
is the embedded AWS (moto, one process, one interpreter lock): every delivery is a
receive (a tenth), two UpdateItems and a delete (the endpoint is read once per 5 s), and
each failed attempt a send more; emitting (a BatchWriteItem and a SendMessageBatch per
event) waits on the same process, so events leave at the rate moto answers beside the
deliveries; the app's own process waits on it most of the time. moto deleted a message
by scanning the queue twice (quadratic in the queue's length: 30,000 messages here);
local/moto_tuning.py indexes the receipt handles. Its send still computes every queue
attribute (three scans) per message. The slow endpoint needs 10,000 x 2 s / workers of
waiting, on threads of its own.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _arg(name: str, default: int) -> int:
    if name in sys.argv:
        return int(sys.argv[sys.argv.index(name) + 1])
    return default


EVENTS = _arg("--events", 1000)
WORKERS = _arg("--workers", 32)
RETRY_BASE = 20.0  # seconds: the failing endpoint's first retry, then doubling
SLOW_SECONDS = 2.0
TIMEOUT = float(_arg("--timeout", 900))
# --without-slow: the same run with two endpoints (fast, failing), to compare the fast
# endpoint's lag with and without a slow neighbour.
PATHS = ("/fast", "/fail") if "--without-slow" in sys.argv else ("/fast", "/slow", "/fail")


class Receiver:
    """/fast answers 200 at once, /slow after 2 s, /fail 500; every call is recorded."""

    def __init__(self) -> None:
        self.calls: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                arrived = time.time()
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                post_id = json.loads(body)["data"]["post_id"]
                with receiver.lock:
                    receiver.calls[self.path].append((arrived, self.headers["webhook-id"], post_id))
                if self.path == "/slow":
                    time.sleep(SLOW_SECONDS)
                status = 500 if self.path == "/fail" else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 256
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def distinct(self, path: str) -> int:
        with self.lock:
            return len({call[1] for call in self.calls[path]})


def main() -> None:
    os.environ["SCHEDULO_LOCAL_WEBHOOK_WORKERS"] = str(WORKERS)
    os.environ["SCHEDULO_WEBHOOK_RETRY_BASE_SECONDS"] = str(RETRY_BASE)
    import requests

    from local.stack import LocalStack, Ports, free_port

    stack = LocalStack(Ports(api=free_port(), aws=free_port(), sandbox=free_port())).start()
    try:
        run(stack, requests)
    finally:
        stack.stop()


def run(stack: object, requests: object) -> None:
    from chalicelib import webhooks
    from tests.support.browser import sign_up_via_api

    base_url = stack.urls["app"]  # type: ignore[attr-defined]
    receiver = Receiver()
    # Unverified: creating webhooks does not need it, and the stack runs in this process
    # (the verification helper reads the log of a stack run as a subprocess).
    user, _ = sign_up_via_api(base_url, verified=False)
    headers = {"Authorization": f"Bearer {user.access_token}"}
    for path in PATHS:
        answer = requests.post(  # type: ignore[attr-defined]
            f"{base_url}/v1/workspaces/{user.workspace_id}/webhooks",
            json={"url": f"{receiver.url}{path}", "events": ["post.published"]},
            headers=headers,
            timeout=10,
        )
        answer.raise_for_status()

    emitted_at: dict[str, float] = {}
    started = time.time()

    def emit(i: int) -> int:
        emitted_at[f"p_{i}"] = time.time()
        return webhooks.emit(
            user.workspace_id, "post.published", {"post_id": f"p_{i}", "status": "published"}
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        queued = sum(pool.map(emit, range(EVENTS)))
    emitted = time.time() - started
    print(
        f"events: {EVENTS}, deliveries queued: {queued} ({len(PATHS)} endpoints) "
        f"in {emitted:.1f} s "
        f"({EVENTS / emitted:.0f} events/s emitted)",
        flush=True,
    )

    fast_done = slow_done = None
    deadline = started + TIMEOUT
    while time.time() < deadline:
        now = time.time()
        if fast_done is None and receiver.distinct("/fast") >= EVENTS:
            fast_done = now
        if slow_done is None and ("/slow" not in PATHS or receiver.distinct("/slow") >= EVENTS):
            slow_done = now
        if fast_done and slow_done and receiver.distinct("/fail") >= EVENTS:
            break
        if int(now - started) % 15 == 0 and now - started > 1:
            counts = ", ".join(f"{p} {receiver.distinct(p)}" for p in PATHS)
            print(f"  {now - started:.0f} s: distinct events received: {counts}", flush=True)
            time.sleep(1)
        time.sleep(0.2)
    finished = time.time()

    with receiver.lock:
        calls = {path: list(found) for path, found in receiver.calls.items()}
    fast, slow, fail = calls.get("/fast", []), calls.get("/slow", []), calls.get("/fail", [])
    successes = len(fast) + len(slow)
    lost_fast = EVENTS - len({c[1] for c in fast})
    lost_slow = EVENTS - len({c[1] for c in slow}) if "/slow" in PATHS else 0
    repeated = (len(fast) - len({c[1] for c in fast})) + (len(slow) - len({c[1] for c in slow}))
    print(
        f"fast endpoint: all {EVENTS} in {(fast_done or finished) - started:.1f} s; slow "
        f"endpoint (2 s each, {WORKERS} at a time): {(slow_done or finished) - started:.1f} s"
    )
    end = max(fast_done or finished, slow_done or finished)
    print(
        f"successful deliveries: {successes} in {end - started:.1f} s = "
        f"{successes / (end - started):.1f}/s (all attempts incl. failures: "
        f"{(successes + len(fail)) / (finished - started):.1f}/s)"
    )
    print(f"lost: fast {lost_fast}, slow {lost_slow}; delivered twice: {repeated}")

    lags = sorted(t - emitted_at[post_id] for t, _, post_id in fast)
    if lags:
        p = lambda q: lags[min(len(lags) - 1, int(q * len(lags)))]  # noqa: E731
        print(
            f"fast endpoint's lag from emit to arrival while the slow one was busy: "
            f"p50 {p(0.5):.2f} s, p99 {p(0.99):.2f} s, max {lags[-1]:.2f} s"
        )

    by_message: dict[str, list[float]] = defaultdict(list)
    for arrived, message_id, _ in fail:
        by_message[message_id].append(arrived)
    early = 0
    for times in by_message.values():
        times.sort()
        for n in range(1, len(times)):
            allowed = RETRY_BASE * 2 ** (n - 1)  # the wait after attempt n, before jitter
            if times[n] - times[n - 1] < allowed - 1.0:
                early += 1
    attempts = [len(t) for t in by_message.values()]
    if attempts:
        print(
            f"failing endpoint: {len(fail)} calls for {len(by_message)} events, attempts per "
            f"event {min(attempts)}-{max(attempts)} (median {statistics.median(attempts)}) over "
            f"{finished - started:.0f} s; calls earlier than the schedule allows: {early}"
        )
    print("ok" if not (lost_fast or lost_slow or repeated or early) else "PROBLEMS (see above)")


if __name__ == "__main__":
    main()
