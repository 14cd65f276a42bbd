import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_bulk import connect_x
from tests.browser.test_quality import serious_violations
from tests.support.browser import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.stack]


def test_web_app_shows_the_dashboard_without_system_status_to_a_shop_owner(page, stack):
    sign_in_page(page, stack.url)
    page.wait_for_url("**/dashboard")
    # Each page is its own chunk: wait for it to load rather than assert at once.
    page.get_by_role("heading", name="Dashboard", level=1).wait_for()
    page.get_by_role("heading", name="Accounts", level=2).wait_for()
    assert page.get_by_role("navigation", name="Main").is_visible()
    # The system status is for operators (GET /v1/me says who is one), not shop owners.
    assert page.get_by_role("heading", name="System status").count() == 0


def test_shell_at_desktop_and_phone_width(page, stack):
    """Desktop: the sidebar with Posts, the current page marked, an icon bell, a network-like
    preview. Phone (390 px): a compact header whose Menu button opens the navigation and
    closes it again on Escape and on navigation."""
    ARTIFACTS.mkdir(exist_ok=True)
    user = sign_in_page(page, stack.url, "Shell Owner")
    connect_x(stack.url, user)
    page.get_by_role("heading", name="Dashboard", level=1).wait_for()
    nav = page.get_by_role("navigation", name="Main")
    menu = page.get_by_role("button", name="Menu")
    bell = page.get_by_role("button", name=re.compile(r"^Notifications"))

    # Desktop: the navigation is always there, the menu button is not.
    assert nav.is_visible() and not menu.is_visible()
    assert nav.get_by_role("link", name="Dashboard").get_attribute("aria-current") == "page"
    # The bell is a drawn icon (an emoji renders as an empty box in a stock Chromium).
    assert bell.locator("svg").count() == 1 and bell.inner_text().strip() == ""
    bell.click()
    page.get_by_role("region", name="Notifications").wait_for()
    page.keyboard.press("Escape")
    page.get_by_role("region", name="Notifications").wait_for(state="hidden")
    assert bell.get_attribute("aria-expanded") == "false"
    page.screenshot(path=str(ARTIFACTS / "shell-desktop.png"))

    nav.get_by_role("link", name="Posts").click()
    expect(nav.get_by_role("link", name="Posts")).to_have_attribute("aria-current", "page")

    # The composer's preview looks like a post on X, with the account and X's mark.
    nav.get_by_role("link", name="Compose").click()
    form = page.get_by_role("form", name="Compose a post")
    form.get_by_role("checkbox", name="X ·").check()
    form.get_by_label("Text", exact=True).fill("Lemon cake Friday #bakery https://shop.test/cake")
    preview = form.get_by_role("article", name="Preview on X")
    preview.get_by_text("#bakery").wait_for()
    assert preview.locator('svg[data-network="x"]').count() >= 1
    preview.scroll_into_view_if_needed()
    preview.screenshot(path=str(ARTIFACTS / "preview-x-desktop.png"))

    # Phone: a compact header; the navigation folds behind the menu button.
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="Schedulo").click()
    page.get_by_role("heading", name="Dashboard", level=1).wait_for()
    menu.wait_for()
    nav.wait_for(state="hidden")
    assert menu.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("header.topbar").bounding_box()["height"] <= 64
    page.screenshot(path=str(ARTIFACTS / "phone-shell-closed.png"))

    menu.click()
    nav.wait_for()
    assert menu.get_attribute("aria-expanded") == "true"
    assert nav.get_by_role("link", name="Posts").is_visible()
    assert page.get_by_label("Workspace", exact=True).is_visible()
    assert not serious_violations(page)
    page.screenshot(path=str(ARTIFACTS / "phone-shell-menu.png"))
    page.keyboard.press("Escape")
    nav.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Menu"

    menu.click()
    nav.get_by_role("link", name="Calendar").click()
    page.wait_for_url("**/calendar")
    nav.wait_for(state="hidden")
    assert menu.get_attribute("aria-expanded") == "false"

    # The bell's list fits the phone.
    bell.click()
    page.get_by_role("region", name="Notifications").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "phone-shell-bell.png"))
