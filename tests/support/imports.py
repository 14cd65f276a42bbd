"""Bulk import helpers: upload a CSV, wait for the background job, commit."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from chalice.test import Client

from tests.support.factories import SignedUp, call


def upload(client: Client, user: SignedUp, csv_text: str | bytes, **query: str) -> Any:
    """POST the CSV as a text/csv body; returns the response with `.json`."""
    data = csv_text.encode() if isinstance(csv_text, str) else csv_text
    suffix = f"?{urlencode(query)}" if query else ""
    response = client.http.post(
        f"/v1/workspaces/{user.workspace_id}/imports{suffix}",
        headers={**user.headers, "Content-Type": "text/csv"},
        body=data,
    )
    response.json = json.loads(response.body) if response.body else None
    return response


def wait(client: Client, user: SignedUp, import_id: str, timeout: float = 120) -> dict[str, Any]:
    """The import once its background job has finished (validating or committing)."""
    deadline = time.monotonic() + timeout
    # Each look takes CPU from the job it waits for: quick at first (most jobs take a
    # moment), then less and less often for a long one (a 5,000-row commit).
    pause = 0.05
    while True:
        found = call(
            client, "GET", f"/v1/workspaces/{user.workspace_id}/imports/{import_id}", None,
            user.headers,
        )  # fmt: skip
        assert found.status_code == 200, found.body
        if found.json["status"] not in ("validating", "committing"):
            return found.json
        assert time.monotonic() < deadline, found.json
        time.sleep(pause)
        pause = min(pause * 1.5, 0.5)


def validated(client: Client, user: SignedUp, csv_text: str | bytes, **query: str) -> dict:
    started = upload(client, user, csv_text, **query)
    assert started.status_code == 201, started.body
    assert started.json["status"] == "validating"
    return wait(client, user, started.json["id"])


def commit(client: Client, user: SignedUp, import_id: str, skip_invalid: bool = False) -> Any:
    suffix = "?skip_invalid=true" if skip_invalid else ""
    return call(
        client, "POST", f"/v1/workspaces/{user.workspace_id}/imports/{import_id}/commit{suffix}",
        None, user.headers,
    )  # fmt: skip


def day(offset: int) -> str:
    """The date `offset` days from today (UTC), as 2026-12-01."""
    return (datetime.now(UTC) + timedelta(days=offset)).date().isoformat()


def problems(imported: dict[str, Any]) -> set[tuple[int, str]]:
    return {(error["row"], error["column"]) for error in imported["errors"]}
