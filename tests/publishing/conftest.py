"""The publisher under test: the in-process AWS, the sandbox networks, and the real
scheduler emulator loop invoking the real `app.publisher` handler."""

from __future__ import annotations

import pytest

from tests.support.publishing import PublishingWorld
from tests.support.sandbox import running_sandbox


@pytest.fixture
def sandbox(aws):
    with running_sandbox() as running:
        yield running


@pytest.fixture
def world(client, sandbox, monkeypatch):
    monkeypatch.setenv("SCHEDULO_RETRY_BASE_SECONDS", "1")
    monkeypatch.setenv("SCHEDULO_PUBLISH_LEASE_SECONDS", "2")
    with PublishingWorld(client, sandbox) as running:
        yield running
