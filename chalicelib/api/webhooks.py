"""Outgoing webhooks: endpoints, their secrets, their delivery log, redelivery and tests.

| method and path | result |
|---|---|
| GET /v1/webhook-event-types | every event type, what it means, whether it is sent yet |
| GET, POST /v1/workspaces/{ws}/webhooks | list; create (201, the secret in this answer only) |
| GET, PATCH, DELETE .../webhooks/{webhook_id} | url, events, active, description |
| POST .../webhooks/{webhook_id}/rotate-secret | a new secret; the old one signs too for 24 h |
| POST .../webhooks/{webhook_id}/test | a `webhook.test` event to this endpoint (202) |
| GET .../webhooks/{webhook_id}/deliveries | the delivery log, newest first (`?state=failed`) |
| POST .../webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver | that one again (202) |
| POST .../webhooks/{webhook_id}/redeliver-failed | every failed delivery again (202) |

Admins and owners manage webhooks.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from chalicelib.api.routing import Access, ApiBlueprint, RequestContext
from chalicelib.domain.model import Model
from chalicelib.domain.roles import Role
from chalicelib.domain.webhooks import DESCRIPTIONS, EMITTED, EventType

webhooks = ApiBlueprint(__name__)

Url = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2048),
    Field(description="a public https:// URL", examples=["https://example.com/hooks/schedulo"]),
]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]


class WebhookIn(Model):
    url: Url
    events: list[EventType] = Field(min_length=1, max_length=len(EventType))
    description: Description | None = None
    active: bool = True


class WebhookPatch(Model):
    url: Url | None = None
    events: list[EventType] | None = Field(None, min_length=1, max_length=len(EventType))
    description: Description | None = None
    active: bool | None = None


class WebhookOut(Model):
    id: str
    url: str
    events: list[str]
    description: str | None
    active: bool
    disabled_reason: str | None = Field(
        None, description="why Schedulo turned the endpoint off (410, or failing for days)"
    )
    failing_since: str | None
    last_success_at: str | None
    previous_secret_until: str | None = Field(
        None, description="after a rotation, until when the previous secret also signs"
    )
    created_at: str
    updated_at: str


class WebhookCreated(WebhookOut):
    secret: str = Field(description="`whsec_...`: shown only in this response")


class WebhookList(Model):
    items: list[WebhookOut]
    next_cursor: str | None = None


class SecretRotated(Model):
    id: str
    secret: str = Field(description="the new `whsec_...` secret, shown only in this response")
    previous_secret_until: str


class AttemptOut(Model):
    attempt: int
    at: str
    status_code: int | None
    latency_ms: int | None
    error: str | None


class DeliveryOut(Model):
    id: str
    webhook_id: str
    message_id: str = Field(description="the `webhook-id` header, the same on every attempt")
    event_type: str
    state: Literal["pending", "retrying", "succeeded", "failed"]
    attempts: int
    status_code: int | None
    latency_ms: int | None
    response_excerpt: str | None = Field(None, description="the first 1 KB of the answer")
    error: str | None
    created_at: str
    last_attempt_at: str | None
    next_attempt_at: str | None
    history: list[AttemptOut]
    payload: str = Field(description="the JSON body sent")


class DeliveryList(Model):
    items: list[DeliveryOut]
    next_cursor: str | None = None


class DeliveryQuery(Model):
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=100)
    state: Literal["pending", "retrying", "succeeded", "failed"] | None = None


class Queued(Model):
    delivery_ids: list[str]


class EventTypeOut(Model):
    type: str
    description: str
    sent: bool = Field(description="false: declared, not sent yet")


class EventTypeList(Model):
    items: list[EventTypeOut]


def webhook_out(item: object) -> WebhookOut:
    from chalicelib.store.webhooks import WebhookItem

    assert isinstance(item, WebhookItem)
    return WebhookOut(
        id=item.webhook_id,
        url=item.url,
        events=list(item.events or []),
        description=item.description,
        active=bool(item.active),
        disabled_reason=item.disabled_reason,
        failing_since=item.failing_since,
        last_success_at=item.last_success_at,
        previous_secret_until=item.previous_secret_until,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def delivery_out(item: object) -> DeliveryOut:
    from chalicelib.store.webhooks import DeliveryItem

    assert isinstance(item, DeliveryItem)
    return DeliveryOut(
        id=item.delivery_id,
        webhook_id=item.webhook_id,
        message_id=item.message_id,
        event_type=item.event_type,
        state=item.state,  # type: ignore[arg-type]
        attempts=int(item.attempts or 0),
        status_code=int(item.status_code) if item.status_code is not None else None,
        latency_ms=int(item.latency_ms) if item.latency_ms is not None else None,
        response_excerpt=item.response_excerpt,
        error=item.error,
        created_at=item.created_at,
        last_attempt_at=item.last_attempt_at,
        next_attempt_at=item.next_attempt_at,
        history=[
            AttemptOut(
                attempt=int(a.attempt),
                at=a.at,
                status_code=int(a.status_code) if a.status_code is not None else None,
                latency_ms=int(a.latency_ms) if a.latency_ms is not None else None,
                error=a.error,
            )
            for a in (item.history or [])
        ],
        payload=item.body,
    )


PATH = "/v1/workspaces/{ws}/webhooks"


@webhooks.endpoint("GET", "/v1/webhook-event-types", auth=Access.USER, response=EventTypeList)
def list_event_types(ctx: RequestContext) -> EventTypeList:
    """Every webhook event type and what it means."""
    return EventTypeList(
        items=[
            EventTypeOut(type=e.value, description=DESCRIPTIONS[e], sent=e in EMITTED)
            for e in EventType
        ]
    )


@webhooks.endpoint("GET", PATH, auth=Role.ADMIN, response=WebhookList)
def list_webhooks(ctx: RequestContext, ws: str) -> WebhookList:
    """The workspace's webhook endpoints (never their secrets)."""
    from chalicelib.store.webhooks import list_webhooks as load

    items = sorted(load(ws), key=lambda w: w.created_at)
    return WebhookList(items=[webhook_out(w) for w in items])


