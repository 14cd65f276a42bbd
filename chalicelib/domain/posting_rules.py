"""Posting rules: how often, on which days and at what time of day an account posts, and
the concrete instants they give for one month.

A rule says "3 a week, on Monday, Wednesday and Friday, in the morning" for one account, or
for every account of the workspace (`account_id` None; an account's own rule wins). For a
month it resolves, week by week (Monday to Sunday, on the account's wall clock), to:

- the rule's days that fall in the month (empty `days`: `spread_days(per_week)`, the usual
  spread of that many posts over a week); when the rule asks for fewer posts than it
  names days, an evenly spread subset; when for more, several posts a day;
- on each chosen day, times in the window: its usual time (morning 09:00, afternoon
  13:00, evening 18:00) or, with more posts that day, times spread across the window; with
  best times, the window's hours the account's analytics rank best that weekday
  (`lift`: 7 x 24, Monday = 0, the account's own wall clock);
- each wall time made an instant in the account's zone (`timezones.to_utc`: a time the
  clocks skip moves forward to the end of the gap, a time they repeat takes its first
  occurrence), so 09:00 stays 09:00 on the wall clock across a DST change;
- never at or before `not_before`, and never within `gap` of an instant already taken
  (`taken`: the account's scheduled posts, and the slots handed out before): a slot that
  collides moves later in its window in `step`s, then to the rest of the week's rule days,
  and is dropped when the week has no free room left.

Pure: no clock, no AWS. `chalicelib/plans/service.py` reads the rules, the accounts, their
scheduled posts and their best times and calls `month_slots`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from chalicelib.domain.timezones import to_utc

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Grid = Sequence[Sequence[float]]


@dataclass(frozen=True)
class Window:
    """A part of the day, on the wall clock: [start, end), and its usual time."""

    name: str
    start: time
    end: time
    usual: time

    def minutes(self) -> tuple[int, int]:
        return _minutes(self.start), _minutes(self.end)


WINDOWS: dict[str, Window] = {
    "morning": Window("morning", time(8, 0), time(11, 0), time(9, 0)),
    "afternoon": Window("afternoon", time(12, 0), time(16, 0), time(13, 0)),
    "evening": Window("evening", time(17, 0), time(20, 0), time(18, 0)),
}

# The usual spread of n posts over a week, by weekday index (Monday = 0).
_SPREAD: dict[int, tuple[int, ...]] = {
    1: (2,),
    2: (1, 3),
    3: (0, 2, 4),
    4: (0, 1, 3, 4),
    5: (0, 1, 2, 3, 4),
    6: (0, 1, 2, 3, 4, 5),
    7: (0, 1, 2, 3, 4, 5, 6),
}


@dataclass(frozen=True)
class Rule:
    per_week: int = 3
    days: tuple[int, ...] = ()  # weekday indexes, Monday = 0; empty: spread_days(per_week)
    window: Window = WINDOWS["morning"]
    use_best_times: bool = False
    account_id: str | None = None

    @classmethod
    def of(
        cls,
        per_week: int = 3,
        days: Iterable[str] = (),
        window: str = "morning",
        use_best_times: bool = False,
        account_id: str | None = None,
    ) -> Rule:
        """A rule from the API's words (`days` like "mon", `window` like "evening")."""
        if not 1 <= per_week <= 14:
            raise ValueError("per_week must be between 1 and 14")
        indexes = tuple(sorted({DAYS.index(day[:3].lower()) for day in days}))
        return cls(per_week, indexes, WINDOWS[window], use_best_times, account_id)


DEFAULT_RULE = Rule()


def rule_for(rules: Iterable[Rule], account_id: str | None) -> Rule:
    """The account's own rule, else the workspace's (no account), else three mornings a week."""
    workspace = None
    for rule in rules:
        if account_id is not None and rule.account_id == account_id:
            return rule
        if rule.account_id is None and workspace is None:
            workspace = rule
    return workspace or DEFAULT_RULE


