"""`make dev`: run the whole stack in the foreground until Ctrl-C."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

from local.stack import LocalStack, Ports, wait_until_healthy


def main() -> int:
    started = time.time()
    state = os.environ.get("SCHEDULO_LOCAL_STATE")
    stack = LocalStack(Ports.from_env(), Path(state) if state else None)
    stopping = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    stack.start()
    wait_until_healthy(stack.urls["app"])
    urls = stack.urls
    operator = (
        f"  operator         {stack.operator[0]} / {stack.operator[1]}  (admin endpoints)\n"
        if stack.operator
        else ""
    )
    print(
        f"\nSchedulo is running ({time.time() - started:.1f} s):\n"
        f"  web app and API  {urls['app']}   (API under /v1, OpenAPI at /v1/openapi.json)\n"
        f"  sandbox networks {urls['sandbox']}  (feed page at /, sent email at /mail)\n"
        f"  embedded AWS     {urls['aws']}\n"
        f"{operator}"
        "Press Ctrl-C to stop.",
        flush=True,
    )
    stopping.wait()
    print("\nstopping...", flush=True)
    stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
