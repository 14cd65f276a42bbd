"""Reading a bulk CSV: its encoding, delimiter and format, and every row as Schedulo's fields.

Four formats (docs/bulk-import.md has the full column mapping):
- `schedulo`: API.md's columns `date, time, timezone, accounts, text, media, first_comment,
  text_<network>` (plus `link` and `title`).
- `hootsuite`: the bulk composer's three columns, date/time, message, link; with or
  without a header row. It names no accounts: `?accounts=` says which.
- `buffer`: `Text, Link, Image URL (or Media URL), Posting Time` and an optional `Channel`.
- `ayrshare`: `post, platforms, mediaUrls, scheduleDate` (platforms by Ayrshare's names).

A row becomes a `SourceRow`: canonical field name -> (value, the CSV column it came from),
so every problem is reported against the column the user wrote.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time

FORMATS = ("schedulo", "hootsuite", "buffer", "ayrshare")
MAX_ROWS = 10_000
MAX_BYTES = 10 * 1024 * 1024  # as the API takes a CSV body
# What a media item holding a CSV may be typed as (browsers differ).
CONTENT_TYPES = ("text/csv", "text/plain", "application/csv", "application/vnd.ms-excel")

# Ayrshare's platform names, and others people write, as Schedulo's network ids.
PLATFORM_ALIASES = {
    "twitter": "x",
    "x": "x",
    "facebook": "facebook",
    "fb": "facebook",
    "instagram": "instagram",
    "ig": "instagram",
    "linkedin": "linkedin",
    "tiktok": "tiktok",
    "youtube": "youtube",
    "pinterest": "pinterest",
    "threads": "threads",
    "bluesky": "bluesky",
    "mastodon": "mastodon",
}

# Canonical field <- header names (lower-cased, spaces/underscores/dashes removed), per format.
_HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "schedulo": {
        "date": ("date",),
        "time": ("time",),
        "timezone": ("timezone",),
        "accounts": ("accounts",),
        "text": ("text",),
        "media": ("media",),
        "first_comment": ("firstcomment",),
        "link": ("link",),
        "title": ("title",),
    },
    "hootsuite": {
        "datetime": ("datetime", "date", "dateandtime", "scheduleddate"),
        "text": ("message", "posttext", "text"),
        "link": ("link", "url"),
    },
    "buffer": {
        "text": ("text", "content"),
        "link": ("link",),
        "media": ("imageurl", "mediaurl", "imageurls", "mediaurls", "image", "video", "videourl"),
        "datetime": ("postingtime", "scheduledat", "scheduledtime", "time"),
        "accounts": ("channel", "channels", "profile", "profiles"),
    },
    "ayrshare": {
        "text": ("post",),
        "platforms": ("platforms",),
        "media": ("mediaurls",),
        "datetime": ("scheduledate",),
    },
}
# Headers that identify a format on their own.
_SIGNATURES = {
    "ayrshare": {"post", "platforms"},
    "buffer": {"postingtime"},
    "schedulo": {"accounts"},
    "hootsuite": {"message"},
}


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message says why and `column` which."""

    def __init__(self, message: str, column: str = "file") -> None:
        super().__init__(message)
        self.column = column


@dataclass
class SourceRow:
    row: int  # the spreadsheet's line number: the header is row 1
    values: dict[str, tuple[str, str]] = field(default_factory=dict)  # field -> (value, column)

    def get(self, name: str) -> str:
        return self.values.get(name, ("", name))[0].strip()

    def column(self, name: str) -> str:
        return self.values.get(name, ("", name))[1]

    def variants(self) -> dict[str, tuple[str, str]]:
        """Per-network texts: network -> (text, column)."""
        return {
            name.removeprefix("text_"): (value.strip(), column)
            for name, (value, column) in self.values.items()
            if name.startswith("text_") and value.strip()
        }


@dataclass
class ParsedFile:
    format: str
    rows: list[SourceRow]
    columns: list[str]


