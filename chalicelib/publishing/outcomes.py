"""One attempt at one target, and what follows from how it went: the reason in words a
user understands, the retry schedule, the audit record, the metrics, the dead-letter
message and the notification."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib import observability, webhooks
from chalicelib.errors import ApiError
from chalicelib.networks.base import ErrorKind, NetworkError, PublishRequest, PublishResult
from chalicelib.observability import logger
from chalicelib.posts import timeline
from chalicelib.store import posts as store
from chalicelib.store.base import utcnow

MAX_BACKOFF = timedelta(hours=1)


@dataclass
class Failure(Exception):
    """Why an attempt did not publish: the reason for people, and what to do next."""

    reason: str
    retryable: bool
    maybe_published: bool = False
    retry_at: datetime | None = None
    # What went wrong, for the metrics (`PublishFailedByKind`): account, vault, reauth,
    # throttled, transient, unanswered, duplicate, refused, invalid or internal.
    kind: str = "refused"

    def final_reason(self, attempts: int) -> str:
        if self.retryable:
            plural = "s" if attempts > 1 else ""
            return f"{self.reason} Gave up after {attempts} attempt{plural}."
        return self.reason


def network_name(network: str) -> str:
    from chalicelib.networks.registry import get_limits

    try:
        return get_limits(network).name
    except KeyError:
        return network


def publish_once(item: store.PostItem, target: store.TargetAttribute) -> PublishResult:
    """Token, media and the network's publish call; every failure becomes a `Failure`."""
    from chalicelib.oauth.adapters import adapter_for
    from chalicelib.oauth.health import mark_refresh_failed
    from chalicelib.oauth.tokens import access_for
    from chalicelib.oauth.vault import VaultError
    from chalicelib.store import accounts as account_store

    name = network_name(target.network)
    account = account_store.get(item.workspace_id, target.account_id)
    refusal = account_refusal(target, account, name)
    if refusal is not None:
        raise Failure(refusal, False, kind="account")
    assert account is not None  # no refusal: the account is there
    try:
        auth = access_for(account)
    except VaultError:
        logger.error("sealed tokens failed to open", extra={"account_id": account.account_id})
        raise Failure(
            f"Schedulo could not read its access to {account.display_name} on {name}; "
            "nothing was published. Reconnect the account, then retry.",
            False,
            kind="vault",
        ) from None
    except NetworkError as error:
        if error.kind is ErrorKind.REAUTH:
            mark_refresh_failed(account, error)
        raise failure_of(error, name, account) from None
    try:
        request = publish_request(item, target)
        # The account's own configuration: Mastodon's instance, a Bluesky PDS.
        return adapter_for(account).publish(auth, request)
    except NetworkError as error:
        if error.kind is ErrorKind.REAUTH:
            mark_refresh_failed(account, error)  # needs_reconnect, and the owners are told
        raise failure_of(error, name, account) from None
    except Failure:
        raise
    except ApiError as error:  # the post itself is wrong now (media gone or not ready)
        raise Failure(
            f"The post could not be sent to {name}: {error.message}", False, kind="invalid"
        ) from None
    except Exception as exc:  # a bug or an outage of ours: retry, never guess it posted
        logger.exception("publishing failed unexpectedly", extra={"target": target.target_id})
        # Its text may quote a request (a URL with a token): the reason names its kind only;
        # the log line above keeps the rest, redacted.
        raise Failure(
            f"Schedulo hit an internal error publishing to {name} ({type(exc).__name__}).",
            True,
            kind="internal",
        ) from exc


def account_refusal(target: store.TargetAttribute, account: Any, name: str) -> str | None:
    """Why the target must not be sent to the account it names, in words; None when the
    account is still this workspace's, connected, and the same network identity it was
    when the post was written (`account_external_id`), so nothing ever goes to another."""
    from chalicelib.domain.posts import PUBLISHABLE_ACCOUNTS

    if account is None:
        return (
            f"The {name} account this post was scheduled for is no longer in this workspace: "
            "nothing was sent. Connect it again, then schedule the post again."
        )
    label = account_label(account)
    if account.status == "needs_reconnect":
        return _reconnect(name, label)
    if account.status == "paused":
        return (
            f"The {name} account {label} is paused: the workspace's plan allows fewer "
            "accounts. Nothing was sent. Choose it among the active accounts or upgrade in "
            "Billing, then retry."
        )
    if account.status not in PUBLISHABLE_ACCOUNTS:
        return f"The {name} account {label} was disconnected: connect it again, then retry."
    expected = target.account_external_id
    if account.network != target.network or (expected and account.external_id != expected):
        return (
            f"The {name} account {label} is no longer the {name} identity this post was "
            f"scheduled for (it was reconnected as another one): nothing was sent to it. "
            "Check the account, then schedule the post again."
        )
    return None


