"""The local Stripe's hosted pages in Chromium, as a customer meets them: checkout with a
test card lands on the success URL; the billing portal cancels the plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.billing.conftest import LocalStripe, Receiver
from tests.support.http_server import Route, serve

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.browser
def test_checkout_and_portal_pages_in_a_browser(
    local_stripe: LocalStripe, catalogue, receiver: Receiver, browser
):
    from playwright.sync_api import expect

    prices = catalogue()
    with serve({"/done": Route(200, b"<!doctype html><title>Done</title><h1>Thanks</h1>")}) as app:
        session = local_stripe.client.v1.checkout.sessions.create(
            params={
                "mode": "subscription",
                "line_items": [{"price": prices["schedulo_business_monthly"].id}],
                "success_url": f"{app.url}/done",
                "cancel_url": f"{app.url}/done",
                "customer_email": "browser@example.com",
            }
        )
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            page.goto(session.url)
            expect(page.get_by_text("Schedulo Business: 49.00 USD / month")).to_be_visible()
            page.get_by_label("Card number").fill("4000 0000 0000 0002")
            page.get_by_role("button", name="Subscribe").click()
            expect(page.get_by_role("alert")).to_have_text("Your card was declined.")
            page.get_by_label("Card number").fill("4242 4242 4242 4242")
            page.get_by_role("button", name="Subscribe").click()
            page.wait_for_url(f"{app.url}/done")
            expect(page.get_by_role("heading", name="Thanks")).to_be_visible()
            receiver.wait_for("checkout.session.completed", "invoice.paid")

            customer = local_stripe.client.v1.checkout.sessions.retrieve(session.id).customer
            portal = local_stripe.client.v1.billing_portal.sessions.create(
                params={"customer": customer, "return_url": f"{app.url}/done"}
            )
            page.goto(portal.url)
            expect(page.get_by_text("Status: active")).to_be_visible()
            page.get_by_role("button", name="Cancel plan").click()
            expect(page.get_by_role("status")).to_contain_text("cancelled at the end")
            expect(page.get_by_role("button", name="Renew plan")).to_be_visible()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "stripe_portal.png"), full_page=True)
            page.get_by_role("link", name="Return to Schedulo").click()
            page.wait_for_url(f"{app.url}/done")
        finally:
            context.close()
    assert errors == []
    updated = receiver.wait_for("customer.subscription.updated")
    assert any(
        e.type == "customer.subscription.updated" and e.data.object.cancel_at_period_end
        for e in updated
    )
