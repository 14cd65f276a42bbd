"""Approvals in the web app (issue 21): the owner sets a two-step policy in the settings,
an editor's post waits (flagged on the calendar), an admin approves step 1 from the
Approvals inbox, the owner finds it on the calendar (where they could decide), opens its
page and sends a client review link from there, and the client, without an account, sees
the previews and approves step 2: the post is scheduled."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import requests

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_bulk import connect_x
from tests.browser.test_people import join_via_api
from tests.browser.test_quality import serious_violations
from tests.support.browser import give_session, sign_in_page, sign_up_via_api

pytestmark = [pytest.mark.browser, pytest.mark.stack]


def signed_in(browser, stack, name: str):
    """Another person in a browser of their own (a new context), signed in."""
    user, tokens = sign_up_via_api(stack.url, name)
    context = browser.new_context(base_url=stack.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    give_session(page, stack.url, tokens["refresh_token"])
    return user, context, page


def open_signed_in(page, path: str) -> None:
    with page.expect_response("**/v1/auth/refresh"):
        page.goto(path)


def test_two_step_approval_across_three_people_and_a_client_link(page, stack, browser):
    owner = sign_in_page(page, stack.url, "Olive Owner")
    editor, editor_context, editor_page = signed_in(browser, stack, "Ed Editor")
    admin, admin_context, admin_page = signed_in(browser, stack, "Ada Admin")
    join_via_api(stack, owner, editor, "editor")
    join_via_api(stack, owner, admin, "admin")
    connect_x(stack.url, owner)
    contexts = [editor_context, admin_context]
    try:
        # The owner: step 1 by an admin, step 2 by the client (or an owner).
        page.goto("/settings/approvals")
        form = page.get_by_role("form", name="Approval policy")
        form.get_by_label("A flow of up to three steps").check()
        form.get_by_label("Whose posts go through the flow").select_option(label="Everyone's")
        step1 = form.get_by_role("group", name="Step 1", exact=True)
        step1.get_by_label("Name (optional)").fill("Editorial")
        form.get_by_role("group", name="Step 1 roles").get_by_label("owners").uncheck()
        form.get_by_role("button", name="Add a step").click()
        step2 = form.get_by_role("group", name="Step 2", exact=True)
        step2.get_by_label("Name (optional)").fill("Client")
        form.get_by_role("group", name="Step 2 roles").get_by_label("admins").uncheck()
        step2.get_by_label("The client's decision through a review link counts").check()
        form.get_by_role("button", name="Save the policy").click()
        page.get_by_role("status").get_by_text("The approval policy is saved.").wait_for()
        page.screenshot(path=str(ARTIFACTS / "approval_policy.png"), full_page=True)

        # The editor writes a post for a day next month: it waits for approval.
        open_signed_in(editor_page, "/compose")
        compose = editor_page.get_by_role("form", name="Compose a post")
        compose.get_by_role("checkbox", name="X ·").check()
        compose.get_by_label("Text", exact=True).fill("Spring sale: 20% off everything")
        day = (date.today().replace(day=1) + timedelta(days=45)).replace(day=12)
        compose.get_by_label("Schedule at a time").check()
        compose.get_by_label("Date and time").fill(f"{day.isoformat()}T10:00")
        compose.get_by_role("button", name="Schedule").click()
        editor_page.wait_for_url("**/calendar?date=**")
        chip = editor_page.locator(f'[role="gridcell"][data-day="{day.isoformat()}"]').get_by_role(
            "button", name="Spring sale"
        )
        chip.get_by_text("Needs approval").wait_for()
        assert "status-pending_approval" in (chip.get_attribute("class") or "")
        editor_page.screenshot(path=str(ARTIFACTS / "calendar_pending.png"))

        # The admin approves step 1 from the inbox.
        open_signed_in(admin_page, "/approvals")
        item = admin_page.get_by_role("list", name="Posts in review").get_by_role(
            "article", name="Spring sale"
        )
        item.get_by_text("Step 1 of 2 · Editorial", exact=True).wait_for()
        admin_page.screenshot(path=str(ARTIFACTS / "approvals_inbox.png"), full_page=True)
        item.get_by_label("Comment (sent to the author)").fill("Good to go on our side")
        item.get_by_role("button", name="Approve").click()
        admin_page.get_by_text("Nothing waits for your approval.").wait_for()

        # The owner, an approver of step 2, finds the post on the calendar: it opens where
        # they could decide at once; they open its page and make a client review link.
        page.goto(f"/calendar?date={day.isoformat()}")
        page.locator(f'[role="gridcell"][data-day="{day.isoformat()}"]').get_by_role(
            "button", name="Spring sale"
        ).click()
        deciding = page.get_by_role("dialog", name="Waiting for your approval")
        deciding.get_by_text("Step 2 of 2 · Client", exact=False).wait_for()
        deciding.get_by_role("button", name="Approve").wait_for()
        deciding.get_by_role("link", name="Open the post").click()
        page.wait_for_url("**/posts/p_*")
        bar = page.get_by_role("region", name="Approval")
        bar.get_by_text("Ada Admin").wait_for()
        bar.get_by_text("Good to go on our side").wait_for()
        links = page.get_by_role("region", name="Client review links")
        links.get_by_label("For (optional)").fill("Acme Bakery")
        links.get_by_role("button", name="Create a review link").click()
        url_box = links.get_by_role("textbox", name="Review link for Acme Bakery")
        url_box.wait_for()
        url = url_box.input_value()
        assert "/review/" in url

        # The client, with no account, sees the preview and approves step 2.
        client_context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(client_context)
        client = client_context.new_page()
        client.goto(url)
        client.get_by_role("heading", name="Review this post").wait_for()
        preview = client.get_by_role("article", name="Preview on X")
        preview.get_by_text("Spring sale: 20% off everything").wait_for()
        client.get_by_text("Step 2 of 2 of the approval.").wait_for()
        assert not serious_violations(client)
        client.get_by_label("Your name (optional)").fill("Carla from Acme")
        client.get_by_label("Comment (needed to request changes)").fill("Lovely, ship it")
        client.get_by_role("button", name="Approve").click()
        client.get_by_role("status").get_by_text("You approved this post").wait_for()
        client.screenshot(path=str(ARTIFACTS / "client_review_page.png"), full_page=True)

        # Approved by both steps: the post is scheduled, and the owner's page says so.
        posts = requests.get(
            f"{stack.url}/v1/workspaces/{owner.workspace_id}/posts",
            params={"from": day.isoformat(), "to": (day + timedelta(days=1)).isoformat()},
            headers=owner.headers,
            timeout=10,
        ).json()["items"]
        (post,) = posts
        assert post["status"] == "scheduled"
        approvals = post["approval"]["approvals"]
        assert [(a["step"], a["via"]) for a in approvals] == [(0, "admin"), (1, "client")]
        page.reload()
        page.get_by_text("Scheduled", exact=True).wait_for()
        page.get_by_role("region", name="Approval").get_by_text("Lovely, ship it").wait_for()
        links_after = page.get_by_role("region", name="Client review links")
        links_after.get_by_text("1 decision").wait_for()
    finally:
        for context in contexts:
            context.close()
