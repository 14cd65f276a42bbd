"""The local stack (`python -m local.dev`) as a child process on free ports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from local.stack import free_port

ROOT = Path(__file__).resolve().parents[2]
# The stacks this process runs, by their app URL (helpers given only the URL find the
# stack's log through it).
RUNNING: dict[str, StackProcess] = {}


class StackProcess:
    def __init__(self, extra_env: dict[str, str] | None = None) -> None:
        self.ports = {name: free_port() for name in ("api", "aws", "sandbox")}
        self.url = f"http://127.0.0.1:{self.ports['api']}"
        self.sandbox_url = f"http://127.0.0.1:{self.ports['sandbox']}"
        self.aws_url = f"http://127.0.0.1:{self.ports['aws']}"
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="stack-", suffix=".log", delete=False)
        self._log_offset = 0
        self._links: dict[tuple[str, str], str] = {}
        self._sent: list[tuple[str, str]] = []  # (to, subject) of each email sent

    def __enter__(self) -> StackProcess:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("AWS_", "SCHEDULO_", "POWERTOOLS_"))
        }
        env.update(
            SCHEDULO_PORT=str(self.ports["api"]),
            SCHEDULO_AWS_PORT=str(self.ports["aws"]),
            SCHEDULO_SANDBOX_PORT=str(self.ports["sandbox"]),
            PYTHONUNBUFFERED="1",
            **self.extra_env,
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "local.dev"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_healthy()
        RUNNING[self.url] = self
        return self

    def emailed_link(self, to: str, purpose: str) -> str | None:
        """The last link of `purpose` (e.g. "verify_email") emailed to `to`, from the
        stack's log (the local stack logs each email it sends with its links): far
        cheaper than moto's whole state (/moto-api/data.json, seconds once it is big)."""
        self._read_sent()
        return self._links.get((to, purpose))

    def emailed_subjects(self, to: str) -> list[str]:
        """The subjects of the emails sent to `to` so far, oldest first (the stack's log,
        as `emailed_link`)."""
        self._read_sent()
        return [subject for recipient, subject in self._sent if recipient == to]

    def _read_sent(self) -> None:
        with open(self.log.name, "rb") as log:
            log.seek(self._log_offset)
            chunk = log.read()
        complete = chunk.rfind(b"\n") + 1
        self._log_offset += complete
        for line in chunk[:complete].splitlines():
            if b'"email sent"' not in line:
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            self._sent.append((entry.get("to", ""), entry.get("subject", "")))
            for kind, link in (entry.get("links") or {}).items():
                self._links[(entry.get("to", ""), kind)] = link

    def _wait_healthy(self, timeout: float = 90) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"the stack exited early:\n{self.output()}")
            try:
                if requests.get(f"{self.url}/v1/health", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"the stack did not come up:\n{self.output()}")

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-5000:]

    def stop(self) -> int:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                return self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                return self.process.wait()
        return self.process.returncode if self.process else 0

    def __exit__(self, *exc: object) -> None:
        RUNNING.pop(self.url, None)
        self.stop()
