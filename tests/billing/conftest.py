"""The local Stripe under test: the sandbox in this process (its Stripe at /stripe), the
official SDK pointed at it, and a loopback receiver for its webhook events, each one
verified with `stripe.Webhook.construct_event`."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from chalicelib.settings import get_settings
from tests.support.http_server import Route, Served, serve
from tests.support.sandbox import RunningSandbox, running_sandbox

SECRET_KEY = "sk_test_schedulo_tests"
HOOK = "/stripe-webhook"


@dataclass
class LocalStripe:
    sandbox: RunningSandbox
    client: Any  # stripe.StripeClient

    @property
    def base(self) -> str:
        return f"{self.sandbox.url}/stripe"

    def raw(self, path: str, **params: Any) -> dict[str, Any]:
        """A GET's JSON as the wire carries it (no SDK in between)."""
        answer = requests.get(
            f"{self.base}{path}",
            params=params,
            headers={"Authorization": f"Bearer {SECRET_KEY}"},
            timeout=10,
        )
        answer.raise_for_status()
        return answer.json()

    def advance(self, seconds: float) -> int:
        answer = requests.post(f"{self.base}/_control/clock", json={"advance": seconds}, timeout=10)
        answer.raise_for_status()
        return answer.json()["now"]

    def now(self) -> int:
        return requests.get(f"{self.base}/_control/clock", timeout=10).json()["now"]

    def pay(self, url: str, card: str, email: str = "buyer@example.com") -> requests.Response:
        """The hosted checkout page: its form filled in and its Pay button pressed."""
        page = requests.get(url, timeout=10)
        assert page.status_code == 200 and "Card number" in page.text
        return requests.post(
            url,
            data={
                "email": email,
                "name": "Buyer",
                "cardnumber": card,
                "exp": "12/34",
                "cvc": "123",
                "decision": "pay",
            },
            allow_redirects=False,
            timeout=10,
        )


@dataclass
class Receiver:
    """Where the local Stripe delivers events; every body is checked with the SDK."""

    served: Served
    secret: str

    def events(self) -> list[Any]:
        import stripe

        found = []
        for received in list(self.served.received):
            found.append(
                stripe.Webhook.construct_event(
                    received.body, received.headers["stripe-signature"], self.secret
                )
            )
        return found

    def wait_for(self, *types: str, after: int = 0, timeout: float = 15) -> list[Any]:
        """The events received (from the `after`-th on) once every type in `types` is
        among them."""
        deadline = time.monotonic() + timeout
        while True:
            events = self.events()[after:]
            if set(types) <= {e.type for e in events}:
                return events
            if time.monotonic() > deadline:
                raise AssertionError(f"waited for {types}; received {[e.type for e in events]}")
            time.sleep(0.05)

    def count(self) -> int:
        return len(self.served.received)

    def set_status(self, status: int) -> None:
        self.served.routes[HOOK].status = status


@pytest.fixture
def local_stripe() -> Iterator[LocalStripe]:
    import stripe

    with running_sandbox() as sandbox:
        client = stripe.StripeClient(
            SECRET_KEY,
            base_addresses={"api": f"{sandbox.url}/stripe"},
            max_network_retries=0,
        )
        yield LocalStripe(sandbox, client)


@pytest.fixture
def receiver(local_stripe: LocalStripe) -> Iterator[Receiver]:
    """A webhook endpoint (all events) registered through the API, as in the Dashboard."""
    with serve({HOOK: Route(200, b'{"received": true}')}) as served:
        endpoint = local_stripe.client.v1.webhook_endpoints.create(
            params={"url": served.url + HOOK, "enabled_events": ["*"]}
        )
        assert endpoint.secret.startswith("whsec_")
        yield Receiver(served, endpoint.secret)


@pytest.fixture
def catalogue(local_stripe: LocalStripe) -> Callable[[], dict[str, Any]]:
    """Runs `make stripe-sync`'s code against the local Stripe; the prices by lookup key."""

    def run() -> dict[str, Any]:
        from infrastructure.stripe_sync import sync

        sync(local_stripe.client, log=lambda line: None)
        prices = local_stripe.client.v1.prices.list(params={"active": True, "limit": 100})
        return {p.lookup_key: p for p in prices.data if p.lookup_key}

    return run


@pytest.fixture
def stripe_app(
    aws, local_stripe: LocalStripe, receiver: Receiver, catalogue, monkeypatch, billing_worker
) -> Iterator[LocalStripe]:
    """The app billing through the local Stripe, its webhook secret the endpoint's."""
    catalogue()
    monkeypatch.setenv("SCHEDULO_STRIPE_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("SCHEDULO_STRIPE_WEBHOOK_SECRET", receiver.secret)
    monkeypatch.setenv("SCHEDULO_TRIAL_DAYS", "0")  # new workspaces start on Free
    get_settings.cache_clear()
    yield local_stripe


@pytest.fixture
def billing_worker(aws) -> Iterator[None]:
    """Asynchronous invocations (the billing worker applying acknowledged Stripe events)
    run in-process in a thread, as in the local stack."""
    import app as app_module
    from chalicelib import scheduling

    def invoke(arn: str, payload: dict[str, Any]) -> Any:
        return getattr(app_module, arn.rsplit(":", 1)[-1].split("-")[-1])(payload, None)

    scheduling.use_local_invoker(invoke)
    yield
    scheduling.use_local_invoker(None)


@pytest.fixture
def billing_on(monkeypatch):
    """A deployment with a Stripe key: plans are enforced. No sign-up trial: a new
    workspace starts on Free (test_trial_at_sign_up covers the trial)."""
    monkeypatch.setenv("SCHEDULO_STRIPE_SECRET_KEY", "sk_test_schedulo_tests")
    monkeypatch.setenv("SCHEDULO_TRIAL_DAYS", "0")
    get_settings.cache_clear()
