"""A key made in the web app expires when chosen (90 days unless told otherwise)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.support.browser import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.stack]


def test_a_key_made_in_the_web_app_expires_when_chosen(page, stack):
    owner = sign_in_page(page, stack.url, name="Owner")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="API keys").click()
    for name, choice in (("Default", None), ("Month", "in 30 days"), ("Forever", "never")):
        page.get_by_label("Key name").fill(name)
        if choice:
            page.get_by_label("Expires").select_option(label=choice)
        page.get_by_role("button", name="Create key").click()
        page.get_by_label(f"Secret of {name}").wait_for()
        page.get_by_role("button", name="I have copied it").click()
        page.get_by_role("table", name="API keys").get_by_text(name, exact=True).wait_for()
    keys = requests.get(
        f"{stack.url}/v1/workspaces/{owner.workspace_id}/api-keys",
        headers=owner.headers,
        timeout=10,
    ).json()["items"]
    expiry = {k["name"]: k["expires_at"] for k in keys}
    assert expiry["Forever"] is None
    now = datetime.now(UTC)
    for name, days in (("Default", 90), ("Month", 30)):
        left = datetime.fromisoformat(expiry[name]) - now
        assert timedelta(days=days - 1) < left <= timedelta(days=days)
