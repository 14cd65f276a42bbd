"""Recurring posts: an RFC 5545 RRULE expanded in the post's own time zone.

The rule is expanded on the wall clock (so "every Monday at 09:00" stays 09:00 across
daylight saving) and each occurrence becomes UTC by the rules of `timezones`. The series
starts at the post's `at` (DTSTART): its first occurrence is the rule's first at or after
it. Only the next occurrence is ever computed and armed, never the whole series.

The work is bounded. dateutil steps day by day through days a rule filters out and only
stops at year 9999 (`FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30` took 5.7 s to find nothing), so
the expansion runs on a calendar shifted to end a few decades after the search horizon
(the same weekdays and leap years, so the same occurrences), and an occurrence more than
`HORIZON_YEARS` after the last one counts as none: a rule that never occurs in that time is
refused. More than one post an hour (BYMINUTE or BYSECOND lists, MINUTELY) is refused too.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING

from chalicelib.domain.timezones import InvalidTime, to_utc, to_wall

if TYPE_CHECKING:
    from dateutil.rrule import rrule

# Publishing more often than hourly is spam, and every occurrence is one schedule.
_ALLOWED_FREQUENCIES = ("HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_ONE_VALUE_PARTS = ("BYMINUTE", "BYSECOND")
_UNTIL_UTC = re.compile(r"UNTIL=(\d{8}T\d{6})Z")
# How far after the previous occurrence (or the start) the next one is looked for.
HORIZON_YEARS = 10


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
    for part in _ONE_VALUE_PARTS:
        if "," in parts.get(part, ""):
            raise InvalidRule(f"{part} takes one value: posting more than once an hour is spam")
    return text


def _build(rule: str, start: datetime, zone_name: str) -> rrule:
    from dateutil.rrule import rrulestr

    text = normalize_rule(rule)
    # UNTIL in UTC (the RFC's usual form) becomes the wall time it is in the post's zone.
    text = _UNTIL_UTC.sub(lambda m: f"UNTIL={_wall_until(m.group(1), zone_name)}", text)
    try:
        built = rrulestr(text, dtstart=start.replace(tzinfo=None, microsecond=0))
    except (ValueError, TypeError, OverflowError) as error:
        raise InvalidRule(f"not a valid RFC 5545 rule: {error}") from error
    return built


def _wall_until(value: str, zone_name: str) -> str:
    try:
        instant = datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        wall = to_wall(instant, zone_name)
    except (ValueError, OverflowError):
        raise InvalidRule(
            f"UNTIL={value}Z is not a time the calendar has; use e.g. UNTIL=20271231T235959Z"
        ) from None
    return f"{wall.year:04d}{wall:%m%dT%H%M%S}"  # %Y does not pad year 1 to 0001


def validate_rule(rule: str, start: datetime, zone_name: str) -> str:
    """The normalized rule, or InvalidRule when it is malformed or never occurs."""
    if first_occurrence(rule, start, zone_name) is None:
        raise InvalidRule("the rule has no occurrence at or after the post's time")
    return normalize_rule(rule)


def first_occurrence(rule: str, start: datetime, zone_name: str) -> datetime | None:
    """The series' first instant (UTC): the rule's first wall time at or after `start`."""
    built = _build(rule, start, zone_name)
    until = built._until
    if until is not None and until < built._dtstart:
        raise InvalidRule(f"UNTIL={until:%Y%m%dT%H%M%S} (wall time) is before the series starts")
    for wall in _first(built, start):
        try:
            return to_utc(wall, zone_name)
        except InvalidTime as error:
            raise InvalidRule(f"the first occurrence is out of range: {error}") from None
    return None


def next_occurrence(rule: str, start: datetime, zone_name: str, after: datetime) -> datetime | None:
    """The first instant (UTC) of the series strictly after the aware instant `after`."""
    built = _build(rule, start, zone_name)
    try:
        # An hour or two of slack: around a fall-back the same wall time comes twice.
        since = max(to_wall(after, zone_name) - timedelta(hours=3), start)
        for wall in _first(built, since):
            instant = to_utc(wall, zone_name)
            if instant > after:
                return instant
    except (InvalidTime, OverflowError):
        return None  # the series runs past the end of the calendar
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
    """The next few wall occurrences from `since` within the horizon: enough to step past a
    fall-back's repeated hour or a spring-forward gap, where two wall times can meet at one
    instant. dateutil runs on a calendar shifted to end soon after the horizon."""
    horizon = _add_years(since, HORIZON_YEARS)
    if horizon is None:
        horizon = datetime.max
    shift = _calendar_shift(built._dtstart.year, horizon.year)
    until = built._until
    try:
        shifted = built.replace(
            dtstart=_shifted(built._dtstart, shift),
            until=_shifted(until, shift) if until is not None and until <= horizon else None,
        )
        found = [
            _shifted(wall, -shift)
            for wall in islice(shifted.xafter(_shifted(since, shift), inc=True), 4)
        ]
    except (ValueError, TypeError, OverflowError) as error:
        # dateutil takes some rules it cannot expand (BYHOUR=25, a year past 9999)
        raise InvalidRule(f"not a rule that can be expanded: {error}") from error
    return [wall for wall in found if wall <= horizon]


def _add_years(moment: datetime, years: int) -> datetime | None:
    try:
        return moment.replace(year=moment.year + years, day=min(moment.day, 28))
    except ValueError:
        return None


def _shifted(moment: datetime, years: int) -> datetime:
    return moment.replace(year=moment.year + years)


def _calendar_shift(first_year: int, last_year: int) -> int:
    """Years to add so that `first_year`..`last_year` end close to year 9999 on the same
    calendar (each year with the same weekday on 1 January and the same leap day).

    dateutil stops searching at year 9999, so this bounds its walk through filtered days.
    """
    from calendar import isleap

    latest = datetime.max.year - 1 - last_year  # room for the week after the last year
    if latest <= 0:
        return 0
    years = range(max(first_year - 1, 1), last_year + 2)
    if len(years) > 60:
        return latest - latest % 400  # the Gregorian calendar repeats every 400 years
    for shift in range(latest, max(latest - 400, 0), -1):
        if all(
            isleap(year) == isleap(year + shift)
            and datetime(year, 1, 1).weekday() == datetime(year + shift, 1, 1).weekday()
            for year in years
        ):
            return shift
    return latest - latest % 400