def account_label(account: Any) -> str:
    """How people know an account: its name, and its handle where it has one."""
    handle = (account.handle or "").lstrip("@")
    if handle and handle != account.display_name:
        return f"{account.display_name} (@{handle})"
    return str(account.display_name)


def publish_request(item: store.PostItem, target: store.TargetAttribute) -> PublishRequest:
    """The target's content; media by S3 ranges and a presigned URL, never whole."""
    from chalicelib.media.library import network_media

    options = dict(target.options or {})
    media = tuple(
        network_media(
            item.workspace_id, str(media_id), target.network, options.get("placement", "feed")
        )
        for media_id in item.media_ids
    )
    from chalicelib.domain.posts import first_comment_of
    from chalicelib.domain.utm import link_tracking_of, links_as_sent
    from chalicelib.posts.short_links import shortener
    from chalicelib.settings import get_settings

    text = target.text if target.text is not None else item.text
    tracking = link_tracking_of(item.link_tracking, get_settings().short_link_base)
    shorten = (
        shortener(item.workspace_id, item.post_id, target.network, tracking.short_base)
        if tracking is not None and tracking.shorten and tracking.short_base
        else None
    )
    return PublishRequest(
        text=links_as_sent(text, target.network, tracking, shorten),
        media=media,
        first_comment=first_comment_of(options, item.first_comment),
        link=options.get("link"),
        options=options,
        idempotency_key=target.target_id,
    )


def failure_of(error: NetworkError, name: str, account: Any) -> Failure:
    """The network's error as a `Failure` whose reason a user understands."""
    said = error.message.strip().rstrip(".")
    if error.maybe_published:
        from chalicelib.publishing.handler import DEDUPLICATING

        if account.network in DEDUPLICATING:  # a repeat is recognised: just retry
            return Failure(f"{name} did not answer in time.", True, kind="unanswered")
        return Failure(
            f"{name} did not answer while publishing: check before retrying, the post may "
            "already be live.",
            False,
            maybe_published=True,
            kind="unanswered",
        )
    if error.kind is ErrorKind.REAUTH:
        return Failure(_reconnect(name, account.display_name, said), False, kind="reauth")
    if error.kind is ErrorKind.THROTTLED:
        return Failure(
            f"{name} asked Schedulo to slow down (rate limit).",
            True,
            retry_at=error.retry_at,
            kind="throttled",
        )
    if error.kind is ErrorKind.TRANSIENT:
        return Failure(
            f"{name} was unavailable ({said}).", True, retry_at=error.retry_at, kind="transient"
        )
    if "duplicate" in said.lower():
        return Failure(
            f"{name} refused the post as a duplicate of a recent one ({said}).",
            False,
            kind="duplicate",
        )
    return Failure(f"{name} refused the post: {said}.", False)


def _reconnect(name: str, display: str, said: str | None = None) -> str:
    why = f" ({said})" if said else ""
    return (
        f"{name} no longer accepts Schedulo's access to {display}{why}. Reconnect the "
        "account, then retry."
    )


def retry_time(failure: Failure, attempt: int, base_seconds: float) -> datetime:
    """The network's reset time when it gave one, else exponential backoff with jitter."""
    now = utcnow()
    if failure.retry_at is not None and failure.retry_at > now:
        return failure.retry_at
    delay = min(base_seconds * 2 ** (attempt - 1), MAX_BACKOFF.total_seconds())
    return now + timedelta(seconds=delay + random.uniform(0, delay / 2))


def arm_retry(
    item: store.PostItem, target: store.TargetAttribute, attempt: int, when: datetime
) -> None:
    from chalicelib import scheduling

    current = store.get(item.workspace_id, item.post_id)
    version = int(current.version if current else item.version)
    try:
        scheduling.arm_retry(
            item.workspace_id, item.post_id, version, target.target_id, attempt, when
        )
    except Exception:  # the target is `retrying` with its time: the sweeper picks it up
        logger.exception("arming a retry failed", extra={"target": target.target_id})


def audit_attempt(
    item: store.PostItem,
    target: store.TargetAttribute,
    attempt: int,
    outcome: str,
    reason: str | None,
    result: PublishResult | None = None,
    also: list[Any] | None = None,
) -> None:
    """The attempt in the audit log (and, once settled, the post's timeline), with `also`
    (the target's analytics row) in the same batch."""
    from chalicelib.store.audit import audit_event
    from chalicelib.store.model import save_together

    details: dict[str, Any] = {
        "post_id": item.post_id,
        "account_id": target.account_id,
        "network": target.network,
        "attempt": attempt,
        "outcome": outcome,
    }
    if reason:
        details["reason"] = reason
    if result is not None:
        details.update(external_id=result.external_id, url=result.url)
    records = [
        audit_event(
            item.workspace_id,
            "post.publish_attempt",
            actor="system",
            target=target.target_id,
            details=details | {"text": item.text[:80]},  # the activity page names the post
        )
    ]
    # A retry is not news yet; a publish is on the timeline from the target itself, which
    # says when and where (chalicelib/posts/timeline.py): one write less a post.
    if outcome in ("failed", "unconfirmed"):
        records.append(timeline.event(item.workspace_id, item.post_id, outcome, None, details))
    records += also or []
    try:
        save_together(records)  # the audit, the timeline and the row in one round trip
    except Exception:  # the outcome is written on the post; the log line keeps the rest
        logger.exception("audit write failed", extra=details)
    webhooks.post_event(item, target, outcome, reason, result)


