"""Posting rules resolved to a month's slots: distribution against the rules, time zones,
DST months (years taken from the clock), collisions and the past."""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.posting_rules import (
    DEFAULT_RULE,
    WINDOWS,
    Rule,
    Window,
    month_bounds,
    month_slots,
    rule_for,
    spread_days,
)

NOW = datetime.now(UTC)
NEXT_YEAR = NOW.year + 1


def _month(year: int, number: int) -> str:
    return f"{year:04d}-{number:02d}"


def _walls(slots: list[datetime], zone: str) -> list[datetime]:
    return [slot.astimezone(ZoneInfo(zone)) for slot in slots]


def _weekday_count(year: int, number: int, weekday: int) -> int:
    return sum(
        1
        for day in range(1, calendar.monthrange(year, number)[1] + 1)
        if calendar.weekday(year, number, day) == weekday
    )


def test_rule_days_and_window_give_one_post_a_day_at_the_usual_time():
    rule = Rule.of(per_week=3, days=["mon", "wed", "fri"], window="morning")
    zone = "Europe/Paris"
    slots = month_slots(rule, zone, _month(NEXT_YEAR, 6), NOW)
    walls = _walls(slots, zone)
    assert all(w.weekday() in (0, 2, 4) for w in walls)
    assert all(w.time() == time(9, 0) for w in walls)
    assert all(w.month == 6 and w.year == NEXT_YEAR for w in walls)
    expected = sum(_weekday_count(NEXT_YEAR, 6, d) for d in (0, 2, 4))
    assert len(slots) == expected
    assert slots == sorted(slots)


def test_fewer_posts_than_days_are_spread_over_the_days():
    rule = Rule.of(per_week=2, days=["mon", "tue", "wed", "thu", "fri"], window="afternoon")
    slots = month_slots(rule, "UTC", _month(NEXT_YEAR, 9), NOW)
    per_week = Counter(s.isocalendar()[1] for s in slots)
    # Full weeks get exactly two; weeks the month cuts get their share or fewer.
    assert max(per_week.values()) == 2
    assert all(s.hour in (12, 13, 14, 15) for s in slots)
    full = [s for s in slots if per_week[s.isocalendar()[1]] == 2]
    assert {s.weekday() for s in full} <= {0, 2}  # Monday and Wednesday: 2 of 5 spread


def test_more_posts_than_days_put_several_in_a_day_apart_in_the_window():
    rule = Rule.of(per_week=4, days=["tue", "thu"], window="morning")
    slots = month_slots(rule, "UTC", _month(NEXT_YEAR, 5), NOW)
    by_day = Counter(s.date() for s in slots)
    assert set(by_day.values()) == {2}
    for day in by_day:
        times = sorted(s for s in slots if s.date() == day)
        assert times[1] - times[0] >= timedelta(hours=1)
        assert all(time(8) <= t.time() < time(11) for t in times)


def test_no_days_spread_the_posts_over_the_week():
    assert spread_days(3) == (0, 2, 4)
    assert spread_days(1) == (2,)
    rule = Rule.of(per_week=5, window="evening")
    slots = month_slots(rule, "America/New_York", _month(NEXT_YEAR, 10), NOW)
    walls = _walls(slots, "America/New_York")
    assert {w.weekday() for w in walls} == {0, 1, 2, 3, 4}
    assert all(w.time() == time(18, 0) for w in walls)


def test_per_week_is_met_in_every_full_week():
    for per_week in (1, 2, 3, 7, 10, 14):
        rule = Rule.of(per_week=per_week)
        slots = month_slots(rule, "Asia/Tokyo", _month(NEXT_YEAR, 3), NOW)
        weeks = Counter(
            (w.isocalendar()[0], w.isocalendar()[1]) for w in _walls(slots, "Asia/Tokyo")
        )
        first, last = month_bounds(_month(NEXT_YEAR, 3))
        inner = {
            (d.isocalendar()[0], d.isocalendar()[1])
            for d in (first + timedelta(days=i) for i in range((last - first).days + 1))
            if d - timedelta(days=d.weekday()) >= first
            and d + timedelta(days=6 - d.weekday()) <= last
        }
        assert inner, "March has at least three whole weeks"
        for week in inner:
            assert weeks[week] == per_week, (per_week, week)


