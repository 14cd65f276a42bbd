"""Sandbox Stripe at /stripe: the parts of Stripe's API Schedulo uses, reached by the
official `stripe` SDK (`api_base = <sandbox>/stripe`), form-encoded as the SDK sends.

API (`/stripe/v1/...`, any `sk_test_...` key as Bearer or basic auth): customers,
products (custom ids), prices (lookup_key, transfer_lookup_key, list by lookup_keys,
search), checkout sessions (mode=subscription) with a hosted payment page, billing portal
sessions with a page to change plan, cancel or renew, subscriptions (trials, periods,
cancel at period end or now), invoices, payment methods, events and webhook endpoints.
Objects carry the fields of Stripe's own fixtures (tests compare them); unknown or
missing parameters, unknown ids and declined cards answer in Stripe's error shape and
status codes; `Idempotency-Key` replays a POST's first answer (`Idempotent-Replayed`).

Pages: `/stripe/checkout/pay/<cs_...>` (test cards: 4242 4242 4242 4242 pays,
4000 0000 0000 0341 attaches but every charge fails, 4000 0000 0000 0002 is declined),
`/stripe/billing_portal/p/<bps_...>`, `/stripe/invoice/<in_...>`.

Control (not Stripe's): `GET|POST /stripe/_control/clock` (`{"advance": seconds}` or
`{"to": unix time}`) moves the emulator's clock and runs what fell due;
`POST /stripe/_control/webhook` (`{"url", "secret"?, "events"?}`) adds an endpoint with a
known `whsec_` secret; `GET /stripe/_control/deliveries` lists webhook attempts.
Faults injected with `/_control/faults` (network "stripe") answer 500 or 429 as Stripe.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import html
import json
import re
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import parse_qsl

from flask import Blueprint, Response, jsonify, redirect, request

from local.sandbox.framework import SandboxNetwork, fault_or_none, register
from local.sandbox.state import SandboxState
from local.sandbox.stripe_engine import (
    API_VERSION,
    DECLINE_MESSAGES,
    StripeError,
    StripeStore,
    missing,
    new_id,
    public,
)

NETWORK = "stripe"
ANY = None  # a parameter of any scalar value
Spec = dict[str, Any]


def store_of(state: SandboxState) -> StripeStore:
    """The Stripe state inside the sandbox's state (a reset starts a new one)."""
    store = state.objects.get("_stripe")
    if store is None:
        fresh = StripeStore()
        store = state.objects.setdefault("_stripe", fresh)
        if store is fresh:
            fresh.alive = lambda: state.objects.get("_stripe") is fresh
    return store


def error_response(err: StripeError) -> Response:
    response = jsonify(error=err.body)
    response.status_code = err.status
    return response


def fault_response(kind: str) -> Response:
    if kind == "429":
        return error_response(
            StripeError(
                429,
                "Request rate limit exceeded. Learn more about rate limits here "
                "https://stripe.com/docs/rate-limits.",
                code="rate_limit",
                type="invalid_request_error",
            )
        )
    if kind == "401":
        return error_response(
            StripeError(401, "Invalid API Key provided: sk_test_****", code="api_key_expired")
        )
    return error_response(
        StripeError(500, "An unknown error occurred on Stripe's end.", type="api_error")
    )


# -- parameters ------------------------------------------------------------------------------


