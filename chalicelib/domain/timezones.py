"""IANA time zone names, validated against the tz database.

>>> TypeAdapter(TimeZoneName).validate_python("Europe/Paris")
'Europe/Paris'
"""

from __future__ import annotations

from functools import cache
from typing import Annotated

from pydantic import AfterValidator


@cache
def _known_zones() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def check_time_zone(name: str) -> str:
    if name not in _known_zones():
        raise ValueError(f"{name!r} is not an IANA time zone name such as 'Europe/Paris'")
    return name


TimeZoneName = Annotated[str, AfterValidator(check_time_zone)]
