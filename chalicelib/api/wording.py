"""Pydantic's validation messages in plain words: the one mapping behind the API's 4xx.

"String should have at least 10 characters" becomes "use at least 10 characters"; the
error's summary names the field in words ("Password: use at least 10 characters"), while
each detail keeps the field's own name, as API.md fixes it.

>>> plain({"type": "string_too_short", "msg": "", "ctx": {"min_length": 10}})
'use at least 10 characters'
>>> field_label("first_comment")
'First comment'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any


def _count(n: Any, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _too_short(ctx: dict[str, Any]) -> str:
    n = ctx.get("min_length", 1)
    return "cannot be empty" if n == 1 else f"use at least {_count(n, 'character', 'characters')}"


def _list_too_short(ctx: dict[str, Any]) -> str:
    n = ctx.get("min_length", 1)
    return f"give at least {_count(n, 'item', 'items')}"


def _list_too_long(ctx: dict[str, Any]) -> str:
    return f"give at most {_count(ctx.get('max_length'), 'item', 'items')}"


def _one_of(ctx: dict[str, Any]) -> str:
    return f"use one of {ctx.get('expected', 'the listed values')}"


_DATE_TIME = "use a date and time such as 2027-03-01T09:00:00+01:00"
_DATE = "use a date such as 2027-03-01"

# pydantic error type -> the sentence, from the error's context.
_PLAIN: dict[str, Callable[[dict[str, Any]], str]] = {
    "missing": lambda ctx: "this is required",
    "string_too_short": _too_short,
    "string_too_long": lambda ctx: (
        f"use at most {_count(ctx.get('max_length'), 'character', 'characters')}"
    ),
    "too_short": _list_too_short,
    "too_long": _list_too_long,
    "string_type": lambda ctx: "write this as text",
    "string_pattern_mismatch": lambda ctx: "is not in the expected format",
    "string_unicode": lambda ctx: "write this as text",
    "int_type": lambda ctx: "use a whole number",
    "int_parsing": lambda ctx: "use a whole number",
    "int_from_float": lambda ctx: "use a whole number",
    "float_type": lambda ctx: "use a number",
    "float_parsing": lambda ctx: "use a number",
    "bool_type": lambda ctx: "use true or false",
    "bool_parsing": lambda ctx: "use true or false",
    "greater_than": lambda ctx: f"use a number above {ctx.get('gt')}",
    "greater_than_equal": lambda ctx: f"use {ctx.get('ge')} or more",
    "less_than": lambda ctx: f"use a number below {ctx.get('lt')}",
    "less_than_equal": lambda ctx: f"use {ctx.get('le')} or less",
    "literal_error": _one_of,
    "enum": _one_of,
    "extra_forbidden": lambda ctx: "is not a field Schedulo knows: remove it",
    "dict_type": lambda ctx: "should be an object ({...})",
    "model_type": lambda ctx: "should be an object ({...})",
    "model_attributes_type": lambda ctx: "should be an object ({...})",
    "list_type": lambda ctx: "should be a list ([...])",
    "set_type": lambda ctx: "should be a list ([...])",
    "none_required": lambda ctx: "leave this out",
    "datetime_type": lambda ctx: _DATE_TIME,
    "datetime_parsing": lambda ctx: _DATE_TIME,
    "datetime_from_date_parsing": lambda ctx: _DATE_TIME,
    "timezone_aware": lambda ctx: "give the time with its UTC offset, such as +01:00",
    "timezone_naive": lambda ctx: "give the time without a UTC offset",
    "date_type": lambda ctx: _DATE,
    "date_parsing": lambda ctx: _DATE,
    "date_from_datetime_parsing": lambda ctx: _DATE,
    "time_parsing": lambda ctx: "use a time of day such as 09:30",
    "url_type": lambda ctx: "enter a full web address such as https://example.com",
    "url_parsing": lambda ctx: "enter a full web address such as https://example.com",
    "url_scheme": lambda ctx: "enter a full web address such as https://example.com",
    "url_too_long": lambda ctx: "this web address is too long",
}

# What pydantic puts before the message a validator raised.
_RAISED = re.compile(r"^(?:Value error|Assertion failed),\s*")


def plain(problem: Mapping[str, Any]) -> str:
    """One pydantic problem (`ValidationError.errors()` item) as a phrase, no field name."""
    kind = str(problem.get("type", ""))
    ctx = problem.get("ctx") or {}
    if kind in _PLAIN:
        return _PLAIN[kind](ctx)
    message = _RAISED.sub("", str(problem.get("msg", "")))  # a validator's own words
    return message[:1].lower() + message[1:] if message[1:2].islower() else message


def field_label(field: str) -> str:
    """A field's name in words: `first_comment` -> "First comment"; a nested path
    (`targets[0].text`) is named as it is, so it can be found in the body."""
    if not re.fullmatch(r"[A-Za-z_]+", field):
        return field
    words = field.strip("_").replace("_", " ")
    return words[:1].upper() + words[1:]


def sentence(field: str, phrase: str) -> str:
    """ "Password: use at least 10 characters"."""
    return f"{field_label(field)}: {phrase}"
