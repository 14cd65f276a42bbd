"""The operators' console in the browser: the local operator finds a tenant, suspends it
after a confirm dialog, and the tenant's owner sees why on their next page."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_quality import serious_violations
from tests.support.browser import give_session, sign_up_via_api

pytestmark = [pytest.mark.browser, pytest.mark.stack]

PRINTED = re.compile(r"operator\s+(\S+@\S+) / (\S+)\s+\(admin endpoints\)")


def operator_refresh_token(stack) -> str:  # type: ignore[no-untyped-def]
    """Sign in as the operator `make dev` printed; their refresh token."""
    deadline, found = time.time() + 10, None
    while found is None and time.time() < deadline:
        found = PRINTED.search(Path(stack.log.name).read_text(errors="replace"))
        if found is None:
            time.sleep(0.1)
    assert found, "make dev printed no operator"
    email, password = found.groups()
    answer = requests.post(
        f"{stack.url}/v1/auth/login", json={"email": email, "password": password}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["refresh_token"]


def signed_in(page, stack, refresh_token: str) -> None:  # type: ignore[no-untyped-def]
    give_session(page, stack.url, refresh_token)
    with page.expect_response("**/v1/auth/refresh"):
        page.goto("/dashboard")


def test_an_operator_suspends_a_tenant_and_its_owner_sees_why(page, browser, stack):
    ARTIFACTS.mkdir(exist_ok=True)
    owner, owner_tokens = sign_up_via_api(stack.url, "Bakery Owner")
    name = f"Corner Bakery {uuid.uuid4().hex[:6]}"
    renamed = requests.patch(
        f"{stack.url}/v1/workspaces/{owner.workspace_id}",
        json={"name": name},
        headers=owner.headers,
        timeout=10,
    )
    assert renamed.status_code == 200, renamed.text

    # The operator reaches the console from the user menu and finds the tenant by name.
    signed_in(page, stack, operator_refresh_token(stack))
    page.get_by_role("link", name="Operators").click()
    page.get_by_role("heading", name="Operators", level=1).wait_for()
    # Publishing's health: queue depths and the sweeper, whatever the stack did so far.
    health = page.get_by_role("region", name="Publishing health")
    expect(health).to_contain_text("Failed posts (dead letters)")
    expect(health.get_by_role("heading", name="Sweeper")).to_be_visible()
    assert not serious_violations(page)
    page.get_by_label("Workspace name, id or a member's email").fill(name.lower())
    page.get_by_role("button", name="Search").click()
    # The search is itself in the operators' log, shown beneath the results.
    log = page.get_by_role("region", name="Operators' log")
    expect(log).to_contain_text(f"searched {name.lower()}")
    page.get_by_role("link", name=name).click()
    page.get_by_role("heading", name=name, level=2).wait_for()
    expect(page.get_by_text("No support access: metadata only")).to_be_visible()
    expect(page.get_by_role("cell", name=owner.email)).to_be_visible()
    expect(page.get_by_role("form", name="Extend the trial")).to_be_visible()

    # Suspending asks first; Cancel changes nothing.
    suspend = page.get_by_role("form", name="Suspend")
    suspend.get_by_label("Reason (shown to the workspace's people)").fill("Unpaid invoices")
    suspend.get_by_role("button", name="Suspend workspace…").click()
    dialog = page.get_by_role("alertdialog", name=f"Suspend {name}?")
    expect(dialog).to_contain_text("Unpaid invoices")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    suspend.get_by_role("button", name="Suspend workspace…").click()
    dialog.get_by_role("button", name="Suspend workspace").click()
    expect(page.get_by_text(re.compile(r"Suspended since .*: Unpaid invoices"))).to_be_visible()
    page.get_by_role("form", name="Lift the suspension").wait_for()
    assert not serious_violations(page)
    page.screenshot(path=str(ARTIFACTS / "operators-tenant-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "operators-tenant-phone.png"), full_page=True)

    # The owner, on any page of the app, is told the workspace is suspended and why.
    context = browser.new_context(base_url=stack.url, viewport={"width": 1280, "height": 900})
    try:
        owner_page = context.new_page()
        signed_in(owner_page, stack, owner_tokens["refresh_token"])
        banner = owner_page.get_by_role("alert").filter(has_text="is suspended")
        expect(banner).to_contain_text(f"{name} is suspended.")
        expect(banner).to_contain_text("Unpaid invoices")
        owner_page.screenshot(path=str(ARTIFACTS / "suspended-banner-desktop.png"))
    finally:
        context.close()
