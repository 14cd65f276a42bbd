"""Issue 19: expanding a rule is bounded. dateutil runs on a calendar shifted towards year
9999 (so it stops soon after the horizon); the occurrences are the ones the plain expansion
gives, and a rule with none within the horizon has none."""

from __future__ import annotations

from datetime import datetime
from itertools import islice

import pytest
from dateutil.rrule import rrulestr

from chalicelib.domain.recurrence import (
    HORIZON_YEARS,
    InvalidRule,
    first_occurrence,
    next_occurrence,
    normalize_rule,
)
from chalicelib.domain.timezones import to_utc

RULES = [
    "FREQ=WEEKLY;BYDAY=MO,TH",
    "FREQ=MONTHLY;BYDAY=-1FR",
    "FREQ=MONTHLY;BYMONTHDAY=31",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
    "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO",
    "FREQ=YEARLY;BYYEARDAY=366",
    "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
    "FREQ=DAILY;INTERVAL=3;BYHOUR=9,21",
    "FREQ=HOURLY;INTERVAL=7;BYDAY=SA",
    "FREQ=WEEKLY;WKST=SU;BYDAY=SU,MO;INTERVAL=2;COUNT=40",
]
STARTS = [
    datetime(2026, 12, 3, 9, 30),
    datetime(2096, 2, 28, 9),  # the horizon crosses 2100, which has no 29 February
    datetime(1999, 12, 31, 23),
    datetime(1, 1, 1, 12),
    datetime(9990, 6, 1, 9),
]


def plain(rule: str, start: datetime, count: int) -> list[datetime]:
    """What dateutil gives without any bound."""
    built = rrulestr(normalize_rule(rule), dtstart=start)
    return [to_utc(wall, "UTC") for wall in islice(built, count)]


@pytest.mark.parametrize("start", STARTS, ids=str)
@pytest.mark.parametrize("rule", RULES)
def test_the_bounded_expansion_gives_the_plain_occurrences(rule, start):
    expected = plain(rule, start, 6)
    found = []
    try:
        following = first_occurrence(rule, start, "UTC")
    except InvalidRule:
        following = None  # only where the series would run past year 9999
        assert start.year > 9000
    while following is not None and len(found) < 6:
        found.append(following)
        following = next_occurrence(rule, start, "UTC", after=following)
    assert found == expected[: len(found)]
    if len(found) < len(expected):  # cut by the horizon or the end of the calendar
        assert expected[len(found)].year - found[-1].year >= HORIZON_YEARS - 1 or (
            expected[len(found)].year >= 9990
        )


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO;BYSETPOS=2",
    ],
)
def test_a_rule_that_never_occurs_has_no_occurrence(rule):
    assert first_occurrence(rule, datetime(2026, 12, 3, 9), "Europe/Paris") is None


def test_an_occurrence_beyond_the_horizon_counts_as_none():
    # 29 February on a Monday: 2044, then 2072; the next after 2044 is beyond the horizon.
    rule = "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO"
    start = datetime(2026, 12, 3, 9)
    assert first_occurrence(rule, start, "UTC") is None  # 2044 is 18 years away
    assert first_occurrence(rule, datetime(2040, 1, 1, 9), "UTC") == to_utc(
        datetime(2044, 2, 29, 9), "UTC"
    )