def test_times_are_the_accounts_wall_clock_in_its_zone():
    rule = Rule.of(per_week=3, days=["mon", "wed", "fri"])
    month = _month(NEXT_YEAR, 1)
    tokyo = month_slots(rule, "Asia/Tokyo", month, NOW)
    paris = month_slots(rule, "Europe/Paris", month, NOW)
    assert [s.astimezone(UTC).hour for s in tokyo] == [0] * len(tokyo)  # 09:00 JST
    assert [s.astimezone(UTC).hour for s in paris] == [8] * len(paris)  # 09:00 CET


@pytest.mark.parametrize(
    ("zone", "month", "before", "after"),
    [
        ("America/New_York", 3, -5, -4),
        ("America/New_York", 11, -4, -5),
        ("Europe/Berlin", 3, 1, 2),
        ("Europe/Berlin", 10, 2, 1),
        ("Europe/Berlin", 11, 1, 1),  # Berlin's clocks went back in October
    ],
)
def test_dst_months_keep_the_wall_time(zone, month, before, after):
    rule = Rule.of(per_week=7, window="morning")
    slots = month_slots(rule, zone, _month(NEXT_YEAR, month), NOW)
    walls = _walls(slots, zone)
    assert all(w.time() == time(9, 0) for w in walls)
    offsets = [w.utcoffset() for w in walls]
    assert offsets[0] == timedelta(hours=before)
    assert offsets[-1] == timedelta(hours=after)
    assert len(slots) == calendar.monthrange(NEXT_YEAR, month)[1]


def _spring_forward(zone: str, year: int) -> datetime:
    """The day the clocks jump forward in `zone` (found, not hard-coded)."""
    tz = ZoneInfo(zone)
    day = datetime(year, 3, 1)
    while (day + timedelta(days=1)).replace(tzinfo=tz).utcoffset() == day.replace(
        tzinfo=tz
    ).utcoffset():
        day += timedelta(days=1)
    return day  # its midnight has the old offset, the next one the new


def _fall_back(zone: str, year: int, month: int) -> datetime:
    tz = ZoneInfo(zone)
    day = datetime(year, month, 1)
    while (day + timedelta(days=1)).replace(tzinfo=tz).utcoffset() == day.replace(
        tzinfo=tz
    ).utcoffset():
        day += timedelta(days=1)
    return day  # its midnight has the old offset, the next one the new


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/Berlin"])
def test_a_time_the_clocks_skip_moves_forward(zone):
    night = Window("night", time(2, 30), time(2, 45), time(2, 30))
    day = _spring_forward(zone, NEXT_YEAR)
    rule = Rule(per_week=1, days=(day.weekday(),), window=night)
    slots = month_slots(rule, zone, _month(NEXT_YEAR, 3), NOW)
    on_the_day = [s for s in slots if s.astimezone(ZoneInfo(zone)).date() == day.date()]
    assert len(on_the_day) == 1
    wall = on_the_day[0].astimezone(ZoneInfo(zone))
    assert wall.time() == time(3, 0)  # 02:30 does not exist: the end of the gap


@pytest.mark.parametrize(("zone", "month"), [("America/New_York", 11), ("Europe/Berlin", 10)])
def test_a_time_the_clocks_repeat_takes_its_first_occurrence(zone, month):
    hour = 1 if zone == "America/New_York" else 2
    window = Window("night", time(hour, 30), time(hour, 45), time(hour, 30))
    day = _fall_back(zone, NEXT_YEAR, month)
    rule = Rule(per_week=1, days=(day.weekday(),), window=window)
    slots = month_slots(rule, zone, _month(NEXT_YEAR, month), NOW)
    found = [s for s in slots if s.astimezone(ZoneInfo(zone)).date() == day.date()]
    assert len(found) == 1
    tz = ZoneInfo(zone)
    first = datetime.combine(day.date(), time(hour, 30), tzinfo=tz).astimezone(UTC)  # fold 0
    second = datetime.combine(day.date(), time(hour, 30), tzinfo=tz).replace(fold=1)
    assert found[0] == first
    assert found[0] < second.astimezone(UTC)


