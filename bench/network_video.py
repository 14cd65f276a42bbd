"""A 300 MB video to TikTok and YouTube through the sandbox: the publishing process's
peak RSS (goal under 200 MB), chunk count, largest single read, throughput.

Each network publishes in a fresh Python process, so its peak resident set is its own;
the sandbox runs in yet another process and counts bytes without keeping them. The
video is a sparse temporary file read by ranges (as the publisher reads S3 ranges):
it is never whole in memory.

    python bench/network_video.py [size_mb]
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `python bench/network_video.py` from `make bench`

NETWORKS = ("tiktok", "youtube")
GOAL_MIB = 200
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def serve(port: int) -> None:
    import logging

    from werkzeug.serving import make_server

    from local.sandbox.server import create_app
    from local.sandbox.state import SandboxState

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    state = SandboxState()
    state.objects["_processing_seconds"] = 0.2
    make_server("127.0.0.1", port, create_app(state), threaded=True).serve_forever()


def sparse_video(size: int) -> str:
    """A file of `size` bytes that takes no disk space but its first block."""
    handle, path = tempfile.mkstemp(suffix=".mp4")
    os.write(handle, MP4_HEAD)
    os.ftruncate(handle, size)
    os.close(handle)
    return path


def publish_once(network: str, path: str) -> dict[str, float]:
    """In the child process: connect, publish the file, report the figures."""
    from chalicelib.networks.base import MediaItem, MediaKind, Polling, PublishRequest, auth_for
    from chalicelib.networks.registry import get_adapter
    from tests.support.networks import CREDENTIALS, connect

    adapter = get_adapter(network, CREDENTIALS, polling=Polling(interval=0.2, max_wait=60))
    grant = connect(adapter)
    account = auth_for(adapter.identities(grant)[0], grant)
    size = os.path.getsize(path)
    reads: list[int] = []
    descriptor = os.open(path, os.O_RDONLY)

    def read_range(offset: int, length: int) -> bytes:
        reads.append(length)
        return os.pread(descriptor, length, offset)

    video = MediaItem(
        kind=MediaKind.VIDEO,
        content_type="video/mp4",
        size=size,
        read_range=read_range,
        duration_seconds=60,
        filename="bench.mp4",
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    adapter.publish(
        account, PublishRequest(text="bench", media=(video,), options={"title": "Bench"})
    )
    seconds = time.perf_counter() - started
    os.close(descriptor)
    return {
        "chunks": len(reads),
        "largest_read_mib": max(reads) / 1024**2,
        "seconds": seconds,
        "rss_before_mib": before,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        network, path = sys.argv[2], sys.argv[3]
        print(json.dumps(publish_once(network, path)))
        return
    import requests

    from local.stack import free_port

    size_mb = int(sys.argv[1]) if sys.argv[1:] else 300
    port = free_port()
    server = multiprocessing.Process(target=serve, args=(port,), daemon=True)
    server.start()
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/_control/posts", timeout=1)
            break
        except requests.RequestException:
            time.sleep(0.1)
    path = sparse_video(size_mb * 1024**2)
    env = {**os.environ, "SCHEDULO_SANDBOX_URL": f"http://127.0.0.1:{port}"}
    print(
        f"{'network':<9}{'size':>8}{'chunks':>8}{'largest read':>14}{'seconds':>9}"
        f"{'MB/s':>7}{'RSS before':>12}{'peak RSS':>10}"
    )
    worst = 0.0
    try:
        for network in NETWORKS:
            child = subprocess.run(
                [sys.executable, __file__, "--child", network, path],
                env=env,
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            figures = json.loads(child.stdout.strip().splitlines()[-1])
            worst = max(worst, figures["peak_rss_mib"])
            print(
                f"{network:<9}{size_mb:>6}MB{figures['chunks']:>8}"
                f"{figures['largest_read_mib']:>11.1f}MiB{figures['seconds']:>9.2f}"
                f"{size_mb / figures['seconds']:>7.0f}{figures['rss_before_mib']:>9.1f}MiB"
                f"{figures['peak_rss_mib']:>7.1f}MiB"
            )
        posts = requests.get(f"http://127.0.0.1:{port}/_control/posts", timeout=5).json()
        received = {p["network"]: p["media"][0]["bytes"] for p in posts}
        print(f"the sandbox received {received} bytes")
        verdict = "under" if worst < GOAL_MIB else "OVER"
        print(f"peak RSS {worst:.1f} MiB: {verdict} the {GOAL_MIB} MiB goal")
    finally:
        os.unlink(path)
        server.terminate()


if __name__ == "__main__":
    main()
