import pytest

from tests.support.browser import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.stack]


def test_web_app_shows_the_dashboard_with_system_status(page, stack):
    sign_in_page(page, stack.url)
    page.wait_for_url("**/dashboard")
    # Each page is its own chunk: wait for it to load rather than assert at once.
    page.get_by_role("heading", name="Dashboard", level=1).wait_for()
    checks = page.get_by_role("list", name="Dependency checks")
    checks.get_by_text("dynamodb: reachable").wait_for()
    assert page.get_by_role("navigation", name="Main").is_visible()
