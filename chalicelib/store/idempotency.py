"""Idempotency-Key records: a repeated creation request gets the first response back.

One item per (workspace, operation, key) with the request body's hash, its state and,
once done, the response; DynamoDB's TTL forgets it after a day.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.store.base import table_meta
from chalicelib.store.model import StoredModel

KEEP_SECONDS = 24 * 3600
IN_PROGRESS, DONE = "in_progress", "done"


class IdempotencyRecord(StoredModel):
    Meta = table_meta("idempotency")

    id = UnicodeAttribute(hash_key=True)
    body_hash = UnicodeAttribute()
    status = UnicodeAttribute(default=IN_PROGRESS)
    response_status = NumberAttribute(null=True)
    response = JSONAttribute(null=True)
    expiration = NumberAttribute()


@dataclass(frozen=True)
class Claim:
    """Either this request may go ahead (`first`), or here is what an earlier one did."""

    record_id: str
    first: bool
    record: IdempotencyRecord | None = None


def claim(workspace_id: str, operation: str, key: str, body_hash: str) -> Claim:
    record_id = f"{workspace_id}#{operation}#{key}"
    record = IdempotencyRecord(
        record_id, body_hash=body_hash, expiration=int(time.time()) + KEEP_SECONDS
    )
    try:
        record.save(condition=IdempotencyRecord.id.does_not_exist())
        return Claim(record_id, first=True)
    except PutError as error:
        if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
            raise
    try:
        return Claim(
            record_id, first=False, record=IdempotencyRecord.get(record_id, consistent_read=True)
        )
    except DoesNotExist:  # expired or released between the two calls: go ahead
        return claim(workspace_id, operation, key, body_hash)


def complete(record_id: str, status: int, response: dict[str, Any]) -> None:
    IdempotencyRecord(record_id).update(
        actions=[
            IdempotencyRecord.status.set(DONE),
            IdempotencyRecord.response_status.set(status),
            IdempotencyRecord.response.set(response),
        ]
    )


def release(record_id: str) -> None:
    """The request failed: a retry with the same key may try again."""
    IdempotencyRecord(record_id).delete()