@webhooks.endpoint(
    "POST", PATH, auth=Role.ADMIN, body=WebhookIn, response=WebhookCreated, status=201
)
def create_webhook(ctx: RequestContext, ws: str, body: WebhookIn) -> WebhookCreated:
    """Add an endpoint; its signing secret is in this response only."""
    from chalicelib.billing.entitlements import require
    from chalicelib.billing.plans import Feature
    from chalicelib.webhooks.service import create

    require(ws, Feature.OUTGOING_WEBHOOKS)

    item, secret = create(
        ws,
        ctx.principal.actor,
        body.url,
        [e.value for e in body.events],
        body.description or None,
        body.active,
    )
    return WebhookCreated(**webhook_out(item).model_dump(), secret=secret)


@webhooks.endpoint("GET", PATH + "/{webhook_id}", auth=Role.ADMIN, response=WebhookOut)
def get_webhook(ctx: RequestContext, ws: str, webhook_id: str) -> WebhookOut:
    """One endpoint."""
    from chalicelib.webhooks.service import found

    return webhook_out(found(ws, webhook_id))


@webhooks.endpoint(
    "PATCH", PATH + "/{webhook_id}", auth=Role.ADMIN, body=WebhookPatch, response=WebhookOut
)
def update_webhook(ctx: RequestContext, ws: str, webhook_id: str, body: WebhookPatch) -> WebhookOut:
    """Change the URL, the events, the description; pause (`active: false`) or resume
    (which also turns on an endpoint Schedulo disabled)."""
    from chalicelib.webhooks.service import update

    changes = body.model_dump(exclude_unset=True)
    for name in ("url", "events", "active"):
        if name in changes and changes[name] is None:
            from chalicelib.errors import invalid

            raise invalid(name, "must not be null")
    if "events" in changes:
        changes["events"] = [EventType(e).value for e in changes["events"]]
    return webhook_out(update(ws, webhook_id, ctx.principal.actor, changes))


@webhooks.endpoint("DELETE", PATH + "/{webhook_id}", auth=Role.ADMIN, status=204)
def delete_webhook(ctx: RequestContext, ws: str, webhook_id: str) -> None:
    """Delete an endpoint; nothing more is sent to it."""
    from chalicelib.webhooks.service import delete

    delete(ws, webhook_id, ctx.principal.actor)


@webhooks.endpoint(
    "POST",
    PATH + "/{webhook_id}/rotate-secret",
    auth=Role.ADMIN,
    response=SecretRotated,
)
def rotate_secret(ctx: RequestContext, ws: str, webhook_id: str) -> SecretRotated:
    """A new signing secret; for 24 hours both sign (two signatures in the header)."""
    from chalicelib.store.base import iso
    from chalicelib.webhooks.service import rotate_secret as rotate

    item, secret, until = rotate(ws, webhook_id, ctx.principal.actor)
    return SecretRotated(id=item.webhook_id, secret=secret, previous_secret_until=iso(until))


@webhooks.endpoint(
    "POST", PATH + "/{webhook_id}/test", auth=Role.ADMIN, response=Queued, status=202
)
def send_test(ctx: RequestContext, ws: str, webhook_id: str) -> Queued:
    """Send a `webhook.test` event to this endpoint."""
    from chalicelib.webhooks.service import send_test as test

    return Queued(delivery_ids=[test(ws, webhook_id).delivery_id])


@webhooks.endpoint(
    "GET",
    PATH + "/{webhook_id}/deliveries",
    auth=Role.ADMIN,
    query=DeliveryQuery,
    response=DeliveryList,
)
def list_deliveries(
    ctx: RequestContext, ws: str, webhook_id: str, query: DeliveryQuery
) -> DeliveryList:
    """The endpoint's deliveries of the last 30 days, newest first."""
    from chalicelib.store.paging import decode_id_cursor
    from chalicelib.store.webhooks import list_deliveries as load
    from chalicelib.webhooks.service import found

    found(ws, webhook_id)
    # A delivery id (d_<13 digits><10 hex>): DynamoDB refuses some strings in its range.
    start = decode_id_cursor(query.cursor, r"d_[0-9]{13}[0-9a-f]{10}")
    items, cursor = load(ws, webhook_id, query.limit, start, query.state)
    return DeliveryList(items=[delivery_out(i) for i in items], next_cursor=cursor)


@webhooks.endpoint(
    "POST",
    PATH + "/{webhook_id}/deliveries/{delivery_id}/redeliver",
    auth=Role.ADMIN,
    response=Queued,
    status=202,
)
def redeliver(ctx: RequestContext, ws: str, webhook_id: str, delivery_id: str) -> Queued:
    """Send one delivery again (same `webhook-id`, same body)."""
    from chalicelib.webhooks.service import redeliver as again

    return Queued(delivery_ids=again(ws, webhook_id, delivery_id).delivery_ids)


@webhooks.endpoint(
    "POST",
    PATH + "/{webhook_id}/redeliver-failed",
    auth=Role.ADMIN,
    response=Queued,
    status=202,
)
def redeliver_failed(ctx: RequestContext, ws: str, webhook_id: str) -> Queued:
    """Send every failed delivery of the last 30 days again."""
    from chalicelib.webhooks.service import redeliver as again

    return Queued(delivery_ids=again(ws, webhook_id, None).delivery_ids)
