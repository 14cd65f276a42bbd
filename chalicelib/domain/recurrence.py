"""Recurring posts: an RFC 5545 RRULE expanded in the post's own time zone.

The rule is expanded on the wall clock (so "every Monday at 09:00" stays 09:00 across
daylight saving) and each occurrence becomes UTC by the rules of `timezones`. The series
starts at the post's `at` (DTSTART): its first occurrence is the rule's first at or after
it. Only the next occurrence is ever computed and armed, never the whole series.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING

from chalicelib.domain.timezones import to_utc, to_wall

if TYPE_CHECKING:
    from dateutil.rrule import rrule

# Publishing more often than hourly is spam, and every occurrence is one schedule.
_ALLOWED_FREQUENCIES = ("HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_UNTIL_UTC = re.compile(r"UNTIL=(\d{8}T\d{6})Z")


class InvalidRule(ValueError):
    """A rule the user must correct; the message says what is wrong."""


def normalize_rule(rule: str) -> str:
    """The rule as stored: one RRULE value without the `RRULE:` prefix, upper case."""
    text = rule.strip()
    if "\n" in text or "\r" in text:
        raise InvalidRule("give one RRULE line, such as FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12")
    text = text.upper().removeprefix("RRULE:")
    if not text:
        raise InvalidRule("the rule is empty; use e.g. FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12")
    parts = dict(part.partition("=")[::2] for part in text.split(";") if part)
    if "DTSTART" in parts:
        raise InvalidRule("the series starts at the post's time: leave DTSTART out of the rule")
    frequency = parts.get("FREQ")
    if frequency is None:
        raise InvalidRule("the rule needs a FREQ, e.g. FREQ=WEEKLY")
    if frequency not in _ALLOWED_FREQUENCIES:
        raise InvalidRule(f"FREQ must be one of {', '.join(_ALLOWED_FREQUENCIES)}")
    return text


def _build(rule: str, start: datetime, zone_name: str) -> rrule:
    from dateutil.rrule import rrulestr

    text = normalize_rule(rule)
    # UNTIL in UTC (the RFC's usual form) becomes the wall time it is in the post's zone.
    text = _UNTIL_UTC.sub(lambda m: f"UNTIL={_wall_until(m.group(1), zone_name)}", text)
    try:
        built = rrulestr(text, dtstart=start.replace(tzinfo=None, microsecond=0))
    except (ValueError, TypeError) as error:
        raise InvalidRule(f"not a valid RFC 5545 rule: {error}") from error
    return built


def _wall_until(value: str, zone_name: str) -> str:
    instant = datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    return to_wall(instant, zone_name).strftime("%Y%m%dT%H%M%S")


def validate_rule(rule: str, start: datetime, zone_name: str) -> str:
    """The normalized rule, or InvalidRule when it is malformed or never occurs."""
    if first_occurrence(rule, start, zone_name) is None:
        raise InvalidRule("the rule has no occurrence at or after the post's time")
    return normalize_rule(rule)


def first_occurrence(rule: str, start: datetime, zone_name: str) -> datetime | None:
    """The series' first instant (UTC): the rule's first wall time at or after `start`."""
    built = _build(rule, start, zone_name)
    for wall in _first(built, start):
        return to_utc(wall, zone_name)
    return None


def next_occurrence(rule: str, start: datetime, zone_name: str, after: datetime) -> datetime | None:
    """The first instant (UTC) of the series strictly after the aware instant `after`."""
    built = _build(rule, start, zone_name)
    # An hour or two of slack: around a fall-back the same wall time comes twice.
    since = max(to_wall(after, zone_name) - timedelta(hours=3), start)
    for wall in _first(built, since):
        instant = to_utc(wall, zone_name)
        if instant > after:
            return instant
    return None


def occurrences(rule: str, start: datetime, zone_name: str, limit: int) -> list[datetime]:
    """The first `limit` instants (UTC) of the series, for previews."""
    found: list[datetime] = []
    after = to_utc(start, zone_name) - timedelta(seconds=1)
    while len(found) < limit:
        following = next_occurrence(rule, start, zone_name, after)
        if following is None:
            break
        found.append(following)
        after = following
    return found


def _first(built: rrule, since: datetime) -> list[datetime]:
    """The next few wall occurrences from `since`: enough to step past a fall-back's
    repeated hour or a spring-forward gap, where two wall times can meet at one instant."""
    return list(islice(built.xafter(since, inc=True), 4))
