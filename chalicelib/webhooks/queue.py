"""The delivery queue: one SQS message per delivery attempt still to make.

A message is `{"workspace_id", "webhook_id", "delivery_id", "attempt", "not_before"}`:
`attempt` is the attempt it carries (1-based), `not_before` the epoch second it is due.
SQS delays a message at most 15 minutes, so a longer wait is several hops: the consumer
puts a message that is not yet due back with the rest of the wait (up to 15 minutes).
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib.domain.webhooks import MAX_HOP_SECONDS


def message(
    workspace_id: str, webhook_id: str, delivery_id: str, attempt: int, not_before: float | None
) -> dict[str, Any]:
    return {
        "workspace_id": workspace_id,
        "webhook_id": webhook_id,
        "delivery_id": delivery_id,
        "attempt": attempt,
        "not_before": not_before,
    }


def send(messages: list[dict[str, Any]], delay_seconds: float = 0) -> None:
    """Queue `messages`, each delayed by `delay_seconds` (at most 15 minutes)."""
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    delay = max(0, min(int(delay_seconds), MAX_HOP_SECONDS))
    url = get_settings().webhook_queue_url
    sqs = client("sqs")
    for start in range(0, len(messages), 10):
        batch = messages[start : start + 10]
        entries = [
            {"Id": str(i), "MessageBody": json.dumps(m), "DelaySeconds": delay}
            for i, m in enumerate(batch)
        ]
        answer = sqs.send_message_batch(QueueUrl=url, Entries=entries)
        failed = answer.get("Failed") or []
        for entry in failed:  # one more try each, then the error surfaces
            body = entries[int(entry["Id"])]
            sqs.send_message(
                QueueUrl=url, MessageBody=body["MessageBody"], DelaySeconds=body["DelaySeconds"]
            )
