"""`Idempotency-Key` on creating POSTs (API.md): a repeat with the same key and body gets
the first response; the same key with another body is a 422; one still running, a 409."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel

from chalicelib.api.responses import Reply
from chalicelib.api.routing import RequestContext
from chalicelib.errors import Conflict, invalid

MAX_KEY = 255


Result = TypeVar("Result", bound=BaseModel)


def once(
    ctx: RequestContext,
    workspace_id: str,
    operation: str,
    status: int,
    run: Callable[[], Result],
) -> Result | Reply:
    """Run `run` once per Idempotency-Key (or every time without one)."""
    from chalicelib.store import idempotency

    key = (ctx.header("Idempotency-Key") or "").strip()
    if not key:
        return run()
    if len(key) > MAX_KEY:
        raise invalid("Idempotency-Key", f"at most {MAX_KEY} characters", status=400)
    raw = ctx.request.raw_body or b""
    body_hash = hashlib.sha256(raw.encode() if isinstance(raw, str) else raw).hexdigest()
    claim = idempotency.claim(workspace_id, operation, key, body_hash)
    if not claim.first:
        record = claim.record
        assert record is not None
        if record.body_hash != body_hash:
            raise invalid("Idempotency-Key", "already used with a different body")
        if record.status != idempotency.DONE:
            raise Conflict("A request with this Idempotency-Key is still being processed.")
        return Reply(record.response, int(record.response_status or status))
    try:
        result = run()
    except Exception:  # a refused or failed request leaves the key free for a retry
        idempotency.release(claim.record_id)
        raise
    idempotency.complete(claim.record_id, status, result.model_dump(mode="json"))
    return result
