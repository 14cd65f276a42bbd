"""The Webhooks page: add an endpoint (its secret shown once, with a copy button), send a
test event and read it in the delivery log, edit the events, pause, rotate, redeliver
and delete; the receiver is a loopback server the local stack delivers to."""

from __future__ import annotations

import json
import time

import pytest
import requests

from tests.browser.conftest import ARTIFACTS
from tests.support.browser import sign_in_page
from tests.support.http_server import Route, serve
from tests.support.webhooks import verify

pytestmark = [pytest.mark.browser, pytest.mark.stack]


def _until(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_an_admin_manages_an_endpoint_from_the_webhooks_page(page, stack):
    from datetime import UTC, datetime

    owner = sign_in_page(page, stack.url, name="Owner")
    with serve({"/hook": Route(200, b'{"received": true}')}) as receiver:
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
        page.get_by_role("navigation", name="Settings").get_by_role("link", name="Webhooks").click()
        page.get_by_role("heading", name="Webhooks").wait_for()
        page.get_by_text("No endpoints yet.").wait_for()

        page.get_by_role("button", name="Add endpoint").click()
        page.get_by_label("Endpoint URL").fill(f"{receiver.url}/hook")
        page.get_by_label("Description (optional)").fill("Our CRM")
        page.get_by_role("checkbox", name="post.scheduled").check()
        page.get_by_role("form", name="Add a webhook endpoint").get_by_role(
            "button", name="Add endpoint"
        ).click()
        secret = page.get_by_label("Signing secret").input_value()
        assert secret.startswith("whsec_")
        page.get_by_role("button", name="Copy secret").wait_for()
        page.get_by_role("button", name="I have copied it").click()
        assert page.get_by_label("Signing secret").count() == 0  # shown once

        card = page.get_by_role("listitem").filter(has_text="Our CRM")
        card.get_by_text("Active", exact=True).wait_for()
        events = card.get_by_role("list", name="Events of Our CRM")
        for event in ("post.published", "post.failed", "account.needs_reconnect", "post.scheduled"):
            events.get_by_text(event, exact=True).wait_for()

        card.get_by_role("button", name="Send test event").click()
        log = card.get_by_role("region", name="Delivery log of Our CRM")
        log.get_by_text("Delivered").wait_for(timeout=20_000)
        [received] = receiver.received
        assert verify(secret, received.headers, received.body, datetime.now(UTC))
        assert json.loads(received.body)["type"] == "webhook.test"
        card.get_by_text("Last success: never").wait_for(state="detached")  # the card follows
        log.get_by_role("button", name="Delivered").click()
        log.get_by_text('{"received": true}').wait_for()
        page.screenshot(path=str(ARTIFACTS / "webhooks_page_delivery_log.png"), full_page=True)
        log.get_by_role("button", name="Redeliver", exact=True).click()
        log.get_by_text("1 delivery queued again.").wait_for()
        _until(lambda: len(receiver.received) == 2)
        assert receiver.received[1].headers["webhook-id"] == received.headers["webhook-id"]

        card.get_by_role("button", name="Edit events").click()
        card.get_by_role("checkbox", name="post.failed").uncheck()
        card.get_by_role("button", name="Save events").click()
        _until(lambda: events.get_by_text("post.failed", exact=True).count() == 0)

        card.get_by_role("button", name="Pause").click()
        card.get_by_text("Paused", exact=True).wait_for()
        card.get_by_role("button", name="Resume").click()
        card.get_by_text("Active", exact=True).wait_for()

        card.get_by_role("button", name="Rotate secret").click()
        card.get_by_role("alertdialog").get_by_role("button", name="Rotate secret").click()
        page.get_by_text("The previous secret keeps signing too until").wait_for()
        rotated = page.get_by_label("Signing secret").input_value()
        assert rotated.startswith("whsec_") and rotated != secret
        page.get_by_role("button", name="I have copied it").click()

        hooks = requests.get(
            f"{stack.url}/v1/workspaces/{owner.workspace_id}/webhooks",
            headers=owner.headers,
            timeout=10,
        ).json()["items"]
        assert [h["events"] for h in hooks] == [
            ["post.scheduled", "post.published", "account.needs_reconnect"]
        ]
        assert hooks[0]["active"] and hooks[0]["previous_secret_until"]

        card.get_by_role("button", name="Delete").click()
        card.get_by_role("button", name="Delete endpoint").click()
        page.get_by_text("No endpoints yet.").wait_for()
