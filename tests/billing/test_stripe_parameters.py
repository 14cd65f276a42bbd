"""Every parameter the local Stripe accepts is one Stripe's API has: each operation's
accepted names, nested ones included, are checked against the official SDK's parameter
types (stripe.params, generated from Stripe's OpenAPI description; the description itself
is too large for ../shared/specs). The emulator refuses any other name with Stripe's
400 parameter_unknown, so what the product sends it is checked too."""

from __future__ import annotations

import importlib
import re
import sys
from typing import Any

import pytest

from local.sandbox.networks.stripe import PARAMS

REQUEST_OPTIONS = {
    "api_key",
    "idempotency_key",
    "stripe_account",
    "stripe_context",
    "stripe_version",
    "headers",
    "max_network_retries",
    "content_type",
}


def _sdk_type(name: str) -> type:
    module, _, cls = name.rpartition(".")
    return getattr(importlib.import_module("stripe.params" + (f".{module}" if module else "")), cls)


def _keys(typed: type) -> set[str]:
    return set(typed.__required_keys__ | typed.__optional_keys__) - REQUEST_OPTIONS  # type: ignore[attr-defined]


def _nested(typed: type, key: str) -> type | None:
    """The TypedDict a key holds (directly or as a list's items), if any."""
    annotation = str(typed.__annotations__[key])
    module = sys.modules[typed.__module__]
    for name in re.findall(r"ForwardRef\('(\w+)'\)", annotation):
        found = getattr(module, name, None)
        if isinstance(found, type) and hasattr(found, "__optional_keys__"):
            return found
    return None


def _unknown(spec: dict[str, Any], typed: type, prefix: str = "") -> list[str]:
    known = _keys(typed) | {"expand"}
    wrong = [f"{prefix}{k}" for k in spec if k not in known]
    for key, sub in spec.items():
        if isinstance(sub, dict) and sub and key in known:
            inner = _nested(typed, key)
            if inner is not None:
                wrong += _unknown(sub, inner, f"{prefix}{key}.")
    return wrong


@pytest.mark.parametrize("operation", sorted(PARAMS))
def test_the_emulator_accepts_only_parameters_stripe_has(operation: str):
    assert _unknown(PARAMS[operation], _sdk_type(operation)) == []


def test_the_operations_schedulo_uses_are_all_checked():
    assert {
        "CustomerCreateParams",
        "PriceCreateParams",
        "PriceUpdateParams",
        "PriceListParams",
        "ProductCreateParams",
        "ProductUpdateParams",
        "checkout.SessionCreateParams",
        "billing_portal.SessionCreateParams",
        "SubscriptionUpdateParams",
        "WebhookEndpointCreateParams",
    } <= set(PARAMS)


def test_the_check_reaches_nested_parameters():
    from stripe.params import PriceCreateParams

    spec = {"recurring": {"interval": None, "bogus": None}, "lookup_key": None, "nope": None}
    assert _unknown(spec, PriceCreateParams) == ["nope", "recurring.bogus"]


def test_every_event_the_emulator_sends_is_a_stripe_event_type():
    import typing
    from pathlib import Path

    from stripe.params import WebhookEndpointCreateParams

    annotation = WebhookEndpointCreateParams.__annotations__["enabled_events"]
    (literal,) = typing.get_args(annotation)
    stripe_types = set(typing.get_args(literal))
    assert "invoice.payment_failed" in stripe_types
    root = Path(__file__).resolve().parents[2] / "local" / "sandbox"
    source = (root / "stripe_engine.py").read_text() + (root / "networks" / "stripe.py").read_text()
    sent = set(re.findall(r'emit\(\s*"([a-z_.]+)"', source))
    assert len(sent) >= 15
    assert sent <= stripe_types, sorted(sent - stripe_types)
