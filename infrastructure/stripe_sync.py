"""`make stripe-sync`: make Stripe's Products and Prices match chalicelib/billing/plans.py.

Idempotent: run it any number of times. Each sold plan is one Product whose id Schedulo
chooses (`Plan.stripe_product_id`, e.g. `schedulo_pro`), found by that id and created or
updated (name, description, metadata, default price). Each plan price is found by its
`lookup_key`. Stripe prices are immutable: when the amount, currency, interval or product
changed, a new Price is created that takes the lookup key over (`transfer_lookup_key`)
and the old one is archived (`active=false`; subscriptions on it keep it). Creates carry
an idempotency key derived from what they create and from the price they replace, so a
run retried after a crash never creates a second object.

Where it talks: `SCHEDULO_STRIPE_SECRET_KEY` (with `SCHEDULO_STRIPE_API_BASE` when not
Stripe itself); without a key, the local Stripe of `make dev`
(`http://127.0.0.1:$SCHEDULO_SANDBOX_PORT/stripe`, port 8100 by default).

    python -m infrastructure.stripe_sync [--check]

`--check` changes nothing and exits 1 when Stripe differs from the plans.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.billing.plans import Plan, PlanPrice, sold_plans

LOCAL_SECRET_KEY = "sk_test_schedulo_local"


@dataclass(frozen=True)
class Action:
    kind: str  # "create", "update", "move", "archive" or "unchanged"
    what: str  # "product schedulo_pro", "price schedulo_pro_monthly"
    detail: str = ""
    stripe_id: str | None = None

    def __str__(self) -> str:
        ident = f" ({self.stripe_id})" if self.stripe_id else ""
        return f"{self.kind:9} {self.what}{ident}{': ' + self.detail if self.detail else ''}"


def client_from_env(env: Mapping[str, str] | None = None) -> Any:
    """A StripeClient for the configured account, or for the local Stripe when no key is
    set. Imported here: the SDK is heavy and the app must not import it at start."""
    import stripe

    env = os.environ if env is None else env
    key = env.get("SCHEDULO_STRIPE_SECRET_KEY")
    base = env.get("SCHEDULO_STRIPE_API_BASE")
    if not key:
        key = LOCAL_SECRET_KEY
        port = env.get("SCHEDULO_SANDBOX_PORT") or "8100"
        base = base or f"http://127.0.0.1:{port}/stripe"
    base_addresses = {"api": base.rstrip("/")} if base else {}
    return stripe.StripeClient(key, base_addresses=base_addresses, max_network_retries=2)


def _key(*parts: object) -> str:
    """An idempotency key for one create (the same create gets the same key)."""
    return "schedulo-sync-" + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:40]


def _product_fields(plan: Plan) -> dict[str, Any]:
    return {
        "name": f"Schedulo {plan.name}",
        "description": plan.description,
        "metadata": {"schedulo_plan": plan.id.value},
    }


def _price_matches(existing: Any, plan: Plan, price: PlanPrice) -> bool:
    recurring = existing.get("recurring") or {}
    return (
        existing.get("unit_amount") == price.amount
        and existing.get("currency") == price.currency
        and existing.get("product") == plan.stripe_product_id
        and recurring.get("interval") == price.interval.value
        and (recurring.get("interval_count") or 1) == 1
    )


def _price_metadata(plan: Plan, price: PlanPrice) -> dict[str, str]:
    return {"schedulo_plan": plan.id.value, "schedulo_interval": price.interval.value}


def sync(client: Any, *, dry_run: bool = False, log: Callable[[str], None] = print) -> list[Action]:
    """Bring Stripe in line with the plans; the actions taken (or, dry, to take)."""
    import stripe

    actions: list[Action] = []

    def record(action: Action) -> None:
        actions.append(action)
        log(str(action))

    for plan in sold_plans():
        replaced: list[str] = []  # prices that lost their lookup key: archived last
        product_id = str(plan.stripe_product_id)
        fields = _product_fields(plan)
        try:
            product = client.v1.products.retrieve(product_id).to_dict()
        except stripe.InvalidRequestError as err:
            if err.http_status != 404:
                raise
            product = None
        if product is None:
            if not dry_run:
                client.v1.products.create(
                    params={"id": product_id, **fields},
                    options={"idempotency_key": _key("product", product_id)},
                )
            record(Action("create", f"product {product_id}", fields["name"]))
        else:
            changed = {
                k: v
                for k, v in fields.items()
                if (dict(product.get(k) or {}) if k == "metadata" else product.get(k)) != v
            }
            if not product.get("active"):
                changed["active"] = True
            if changed:
                if not dry_run:
                    client.v1.products.update(product_id, params=changed)
                record(Action("update", f"product {product_id}", ", ".join(sorted(changed))))
            else:
                record(Action("unchanged", f"product {product_id}"))

        for price in plan.prices:
            found = client.v1.prices.list(params={"lookup_keys": [price.lookup_key], "limit": 1})
            existing = found.data[0].to_dict() if found.data else None
            what = f"price {price.lookup_key}"
            detail = f"{price.amount / 100:.2f} {price.currency.upper()} a {price.interval.value}"
            if existing is not None and _price_matches(existing, plan, price):
                changes: dict[str, Any] = {}
                if not existing.get("active"):
                    changes["active"] = True
                if dict(existing.get("metadata") or {}) != _price_metadata(plan, price):
                    changes["metadata"] = _price_metadata(plan, price)
                if changes:
                    if not dry_run:
                        client.v1.prices.update(existing["id"], params=changes)
                    record(Action("update", what, ", ".join(sorted(changes)), existing["id"]))
                else:
                    record(Action("unchanged", what, detail, existing["id"]))
                continue
            created_id = None
            if not dry_run:
                created = client.v1.prices.create(
                    params={
                        "product": product_id,
                        "currency": price.currency,
                        "unit_amount": price.amount,
                        "recurring": {"interval": price.interval.value, "interval_count": 1},
                        "lookup_key": price.lookup_key,
                        "transfer_lookup_key": existing is not None,
                        "nickname": f"{plan.name} {price.interval.value}ly",
                        "metadata": _price_metadata(plan, price),
                    },
                    options={
                        "idempotency_key": _key(
                            "price",
                            price.lookup_key,
                            price.amount,
                            price.currency,
                            price.interval,
                            product_id,
                            existing["id"] if existing is not None else "-",
                        )
                    },
                )
                created_id = created.id
            if existing is None:
                record(Action("create", what, detail, created_id))
                continue
            record(Action("move", what, f"{detail} (was {existing['id']})", created_id))
            if existing.get("active"):
                replaced.append(existing["id"])

        monthly = next(iter(plan.prices), None)
        if monthly is not None and not dry_run:
            found = client.v1.prices.list(params={"lookup_keys": [monthly.lookup_key], "limit": 1})
            default = found.data[0].id if found.data else None
            current = client.v1.products.retrieve(product_id).to_dict()
            if default and current.get("default_price") != default:
                client.v1.products.update(product_id, params={"default_price": default})
                record(Action("update", f"product {product_id}", "default_price", default))
        # after the default price moved: Stripe refuses to archive a product's default
        for old in replaced:
            if not dry_run:
                client.v1.prices.update(old, params={"active": False})
            record(Action("archive", f"price {old}", "its lookup key moved"))
    return actions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 when Stripe differs"
    )
    args = parser.parse_args(argv)
    import stripe

    client = client_from_env()
    try:
        actions = sync(client, dry_run=args.check)
    except stripe.APIConnectionError as err:
        print(
            "stripe-sync: Stripe could not be reached "
            "(no SCHEDULO_STRIPE_SECRET_KEY: is `make dev` running?): "
            f"{err.user_message or err}",
            file=sys.stderr,
        )
        return 2
    except stripe.StripeError as err:
        print(f"stripe-sync: Stripe refused: {err.user_message or err}", file=sys.stderr)
        return 2
    changed = [a for a in actions if a.kind != "unchanged"]
    print(f"stripe-sync: {len(changed)} change(s){' needed' if args.check else ''}.")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
