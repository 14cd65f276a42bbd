"""The web app's quality bar on its main pages: no serious or critical axe-core violations,
and every page usable at 375 px wide (nothing wider than the screen but scrolling parts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.support.browser import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.stack]

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"

MAIN_PAGES = {
    "/dashboard": "Dashboard",
    "/calendar": "Calendar",
    "/compose": "New post",
    "/posts": "Posts",
    "/queue": "Queue",
    "/analytics": "Analytics",
    "/approvals": "Approvals",
    "/plans": "Content plans",
    "/library": "Library",
    "/accounts": "Accounts",
    "/media": "Media",
    "/notifications": "Notifications",
    "/operators": "Operators",  # a signed-in non-operator is told whom it is for
    "/settings/workspace": None,
    "/settings/members": None,
    "/settings/approvals": None,
    "/settings/api-keys": None,
    "/settings/activity": None,
    "/confirm-email": "Confirm your new email",  # the page a link opens; no menu there
    "/settings/account": "Your account",
}


def open_page(page, path: str, heading: str | None) -> None:  # type: ignore[no-untyped-def]
    page.goto(path)
    if heading:
        page.get_by_role("heading", name=heading, level=1).wait_for()
    else:
        page.get_by_role("navigation", name="Settings").wait_for()
        page.locator("main h1, main h2").first.wait_for()
    page.get_by_text("Loading…").first.wait_for(state="detached")


def serious_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    # Evaluated through DevTools: the app's CSP (script-src 'self') refuses inline scripts.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


def test_main_pages_have_no_serious_accessibility_violations(page, stack):
    sign_in_page(page, stack.url, "Axe Owner")
    found: dict[str, list[str]] = {}
    for path, heading in MAIN_PAGES.items():
        open_page(page, path, heading)
        if problems := serious_violations(page):
            found[path] = problems
    assert not found, found


def test_main_pages_fit_a_375_pixel_wide_phone(page, stack):
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in_page(page, stack.url, "Phone Owner")
    too_wide: dict[str, int] = {}
    ARTIFACTS.mkdir(exist_ok=True)
    for path, heading in MAIN_PAGES.items():
        open_page(page, path, heading)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            too_wide[path] = width
        name = path.strip("/").replace("/", "-")
        page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)
    assert not too_wide, too_wide
    # The navigation stays reachable behind the menu button: every section is a link in it.
    page.get_by_role("button", name="Menu").click()
    nav = page.get_by_role("navigation", name="Main")
    for label in (
        "Dashboard",
        "Calendar",
        "Compose",
        "Posts",
        "Queue",
        "Media",
        "Accounts",
        "Settings",
    ):
        assert nav.get_by_role("link", name=label).count() == 1
