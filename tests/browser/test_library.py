"""The content library in the web app (issue 21): save a hashtag group and a post template
with its own text for X on the Library page, find them by searching, then insert both in
the composer and schedule the post."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import requests

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_bulk import connect_x
from tests.support.browser import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.stack]


def test_save_a_template_and_hashtags_then_use_them_in_the_composer(page, stack):
    user = sign_in_page(page, stack.url, "Libby Library")
    connect_x(stack.url, user)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    page.get_by_text("The library is empty.").wait_for()

    page.get_by_role("button", name="New library item").click()
    form = page.get_by_role("form", name="New library item")
    form.get_by_label("Hashtag group").check()
    form.get_by_label("Name").fill("Spring tags")
    form.get_by_label("Hashtags (separated by spaces)").fill("#spring sale #Spring")
    form.get_by_role("button", name="Save to the library").click()
    form.wait_for(state="detached")
    tags = page.get_by_role("article", name="Spring tags")
    tags.get_by_text("#sale").wait_for()  # "#Spring" twice is kept once

    page.get_by_role("button", name="New library item").click()
    form = page.get_by_role("form", name="New library item")
    form.get_by_label("Post template").check()
    form.get_by_label("Name").fill("Weekly launch")
    form.get_by_label("Text for every network").fill("New this week in the shop")
    form.get_by_label("Network for an own text").select_option(label="X")
    form.get_by_role("button", name="Add own text").click()
    form.get_by_label("X", exact=True).fill("New this week 🚀")
    form.get_by_label("First comment (optional)").fill("Prices in the link")
    form.get_by_role("button", name="Save to the library").click()
    form.wait_for(state="detached")
    page.get_by_role("article", name="Weekly launch").get_by_text("own text for x").wait_for()
    page.screenshot(path=str(ARTIFACTS / "library_page.png"), full_page=True)

    page.get_by_label("Search the library").fill("shop")
    page.get_by_role("article", name="Spring tags").wait_for(state="detached")
    page.get_by_role("article", name="Weekly launch").wait_for()

    # The composer: the template fills the post (X gets its own text), then the tags.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Compose").click()
    compose = page.get_by_role("form", name="Compose a post")
    compose.get_by_role("checkbox", name="X ·").check()
    compose.get_by_role("button", name="Insert from the library").click()
    compose.get_by_role("button", name="Use template Weekly launch").click()
    compose.get_by_role("button", name="Add hashtags Spring tags").click()
    page.screenshot(path=str(ARTIFACTS / "composer_library.png"), full_page=True)
    text = compose.get_by_label("Text", exact=True)
    assert text.input_value() == "New this week in the shop\n\n#spring #sale"
    assert compose.get_by_label("First comment (optional)").input_value() == "Prices in the link"
    compose.get_by_role("tab", name="X (own text)").click()
    assert compose.get_by_role("textbox", name="Text for X").input_value() == "New this week 🚀"
    day = (date.today().replace(day=1) + timedelta(days=45)).replace(day=20)
    compose.get_by_label("Schedule at a time").check()
    compose.get_by_label("Date and time").fill(f"{day.isoformat()}T09:00")
    compose.get_by_role("button", name="Schedule").click()
    page.wait_for_url("**/calendar?date=**")

    (post,) = requests.get(
        f"{stack.url}/v1/workspaces/{user.workspace_id}/posts",
        params={"from": day.isoformat(), "to": (day + timedelta(days=1)).isoformat()},
        headers=user.headers,
        timeout=10,
    ).json()["items"]
    assert post["text"] == "New this week in the shop\n\n#spring #sale"
    assert post["targets"][0]["text"] == "New this week 🚀"
    assert post["first_comment"] == "Prices in the link"
