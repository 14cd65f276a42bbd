"""Dependency checks behind GET /v1/health, and publishing's health for operators
(GET /v1/admin/health)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.aws import client
from chalicelib.settings import get_settings


def run_checks() -> list[tuple[str, bool, str]]:
    settings = get_settings()
    results = []
    try:
        client("dynamodb").describe_table(TableName=settings.tables.posts)
        results.append(("dynamodb", True, ""))
    except Exception as exc:  # any failure means "not reachable"
        results.append(("dynamodb", False, type(exc).__name__))
    try:
        client("s3").head_bucket(Bucket=settings.media_bucket)
        results.append(("s3", True, ""))
    except Exception as exc:
        results.append(("s3", False, type(exc).__name__))
    return results


# ---- Publishing's health for operators (GET /v1/admin/health) ----------------------
# The publisher counts each attempt's outcome per network and 10-minute bucket (one
# atomic ADD on a small item: chalicelib/store/health.py); the page sums the buckets of the
# last hour and day. Counting never stands in the way of publishing: a failed write is
# logged and the attempt goes on.

HOUR_BUCKETS = 6
DAY_BUCKETS = 144
SWEEP_ARMED_SHOWN = 20
DEPTH_ATTRIBUTES = (
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
)


def record_attempt(
    network: str,
    outcome: str,
    *,
    kind: str | None = None,
    lateness: float | None = None,
    now: datetime | None = None,
) -> None:
    """Count one attempt's outcome (published, retrying, failed or unconfirmed)."""
    from chalicelib.domain.health import attempt_counts, bucket_start
    from chalicelib.observability import logger
    from chalicelib.store import health as store
    from chalicelib.store.base import utcnow

    try:
        bucket = bucket_start(now or utcnow())
        store.add(network, bucket, attempt_counts(outcome, kind, lateness))
    except Exception:
        logger.exception("counting a publish attempt failed", extra={"network": network})


def record_sweep(
    at: datetime,
    counts: dict[str, int],
    armed: list[dict[str, str]],
    signals: dict[str, Any] | None = None,
) -> None:
    """The sweeper's run, for the health page (best effort, as `record_attempt`)."""
    from chalicelib.observability import logger
    from chalicelib.store import health as store

    try:
        store.record_sweep(at, counts, armed[:SWEEP_ARMED_SHOWN], signals or {})
    except Exception:
        logger.exception("recording the sweep failed")


def evaluate_signals(now: datetime) -> dict[str, Any]:
    """The alarms' figures over the last 10 to 20 minutes (`domain.health.signals`), read
    from the publisher's counters (one BatchGetItem): `NetworksFailing` and
    `WorstLatenessP99Seconds` as EMF metrics for the alarms of
    infrastructure/template.yaml, one log line naming the networks, and the figures for
    the sweep's record (the operators' page). Nothing is emitted when nothing was
    attempted. Best effort: a failure is logged and the sweep goes on."""
    from chalicelib.domain.health import (
        BUCKET,
        SIGNAL_BUCKETS,
        add_up,
        bucket_start,
        signals,
    )
    from chalicelib.networks.registry import NETWORK_IDS
    from chalicelib.observability import count, logger
    from chalicelib.store import health as store

    try:
        newest = bucket_start(now)
        found = store.read(NETWORK_IDS, [newest - BUCKET * i for i in range(SIGNAL_BUCKETS)])
        by_network: dict[str, list[dict[str, int]]] = {}
        for (network, _), counters in found.items():
            by_network.setdefault(network, []).append(counters)
        figures = signals({network: add_up(c) for network, c in by_network.items()})
    except Exception:
        logger.exception("evaluating publishing's signals failed")
        return {}
    if not figures["attempted"]:
        return figures
    failing, late = figures["failing"], figures["late"]
    worst = figures["worst_lateness_p99_seconds"]
    assert isinstance(failing, dict) and isinstance(late, dict)
    count("NetworksFailing", len(failing))
    if isinstance(worst, float):
        count("WorstLatenessP99Seconds", worst, "Seconds")
    log = logger.warning if failing or late else logger.info
    log(
        "publishing signals",
        extra={
            "networks_failing": failing,
            "networks_late": late,
            "worst_lateness_p99_seconds": worst,
        },
    )
    return figures


def network_health(now: datetime) -> dict[str, dict[str, Any]]:
    """Per network with any attempt in the last day: the last hour's and day's figures
    (the hour: this 10-minute bucket so far and the five before it)."""
    from chalicelib.domain.health import BUCKET, add_up, bucket_start, figures
    from chalicelib.networks.registry import NETWORK_IDS
    from chalicelib.store import health as store

    newest = bucket_start(now)
    day = [newest - BUCKET * i for i in range(DAY_BUCKETS)]
    hour = {f"{b:%Y-%m-%dT%H:%M}" for b in day[:HOUR_BUCKETS]}
    found = store.read(NETWORK_IDS, day)
    report: dict[str, dict[str, Any]] = {}
    for network in NETWORK_IDS:
        buckets = {b: c for (n, b), c in found.items() if n == network}
        if buckets:
            report[network] = {
                "hour": figures(add_up(c for b, c in buckets.items() if b in hour)),
                "day": figures(add_up(buckets.values())),
            }
    return report


def queue_depths() -> list[dict[str, Any]]:
    """Messages waiting (visible), being handled (in flight) and delayed, per queue."""
    from chalicelib.settings import get_settings

    settings = get_settings()
    sqs = client("sqs")

    def metrics_dead_letters() -> str:
        _, _, _, _, owner, name = settings.metrics_dead_letter_queue_arn.split(":")
        return str(sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=owner)["QueueUrl"])

    queues = [
        ("dead_letters", "Failed posts (dead letters)", lambda: settings.dead_letter_queue_url),
        ("webhooks", "Webhook deliveries", lambda: settings.webhook_queue_url),
        ("metrics_dead_letters", "Metrics collection runs given up", metrics_dead_letters),
    ]
    depths = []
    for name, label, url in queues:
        entry: dict[str, Any] = {"name": name, "label": label}
        try:
            found = sqs.get_queue_attributes(QueueUrl=url(), AttributeNames=DEPTH_ATTRIBUTES)
            counts = [int(found["Attributes"].get(a, 0)) for a in DEPTH_ATTRIBUTES]
            entry.update(visible=counts[0], in_flight=counts[1], delayed=counts[2])
        except Exception as exc:  # one queue out of reach must not hide the others
            entry["error"] = type(exc).__name__
        depths.append(entry)
    return depths


def collection_backlog(now: datetime) -> dict[str, Any]:
    """The metrics collection's queue: refreshes due now, and the oldest one's due time."""
    from chalicelib.store import health as store
    from chalicelib.store.metrics import DUE_SHARDS

    due, oldest = store.due_refreshes(now, DUE_SHARDS)
    return {"due": due, "oldest_due_at": oldest}


def last_sweep() -> dict[str, Any] | None:
    from chalicelib.store import health as store

    return store.last_sweep()
