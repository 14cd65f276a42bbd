"""Signing up, out and in, and bringing a second person into the workspace."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.support.browser import (
    PASSWORD,
    BrowserUser,
    last_accept_link,
    sign_in_page,
    sign_up_via_api,
)
from tests.support.signup_flow import confirm_and_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.stack]


def email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@example.com"


def fill_signup(page, name: str, address: str | None) -> None:
    page.get_by_label("Your name").fill(name)
    if address is not None:
        page.get_by_label("Email").fill(address)
    page.get_by_label("Password (at least 10 characters)").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()


def join_via_api(stack, owner: BrowserUser, member: BrowserUser, role: str) -> None:
    """`owner` invites `member` to their workspace, and `member` accepts."""
    invited = requests.post(
        f"{stack.url}/v1/workspaces/{owner.workspace_id}/invitations",
        json={"email": member.email, "role": role},
        headers=owner.headers,
        timeout=10,
    )
    assert invited.status_code == 201
    token = last_accept_link(stack.aws_url, member.email).rsplit("/", 1)[-1]
    accepted = requests.post(
        f"{stack.url}/v1/invitations/{token}/accept", headers=member.headers, timeout=10
    )
    assert accepted.status_code == 200


def test_sign_up_out_and_in_then_invite_someone_who_joins(page, browser, stack):
    owner, guest = email("ada"), email("grace")
    # Signed out, the app sends visitors to the sign-in page.
    page.goto("/dashboard")
    page.wait_for_url("**/login**")
    page.get_by_role("link", name="Create an account").click()
    fill_signup(page, "Ada", owner)
    confirm_and_sign_in(page, stack)  # check your email, follow the link, sign in
    page.wait_for_url("**/dashboard")
    switcher = page.get_by_label("Workspace", exact=True)
    assert switcher.locator("option:checked").inner_text() == "Ada's workspace (owner)"

    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url("**/login**")
    page.goto("/dashboard")
    page.wait_for_url("**/login**")
    page.get_by_label("Email").fill(owner)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")
    page.reload()
    page.get_by_role("heading", name="Dashboard").wait_for()  # still signed in

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Members").click()
    page.get_by_label("Email to invite").fill(guest)
    page.get_by_label("Role", exact=True).select_option("editor")
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_role("status").filter(has_text=f"Invitation sent to {guest}").wait_for()
    page.get_by_role("table", name="Invitations").get_by_role(
        "cell", name=guest, exact=True
    ).wait_for()

    link = last_accept_link(stack.aws_url, guest)
    second = browser.new_context(base_url=stack.url)
    try:
        other = second.new_page()
        other.goto(link)
        other.get_by_text("Ada invited").wait_for()
        other.get_by_role("link", name="Create an account").click()
        assert other.get_by_label("Email").input_value() == guest
        fill_signup(other, "Grace", None)
        confirm_and_sign_in(other, stack)  # back to the invitation once signed in
        other.get_by_role("button", name="Accept invitation").click()
        other.wait_for_url("**/dashboard")
        selected = other.get_by_label("Workspace", exact=True).locator("option:checked")
        assert selected.inner_text() == "Ada's workspace (editor)"
        other.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
        other.get_by_role("link", name="Members").click()
        table = other.get_by_role("table", name="Members")
        table.get_by_role("cell", name=owner, exact=True).wait_for()
        table.get_by_role("cell", name=guest, exact=True).wait_for()
    finally:
        second.close()

    page.reload()
    page.get_by_role("table", name="Members").get_by_role("cell", name=guest, exact=True).wait_for()


def test_an_api_key_is_shown_once_and_can_be_revoked(page, stack):
    sign_in_page(page, stack.url, name="Owner")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="API keys").click()
    page.get_by_label("Key name").fill("CI")
    page.get_by_role("button", name="Create key").click()
    secret = page.get_by_label("Secret of CI").input_value()
    assert secret.startswith("sk_")
    page.get_by_role("button", name="I have copied it").click()
    assert page.get_by_label("Secret of CI").count() == 0
    page.get_by_role("table", name="API keys").get_by_text("CI", exact=True).wait_for()
    page.get_by_role("button", name="Revoke CI").click()
    page.get_by_role("button", name="Confirm revoke").click()
    page.get_by_text("No API keys yet.").wait_for()


def test_members_page_changes_a_role_and_removes_after_confirmation(page, stack):
    owner = sign_in_page(page, stack.url, name="Owner")
    member, _ = sign_up_via_api(stack.url, name="Mia")
    join_via_api(stack, owner, member, "viewer")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Members").click()
    page.get_by_label("Role of Mia").select_option("admin")
    page.get_by_text("Change Mia's role from viewer to admin?").wait_for()
    page.get_by_role("button", name="Confirm role change").click()
    page.get_by_role("alertdialog").wait_for(state="detached")
    assert page.get_by_label("Role of Mia").input_value() == "admin"

    page.get_by_role("button", name="Remove Mia").click()
    page.get_by_role("button", name="Cancel").click()
    page.get_by_role("button", name="Remove Mia").click()
    page.get_by_role("button", name="Confirm removal").click()
    page.get_by_role("table", name="Members").get_by_text(member.email).wait_for(state="detached")


@pytest.mark.expected_console_errors("status of 422")  # the campaign with a space
def test_create_a_workspace_switch_to_it_and_rename_it(page, stack):
    sign_in_page(page, stack.url, name="Sam")
    switcher = page.get_by_label("Workspace", exact=True)
    switcher.locator("option:checked").filter(has_text="Sam's workspace").wait_for(state="attached")
    page.get_by_role("link", name="New workspace").click()
    page.get_by_label("Workspace name").fill("Agency")
    page.get_by_label("Time zone").fill("Europe/Paris")
    page.get_by_role("button", name="Create workspace").click()
    page.wait_for_url("**/dashboard")
    assert switcher.locator("option:checked").inner_text() == "Agency (owner)"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Workspace settings").click()
    page.get_by_label("Workspace name").fill("Agency Paris")
    page.get_by_label("Time zone").fill("Europe/Paris")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("status").filter(has_text="Saved.").wait_for()
    switcher.locator("option:checked").filter(has_text="Agency Paris (owner)").wait_for(
        state="attached"
    )
    # Link tracking: a campaign that would break a link is named at its field.
    tracking = page.get_by_role("form", name="Link tracking")
    tracking.get_by_label("Tag the links of new posts").check()
    tracking.get_by_label("Campaign (utm_campaign, optional)").fill("spring sale")
    tracking.get_by_role("button", name="Update link tracking").click()
    campaign = tracking.get_by_label("Campaign (utm_campaign, optional)")
    page.wait_for_function(  # the API's message, at the field
        "el => el.getAttribute('aria-invalid') === 'true'", arg=campaign.element_handle()
    )
    tracking.get_by_label("Campaign (utm_campaign, optional)").fill("spring-sale")
    assert "utm_source=linkedin&utm_medium=social&utm_campaign=spring-sale" in (
        tracking.inner_text()
    )
    tracking.get_by_role("button", name="Update link tracking").click()
    page.get_by_text("Links of new posts will be tagged.").wait_for()

    switcher.select_option(label="Sam's workspace (owner)")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Activity").click()
    activity = page.get_by_role("list", name="Activity")
    activity.get_by_role("listitem").filter(has_text="Sam signed up").first.wait_for()


def test_a_member_leaves_a_workspace_and_no_longer_sees_it(page, stack):
    member = sign_in_page(page, stack.url, name="Mia")
    owner, _ = sign_up_via_api(stack.url, name="Olga")
    join_via_api(stack, owner, member, "editor")

    page.reload()
    switcher = page.get_by_label("Workspace", exact=True)
    switcher.select_option(label="Olga's workspace (editor)")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Workspace settings").click()
    page.get_by_role("button", name="Leave Olga's workspace").click()
    page.get_by_role("button", name="Confirm leaving").click()
    page.wait_for_url("**/dashboard")
    assert switcher.locator("option").all_inner_texts() == ["Mia's workspace (owner)"]
