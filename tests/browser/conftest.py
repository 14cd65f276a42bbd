"""Playwright driving Chromium against the local stack."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def chromium_path() -> str | None:
    path = os.environ.get("SCHEDULO_CHROMIUM")
    if path:
        return path
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None  # Playwright's own download


@pytest.fixture
def page(browser, stack, request):
    """A fresh browser context on the stack; console errors fail the test, except those a
    test expects with `@pytest.mark.expected_console_errors("substring", ...)` (Chromium
    logs every 4xx response, including the refusals a test provokes on purpose)."""
    context = browser.new_context(base_url=stack.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    marker = request.node.get_closest_marker("expected_console_errors")
    expected = marker.args if marker else ()

    def console(message) -> None:  # type: ignore[no-untyped-def]
        if message.type == "error" and not any(text in message.text for text in expected):
            errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not errors, f"console errors: {errors}"
