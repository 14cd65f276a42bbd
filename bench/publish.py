"""The publisher under load, in the local stack (issue 8).

1. N posts (default 1,000) due in the same minute, spread evenly over its 60 seconds (or,
   with --burst, all due at its first second), over sandbox accounts on several networks,
   each network answering 100 ms late per call. The real scheduler emulator fires their
   schedules at the real publisher. Prints lateness p50/p99/max (when the network received
   the post minus its due time) and the earliest (never negative: nothing goes out before
   its due second), throughput, duplicates and lost posts.
   Goal: p99 lateness <= 2 s, earliest >= 0, 0 duplicates, 0 lost.
2. Short lead times: SHORT posts (default 200) due 1 to 59 seconds after they are written,
   handed to the publisher at once as the posts service does (`_send`); the publisher
   waits for each due second itself. The same figures, the same goals.
3. The peak RSS of a publisher process publishing a 300 MB video (a sparse file uploaded
   to the stack's S3, read back by ranges). Goal: under 200 MB.
   With --video-only[=N], only this, to N accounts on each of X, TikTok and YouTube in
   one post (default 1): the targets publish at once, on threads of one process, each
   holding its network's chunk: what sizes the publisher's memory (.chalice/config.json).

    python bench/publish.py [posts] [video_mb] [short] [--burst] [--video-only[=N]]
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

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
POSTS = int(ARGS[0]) if ARGS else 1000
VIDEO_MB = int(ARGS[1]) if len(ARGS) > 1 else 300
SHORT = int(ARGS[2]) if len(ARGS) > 2 else 200
BURST = "--burst" in sys.argv  # every post due at the same second
VIDEO_ONLY = next(
    (int(a.split("=", 1)[1]) if "=" in a else 1 for a in sys.argv if a.startswith("--video-only")),
    0,
)  # video targets per network, or 0: the whole bench
VIDEO_NETWORKS = ("x", "tiktok", "youtube")
NETWORKS = ("x", "linkedin", "facebook", "threads")
ACCOUNTS_PER_NETWORK = 10  # X allows 100 posts per account per 15 minutes
LATENCY_MS = 100
WS = "w_bench"


def main() -> None:
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ["POWERTOOLS_METRICS_NAMESPACE"] = "Schedulo"
    from local.stack import LocalStack, Ports, free_port

    stack = LocalStack(Ports(api=free_port(), aws=free_port(), sandbox=free_port())).start()
    try:
        if VIDEO_ONLY:
            accounts = connect_accounts(stack, VIDEO_NETWORKS, VIDEO_ONLY)
            video(stack, accounts, accounts)
            return
        accounts = connect_accounts(stack)
        load(stack, accounts)
        short_leads(stack, accounts)
        video(stack, accounts)
    finally:
        stack.stop()


def connect_accounts(
    stack, networks: tuple[str, ...] = NETWORKS, per_network: int = ACCOUNTS_PER_NETWORK
) -> list[tuple[str, str]]:
    from chalicelib.oauth.connect import save_identity
    from tests.support.networks import adapter, connect

    accounts = []
    for network in networks:
        for n in range(per_network):
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

    minute = (utcnow() + timedelta(seconds=90 + POSTS * 0.03)).replace(second=0, microsecond=0)
    due_at: dict[str, datetime] = {}  # post text -> due time
    post_ids = []
    for i in range(POSTS):
        account, network = accounts[i % len(accounts)]
        due = minute + timedelta(seconds=0 if BURST else i * 60 // POSTS)
        text = f"Bench post {i} {new_id('n')}"
        item = store.PostItem(
            WS,
            new_id("p"),
            status="scheduled",
            text=text,
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
        due_at[text] = due
    spread = "all at its first second" if BURST else "spread evenly over its 60 seconds"
    print(
        f"{POSTS} posts due in the minute of {iso(minute)} ({spread}) "
        f"on {len(accounts)} accounts ({', '.join(NETWORKS)})"
    )
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet):  # EMF metric lines
        while utcnow() < minute:
            time.sleep(0.05)
        cpu_before = cpu_seconds(stack)
        deadline = minute + timedelta(seconds=180)
        while utcnow() < deadline and sum(map(len, received(stack).values())) < POSTS:
            time.sleep(0.5)  # the sandbox's own list: polling the table would load moto
        cpu_after = cpu_seconds(stack)
        time.sleep(3)
    by_network = received(stack)
    sandbox_posts = [p for posts in by_network.values() for p in posts]
    texts = [post_text(p) for p in sandbox_posts]
    duplicates = len(texts) - len(set(texts))
    lateness_by_network = {network: late_by(posts, due_at) for network, posts in by_network.items()}
    lateness = sorted(late for lates in lateness_by_network.values() for late in lates)
    times = [p["received_at"] for p in sandbox_posts if post_text(p) in due_at]
    span = max(times) - min(times) if times else 0
    items = [store.get(WS, post_id) for post_id in post_ids]
    lost = sum(1 for item in items if item.status != "published")
    print(lateness_line(lateness))
    print(
        "  p99 by network: "
        + ", ".join(f"{n} {pct(v, 99):.2f} s" for n, v in lateness_by_network.items())
    )
    print(
        f"throughput {len(times) / max(span, 1e-9):.1f} posts/s "
        f"({len(times)} received by the networks in {span:.1f} s)"
    )
    print(f"duplicates {duplicates}, lost {lost} (posts not published)")
    main_ms, aws_ms = (
        (after - before) * 1000 / POSTS for before, after in zip(cpu_before, cpu_after, strict=True)
    )
    print(
        f"CPU per post while publishing: {main_ms:.1f} ms in the stack's process (API, "
        f"publisher, emulator, sandbox), {aws_ms:.1f} ms in the embedded AWS's"
    )


def short_leads(stack, accounts: list[tuple[str, str]]) -> None:
    """SHORT posts due 1 to 59 s after they are written, handed to the publisher at once
    (the posts service's `_send`): it must wait for each due second itself."""
    import math

    from chalicelib.domain.ids import new_id
    from chalicelib.posts.service import _send
    from chalicelib.store import posts as store
    from chalicelib.store.base import iso, utcnow

    if SHORT <= 0:
        return
    due_at: dict[str, datetime] = {}
    post_ids = []
    for i in range(SHORT):
        account, network = accounts[i % len(accounts)]
        lead = 1 + i * 59 // SHORT  # 1 to 59 s
        now = utcnow()
        due = datetime.fromtimestamp(math.ceil(now.timestamp()) + lead, now.tzinfo)
        text = f"Short lead {lead} s {i} {new_id('n')}"
        item = store.PostItem(
            WS,
            new_id("p"),
            status="scheduled",
            text=text,
            scheduled_at=iso(due),
            targets=[
                store.TargetAttribute(target_id=new_id("t"), account_id=account, network=network)
            ],
            created_at=iso(now),
            updated_at=iso(now),
        )
        store.create(item)
        _send(item, now)  # due within NOW_WINDOW: the publisher is invoked at once
        post_ids.append(item.post_id)
        due_at[text] = due
    print(f"{SHORT} posts due 1 to 59 s after they were written, handed to the publisher at once")
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet):
        deadline = time.time() + 120
        while time.time() < deadline and len(short_received(stack, due_at)) < SHORT:
            time.sleep(0.5)
        time.sleep(3)
    sent = short_received(stack, due_at)
    texts = [post_text(p) for p in sent]
    lateness = late_by(sent, due_at)
    lost = sum(1 for post_id in post_ids if store.get(WS, post_id).status != "published")
    print(lateness_line(lateness))
    print(f"duplicates {len(texts) - len(set(texts))}, lost {lost} (posts not published)")


