"""The sandbox networks in this test process: a werkzeug server on a free port with the
settings pointed at it, plus a small public file host for pull-based networks."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, request

from local.sandbox.server import create_app
from local.sandbox.state import SandboxState
from local.stack import HOST, free_port


@dataclass
class Call:
    """One request the sandbox received and what it answered (for conformance checks)."""

    method: str
    path: str
    args: dict[str, str]
    form: dict[str, str]
    files: dict[str, int]  # name -> bytes
    json: Any
    content_length: int
    status: int
    response: Any
    headers: dict[str, str]


@dataclass
class RunningSandbox:
    url: str
    state: SandboxState
    app: Flask
    calls: list[Call] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)

    def host(self, name: str, data: bytes) -> str:
        """A public URL serving `data` (what a presigned S3 GET is in production)."""
        self.files[name] = data
        return f"{self.url}/_files/{name}"

    def posts(self, network: str) -> list[dict[str, Any]]:
        return self.state.find_posts(network)

    def fault(self, network: str, kind: str, count: int = 1, calls: str = "publish") -> None:
        """The next `count` publishing calls (or, with calls="metrics", analytics calls)
        on `network` suffer `kind`."""
        import requests

        answer = requests.post(
            f"{self.url}/_control/faults",
            json={"network": network, "kind": kind, "count": count, "calls": calls},
            timeout=5,
        )
        answer.raise_for_status()

    def latency(self, network: str, ms: int) -> None:
        import requests

        answer = requests.post(
            f"{self.url}/_control/latency", json={"network": network, "ms": ms}, timeout=5
        )
        answer.raise_for_status()

    def calls_to(self, prefix: str) -> list[Call]:
        return [c for c in self.calls if c.path.startswith(prefix)]


def _capture(sandbox: RunningSandbox) -> None:
    app = sandbox.app

    @app.after_request
    def record(response: Response) -> Response:
        if request.path.startswith(("/_control", "/_files")):
            return response
        files = {}
        if request.mimetype == "multipart/form-data":
            for name, upload in request.files.items():
                upload.stream.seek(0, os.SEEK_END)
                files[name] = upload.stream.tell()
        sandbox.calls.append(
            Call(
                method=request.method,
                path=request.path,
                args=dict(request.args),
                form=dict(request.form) if request.mimetype != "application/json" else {},
                files=files,
                json=request.get_json(silent=True) if request.is_json else None,
                content_length=request.content_length or 0,
                status=response.status_code,
                response=response.get_json(silent=True) if response.is_json else None,
                headers=dict(response.headers),
            )
        )
        return response

    @app.get("/_files/<name>")
    def public_file(name: str):
        data = sandbox.files.get(name)
        if data is None:
            return "not found", 404
        return Response(data, mimetype="application/octet-stream")


class _Served:
    """A sandbox and its server, counting the requests it is answering: one a test left
    running (a client that timed out while the sandbox sleeps) must not land in the next
    test's state."""

    def __init__(self, sandbox: RunningSandbox) -> None:
        self.sandbox = sandbox
        self.server: Any = None
        self.answering = 0
        self.quiet = threading.Condition()
        inner = sandbox.app.wsgi_app

        def counted(environ: Any, start_response: Any) -> Any:
            with self.quiet:
                self.answering += 1
            try:
                return inner(environ, start_response)
            finally:
                with self.quiet:
                    self.answering -= 1
                    self.quiet.notify_all()

        sandbox.app.wsgi_app = counted  # type: ignore[method-assign]

    def settle(self, seconds: float = 2.0) -> bool:
        with self.quiet:
            return self.quiet.wait_for(lambda: self.answering == 0, timeout=seconds)


# Building the sandbox's Flask app (some 700 routes: every network, Stripe, the sites) takes
# about a second; a test process builds one per sandbox in use at once and serves each
# test from it, emptied, on the same port.
_idle: list[_Served] = []


@contextmanager
def running_sandbox(processing_seconds: float = 1.0) -> Iterator[RunningSandbox]:
    from chalicelib.settings import get_settings

    served = _idle.pop() if _idle else _serve()
    sandbox = served.sandbox
    _empty(sandbox)
    sandbox.state.objects["_processing_seconds"] = processing_seconds
    previous = os.environ.get("SCHEDULO_SANDBOX_URL")
    os.environ["SCHEDULO_SANDBOX_URL"] = sandbox.url
    get_settings.cache_clear()
    try:
        yield sandbox
    finally:
        if served.settle():
            _empty(sandbox)
            _idle.append(served)
        else:  # still answering (an injected 30 s timeout): retired, not reused
            served.server.shutdown()
        if previous is None:
            os.environ.pop("SCHEDULO_SANDBOX_URL", None)
        else:
            os.environ["SCHEDULO_SANDBOX_URL"] = previous
        get_settings.cache_clear()


def _serve() -> _Served:
    from werkzeug.serving import make_server

    state = SandboxState()
    app = create_app(state)
    port = free_port()
    sandbox = RunningSandbox(url=f"http://{HOST}:{port}", state=state, app=app)
    _capture(sandbox)
    served = _Served(sandbox)
    served.server = make_server(HOST, port, app, threaded=True)
    threading.Thread(target=served.server.serve_forever, name="sandbox", daemon=True).start()
    return served


def _empty(sandbox: RunningSandbox) -> None:
    """What one test left: posts, tokens, faults, latency, shortened token lifetimes,
    recorded calls and hosted files."""
    sandbox.state.reset()
    sandbox.state.token_ttl = None
    sandbox.calls.clear()
    sandbox.files.clear()
