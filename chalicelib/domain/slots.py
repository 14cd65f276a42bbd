"""Posting slots: the weekly times an account posts at, in the account's own time zone.

A queue fills the next free slot: the first slot instant after a moment that no post of
the account already takes. Slot instants follow the zone's daylight-saving rules, so
"Monday 09:00" stays 09:00 on the wall clock all year.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from chalicelib.domain.timezones import to_utc, to_wall

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Far enough for any queue a user fills by hand, and the one-year scheduling limit.
HORIZON = timedelta(days=366)
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, order=True)
class Slot:
    """A weekday (0 = Monday) and a local time of day."""

    weekday: int
    time: time

    @classmethod
    def parse(cls, day: str, at: str) -> Slot:
        """`Slot.parse("mon", "09:30")`; ValueError with a readable message otherwise."""
        day = day.strip().lower()[:3]
        if day not in WEEKDAYS:
            raise ValueError(f"{day!r} is not a weekday; use one of {', '.join(WEEKDAYS)}")
        match = _TIME.match(at.strip())
        if not match:
            raise ValueError(f"{at!r} is not a time of day such as 09:30")
        return cls(WEEKDAYS.index(day), time(int(match[1]), int(match[2])))

    @property
    def day(self) -> str:
        return WEEKDAYS[self.weekday]

    @property
    def at(self) -> str:
        return self.time.strftime("%H:%M")


def default_slots() -> list[Slot]:
    """A new account's queue: three slots each weekday and one late morning at weekends."""
    weekdays = [
        Slot(day, time(hour, minute))
        for day in range(5)
        for hour, minute in ((9, 0), (12, 30), (17, 0))
    ]
    return weekdays + [Slot(day, time(10, 0)) for day in (5, 6)]


def next_free_slots(
    slots: Iterable[Slot],
    zone_name: str,
    after: datetime,
    taken: Iterable[datetime] = (),
    count: int = 1,
) -> list[datetime]:
    """The first `count` slot instants (UTC) strictly after `after` that `taken` leaves free."""
    weekly = sorted(set(slots))
    if not weekly or count < 1:
        return []
    busy = {_minute(instant) for instant in taken}
    found: list[datetime] = []
    day = to_wall(after, zone_name).date()
    last_day = (after + HORIZON).date()
    while len(found) < count and day <= last_day:
        for slot in weekly:
            if slot.weekday != day.weekday():
                continue
            instant = to_utc(datetime.combine(day, slot.time), zone_name)
            if instant > after and _minute(instant) not in busy:
                busy.add(_minute(instant))  # two slots in a spring-forward gap meet at one instant
                found.append(instant)
                if len(found) == count:
                    break
        day += timedelta(days=1)
    return found


def _minute(instant: datetime) -> datetime:
    return instant.astimezone(UTC).replace(second=0, microsecond=0)


@dataclass(frozen=True)
class Queue:
    """One account's queue: its weekly slots, its zone and the instants already taken."""

    slots: tuple[Slot, ...]
    zone_name: str
    taken: tuple[datetime, ...] = ()

    def is_free_slot(self, instant: datetime) -> bool:
        just_before = instant - timedelta(seconds=1)
        return next_free_slots(self.slots, self.zone_name, just_before, self.taken) == [instant]


def next_common_slot(queues: list[Queue], after: datetime, tries: int = 500) -> datetime | None:
    """The first instant after `after` that is a free slot in every queue (one post, many
    accounts, one time), or None when they share none soon."""
    if not queues:
        return None
    first, others = queues[0], queues[1:]
    for candidate in next_free_slots(first.slots, first.zone_name, after, first.taken, tries):
        if all(queue.is_free_slot(candidate) for queue in others):
            return candidate
    return None


def reordered(times: dict[str, datetime], order: list[str]) -> dict[str, datetime]:
    """The queue's times handed out again in the order the user wants: the earliest of
    `times` (post id -> its instant) goes to `order[0]`, the next to `order[1]`, and so on.
    Only the posts whose time changes are returned.

    >>> t = datetime(2030, 1, 1, 9, tzinfo=UTC)
    >>> reordered({"a": t, "b": t + timedelta(hours=3)}, ["b", "a"])["b"] == t
    True
    """
    if sorted(times) != sorted(order):
        raise ValueError("order must name each post of times once")
    moved = dict(zip(order, sorted(times.values()), strict=True))
    return {post_id: at for post_id, at in moved.items() if at != times[post_id]}
