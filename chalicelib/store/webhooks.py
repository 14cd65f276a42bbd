"""Outgoing webhook endpoints and their delivery log (one item per message and endpoint,
kept 30 days). Every call takes the workspace id."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.store.base import iso, table_meta, utcnow
from chalicelib.store.model import StoredModel
from chalicelib.store.posts import StringList

DELIVERY_KEEP_SECONDS = 30 * 86400
HISTORY_KEPT = 20  # attempts remembered per delivery (the latest ones)


class WebhookItem(StoredModel):
    Meta = table_meta("webhooks")

    workspace_id = UnicodeAttribute(hash_key=True)
    webhook_id = UnicodeAttribute(range_key=True)
    url = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    events = StringList()
    active = BooleanAttribute(default=True)
    # Why Schedulo stopped sending (the receiver answered 410, or failed for days).
    disabled_reason = UnicodeAttribute(null=True)
    # The token vault's blob of {"current": whsec_..., "previous": whsec_...}.
    sealed_secrets = UnicodeAttribute()
    previous_secret_until = UnicodeAttribute(null=True)  # UTC ISO-8601
    failing_since = UnicodeAttribute(null=True)
    last_success_at = UnicodeAttribute(null=True)
    last_failure_at = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()


class AttemptAttribute(MapAttribute):
    attempt = NumberAttribute()
    at = UnicodeAttribute()
    status_code = NumberAttribute(null=True)
    latency_ms = NumberAttribute(null=True)
    error = UnicodeAttribute(null=True)


class DeliveryItem(StoredModel):
    Meta = table_meta("webhook_deliveries")

    workspace_id = UnicodeAttribute(hash_key=True)
    # "<webhook_id>#<delivery_id>"; delivery ids sort newest first.
    delivery_key = UnicodeAttribute(range_key=True)
    webhook_id = UnicodeAttribute()
    delivery_id = UnicodeAttribute()
    message_id = UnicodeAttribute()  # the `webhook-id` header: the same on every attempt
    event_type = UnicodeAttribute()
    body = UnicodeAttribute()  # the exact bytes signed and sent
    # pending, retrying, succeeded, failed (gave up or endpoint gone), discarded (disabled)
    state = UnicodeAttribute(default="pending")
    attempts = NumberAttribute(default=0)  # attempts started (claimed)
    recorded = NumberAttribute(default=0)  # attempts whose outcome is written
    first_attempt_at = UnicodeAttribute(null=True)
    last_attempt_at = UnicodeAttribute(null=True)
    # Who holds the attempt being made (a random token per claim): a consumer whose claim
    # landed but whose answer was lost reads it back and knows the claim is its own.
    claim_token = UnicodeAttribute(null=True)
    next_attempt_at = UnicodeAttribute(null=True)
    status_code = NumberAttribute(null=True)
    latency_ms = NumberAttribute(null=True)
    response_excerpt = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    history: ListAttribute[AttemptAttribute] = ListAttribute(of=AttemptAttribute, default=list)
    created_at = UnicodeAttribute()
    ttl = NumberAttribute()


# -- endpoints ---------------------------------------------------------------------------


def create_webhook(item: WebhookItem) -> WebhookItem:
    item.save(condition=WebhookItem.webhook_id.does_not_exist())
    return item


def get_webhook(workspace_id: str, webhook_id: str) -> WebhookItem | None:
    try:
        return WebhookItem.get(workspace_id, webhook_id, consistent_read=True)
    except DoesNotExist:
        return None


def list_webhooks(workspace_id: str, consistent: bool = True) -> list[WebhookItem]:
    return list(WebhookItem.query(workspace_id, consistent_read=consistent))


def save_webhook(item: WebhookItem) -> WebhookItem:
    item.updated_at = iso(utcnow())
    item.save()
    return item


def update_webhook(item: WebhookItem, **fields: Any) -> None:
    """Set some attributes (None removes) without rewriting the rest."""
    actions: list[Any] = []
    for name, value in fields.items():
        attribute = getattr(WebhookItem, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
        setattr(item, name, value)
    try:
        item.update(actions=actions, condition=WebhookItem.webhook_id.exists())
    except UpdateError as exc:  # deleted meanwhile: nothing to record
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise


def disable_webhook(item: WebhookItem, reason: str, at: str) -> bool:
    """Turn an active endpoint off; False when it was off already (or deleted): another
    consumer, which may have read it a moment before this one, turned it off first."""
    try:
        item.update(
            actions=[
                WebhookItem.active.set(False),
                WebhookItem.disabled_reason.set(reason),
                WebhookItem.last_failure_at.set(at),
            ],
            condition=WebhookItem.webhook_id.exists() & (WebhookItem.active == True),  # noqa: E712
        )
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False
    return True


def delete_webhook(workspace_id: str, webhook_id: str) -> bool:
    item = get_webhook(workspace_id, webhook_id)
    if item is None:
        return False
    item.delete()
    return True


# -- deliveries --------------------------------------------------------------------------


def new_delivery_id() -> str:
    reverse = 10**13 - int(time.time() * 1000)
    return f"d_{reverse:013d}{secrets.token_hex(5)}"


def delivery_key(webhook_id: str, delivery_id: str) -> str:
    return f"{webhook_id}#{delivery_id}"


def create_deliveries(items: Iterable[DeliveryItem]) -> None:
    with DeliveryItem.batch_write() as batch:
        for item in items:
            batch.save(item)


def new_delivery(
    workspace_id: str, webhook_id: str, message_id: str, event_type: str, body: str
) -> DeliveryItem:
    delivery_id = new_delivery_id()
    return DeliveryItem(
        workspace_id=workspace_id,
        delivery_key=delivery_key(webhook_id, delivery_id),
        webhook_id=webhook_id,
        delivery_id=delivery_id,
        message_id=message_id,
        event_type=event_type,
        body=body,
        state="pending",
        attempts=0,
        history=[],
        created_at=iso(utcnow()),
        ttl=int(time.time()) + DELIVERY_KEEP_SECONDS,
    )


def get_delivery(workspace_id: str, webhook_id: str, delivery_id: str) -> DeliveryItem | None:
    try:
        return DeliveryItem.get(
            workspace_id, delivery_key(webhook_id, delivery_id), consistent_read=True
        )
    except DoesNotExist:
        return None


def list_deliveries(
    workspace_id: str,
    webhook_id: str,
    limit: int,
    cursor: str | None = None,
    state: str | None = None,
) -> tuple[list[DeliveryItem], str | None]:
    """Newest first; `cursor` is the last delivery id of the previous page."""
    condition: Any = DeliveryItem.delivery_key.startswith(f"{webhook_id}#")
    if cursor:
        condition = DeliveryItem.delivery_key.between(
            delivery_key(webhook_id, cursor) + "\x00", f"{webhook_id}#\xff"
        )
    query = DeliveryItem.query(
        workspace_id,
        condition,
        filter_condition=(DeliveryItem.state == state) if state else None,
        page_size=max(limit, 25),
    )
    items: list[DeliveryItem] = []
    for item in query:
        items.append(item)
        if len(items) == limit:
            break
    return items, (items[-1].delivery_id if len(items) == limit else None)


def failed_deliveries(workspace_id: str, webhook_id: str, cap: int = 1000) -> list[DeliveryItem]:
    items, _ = list_deliveries(workspace_id, webhook_id, cap, state="failed")
    return items


class AttemptInProgress(Exception):
    """Another consumer holds this attempt (or held it and died) until its lease is over,
    `retry_after` seconds from now: the message must come back then, not be acknowledged
    as done."""

    def __init__(self, delivery_id: str, retry_after: float) -> None:
        super().__init__(delivery_id, retry_after)
        self.delivery_id = delivery_id
        self.retry_after = retry_after


def claim_attempt(
    workspace_id: str,
    webhook_id: str,
    delivery_id: str,
    attempt: int,
    now: datetime,
    lease_seconds: float,
) -> DeliveryItem | None:
    """Count attempt `attempt` of a delivery still being attempted and hold it for
    `lease_seconds`; return the delivery as it is now (one write, no read first). An
    attempt whose lease is over with no outcome written (its consumer died) is claimed
    again.

    None when the attempt is done already (an SQS duplicate), the delivery is settled, or
    it is gone; `AttemptInProgress` while another consumer's lease on it lasts."""
    at = iso(now)
    lost_before = iso(now - timedelta(seconds=lease_seconds))
    token = secrets.token_hex(8)
    item = DeliveryItem(workspace_id, delivery_key(webhook_id, delivery_id))
    fresh = DeliveryItem.attempts == attempt - 1
    lost = (
        (DeliveryItem.attempts == attempt)
        & (DeliveryItem.recorded < attempt)
        & (DeliveryItem.last_attempt_at < lost_before)
    )
    try:
        item.update(
            actions=[
                DeliveryItem.attempts.set(attempt),
                DeliveryItem.recorded.set(DeliveryItem.recorded | attempt - 1),
                DeliveryItem.last_attempt_at.set(at),
                DeliveryItem.first_attempt_at.set(DeliveryItem.first_attempt_at | at),
                DeliveryItem.claim_token.set(token),
            ],
            condition=(fresh | lost) & DeliveryItem.state.is_in("pending", "retrying"),
        )
        return item
    except UpdateError as exc:
        conditional = exc.cause_response_code == "ConditionalCheckFailedException"
        # Not conditional (a timeout, a 5xx): the write may have landed all the same.
        current = get_delivery(workspace_id, webhook_id, delivery_id)
        if not conditional and (current is None or current.claim_token != token):
            raise
    if (
        current is None
        or current.state not in ("pending", "retrying")
        or int(current.attempts) != attempt
        or int(current.recorded or 0) >= attempt
    ):
        return None
    if current.claim_token == token:  # ours: the SDK's retry of a write that had landed
        return current
    claimed = datetime.fromisoformat(current.last_attempt_at or at).astimezone(UTC)
    held = (claimed + timedelta(seconds=lease_seconds) - now).total_seconds()
    raise AttemptInProgress(delivery_id, max(1.0, held + 1))


def record_attempt(item: DeliveryItem, attempt: AttemptAttribute, **fields: Any) -> None:
    history = [*(item.history or []), attempt][-HISTORY_KEPT:]
    actions: list[Any] = [
        DeliveryItem.history.set(history),
        DeliveryItem.recorded.set(int(attempt.attempt)),
    ]
    for name, value in fields.items():
        attribute = getattr(DeliveryItem, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
        setattr(item, name, value)
    item.history = history
    item.update(actions=actions)


def reopen(item: DeliveryItem, at: str) -> None:
    """A failed delivery goes again from attempt 1 (a redelivery)."""
    item.update(
        actions=[
            DeliveryItem.state.set("pending"),
            DeliveryItem.attempts.set(0),
            DeliveryItem.recorded.set(0),
            DeliveryItem.first_attempt_at.remove(),
            DeliveryItem.next_attempt_at.set(at),
        ]
    )
    item.state, item.attempts, item.first_attempt_at = "pending", 0, None
