"""The post page's collaboration panel (issue 21): a comment mentioning a teammate (who
is notified), the activity, and restoring an old version (a stale page gets told, then
restores)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.browser.test_people import join_via_api
from tests.browser.test_posts import connect
from tests.browser.test_quality import serious_violations
from tests.support.browser import sign_in_page, sign_up_via_api

pytestmark = [pytest.mark.browser, pytest.mark.stack]


@pytest.mark.expected_console_errors("status of 409")
def test_comment_with_a_mention_then_restore_a_version(page, stack):
    owner = sign_in_page(page, stack.url, "Olive Owner")
    teammate, _ = sign_up_via_api(stack.url, "Tess Teammate")
    join_via_api(stack, owner, teammate, "editor")
    connect(page, "X")
    api = f"{stack.url}/v1/workspaces/{owner.workspace_id}"
    accounts = requests.get(f"{api}/accounts", headers=owner.headers, timeout=10).json()["items"]
    at = (datetime.now(UTC) + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M:%S")
    created = requests.post(
        f"{api}/posts",
        json={
            "text": "Our spring sale starts Monday",
            "targets": [{"account_id": accounts[0]["id"]}],
            "when": {"at": at, "timezone": "UTC"},
        },
        headers=owner.headers,
        timeout=10,
    ).json()
    edited = requests.patch(
        f"{api}/posts/{created['id']}",
        json={"version": created["version"], "text": "Our spring sale starts Tuesday!"},
        headers=owner.headers,
        timeout=10,
    ).json()
    assert edited["version"] == 2

    page.goto(f"/posts/{created['id']}")
    panel = page.get_by_role("region", name="Collaboration")
    box = panel.get_by_role("combobox", name="Comment")
    box.click()
    box.press_sequentially("Can you check the date @Te")
    options = panel.get_by_role("listbox", name="Members to mention")
    options.get_by_role("option", name="Tess Teammate").wait_for()
    box.press("Enter")  # picks the highlighted member
    assert box.input_value() == "Can you check the date @Tess Teammate "
    box.press_sequentially("please?")
    panel.get_by_role("button", name="Comment", exact=True).click()
    thread = panel.get_by_role("list", name="Comments")
    thread.get_by_text("Can you check the date").wait_for()
    assert thread.locator("mark.mention").inner_text() == "@Tess Teammate"
    assert box.input_value() == ""

    # Tess, and only Tess, is told.
    def mentions(user):
        notes = requests.get(f"{api}/notifications", headers=user.headers, timeout=10).json()
        return [n for n in notes["items"] if n["kind"] == "post.mention"]

    (note,) = mentions(teammate)
    assert note["title"] == "Olive Owner mentioned you on a post"
    assert note["link"] == f"/posts/{created['id']}"
    assert mentions(owner) == []

    assert serious_violations(page) == []

    panel.get_by_role("tab", name="Activity").click()
    activity = panel.get_by_role("list", name="Activity")
    activity.get_by_text("created the post").wait_for()
    activity.get_by_text("edited text").wait_for()

    panel.get_by_role("tab", name="Versions").click()
    versions = panel.get_by_role("list", name="Versions")
    versions.get_by_role("button", name="v1").click()
    detail = panel.get_by_role("region", name="Version 1")
    detail.get_by_role("button", name="Compare with current").click()
    differences = detail.get_by_role("definition")
    differences.locator("del", has_text="Tuesday!").wait_for()
    differences.locator("ins", has_text="Monday").wait_for()
    assert serious_violations(page) == []

    # Someone else saves the post while this page shows version 2: the restore is refused.
    # The teammate's save lands while the restore is on its way, so the page cannot have
    # re-read the post in between (it polls).
    teammate_edits = []

    def teammate_saves_first(route):
        if not teammate_edits:
            teammate_edits.append(
                requests.patch(
                    f"{api}/posts/{created['id']}",
                    json={"version": 2, "first_comment": "#spring"},
                    headers=teammate.headers,
                    timeout=10,
                )
            )
        route.continue_()

    page.route("**/versions/1/restore", teammate_saves_first)
    detail.get_by_role("button", name="Restore version 1…").click()
    detail.get_by_role("button", name="Restore version 1", exact=True).click()
    detail.get_by_role("alert").get_by_text("Someone changed the post meanwhile").wait_for()
    page.unroute("**/versions/1/restore")
    assert [edit.status_code for edit in teammate_edits] == [200]

    # The page reloaded the post: restoring now works, as a new version.
    page.get_by_role("button", name="Restore version 1", exact=True).click()
    page.locator("blockquote.post-text", has_text="Our spring sale starts Monday").wait_for()
    versions.get_by_text("Restored from v1").wait_for()
    post = requests.get(f"{api}/posts/{created['id']}", headers=owner.headers, timeout=10).json()
    assert (post["text"], post["version"], post["first_comment"]) == (
        "Our spring sale starts Monday",
        4,
        None,
    )

    # On a phone the panel fits the screen.
    page.set_viewport_size({"width": 375, "height": 812})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # Its author takes the comment back.
    panel.get_by_role("tab", name="Comments (1)").click()
    panel.get_by_role("button", name="Delete the comment of Olive Owner").click()
    panel.get_by_role("button", name="Delete", exact=True).click()
    panel.get_by_text("No comments yet").wait_for()
    assert panel.get_by_role("tab", name="Comments", exact=True).is_visible()