def spread_days(per_week: int) -> tuple[int, ...]:
    """The weekdays n posts a week usually go out on: 3 -> Monday, Wednesday, Friday."""
    return _SPREAD[min(max(per_week, 1), 7)]


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of "YYYY-MM" (ValueError when it is not such a month)."""
    year, number = (int(part) for part in month.split("-"))
    if not 1 <= number <= 12:
        raise ValueError(f"{month!r} is not a month such as 2026-12")
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


@dataclass
class _Week:
    days: list[date] = field(default_factory=list)  # the rule's days of this week in the month


def month_slots(
    rule: Rule,
    zone_name: str,
    month: str,
    not_before: datetime,
    taken: Iterable[datetime] = (),
    lift: Grid | None = None,
    *,
    gap: timedelta = timedelta(hours=1),
    step: timedelta = timedelta(minutes=30),
) -> list[datetime]:
    """The month's posting instants (UTC, soonest first) for `rule` in `zone_name`."""
    first, last = month_bounds(month)
    busy = sorted(instant.astimezone(UTC) for instant in taken)
    rule_days = rule.days or spread_days(rule.per_week)
    found: list[datetime] = []
    for week in _weeks(first, last, rule_days):
        wanted = _posts_this_week(rule, rule_days, len(week.days))
        found += _place_week(rule, zone_name, week.days, wanted, not_before, busy, lift, gap, step)
    return sorted(found)


def _weeks(first: date, last: date, rule_days: tuple[int, ...]) -> list[_Week]:
    weeks: list[_Week] = []
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        days = [monday + timedelta(days=d) for d in rule_days]
        weeks.append(_Week([day for day in days if first <= day <= last]))
        monday += timedelta(days=7)
    return weeks


def _posts_this_week(rule: Rule, rule_days: tuple[int, ...], days_in_month: int) -> int:
    """A week cut by the month's start or end keeps the posts of the days it has."""
    if days_in_month == len(rule_days):
        return rule.per_week
    return round(rule.per_week * days_in_month / len(rule_days))


def _place_week(
    rule: Rule,
    zone_name: str,
    days: list[date],
    wanted: int,
    not_before: datetime,
    busy: list[datetime],
    lift: Grid | None,
    gap: timedelta,
    step: timedelta,
) -> list[datetime]:
    if not days or wanted <= 0:
        return []
    per_day = [0] * len(days)
    if wanted <= len(days):
        for i in _evenly(len(days), wanted):
            per_day[i] = 1
    else:
        for i in range(wanted):
            per_day[i % len(days)] += 1
    placed: list[datetime] = []
    leftover = 0
    for day, count in zip(days, per_day, strict=True):
        got = _place_day(rule, zone_name, day, count, not_before, busy, lift, gap, step)
        placed += got
        leftover += count - len(got)
    # What a full (or past) day could not take goes to the week's other rule days.
    for day in days:
        if leftover <= 0:
            break
        got = _place_day(rule, zone_name, day, leftover, not_before, busy, lift, gap, step)
        placed += got
        leftover -= len(got)
    return placed


def _evenly(n: int, k: int) -> list[int]:
    """k of n positions spread evenly: 2 of 5 -> [0, 2] (then 3 of 5 -> [0, 2, 4])."""
    if k >= n:
        return list(range(n))
    return sorted({(i * n) // k for i in range(k)})


def _place_day(
    rule: Rule,
    zone_name: str,
    day: date,
    count: int,
    not_before: datetime,
    busy: list[datetime],
    lift: Grid | None,
    gap: timedelta,
    step: timedelta,
) -> list[datetime]:
    placed: list[datetime] = []
    for wall in _candidates(rule, day, count, lift, step):
        if len(placed) == count:
            break
        instant = to_utc(datetime.combine(day, wall), zone_name)
        if instant <= not_before or _collides(instant, busy, gap):
            continue
        _insert(busy, instant)
        placed.append(instant)
    return placed


def _candidates(
    rule: Rule, day: date, count: int, lift: Grid | None, step: timedelta
) -> list[time]:
    """The wall times to try on `day`, best first: the preferred ones, then every step of
    the window from its start (so a collision moves a slot to the next free time)."""
    start, end = rule.window.minutes()
    step_minutes = max(int(step.total_seconds() // 60), 1)
    every = list(range(start, end, step_minutes))
    if rule.use_best_times and lift is not None:
        row = lift[day.weekday()]
        hours = sorted(
            {m // 60 for m in every}, key=lambda h: (-row[h] if h < len(row) else 0.0, h)
        )
        preferred = [h * 60 for h in hours[:count]]
    elif count == 1:
        preferred = [_minutes(rule.window.usual)]
    else:
        # Spread over the window, on the step's grid.
        span = end - start
        preferred = [
            start + ((span * (i + 1)) // (count + 1)) // step_minutes * step_minutes
            for i in range(count)
        ]
    ordered = list(dict.fromkeys(sorted(preferred) + every))
    return [time(m // 60, m % 60) for m in ordered]


def _collides(instant: datetime, busy: list[datetime], gap: timedelta) -> bool:
    return any(abs(instant - other) < gap for other in busy)


def _insert(busy: list[datetime], instant: datetime) -> None:
    busy.append(instant)
    busy.sort()


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute
