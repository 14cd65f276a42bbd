"""Outgoing webhooks: the events, their versioned payloads, the Standard Webhooks
signature and the retry schedule. Pure logic; no AWS here.

Signing follows https://www.standardwebhooks.com: the secret is `whsec_<base64 key>`,
the signed content is `{webhook-id}.{webhook-timestamp}.{body}`, the signature is
`v1,<base64 HMAC-SHA256>`, and several signatures (a rotated secret's old and new) go
space-separated in one `webhook-signature` header.

>>> sign("whsec_" + base64.b64encode(b"k" * 24).decode(), "msg_1", 1700000000, b"{}")[:3]
'v1,'
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from chalicelib.domain.model import Model

SCHEMA_VERSION: Literal["2026-12-01"] = "2026-12-01"
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 24
RESPONSE_EXCERPT_BYTES = 1024
# After a rotation the previous secret still signs for this long.
ROTATION_OVERLAP = timedelta(hours=24)
# SQS delays a message by at most 15 minutes: longer waits take several hops.
MAX_HOP_SECONDS = 900


class EventType(StrEnum):
    POST_SCHEDULED = "post.scheduled"
    POST_PUBLISHED = "post.published"
    POST_FAILED = "post.failed"
    POST_UNCONFIRMED = "post.unconfirmed"
    POST_APPROVAL_REQUESTED = "post.approval_requested"
    POST_APPROVED = "post.approved"
    POST_REJECTED = "post.rejected"
    POST_CHANGES_REQUESTED = "post.changes_requested"
    POST_EXPIRED = "post.expired"
    ACCOUNT_CONNECTED = "account.connected"
    ACCOUNT_NEEDS_RECONNECT = "account.needs_reconnect"
    IMPORT_DONE = "import.done"
    BILLING_PLAN_CHANGED = "billing.plan_changed"
    WEBHOOK_TEST = "webhook.test"


# What each event means, for the API's catalogue and the web app.
DESCRIPTIONS: dict[EventType, str] = {
    EventType.POST_SCHEDULED: "A post was scheduled or rescheduled.",
    EventType.POST_PUBLISHED: "A post went out on one account.",
    EventType.POST_FAILED: "A post could not be published on one account.",
    EventType.POST_UNCONFIRMED: "A post may or may not have gone out on one account.",
    EventType.POST_APPROVAL_REQUESTED: "A post waits for approval (submitted, or the next step).",
    EventType.POST_APPROVED: "A post was approved (its last approval step).",
    EventType.POST_REJECTED: "A post was rejected.",
    EventType.POST_CHANGES_REQUESTED: "An approver sent a post back to its author for changes.",
    EventType.POST_EXPIRED: "A post was still waiting for approval at its time: not published.",
    EventType.ACCOUNT_CONNECTED: "A social account was connected or reconnected.",
    EventType.ACCOUNT_NEEDS_RECONNECT: "A social account must be reconnected.",
    EventType.IMPORT_DONE: "A bulk import finished scheduling its posts.",
    EventType.BILLING_PLAN_CHANGED: "The workspace changed plans.",
    EventType.WEBHOOK_TEST: "A test event sent from Schedulo.",
}

# Events Schedulo sends today; the others are declared for features still to come.
EMITTED = frozenset(
    {
        EventType.POST_SCHEDULED,
        EventType.POST_PUBLISHED,
        EventType.POST_FAILED,
        EventType.POST_UNCONFIRMED,
        EventType.POST_APPROVAL_REQUESTED,
        EventType.POST_APPROVED,
        EventType.POST_REJECTED,
        EventType.POST_CHANGES_REQUESTED,
        EventType.POST_EXPIRED,
        EventType.ACCOUNT_CONNECTED,
        EventType.ACCOUNT_NEEDS_RECONNECT,
        EventType.IMPORT_DONE,
        EventType.WEBHOOK_TEST,
    }
)


# -- payloads ----------------------------------------------------------------------------


class PostEventData(Model):
    """A post on one account (one target)."""

    post_id: str
    target_id: str | None = None
    account_id: str | None = None
    network: str | None = None
    status: str
    scheduled_at: str | None = None
    published_at: str | None = None
    url: str | None = None
    external_id: str | None = None
    attempt: int | None = None
    reason: str | None = None


class ApprovalEventData(Model):
    """A decision on a post under the workspace's approval policy."""

    post_id: str
    status: str
    by_user_id: str | None = Field(
        default=None, description="who decided: a user id, api_key:<id>, client:<link> or system"
    )
    note: str | None = Field(default=None, description="the decision's comment")
    step: int | None = Field(default=None, description="the step it waits for now (1-based)")
    scheduled_at: str | None = None


class AccountEventData(Model):
    account_id: str
    network: str
    display_name: str
    handle: str | None = None
    status: str
    reason: str | None = None


