"""Recurring posts: RRULEs expanded on the post's wall clock, one occurrence at a time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.domain.recurrence import (
    InvalidRule,
    first_occurrence,
    next_occurrence,
    occurrences,
    validate_rule,
)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_a_weekly_series_keeps_its_wall_time_across_the_autumn_change():
    found = occurrences(
        "FREQ=WEEKLY;BYDAY=SU;COUNT=4", datetime(2026, 10, 18, 9), "Europe/Paris", 10
    )
    assert found == [
        utc(2026, 10, 18, 7, 0),  # CEST, UTC+2
        utc(2026, 10, 25, 8, 0),  # the change happened that night: CET, UTC+1
        utc(2026, 11, 1, 8, 0),
        utc(2026, 11, 8, 8, 0),
    ]


def test_an_occurrence_in_a_spring_forward_gap_moves_to_the_end_of_the_jump():
    found = occurrences("FREQ=DAILY;COUNT=3", datetime(2026, 3, 7, 2, 30), "America/New_York", 10)
    assert found == [utc(2026, 3, 7, 7, 30), utc(2026, 3, 8, 7, 0), utc(2026, 3, 9, 6, 30)]


def test_an_occurrence_in_a_repeated_hour_happens_once_at_its_first_occurrence():
    found = occurrences("FREQ=DAILY;COUNT=3", datetime(2026, 4, 4, 2, 30), "Australia/Sydney", 10)
    assert found == [utc(2026, 4, 3, 15, 30), utc(2026, 4, 4, 15, 30), utc(2026, 4, 5, 16, 30)]


def test_the_next_occurrence_follows_the_one_just_published():
    rule, start = "FREQ=WEEKLY;BYDAY=MO,TH", datetime(2026, 12, 3, 9)  # a Thursday
    first = first_occurrence(rule, start, "Europe/Paris")
    assert first == utc(2026, 12, 3, 8, 0)
    second = next_occurrence(rule, start, "Europe/Paris", after=first)
    assert second == utc(2026, 12, 7, 8, 0)
    assert next_occurrence(rule, start, "Europe/Paris", after=second) == utc(2026, 12, 10, 8, 0)


def test_a_series_ends_after_its_count_or_until():
    rule, start = "FREQ=DAILY;COUNT=2", datetime(2026, 12, 1, 9)
    assert next_occurrence(rule, start, "UTC", after=utc(2026, 12, 2, 9)) is None
    # UNTIL in UTC is read as the instant it is; 2026-12-02T08:30Z is 09:30 in Paris.
    until = "FREQ=DAILY;UNTIL=20261202T083000Z"
    assert occurrences(until, start, "Europe/Paris", 10) == [
        utc(2026, 12, 1, 8),
        utc(2026, 12, 2, 8),
    ]


def test_the_series_starts_at_the_first_time_the_rule_matches():
    # The post's time is a Sunday; the rule only has Mondays.
    assert first_occurrence("FREQ=WEEKLY;BYDAY=MO", datetime(2026, 11, 29, 9), "UTC") == utc(
        2026, 11, 30, 9
    )


def test_a_valid_rule_is_stored_without_its_prefix():
    assert validate_rule(
        "rrule:freq=weekly;byday=mo,th;count=12", datetime(2026, 12, 1), "UTC"
    ) == ("FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12")


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("", "the rule is empty"),
        ("COUNT=3", "needs a FREQ"),
        ("FREQ=MINUTELY", "FREQ must be one of HOURLY, DAILY"),
        ("FREQ=SOMETIMES", "FREQ must be one of"),
        ("FREQ=WEEKLY;BYDAY=XX", "not a valid RFC 5545 rule"),
        ("FREQ=DAILY;COLOR=RED", "not a valid RFC 5545 rule"),
        ("FREQ=DAILY\nRDATE:20260101", "one RRULE line"),
        ("DTSTART=20260101T000000;FREQ=DAILY", "leave DTSTART out"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "no occurrence"),
    ],
)
def test_a_bad_rule_is_refused_with_a_reason(rule, message):
    with pytest.raises(InvalidRule, match=message):
        validate_rule(rule, datetime(2026, 12, 1, 9), "Europe/Paris")
