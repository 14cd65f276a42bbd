"""The embedded AWS (moto's server) in a process of its own.

moto answers every DynamoDB, S3 and Scheduler call in Python; in the stack's own process
it would compete with the API and the publisher for one interpreter lock. Here it has a
core to itself. It ignores Ctrl-C (the stack saves its state through it while stopping),
stops on SIGTERM, and stops by itself when the stack that started it is gone.

moto's own server (werkzeug's development server) closes the connection after every
response and starts a thread for every connection: each AWS call paid a TCP connection
and a thread on both sides. waitress serves the same application with keep-alive
connections and a fixed pool of threads.

    python -m local.aws_server HOST PORT
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Any

# Enough for the publisher's and a bulk commit's parallel calls; a request waits for a
# free thread only while all are busy, and moto holds one interpreter lock anyway.
THREADS = 32
# Every boto3 client keeps a pool of up to 50 connections open: a busy stack holds a few
# hundred. At waitress's default limit of 100 it stops accepting, and new connections
# wait in the backlog until their calls time out.
CONNECTIONS = 1000


def main() -> int:
    import logging

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from waitress import create_server

    from local.moto_tuning import tune_moto

    logging.getLogger("waitress").setLevel(logging.ERROR)  # not "Serving on ..." nor queue depths
    tune_moto()
    answer_empty_bodies_at_once()

    host, port = sys.argv[1], int(sys.argv[2])
    parent = os.getppid()
    stopping = threading.Event()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.set())
    app = DomainDispatcherApplication(create_backend_app)
    server = create_server(
        app, host=host, port=port, threads=THREADS, connection_limit=CONNECTIONS, ident="moto"
    )
    threading.Thread(target=server.run, name="aws-server", daemon=True).start()
    while not stopping.wait(0.5):
        if os.getppid() != parent:  # the stack died without stopping us
            break
    server.close()
    return 0


def answer_empty_bodies_at_once() -> None:
    """No "100 Continue" for a request whose body is empty.

    boto3 sends `Expect: 100-continue` with every S3 PutObject, an empty one too. waitress
    answers it with "100 Continue", then waits for a body that never comes, and the call
    times out. With nothing to send, the client needs no permission to send it: the
    request is complete as it stands (RFC 9110, 10.1.1)."""
    from waitress.parser import HTTPRequestParser

    from local.moto_tuning import replace_once

    def without_empty_expect(parse: Any) -> Any:
        def parse_header(self: HTTPRequestParser, header_plus: bytes) -> None:
            parse(self, header_plus)
            if self.expect_continue and not self.chunked and self.content_length == 0:
                self.expect_continue = False

        return parse_header

    replace_once(HTTPRequestParser, "parse_header", without_empty_expect)


if __name__ == "__main__":
    sys.exit(main())