def decode(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding (`a[b][0][c]=v`) to nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        head, _, rest = key.partition("[")
        parts = [head] + (re.findall(r"([^\[\]]*)\]", "[" + rest) if rest else [])
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise StripeError(400, f"Invalid array or hash: {key}", param=key)
        last = parts[-1]
        if last == "":  # a[]=x
            last = str(sum(1 for k in node if k.isdigit()))
        node[last] = value
    return _listify(root)


def _listify(node: Any) -> Any:
    if isinstance(node, dict):
        node = {k: _listify(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node):
            return [node[k] for k in sorted(node, key=int)]
    return node


def params_of() -> dict[str, Any]:
    if request.method in ("GET", "DELETE"):
        return decode(parse_qsl(request.query_string.decode(), keep_blank_values=True))
    return decode(parse_qsl(request.get_data(as_text=True), keep_blank_values=True))


def check(
    params: dict[str, Any], spec: Spec, required: tuple[str, ...] = (), prefix: str = ""
) -> None:
    """Unknown parameters and missing required ones, answered as Stripe does."""
    for name, value in params.items():
        full = f"{prefix}[{name}]" if prefix else name
        if name not in spec and name != "expand":
            raise StripeError(
                400, f"Received unknown parameter: {full}", code="parameter_unknown", param=full
            )
        sub = spec.get(name)
        if isinstance(sub, dict):
            if sub and isinstance(value, dict):
                check(value, sub, prefix=full)
            elif sub and isinstance(value, list):
                for index, each in enumerate(value):
                    if isinstance(each, dict):
                        check(each, sub, prefix=f"{full}[{index}]")
            elif not isinstance(value, (dict, list)) and value != "":
                raise StripeError(
                    400,
                    "Invalid object",
                    code="parameter_invalid_empty" if value == "" else "parameter_invalid_string",
                    param=full,
                )
    for name in required:
        if params.get(name) in (None, ""):
            full = f"{prefix}[{name}]" if prefix else name
            raise StripeError(
                400, f"Missing required param: {full}.", code="parameter_missing", param=full
            )


def integer(
    params: dict[str, Any], name: str, default: int | None = None, minimum: int = 0
) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise StripeError(
            400, f"Invalid integer: {value}", code="parameter_invalid_integer", param=name
        ) from None
    if number < minimum:
        raise StripeError(
            400,
            f"This value must be greater than or equal to {minimum}.",
            code="parameter_invalid_integer",
            param=name,
        )
    return number


def boolean(params: dict[str, Any], name: str, default: bool | None = None) -> bool | None:
    value = params.get(name)
    if value in (None, ""):
        return default
    if str(value).lower() in ("true", "false"):
        return str(value).lower() == "true"
    raise StripeError(
        400, f"Invalid boolean: {value}", code="parameter_invalid_boolean", param=name
    )


def metadata(params: dict[str, Any], current: dict[str, Any] | None = None) -> dict[str, Any]:
    """Stripe merges metadata; an empty value removes a key, `metadata=""` clears all."""
    value = params.get("metadata")
    result = dict(current or {})
    if value == "":
        return {}
    if value is None:
        return result
    if not isinstance(value, dict):
        raise StripeError(400, "Invalid hash", code="parameter_invalid_string", param="metadata")
    for key, each in value.items():
        if each == "":
            result.pop(key, None)
        else:
            result[key] = str(each)
    return result


def enum(
    params: dict[str, Any], name: str, allowed: tuple[str, ...], default: str | None = None
) -> str | None:
    value = params.get(name, default)
    if value is not None and value not in allowed:
        raise StripeError(
            400,
            f"Invalid {name}: must be one of {', '.join(allowed)}",
            code="parameter_invalid_string" if value else "parameter_invalid_empty",
            param=name,
        )
    return value


def listing(
    store: StripeStore, items: list[dict[str, Any]], url: str, params: dict[str, Any]
) -> dict[str, Any]:
    limit = integer(params, "limit", 10, minimum=1) or 10
    if limit > 100:
        raise StripeError(
            400,
            "This value must be less than or equal to 100.",
            code="parameter_invalid_integer",
            param="limit",
        )
    after, before = params.get("starting_after"), params.get("ending_before")
    ids = [i["id"] for i in items]
    if after:
        if after not in ids:
            raise missing("object", after, "starting_after")
        items = items[ids.index(after) + 1 :]
    elif before:
        if before not in ids:
            raise missing("object", before, "ending_before")
        items = items[: ids.index(before)][-limit:]
    return {"object": "list", "data": items[:limit], "has_more": len(items) > limit, "url": url}


SEARCH_CLAUSE = re.compile(r"""\s*(\w+)(?:\[['"]([^'"]+)['"]\])?\s*:\s*['"]([^'"]*)['"]\s*""")


def search(
    items: list[dict[str, Any]], query: str | None, fields: tuple[str, ...], url: str
) -> dict[str, Any]:
    """Stripe's search language, its `field:'value'` clauses joined by AND (metadata['k']
    too); enough to find products and prices by what Schedulo stores on them."""
    if not query:
        raise StripeError(
            400, "Missing required param: query.", code="parameter_missing", param="query"
        )
    clauses = []
    for part in re.split(r"\s+AND\s+", query.strip()):
        match = SEARCH_CLAUSE.fullmatch(part)
        if not match or (match.group(1) not in fields and match.group(1) != "metadata"):
            raise StripeError(
                400,
                f"The search query is invalid or not supported here: {part!r}",
                code="parameter_invalid_string",
                param="query",
            )
        clauses.append(match.groups())

    def matches(obj: dict[str, Any]) -> bool:
        for name, key, value in clauses:
            actual = (obj.get("metadata") or {}).get(key) if name == "metadata" else obj.get(name)
            if isinstance(actual, bool):
                actual = str(actual).lower()
            if str(actual) != value and not (actual is None and value == ""):
                return False
        return True

    found = [o for o in items if matches(o)]
    return {
        "object": "search_result",
        "data": found[:100],
        "has_more": len(found) > 100,
        "next_page": None,
        "url": url,
    }


# -- objects ------------------------------------------------------------------------------------


def new_product(store: StripeStore, params: dict[str, Any]) -> dict[str, Any]:
    product_id = params.get("id") or new_id("prod", 14)
    if product_id in store.objects:
        raise StripeError(
            400, "Product already exists.", code="resource_already_exists", param="id"
        )
    now = store.now()
    return store.put(
        {
            "id": product_id,
            "object": "product",
            "active": boolean(params, "active", True),
            "created": now,
            "default_price": None,
            "description": params.get("description"),
            "images": list(params.get("images") or []),
            "livemode": False,
            "marketing_features": [
                {"name": f.get("name")} for f in params.get("marketing_features") or []
            ],
            "metadata": metadata(params),
            "name": params["name"],
            "package_dimensions": None,
            "shippable": None,
            "statement_descriptor": params.get("statement_descriptor"),
            "tax_code": params.get("tax_code"),
            "type": "service",
            "unit_label": params.get("unit_label"),
            "updated": now,
            "url": params.get("url"),
        }
    )


PRODUCT_FIELDS: Spec = {
    "name": ANY,
    "description": ANY,
    "metadata": {},
    "active": ANY,
    "images": ANY,
    "marketing_features": {"name": ANY},
    "statement_descriptor": ANY,
    "tax_code": ANY,
    "unit_label": ANY,
    "url": ANY,
}
PRICE_CREATE: Spec = {
    "currency": ANY,
    "product": ANY,
    "product_data": {"name": ANY, "metadata": {}, "id": ANY},
    "unit_amount": ANY,
    "unit_amount_decimal": ANY,
    "recurring": {"interval": ANY, "interval_count": ANY, "usage_type": ANY},
    "lookup_key": ANY,
    "transfer_lookup_key": ANY,
    "nickname": ANY,
    "metadata": {},
    "active": ANY,
    "tax_behavior": ANY,
    "billing_scheme": ANY,
}
PRICE_UPDATE: Spec = {
    "active": ANY,
    "lookup_key": ANY,
    "transfer_lookup_key": ANY,
    "metadata": {},
    "nickname": ANY,
    "tax_behavior": ANY,
}


def claim_lookup_key(
    store: StripeStore, price: dict[str, Any], key: str | None, transfer: bool
) -> dict[str, Any] | None:
    """Give `key` to `price`; the price holding it loses it when `transfer`, else 400.
    Returns the price it was taken from."""
    if not key:
        return None
    holder = next(
        (p for p in store.all("price") if p["lookup_key"] == key and p["id"] != price["id"]), None
    )
    if holder is None:
        return None
    if not transfer:
        raise StripeError(
            400,
            f"A price (`{holder['id']}`) already uses that lookup key. "
            "Pass `transfer_lookup_key=true` to move it.",
            code="parameter_invalid_string",
            param="lookup_key",
        )
    holder["lookup_key"] = None
    return holder


def new_price(store: StripeStore, params: dict[str, Any]) -> dict[str, Any]:
    check(params, PRICE_CREATE, required=("currency",))
    product_id = params.get("product")
    if not product_id and not params.get("product_data"):
        raise StripeError(
            400, "Missing required param: product.", code="parameter_missing", param="product"
        )
    if product_id:
        store.get("product", product_id)
    else:
        check(
            params["product_data"],
            PRICE_CREATE["product_data"],
            required=("name",),
            prefix="product_data",
        )
        product_id = new_product(store, params["product_data"])["id"]
    amount = integer(params, "unit_amount")
    if amount is None:
        raise StripeError(
            400,
            "Missing required param: unit_amount.",
            code="parameter_missing",
            param="unit_amount",
        )
    recurring = params.get("recurring")
    if recurring is not None:
        check(recurring, PRICE_CREATE["recurring"], required=("interval",), prefix="recurring")
        enum(recurring, "interval", ("day", "week", "month", "year"))
        count = integer(recurring, "interval_count", 1, minimum=1)
        recurring = {
            "interval": recurring["interval"],
            "interval_count": count,
            "meter": None,
            "trial_period_days": None,
            "usage_type": recurring.get("usage_type") or "licensed",
        }
    price = {
        "id": new_id("price"),
        "object": "price",
        "active": boolean(params, "active", True),
        "billing_scheme": "per_unit",
        "created": store.now(),
        "currency": str(params["currency"]).lower(),
        "custom_unit_amount": None,
        "livemode": False,
        "lookup_key": params.get("lookup_key") or None,
        "metadata": metadata(params),
        "nickname": params.get("nickname"),
        "product": product_id,
        "recurring": recurring,
        "tax_behavior": enum(
            params, "tax_behavior", ("exclusive", "inclusive", "unspecified"), "unspecified"
        ),
        "tiers_mode": None,
        "transform_quantity": None,
        "type": "recurring" if recurring else "one_time",
        "unit_amount": amount,
        "unit_amount_decimal": str(amount),
    }
    loser = claim_lookup_key(
        store, price, price["lookup_key"], bool(boolean(params, "transfer_lookup_key"))
    )
    store.put(price)
    if loser:
        store.emit("price.updated", loser, {"lookup_key": price["lookup_key"]})
    store.emit("price.created", price)
    return price


CUSTOMER_FIELDS: Spec = {
    "email": ANY,
    "name": ANY,
    "description": ANY,
    "metadata": {},
    "phone": ANY,
    "preferred_locales": ANY,
    "address": {
        "city": ANY,
        "country": ANY,
        "line1": ANY,
        "line2": ANY,
        "postal_code": ANY,
        "state": ANY,
    },
    "invoice_settings": {"default_payment_method": ANY},
    "payment_method": ANY,
}
CHECKOUT_FIELDS: Spec = {
    "mode": ANY,
    "line_items": {"price": ANY, "quantity": ANY},
    "success_url": ANY,
    "cancel_url": ANY,
    "customer": ANY,
    "customer_email": ANY,
    "client_reference_id": ANY,
    "metadata": {},
    "subscription_data": {
        "trial_period_days": ANY,
        "trial_end": ANY,
        "metadata": {},
        "description": ANY,
    },
    "allow_promotion_codes": ANY,
    "billing_address_collection": ANY,
    "locale": ANY,
    "expires_at": ANY,
    "customer_update": {},
    "ui_mode": ANY,
    "payment_method_collection": ANY,
    "automatic_tax": {"enabled": ANY},
}
SUBSCRIPTION_CREATE: Spec = {
    "customer": ANY,
    "items": {"price": ANY, "quantity": ANY},
    "trial_period_days": ANY,
    "trial_end": ANY,
    "default_payment_method": ANY,
    "metadata": {},
    "payment_behavior": ANY,
    "cancel_at_period_end": ANY,
    "collection_method": ANY,
    "description": ANY,
    "proration_behavior": ANY,
}
SUBSCRIPTION_UPDATE: Spec = {
    "items": {"id": ANY, "price": ANY, "quantity": ANY, "deleted": ANY},
    "cancel_at_period_end": ANY,
    "cancel_at": ANY,
    "default_payment_method": ANY,
    "metadata": {},
    "proration_behavior": ANY,
    "payment_behavior": ANY,
    "trial_end": ANY,
    "description": ANY,
    "cancellation_details": {"comment": ANY, "feedback": ANY},
}


# What each operation accepts by the SDK's name
# of its parameters' type (stripe.params...); tests check each against that type.
PARAMS: dict[str, Spec] = {}
PARAMS["billing_portal.SessionCreateParams"] = {
    "customer": ANY,
    "return_url": ANY,
    "configuration": ANY,
    "locale": ANY,
    "flow_data": {},
}
PARAMS["WebhookEndpointCreateParams"] = {
    "url": ANY,
    "enabled_events": ANY,
    "description": ANY,
    "metadata": {},
    "api_version": ANY,
}
PARAMS["CustomerListParams"] = {
    "email": ANY,
    "limit": ANY,
    "starting_after": ANY,
    "ending_before": ANY,
    "created": {},
    "test_clock": ANY,
}
PARAMS["ProductCreateParams"] = {**PRODUCT_FIELDS, "id": ANY, "default_price_data": {}}
PARAMS["ProductListParams"] = {
    "active": ANY,
    "ids": ANY,
    "limit": ANY,
    "starting_after": ANY,
    "ending_before": ANY,
    "created": {},
    "url": ANY,
    "shippable": ANY,
}
PARAMS["ProductUpdateParams"] = {**PRODUCT_FIELDS, "default_price": ANY}
PARAMS["PriceListParams"] = {
    "active": ANY,
    "product": ANY,
    "lookup_keys": ANY,
    "type": ANY,
    "currency": ANY,
    "recurring": {},
    "limit": ANY,
    "starting_after": ANY,
    "ending_before": ANY,
    "created": {},
}
PARAMS["checkout.SessionListParams"] = {
    "customer": ANY,
    "subscription": ANY,
    "status": ANY,
    "limit": ANY,
    "starting_after": ANY,
    "ending_before": ANY,
    "created": {},
}
PARAMS["SubscriptionListParams"] = {
    "customer": ANY,
    "price": ANY,
    "status": ANY,
    "limit": ANY,
    "starting_after": ANY,
    "ending_before": ANY,
    "created": {},
    "test_clock": ANY,
}
PARAMS["SubscriptionCancelParams"] = {
    "invoice_now": ANY,
    "prorate": ANY,
    "cancellation_details": {"comment": ANY, "feedback": ANY},
}
PARAMS["InvoiceListParams"] = {
    "customer": ANY,
    "subscription": ANY,
    "status": ANY,
    "limit": ANY,
    "starting_after": ANY,
    "ending_before": ANY,
    "created": {},
    "collection_method": ANY,
}
PARAMS["EventListParams"] = {
    "type": ANY,
    "types": ANY,
    "limit": ANY,
    "starting_after": ANY,
    "ending_before": ANY,
    "created": {},
    "delivery_success": ANY,
}
PARAMS["WebhookEndpointUpdateParams"] = {
    "url": ANY,
    "enabled_events": ANY,
    "description": ANY,
    "metadata": {},
    "disabled": ANY,
}
PARAMS.update(
    {
        "CustomerListPaymentMethodsParams": {
            "limit": ANY,
            "starting_after": ANY,
            "ending_before": ANY,
            "type": ANY,
        },
        "WebhookEndpointListParams": {"limit": ANY, "starting_after": ANY, "ending_before": ANY},
        "CustomerSearchParams": {"query": ANY, "limit": ANY, "page": ANY},
        "ProductSearchParams": {"query": ANY, "limit": ANY, "page": ANY},
        "PriceSearchParams": {"query": ANY, "limit": ANY, "page": ANY},
        "CustomerCreateParams": CUSTOMER_FIELDS,
        "CustomerUpdateParams": {k: v for k, v in CUSTOMER_FIELDS.items() if k != "payment_method"},
        "PriceCreateParams": PRICE_CREATE,
        "PriceUpdateParams": PRICE_UPDATE,
        "checkout.SessionCreateParams": CHECKOUT_FIELDS,
        "SubscriptionCreateParams": SUBSCRIPTION_CREATE,
        "SubscriptionUpdateParams": SUBSCRIPTION_UPDATE,
    }
)


def checkout_session(store: StripeStore, params: dict[str, Any]) -> dict[str, Any]:
    check(params, CHECKOUT_FIELDS, required=("mode",))
    if params["mode"] != "subscription":
        enum(params, "mode", ("payment", "setup", "subscription"))
        raise StripeError(
            400,
            "The local Stripe supports mode=subscription only.",
            code="parameter_invalid_string",
            param="mode",
        )
    if not params.get("success_url") and params.get("ui_mode", "hosted") == "hosted":
        raise StripeError(
            400,
            "Missing required param: success_url.",
            code="parameter_missing",
            param="success_url",
        )
    if params.get("customer") and params.get("customer_email"):
        raise StripeError(
            400,
            "You may only specify one of these parameters: customer, customer_email.",
            code="parameter_invalid_string",
            param="customer_email",
        )
    customer = store.get("customer", params["customer"]) if params.get("customer") else None
    lines = params.get("line_items")
    if not isinstance(lines, list) or not lines:
        raise StripeError(
            400,
            "`line_items` is required in `subscription` mode.",
            code="parameter_missing",
            param="line_items",
        )
    items = []
    for index, line in enumerate(lines):
        check(
            line, CHECKOUT_FIELDS["line_items"], required=("price",), prefix=f"line_items[{index}]"
        )
        price = store.get("price", line["price"])
        if not price["active"]:
            raise StripeError(
                400,
                "The price specified is inactive. This field only accepts active prices.",
                code="parameter_invalid_string",
                param=f"line_items[{index}][price]",
            )
        if not price["recurring"]:
            raise StripeError(
                400,
                "You must specify at least one recurring price in `subscription` mode.",
                code="parameter_invalid_string",
                param=f"line_items[{index}][price]",
            )
        items.append({"price": price["id"], "quantity": integer(line, "quantity", 1, minimum=1)})
    sub = params.get("subscription_data") or {}
    trial_days = integer(sub, "trial_period_days", 0, minimum=0) if isinstance(sub, dict) else 0
    if trial_days and trial_days > 730:
        raise StripeError(
            400,
            "The maximum number of trial period days is 730.",
            code="parameter_invalid_integer",
            param="subscription_data[trial_period_days]",
        )
    amount = sum(store.objects[i["price"]]["unit_amount"] * i["quantity"] for i in items)
    session_id = new_id("cs_test", 58)
    now = store.now()
    return store.put(
        {
            "id": session_id,
            "object": "checkout.session",
            "adaptive_pricing": None,
            "after_expiration": None,
            "allow_promotion_codes": boolean(params, "allow_promotion_codes"),
            "amount_subtotal": amount,
            "amount_total": amount,
            "automatic_tax": {
                "enabled": False,
                "liability": None,
                "provider": None,
                "status": None,
            },
            "billing_address_collection": params.get("billing_address_collection"),
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"),
            "client_secret": None,
            "collected_information": None,
            "consent": None,
            "consent_collection": None,
            "created": now,
            "currency": store.objects[items[0]["price"]]["currency"],
            "currency_conversion": None,
            "custom_fields": [],
            "custom_text": {
                "after_submit": None,
                "shipping_address": None,
                "submit": None,
                "terms_of_service_acceptance": None,
            },
            "customer": customer["id"] if customer else None,
            "customer_account": None,
            "customer_creation": None if customer else "always",
            "customer_details": {
                "email": customer["email"],
                "address": None,
                "name": customer["name"],
                "phone": None,
                "tax_exempt": "none",
                "tax_ids": [],
            }
            if customer
            else None,
            "customer_email": params.get("customer_email"),
            "discounts": [],
            "expires_at": integer(params, "expires_at") or now + 86400,
            "integration_identifier": None,
            "invoice": None,
            "invoice_creation": None,
            "livemode": False,
            "locale": params.get("locale"),
            "managed_payments": None,
            "metadata": metadata(params),
            "mode": "subscription",
            "origin_context": None,
            "payment_intent": None,
            "payment_link": None,
            "payment_method_collection": params.get("payment_method_collection") or "always",
            "payment_method_configuration_details": None,
            "payment_method_options": {"card": {"request_three_d_secure": "automatic"}},
            "payment_method_types": ["card"],
            "payment_status": "unpaid",
            "permissions": None,
            "phone_number_collection": {"enabled": False},
            "recovered_from": None,
            "saved_payment_method_options": None,
            "setup_intent": None,
            "shipping_address_collection": None,
            "shipping_cost": None,
            "shipping_options": [],
            "status": "open",
            "submit_type": None,
            "subscription": None,
            "success_url": params.get("success_url"),
            "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            "ui_mode": params.get("ui_mode") or "hosted",
            "url": f"{store.base_url}/checkout/pay/{session_id}",
            "wallet_options": None,
            "_items": items,
            "_trial_days": trial_days,
            "_subscription_metadata": metadata(sub) if isinstance(sub, dict) else {},
        }
    )


def complete_checkout(
    store: StripeStore, session: dict[str, Any], email: str, number: str, exp: str, name: str
) -> None:
    """The hosted page's Pay button: the card attached, the subscription started, the
    session completed; or a StripeError the page shows."""
    if session["status"] != "open":
        raise StripeError(
            400, "This Checkout Session is no longer active.", code="checkout_session_inactive"
        )
    if session["expires_at"] <= store.now():
        raise StripeError(
            400, "This Checkout Session has expired.", code="checkout_session_expired"
        )
    if not session["customer"] and not (session["customer_email"] or email):
        raise StripeError(400, "Enter your email.", code="email_invalid", param="email")
    from local.sandbox.stripe_engine import card_for

    card = card_for(number)
    if card is None:
        raise StripeError(
            402,
            "Your card number is incorrect.",
            type="card_error",
            code="incorrect_number",
            param="number",
        )
    trial = session["_trial_days"]
    if not trial and card[2]:  # charged now: a card that refuses charges fails here
        raise StripeError(
            402,
            DECLINE_MESSAGES.get(card[2], "Your card was declined."),
            type="card_error",
            code="card_declined",
            decline_code=card[2],
        )
    if card[1]:
        raise StripeError(
            402,
            DECLINE_MESSAGES.get(card[1], "Your card was declined."),
            type="card_error",
            code="card_declined",
            decline_code=card[1],
        )
    customer = (
        store.objects[session["customer"]]
        if session["customer"]
        else store.create_customer(
            {"email": session["customer_email"] or email, "name": name or None}
        )
    )
    method = store.attach_card(customer, number, exp)
    items = [(store.objects[i["price"]], i["quantity"]) for i in session["_items"]]
    subscription = store.start_subscription(
        customer,
        items,
        trial_days=trial,
        metadata=session["_subscription_metadata"],
        payment_method=method["id"],
    )
    session.update(
        status="complete",
        customer=customer["id"],
        subscription=subscription["id"],
        invoice=subscription["latest_invoice"],
        payment_status="no_payment_required" if trial else "paid",
        customer_details={
            "email": customer["email"],
            "address": None,
            "name": customer["name"],
            "phone": None,
            "tax_exempt": "none",
            "tax_ids": [],
        },
    )
    store.emit("checkout.session.completed", session)


def portal_session(store: StripeStore, params: dict[str, Any]) -> dict[str, Any]:
    check(
        params,
        PARAMS["billing_portal.SessionCreateParams"],
        required=("customer",),
    )
    customer = store.get("customer", params["customer"])
    session_id = new_id("bps")
    return store.put(
        {
            "id": session_id,
            "object": "billing_portal.session",
            "configuration": params.get("configuration") or "bpc_local_default",
            "created": store.now(),
            "customer": customer["id"],
            "customer_account": None,
            "flow": None,
            "livemode": False,
            "locale": params.get("locale"),
            "on_behalf_of": None,
            "return_url": params.get("return_url"),
            "url": f"{store.base_url}/billing_portal/p/{session_id}",
        }
    )


def webhook_endpoint(
    store: StripeStore, params: dict[str, Any], secret: str | None = None
) -> dict[str, Any]:
    check(
        params,
        PARAMS["WebhookEndpointCreateParams"],
        required=("url", "enabled_events"),
    )
    events = params["enabled_events"]
    events = [events] if isinstance(events, str) else list(events)
    endpoint = store.put(
        {
            "id": new_id("we"),
            "object": "webhook_endpoint",
            "api_version": params.get("api_version"),
            "application": None,
            "created": store.now(),
            "description": params.get("description"),
            "enabled_events": events,
            "livemode": False,
            "metadata": metadata(params),
            "status": "enabled",
            "url": params["url"],
        }
    )
    store.secrets[endpoint["id"]] = secret or f"whsec_{secrets.token_hex(32)}"
    return endpoint


# -- the blueprint ------------------------------------------------------------------------------


def build(state: SandboxState) -> Blueprint:
    bp = Blueprint("stripe", __name__)

    def store() -> StripeStore:
        s = store_of(state)
        s.base_url = f"{request.host_url.rstrip('/')}/{NETWORK}"
        return s

    def api(view: Callable[..., Any]) -> Callable[..., Any]:
        """Auth, idempotency, errors in Stripe's shape, `expand`, one lock."""

        @wraps(view)
        def wrapper(**kwargs: Any) -> Response:
            s = store()
            request_id = new_id("req", 14)
            try:
                if not _authorized():
                    raise StripeError(
                        401,
                        "You did not provide an API key. You need to provide your API key in the "
                        "Authorization header, using Bearer auth "
                        "(e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
                    )
                fault = fault_or_none(state, NETWORK)
                if fault is not None:
                    return fault
                params = params_of()
                key = request.headers.get("Idempotency-Key") if request.method == "POST" else None
                with s.lock:
                    if key:
                        fingerprint = hashlib.sha256(
                            (request.path + "\n" + json.dumps(params, sort_keys=True)).encode()
                        ).hexdigest()
                        cached = s.idempotency.get((_api_key(), key))
                        if cached:
                            if cached[0] != fingerprint:
                                raise StripeError(
                                    400,
                                    "Keys for idempotent requests can only be used with the "
                                    "same parameters they were first used with. Try using a "
                                    f"key other than '{key}' if you meant to execute a "
                                    "different request.",
                                    type="idempotency_error",
                                )
                            response = jsonify(cached[2])
                            response.status_code = cached[1]
                            response.headers["Idempotent-Replayed"] = "true"
                            response.headers["Idempotency-Key"] = key
                            response.headers["Request-Id"] = request_id
                            return response
                    s.tick()  # what the clock made due happens before the request
                    s.request_context = {"id": request_id, "idempotency_key": key}
                    s.api_version = request.headers.get("Stripe-Version") or API_VERSION
                    try:
                        if (
                            request.method == "GET"
                            and "object_id" in kwargs
                            and view.__name__ != "customer_payment_methods"
                        ):
                            check(params, {})  # a retrieve takes `expand` only
                        status, body = 200, view(s, params, **kwargs)
                        if isinstance(body, dict):
                            body = public(s.expand(body, _expand_paths(params)))
                    except StripeError as err:
                        status, body = err.status, {"error": err.body}
                    finally:
                        s.request_context = {"id": None, "idempotency_key": None}
                    if key and status < 500:
                        s.idempotency[(_api_key(), key)] = (fingerprint, status, body)
                response = jsonify(body)
                response.status_code = status
            except StripeError as err:
                response = error_response(err)
            response.headers["Request-Id"] = request_id
            response.headers["Stripe-Version"] = s.api_version
            if request.headers.get("Idempotency-Key"):
                response.headers["Idempotency-Key"] = request.headers["Idempotency-Key"]
            return response

        return wrapper

    # customers
    @bp.route("/v1/customers", methods=["POST"], endpoint="customers_create")
    @api
    def customers_create(s: StripeStore, p: dict[str, Any]) -> dict[str, Any]:
        check(p, CUSTOMER_FIELDS)
        customer = s.create_customer(p)
        if p.get("payment_method"):
            method = s.get("payment_method", p["payment_method"], "PaymentMethod")
            method["customer"] = customer["id"]
        return customer

    @bp.route("/v1/customers", methods=["GET"], endpoint="customers_list")
    @api
    def customers_list(s: StripeStore, p: dict[str, Any]) -> dict[str, Any]:
        check(
            p,
            PARAMS["CustomerListParams"],
        )
        items = [c for c in s.all("customer") if not p.get("email") or c["email"] == p["email"]]
        return listing(s, items, "/v1/customers", p)

    @bp.route("/v1/customers/search", methods=["GET"], endpoint="customers_search")
    @api
    def customers_search(s: StripeStore, p: dict[str, Any]) -> dict[str, Any]:
        check(p, PARAMS["CustomerSearchParams"])
        return search(
            s.all("customer"), p.get("query"), ("email", "name", "phone"), "/v1/customers/search"
        )

    @bp.route("/v1/customers/<object_id>", methods=["GET", "POST", "DELETE"], endpoint="customer")
    @api
    def customer(s: StripeStore, p: dict[str, Any], object_id: str) -> dict[str, Any]:
        obj = s.get("customer", object_id)
        if request.method == "DELETE":
            obj["deleted"] = True
            for sub in s.all("subscription"):
                if sub["customer"] == object_id:
                    s.cancel(sub)
            s.emit("customer.deleted", obj)
            return {"id": object_id, "object": "customer", "deleted": True}
        if request.method == "POST":
            check(p, PARAMS["CustomerUpdateParams"])
            previous = {
                k: copy.deepcopy(obj[k])
                for k in ("email", "name", "description", "phone", "metadata", "invoice_settings")
                if k in p
            }
            for k in ("email", "name", "description", "phone"):
                if k in p:
                    obj[k] = p[k] or None
            if "metadata" in p:
                obj["metadata"] = metadata(p, obj["metadata"])
            if (
                isinstance(p.get("invoice_settings"), dict)
                and "default_payment_method" in p["invoice_settings"]
            ):
                pm = p["invoice_settings"]["default_payment_method"] or None
                if pm:
                    s.get("payment_method", pm, "PaymentMethod")
                obj["invoice_settings"]["default_payment_method"] = pm
            if previous:
                s.emit("customer.updated", obj, previous)
        return obj

    @bp.route("/v1/payment_methods/<object_id>", methods=["GET"], endpoint="payment_method")
    @api
    def payment_method(s: StripeStore, p: dict[str, Any], object_id: str) -> dict[str, Any]:
        return s.get("payment_method", object_id, "PaymentMethod")

    @bp.route(
        "/v1/customers/<object_id>/payment_methods",
        methods=["GET"],
        endpoint="customer_payment_methods",
    )
    @api
    def customer_payment_methods(
        s: StripeStore, p: dict[str, Any], object_id: str
    ) -> dict[str, Any]:
        check(p, PARAMS["CustomerListPaymentMethodsParams"])
        s.get("customer", object_id)
        items = [m for m in s.all("payment_method") if m["customer"] == object_id]
        return listing(s, items, f"/v1/customers/{object_id}/payment_methods", p)

    # products
    @bp.route("/v1/products", methods=["POST"], endpoint="products_create")
    @api
    def products_create(s: StripeStore, p: dict[str, Any]) -> dict[str, Any]:
        check(p, PARAMS["ProductCreateParams"], required=("name",))
        product = new_product(s, p)
        s.emit("product.created", product)
        return product

    @bp.route("/v1/products", methods=["GET"], endpoint="products_list")
    @api
    def products_list(s: StripeStore, p: dict[str, Any]) -> dict[str, Any]:
        check(
            p,
            PARAMS["ProductListParams"],
        )
        active = boolean(p, "active")
        ids = p.get("ids")
        items = [
            x
            for x in s.all("product")
            if (active is None or x["active"] == active) and (not ids or x["id"] in ids)
        ]
        return listing(s, items, "/v1/products", p)

    @bp.route("/v1/products/search", methods=["GET"], endpoint="products_search")
    @api
    def products_search(s: StripeStore, p: dict[str, Any]) -> dict[str, Any]:
        check(p, PARAMS["ProductSearchParams"])
        return search(
            s.all("product"),
            p.get("query"),
            ("active", "name", "description", "url"),
            "/v1/products/search",
        )

    @bp.route("/v1/products/<object_id>", methods=["GET", "POST"], endpoint="product")
    @api
    def product(s: StripeStore, p: dict[str, Any], object_id: str) -> dict[str, Any]:
        obj = s.get("product", object_id)
        if request.method == "POST":
            check(p, PARAMS["ProductUpdateParams"])
            previous: dict[str, Any] = {}
            for k in (
                "name",
                "description",
                "statement_descriptor",
                "tax_code",
                "unit_label",
                "url",
            ):
                if k in p and obj[k] != (p[k] or None):
                    previous[k], obj[k] = obj[k], p[k] or None
            if "active" in p and obj["active"] != boolean(p, "active"):
                previous["active"], obj["active"] = obj["active"], boolean(p, "active")
            if "metadata" in p and metadata(p, obj["metadata"]) != obj["metadata"]:
                previous["metadata"], obj["metadata"] = (
                    obj["metadata"],
                    metadata(p, obj["metadata"]),
                )
            if "marketing_features" in p:
                features = [{"name": f.get("name")} for f in p.get("marketing_features") or []]
                if features != obj["marketing_features"]:
                    previous["marketing_features"], obj["marketing_features"] = (
                        obj["marketing_features"],
                        features,
                    )
            if "default_price" in p and obj["default_price"] != (p["default_price"] or None):
                if p["default_price"]:
                    price = s.get("price", p["default_price"])
                    if price["product"] != object_id:
                        raise StripeError(
                            400,
                            "The default price must belong to this product.",
                            code="parameter_invalid_string",
                            param="default_price",
                        )
                previous["default_price"], obj["default_price"] = (
                    obj["default_price"],
                    p["default_price"] or None,
                )
            if previous:
                obj["updated"] = s.now()
                s.emit("product.updated", obj, previous)
        return obj

    # prices
    @bp.route("/v1/prices", methods=["POST"], endpoint="prices_create")
    @api
    def prices_create(s: StripeStore, p: dict[str, Any]) -> dict[str, Any]:
        return new_price(s, p)

    @bp.route("/v1/prices", methods=["GET"], endpoint="prices_list")
    @api
    def prices_list(s: StripeStore, p: dict[str, Any]) -> dict[str, Any]:
        check(
            p,
            PARAMS["PriceListParams"],
        )
        active = boolean(p, "active")
        keys = p.get("lookup_keys")
        keys = [keys] if isinstance(keys, str) else keys
        if keys is not None and len(keys) > 10:
            raise StripeError(
                400,
                "You may only specify up to 10 lookup keys.",
                code="parameter_invalid_string",
                param="lookup_keys",
            )
        items = [
            x
            for x in s.all("price")
            if (active is None or x["active"] == active)
            and (not p.get("product") or x["product"] == p["product"])
            and (keys is None or x["lookup_key"] in keys)
            and (not p.get("type") or x["type"] == p["type"])
            and (not p.get("currency") or x["currency"] == p["currency"])
        ]
        return listing(s, items, "/v1/prices", p)

    @bp.route("/v1/prices/search", methods=["GET"], endpoint="prices_search")
    @api
    def prices_search(s: StripeStore, p: dict[str, Any]) -> dict[str, Any]:
        check(p, PARAMS["PriceSearchParams"])
        return search(
            s.all("price"),
            p.get("query"),
            ("active", "currency", "lookup_key", "product", "type"),
            "/v1/prices/search",
        )

    @bp.route("/v1/prices/<object_id>", methods=["GET", "POST"], endpoint="price")
    @api
    def price(s: StripeStore, p: dict[str, Any], object_id: str) -> dict[str, Any]:
        obj = s.get("price", object_id)
        if request.method == "POST":
            check(p, PRICE_UPDATE)
            previous: dict[str, Any] = {}
            if "lookup_key" in p and obj["lookup_key"] != (p["lookup_key"] or None):
                loser = claim_lookup_key(
                    s, obj, p["lookup_key"] or None, bool(boolean(p, "transfer_lookup_key"))
                )
                if loser:
                    s.emit("price.updated", loser, {"lookup_key": p["lookup_key"]})
                previous["lookup_key"], obj["lookup_key"] = (
                    obj["lookup_key"],
                    p["lookup_key"] or None,
                )
            if "active" in p and obj["active"] != boolean(p, "active"):
                product = s.objects.get(obj["product"], {})
                if not boolean(p, "active") and product.get("default_price") == obj["id"]:
                    raise StripeError(
                        400,
                        "This price cannot be archived because it is the default price of "
                        "its product.",
                        param="active",
                    )
                previous["active"], obj["active"] = obj["active"], boolean(p, "active")
            if "nickname" in p and obj["nickname"] != (p["nickname"] or None):
                previous["nickname"], obj["nickname"] = obj["nickname"], p["nickname"] or None
            if "metadata" in p and metadata(p, obj["metadata"]) != obj["metadata"]:
                previous["metadata"], obj["metadata"] = (
                    obj["metadata"],
                    metadata(p, obj["metadata"]),
                )
            if "tax_behavior" in p:
                obj["tax_behavior"] = enum(
                    p, "tax_behavior", ("exclusive", "inclusive", "unspecified")
                )
            if previous:
                s.emit("price.updated", obj, previous)
        return obj

    # checkout and portal
    @bp.route("/v1/checkout/sessions", methods=["POST"], endpoint="checkout_create")
    @api
    def checkout_create(s: StripeStore, p: dict[str, Any]) -> dict[str, Any]:
        return checkout_session(s, p)

    @bp.route("/v1/checkout/sessions", methods=["GET"], endpoint="checkout_list")
    @api
    def checkout_list(s: StripeStore, p: dict[str, Any]) -> dict[str, Any]:
        check(
            p,
            PARAMS["checkout.SessionListParams"],
        )
        items = [
            x
            for x in s.all("checkout.session")
            if all(not p.get(k) or x[k] == p[k] for k in ("customer", "subscription", "status"))
        ]
        return listing(s, items, "/v1/checkout/sessions", p)

    @bp.route("/v1/checkout/sessions/<object_id>", methods=["GET"], endpoint="checkout_get")
    @api
    def checkout_get(s: StripeStore, p: dict[str, Any], object_id: str) -> dict[str, Any]:
        return s.get("checkout.session", object_id, "checkout.session")

    @bp.route(
        "/v1/checkout/sessions/<object_id>/expire", methods=["POST"], endpoint="checkout_expire"
    )
    @api
    def checkout_expire(s: StripeStore, p: dict[str, Any], object_id: str) -> dict[str, Any]:
        session = s.get("checkout.session", object_id, "checkout.session")
        if session["status"] != "open":
            raise StripeError(
                400,
                'Only Checkout Sessions with a status in ["open"] can be expired. This '
                f'Checkout Session has a status of "{session["status"]}".',
            )
        session["status"] = "expired"
        s.emit("checkout.session.expired", session)
        return session

    @bp.route("/v1/billing_portal/sessions", methods=["POST"], endpoint="portal_create")
    @api
    def portal_create(s: StripeStore, p: dict[str, Any]) -> dict[str, Any]:
        return portal_session(s, p)

    # subscriptions and invoices
    @bp.route("/v1/subscriptions", methods=["GET"], endpoint="subscriptions_list")
    @api
    def subscriptions_list(s: StripeStore, p: dict[str, Any]) -> dict[str, Any]:
        check(
            p,
            PARAMS["SubscriptionListParams"],
        )
        status = p.get("status")
        items = [
            x
            for x in s.all("subscription")
            if (not p.get("customer") or x["customer"] == p["customer"])
            and (
                not p.get("price")
                or any(i["price"]["id"] == p["price"] for i in x["items"]["data"])
            )
            and (
                status == "all" or (x["status"] == status if status else x["status"] != "canceled")
            )
        ]
        return listing(s, items, "/v1/subscriptions", p)

    @bp.route("/v1/subscriptions", methods=["POST"], endpoint="subscriptions_create")
    @api
    def subscriptions_create(s: StripeStore, p: dict[str, Any]) -> dict[str, Any]:
        check(p, SUBSCRIPTION_CREATE, required=("customer", "items"))
        customer = s.get("customer", p["customer"])
        items = []
        for index, item in enumerate(p["items"] if isinstance(p["items"], list) else []):
            check(item, SUBSCRIPTION_CREATE["items"], required=("price",), prefix=f"items[{index}]")
            items.append(
                (s.get("price", item["price"]), integer(item, "quantity", 1, minimum=1) or 1)
            )
        if not items:
            raise StripeError(
                400, "Missing required param: items.", code="parameter_missing", param="items"
            )
        method = (
            p.get("default_payment_method")
            or customer["invoice_settings"]["default_payment_method"]
        )
        trial_days = integer(p, "trial_period_days", 0) or 0
        if not method and not trial_days:
            raise StripeError(
                400,
                "This customer has no attached payment source or default payment method.",
                code="resource_missing",
                param="default_payment_method",
            )
        sub = s.start_subscription(
            customer,
            items,
            trial_days=trial_days,
            trial_end=integer(p, "trial_end"),
            metadata=metadata(p),
            payment_method=p.get("default_payment_method"),
        )
        if boolean(p, "cancel_at_period_end"):
            s.update_subscription(sub, {"cancel_at_period_end": True})
        return sub

    @bp.route(
        "/v1/subscriptions/<object_id>", methods=["GET", "POST", "DELETE"], endpoint="subscription"
    )
    @api
    def subscription(s: StripeStore, p: dict[str, Any], object_id: str) -> dict[str, Any]:
        obj = s.get("subscription", object_id)
        if request.method == "DELETE":
            check(
                p,
                PARAMS["SubscriptionCancelParams"],
            )
            if obj["status"] == "canceled":
                raise StripeError(
                    400,
                    "A canceled subscription can only update its cancellation_details "
                    "and metadata.",
                    param="subscription",
                )
            s.cancel(obj)
            return obj
        if request.method == "POST":
            check(p, SUBSCRIPTION_UPDATE)
            if obj["status"] == "canceled":
                raise StripeError(
                    400,
                    "A canceled subscription can only update its cancellation_details "
                    "and metadata.",
                )
            items = p.get("items")
            if isinstance(items, list) and items:
                check(items[0], SUBSCRIPTION_UPDATE["items"], prefix="items[0]")
                if items[0].get("price"):
                    s.change_price(
                        obj,
                        items[0].get("id"),
                        s.get("price", items[0]["price"]),
                        integer(items[0], "quantity"),
                        enum(
                            p,
                            "proration_behavior",
                            ("always_invoice", "create_prorations", "none"),
                        ),
                    )
            changes: dict[str, Any] = {}
            if "cancel_at_period_end" in p:
                changes["cancel_at_period_end"] = boolean(p, "cancel_at_period_end")
                changes["canceled_at"] = s.now() if changes["cancel_at_period_end"] else None
            if "cancel_at" in p:
                changes["cancel_at"] = integer(p, "cancel_at")
            if "metadata" in p:
                changes["metadata"] = metadata(p, obj["metadata"])
            if "default_payment_method" in p:
                if p["default_payment_method"]:
                    s.get("payment_method", p["default_payment_method"], "PaymentMethod")
                changes["default_payment_method"] = p["default_payment_method"] or None
            if "trial_end" in p:
                end = s.now() if p["trial_end"] == "now" else integer(p, "trial_end")
                changes["trial_end"] = end
                for item in obj["items"]["data"]:
                    item["current_period_end"] = end
            s.update_subscription(obj, changes)
            s.tick()
        return obj

    @bp.route("/v1/invoices", methods=["GET"], endpoint="invoices_list")
    @api
    def invoices_list(s: StripeStore, p: dict[str, Any]) -> dict[str, Any]:
        check(
            p,
            PARAMS["InvoiceListParams"],
        )
        items = [
            x
            for x in s.all("invoice")
            if all(not p.get(k) or x[k] == p[k] for k in ("customer", "subscription", "status"))
        ]
        return listing(s, items, "/v1/invoices", p)

    @bp.route("/v1/invoices/<object_id>", methods=["GET"], endpoint="invoice")
    @api
    def invoice(s: StripeStore, p: dict[str, Any], object_id: str) -> dict[str, Any]:
        return s.get("invoice", object_id)

    # events and webhook endpoints
    @bp.route("/v1/events", methods=["GET"], endpoint="events_list")
    @api
    def events_list(s: StripeStore, p: dict[str, Any]) -> dict[str, Any]:
        check(
            p,
            PARAMS["EventListParams"],
        )
        types = p.get("types") or ([p["type"]] if p.get("type") else None)
        items = [
            e
            for e in s.all("event")
            if types is None
            or e["type"] in types
            or any(t.endswith("*") and e["type"].startswith(t[:-1]) for t in types)
        ]
        return listing(s, items, "/v1/events", p)

    @bp.route("/v1/events/<object_id>", methods=["GET"], endpoint="event")
    @api
    def event(s: StripeStore, p: dict[str, Any], object_id: str) -> dict[str, Any]:
        return s.get("event", object_id)

    @bp.route("/v1/webhook_endpoints", methods=["POST"], endpoint="webhooks_create")
    @api
    def webhooks_create(s: StripeStore, p: dict[str, Any]) -> dict[str, Any]:
        endpoint = webhook_endpoint(s, p)
        return {**endpoint, "secret": s.secrets[endpoint["id"]]}

    @bp.route("/v1/webhook_endpoints", methods=["GET"], endpoint="webhooks_list")
    @api
    def webhooks_list(s: StripeStore, p: dict[str, Any]) -> dict[str, Any]:
        check(p, PARAMS["WebhookEndpointListParams"])
        return listing(s, s.all("webhook_endpoint"), "/v1/webhook_endpoints", p)

    @bp.route(
        "/v1/webhook_endpoints/<object_id>", methods=["GET", "POST", "DELETE"], endpoint="webhook"
    )
    @api
    def webhook(s: StripeStore, p: dict[str, Any], object_id: str) -> dict[str, Any]:
        obj = s.get("webhook_endpoint", object_id, "webhook endpoint")
        if request.method == "DELETE":
            obj["deleted"] = True
            return {"id": object_id, "object": "webhook_endpoint", "deleted": True}
        if request.method == "POST":
            check(
                p,
                PARAMS["WebhookEndpointUpdateParams"],
            )
            if p.get("url"):
                obj["url"] = p["url"]
            if p.get("enabled_events"):
                obj["enabled_events"] = list(p["enabled_events"])
            if "disabled" in p:
                obj["status"] = "disabled" if boolean(p, "disabled") else "enabled"
            if "metadata" in p:
                obj["metadata"] = metadata(p, obj["metadata"])
        return obj

    @bp.route("/v1/<path:rest>", methods=["GET", "POST", "DELETE", "PUT", "PATCH"])
    def unrecognized(rest: str) -> Response:
        """What Stripe answers for a path or method it does not have."""
        return error_response(
            StripeError(
                404,
                f"Unrecognized request URL ({request.method}: {request.path}). Please see "
                "https://stripe.com/docs or we can help at https://support.stripe.com/.",
            )
        )

    # -- control ---------------------------------------------------------------------------------
    @bp.route("/_control/clock", methods=["GET", "POST"])
    def control_clock() -> Response:
        s = store()
        if request.method == "POST":
            body = request.get_json(force=True, silent=True) or {}
            advance, to = body.get("advance"), body.get("to")
            if advance is not None and (not isinstance(advance, (int, float)) or advance < 0):
                return jsonify(error="advance must be a non-negative number of seconds"), 400
            if to is not None and (not isinstance(to, (int, float)) or to < s.now()):
                return jsonify(error="to must be a unix time not before the clock's now"), 400
            if advance is None and to is None:
                return jsonify(error="give advance (seconds) or to (unix time)"), 400
            s.advance(advance if advance is not None else to - s.now())
        return jsonify(now=s.now(), offset=s.offset)

    @bp.route("/_control/webhook", methods=["POST"])
    def control_webhook() -> Response:
        s = store()
        body = request.get_json(force=True, silent=True) or {}
        url, secret = body.get("url"), body.get("secret")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            return jsonify(error="url must be an http(s) URL"), 400
        if secret is not None and (not isinstance(secret, str) or not secret.startswith("whsec_")):
            return jsonify(error="secret must start with whsec_"), 400
        with s.lock:
            endpoint = webhook_endpoint(
                s, {"url": url, "enabled_events": body.get("events") or ["*"]}, secret
            )
            return jsonify({**endpoint, "secret": s.secrets[endpoint["id"]]})

    @bp.route("/_control/deliveries", methods=["GET"])
    def control_deliveries() -> Response:
        s = store()
        with s.lock:
            return jsonify(
                [
                    {
                        "event": d.event_id,
                        "type": s.objects[d.event_id]["type"],
                        "endpoint": d.endpoint_id,
                        "attempts": d.attempts,
                        "delivered": d.done and not d.gave_up,
                        "gave_up": d.gave_up,
                        "next_attempt": None if d.done or d.due == float("inf") else d.due,
                    }
                    for d in s.deliveries
                ]
            )

    # -- hosted pages -----------------------------------------------------------------------------
    @bp.route("/checkout/pay/<session_id>", methods=["GET", "POST"])
    def checkout_page(session_id: str) -> Any:
        s = store()
        with s.lock:
            session = s.objects.get(session_id)
            if not session or session.get("object") != "checkout.session":
                return _page(
                    "Checkout", "<p role='alert'>This checkout link is not valid.</p>"
                ), 404
            message = ""
            if request.method == "POST":
                form = request.form
                if form.get("decision") == "cancel":
                    return redirect(session["cancel_url"] or "about:blank", 303)
                try:
                    complete_checkout(
                        s,
                        session,
                        form.get("email", "").strip(),
                        form.get("cardnumber", ""),
                        form.get("exp", ""),
                        form.get("name", "").strip(),
                    )
                    return redirect(
                        session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id), 303
                    )
                except StripeError as err:
                    message = err.body["message"]
            return _checkout_html(s, session, message)

    @bp.route("/billing_portal/p/<session_id>", methods=["GET", "POST"])
    def portal_page(session_id: str) -> Any:
        s = store()
        with s.lock:
            session = s.objects.get(session_id)
            if not session or session.get("object") != "billing_portal.session":
                return _page("Billing", "<p role='alert'>This billing link is not valid.</p>"), 404
            message = ""
            if request.method == "POST":
                form = request.form
                sub = s.objects.get(form.get("subscription", ""))
                try:
                    if form.get("action") == "card":
                        s.attach_card(
                            s.objects[session["customer"]],
                            form.get("cardnumber", ""),
                            form.get("exp", ""),
                        )
                        message = "Your card was updated."
                    elif (
                        not sub
                        or sub.get("object") != "subscription"
                        or sub["customer"] != session["customer"]
                    ):
                        message = "That subscription is not yours."
                    elif form.get("action") == "cancel":
                        s.update_subscription(
                            sub, {"cancel_at_period_end": True, "canceled_at": s.now()}
                        )
                        message = "Your plan will be cancelled at the end of the period."
                    elif form.get("action") == "renew":
                        s.update_subscription(
                            sub, {"cancel_at_period_end": False, "canceled_at": None}
                        )
                        message = "Your plan will renew."
                    elif form.get("action") == "update":
                        price = s.objects.get(form.get("price", ""))
                        if not price or price.get("object") != "price" or not price["active"]:
                            message = "Choose a plan."
                        else:
                            item = sub["items"]["data"][0]
                            # As a portal configured to prorate upgrades at once and to
                            # leave downgrades unprorated (the next invoice charges them).
                            up = price["unit_amount"] > item["price"]["unit_amount"]
                            s.change_price(
                                sub, item["id"], price, None, "always_invoice" if up else "none"
                            )
                            message = "Your plan was updated."
                except StripeError as err:
                    message = err.body["message"]
            return _portal_html(s, session, message)

    @bp.route("/invoice/<invoice_id>", methods=["GET"])
    @bp.route("/invoice/<invoice_id>/pdf", methods=["GET"])
    def invoice_page(invoice_id: str) -> Any:
        s = store()
        with s.lock:
            inv = s.objects.get(invoice_id)
            if not inv or inv.get("object") != "invoice":
                return _page("Invoice", "<p>No such invoice.</p>"), 404
            rows = "".join(
                f"<tr><td>{html.escape(line['description'])}</td>"
                f"<td>{_money(line['amount'], line['currency'])}</td></tr>"
                for line in inv["lines"]["data"]
            )
            return _page(
                f"Invoice {inv['number']}",
                f"<h1>Invoice {html.escape(inv['number'])}</h1>"
                f"<p>Status: <strong>{inv['status']}</strong></p>"
                f"<table>{rows}</table><p>Total {_money(inv['total'], inv['currency'])}</p>",
            )

    return bp


def _authorized() -> bool:
    return _api_key().startswith(("sk_test_", "rk_test_"))


def _api_key() -> str:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    if header.lower().startswith("basic "):
        try:
            return base64.b64decode(header[6:]).decode().split(":", 1)[0]
        except ValueError:
            return ""
    return ""


def _expand_paths(params: dict[str, Any]) -> list[str]:
    value = params.get("expand") or []
    return [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]


def _date(timestamp: int) -> str:
    import time

    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(timestamp))


