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


@pytest.mark.browser
@pytest.mark.stack
@pytest.mark.expected_console_errors("402")
def test_the_account_limit_leads_to_checkout_and_is_lifted_without_reloading(browser):
    """A sign-up tries Pro for 14 days; once the trial is over, on Free, a fourth account
    is refused with a way to upgrade; Checkout on the local Stripe's page subscribes to
    Pro, and the same page then connects the account."""
    import requests
    from playwright.sync_api import expect

    from tests.support.browser import sign_in_page
    from tests.support.stack import StackProcess

    billing = {
        "SCHEDULO_STRIPE_SECRET_KEY": "sk_test_schedulo_browser",
        "SCHEDULO_TRIAL_DAYS": "14",
    }
    with StackProcess(billing) as stack:
        context = browser.new_context(base_url=stack.url, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            user = sign_in_page(page, stack.url)
            page.goto("/settings/billing")
            expect(page.get_by_role("heading", name="is on Pro")).to_be_visible()
            expect(page.get_by_text("14 days left in your trial")).to_be_visible()
            expect(page.get_by_label("Connected accounts: 0 of 10")).to_be_visible()

            # The trial ends (the local stack's control route: a sign-up trial has no
            # Stripe object for the local Stripe's clock to move).
            ended = requests.post(
                f"{stack.url}/_local/billing/end-trial",
                json={"workspace_id": user.workspace_id},
                timeout=10,
            )
            assert ended.status_code == 200, ended.text
            for i in range(3):  # Free's three accounts
                added = requests.post(
                    f"{stack.url}/v1/workspaces/{user.workspace_id}/accounts/connect",
                    json={
                        "network": "bluesky",
                        "handle": f"shop{i}.bsky.social",
                        "app_password": "abcd-efgh-ijkl-mnop",
                    },
                    headers=user.headers,
                    timeout=10,
                )
                assert added.status_code == 201, added.text

            page.goto("/accounts")
            bluesky = page.get_by_role("form", name="Connect Bluesky")
            bluesky.get_by_label("Handle").fill("shop3.bsky.social")
            bluesky.get_by_label("App password").fill("abcd-efgh-ijkl-mnop")
            bluesky.get_by_role("button", name="Connect Bluesky").click()
            expect(bluesky.get_by_role("alert")).to_contain_text("allows 3 connected accounts")
            page.get_by_role("link", name="See plans and upgrade").click()

            expect(page.get_by_role("heading", name="Billing")).to_be_visible()
            expect(page.get_by_label("Connected accounts: 3 of 3")).to_be_visible()
            expect(page.get_by_text("Your trial has ended: you are on Free")).to_be_visible()
            pro = page.get_by_role("article", name="Pro plan")
            pro.get_by_role("button", name="Upgrade to Pro").click()

            # The trial was used: Checkout charges at once.
            page.get_by_label("Card number").fill("4242 4242 4242 4242")
            page.get_by_role("button", name="Subscribe").click()
            page.wait_for_url("**/settings/billing?checkout=success")
            # The webhook arrives (and is applied by the billing worker) meanwhile; the
            # page follows without a reload.
            expect(page.get_by_text("Status: Active")).to_be_visible(timeout=15000)
            expect(page.get_by_label("Connected accounts: 3 of 10")).to_be_visible()
            expect(page.get_by_role("heading", name="Invoices")).to_be_visible()
            expect(page.get_by_role("cell", name="$15.00")).to_be_visible()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "billing_page.png"), full_page=True)

            page.get_by_role("link", name="Accounts").first.click()
            bluesky = page.get_by_role("form", name="Connect Bluesky")
            bluesky.get_by_label("Handle").fill("shop3.bsky.social")
            bluesky.get_by_label("App password").fill("abcd-efgh-ijkl-mnop")
            bluesky.get_by_role("button", name="Connect Bluesky").click()
            expect(page.get_by_text("shop3.bsky.social").first).to_be_visible()
        finally:
            context.close()
    assert errors == []
