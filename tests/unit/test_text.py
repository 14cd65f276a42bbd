"""Each network's counting rule on texts where the rules disagree."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.limits import TextCounting
from chalicelib.domain.text import (
    SINGLE_CLUSTER,
    count,
    extract_hashtags,
    extract_mentions,
    extract_urls,
)

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # one emoji, 7 code points
ACCENTED = "e\u0301"  # e + combining acute: one grapheme, two code points


@pytest.mark.parametrize(
    ("counting", "expected"),
    [
        (TextCounting.WEIGHTED, 1 + 1 + 2 + 1 + 1),  # the family emoji weighs 2; é is NFC-composed
        (TextCounting.GRAPHEMES, 5),
        (TextCounting.CODE_POINTS, 1 + 1 + 7 + 1 + 2),
        (TextCounting.UTF16, 1 + 1 + 11 + 1 + 2),
        (TextCounting.BYTES, 1 + 1 + 25 + 1 + 3),
    ],
)
def test_each_network_counts_the_same_text_by_its_own_rule(counting, expected):
    text = f"a {FAMILY} {ACCENTED}"
    assert count(text, counting) == expected


@pytest.mark.parametrize(
    ("text", "graphemes"),
    [("a\r\nb", 3), ("\r\r\n\n", 3), ("plain text", 10), (f"a\r\n{ACCENTED}", 3), ("", 0)],
)
def test_a_line_break_of_cr_and_lf_is_one_grapheme_in_ascii_text_and_in_any_other(text, graphemes):
    assert count(text, TextCounting.GRAPHEMES) == graphemes


def test_x_counts_a_precomposed_and_a_decomposed_accent_alike():
    assert count("caf\u00e9", TextCounting.WEIGHTED) == count("cafe\u0301", TextCounting.WEIGHTED)


def test_a_network_with_a_fixed_link_length_counts_every_link_as_that_length():
    text = "read https://example.com/a/very/long/path/indeed"
    assert count(text, TextCounting.CODE_POINTS, url_length=23) == len("read ") + 23
    assert count(text, TextCounting.WEIGHTED) == len("read ") + 23


def test_links_hashtags_and_mentions_are_told_apart():
    text = "Launch day #ship it with @ana, see example.com/launch#notes or https://t.co/abc"
    assert [u.value for u in extract_urls(text)] == ["example.com/launch#notes", "https://t.co/abc"]
    assert [t.value for t in extract_hashtags(text)] == ["ship"]
    assert [m.value for m in extract_mentions(text)] == ["ana"]


# ------------------------------------------------------- graphemes counted around the runs

# Characters that join their neighbours (marks, joiners, flags' letters, Hangul jamo,
# prepended signs, CR) among ones that never do.
_JOINING = (
    "\u0301\u0483\u200d\u200c\ufe0f\U0001f3fb\U0001f1e6\U0001f1e8\u0600\u1100\u1161\u11a8"
    "\uac00\u094d\u0903\u0e33\U000e0067\U000e007f\r"
)
_SINGLE = (
    "ab \n\x00\u00e9\u02ff\u0370\u0440\u212a\u4e00\U0001f600\U0001f468\U0001f3f4\u0915\u0924\u00a9"
)


def _clusters(text: str) -> int:
    import regex

    return len(regex.findall(r"\X", text))


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(list(_JOINING + _SINGLE)), max_size=30).map("".join))
def test_graphemes_are_counted_as_the_cluster_expression_counts_them(text):
    assert count(text, TextCounting.GRAPHEMES) == _clusters(text)
    assert count(text * 3 + "abcdef" + text, TextCounting.GRAPHEMES) == _clusters(
        text * 3 + "abcdef" + text
    )


def test_no_character_counted_as_a_cluster_of_its_own_joins_a_neighbour():
    import re

    import regex

    joining = regex.compile(
        r"[\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}\p{GCB=Prepend}\p{GCB=Regional_Indicator}"
        r"\p{GCB=L}\p{GCB=V}\p{GCB=T}\p{GCB=LV}\p{GCB=LVT}\p{GCB=CR}]"
    )
    single = re.compile(f"[{SINGLE_CLUSTER}]")
    characters = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert [hex(ord(c)) for c in single.findall(characters) if joining.match(c)] == []


# ---------------------------------------------------------- emoji sequences found directly

_EMOJI_PARTS = (
    "a#1*\ufe0f\u20e3\u200d\U0001f1e6\U0001f1e8\U0001f3f4\U000e0067\U000e007f\U0001f3fb"
    "\u00a9\u00ae\U0001f600\U0001f468 "
)


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(list(_EMOJI_PARTS)), max_size=30).map("".join))
def test_emoji_sequences_are_the_emoji_of_more_than_one_code_point(text):
    from chalicelib.domain.text import _emoji_pattern

    every = [m.span() for m in _emoji_pattern().finditer(text)]
    assert [m.span() for m in _emoji_pattern(sequences_only=True).finditer(text)] == [
        (start, end) for start, end in every if end - start > 1
    ]


_WEIGHT_EDGES = [0, 65, 233, 4351, 4352, 8191, 8192, 8205, 8206, 8208, 8223, 8224, 8242, 8247]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*_WEIGHT_EDGES, 8248, 0x1F600]), max_size=40))
def test_x_weighs_each_character_by_its_range_counted_in_bulk(code_points):
    from chalicelib.domain.text import X_WEIGHTING, WeightedConfig, parse_weighted

    text = "".join(map(chr, code_points))
    no_emoji = WeightedConfig(**{**X_WEIGHTING.__dict__, "emoji_parsing": False})
    expected = sum(X_WEIGHTING.weight(c) for c in code_points) * 50 // X_WEIGHTING.scale
    assert parse_weighted(text * 50, no_emoji).weighted_length == expected
