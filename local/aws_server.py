"""The embedded AWS (moto's server) in a process of its own.

moto answers every DynamoDB, S3 and Scheduler call in Python; in the stack's own process
it would compete with the API and the publisher for one interpreter lock. Here it has a
core to itself. It ignores Ctrl-C (the stack saves its state through it while stopping),
stops on SIGTERM, and stops by itself when the stack that started it is gone.

    python -m local.aws_server HOST PORT
"""

from __future__ import annotations

import os
import signal
import sys
import threading


def main() -> int:
    import logging

    from moto.server import ThreadedMotoServer

    from local.moto_atomic import make_dynamodb_writes_atomic

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    make_dynamodb_writes_atomic()

    host, port = sys.argv[1], int(sys.argv[2])
    parent = os.getppid()
    stopping = threading.Event()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.set())
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    while not stopping.wait(0.5):
        if os.getppid() != parent:  # the stack died without stopping us
            break
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