def test_never_in_the_past():
    this_month = _month(NOW.year, NOW.month)
    rule = Rule.of(per_week=7, window="morning")
    slots = month_slots(rule, "UTC", this_month, NOW)
    assert all(s > NOW for s in slots)
    last_month = (NOW.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    assert month_slots(rule, "UTC", last_month, NOW) == []


def test_slots_avoid_what_is_already_scheduled():
    rule = Rule.of(per_week=3, days=["mon", "wed", "fri"])
    month = _month(NEXT_YEAR, 4)
    free = month_slots(rule, "Europe/London", month, NOW)
    taken = [*free[:3], free[3] + timedelta(minutes=20)]
    moved = month_slots(rule, "Europe/London", month, NOW, taken)
    assert len(moved) == len(free)
    for slot in moved:
        assert all(abs(slot - t) >= timedelta(hours=1) for t in taken)
    walls = _walls(moved, "Europe/London")
    # Still on the rule's days and in its window: moved later in the morning.
    assert all(w.weekday() in (0, 2, 4) and time(8) <= w.time() < time(11) for w in walls)


def test_a_full_day_gives_its_post_to_another_rule_day_of_the_week():
    rule = Rule.of(per_week=1, days=["mon", "thu"])
    month = _month(NEXT_YEAR, 2)
    free = month_slots(rule, "UTC", month, NOW)
    day = free[1].date()
    blocked = [datetime.combine(day, time(h, m), tzinfo=UTC) for h in (8, 9, 10) for m in (0, 30)]
    moved = month_slots(rule, "UTC", month, NOW, blocked)
    assert len(moved) == len(free)
    assert day not in {s.date() for s in moved}


def test_best_times_pick_the_best_hours_of_the_window():
    lift = [[1.0] * 24 for _ in range(7)]
    lift[0][10] = 2.0  # Monday 10:00 is best
    lift[2][8] = 1.5  # Wednesday 08:00
    lift[0][19] = 9.0  # outside the window: ignored
    rule = Rule.of(per_week=2, days=["mon", "wed"], use_best_times=True)
    slots = month_slots(rule, "Europe/Madrid", _month(NEXT_YEAR, 7), NOW, lift=lift)
    walls = _walls(slots, "Europe/Madrid")
    assert {(w.weekday(), w.hour) for w in walls} == {(0, 10), (2, 8)}
    # Without best times: the window's usual time.
    plain = month_slots(
        Rule.of(per_week=2, days=["mon", "wed"]), "Europe/Madrid", _month(NEXT_YEAR, 7), NOW
    )
    assert {w.hour for w in _walls(plain, "Europe/Madrid")} == {9}


def test_the_accounts_own_rule_wins_then_the_workspaces_then_the_default():
    workspace = Rule.of(per_week=2)
    own = Rule.of(per_week=5, account_id="a_1")
    assert rule_for([workspace, own], "a_1") is own
    assert rule_for([workspace, own], "a_2") is workspace
    assert rule_for([own], "a_2") is DEFAULT_RULE
    assert DEFAULT_RULE.per_week == 3 and DEFAULT_RULE.window is WINDOWS["morning"]


def test_bad_rules_and_months_are_refused():
    with pytest.raises(ValueError):
        Rule.of(per_week=0)
    with pytest.raises(ValueError):
        Rule.of(days=["someday"])
    with pytest.raises(ValueError):
        month_bounds(f"{NEXT_YEAR}-13")
