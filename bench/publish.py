"""The publisher under load, in the local stack (issue 8).

1. N posts (default 1,000) due in the same minute, spread over sandbox accounts on several
   networks, each network answering 100 ms late per call. The real scheduler emulator
   fires their schedules at the real publisher. Prints lateness p50/p99/max (network
   publish time minus scheduled time), throughput, duplicates and lost posts.
   Goal: p99 lateness <= 2 s, 0 duplicates, 0 lost.
2. The peak RSS of a publisher process publishing a 300 MB video (a sparse file uploaded
   to the stack's S3, read back by ranges). Goal: under 200 MB.

    python bench/publish.py [posts] [video_mb]
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTS = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
VIDEO_MB = int(sys.argv[2]) if len(sys.argv) > 2 else 300
NETWORKS = ("x", "linkedin", "facebook", "threads")
ACCOUNTS_PER_NETWORK = 10  # X allows 100 posts per account per 15 minutes
LATENCY_MS = 100
WS = "w_bench"


def main() -> None:
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ["POWERTOOLS_METRICS_NAMESPACE"] = "Schedulo"
    from local.stack import LocalStack, Ports, free_port

    stack = LocalStack(Ports(api=free_port(), aws=free_port(), sandbox=free_port())).start()
    # Every post is armed well ahead: list the schedule group once a second, not ten times.
    stack.emulator.refresh_seconds = float(os.environ.get("BENCH_REFRESH_SECONDS", "1"))
    try:
        accounts = connect_accounts(stack)
        load(stack, accounts)
        video(stack, accounts)
    finally:
        stack.stop()


def connect_accounts(stack) -> list[tuple[str, str]]:
    from chalicelib.oauth.connect import save_identity
    from tests.support.networks import adapter, connect

    accounts = []
    for network in NETWORKS:
        for n in range(ACCOUNTS_PER_NETWORK):
            net = adapter(network)
            grant = connect(net, user=f"bench{n}")
            identity = net.identities(grant)[0]
            accounts.append((save_identity(WS, "u_bench", grant, identity), network))
        stack.sandbox_state.set_latency(network, LATENCY_MS)
    return accounts


def load(stack, accounts: list[tuple[str, str]]) -> None:
    from chalicelib import scheduling
    from chalicelib.domain.ids import new_id
    from chalicelib.store import posts as store
    from chalicelib.store.base import iso, utcnow

    due = (utcnow() + timedelta(seconds=40 + POSTS * 0.03)).replace(microsecond=0)
    post_ids = []
    for i in range(POSTS):
        account, network = accounts[i % len(accounts)]
        item = store.PostItem(
            WS,
            new_id("p"),
            status="scheduled",
            text=f"Bench post {i} {new_id('n')}",
            scheduled_at=iso(due),
            targets=[
                store.TargetAttribute(target_id=new_id("t"), account_id=account, network=network)
            ],
            created_at=iso(utcnow()),
            updated_at=iso(utcnow()),
        )
        store.create(item)
        scheduling.arm(WS, item.post_id, 1, due)
        store.mark_armed(WS, item.post_id, 1)
        post_ids.append(item.post_id)
    print(f"{POSTS} posts armed for {iso(due)} on {len(accounts)} accounts ({', '.join(NETWORKS)})")
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet):  # EMF metric lines
        deadline = due + timedelta(seconds=120)
        while utcnow() < deadline:
            time.sleep(2)
            if done_count(post_ids) == POSTS:
                break
        time.sleep(2)
    items = [store.get(WS, post_id) for post_id in post_ids]
    lateness, finished = [], []
    for item in items:
        for target in item.targets:
            if target.status == "published":
                at = datetime.fromisoformat(target.published_at)
                lateness.append((at - due).total_seconds())
                finished.append(at)
    sandbox_posts = [p for n in NETWORKS for p in stack.sandbox_state.find_posts(n)]
    texts = [p.get("text") or p.get("message") or p.get("commentary") for p in sandbox_posts]
    duplicates = len(texts) - len(set(texts))
    lost = sum(1 for item in items if item.status != "published")
    lateness.sort()
    span = (max(finished) - min(finished)).total_seconds() if finished else 0
    print(
        f"lateness p50 {pct(lateness, 50):.2f} s, p99 {pct(lateness, 99):.2f} s, "
        f"max {lateness[-1] if lateness else float('nan'):.2f} s"
    )
    print(
        f"throughput {len(finished) / max(span, 1e-9):.0f} posts/s "
        f"({len(finished)} published in {span:.1f} s)"
    )
    print(f"duplicates {duplicates}, lost {lost}, network posts {len(sandbox_posts)}")


def done_count(post_ids: list[str]) -> int:
    from chalicelib.store import posts as store

    return sum(
        1
        for post_id in post_ids
        if store.get(WS, post_id).status not in ("scheduled", "publishing")
    )


def pct(values: list[float], q: int) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if q < 100 else values[-1]


def video(stack, accounts: list[tuple[str, str]]) -> None:
    """Publish a 300 MB video from S3 in a fresh process; print that process's peak RSS."""
    from chalicelib.aws import client
    from chalicelib.domain.ids import new_id
    from chalicelib.settings import get_settings
    from chalicelib.store import media as media_store
    from chalicelib.store import posts as store
    from chalicelib.store.base import iso, utcnow
    from tests.support.networks import MP4_HEAD

    size = VIDEO_MB * 1024 * 1024
    with tempfile.NamedTemporaryFile(suffix=".mp4") as sparse:
        sparse.write(MP4_HEAD)
        sparse.truncate(size)  # sparse: the disk and memory hold almost nothing
        sparse.flush()
        key = f"{WS}/bench-video.mp4"
        client("s3").upload_file(sparse.name, get_settings().media_bucket, key)
    media_id = media_store.new_media_id()
    item = media_store.create(
        WS,
        media_id,
        filename="bench.mp4",
        declared_content_type="video/mp4",
        declared_size=size,
        max_bytes=size,
        upload_key=key,
        created_by="u_bench",
    )
    media_store.mark_ready(
        item,
        inspection={
            "kind": "video",
            "content_type": "video/mp4",
            "size": size,
            "width": 1280,
            "height": 720,
            "duration_seconds": 30.0,
        },
        key=key,
        thumbnail_key=None,
    )
    account = next(a for a, network in accounts if network == "x")
    stack.sandbox_state.set_latency("x", 0)
    post = store.PostItem(
        WS,
        new_id("p"),
        status="scheduled",
        text=f"Bench video {new_id('n')}",
        media_ids=[media_id],
        scheduled_at=iso(utcnow()),
        targets=[store.TargetAttribute(target_id=new_id("t"), account_id=account, network="x")],
        created_at=iso(utcnow()),
        updated_at=iso(utcnow()),
    )
    store.create(post)
    payload = json.dumps({"workspace_id": WS, "post_id": post.post_id, "version": 1})
    child = (
        "import json\n"
        "from chalicelib.publishing.handler import handle_invocation\n"
        f"result = handle_invocation(json.loads({payload!r}))\n"
        "# VmHWM: this process's own peak RSS (ru_maxrss would include the parent's, from\n"
        "# before the exec)\n"
        "status = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
        "print(json.dumps({'result': result, 'peak_mb': int(status) / 1024}))\n"
    )
    started = time.perf_counter()
    answer = subprocess.run(
        [sys.executable, "-c", child],
        cwd=ROOT,
        env={**os.environ, "POWERTOOLS_METRICS_NAMESPACE": "Schedulo"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    seconds = time.perf_counter() - started
    lines = [line for line in answer.stdout.splitlines() if line.startswith('{"result"')]
    if not lines:
        print(f"video publish failed:\n{answer.stdout[-2000:]}\n{answer.stderr[-2000:]}")
        return
    report = json.loads(lines[-1])
    print(
        f"video {VIDEO_MB} MB to X: {report['result']['status']} in {seconds:.1f} s, "
        f"publisher peak RSS {report['peak_mb']:.0f} MB"
    )


if __name__ == "__main__":
    main()
