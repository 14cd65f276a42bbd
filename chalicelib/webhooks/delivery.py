"""The delivery consumer: one signed attempt per queue message, and what follows.

At least once: a message is acknowledged only after its attempt is recorded, and the
`webhook-id` header is the event's message id on every attempt, so receivers deduplicate.
An attempt is claimed with a conditional write first, so an SQS duplicate of a message
does not send again; an attempt claimed and never recorded (its consumer died) is made
again once its lease (4 x `SCHEDULO_WEBHOOK_TIMEOUT_SECONDS`) is over. A copy of the
message received while the lease lasts is put back on the queue, due when it ends, and
acknowledged (refusing it would spend its receives and send it to the dead-letter queue).

After a failure the next attempt is queued (exponential backoff with jitter,
`SCHEDULO_WEBHOOK_RETRY_BASE_SECONDS` doubling up to `SCHEDULO_WEBHOOK_RETRY_CAP_SECONDS`)
while within 24 hours of the first attempt. A 410
disables the endpoint at once; an endpoint failing without a success for 3 days is
disabled; the owners and admins are notified either way.

Every call goes through the SSRF guard (`chalicelib.netguard`, via the guarded requests
transport of `chalicelib.networks.http`): the host is resolved and checked on each
delivery and the connection made to the checked address. Redirects are not followed (a
3xx is a failed attempt): a receiver is called at the URL it registered.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.webhooks import Verdict, backoff_seconds, excerpt, headers, verdict
from chalicelib.observability import count, logger
from chalicelib.store import webhooks as store
from chalicelib.store.base import iso, utcnow
from chalicelib.webhooks import queue

Clock = Callable[[], datetime]


@dataclass
class Sent:
    status_code: int | None
    latency_ms: int
    response_excerpt: str
    error: str | None


Sender = Callable[[str, dict[str, str], bytes, float], Sent]


def post(url: str, request_headers: dict[str, str], body: bytes, timeout: float) -> Sent:
    """POST `body` to `url` through the SSRF guard; never raises."""
    import requests

    from chalicelib.netguard import HostRefused
    from chalicelib.networks.http import _guard

    started = time.monotonic()

    def ms() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        with requests.Session() as session:
            _guard(session)
            response = session.post(
                url,
                data=body,
                headers=request_headers,
                timeout=(min(5.0, timeout), timeout),
                allow_redirects=False,
                stream=True,
            )
            with response:
                content = response.raw.read(1024, decode_content=True) or b""
            code = response.status_code
            error = None
            if 300 <= code < 400:
                error = f"HTTP {code}: redirects are not followed"
            elif not 200 <= code < 300:
                error = f"HTTP {code}"
            return Sent(code, ms(), excerpt(content), error)
    except HostRefused as refused:
        return Sent(None, ms(), "", str(refused))
    except requests.Timeout:
        return Sent(None, ms(), "", f"no answer within {timeout:g} s")
    except requests.RequestException as exc:
        return Sent(None, ms(), "", f"could not connect ({type(exc).__name__})")
    except Exception as exc:  # a receiver's bad answer must not crash the batch
        return Sent(None, ms(), "", f"the call failed ({type(exc).__name__})")


def deliver(message: dict[str, Any], now: Clock = utcnow, send: Sender = post) -> str:
    """Handle one queue message; returns what happened (for logs and tests)."""
    from chalicelib.settings import get_settings

    settings = get_settings()
    moment = now()
    not_before = message.get("not_before")
    if not_before and not_before > moment.timestamp() + 1:  # another hop of the wait
        queue.send([message], not_before - moment.timestamp())
        return "waiting"
    ws, webhook_id = message["workspace_id"], message["webhook_id"]
    attempt = int(message["attempt"])
    try:
        delivery = store.claim_attempt(
            ws, webhook_id, message["delivery_id"], attempt, moment, lease_seconds(settings)
        )
    except store.AttemptInProgress as held:
        # Refusing the message would spend one of its receives each time (five, then the
        # dead-letter queue, lost); a copy due when the lease ends spends none.
        queue.send([message], held.retry_after)
        logger.info(
            "webhook attempt held",
            extra={"delivery_id": held.delivery_id, "retry_after": held.retry_after},
        )
        return "held"
    if delivery is None:
        return "duplicate"  # counted by another copy of the message, settled, or gone
    from chalicelib.webhooks.service import endpoint_for_delivery, signing_secrets

    endpoint = endpoint_for_delivery(ws, webhook_id)
    testing = delivery.event_type == "webhook.test"
    if endpoint is None or (not endpoint.active and not testing):
        why = "the endpoint was deleted" if endpoint is None else _inactive(endpoint)
        store.record_attempt(
            delivery,
            store.AttemptAttribute(attempt=attempt, at=iso(moment), error=f"not sent: {why}"),
            state="failed",
            error=f"Not sent: {why}.",
            next_attempt_at=None,
        )
        return "discarded"
    first = _parse(delivery.first_attempt_at) or moment
    body = delivery.body.encode()
    sent = send(
        endpoint.url,
        headers(
            signing_secrets(endpoint, moment), delivery.message_id, int(moment.timestamp()), body
        ),
        body,
        settings.webhook_timeout_seconds,
    )
    wait = backoff_seconds(
        attempt, settings.webhook_retry_base_seconds, settings.webhook_retry_cap_seconds
    )
    next_at = moment + timedelta(seconds=wait)
    window = timedelta(seconds=settings.webhook_retry_window_seconds)
    outcome = verdict(sent.status_code, first, next_at, window)
    count("WebhookDeliveries", outcome=outcome.value)
    record = store.AttemptAttribute(
        attempt=attempt,
        at=iso(moment),
        status_code=sent.status_code,
        latency_ms=sent.latency_ms,
        error=sent.error,
    )
    fields: dict[str, Any] = {
        "status_code": sent.status_code,
        "latency_ms": sent.latency_ms,
        "response_excerpt": sent.response_excerpt or None,
        "error": sent.error,
        "next_attempt_at": None,
    }
    if outcome is Verdict.DELIVERED:
        store.record_attempt(delivery, record, state="succeeded", **fields)
        _succeeded(endpoint, moment)
        return "succeeded"
    if outcome is Verdict.GONE:
        fields["error"] = "The endpoint answered 410 Gone: Schedulo stopped sending to it."
        store.record_attempt(delivery, record, state="failed", **fields)
        _disable(endpoint, "The endpoint answered 410 Gone.", moment)
        return "disabled"
    if outcome is Verdict.GIVE_UP:
        fields["error"] = f"{sent.error}. Gave up after {attempt} attempts over 24 hours."
        store.record_attempt(delivery, record, state="failed", **fields)
        _failed(endpoint, moment, settings.webhook_disable_after_seconds)
        return "failed"
    fields["next_attempt_at"] = iso(next_at)
    store.record_attempt(delivery, record, state="retrying", **fields)
    queue.send(
        [queue.message(ws, webhook_id, delivery.delivery_id, attempt + 1, next_at.timestamp())],
        wait,
    )
    if _failed(endpoint, moment, settings.webhook_disable_after_seconds):
        return "disabled"
    return "retrying"


def lease_seconds(settings: Any) -> float:
    """How long a claimed attempt is held: longer than an attempt can take (the send's
    timeout, the writes around it; `webhook_deliverer` is stopped at 60 s), shorter than
    the queue's visibility timeout (360 s), so a copy of the message received after a
    consumer died finds the lease over."""
    return 4 * float(settings.webhook_timeout_seconds)


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).astimezone(UTC) if value else None


def _inactive(endpoint: store.WebhookItem) -> str:
    if endpoint.disabled_reason:
        return f"the endpoint was disabled ({endpoint.disabled_reason.rstrip('.')})"
    return "the endpoint is paused"


def _succeeded(endpoint: store.WebhookItem, moment: datetime) -> None:
    """Clear the failure streak; note the success at most once a minute (a write)."""
    last = _parse(endpoint.last_success_at)
    if endpoint.failing_since or last is None or moment - last > timedelta(minutes=1):
        store.update_webhook(endpoint, last_success_at=iso(moment), failing_since=None)


def _failed(endpoint: store.WebhookItem, moment: datetime, disable_after: float) -> bool:
    """Note the failure; disable the endpoint when it has failed for `disable_after`
    seconds without a success. Returns whether it was disabled."""
    since = _parse(endpoint.failing_since)
    if since is None:
        store.update_webhook(endpoint, failing_since=iso(moment), last_failure_at=iso(moment))
        return False
    if (moment - since).total_seconds() >= disable_after:
        days = round(disable_after / 86400)
        _disable(endpoint, f"Every delivery failed for {days} days.", moment)
        return True
    last = _parse(endpoint.last_failure_at)
    if last is None or moment - last > timedelta(minutes=1):
        store.update_webhook(endpoint, last_failure_at=iso(moment))
    return False


def _disable(endpoint: store.WebhookItem, reason: str, moment: datetime) -> None:
    from chalicelib.notify import notify
    from chalicelib.webhooks.service import forget

    if not endpoint.active:
        return
    turned_off = store.disable_webhook(endpoint, reason, iso(moment))
    forget(endpoint.workspace_id)
    if not turned_off:
        return
    logger.warning("webhook disabled", extra={"webhook_id": endpoint.webhook_id, "why": reason})
    try:
        notify(
            endpoint.workspace_id,
            kind="webhook.disabled",
            title="A webhook endpoint was turned off",
            message=(
                f"Schedulo stopped sending events to {endpoint.url}: {reason} Fix the "
                "receiver, turn the endpoint back on and redeliver what failed."
            ),
            link="/settings/webhooks",
            subject_id=endpoint.webhook_id,
        )
    except Exception:
        logger.exception("webhook disabled notification failed")


def handle_sqs_event(records: list[Any], now: Clock = utcnow, send: Sender = post) -> list[str]:
    """A batch from SQS: each message on a thread of its own, so a slow receiver does not
    hold up the others. Raises if any failed unexpectedly (DynamoDB unreachable): SQS then
    brings the batch back, and the attempts already recorded are recognised as
    duplicates."""
    import json
    from concurrent.futures import ThreadPoolExecutor

    messages = [json.loads(r if isinstance(r, str) else r.body) for r in records]
    if len(messages) == 1:
        return [deliver(messages[0], now, send)]
    with ThreadPoolExecutor(max_workers=len(messages)) as pool:
        return list(pool.map(lambda m: deliver(m, now, send), messages))
