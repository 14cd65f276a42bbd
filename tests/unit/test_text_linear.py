"""Link extraction on adversarial texts: the linear scanner (chalicelib.domain.links) finds
exactly what twitter-text's backtracking expression finds, on texts shaped to make that
expression slow, and on generated ones.

The reference below is the expression the product used before (quadratic or worse on
these shapes), so it only ever sees short texts here. Timings are in bench/text.py.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from chalicelib.domain import links
from chalicelib.domain.limits import TextCounting
from chalicelib.domain.links import CYRILLIC, LATIN_ACCENTS
from chalicelib.domain.text import (
    Entity,
    count,
    extract_hashtags,
    extract_mentions,
    extract_urls,
    parse_weighted,
)


@pytest.fixture(autouse=True, scope="module")
def _plain_runs_of_any_length():
    # The scanner takes only runs worth their own part (links._SHORT_RUN characters), and
    # waits after a try that fails; here it takes every one and tries at every match, so
    # that the short texts below try them.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(links, "_SHORT_RUN", 1)
        patch.setattr(links, "_FIRST_GAP", 0)
        yield


# ------------------------------------------------------------- the reference (backtracking)


@cache
def _reference_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    from chalicelib.domain.tlds import COUNTRY_TLDS, GENERIC_TLDS

    def alternatives(names: frozenset[str]) -> str:
        return "|".join(re.escape(name) for name in sorted(names, key=lambda n: (-len(n), n)))

    tld_end = r"(?=[^0-9a-zA-Z@+\-]|\Z)"
    tld = (
        rf"(?:(?:{alternatives(GENERIC_TLDS)}){tld_end}"
        rf"|(?:{alternatives(COUNTRY_TLDS)}){tld_end}"
        r"|xn--[\-0-9a-z]+)"
    )
    excluded = f"{links.PUNCTUATION}{links.SPACES}{links.INVALID_GROUP}{links.DIRECTIONAL_MARKERS}"
    domain_char = f"[^{excluded}]"
    subdomain = rf"(?:(?:{domain_char}(?:[_\-]|{domain_char})*)?{domain_char}\.)"
    domain_name = rf"(?:(?:{domain_char}(?:-|{domain_char})*)?{domain_char}\.)"
    domain = rf"(?:{subdomain}*{domain_name}{tld})"
    path_char = rf"[a-z{CYRILLIC}0-9!*';:=+,.$/%#\[\]\-\u2013_~@|&{LATIN_ACCENTS}]"
    balanced = rf"\((?:{path_char}+|(?:{path_char}*\({path_char}+\){path_char}*))\)"
    path_end = rf"(?:[+\-a-z{CYRILLIC}0-9=_#/{LATIN_ACCENTS}]|{balanced})"
    path = rf"(?:(?:{path_char}*(?:{balanced}{path_char}*)*{path_end})|(?:@{path_char}+/))"
    query_char = rf"[a-z0-9!?*'\"@();:&=+$/%#\[\]\-_.,~|{{}}{CYRILLIC}{LATIN_ACCENTS}]"
    query_end = r"[a-z0-9\-_&=#/]"
    invalid, markers = links.INVALID_GROUP, links.DIRECTIONAL_MARKERS
    preceding = rf"(?:[^A-Za-z0-9@\uff20$#\uff03{invalid}]|[{markers}]|^)"
    url = (
        rf"(?P<before>{preceding})"
        rf"(?P<url>(?P<protocol>https?://)?(?P<domain>{domain})(?::[0-9]+)?"
        rf"(?P<path>/{path}*)?(?:\?{query_char}*{query_end})?)"
    )
    ascii_domain = rf"(?:[\-a-z0-9{LATIN_ACCENTS}]+\.)+{tld}"
    return (
        re.compile(url, re.IGNORECASE),
        re.compile(ascii_domain, re.IGNORECASE),
        re.compile(rf"^{ascii_domain}", re.IGNORECASE),
    )


def reference_matches(text: str) -> list[tuple[str, int, str | None, str, int, bool]]:
    url, _, _ = _reference_patterns()
    return [
        (m["before"], m.start("url"), m["protocol"], m["domain"], m.end("url"), bool(m["path"]))
        for m in url.finditer(text)
    ]


def linear_matches(text: str) -> list[tuple[str, int, str | None, str, int, bool]]:
    return [
        (
            m.before,
            m.start,
            m.protocol,
            text[m.domain_start : m.domain_end],
            m.end,
            m.has_path,
        )
        for m in links.scan(text)
    ]


def reference_hosts(domain: str) -> list[tuple[int, int]]:
    _, ascii_domain, _ = _reference_patterns()
    return [m.span() for m in ascii_domain.finditer(domain)]


# ------------------------------------------------------------------------ the shapes

# Texts that made the expression walk a whole run of labels from every start.
ADVERSARIAL = [
    "a." * 300,
    "a." * 300 + "com",
    "a.com." * 100,
    "a.com." * 100 + "a.a.a.a",
    "\u00e9" * 400 + ".",
    "\u00e9." * 300,
    "\u00e9" * 300 + ".com",
    "a-" * 300 + ".com",
    "a_." * 300 + "com",
    "_a." * 300 + "com",
    "a.b_c." * 100 + "com",
    "xn--a." * 100,
    "xn--" + "a." * 200 + "\u00e9.com",
    "http://" * 100 + "a.com",
    "http://a." * 100,
    "https://" + "a." * 300,
    "http://a.com/" + "(" * 300,
    "http://a.com/" + "(a" * 200,
    "http://a.com/" + "a!" * 200 + "!",
    "http://a.com/" + "(a)" * 100 + "!!",
    "http://a.com/?" + "!" * 300,
    "a.com/" + "@a" * 200,
    "1." * 300 + "com",
    "verm." * 100 + "verm\u00f6gensberater",
    "\u0440\u0444." * 200,
    "a." * 200 + "\u0440\u0444",
    "www." * 200,
    "-." * 300 + "a.com",
    ".com" * 200,
    "a" * 300 + ".com." * 10,
    "@a.com" * 100,
    "#a.com" * 100,
    "$a.com" * 100,
    "a.co\u212a." * 100,  # the Kelvin sign is a k to case-insensitive matching
    "\u0130nfo.\u0130nfo." * 50,
    # Many links, each right after the last (the usual host taken at once).
    "a.co " * 100,
    "t.co/\U0001f600" * 60,
    "mat.co/\u0440\u0444 \u212a" * 30,
    "_@http://\u212a.com" * 30,
    "\u00e9t.co/com " * 40,
    "xn--" + "https://a.com/(" * 20 + "\u00e9.com",
    "http://a.com_" * 30,
    "@\u200d@\u200da$\U0001f600t.co/" * 30,  # the link starts inside its label
    "ca):-\u212at.co/" * 30,
    "xn--a.co",
    "t.co/\u00e9\u200d\u0440xn--m" * 30,  # the last link ends inside the next label
    "/.\U0001f600.com!\u0444@" * 30,
    ":\u00e9t.co/http://\U0001f600http://" * 30,  # protocols without a host
    "t.co/ .com!" * 30,
    "#a.com " * 30 + "a.com",  # labels where no link starts, then one
    "@a.com/b.co " * 30,
    "a-.com " * 30 + "http://a_b.com b.com",
    "t.co/?xn--\U0001f600c" * 30,  # each label starts inside the last link's query
    ".com\u0444.com\u0440?" * 30,
    "a.b.co " * 30 + "x.a_b.co y.b.a_b.co \u00e9.a-.co z.co.uk/p",  # hosts of several labels
    "t.co/\U0001f600.b.co" * 30,
    ".com\U0001f600_ao\u00e9" * 40,  # one long run of labels, a link in each
    # Plain runs: links between separators, pieces where no link starts between them.
    "a.co(" * 40 + "a.co/x",
    "a.co x.y " * 30 + "x.com_",
    "#a.com " * 30 + "b.co! @a.com,a.co",
    "a.co e\u0301 " * 30,
    "x.y\u3000" * 30 + "a.b.co.uk;x.xn--p1ai|a.co",
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=range(len(ADVERSARIAL)))
def test_adversarial_texts_give_the_links_twitter_text_gives(text):
    assert linear_matches(text) == reference_matches(text)


@pytest.mark.parametrize("text", ADVERSARIAL, ids=range(len(ADVERSARIAL)))
def test_hosts_inside_adversarial_domains_are_the_ones_twitter_text_finds(text):
    assert links.ascii_hosts(text) == reference_hosts(text)


ALPHABET = [
    *list("a.-_/:@#$?()!c0om\u00e9\u0440\u0444 \u212a"),
    "com",
    "co",
    ".com",
    "http://",
    "https://",
    "xn--",
    "t.co/",
    "\u200e",
    "\ufffe",
]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=40).map("".join))
def test_generated_texts_give_the_links_twitter_text_gives(text):
    assert linear_matches(text) == reference_matches(text)
    assert links.ascii_hosts(text) == reference_hosts(text)


# Links side by side: where one ends, the next may start (or only its character before).
NEIGHBOURS = [
    *list("/ _-x.@()?#1\u00e9\u212a\U0001f600"),
    "a.co",
    "a.b.co",
    "a.co/",
    "t.co/",
    "a.com:80",
    "?x",
    "http://",
    "\u0440\u0444",
]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(NEIGHBOURS), max_size=40).map("".join))
def test_links_side_by_side_give_the_links_twitter_text_gives(text):
    assert linear_matches(text) == reference_matches(text)


# --------------------------------------------------------- what the product does with them


def test_a_long_run_of_labels_without_a_top_level_domain_has_no_link():
    text = "a." * 50_000
    assert extract_urls(text) == []
    assert count(text, TextCounting.WEIGHTED) == 100_000


def test_a_link_after_a_long_run_of_labels_is_the_whole_host():
    text = "see " + "a." * 2_100 + "com"
    # Longer than a URL may be (4,096): twitter-text does not count it as one.
    assert extract_urls(text) == []
    text = "see " + "a." * 100 + "com/x and " + "b." * 50_000
    assert extract_urls(text) == [Entity("a." * 100 + "com/x", 4, 4 + 200 + 5)]


def test_links_are_still_found_among_a_hundred_thousand_characters_of_noise():
    noise = "\u00e9." * 25_000
    text = f"{noise} https://example.com/x {noise} example.org"
    assert [url.value for url in extract_urls(text)] == ["https://example.com/x", "example.org"]


def test_many_hashtags_and_mentions_are_all_found():
    assert len(extract_hashtags("#a " * 30_000)) == 30_000
    assert len(extract_mentions("@a " * 30_000)) == 30_000


def test_a_hundred_thousand_characters_count_as_x_counts_them():
    parsed = parse_weighted("a" * 100_000)
    assert parsed.weighted_length == 100_000
    assert not parsed.valid
    assert parsed.valid_range_end == 279


@pytest.mark.parametrize("counting", list(TextCounting))
def test_a_fixed_link_length_counts_links_among_combining_marks_as_one_by_one(counting):
    # Links next to each other, one starting with a combining mark after an accent.
    text = "e\u0301\u0301x.com a.co b.co/\u00e9\u0301 \U0001f600c.org"
    urls = extract_urls(text)
    assert len(urls) >= 3
    if counting is TextCounting.WEIGHTED:
        return
    counter = {
        TextCounting.GRAPHEMES: lambda t: len(__import__("regex").findall(r"\X", t)),
        TextCounting.CODE_POINTS: len,
        TextCounting.UTF16: lambda t: len(t.encode("utf-16-le")) // 2,
        TextCounting.BYTES: lambda t: len(t.encode()),
    }[counting]
    one_by_one = sum(counter(text[u.start : u.end]) for u in urls)
    assert count(text, counting, url_length=23) == counter(text) - one_by_one + 23 * len(urls)


# X counts the NFC text; where NFC only turns the Kelvin sign into K, the text's own
# matches are used for it.
KELVIN_PARTS = ["\u212a", "K", "k", "a.co", ".", "/", " ", "_", "http://", "t.co/", "@", "x", "é"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(KELVIN_PARTS), max_size=30).map("".join))
def test_the_kelvin_sign_and_k_give_matches_at_the_same_places(text):
    assert list(links.scan(text)) == list(links.scan(text.replace("\u212a", "K")))


def test_x_counts_the_links_of_the_normalized_text():
    text = "see \u212amat.co/x \u212a" + "a" * 60 + ".com and b\u212a.org"
    normalized = text.replace("\u212a", "K")
    assert parse_weighted(text) == parse_weighted(normalized)
    assert [u.value for u in extract_urls(normalized)] == [
        "Kmat.co/x",
        "K" + "a" * 60 + ".com",
        "bK.org",
    ]


# Where NFC moves the text (composing accents), X's links are the text's own, moved, but in
# the pieces (between spaces) NFC changed.
NFC_PARTS = [
    *["a.co", "e\u0301", " ", "\u00a0", "\u2000", "\u3000", "\u0301", "\u0344", "\u0338"],
    *["x", ".", "/", "?", "=", "_", "-", "co", "http://", "t.co/", "a.b.co", "\u212a"],
    *["\u1100\u1161", "\u11a8", "\u00e9"],
]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(NFC_PARTS), max_size=4).map("".join), min_size=8, max_size=30
    ).map(" ".join)
)
def test_the_normalized_text_has_the_links_of_its_pieces(text):
    import unicodedata

    from chalicelib.domain import text as text_module

    normalized = unicodedata.normalize("NFC", text)
    by_piece = text_module._by_piece(text, normalized)
    whole = text_module._entities(normalized, tuple(links.scan(normalized)))
    assert by_piece == whole
    assert parse_weighted(text).weighted_length == parse_weighted(normalized).weighted_length


# Plain runs (links.scan_parts): where a match ended, links that are nothing but the usual
# host, split by separators and pieces without a dot, are taken at once.
RUN_PARTS = [
    *[" ", "\u3000", "\n", "(", ")", "!", ",", ";", "'", "[", "~", "\\", "|", "&", "*", "<"],
    *["a.co", "A.COM", "a-b.co.uk", "x", "\u00e9", "e\u0301", "\u212a", ".", "a.", "-a.co"],
    *["a_b.co", "a.co/", "a.co:8", "a.co?x", "http://", "@", "#", "$", "a.xn--p1ai", "1.com"],
    *["a.comx", "\u0440\u0444", "a.\u0440\u0444", "b.co.", "-", "_", "\u200e", "\ufffe", "t.co/x"],
    *["x.y", "a.b.c.d.e.f.g.h.co", "a.b.c.d.e.f.g.h.i.co", "a" * 64 + ".co", "http://a.co"],
    # pieces where no link starts
    *["x.y-z", "x.xn--a", "x.com-", "x.com.y", "x.c_om", "a..b", "X.Y.", "@a.co", "@a.b.com"],
    *["#A.com", "$a-b.co", "@a_b.co", "\uff20a.co-x", "#1.co", "x.\u212ay", "@a.\u212az"],
    # hosts with a path
    *["a.co/x", "a.co/", "A.co/a/B", "a.co/x!", "a.co/(x)", "a.co/x?y", "a.co/\u00e9", "a.co/x_y"],
    *["t.co/", "a.co/" + "x" * 260, "a.co/@x/", "{", "}", "^", ">"],
]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(RUN_PARTS), max_size=40).map("".join))
def test_plain_runs_give_the_links_twitter_text_gives(text):
    from chalicelib.domain import text as text_module

    assert linear_matches(text) == reference_matches(text)
    whole = text_module._entities(text, tuple(links.scan(text)))
    assert text_module._found(text, text_module._matches.__wrapped__(text)) == whole
    # X's count reads the links of the text with K for the Kelvin sign from the text's own
    kelvin = text.replace("\u212a", "K")
    whole = text_module._entities(kelvin, tuple(links.scan(kelvin)))
    assert text_module._found(kelvin, text_module._matches.__wrapped__(text)) == whole


RUN_SEPARATORS = [part for part in RUN_PARTS if len(part) == 1 and not part.isalnum()]


def test_each_piece_between_plain_links_gives_the_links_twitter_text_gives():
    # A piece inside a run, after one and before one, with each separator around it.
    for piece in RUN_PARTS:
        for separator in RUN_SEPARATORS:
            for text in (
                f"a.co{separator}{piece}{separator}b.co",
                f" {piece}{separator}a.co{separator}{piece}",
                f"x.y a.co{separator}{piece}",
            ):
                assert linear_matches(text) == reference_matches(text), text


def test_a_long_plain_run_gives_each_of_its_links():
    text = "see " + "a.co (b.com) x, " * 2_000 + "c.co/x"
    assert any(isinstance(part, links.PlainRun) for part in links.scan_parts(text))
    urls = extract_urls(text)
    assert len(urls) == 4_001
    assert urls[-1] == Entity("c.co/x", len(text) - 6, len(text))
    assert urls[:2] == [Entity("a.co", 4, 8), Entity("b.com", 10, 15)]


# Hashtags are looked for only where a match may start (one character before a sign).
TAG_PARTS = [
    *["#", "\uff03", "a", "1", "_", "&", " ", "\ufe0f", "\ufe0e", "\u20e3", "\u0301", "://"],
    *["#a", "##", "a.co", "http://a.co/#x", "\u00e9", "\u30fb", "@", "\n"],
]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(TAG_PARTS), max_size=30).map("".join))
def test_hashtags_are_the_ones_the_pattern_finds_everywhere(text):
    from chalicelib.domain import text as text_module

    everywhere = [m.regs for m in text_module._hashtag_pattern().finditer(text)]
    # (padded so that the signs are few enough to be tried one by one)
    padded = text + " " * 32 * len(text)
    assert [m.regs for m in text_module._hashtag_matches(padded)] == everywhere


# Mentions likewise (up to four characters before the sign: `xRT:@a`).
MENTION_PARTS = [
    *["@", "\uff20", "a", "_", "RT", "rt:", "rT :", " ", ".", "-", "+", "~", "!", "/b", "x"],
    *["@a", "@@", "a@b", "\u00e9", "://", "\n", "#", "$", "&", "*"],
]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(MENTION_PARTS), max_size=30).map("".join))
@example(" RT:@a x rt@b")
@example("rt:@a")
@example("@a@b x.rT:\uff20c/d")
def test_mentions_are_the_ones_the_pattern_finds_everywhere(text):
    from chalicelib.domain import text as text_module

    everywhere = [m.regs for m in text_module._mention_pattern().finditer(text)]
    # (padded so that the signs are few enough to be tried one by one)
    padded = text + " " * 32 * len(text)
    assert [m.regs for m in text_module._mention_matches(padded)] == everywhere


def test_threads_needing_the_expressions_at_once_compile_them_once(monkeypatch):
    # Compiling them takes most of a second: the writer's threads (a caption for each
    # network) used to each compile them in full on a cold Lambda. A slow stand-in for
    # the compiling (the real one is compiled already, and costs that second again).
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor
    from functools import cache

    builds = []
    started = threading.Barrier(8)

    @cache
    def compiling():
        builds.append(1)
        time.sleep(0.05)  # long enough for every other thread to be asking meanwhile
        return object()

    monkeypatch.setattr(links, "_patterns", compiling)

    def ask(_):
        started.wait()
        return links.patterns()

    with ThreadPoolExecutor(8) as pool:
        built = list(pool.map(ask, range(8)))
    assert len(builds) == 1
    assert all(p is built[0] for p in built)