def decode(data: bytes) -> str:
    """UTF-8 with or without a byte-order mark (Excel writes one)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileProblem(
            f"the file is not UTF-8 (byte {error.start} is not valid UTF-8): "
            "save it as 'CSV UTF-8' and upload it again"
        ) from None


def delimiter(text: str) -> str:
    """Commas or semicolons (spreadsheets in many European locales write semicolons):
    whichever the header line, read outside quotes, has more of."""
    header = _first_record(text)
    return ";" if header.count(";") > header.count(",") else ","


# The first record: everything up to a line break outside quotes (one pass, no backtracking).
_FIRST_RECORD = re.compile(r'(?:[^"\r\n]++|"[^"]*+")*+')


def _first_record(text: str) -> str:
    match = _FIRST_RECORD.match(text)
    end = match.end() if match else 0
    if end < len(text) and text[end] == '"':  # a quote never closed: the rest is the header
        end = len(text)
    return re.sub(r'"[^"]*"', "", text[:end])


def _key(header: str) -> str:
    return re.sub(r"[\s_\-]+", "", header.strip().lower())


def detect(headers: list[str]) -> str | None:
    keys = {_key(h) for h in headers}
    for name, signature in _SIGNATURES.items():
        if signature <= keys:
            return name
    return None


def parse(data: bytes, chosen: str | None = None) -> ParsedFile:
    """The file's format and rows, read one record at a time: a file of more than
    `MAX_ROWS` rows is refused as soon as the row after the last one is met, before the
    rest is read (1 MB of short lines is half a million rows)."""
    text = decode(data)
    if not text.strip():
        raise FileProblem("the file is empty")
    records = _records(text)
    first = next(records, None)
    if first is None:
        raise FileProblem("the file is empty")
    header = [cell.strip() for cell in first]
    found = detect(header)
    if chosen is None and found is None and _looks_like_hootsuite_row(header):
        return _headerless_hootsuite(first, records)
    format_name = chosen or found
    if format_name is None:
        raise FileProblem(
            "the header matches none of the formats: use Schedulo's columns (download the "
            "template) or say which format with ?format=schedulo|hootsuite|buffer|ayrshare",
            "header",
        )
    if format_name == "hootsuite" and _looks_like_hootsuite_row(header):
        return _headerless_hootsuite(first, records)
    mapping = _mapping(format_name, header)
    rows = _capped(_row(index + 2, record, header, mapping) for index, record in enumerate(records))
    if format_name == "ayrshare":  # mediaUrls is a comma-separated list
        for row in rows:
            if "media" in row.values:
                value, column = row.values["media"]
                row.values["media"] = (value.replace(",", "|"), column)
    return ParsedFile(format_name, rows, header)


def _records(text: str) -> Iterator[list[str]]:
    """The records that hold something, one at a time; a cell the csv module cannot read
    (longer than its field limit, 131,072 characters) is a FileProblem naming its line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text))
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            limit = csv.field_size_limit()
            reason = (
                f"a cell is longer than {limit:,} characters"
                if "field limit" in str(error)
                else f"it cannot be read as CSV ({error})"
            )
            raise FileProblem(f"line {reader.line_num}: {reason}") from None
        if any(cell.strip() for cell in record):
            yield record


def _capped(rows: Iterable[SourceRow]) -> list[SourceRow]:
    found: list[SourceRow] = []
    for row in rows:
        if len(found) == MAX_ROWS:
            raise FileProblem(
                f"the file has more than {MAX_ROWS:,} rows; at most {MAX_ROWS:,} are read at "
                "once: split it into several files"
            )
        found.append(row)
    return found


def _mapping(format_name: str, header: list[str]) -> dict[int, str]:
    """Column index -> canonical field; an unknown column is refused by name."""
    names = _HEADERS[format_name]
    by_key = {alias: canonical for canonical, aliases in names.items() for alias in aliases}
    mapping: dict[int, str] = {}
    for index, column in enumerate(header):
        key = _key(column)
        if not key:
            continue
        if format_name == "schedulo" and column.strip().lower().startswith("text_"):
            network = column.strip().lower().removeprefix("text_")
            if network not in PLATFORM_ALIASES.values():
                raise FileProblem(f"{column}: {network!r} is not a network", column)
            mapping[index] = f"text_{network}"
        elif key in by_key:
            mapping[index] = by_key[key]
        else:
            known = ", ".join(names)
            raise FileProblem(
                f"{column}: not a column of the {format_name} format (known: {known})", column
            )
    required = {"schedulo": "text", "hootsuite": "text", "buffer": "text", "ayrshare": "text"}
    if required[format_name] not in mapping.values() and format_name != "schedulo":
        raise FileProblem(f"the {format_name} format needs a text column", "header")
    return mapping