def _money(amount: int, currency: str) -> str:
    return f"{amount / 100:,.2f} {currency.upper()}"


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>body{{font-family:system-ui;max-width:520px;"
        "margin:2rem auto;padding:0 1rem}label{display:block;margin:.5rem 0}"
        "input,select{width:100%;"
        "padding:.4rem}button{margin:.75rem .5rem 0 0;padding:.5rem 1rem}.alert{color:#b00020}"
        "*{box-sizing:border-box}.status{color:#05603a}"
        "section{border:1px solid #ddd;border-radius:8px;padding:1rem;margin:1rem 0}</style></head>"
        f"<body>{body}</body></html>"
    )


def _price_label(s: StripeStore, price: dict[str, Any]) -> str:
    product = s.objects.get(price["product"], {})
    recurring = price["recurring"] or {}
    every = f" / {recurring.get('interval')}" if recurring else ""
    amount = _money(price["unit_amount"], price["currency"])
    return f"{product.get('name', price['product'])}: {amount}{every}"


def _checkout_html(s: StripeStore, session: dict[str, Any], message: str) -> str:
    items = "".join(
        f"<li>{html.escape(_price_label(s, s.objects[i['price']]))} x {i['quantity']}</li>"
        for i in session["_items"]
    )
    if session["status"] != "open":
        return _page(
            "Checkout",
            f"<h1>Checkout</h1><p>This checkout is {html.escape(session['status'])}.</p>",
        )
    trial = (
        f"<p>{session['_trial_days']} days free, then billed each period.</p>"
        if session["_trial_days"]
        else ""
    )
    email = ""
    if not session["customer"]:
        value = html.escape(session["customer_email"] or "")
        readonly = " readonly" if session["customer_email"] else ""
        email = (
            f"<label>Email <input name='email' type='email' value='{value}' "
            f"autocomplete='email'{readonly} required></label>"
        )
    alert = f"<p class='alert' role='alert'>{html.escape(message)}</p>" if message else ""
    due = 0 if session["_trial_days"] else session["amount_total"]
    today = _money(due, session["currency"])
    return _page(
        "Checkout (local Stripe)",
        "<h1>Subscribe (local Stripe)</h1>"
        f"<ul>{items}</ul><p>Total today: {today}</p>{trial}"
        f"{alert}<form method='post'>{email}"
        "<label>Name on card <input name='name' autocomplete='cc-name'></label>"
        "<label>Card number <input name='cardnumber' inputmode='numeric' autocomplete='cc-number' "
        "placeholder='4242 4242 4242 4242' required></label>"
        "<label>Expiry <input name='exp' placeholder='MM / YY' value='12/34'></label>"
        "<label>CVC <input name='cvc' value='123'></label>"
        "<button type='submit' name='decision' value='pay'>"
        f"{'Start trial' if session['_trial_days'] else 'Subscribe'}</button>"
        "<button type='submit' name='decision' value='cancel' formnovalidate>Back</button></form>"
        "<p><small>Test cards: 4242 4242 4242 4242 pays; 4000 0000 0000 0341 is attached but "
        "declined when charged; 4000 0000 0000 0002 is declined.</small></p>",
    )


def _portal_html(s: StripeStore, session: dict[str, Any], message: str) -> str:
    customer = s.objects[session["customer"]]
    subs = [
        x
        for x in s.all("subscription")
        if x["customer"] == customer["id"] and x["status"] != "canceled"
    ]
    prices = [p for p in s.all("price") if p["active"] and p["recurring"]]
    prices.sort(key=lambda p: (p["recurring"]["interval"], p["unit_amount"]))
    sections = []
    for sub in subs:
        item = sub["items"]["data"][0]
        sid = html.escape(sub["id"])
        options = "".join(
            f"<option value='{html.escape(p['id'])}'"
            f"{' selected' if p['id'] == item['price']['id'] else ''}>"
            f"{html.escape(_price_label(s, p))}</option>"
            for p in prices
        )
        ends = _date(item["current_period_end"])
        state = (
            f"Cancels at the end of the period ({ends})"
            if sub["cancel_at_period_end"]
            else f"Renews at {ends}"
        )
        toggle = (
            "<button name='action' value='renew'>Renew plan</button>"
            if sub["cancel_at_period_end"]
            else "<button name='action' value='cancel'>Cancel plan</button>"
        )
        sections.append(
            f"<section data-subscription='{sid}'>"
            f"<h2>{html.escape(_price_label(s, item['price']))}</h2>"
            f"<p>Status: <strong>{html.escape(sub['status'])}</strong>. {state}.</p>"
            f"<form method='post'><input type='hidden' name='subscription' value='{sid}'>"
            f"<label>Plan <select name='price'>{options}</select></label>"
            f"<button name='action' value='update'>Update plan</button>{toggle}</form></section>"
        )
    card = (
        "<section><h2>Payment method</h2><form method='post'>"
        "<input type='hidden' name='action' value='card'>"
        "<label>Card number <input name='cardnumber' required></label>"
        "<label>Expiry <input name='exp' value='12/34'></label>"
        "<button>Update card</button></form></section>"
    )
    back = (
        f"<p><a href='{html.escape(session['return_url'])}'>Return to Schedulo</a></p>"
        if session["return_url"]
        else ""
    )
    alert = f"<p class='status' role='status'>{html.escape(message)}</p>" if message else ""
    return _page(
        "Billing (local Stripe)",
        "<h1>Billing (local Stripe)</h1>"
        f"<p>{html.escape(customer.get('email') or customer['id'])}</p>{alert}"
        + ("".join(sections) or "<p>No current plan.</p>")
        + card
        + back,
    )


register(SandboxNetwork(NETWORK, "Stripe", build, fault_response))
