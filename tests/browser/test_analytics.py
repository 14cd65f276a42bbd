"""Analytics in the browser, with real sandbox numbers: publish two posts on X through the
API, collect their metrics as the collector does, then read them where a user would: the
Analytics page (headline numbers, the chart, top posts, the best-times heatmap, a CSV), the
post's page, and "Use best times" filling the queue's posting times."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_bulk import connect_x
from tests.browser.test_quality import serious_violations
from tests.support.analytics import collect_now
from tests.support.browser import overflow, sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.stack]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
TEXTS = ("Spring menu: three new soups", "Doors open at 8 tomorrow")


def publish_now(stack, user, account_id: str, text: str) -> str:  # type: ignore[no-untyped-def]
    created = requests.post(
        f"{stack.url}/v1/workspaces/{user.workspace_id}/posts",
        json={"text": text, "targets": [{"account_id": account_id}], "when": {"now": True}},
        headers=user.headers,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def wait_published(stack, user, post_ids: list[str]) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 30
    for post_id in post_ids:
        while True:  # the publisher runs in the stack: wait for its outcome
            post = requests.get(
                f"{stack.url}/v1/workspaces/{user.workspace_id}/posts/{post_id}",
                headers=user.headers,
                timeout=10,
            ).json()
            if post["status"] == "published":
                break
            assert post["status"] not in ("failed", "partially_published"), post
            assert time.monotonic() < deadline, post
            time.sleep(0.1)


def test_published_posts_numbers_show_on_analytics_the_post_and_fill_the_queue(page, stack):
    page.set_viewport_size(DESKTOP)
    user = sign_in_page(page, stack.url, "Ana Lytics")
    account_id = connect_x(stack.url, user)
    posts = [publish_now(stack, user, account_id, text) for text in TEXTS]
    wait_published(stack, user, posts)
    collected = collect_now(stack, user.workspace_id)
    assert collected["refreshes"], collected

    # The Analytics page, from the navigation.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Analytics").click()
    page.get_by_role("heading", name="Analytics", level=1).wait_for()
    cards = page.get_by_role("list", name="Headline numbers")

    def card(name: str):  # type: ignore[no-untyped-def]
        return cards.get_by_role("listitem").filter(has=page.get_by_role("heading", name=name))

    card("Posts published").locator(".stat-value").filter(has_text="2").wait_for()
    # The cards show what the API sums (X gives impressions: a number, not "not available").
    totals = requests.get(
        f"{stack.url}/v1/workspaces/{user.workspace_id}/analytics/summary",
        headers=user.headers,
        timeout=10,
    ).json()["totals"]
    assert totals["posts_published"] == 2 and totals["impressions"] is not None, totals
    shown = card("Impressions").locator(".stat-value").inner_text()
    assert shown.replace(",", "") == str(totals["impressions"]), (shown, totals)
    # The chart is drawn (recharts' SVG, loaded beside the numbers) and X has a row.
    chart = page.get_by_role("img", name="Impressions per day chart")
    curve = chart.locator("svg path.recharts-area-curve")
    curve.wait_for(state="attached")  # a flat line (no impressions yet) has no height
    assert curve.get_attribute("d"), "no curve drawn"
    page.get_by_role("table", name="By network").get_by_role("row", name="X").wait_for()
    # Top posts link the post's page and the post live on X.
    top = page.get_by_role("region", name="Top posts")
    for text in TEXTS:
        top.get_by_role("link", name=text).wait_for()
    assert top.get_by_role("link", name="View on X").count() == 2
    # Best times: two posts are too few, so the page says these are X's usual times.
    best = page.get_by_role("region", name="Best times to post")
    best.get_by_text("Not enough history yet").wait_for()
    assert best.get_by_role("list", name="Suggested times for").get_by_role("listitem").count() >= 1
    assert best.locator("td.heat-best").count() >= 1
    # The CSV: one row per published post.
    with page.expect_download() as downloading:
        page.get_by_role("button", name="Download CSV").click()
    csv = Path(downloading.value.path()).read_text(encoding="utf-8")
    assert downloading.value.suggested_filename.endswith(".csv")
    assert all(text in csv for text in TEXTS), csv[:500]
    with page.expect_download() as downloading:
        page.get_by_role("button", name="Download PDF").click()
    assert Path(downloading.value.path()).read_bytes().startswith(b"%PDF")
    assert serious_violations(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "analytics-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    cards.wait_for()
    assert overflow(page) == 0
    page.screenshot(path=str(ARTIFACTS / "analytics-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)

    # The post's own page shows its numbers.
    top.get_by_role("link", name=TEXTS[0]).click()
    performance = page.get_by_role("region", name="Performance")
    target = performance.get_by_role("listitem", name="on X")
    target.locator("[data-metric='impressions'] dd").wait_for()
    likes = target.locator("[data-metric='likes'] dd").inner_text()
    assert likes.strip().replace(",", "").isdigit(), likes
    page.screenshot(path=str(ARTIFACTS / "analytics-post.png"), full_page=True)

    # The queue's posting times, from the best times in one action.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Queue").click()
    page.get_by_role("button", name="Use best times").click()
    page.get_by_label("Times per day").select_option("1")
    page.get_by_role("button", name="Replace posting times").click()
    page.get_by_text("now follow its best times").wait_for()
    # A new account posts three times on weekdays; now once a day, at its best hour.
    for day in ("Monday", "Saturday"):
        times = page.get_by_role("list", name=f"Posting times on {day}").locator("li.slot-chip")
        expect(times).to_have_count(1)
