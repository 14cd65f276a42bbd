import pytest

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
