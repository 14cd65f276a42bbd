"""Chunked video upload: peak Python memory of the adapter and throughput, per network.

The sandbox runs in a child process so the figure is the adapter's alone (tracemalloc
peak while publishing). The video is generated range by range, as the publisher reads
S3 ranges. Goal (issue 5): memory bounded by the chunk size, not the file size.

    python bench/chunked_video.py [size_mb ...]
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `python bench/chunked_video.py` from `make bench`

SIZES_MB = [int(a) for a in sys.argv[1:]] or [50, 200]
NETWORKS = ("x", "facebook", "linkedin")


def serve(port: int) -> None:
    from werkzeug.serving import make_server

    from local.sandbox.server import create_app
    from local.sandbox.state import SandboxState

    state = SandboxState()
    state.objects["_processing_seconds"] = 0.5
    make_server("127.0.0.1", port, create_app(state), threaded=True).serve_forever()


def main() -> None:
    import logging

    import requests

    from chalicelib.networks.base import PublishRequest, auth_for
    from chalicelib.settings import get_settings
    from local.stack import free_port

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = free_port()
    server = multiprocessing.Process(target=serve, args=(port,), daemon=True)
    server.start()
    os.environ["SCHEDULO_SANDBOX_URL"] = f"http://127.0.0.1:{port}"
    get_settings.cache_clear()
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/_control/posts", timeout=1)
            break
        except requests.RequestException:
            time.sleep(0.1)

    from tests.support.networks import GeneratedVideo, adapter, connect

    print(f"{'network':<10}{'size':>8}{'chunks':>8}{'seconds':>9}{'MB/s':>8}{'peak MiB':>10}")
    for size_mb in SIZES_MB:
        for network in NETWORKS:
            net = adapter(network)
            grant = connect(net)
            account = auth_for(net.identities(grant)[0], grant)
            video = GeneratedVideo(size_mb * 1024**2)
            tracemalloc.start()
            started = time.perf_counter()
            net.publish(account, PublishRequest(text=f"bench {size_mb}", media=(video.item(),)))
            seconds = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(
                f"{network:<10}{size_mb:>6}MB{len(video.reads):>8}{seconds:>9.2f}"
                f"{size_mb / seconds:>8.1f}{peak / 1024**2:>10.1f}"
            )
    server.terminate()


if __name__ == "__main__":
    main()
