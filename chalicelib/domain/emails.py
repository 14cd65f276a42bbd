"""Email addresses as the app stores them: trimmed, lower-cased, plausibly shaped.

>>> TypeAdapter(EmailAddress).validate_python("  Ada@Example.COM ")
'ada@example.com'
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, WithJsonSchema

_PATTERN = r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$"
_SHAPE = re.compile(_PATTERN)


def normalise_email(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("an email address is a string")
    email = value.strip().lower()
    if len(email) > 254 or not _SHAPE.match(email):
        raise ValueError("not an email address such as ada@example.com")
    return email


# The schema says what the validator accepts (before trimming and lower-casing).
EmailAddress = Annotated[
    str,
    BeforeValidator(normalise_email),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": 254, "pattern": _PATTERN}),
]
