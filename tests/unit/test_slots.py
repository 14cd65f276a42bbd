"""Queues: the next free weekly slots of an account, in its own time zone."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from chalicelib.domain.slots import (
    Queue,
    Slot,
    default_slots,
    next_common_slot,
    next_free_slots,
    reordered,
)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


MON_9 = Slot.parse("mon", "09:00")
WED_18 = Slot.parse("Wednesday", "18:30")


def test_next_slots_follow_the_week_in_the_accounts_zone():
    # Monday 2026-11-23; Paris is UTC+1 in winter.
    found = next_free_slots([WED_18, MON_9], "Europe/Paris", after=utc(2026, 11, 23, 0, 0), count=3)
    assert found == [utc(2026, 11, 23, 8, 0), utc(2026, 11, 25, 17, 30), utc(2026, 11, 30, 8, 0)]


def test_a_slot_at_or_before_the_moment_is_not_next():
    found = next_free_slots([MON_9], "Europe/Paris", after=utc(2026, 11, 23, 8, 0), count=1)
    assert found == [utc(2026, 11, 30, 8, 0)]


def test_taken_slots_are_skipped():
    taken = [utc(2026, 11, 23, 8, 0, 30)]  # a post already queued in that minute
    found = next_free_slots([MON_9, WED_18], "Europe/Paris", utc(2026, 11, 22), taken, count=2)
    assert found == [utc(2026, 11, 25, 17, 30), utc(2026, 11, 30, 8, 0)]


def test_a_slot_keeps_its_wall_clock_time_across_daylight_saving():
    found = next_free_slots(
        [Slot.parse("sun", "09:00")], "America/New_York", utc(2026, 10, 30), count=2
    )
    assert found == [utc(2026, 11, 1, 14, 0), utc(2026, 11, 8, 14, 0)]
    summer = next_free_slots(
        [Slot.parse("sun", "09:00")], "America/New_York", utc(2026, 10, 20), count=1
    )
    assert summer == [utc(2026, 10, 25, 13, 0)]


def test_a_slot_skipped_by_spring_forward_moves_to_the_end_of_the_jump():
    found = next_free_slots([Slot.parse("sun", "02:30")], "Europe/Paris", utc(2026, 3, 28), count=1)
    assert found == [utc(2026, 3, 29, 1, 0)]


def test_no_slots_means_no_queue():
    assert next_free_slots([], "UTC", utc(2026, 1, 1), count=3) == []


def test_a_new_account_gets_weekday_and_weekend_slots():
    slots = default_slots()
    assert {slot.weekday for slot in slots} == set(range(7))
    assert Slot(0, time(9, 0)) in slots
    assert [slot.at for slot in slots if slot.day == "sat"] == ["10:00"]
    week = next_free_slots(slots, "UTC", utc(2026, 11, 22, 23, 59), count=len(slots))
    assert len(week) == 17 and week[-1] < utc(2026, 11, 30)


@pytest.mark.parametrize(
    ("day", "at", "message"),
    [
        ("funday", "09:00", "not a weekday"),
        ("mon", "9am", "not a time of day"),
        ("mon", "24:00", "not a time"),
    ],
)
def test_a_malformed_slot_is_refused_with_a_reason(day, at, message):
    with pytest.raises(ValueError, match=message):
        Slot.parse(day, at)


def test_accounts_in_one_zone_share_their_next_free_slot():
    london = Queue((MON_9, WED_18), "Europe/London", taken=(utc(2026, 11, 23, 9, 0),))
    also_london = Queue((MON_9, WED_18), "Europe/London")
    assert next_common_slot([also_london, london], utc(2026, 11, 22)) == utc(2026, 11, 25, 18, 30)


def test_accounts_in_different_zones_meet_where_their_slots_coincide():
    paris = Queue((Slot.parse("mon", "10:00"), Slot.parse("tue", "10:00")), "Europe/Paris")
    london = Queue((Slot.parse("tue", "09:00"),), "Europe/London")
    assert next_common_slot([paris, london], utc(2026, 11, 22)) == utc(2026, 11, 24, 9, 0)


def test_accounts_without_a_shared_slot_have_no_common_slot():
    mondays = Queue((MON_9,), "UTC")
    wednesdays = Queue((WED_18,), "UTC")
    assert next_common_slot([mondays, wednesdays], utc(2026, 11, 22)) is None
    assert next_common_slot([], utc(2026, 11, 22)) is None


def test_a_reordered_queue_hands_its_own_times_out_again_in_the_new_order():
    nine, noon, five = utc(2030, 1, 7, 9), utc(2030, 1, 7, 12), utc(2030, 1, 7, 17)
    times = {"a": nine, "b": noon, "c": five}
    assert reordered(times, ["c", "a", "b"]) == {"c": nine, "a": noon, "b": five}
    assert reordered(times, ["a", "c", "b"]) == {"c": noon, "b": five}  # a stays
    assert reordered(times, ["a", "b", "c"]) == {}
    with pytest.raises(ValueError):
        reordered(times, ["a", "b"])
