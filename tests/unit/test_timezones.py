"""Wall-clock times across daylight-saving transitions (DESIGN.md section 3)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.domain.timezones import InvalidTime, is_zone, iso_utc, parse_at, to_utc, to_wall


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "wall", "expected"),
    [
        # Spring forward: the skipped wall time moves to the first instant after the jump.
        ("Europe/Paris", datetime(2026, 3, 29, 2, 30), utc(2026, 3, 29, 1, 0)),
        ("America/New_York", datetime(2026, 3, 8, 2, 30), utc(2026, 3, 8, 7, 0)),
        ("Australia/Sydney", datetime(2026, 10, 4, 2, 30), utc(2026, 10, 3, 16, 0)),
        # Just before and just after each jump are ordinary times.
        ("Europe/Paris", datetime(2026, 3, 29, 1, 59), utc(2026, 3, 29, 0, 59)),
        ("Europe/Paris", datetime(2026, 3, 29, 3, 0), utc(2026, 3, 29, 1, 0)),
        ("America/New_York", datetime(2026, 3, 8, 3, 0), utc(2026, 3, 8, 7, 0)),
        ("Australia/Sydney", datetime(2026, 10, 4, 3, 0), utc(2026, 10, 3, 16, 0)),
    ],
)
def test_a_time_skipped_by_spring_forward_moves_to_the_first_valid_instant(zone, wall, expected):
    assert to_utc(wall, zone) == expected


@pytest.mark.parametrize(
    ("zone", "wall", "first", "second"),
    [
        (
            "Europe/Paris",
            datetime(2026, 10, 25, 2, 30),
            utc(2026, 10, 25, 0, 30),
            utc(2026, 10, 25, 1, 30),
        ),
        (
            "America/New_York",
            datetime(2026, 11, 1, 1, 30),
            utc(2026, 11, 1, 5, 30),
            utc(2026, 11, 1, 6, 30),
        ),
        (
            "Australia/Sydney",
            datetime(2026, 4, 5, 2, 30),
            utc(2026, 4, 4, 15, 30),
            utc(2026, 4, 4, 16, 30),
        ),
    ],
)
def test_a_time_repeated_by_fall_back_means_its_first_occurrence(zone, wall, first, second):
    assert to_utc(wall, zone) == first
    # Both instants really do read as that wall time: it is ambiguous.
    assert to_wall(first, zone) == wall
    assert to_wall(second, zone) == wall


def test_ordinary_times_round_trip():
    wall = datetime(2026, 12, 1, 9, 0)
    assert to_utc(wall, "Europe/Paris") == utc(2026, 12, 1, 8, 0)
    assert to_wall(utc(2026, 12, 1, 8, 0), "Europe/Paris") == wall
    assert to_utc(wall, "UTC") == utc(2026, 12, 1, 9, 0)


def test_when_at_is_read_in_the_posts_zone_unless_it_carries_an_offset():
    assert parse_at("2026-12-01T09:00:00", "America/New_York") == utc(2026, 12, 1, 14, 0)
    assert parse_at("2026-12-01T09:00:00+01:00", "America/New_York") == utc(2026, 12, 1, 8, 0)
    assert parse_at("2026-12-01T09:00:00Z", "Europe/Paris") == utc(2026, 12, 1, 9, 0)
    assert iso_utc(parse_at("2026-07-01T09:00", "Europe/Paris")) == "2026-07-01T07:00:00Z"


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../etc/passwd", "Europe/Paris "])
def test_an_unknown_zone_is_refused_with_an_example(name):
    assert not is_zone(name)
    with pytest.raises(InvalidTime, match="IANA time zone such as Europe/Paris"):
        to_utc(datetime(2026, 1, 1), name)


def test_a_malformed_time_is_refused_with_an_example():
    with pytest.raises(InvalidTime, match="ISO 8601 time such as"):
        parse_at("next tuesday", "UTC")
