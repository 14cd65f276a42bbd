"""Email addresses as the app stores them: trimmed, lower-cased, plausibly shaped.

>>> TypeAdapter(EmailAddress).validate_python("  Ada@Example.COM ")
'ada@example.com'
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator, WithJsonSchema

_PATTERN = r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$"
_SHAPE = re.compile(_PATTERN)


def normalise_email(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("an email address is a string")
    email = value.strip().lower()
    if len(email) > 254 or not _SHAPE.match(email):
        raise ValueError("not an email address such as ada@example.com")
    return email


# The schema says what the validator accepts (before trimming and lower-casing).
EmailAddress = Annotated[
    str,
    BeforeValidator(normalise_email),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": 254, "pattern": _PATTERN}),
]


# ---- Notification categories and preferences (issue 23) ----

FAILURES = "failures"
CONNECTIONS = "connections"
APPROVALS = "approvals"
SECURITY = "security"
DIGEST = "digest"
# The categories a member chooses immediate emails for (the digest is its own choice).
CATEGORIES = (FAILURES, CONNECTIONS, APPROVALS, SECURITY)
# What can be unsubscribed from by a link: every category but security, and the digest.
UNSUBSCRIBABLE = (FAILURES, CONNECTIONS, APPROVALS, DIGEST)
DIGEST_FREQUENCIES = ("daily", "weekly", "off")
DIGEST_HOUR = 8  # the member's local morning
DIGEST_WEEKDAY = 0  # weekly digests go on Mondays


def category_of(kind: str) -> str | None:
    """The category of a notification kind, None for those every owner gets whatever
    they chose (billing: the workspace's plan and payments are at stake)."""
    if kind.startswith("account."):
        return CONNECTIONS
    if kind.startswith(("security.", "user.")):
        return SECURITY
    if kind.startswith("billing."):
        return None
    if kind in ("post.failed", "post.unconfirmed", "post.expired", "webhook.disabled") or (
        kind.startswith("workspace.")
    ):
        return FAILURES
    if kind.startswith(("post.", "approval.", "import.")):
        return APPROVALS
    return FAILURES


def default_preferences() -> dict[str, object]:
    # No digest until the member asks for one (its schedule is armed then).
    return {"immediate": dict.fromkeys(CATEGORIES, True), "digest": "off", "timezone": None}


def wants_immediate(document: dict[str, object] | None, category: str | None) -> bool:
    if category is None or category == SECURITY:
        return True  # security events cannot be turned off
    immediate = (document or default_preferences()).get("immediate") or {}
    assert isinstance(immediate, dict)
    return bool(immediate.get(category, True))


def next_digest_at(after: datetime, frequency: str, timezone: str) -> datetime | None:
    """The next local 08:00 (a Monday's for a weekly digest) strictly after `after`, as an
    aware UTC instant; None when the digest is off. 08:00 exists on every day in every zone
    (DST moves happen at night), so no gap or fold needs resolving."""
    if frequency == "off":
        return None
    zone = ZoneInfo(timezone)
    local = after.astimezone(zone)
    day = local.date()
    for offset in range(0, 9):
        candidate_day = day + timedelta(days=offset)
        if frequency == "weekly" and candidate_day.weekday() != DIGEST_WEEKDAY:
            continue
        candidate = datetime.combine(candidate_day, time(DIGEST_HOUR), tzinfo=zone)
        if candidate > local:
            return candidate.astimezone(UTC)
    raise AssertionError("a week always has a Monday morning")


def digest_period(frequency: str) -> timedelta:
    return timedelta(days=7 if frequency == "weekly" else 1)
