"""Shared fixtures: an in-process embedded AWS (moto) provisioned from the template, the
Chalice test client, and (for stack and browser tests) the local stack as a process."""

from __future__ import annotations

import os

from local.offline import provisioned_moto, use_offline_environment

use_offline_environment("test")
os.environ.pop("SCHEDULO_SANDBOX_URL", None)
# Thousands of sign-ups: each hash at argon2's least cost (the local stacks the browser
# tests start inherit it). bench/auth.py measures the real cost.
os.environ["SCHEDULO_PASSWORD_HASHING"] = "minimal"

import pytest  # noqa: E402

from tests.support.aws import NO_CHALICE_CONFIG, clear_state  # noqa: E402
from tests.support.stack import StackProcess  # noqa: E402


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests go first, schemathesis' shards (minutes each) before the other
    tests that start a stack (and the publisher's waits): a long test dealt to a worker
    last keeps the run waiting on it alone."""
    items.sort(key=_rank)


def _rank(item: pytest.Item) -> int:
    if item.get_closest_marker("fuzz") is not None:
        return 0
    return 1 if _is_long(item) else 2


def _is_long(item: pytest.Item) -> bool:
    group = item.get_closest_marker("xdist_group")
    return item.get_closest_marker("stack") is not None or (
        group is not None and group.args == ("publish_waits",)
    )


@pytest.fixture(autouse=True)
def _settings_follow_the_environment():
    """Settings are read once and cached; a test that changes the environment (with
    monkeypatch, undone after it) must not leave the next test on the same worker its
    settings (say, loopback fetches allowed)."""
    yield
    from chalicelib.settings import get_settings

    get_settings.cache_clear()


@pytest.fixture(scope="session")
def _aws_session():
    with provisioned_moto("test"):
        yield


@pytest.fixture
def aws(_aws_session):
    """The embedded AWS with every resource of the template, emptied after each test."""
    yield
    clear_state()


@pytest.fixture
def client(aws):
    """The Chalice test client over the real app, its routes and middleware."""
    from chalice.test import Client

    import app

    _serve_each_thread_its_own_request(app.app)
    with Client(app.app, project_dir=NO_CHALICE_CONFIG) as test_client:
        yield test_client


class _RequestOfThisThread:
    """Chalice keeps the request being served in one attribute of the app; a test that
    races two requests through the client from two threads would have each read the
    other's. Per thread, as each Lambda container (and the local API) serves one."""

    def __init__(self) -> None:
        import threading

        self._local = threading.local()

    def __get__(self, app: object, owner: type) -> object:
        return getattr(self._local, "request", None)

    def __set__(self, app: object, request: object) -> None:
        self._local.request = request


def _serve_each_thread_its_own_request(chalice_app: object) -> None:
    kind = type(chalice_app)
    if not isinstance(kind.__dict__.get("current_request"), _RequestOfThisThread):
        kind.current_request = _RequestOfThisThread()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def browser():
    """One Chromium per worker for every test that drives one: a second Playwright in
    the same process fails (its sync API runs on the first one's event loop)."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import chromium_path

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def stack():
    """`make dev`'s stack as a separate process on free ports."""
    with StackProcess() as running:
        yield running