def short_received(stack, due_at: dict[str, datetime]) -> list[dict]:
    return [p for posts in received(stack).values() for p in posts if post_text(p) in due_at]


def lateness_line(lateness: list[float]) -> str:
    """p50, p99, max and the earliest (min: negative would mean published early)."""
    if not lateness:
        return "lateness: nothing received"
    return (
        f"lateness p50 {pct(lateness, 50):.2f} s, p99 {pct(lateness, 99):.2f} s, "
        f"max {lateness[-1]:.2f} s, earliest {lateness[0]:.3f} s"
        + ("" if lateness[0] >= 0 else "  << PUBLISHED EARLY")
    )


def cpu_seconds(stack) -> tuple[float, float]:
    """(this process's CPU seconds, the embedded AWS process's)."""
    mine = os.times()
    fields = Path(f"/proc/{stack.aws_process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return mine.user + mine.system, (int(fields[11]) + int(fields[12])) / ticks


def late_by(posts: list[dict], due_at: dict[str, datetime]) -> list[float]:
    """Lateness, sorted: when the network received each post, against its due second."""
    return sorted(
        p["received_at"] - due_at[post_text(p)].timestamp() for p in posts if post_text(p) in due_at
    )


def received(stack) -> dict[str, list[dict]]:
    """The posts each sandbox network has received."""
    return {network: stack.sandbox_state.find_posts(network) for network in NETWORKS}


def post_text(post: dict) -> str:
    return post.get("text") or post.get("message") or post.get("commentary") or ""


def pct(values: list[float], q: int) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if q < 100 else values[-1]


def video(
    stack, accounts: list[tuple[str, str]], targets: list[tuple[str, str]] | None = None
) -> None:
    """Publish a 300 MB video from S3 in a fresh process, to `targets` (default: one X
    account) at once; print that process's peak RSS."""
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
    targets = targets or [next((a, n) for a, n in accounts if n == "x")]
    for network in {n for _, n in targets}:
        stack.sandbox_state.set_latency(network, 0)
    post = store.PostItem(
        WS,
        new_id("p"),
        status="scheduled",
        text=f"Bench video {new_id('n')}",
        media_ids=[media_id],
        scheduled_at=iso(utcnow()),
        targets=[
            store.TargetAttribute(target_id=new_id("t"), account_id=account, network=network)
            for account, network in targets
        ],
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
    where = ", ".join(
        f"{sum(n == network for _, n in targets)} {network}"
        for network in dict.fromkeys(n for _, n in targets)
    )
    print(
        f"video {VIDEO_MB} MB to {len(targets)} targets at once ({where}): "
        f"{report['result']}, in {seconds:.1f} s; publisher peak RSS {report['peak_mb']:.0f} MB"
    )


if __name__ == "__main__":
    main()