def _row(number: int, record: list[str], header: list[str], mapping: dict[int, str]) -> SourceRow:
    row = SourceRow(number)
    for index, value in enumerate(record):
        if index in mapping:
            row.values[mapping[index]] = (value, header[index])
        elif value.strip():
            row.values.setdefault("_extra", (value, f"column {index + 1}"))
    return row


def _looks_like_hootsuite_row(cells: list[str]) -> bool:
    first = cells[0].strip() if cells else ""
    return re.match(r"^\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}", first) is not None


def _headerless_hootsuite(first: list[str], records: Iterator[list[str]]) -> ParsedFile:
    header = ["date", "message", "link"]
    mapping = {0: "datetime", 1: "text", 2: "link"}
    rows = _capped(
        _row(index + 1, record, header, mapping)
        for index, record in enumerate(itertools.chain([first], records))
    )
    return ParsedFile("hootsuite", rows, header)


# ------------------------------------------------------------------------------ dates, times


class DateProblem(ValueError):
    pass


class AmbiguousDate(DateProblem):
    pass


_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?$", re.IGNORECASE)


def file_date_order(values: list[str]) -> str | None:
    """The order the file's unambiguous dates show (13/01 is day-first), or None."""
    seen = set()
    for value in values:
        match = _NUMERIC_DATE.match(value.strip().split(" ")[0].split("T")[0])
        if match:
            first, second = int(match[1]), int(match[2])
            if first > 12 >= second:
                seen.add("dmy")
            elif second > 12 >= first:
                seen.add("mdy")
    return seen.pop() if len(seen) == 1 else None


def parse_date(value: str, order: str | None) -> date:
    value = value.strip()
    match = _ISO_DATE.match(value)
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
        match = _NUMERIC_DATE.match(value)
        if match:
            first, second, year = int(match[1]), int(match[2]), int(match[3])
            year = year + 2000 if year < 100 else year
            if order is None:
                if first != second and first <= 12 and second <= 12:
                    raise AmbiguousDate(
                        f"{value!r} could be {first} {_month(second)} or {second} "
                        f"{_month(first)}: choose the order with ?date_order=dmy or "
                        "?date_order=mdy"
                    )
                order = "dmy" if first > 12 else "mdy"
            day, month = (first, second) if order == "dmy" else (second, first)
            return date(year, month, day)
    except ValueError as error:
        if isinstance(error, AmbiguousDate):
            raise
        raise DateProblem(f"{value!r} is not a real date") from None
    raise DateProblem(f"{value!r} is not a date such as 2026-12-01 or 01/12/2026")


def parse_time(value: str) -> time:
    match = _TIME.match(value.strip())
    if not match:
        raise DateProblem(f"{value!r} is not a time such as 09:30 or 9:30 PM")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    meridiem = (match[4] or "").lower().replace(".", "")
    if meridiem:
        if not 1 <= hour <= 12:
            raise DateProblem(f"{value!r}: with AM or PM the hour is 1 to 12")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise DateProblem(f"{value!r} is not a time of day")
    return time(hour, minute, second)


def parse_datetime(value: str, order: str | None) -> datetime:
    """One cell holding date and time: ISO 8601 (with an offset or Z, an absolute instant)
    or a date, a space and a time. Naive results are wall-clock times."""
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d", value):
            return parsed
    except ValueError:
        pass
    day_part, _, time_part = value.replace("T", " ").partition(" ")
    if not time_part.strip():
        raise DateProblem(
            f"{value!r} has no time: write a date and a time such as 2026-12-01 09:30"
        )
    return datetime.combine(parse_date(day_part, order), parse_time(time_part))


def _month(number: int) -> str:
    return date(2000, number, 1).strftime("%B")


# ------------------------------------------------------------------------------ the template

TEMPLATE_COLUMNS = [
    "date",
    "time",
    "timezone",
    "accounts",
    "text",
    "media",
    "first_comment",
    "text_x",
    "text_linkedin",
]
TEMPLATE_EXAMPLES = [
    [
        "2026-12-01",
        "09:00",
        "Europe/Paris",
        "x:@yourhandle|linkedin:Your Page",
        "Our winter menu is here.",
        "https://example.com/winter.jpg",
        "Book a table at example.com",
        "Winter menu is out ❄️",
        "",
    ],
    ["", "", "", "x:@yourhandle", "No date or time: this row goes to the queue.", "", "", "", ""],
]


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerows(TEMPLATE_EXAMPLES)
    return out.getvalue()