class ImportEventData(Model):
    import_id: str
    status: str
    rows: int
    valid_rows: int
    created_posts: int


class BillingEventData(Model):
    plan: str
    previous_plan: str | None = None


class TestEventData(Model):
    webhook_id: str
    message: str


DATA_MODELS: dict[EventType, type[Model]] = {
    EventType.POST_SCHEDULED: PostEventData,
    EventType.POST_PUBLISHED: PostEventData,
    EventType.POST_FAILED: PostEventData,
    EventType.POST_UNCONFIRMED: PostEventData,
    EventType.POST_APPROVAL_REQUESTED: ApprovalEventData,
    EventType.POST_APPROVED: ApprovalEventData,
    EventType.POST_REJECTED: ApprovalEventData,
    EventType.POST_CHANGES_REQUESTED: ApprovalEventData,
    EventType.POST_EXPIRED: ApprovalEventData,
    EventType.ACCOUNT_CONNECTED: AccountEventData,
    EventType.ACCOUNT_NEEDS_RECONNECT: AccountEventData,
    EventType.IMPORT_DONE: ImportEventData,
    EventType.BILLING_PLAN_CHANGED: BillingEventData,
    EventType.WEBHOOK_TEST: TestEventData,
}


class Envelope(Model):
    """Every webhook's body: `type`, `timestamp`, `data`, plus the schema version of
    `data` and the workspace it concerns."""

    type: str
    timestamp: str = Field(description="When the event happened, UTC ISO-8601.")
    schema_version: Literal["2026-12-01"] = SCHEMA_VERSION
    workspace_id: str
    data: dict[str, Any]


def envelope_model(event: EventType) -> type[Model]:
    """The body's model of one event type, for the OpenAPI document's `webhooks`."""
    from pydantic import create_model

    data_model = DATA_MODELS[event]
    name = "".join(part.title() for part in event.value.replace("_", ".").split(".")) + "Event"
    fields: dict[str, Any] = {
        "type": (Literal[event.value], ...),
        "timestamp": (str, ...),
        "schema_version": (Literal["2026-12-01"], ...),
        "workspace_id": (str, ...),
        "data": (data_model, ...),
    }
    model: type[Model] = create_model(name, __base__=Model, __doc__=DESCRIPTIONS[event], **fields)
    return model


def body_of(workspace_id: str, event: EventType, data: Model | dict[str, Any], at: datetime) -> str:
    """The JSON body sent (the same bytes on every attempt: they are signed)."""
    payload = data.model_dump(mode="json") if isinstance(data, Model) else dict(data)
    envelope = Envelope(
        type=event.value,
        timestamp=at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        workspace_id=workspace_id,
        data=payload,
    )
    return json.dumps(envelope.model_dump(mode="json"), separators=(",", ":"))


# -- signatures --------------------------------------------------------------------------


def new_secret() -> str:
    """`whsec_` and 24 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`."""
    content = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(secrets_: Iterable[str], message_id: str, timestamp: int, body: bytes) -> str:
    """One signature per valid secret, space-separated."""
    return " ".join(sign(s, message_id, timestamp, body) for s in secrets_)


def headers(
    secrets_: Iterable[str], message_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "Schedulo-Webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(secrets_, message_id, timestamp, body),
    }


# -- retries -----------------------------------------------------------------------------


class Verdict(StrEnum):
    """What follows one attempt."""

    DELIVERED = "delivered"
    RETRY = "retry"
    GONE = "gone"  # 410: the receiver asks never to be called again
    GIVE_UP = "give_up"


def verdict(
    status_code: int | None, first_attempt: datetime, next_attempt: datetime, window: timedelta
) -> Verdict:
    """2xx delivers; 410 disables the endpoint; anything else is tried again at
    `next_attempt` if that is within `window` of the first attempt, else given up."""
    if status_code is not None and 200 <= status_code < 300:
        return Verdict.DELIVERED
    if status_code == 410:
        return Verdict.GONE
    if next_attempt - first_attempt > window:
        return Verdict.GIVE_UP
    return Verdict.RETRY


def backoff_seconds(
    attempt: int, base_seconds: float, cap_seconds: float, rng: random.Random | None = None
) -> float:
    """The wait after attempt `attempt` (1-based): base doubling, capped, plus up to half
    again of jitter so that endpoints failing together do not retry together."""
    delay = min(base_seconds * 2 ** (attempt - 1), cap_seconds)
    return delay + (rng or random).uniform(0, delay / 2)


def excerpt(body: bytes, limit: int = RESPONSE_EXCERPT_BYTES) -> str:
    """At most `limit` bytes of a response, as text."""
    return body[:limit].decode("utf-8", errors="replace")