def planned_metrics(
    item: store.PostItem, target: store.TargetAttribute, result: PublishResult
) -> list[Any]:
    """The published target's analytics row with its refreshes planned (none if it
    cannot be built: analytics never stand in the way of publishing)."""
    from chalicelib.analytics.collection import planned_row

    try:
        return [planned_row(item, target, result)]
    except Exception:
        logger.exception("planning metrics failed", extra={"target": target.target_id})
        return []


def arm_metrics(planned: list[Any]) -> None:
    """The schedule of the bucket the first refresh falls in (once per bucket and
    container; a failure is logged and caught up by the collector's next run)."""
    from chalicelib.analytics.collection import arm_for

    arm_for(row.due_at for row in planned)


def count(network: str, name: str, value: float = 1, unit: str = "Count") -> None:
    """A publishing metric of one network (`observability.count`)."""
    observability.count(name, value, unit, network=network)


def count_failed(network: str, failure: Failure) -> None:
    """A target that failed for good: `PublishFailed` per network (the failure-rate
    alarms), `PublishFailedByKind` per network and kind (the dashboard), and
    `PublishUnconfirmed` when it may have gone out."""
    from chalicelib.health import record_attempt

    count(network, "PublishFailed")
    observability.count("PublishFailedByKind", network=network, kind=failure.kind)
    if failure.maybe_published:
        count(network, "PublishUnconfirmed")
    record_attempt(
        network, "unconfirmed" if failure.maybe_published else "failed", kind=failure.kind
    )


def count_retried(network: str, failure: Failure) -> None:
    """An attempt that will be retried: `PublishRetried`, and the health page's counters."""
    from chalicelib.health import record_attempt

    count(network, "PublishRetried")
    record_attempt(network, "retrying", kind=failure.kind)


def count_unconfirmed(network: str) -> None:
    """An attempt that never came back (its lease ran out): it may be live."""
    from chalicelib.health import record_attempt

    count(network, "PublishUnconfirmed")
    record_attempt(network, "unconfirmed", kind="unanswered")


def count_published(
    item: store.PostItem, target: store.TargetAttribute, published_at: datetime, seconds: float
) -> None:
    from chalicelib.health import record_attempt

    count(target.network, "PostsPublished")
    lateness = None
    if item.scheduled_at:
        due = datetime.fromisoformat(item.scheduled_at)
        lateness = max(0.0, (published_at - due).total_seconds())
        count(target.network, "PublishLatenessSeconds", lateness, "Seconds")
    count(target.network, "PublishLatencySeconds", seconds, "Seconds")
    record_attempt(target.network, "published", lateness=lateness)


def dead_letter(
    item: store.PostItem, target: store.TargetAttribute, attempts: int, reason: str
) -> None:
    """What operators see on the dead-letter queue (and redrive by name)."""
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    body = {
        "kind": "publish_failed",
        "workspace_id": item.workspace_id,
        "post_id": item.post_id,
        "target_id": target.target_id,
        "account_id": target.account_id,
        "network": target.network,
        "attempts": attempts,
        "reason": reason,
        "failed_at": utcnow().isoformat(),
    }
    try:
        client("sqs").send_message(
            QueueUrl=get_settings().dead_letter_queue_url, MessageBody=json.dumps(body)
        )
    except Exception:
        logger.exception("dead-letter send failed", extra=body)


def notify_failed(item: store.PostItem, target: store.TargetAttribute, reason: str) -> None:
    from chalicelib.notify import notify

    name = network_name(target.network)
    try:
        notify(
            item.workspace_id,
            kind="post.failed",
            title=f"A post did not go out on {name}",
            message=f"“{_excerpt(item.text)}”: {reason}",
            link=f"/posts/{item.post_id}",
            subject_id=item.post_id,
        )
    except Exception:
        logger.exception("failure notification failed", extra={"post_id": item.post_id})


def after_post_done(item: store.PostItem, status: str) -> None:
    """A recurring post moves on to its next occurrence once this one is settled."""
    if not item.recurrence or status == "failed":
        return
    from chalicelib.posts.service import advance_series

    try:
        advance_series(item.workspace_id, item.post_id, utcnow())
    except Exception:
        logger.exception("advancing the series failed", extra={"post_id": item.post_id})


def _excerpt(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"
