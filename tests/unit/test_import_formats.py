"""Reading bulk CSV files: formats, encodings, delimiters, quoted newlines and dates."""

from datetime import date, datetime, time

import pytest

from chalicelib.imports.formats import (
    AmbiguousDate,
    DateProblem,
    FileProblem,
    file_date_order,
    parse,
    parse_date,
    parse_datetime,
    parse_time,
    template_csv,
)


def test_schedulo_columns_are_detected_from_the_header():
    parsed = parse(b"date,time,accounts,text,text_x\n2026-12-01,09:00,x:@me,Hello,Hi X\n")
    assert parsed.format == "schedulo"
    row = parsed.rows[0]
    assert (row.row, row.get("date"), row.get("accounts"), row.get("text")) == (
        2,
        "2026-12-01",
        "x:@me",
        "Hello",
    )
    assert row.variants() == {"x": ("Hi X", "text_x")}


def test_a_byte_order_mark_and_semicolons_are_read_as_excel_writes_them():
    data = "\ufeffdate;time;accounts;text\n01/12/2026;09:00;x:@me;Bonjour, le monde\n"
    parsed = parse(data.encode("utf-8"))
    assert parsed.columns[0] == "date"
    assert parsed.rows[0].get("text") == "Bonjour, le monde"


def test_a_quoted_cell_keeps_its_newlines_and_semicolons():
    data = b'date,time,accounts,text\n2026-12-01,09:00,x:@me,"line one\nline two; with, commas"\n'
    parsed = parse(data)
    assert parsed.rows[0].get("text") == "line one\nline two; with, commas"


def test_a_quoted_header_with_commas_does_not_make_it_semicolons():
    assert parse(b'"date",time,accounts,text\n2026-12-01,09:00,x,Hi\n').format == "schedulo"


def test_hootsuite_files_are_read_with_or_without_a_header():
    headerless = parse(b"01/12/2026 09:30,Hello from Hootsuite,https://example.com\n")
    assert headerless.format == "hootsuite"
    assert headerless.rows[0].row == 1
    assert headerless.rows[0].get("datetime") == "01/12/2026 09:30"
    assert headerless.rows[0].get("link") == "https://example.com"
    with_header = parse(b"Date,Message,Link\n01/12/2026 09:30,Hello,\n")
    assert with_header.format == "hootsuite"
    assert with_header.rows[0].get("text") == "Hello"


def test_buffer_and_ayrshare_columns_map_to_schedulo_fields():
    buffer = parse(
        b"Text,Link,Image URL,Posting Time\nHi,https://e.com,https://e.com/a.jpg,2026-12-01 09:30\n"
    )
    assert buffer.format == "buffer"
    assert buffer.rows[0].get("datetime") == "2026-12-01 09:30"
    assert buffer.rows[0].get("media") == "https://e.com/a.jpg"
    ayrshare = parse(
        b'post,platforms,mediaUrls,scheduleDate\nHi,"twitter, linkedin",'
        b'"https://e.com/a.jpg,https://e.com/b.jpg",2026-12-01T09:30:00Z\n'
    )
    assert ayrshare.format == "ayrshare"
    assert ayrshare.rows[0].get("platforms") == "twitter, linkedin"
    assert ayrshare.rows[0].get("media") == "https://e.com/a.jpg|https://e.com/b.jpg"


def test_the_format_can_be_chosen_and_an_unknown_column_is_named():
    assert parse(b"message,link\nHi,\n", "hootsuite").format == "hootsuite"
    with pytest.raises(FileProblem) as raised:
        parse(b"date,time,accounts,text,colour\n", "schedulo")
    assert raised.value.column == "colour"


def test_an_unknown_header_says_how_to_choose_a_format():
    with pytest.raises(FileProblem, match="format="):
        parse(b"foo,bar\n1,2\n")


def test_a_file_that_is_not_utf8_is_refused_with_how_to_fix_it():
    with pytest.raises(FileProblem, match="UTF-8"):
        parse("date,text\n2026-12-01,Café\n".encode("latin-1"))


def test_ambiguous_dates_need_an_order_and_name_both_readings():
    with pytest.raises(AmbiguousDate, match="date_order"):
        parse_date("03/04/2027", None)
    assert parse_date("03/04/2027", "dmy") == date(2027, 4, 3)
    assert parse_date("03/04/2027", "mdy") == date(2027, 3, 4)
    assert parse_date("25/12/2026", None) == date(2026, 12, 25)
    assert parse_date("04/04/2027", None) == date(2027, 4, 4)
    assert parse_date("2027-04-03", None) == date(2027, 4, 3)


def test_a_file_whose_dates_show_their_order_reads_the_ambiguous_ones_that_way():
    assert file_date_order(["25/12/2026", "03/04/2027"]) == "dmy"
    assert file_date_order(["12/25/2026 09:00", "03/04/2027"]) == "mdy"
    assert file_date_order(["03/04/2027"]) is None
    assert file_date_order(["25/12/2026", "12/25/2026"]) is None


def test_impossible_dates_and_times_are_refused():
    with pytest.raises(DateProblem, match="not a real date"):
        parse_date("31/02/2027", "dmy")
    with pytest.raises(DateProblem):
        parse_time("25:00")
    with pytest.raises(DateProblem, match="no time"):
        parse_datetime("2026-12-01", None)


def test_times_in_twelve_and_twenty_four_hour_forms():
    assert parse_time("9:30 PM") == time(21, 30)
    assert parse_time("12:05 am") == time(0, 5)
    assert parse_time("09:30:15") == time(9, 30, 15)
    assert parse_datetime("01/12/2026 9:30 PM", "dmy") == datetime(2026, 12, 1, 21, 30)
    assert parse_datetime("2026-12-01T09:30:00Z", None).utcoffset().total_seconds() == 0


def test_the_template_is_a_schedulo_file():
    parsed = parse(template_csv().encode())
    assert parsed.format == "schedulo"
    assert len(parsed.rows) == 2


# ---------------------------------------------------------------- issue 19: hostile files


def test_rows_past_the_cap_are_refused_without_building_them(monkeypatch):
    from chalicelib.imports import formats

    built = []
    original = formats._row
    monkeypatch.setattr(formats, "_row", lambda *a: built.append(1) or original(*a))
    data = ("date,time,accounts,text\n" + "x\n" * 100_000).encode()
    with pytest.raises(formats.FileProblem, match="more than 10,000 rows"):
        formats.parse(data)
    assert len(built) == formats.MAX_ROWS + 1


def test_a_cell_over_the_field_limit_names_its_line():
    from chalicelib.imports import formats

    data = ('text,accounts\nhi,x\n"' + "a" * 140_000 + '",x\n').encode()
    with pytest.raises(formats.FileProblem, match="line 3: a cell is longer than 131,072"):
        formats.parse(data, "schedulo")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('a;b;"c,d,e"\n1,2,3', ";"),
        ('"a;b;c"\n', ","),
        ('"unclosed;a;b\n1,2', ";"),
        ("a,b\r\nc;d;e;f", ","),
    ],
)
def test_the_delimiter_is_read_from_the_header_outside_quotes(text, expected):
    from chalicelib.imports import formats

    assert formats.delimiter(text) == expected
