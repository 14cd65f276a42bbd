"""Connecting accounts in the web app through the sandbox networks' consent pages."""

from __future__ import annotations

import pytest

from tests.support.browser import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.stack]


def test_connect_an_x_account_and_a_facebook_page_through_their_consent_pages(page, stack):
    sign_in_page(page, stack.url, "Accounts Owner")
    page.get_by_role("link", name="Accounts").click()
    page.wait_for_url("**/accounts")
    page.get_by_text("No accounts yet").wait_for()

    # X: the app sends the browser to X's consent page; authorising returns to the app.
    page.get_by_role("button", name="Connect X").click()
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url("**/accounts?**connected=**")
    page.get_by_role("status").get_by_text("Connected 1 account").wait_for()
    accounts = page.get_by_role("list", name="Connected accounts")
    accounts.get_by_text("Connected", exact=True).first.wait_for()

    # Facebook: the grant brings several pages; the user picks one.
    page.get_by_role("button", name="Connect Facebook").click()
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url("**/accounts?**choose=**")
    chooser = page.get_by_role("form", name="Choose accounts to add")
    chooser.get_by_role("checkbox").first.check()
    chooser.get_by_role("button", name="Add 1 selected").click()
    page.get_by_role("form", name="Choose accounts to add").wait_for(state="detached")

    cards = accounts.get_by_role("listitem")
    cards.nth(1).wait_for()
    assert cards.count() == 2
    networks = accounts.inner_text()
    assert "X" in networks and "Facebook" in networks
    assert accounts.get_by_text("Connected", exact=True).count() == 2

    # Editing the posting times of the X account.
    first = cards.first
    first.get_by_role("button", name="Posting times of").click()
    editor = first.get_by_role("form", name="Posting times of")
    editor.get_by_label("Time zone").fill("Europe/Paris")
    editor.get_by_role("button", name="Save posting times").click()
    editor.wait_for(state="detached")
