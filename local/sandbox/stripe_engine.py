"""The local Stripe's state and behaviour: objects shaped as Stripe returns them, a clock
that tests move forward, subscriptions that renew, trials that end, payments that fail,
and events delivered to webhook endpoints, signed and retried as Stripe does.

The HTTP side (API routes, hosted checkout and portal pages) is
local/sandbox/networks/stripe.py. Everything here runs under `StripeStore.lock`.

Clock: `now()` is the real time plus an offset that `advance()` grows; every advance
(and the delivery thread, once a second) runs `tick()`, which ends trials, renews
periods, retries failed payments and ends cancelled subscriptions that are due.

Delivery: each event goes to every enabled endpoint whose `enabled_events` match, POSTed
with `Stripe-Signature: t=<real unix time>,v1=<HMAC-SHA256 of "t.payload" under the
endpoint's whsec_ secret>`. A non-2xx answer (or no answer) is retried with exponential
backoff on the emulator clock (`RETRY_BASE_SECONDS` x 3^n, at most 8 hours apart) for
three days from the event, as Stripe does; so a test moves the clock to see a retry.
Deliveries run on one thread, in order, started by the first event.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import secrets
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

API_VERSION = "2026-10-28.endive"
RETRY_BASE_SECONDS = 60
RETRY_MAX_SECONDS = 8 * 3600
RETRY_WINDOW_SECONDS = 3 * 86400
IDLE_SECONDS = 30  # the delivery thread ends after this long with nothing to send
# Smart retries' default: more attempts within two weeks of the first failure, then
# cancel (days from the invoice's creation).
PAYMENT_RETRY_DAYS = (3, 5, 7, 14)
DAY = 86400

# Test cards (https://docs.stripe.com/testing): number -> (brand, attach error, charge error)
CARDS: dict[str, tuple[str, str | None, str | None]] = {
    "4242424242424242": ("visa", None, None),
    "4000056655665556": ("visa", None, None),
    "5555555555554444": ("mastercard", None, None),
    "378282246310005": ("amex", None, None),
    "4000000000000341": ("visa", None, "card_declined"),
    "4000000000000002": ("visa", "card_declined", "card_declined"),
    "4000000000009995": ("visa", "insufficient_funds", "insufficient_funds"),
}
DECLINE_MESSAGES = {
    "card_declined": "Your card was declined.",
    "insufficient_funds": "Your card has insufficient funds.",
}


class StripeError(Exception):
    """An answer in Stripe's error shape: {"error": {type, code, message, param}}."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"type": type, "message": message}
        if code:
            self.body["code"] = code
            self.body["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
        if param:
            self.body["param"] = param
        if decline_code:
            self.body["decline_code"] = decline_code


def missing(kind: str, object_id: str, param: str = "id") -> StripeError:
    return StripeError(404, f"No such {kind}: '{object_id}'", code="resource_missing", param=param)


def new_id(prefix: str, length: int = 24) -> str:
    alphabet = string.ascii_letters + string.digits
    return f"{prefix}_{''.join(secrets.choice(alphabet) for _ in range(length))}"


def card_for(number: str) -> tuple[str, str | None, str | None] | None:
    return CARDS.get("".join(ch for ch in number if ch.isdigit()))


def signature_header(secret: str, payload: str, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


@dataclass
class Delivery:
    event_id: str
    endpoint_id: str
    due: float  # emulator time
    attempts: list[dict[str, Any]] = field(default_factory=list)
    done: bool = False
    gave_up: bool = False


class StripeStore:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.wake = threading.Condition(self.lock)
        self.objects: dict[str, dict[str, Any]] = {}
        self.sequence: dict[str, int] = {}  # id -> creation order (lists are newest first)
        self.secrets: dict[str, str] = {}  # webhook endpoint id -> whsec_
        self.idempotency: dict[tuple[str, str], tuple[str, int, Any]] = {}
        self.deliveries: list[Delivery] = []
        self.offset = 0.0
        self.base_url = ""  # where the hosted pages are (set by the first API request)
        self.request_context: dict[str, Any] = {"id": None, "idempotency_key": None}
        self.api_version = API_VERSION
        self._thread: threading.Thread | None = None
        self.closed = False
        # False once the sandbox was reset and holds a new store: the thread then ends.
        self.alive: Callable[[], bool] = lambda: True

    # -- clock ---------------------------------------------------------------------------
    def now(self) -> int:
        return int(time.time() + self.offset)

    def advance(self, seconds: float) -> int:
        with self.lock:
            self.offset += max(0.0, seconds)
            self.tick()
            if any(not d.done for d in self.deliveries):
                self._start_thread()  # retries may be due now
            self.wake.notify_all()
            return self.now()

    # -- objects -------------------------------------------------------------------------
    def put(self, obj: dict[str, Any]) -> dict[str, Any]:
        if obj["id"] not in self.sequence:
            self.sequence[obj["id"]] = len(self.sequence)
        self.objects[obj["id"]] = obj
        return obj

    def get(self, kind: str, object_id: str, noun: str | None = None) -> dict[str, Any]:
        obj = self.objects.get(object_id)
        if obj is None or obj.get("object") != kind or obj.get("deleted"):
            raise missing(noun or kind.split(".")[-1].replace("_", " "), object_id)
        return obj

    def all(self, kind: str) -> list[dict[str, Any]]:
        found = [
            o for o in self.objects.values() if o.get("object") == kind and not o.get("deleted")
        ]
        return sorted(found, key=lambda o: (o["created"], self.sequence[o["id"]]), reverse=True)

    def expand(self, obj: dict[str, Any], paths: list[str]) -> dict[str, Any]:
        """A copy of `obj` with the ids at `paths` (dotted, "data." for lists) replaced by
        their objects."""
        obj = copy.deepcopy(obj)
        for path in paths:
            self._expand(obj, path.split("."))
        return obj

    def _expand(self, node: Any, parts: list[str]) -> None:
        if not parts or not isinstance(node, dict):
            return
        head, rest = parts[0], parts[1:]
        if head == "data" and isinstance(node.get("data"), list):
            for item in node["data"]:
                self._expand(item, rest)
            return
        value = node.get(head)
        if isinstance(value, str) and value in self.objects:
            node[head] = value = copy.deepcopy(self.objects[value])
        self._expand(value, rest)

    # -- events and delivery ----------------------------------------------------------------
    def emit(
        self, event_type: str, obj: dict[str, Any], previous: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"object": public(obj)}
        if previous:
            data["previous_attributes"] = previous
        endpoints = [
            e
            for e in self.all("webhook_endpoint")
            if e["status"] == "enabled"
            and ("*" in e["enabled_events"] or event_type in e["enabled_events"])
        ]
        event = self.put(
            {
                "id": new_id("evt"),
                "object": "event",
                "api_version": self.api_version,
                "created": self.now(),
                "data": data,
                "livemode": False,
                "pending_webhooks": len(endpoints),
                "request": dict(self.request_context),
                "type": event_type,
            }
        )
        for endpoint in endpoints:
            self.deliveries.append(Delivery(event["id"], endpoint["id"], due=self.now()))
        if endpoints:
            self._start_thread()
            self.wake.notify_all()
        return event

    def _start_thread(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._deliver_loop, name="stripe-webhooks", daemon=True
            )
            self._thread.start()

    def _deliver_loop(self) -> None:
        """Sends what is due; ends when the sandbox was reset or after a while with
        nothing pending (the next event starts it again; API calls run `tick()` too)."""
        idle_since = time.monotonic()
        while True:
            with self.lock:
                if self.closed or not self.alive():
                    self._thread = None
                    return
                self.tick()
                work = []
                for delivery in self.deliveries:
                    if delivery.done or delivery.due > self.now():
                        continue
                    endpoint = self.objects.get(delivery.endpoint_id)
                    event = self.objects.get(delivery.event_id)
                    if not endpoint or endpoint.get("deleted") or not event:
                        delivery.done = True
                        continue
                    delivery.due = float("inf")  # in flight
                    work.append((delivery, endpoint["url"], self.secrets[endpoint["id"]], event))
                if not work:
                    pending = any(not d.done for d in self.deliveries)
                    if not pending and time.monotonic() - idle_since > IDLE_SECONDS:
                        self._thread = None
                        return
                    self.wake.wait(timeout=1.0)
                    continue
            idle_since = time.monotonic()
            for delivery, url, secret, event in work:
                self._send(delivery, url, secret, event)

    def _send(self, delivery: Delivery, url: str, secret: str, event: dict[str, Any]) -> None:
        import requests

        payload = json.dumps(event, indent=2)
        header = signature_header(secret, payload, int(time.time()))
        status: int | None = None
        try:
            answer = requests.post(
                url,
                data=payload.encode(),
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "Stripe-Signature": header,
                    "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                },
                timeout=10,
                allow_redirects=False,
            )
            status = answer.status_code
        except requests.RequestException:
            status = None
        with self.lock:
            now = self.now()
            delivery.attempts.append({"at": now, "status": status})
            if status is not None and 200 <= status < 300:
                delivery.done = True
                event["pending_webhooks"] = max(0, event["pending_webhooks"] - 1)
                return
            delay = min(RETRY_BASE_SECONDS * 3 ** (len(delivery.attempts) - 1), RETRY_MAX_SECONDS)
            if now + delay > event["created"] + RETRY_WINDOW_SECONDS:
                delivery.done = delivery.gave_up = True
            else:
                delivery.due = now + delay

    def close(self) -> None:
        with self.lock:
            self.closed = True
            self.wake.notify_all()

    # -- customers and payment methods --------------------------------------------------------
    def create_customer(self, params: dict[str, Any]) -> dict[str, Any]:
        settings = params.get("invoice_settings") or {}
        customer = self.put(
            {
                "id": new_id("cus", 14),
                "object": "customer",
                "address": params.get("address"),
                "balance": 0,
                "created": self.now(),
                "currency": None,
                "default_source": None,
                "delinquent": False,
                "description": params.get("description"),
                "discount": None,
                "email": params.get("email"),
                "invoice_prefix": secrets.token_hex(4).upper(),
                "invoice_settings": {
                    "custom_fields": None,
                    "default_payment_method": settings.get("default_payment_method"),
                    "footer": None,
                    "rendering_options": None,
                },
                "livemode": False,
                "metadata": dict(params.get("metadata") or {}),
                "name": params.get("name"),
                "next_invoice_sequence": 1,
                "phone": params.get("phone"),
                "preferred_locales": list(params.get("preferred_locales") or []),
                "shipping": None,
                "tax_exempt": "none",
                "test_clock": None,
            }
        )
        self.emit("customer.created", customer)
        return customer

    def attach_card(
        self, customer: dict[str, Any], number: str, exp: str = "12/34"
    ) -> dict[str, Any]:
        """A card payment method attached to `customer` and made its default, or a
        StripeError (402 card_error) when the test card refuses to be attached."""
        card = card_for(number)
        if card is None:
            raise StripeError(
                402,
                "Your card number is incorrect.",
                type="card_error",
                code="incorrect_number",
                param="number",
            )
        brand, attach_error, _ = card
        if attach_error:
            raise StripeError(
                402,
                DECLINE_MESSAGES[attach_error],
                type="card_error",
                code="card_declined",
                decline_code="generic_decline" if attach_error == "card_declined" else attach_error,
            )
        digits = "".join(ch for ch in number if ch.isdigit())
        month, _, year = exp.partition("/")
        method = self.put(
            {
                "id": new_id("pm"),
                "object": "payment_method",
                "allow_redisplay": "unspecified",
                "billing_details": {
                    "address": None,
                    "email": customer.get("email"),
                    "name": customer.get("name"),
                    "phone": None,
                    "tax_id": None,
                },
                "card": {
                    "brand": brand,
                    "checks": {
                        "address_line1_check": None,
                        "address_postal_code_check": None,
                        "cvc_check": "pass",
                    },
                    "country": "US",
                    "display_brand": brand,
                    "exp_month": int(month) if month.strip().isdigit() else 12,
                    "exp_year": 2000 + int(year) % 100 if year.strip().isdigit() else 2034,
                    "fingerprint": hashlib.sha256(digits.encode()).hexdigest()[:16],
                    "funding": "credit",
                    "generated_from": None,
                    "last4": digits[-4:],
                    "networks": {"available": [brand], "preferred": None},
                    "three_d_secure_usage": {"supported": True},
                    "wallet": None,
                    "regulated_status": "unregulated",
                    "_number": digits,
                },
                "created": self.now(),
                "customer": customer["id"],
                "customer_account": None,
                "livemode": False,
                "metadata": {},
                "type": "card",
            }
        )
        previous = {"invoice_settings": copy.deepcopy(customer["invoice_settings"])}
        customer["invoice_settings"]["default_payment_method"] = method["id"]
        self.emit("payment_method.attached", public(method))
        self.emit("customer.updated", customer, previous)
        return method

    def charge_error(self, customer: dict[str, Any], method_id: str | None) -> str | None:
        """Why charging the customer's card fails now (a decline code), or None."""
        method_id = method_id or customer["invoice_settings"]["default_payment_method"]
        method = self.objects.get(method_id or "")
        if not method:
            return "no_payment_method"
        card = card_for(method["card"]["_number"])
        return card[2] if card else "card_declined"

    # -- subscriptions and invoices -------------------------------------------------------------
    def period_end(self, start: int, price: dict[str, Any]) -> int:
        recurring = price["recurring"]
        from datetime import UTC, datetime

        from dateutil.relativedelta import relativedelta

        count = recurring.get("interval_count") or 1
        step = {
            "day": relativedelta(days=count),
            "week": relativedelta(weeks=count),
            "month": relativedelta(months=count),
            "year": relativedelta(years=count),
        }[recurring["interval"]]
        return int((datetime.fromtimestamp(start, UTC) + step).timestamp())

    def start_subscription(
        self,
        customer: dict[str, Any],
        items: list[tuple[dict[str, Any], int]],
        *,
        trial_days: int = 0,
        trial_end: int | None = None,
        metadata: dict[str, Any] | None = None,
        payment_method: str | None = None,
    ) -> dict[str, Any]:
        now = self.now()
        sub_id = new_id("sub")
        trial_end = trial_end or (now + trial_days * DAY if trial_days else None)
        first_price = items[0][0]
        end = trial_end or self.period_end(now, first_price)
        sub_items = [
            {
                "id": new_id("si", 14),
                "object": "subscription_item",
                "billing_thresholds": None,
                "created": now,
                "current_period_end": end,
                "current_period_start": now,
                "discounts": [],
                "metadata": {},
                "plan": plan_of(price),
                "price": copy.deepcopy(price),
                "quantity": quantity,
                "subscription": sub_id,
                "tax_rates": [],
            }
            for price, quantity in items
        ]
        subscription = self.put(
            {
                "id": sub_id,
                "object": "subscription",
                "application": None,
                "application_fee_percent": None,
                "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
                "billing_cycle_anchor": end if trial_end else now,
                "billing_cycle_anchor_config": None,
                "billing_mode": {
                    "type": "flexible",
                    "flexible": {"proration_discounts": "included"},
                },
                "billing_schedules": [],
                "billing_thresholds": None,
                "cancel_at": None,
                "cancel_at_period_end": False,
                "canceled_at": None,
                "cancellation_details": {"comment": None, "feedback": None, "reason": None},
                "collection_method": "charge_automatically",
                "created": now,
                "currency": first_price["currency"],
                "customer": customer["id"],
                "customer_account": None,
                "days_until_due": None,
                "default_payment_method": payment_method,
                "default_source": None,
                "default_tax_rates": [],
                "description": None,
                "discounts": [],
                "ended_at": None,
                "invoice_settings": {"account_tax_ids": None, "issuer": {"type": "self"}},
                "items": {
                    "object": "list",
                    "data": sub_items,
                    "has_more": False,
                    "total_count": len(sub_items),
                    "url": f"/v1/subscription_items?subscription={sub_id}",
                },
                "latest_invoice": None,
                "livemode": False,
                "managed_payments": None,
                "metadata": dict(metadata or {}),
                "next_pending_invoice_item_invoice": None,
                "on_behalf_of": None,
                "pause_collection": None,
                "payment_settings": {
                    "payment_method_options": None,
                    "payment_method_types": None,
                    "save_default_payment_method": "off",
                },
                "pending_invoice_item_interval": None,
                "pending_setup_intent": None,
                "pending_update": None,
                "schedule": None,
                "start_date": now,
                "status": "trialing" if trial_end else "incomplete",
                "test_clock": None,
                "transfer_data": None,
                "trial_end": trial_end,
                "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}},
                "trial_start": now if trial_end else None,
            }
        )
        invoice = self.new_invoice(
            subscription, "subscription_create", now, end, zero=bool(trial_end)
        )
        subscription["latest_invoice"] = invoice["id"]
        finalized = public(invoice)
        paid = self.pay(invoice, subscription, emit_events=False)  # a trial's $0 is paid
        if not trial_end:
            subscription["status"] = "active" if paid else "incomplete"
        self.emit("customer.subscription.created", subscription)
        self.emit_invoice(invoice, finalized)
        return subscription

    def new_invoice(
        self, subscription: dict[str, Any], reason: str, start: int, end: int, zero: bool = False
    ) -> dict[str, Any]:
        customer = self.objects[subscription["customer"]]
        invoice_id = new_id("in")
        lines = []
        for item in subscription["items"]["data"]:
            price = item["price"]
            amount = 0 if zero else price["unit_amount"] * item["quantity"]
            name = self.objects.get(price["product"], {}).get("name", price["product"])
            label = f"Trial period for {name}" if zero else f"{item['quantity']} x {name}"
            lines.append(
                {
                    "id": new_id("il"),
                    "object": "line_item",
                    "amount": amount,
                    "currency": price["currency"],
                    "description": label,
                    "discount_amounts": [],
                    "discountable": True,
                    "discounts": [],
                    "invoice": invoice_id,
                    "livemode": False,
                    "metadata": {},
                    "parent": {
                        "type": "subscription_item_details",
                        "invoice_item_details": None,
                        "subscription_item_details": {
                            "invoice_item": None,
                            "proration": False,
                            "proration_details": {"credited_items": None},
                            "subscription": subscription["id"],
                            "subscription_item": item["id"],
                        },
                    },
                    "period": {"end": end, "start": start},
                    "pretax_credit_amounts": [],
                    "pricing": {
                        "type": "price_details",
                        "price_details": {"price": price["id"], "product": price["product"]},
                        "unit_amount_decimal": price["unit_amount_decimal"],
                    },
                    "quantity": item["quantity"],
                    "quantity_decimal": str(item["quantity"]),
                    "subscription": subscription["id"],
                    "subtotal": amount,
                    "taxes": [],
                }
            )
        total = sum(line["amount"] for line in lines)
        sequence = customer["next_invoice_sequence"]
        customer["next_invoice_sequence"] += 1
        now = self.now()
        base = self.base_url
        return self.put(
            {
                "id": invoice_id,
                "object": "invoice",
                "account_country": "US",
                "account_name": "Schedulo (local Stripe)",
                "account_tax_ids": None,
                "amount_due": total,
                "amount_overpaid": 0,
                "amount_paid": 0,
                "amount_remaining": total,
                "amount_shipping": 0,
                "application": None,
                "attempt_count": 0,
                "attempted": False,
                "auto_advance": True,
                "automatic_tax": {
                    "disabled_reason": None,
                    "enabled": False,
                    "liability": None,
                    "provider": None,
                    "status": None,
                },
                "automatically_finalizes_at": None,
                "billing_reason": reason,
                "collection_method": "charge_automatically",
                "created": now,
                "currency": subscription["currency"],
                "custom_fields": None,
                "customer": customer["id"],
                "customer_account": None,
                "customer_address": customer.get("address"),
                "customer_email": customer.get("email"),
                "customer_name": customer.get("name"),
                "customer_phone": customer.get("phone"),
                "customer_shipping": None,
                "customer_tax_exempt": "none",
                "customer_tax_ids": [],
                "default_payment_method": None,
                "default_source": None,
                "default_tax_rates": [],
                "description": None,
                "discounts": [],
                "due_date": None,
                "effective_at": now,
                "ending_balance": 0,
                "footer": None,
                "from_invoice": None,
                "hosted_invoice_url": f"{base}/invoice/{invoice_id}",
                "invoice_pdf": f"{base}/invoice/{invoice_id}/pdf",
                "issuer": {"type": "self"},
                "last_finalization_error": None,
                "latest_revision": None,
                "lines": {
                    "object": "list",
                    "data": lines,
                    "has_more": False,
                    "total_count": len(lines),
                    "url": f"/v1/invoices/{invoice_id}/lines",
                },
                "livemode": False,
                "metadata": {},
                "next_payment_attempt": None,
                "number": f"{customer['invoice_prefix']}-{sequence:04d}",
                "on_behalf_of": None,
                "parent": {
                    "type": "subscription_details",
                    "quote_details": None,
                    "subscription_details": {
                        "metadata": dict(subscription["metadata"]),
                        "subscription": subscription["id"],
                    },
                },
                "payment_settings": {
                    "default_mandate": None,
                    "payment_method_options": None,
                    "payment_method_types": None,
                },
                "period_end": end if reason != "subscription_cycle" else start,
                "period_start": start,
                "post_payment_credit_notes_amount": 0,
                "pre_payment_credit_notes_amount": 0,
                "receipt_number": None,
                "rendering": None,
                "shipping_cost": None,
                "shipping_details": None,
                "starting_balance": 0,
                "statement_descriptor": None,
                "status": "open",
                "status_transitions": {
                    "finalized_at": now,
                    "marked_uncollectible_at": None,
                    "paid_at": None,
                    "voided_at": None,
                },
                "subscription": subscription["id"],
                "subtotal": total,
                "subtotal_excluding_tax": total,
                "test_clock": None,
                "total": total,
                "total_discount_amounts": [],
                "total_excluding_tax": total,
                "total_pretax_credit_amounts": [],
                "total_taxes": [],
                "webhooks_delivered_at": now,
            }
        )

    def pay(
        self, invoice: dict[str, Any], subscription: dict[str, Any], emit_events: bool = True
    ) -> bool:
        """Attempt the invoice's payment with the subscription's (or customer's) card."""
        now = self.now()
        if invoice["amount_due"] == 0:
            error = None
        else:
            customer = self.objects[invoice["customer"]]
            error = self.charge_error(customer, subscription.get("default_payment_method"))
            invoice["attempt_count"] += 1
            invoice["attempted"] = True
        if error is None:
            invoice.update(
                status="paid",
                amount_paid=invoice["amount_due"],
                amount_remaining=0,
                next_payment_attempt=None,
            )
            invoice["status_transitions"]["paid_at"] = now
        else:
            attempt = invoice["attempt_count"]
            retry = PAYMENT_RETRY_DAYS[attempt - 1] if attempt <= len(PAYMENT_RETRY_DAYS) else None
            invoice["next_payment_attempt"] = invoice["created"] + retry * DAY if retry else None
            invoice["_decline"] = error
        if emit_events:
            self.emit_invoice(invoice, attempt_only=True)
        return error is None

    def emit_invoice(
        self,
        invoice: dict[str, Any],
        finalized: dict[str, Any] | None = None,
        attempt_only: bool = False,
    ) -> None:
        """invoice.created and .finalized (as it was before its payment, `finalized`),
        then what the payment attempt made of it."""
        if not attempt_only:
            self.emit("invoice.created", finalized or public(invoice))
            self.emit("invoice.finalized", finalized or public(invoice))
        if invoice["status"] == "paid":
            self.emit("invoice.paid", public(invoice))
            self.emit("invoice.payment_succeeded", public(invoice))
        elif invoice["attempted"]:
            self.emit("invoice.payment_failed", public(invoice))

    def update_subscription(self, subscription: dict[str, Any], changes: dict[str, Any]) -> None:
        """Apply top-level `changes` and emit customer.subscription.updated with the
        previous values."""
        previous = {
            k: copy.deepcopy(subscription.get(k))
            for k in changes
            if subscription.get(k) != changes[k]
        }
        subscription.update(changes)
        if previous:
            self.emit("customer.subscription.updated", subscription, previous)

    def change_price(
        self,
        subscription: dict[str, Any],
        item_id: str | None,
        price: dict[str, Any],
        quantity: int | None,
        proration_behavior: str | None = None,
    ) -> None:
        previous_items = copy.deepcopy(subscription["items"])
        old_item = copy.deepcopy(subscription["items"]["data"][0])
        item = next((i for i in subscription["items"]["data"] if i["id"] == item_id), None)
        if item is None:
            if item_id:
                raise StripeError(
                    400,
                    f"No such subscription item: '{item_id}'",
                    code="resource_missing",
                    param="items[0][id]",
                )
            item = subscription["items"]["data"][0]
        item["price"] = copy.deepcopy(price)
        item["plan"] = plan_of(price)
        if quantity:
            item["quantity"] = quantity
        if previous_items != subscription["items"]:
            self.emit("customer.subscription.updated", subscription, {"items": previous_items})
            if proration_behavior == "always_invoice" and subscription["status"] == "active":
                self.prorate(subscription, old_item, item)

    def prorate(
        self, subscription: dict[str, Any], old: dict[str, Any], new: dict[str, Any]
    ) -> dict[str, Any] | None:
        """`proration_behavior=always_invoice`: an invoice at once for the rest of the
        period, as Stripe's: a credit for the unused time on the old price and a charge
        for the remaining time on the new one (lines marked `proration`), paid with the
        card on file. None when nothing is owed (a credit balance is not modelled)."""
        now = self.now()
        start, end = new["current_period_start"], new["current_period_end"]
        if end <= now or end <= start:
            return None
        fraction = (end - now) / (end - start)
        unused = -round(old["price"]["unit_amount"] * old["quantity"] * fraction)
        remaining = round(new["price"]["unit_amount"] * new["quantity"] * fraction)
        if unused + remaining <= 0:
            return None
        invoice = self.new_invoice(subscription, "subscription_update", now, end)
        template = invoice["lines"]["data"][0]
        when = datetime.fromtimestamp(now, UTC).strftime("%d %b %Y")
        lines = []
        for amount, item, label in (
            (unused, old, "Unused time on"),
            (remaining, new, "Remaining time on"),
        ):
            line = copy.deepcopy(template)
            product = self.objects.get(item["price"]["product"], {})
            name = product.get("name", item["price"]["product"])
            line.update(
                id=new_id("il"),
                amount=amount,
                subtotal=amount,
                description=f"{label} {item['quantity']} x {name} after {when}",
                period={"start": now, "end": end},
                quantity=item["quantity"],
            )
            details = line["parent"]["subscription_item_details"]
            details["proration"] = True
            line["pricing"]["price_details"] = {
                "price": item["price"]["id"],
                "product": item["price"]["product"],
            }
            line["pricing"]["unit_amount_decimal"] = item["price"]["unit_amount_decimal"]
            lines.append(line)
        total = unused + remaining
        invoice["lines"]["data"], invoice["lines"]["total_count"] = lines, len(lines)
        for name in ("amount_due", "amount_remaining", "subtotal", "total"):
            invoice[name] = total
        invoice["subtotal_excluding_tax"] = invoice["total_excluding_tax"] = total
        subscription["latest_invoice"] = invoice["id"]
        finalized = public(invoice)
        self.pay(invoice, subscription, emit_events=False)
        self.emit_invoice(invoice, finalized)
        return invoice

    def cancel(self, subscription: dict[str, Any], reason: str = "cancellation_requested") -> None:
        if subscription["status"] == "canceled":
            return
        now = self.now()
        subscription.update(
            status="canceled", ended_at=now, canceled_at=subscription["canceled_at"] or now
        )
        subscription["cancellation_details"]["reason"] = reason
        self.emit("customer.subscription.deleted", subscription)

    def tick(self) -> None:
        """Everything the clock has made due: trials that end, periods that renew,
        failed payments retried, cancellations at period end."""
        now = self.now()
        for subscription in self.all("subscription"):
            for _ in range(36):  # a long advance renews period after period, within reason
                if not self._step(subscription, now):
                    break

    def _step(self, subscription: dict[str, Any], now: int) -> bool:
        status = subscription["status"]
        if status in ("canceled", "incomplete_expired", "incomplete"):
            return False
        item = subscription["items"]["data"][0]
        period_end = item["current_period_end"]
        if subscription["cancel_at"] and now >= subscription["cancel_at"]:
            self.cancel(subscription)
            return False
        if status == "past_due":
            invoice = self.objects[subscription["latest_invoice"]]
            due = invoice["next_payment_attempt"]
            if invoice["status"] == "paid" or due is None or now < due:
                return False
            if self.pay(invoice, subscription):
                self.update_subscription(subscription, {"status": "active"})
                return True
            if invoice["next_payment_attempt"] is None:
                self.cancel(subscription, "payment_failed")
            return False
        if now < period_end:
            return False
        if subscription["cancel_at_period_end"]:
            self.cancel(subscription)
            return False
        # a new period: trial end or renewal
        price = item["price"]
        new_end = self.period_end(period_end, price)
        previous_items = copy.deepcopy(subscription["items"])
        for each in subscription["items"]["data"]:
            each["current_period_start"], each["current_period_end"] = period_end, new_end
        reason = "subscription_cycle"
        invoice = self.new_invoice(subscription, reason, period_end, new_end)
        invoice["period_start"] = invoice["period_end"] = period_end
        previous_invoice = subscription["latest_invoice"]
        subscription["latest_invoice"] = invoice["id"]
        finalized = public(invoice)
        paid = self.pay(invoice, subscription, emit_events=False)
        changes: dict[str, Any] = {"status": "active" if paid else "past_due"}
        previous = {k: subscription[k] for k in changes if subscription[k] != changes[k]}
        previous["items"] = previous_items
        previous["latest_invoice"] = previous_invoice
        subscription.update(changes)
        self.emit("customer.subscription.updated", subscription, previous)
        self.emit_invoice(invoice, finalized)
        return paid


def plan_of(price: dict[str, Any]) -> dict[str, Any]:
    """The legacy `plan` view of a recurring price, as subscription items carry it."""
    recurring = price["recurring"] or {}
    return {
        "id": price["id"],
        "object": "plan",
        "active": price["active"],
        "amount": price["unit_amount"],
        "amount_decimal": price["unit_amount_decimal"],
        "billing_scheme": price["billing_scheme"],
        "created": price["created"],
        "currency": price["currency"],
        "interval": recurring.get("interval"),
        "interval_count": recurring.get("interval_count"),
        "livemode": False,
        "metadata": price["metadata"],
        "meter": None,
        "nickname": price["nickname"],
        "product": price["product"],
        "tiers_mode": None,
        "transform_usage": None,
        "trial_period_days": None,
        "usage_type": "licensed",
    }


def public(obj: dict[str, Any]) -> dict[str, Any]:
    """`obj` without the emulator's own fields (those starting with "_"), at any depth."""
    if isinstance(obj, dict):
        return {k: public(v) for k, v in obj.items() if not k.startswith("_")}
    if isinstance(obj, list):
        return [public(v) for v in obj]  # type: ignore[return-value]
    return obj
