"""Wall-clock times in a user's IANA time zone, and the UTC instants they mean.

The rules (DESIGN.md section 3): a wall time that does not exist because the clocks jump
forward moves to the first instant after the jump; a wall time that happens twice because
the clocks fall back means its first occurrence.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator

from chalicelib.domain.model import OneOf


class InvalidTime(ValueError):
    """A time or zone the user must correct; the message says how."""


@cache
def _known_zones() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


@cache
def zone(name: str) -> ZoneInfo:
    """The IANA zone `name` (e.g. "Europe/Paris"), or InvalidTime."""
    if name not in _known_zones():
        raise InvalidTime(f"{name!r} is not an IANA time zone such as Europe/Paris")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidTime(f"{name!r} is not an IANA time zone such as Europe/Paris") from error


def is_zone(name: str) -> bool:
    try:
        zone(name)
    except InvalidTime:
        return False
    return True


def to_utc(wall: datetime, zone_name: str) -> datetime:
    """The UTC instant of the naive wall-clock time `wall` in `zone_name`.

    InvalidTime when that instant falls outside years 1 to 9999.
    """
    tz = zone(zone_name)
    local = wall.replace(tzinfo=tz, fold=0)  # fold 0: the first of two occurrences
    try:
        instant = local.astimezone(UTC)
        if instant.astimezone(tz).replace(tzinfo=None) != wall.replace(tzinfo=None, fold=0):
            return _end_of_gap(wall, tz)
    except OverflowError:
        raise _out_of_range(wall.isoformat()) from None
    return instant


def _out_of_range(value: str) -> InvalidTime:
    return InvalidTime(f"{value!r} is too near the start or end of the calendar (years 1-9999)")


def _end_of_gap(wall: datetime, tz: ZoneInfo) -> datetime:
    """The instant the clocks jumped over `wall`: the first valid one after it."""
    before = wall.replace(tzinfo=tz, fold=0).utcoffset() or timedelta()
    after = wall.replace(tzinfo=tz, fold=1).utcoffset() or timedelta()
    low = wall.replace(tzinfo=UTC) - max(before, after)  # still before the jump
    high = wall.replace(tzinfo=UTC) - min(before, after)  # already after it
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == low.astimezone(tz).utcoffset():
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0)


def to_wall(instant: datetime, zone_name: str) -> datetime:
    """The naive wall-clock time in `zone_name` at the aware `instant` (InvalidTime when
    it falls outside years 1 to 9999)."""
    try:
        return instant.astimezone(zone(zone_name)).replace(tzinfo=None)
    except OverflowError:
        raise _out_of_range(instant.isoformat()) from None


def parse_at(value: str, zone_name: str) -> datetime:
    """`when.at` as UTC: a naive ISO time is read in `zone_name`; one with an offset is absolute."""
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError) as error:
        raise InvalidTime(
            f"{value!r} is not an ISO 8601 time such as 2026-12-01T09:00:00"
        ) from error
    if parsed.tzinfo is not None:
        zone(zone_name)  # the zone is still the post's: it must exist
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise _out_of_range(value) from None
    return to_utc(parsed, zone_name)


def iso_utc(instant: datetime) -> str:
    """`2026-12-01T08:00:00Z`: how times are stored and returned."""
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def check_time_zone(name: str) -> str:
    """A pydantic validator: `name` if it is an IANA zone, else a ValueError saying why."""
    zone(name)
    return name


# The schema of a zone name: the tz database's names, what `zone` accepts.
ZONE_NAMES = OneOf(lambda: sorted(_known_zones()), component="TimeZone")

# A request field holding an IANA time zone name, validated against the tz database.
TimeZoneName = Annotated[str, AfterValidator(check_time_zone), ZONE_NAMES]
