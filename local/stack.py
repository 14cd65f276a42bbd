"""The whole product on one machine: embedded AWS, the API and web app, the scheduler
emulator and the sandbox networks, each on 127.0.0.1 (DESIGN.md section 4)."""

from __future__ import annotations

import importlib
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Ports:
    api: int = 8000
    aws: int = 4566
    sandbox: int = 8100

    @classmethod
    def from_env(cls) -> Ports:
        def port(name: str, default: int) -> int:
            value = int(os.environ.get(name, default))
            return value or free_port()

        return cls(
            api=port("SCHEDULO_PORT", 8000),
            aws=port("SCHEDULO_AWS_PORT", 4566),
            sandbox=port("SCHEDULO_SANDBOX_PORT", 8100),
        )


def local_environment(ports: Ports, stage: str = "local") -> dict[str, str]:
    """The variables that point the app at the embedded AWS and the sandbox."""
    return {
        "SCHEDULO_STAGE": stage,
        "AWS_ENDPOINT_URL": f"http://{HOST}:{ports.aws}",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "SCHEDULO_PORT": str(ports.api),
        "SCHEDULO_API_BASE_URL": f"http://{HOST}:{ports.api}",
        "SCHEDULO_FRONTEND_ORIGIN": f"http://{HOST}:{ports.api}",
        "SCHEDULO_SANDBOX_URL": f"http://{HOST}:{ports.sandbox}",
        "SCHEDULO_ALLOW_LOOPBACK_FETCH": "1",
        # Every browser of the machine signs up from 127.0.0.1 (and the browser tests many).
        "SCHEDULO_SIGNUPS_PER_ADDRESS": "10000",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "Schedulo",
    }


class LocalStack:
    """Start with `start()`, stop with `stop()`; `urls` says where everything is."""

    def __init__(self, ports: Ports, state_dir: Path | None = None, stage: str = "local") -> None:
        self.ports = ports
        self.stage = stage
        self.state_dir = state_dir
        self._stoppers: list[Any] = []
        self.emulator: Any = None
        self.metrics_emulator: Any = None
        self.webhook_poller: Any = None
        self.aws_process: subprocess.Popen | None = None
        self.sandbox_state: Any = None
        self._saver: threading.Thread | None = None
        self._stop_saving = threading.Event()
        # The local operator's email and password (admin endpoints), once started.
        self.operator: tuple[str, str] | None = None

    @property
    def urls(self) -> dict[str, str]:
        return {
            "app": f"http://{HOST}:{self.ports.api}",
            "aws": f"http://{HOST}:{self.ports.aws}",
            "sandbox": f"http://{HOST}:{self.ports.sandbox}",
        }

    def start(self) -> LocalStack:
        import logging

        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        os.environ.update(local_environment(self.ports, self.stage))
        self._start_aws()
        self._start_sandbox()
        app_module = importlib.import_module("app")
        self._start_api(app_module)
        self._start_billing()
        self._start_scheduler(app_module)
        self._start_webhook_poller(app_module)
        if self.state_dir:
            self._saver = threading.Thread(target=self._save_periodically, daemon=True)
            self._saver.start()
        return self

    def stop(self) -> None:
        self._stop_saving.set()
        if self.state_dir:
            self.save()
        for stop in reversed(self._stoppers):
            try:
                stop()
            except Exception as exc:  # keep stopping the rest
                print(f"stopping: {exc!r}", file=sys.stderr)

    # -- parts -----------------------------------------------------------------------
    def _session(self) -> Any:
        import boto3

        return boto3.session.Session(region_name="us-east-1")

    def _start_aws(self) -> None:
        from chalicelib.settings import get_settings
        from local.provision import provision
        from local.seed import seed

        process = self.aws_process = start_aws_process(self.ports.aws)
        self._stoppers.append(lambda: stop_process(process))
        get_settings.cache_clear()
        provision(self._session(), self.stage, self.urls["aws"])
        seed(self._session(), self.urls["aws"], get_settings())
        if self.state_dir:
            from local import persistence

            if persistence.load(self._session(), self.urls["aws"], get_settings(), self.state_dir):
                print(f"restored state from {self.state_dir}")
        self._seed_operator()

    def _seed_operator(self) -> None:
        """The local operator (admin endpoints), by user id; `make dev` prints how to sign
        in as them. Operators named in SCHEDULO_OPERATOR_USER_IDS stay operators."""
        from chalicelib.settings import get_settings
        from local.seed import OPERATOR_EMAIL, OPERATOR_USER_ID, seed_operator

        password = seed_operator()
        if password is None:
            return
        self.operator = (OPERATOR_EMAIL, password)
        named = os.environ.get("SCHEDULO_OPERATOR_USER_IDS", "").split(",")
        os.environ["SCHEDULO_OPERATOR_USER_IDS"] = ",".join(
            [n for n in named if n.strip() and n.strip() != OPERATOR_USER_ID] + [OPERATOR_USER_ID]
        )
        get_settings.cache_clear()

    def _start_sandbox(self) -> None:
        from werkzeug.serving import make_server

        from local.sandbox.server import create_app
        from local.sandbox.state import SandboxState

        ttl = os.environ.get("SCHEDULO_SANDBOX_TOKEN_TTL")
        self.sandbox_state = SandboxState(token_ttl=int(ttl) if ttl else None)
        server = make_server(
            HOST,
            self.ports.sandbox,
            create_app(self.sandbox_state, self.urls["aws"]),
            threaded=True,
        )
        threading.Thread(target=server.serve_forever, name="sandbox", daemon=True).start()
        self._stoppers.append(server.shutdown)

    def _start_api(self, app_module: Any) -> None:
        from local.api_server import make_api_server

        server = make_api_server(app_module.app, HOST, self.ports.api)
        threading.Thread(target=server.server.serve_forever, name="api", daemon=True).start()
        self._stoppers.append(server.shutdown)

    def _start_billing(self) -> None:
        """With SCHEDULO_STRIPE_SECRET_KEY set, billing runs against the local Stripe: the
        plans are synchronised into it and a webhook endpoint for the app is registered
        there, its secret given to the app (SCHEDULO_STRIPE_WEBHOOK_SECRET)."""
        from chalicelib.billing.service import client as stripe_client
        from chalicelib.settings import get_settings
        from infrastructure.stripe_sync import sync

        settings = get_settings()
        sandbox_stripe = f"{self.urls['sandbox']}/stripe"
        if not settings.billing_enabled or settings.stripe_api_base != sandbox_stripe:
            return
        client = stripe_client()  # the app's own: the same key and the local Stripe
        sync(client, log=lambda line: None)
        url = f"{self.urls['app']}/v1/webhooks/stripe"
        # A restored local Stripe may hold this URL's endpoint with a secret no one knows.
        for old in client.v1.webhook_endpoints.list(params={"limit": 100}).data:
            if old.url == url:
                client.v1.webhook_endpoints.delete(old.id)
        endpoint = client.v1.webhook_endpoints.create(params={"url": url, "enabled_events": ["*"]})
        os.environ["SCHEDULO_STRIPE_WEBHOOK_SECRET"] = endpoint.secret or ""
        get_settings.cache_clear()

    def _start_scheduler(self, app_module: Any) -> None:
        from chalice.local import LambdaContext

        from chalicelib import scheduling
        from chalicelib.settings import get_settings
        from local.scheduler import SchedulerEmulator, rate_jobs

        settings = get_settings()
        session = self._session()

        def context() -> Any:
            return LambdaContext(function_name="local", memory_size=1024, max_runtime_ms=900_000)

        def invoke(arn: str, payload: dict[str, Any]) -> Any:
            function = arn.rsplit(":", 1)[-1].removeprefix(f"schedulo-{self.stage}-")
            return getattr(app_module, function)(payload, context())

        # There is no Lambda service here: "publish now" calls the function in-process.
        scheduling.use_local_invoker(invoke)
        self._stoppers.append(lambda: scheduling.use_local_invoker(None))
        self.emulator = SchedulerEmulator(
            scheduler=session.client("scheduler", endpoint_url=self.urls["aws"]),
            sqs=session.client("sqs", endpoint_url=self.urls["aws"]),
            group=settings.schedule_group,
            invoke=invoke,
            jobs=rate_jobs(app_module, context),
            # The app reports what it arms and disarms: the listing only catches the rest.
            refresh_seconds=30.0,
        ).start()
        self._stoppers.append(self.emulator.stop)
        # Analytics: the collector's bucket schedules, in their own group.
        self.metrics_emulator = SchedulerEmulator(
            scheduler=session.client("scheduler", endpoint_url=self.urls["aws"]),
            sqs=session.client("sqs", endpoint_url=self.urls["aws"]),
            group=settings.metrics_schedule_group,
            invoke=invoke,
            refresh_seconds=30.0,
            workers=4,
        ).start()
        self._stoppers.append(self.metrics_emulator.stop)
        emulators = (self.emulator, self.metrics_emulator)

        def notice(name: str) -> None:
            for emulator in emulators:
                emulator.notice(name)

        scheduling.use_local_watcher(notice)
        self._stoppers.append(lambda: scheduling.use_local_watcher(None))

    def _start_webhook_poller(self, app_module: Any) -> None:
        """Lambda's SQS event source for the webhook queue: `webhook_deliverer` per message,
        a few threads per endpoint (SCHEDULO_LOCAL_WEBHOOK_WORKERS, 8)."""
        from chalice.local import LambdaContext

        from chalicelib.settings import get_settings
        from local.sqs_poller import SqsPoller

        def handle(event: dict[str, Any]) -> Any:
            context = LambdaContext(
                function_name="webhook_deliverer", memory_size=256, max_runtime_ms=60_000
            )
            return app_module.webhook_deliverer(event, context)

        self.webhook_poller = SqsPoller(
            sqs=self._session().client("sqs", endpoint_url=self.urls["aws"]),
            queue_url=get_settings().webhook_queue_url,
            handler=handle,
            key=lambda body: str(body.get("webhook_id", "")),
            workers_per_key=int(os.environ.get("SCHEDULO_LOCAL_WEBHOOK_WORKERS", "8")),
        ).start()
        self._stoppers.append(self.webhook_poller.stop)

    def save(self) -> None:
        from chalicelib.settings import get_settings
        from local import persistence

        if self.state_dir:
            persistence.save(self._session(), self.urls["aws"], get_settings(), self.state_dir)

    def _save_periodically(self) -> None:
        while not self._stop_saving.wait(60):
            try:
                self.save()
            except Exception as exc:
                print(f"saving state failed: {exc!r}", file=sys.stderr)


def start_aws_process(port: int, timeout: float = 60) -> subprocess.Popen:
    """moto's server in a child process (local/aws_server.py), listening."""
    process = subprocess.Popen(
        [sys.executable, "-m", "local.aws_server", HOST, str(port)], cwd=ROOT
    )
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the embedded AWS exited early (code {process.returncode})")
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.05)
    stop_process(process)
    raise TimeoutError(f"the embedded AWS did not listen on {port} in {timeout} s")


def stop_process(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_healthy(url: str, timeout: float = 60) -> None:
    import requests

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if requests.get(f"{url}/v1/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not become healthy in {timeout} s")
