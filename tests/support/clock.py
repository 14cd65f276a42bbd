"""Future times for tests that go through the real clock (the API, the publisher, the
local stack): computed from now, so no test's date ever slips into the past.

Tests of pure functions that are given `now` keep fixed dates; a fixed date a test
sends through the real clock must be one that stays past forever (such as 2000-01-01).
`make test-timeshift` runs the tests with the machine's clock moved ahead to catch the rest.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


def ahead(days: int, at: str = "09:00", zone: str = "UTC", weekday: int | None = None) -> datetime:
    """The wall time `at` ("HH:MM") in `zone`, `days` days after today there, moved on to
    the next `weekday` (Monday 0) when one is given. Aware, in `zone`; adding a timedelta
    to it keeps the wall time across a DST change."""
    tz = ZoneInfo(zone)
    day = datetime.now(tz).date() + timedelta(days=days)
    if weekday is not None:
        day += timedelta(days=(weekday - day.weekday()) % 7)
    return datetime.combine(day, time.fromisoformat(at), tzinfo=tz)


def wall(when: datetime) -> str:
    """The local wall time of `when` as the API takes it: 2026-12-01T09:00:00."""
    return when.replace(tzinfo=None).isoformat(timespec="seconds")


def utc_z(when: datetime) -> str:
    """The instant `when` as the API answers it: 2026-12-01T08:00:00Z."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
