"""Webhook endpoints (create, edit, pause, delete, rotate the secret), emitting events to
them, redelivering and testing. The API calls these; `emit_event` is what `webhooks.emit`
runs."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from chalicelib.domain.ids import new_id
from chalicelib.domain.model import Model
from chalicelib.domain.webhooks import (
    DATA_MODELS,
    ROTATION_OVERLAP,
    EventType,
    body_of,
    new_secret,
)
from chalicelib.errors import Conflict, NotFound, ValidationFailed, invalid
from chalicelib.store import webhooks as store
from chalicelib.store.base import iso, utcnow
from chalicelib.webhooks import queue

MAX_ENDPOINTS = 20
MAX_URL_LENGTH = 2048
# How long a container trusts its list of a workspace's endpoints when emitting (the
# publisher emits per target and must not read the table for each); writes made in this
# container are seen at once.
ENDPOINTS_CACHE_SECONDS = 30.0

# How long the deliverer trusts an endpoint it read (its URL, secrets, active flag): a
# busy endpoint's attempts do not each read the table. A change made elsewhere (a pause,
# a deletion, a new secret: the previous one signs as well for 24 hours) reaches other
# containers within this time; writes made in this container are seen at once.
ENDPOINT_CACHE_SECONDS = 5.0

_cache: dict[str, tuple[float, list[tuple[str, frozenset[str]]]]] = {}
_endpoints: dict[tuple[str, str], tuple[float, store.WebhookItem | None]] = {}
_cache_lock = threading.Lock()


# -- URLs ----------------------------------------------------------------------------------


def check_url(url: str, field: str = "url") -> str:
    """A public https URL (http to loopback only where the local stack allows loopback),
    without credentials, whose host resolves to public addresses only."""
    from chalicelib.netguard import HostRefused, resolve
    from chalicelib.settings import get_settings

    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise invalid(field, f"at most {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise invalid(field, "not a valid URL") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise invalid(field, "must be an https:// URL")
    if parts.username or parts.password:
        raise invalid(field, "must not carry a user name or password")
    if parts.fragment:
        raise invalid(field, "must not have a #fragment")
    allow_loopback = get_settings().allow_loopback_fetch
    try:
        address = resolve(parts.hostname, port or 443, allow_loopback)
    except HostRefused as refused:
        raise invalid(field, str(refused)) from None
    if parts.scheme == "http":
        import ipaddress

        if not (allow_loopback and ipaddress.ip_address(address).is_loopback):
            raise invalid(field, "must be an https:// URL")
    return url


def check_events(events: list[str]) -> list[str]:
    known = {e.value for e in EventType}
    problems = [
        {"field": f"events[{i}]", "message": f"unknown event {e!r}"}
        for i, e in enumerate(events)
        if e not in known
    ]
    if problems:
        raise ValidationFailed("events: unknown event types", problems)
    if not events:
        raise invalid("events", "choose at least one event")
    return sorted(set(events), key=[e.value for e in EventType].index)


# -- secrets -------------------------------------------------------------------------------


def _seal(workspace_id: str, webhook_id: str, secrets_: dict[str, str]) -> str:
    from chalicelib.oauth.vault import vault

    return vault().seal(workspace_id, webhook_id, secrets_)


def signing_secrets(item: store.WebhookItem, now: datetime) -> list[str]:
    """The secrets that sign a delivery now: the current one, and the previous one for
    24 hours after a rotation."""
    from chalicelib.oauth.vault import vault

    opened = vault().open(item.workspace_id, item.webhook_id, item.sealed_secrets)
    found = [opened["current"]]
    until = item.previous_secret_until
    if opened.get("previous") and until and datetime.fromisoformat(until) > now:
        found.append(opened["previous"])
    return found


# -- endpoints -----------------------------------------------------------------------------


def create(
    workspace_id: str,
    actor: str,
    url: str,
    events: list[str],
    description: str | None,
    active: bool,
) -> tuple[store.WebhookItem, str]:
    """A new endpoint and its secret (shown to the user this once)."""
    url = check_url(url)
    events = check_events(events)
    if len(store.list_webhooks(workspace_id)) >= MAX_ENDPOINTS:
        raise invalid("url", f"a workspace has at most {MAX_ENDPOINTS} webhook endpoints")
    webhook_id = new_id("wh")
    secret = new_secret()
    now = iso(utcnow())
    item = store.WebhookItem(
        workspace_id=workspace_id,
        webhook_id=webhook_id,
        url=url,
        description=description,
        events=events,
        active=active,
        sealed_secrets=_seal(workspace_id, webhook_id, {"current": secret}),
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    store.create_webhook(item)
    _audit(workspace_id, "webhook.created", actor, webhook_id, {"url": url})
    forget(workspace_id)
    return item, secret


def found(workspace_id: str, webhook_id: str) -> store.WebhookItem:
    item = store.get_webhook(workspace_id, webhook_id)
    if item is None:
        raise NotFound("No such webhook.")
    return item


def update(workspace_id: str, webhook_id: str, actor: str, changes: dict[str, Any]) -> Any:
    item = found(workspace_id, webhook_id)
    if "url" in changes:
        item.url = check_url(changes["url"])
    if "events" in changes:
        item.events = check_events(changes["events"])
    if "description" in changes:
        item.description = changes["description"]
    if "active" in changes:
        item.active = bool(changes["active"])
        if item.active:  # turned on again: start counting failures afresh
            item.disabled_reason = None
            item.failing_since = None
    store.save_webhook(item)
    _audit(workspace_id, "webhook.updated", actor, webhook_id, {"fields": sorted(changes)})
    forget(workspace_id)
    return item


def delete(workspace_id: str, webhook_id: str, actor: str) -> None:
    if not store.delete_webhook(workspace_id, webhook_id):
        raise NotFound("No such webhook.")
    _audit(workspace_id, "webhook.deleted", actor, webhook_id, {})
    forget(workspace_id)


def rotate_secret(workspace_id: str, webhook_id: str, actor: str) -> tuple[Any, str, datetime]:
    """A new secret; the old one keeps signing (beside the new) for 24 hours."""
    from chalicelib.oauth.vault import vault

    item = found(workspace_id, webhook_id)
    opened = vault().open(workspace_id, webhook_id, item.sealed_secrets)
    secret = new_secret()
    until = utcnow() + ROTATION_OVERLAP
    item.sealed_secrets = _seal(
        workspace_id, webhook_id, {"current": secret, "previous": opened["current"]}
    )
    item.previous_secret_until = iso(until)
    store.save_webhook(item)
    _audit(workspace_id, "webhook.secret_rotated", actor, webhook_id, {})
    forget(workspace_id)
    return item, secret, until


def _audit(workspace_id: str, action: str, actor: str, webhook_id: str, details: dict) -> None:
    from chalicelib.store.audit import record_event

    record_event(workspace_id, action, actor=actor, target=webhook_id, details=details)


# -- emitting ------------------------------------------------------------------------------


def forget(workspace_id: str) -> None:
    """This container's list of the workspace's endpoints, and the endpoints it read, are
    out of date."""
    with _cache_lock:
        _cache.pop(workspace_id, None)
        for key in [k for k in _endpoints if k[0] == workspace_id]:
            _endpoints.pop(key, None)


def endpoint_for_delivery(workspace_id: str, webhook_id: str) -> store.WebhookItem | None:
    """The endpoint as this container read it at most ENDPOINT_CACHE_SECONDS ago (None:
    deleted)."""
    now = time.monotonic()
    key = (workspace_id, webhook_id)
    with _cache_lock:
        cached = _endpoints.get(key)
    if cached is not None and cached[0] >= now:
        return cached[1]
    item = store.get_webhook(workspace_id, webhook_id)
    with _cache_lock:
        _endpoints[key] = (now + ENDPOINT_CACHE_SECONDS, item)
    return item


def _subscribed(workspace_id: str, event_type: str) -> list[str]:
    now = time.monotonic()
    with _cache_lock:
        cached = _cache.get(workspace_id)
    if cached is None or cached[0] < now:
        endpoints = [
            (w.webhook_id, frozenset(w.events))
            for w in store.list_webhooks(workspace_id, consistent=False)
            if w.active
        ]
        with _cache_lock:
            _cache[workspace_id] = (now + ENDPOINTS_CACHE_SECONDS, endpoints)
    else:
        endpoints = cached[1]
    return [webhook_id for webhook_id, events in endpoints if event_type in events]


def emit_event(workspace_id: str, event_type: str, data: Any) -> int:
    event = EventType(event_type)
    webhook_ids = _subscribed(workspace_id, event.value)
    if not webhook_ids or not _on_plan(workspace_id):
        return 0
    payload = data if isinstance(data, Model) else DATA_MODELS[event].model_validate(data)
    return len(
        enqueue(workspace_id, webhook_ids, event, body_of(workspace_id, event, payload, utcnow()))
    )


def enqueue(
    workspace_id: str, webhook_ids: list[str], event: EventType, body: str
) -> list[store.DeliveryItem]:
    """One delivery per endpoint (one message id for all: the event's), logged, queued."""
    message_id = new_id("msg")
    deliveries = [
        store.new_delivery(workspace_id, w, message_id, event.value, body) for w in webhook_ids
    ]
    store.create_deliveries(deliveries)
    queue.send(
        [queue.message(workspace_id, d.webhook_id, d.delivery_id, 1, None) for d in deliveries]
    )
    return deliveries


def _on_plan(workspace_id: str) -> bool:
    """The workspace's plan sends webhooks (its endpoints stay, silent, on one that
    does not)."""
    from chalicelib.billing.entitlements import has_feature
    from chalicelib.billing.plans import Feature

    return has_feature(workspace_id, Feature.OUTGOING_WEBHOOKS)


def _require_plan(workspace_id: str) -> None:
    from chalicelib.billing.entitlements import require
    from chalicelib.billing.plans import Feature

    require(workspace_id, Feature.OUTGOING_WEBHOOKS)


def send_test(workspace_id: str, webhook_id: str) -> store.DeliveryItem:
    """A `webhook.test` event to this endpoint only (whatever it subscribed to)."""
    from chalicelib.domain.webhooks import TestEventData

    _require_plan(workspace_id)
    found(workspace_id, webhook_id)
    data = TestEventData(webhook_id=webhook_id, message="This is a test event from Schedulo.")
    event = EventType.WEBHOOK_TEST
    return enqueue(workspace_id, [webhook_id], event, body_of(workspace_id, event, data, utcnow()))[
        0
    ]


# -- redelivering --------------------------------------------------------------------------


@dataclass
class Redelivered:
    delivery_ids: list[str]


def redeliver(workspace_id: str, webhook_id: str, delivery_id: str | None) -> Redelivered:
    """One delivery again (any state), or every failed one (`delivery_id` None): from
    attempt 1, with the same `webhook-id` and body, so a receiver can still deduplicate."""
    _require_plan(workspace_id)
    found(workspace_id, webhook_id)
    if delivery_id is not None:
        one = store.get_delivery(workspace_id, webhook_id, delivery_id)
        if one is None:
            raise NotFound("No such delivery.")
        if one.state in ("pending", "retrying"):
            raise Conflict("This delivery is still being attempted.")
        items = [one]
    else:
        items = store.failed_deliveries(workspace_id, webhook_id)
    now = iso(utcnow())
    for item in items:
        store.reopen(item, now)
    queue.send([queue.message(workspace_id, webhook_id, i.delivery_id, 1, None) for i in items])
    return Redelivered([i.delivery_id for i in items])
