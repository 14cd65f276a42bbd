"""Links in a text as twitter-text finds them, in time linear in the text's length.

twitter-text finds links with one regular expression (`preceding`, `https?://`, a host of
dot-separated labels ending in a known top-level domain, port, path, query), searched
left to right. Run by a backtracking engine that expression is quadratic: from every
possible start it walks the whole run of labels that follows, and gives them back one by
one looking for a top-level domain (`"a." * 4000` took 39 s). This module gives the same
matches without backtracking over the host:

- the labels are cut at the dots, so from a given start the host's candidates are fixed;
  twitter-text keeps the longest (the last label followed by a top-level domain), so the
  host that starts at each label is worked out once, right to left, and remembered;
- a top-level domain is looked up in a set (the ASCII letters and digits that follow a
  dot, or the few lengths of the internationalised ones), once per position;
- port, path and query are matched by the expression's own tail from the host's end:
  matches do not overlap, so each character is read there at most once;
- most links are a run of labels with nothing that could start a link between it and the
  last link: one expression finds such a run, where its link starts and its tail, and the
  Python work per link is a few comparisons;
- where many links follow one another, each the usual ASCII host (maybe with a simple
  path) between separators and pieces where no link starts, one expression takes the
  whole stretch and one split reads its links (`scan_parts`, `plain_run_links`): no
  Python work per link at all (bench/text.py: 100,000 characters of 20,000 links, all a
  post's checks, in about 45 ms CPU on the shared development VM; the densest shapes
  outside such runs about 65-80 ms).

`scan` yields what the expression's `finditer` yielded; tests/unit/test_text_linear.py
compares the two on generated texts.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import re

DIRECTIONAL_MARKERS = "\u202a-\u202e\u061c\u200e\u200f\u2066\u2067\u2068\u2069"
INVALID_GROUP = "\ufffe\ufeff\uffff"
SPACES = "\x09-\x0d\x20\x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
PUNCTUATION = r"!'#%&'()*+,\\\-./:;<=>?@\[\]^_{|}~$"
# The punctuation a host label may hold inside it (`_` only before the last label).
_PUNCTUATION_BUT_DASHES = r"!'#%&'()*+,\\./:;<=>?@\[\]^{|}~$"
LATIN_ACCENTS = (
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259"
    "\u025b\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
CYRILLIC = "\u0400-\u04ff"

# The non-ASCII characters Python's case-insensitive matching takes for ASCII letters.
_ASCII_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_FOLDED = "\u0130\u0131\u017f\u212a"


class LinkMatch(NamedTuple):
    """One match of twitter-text's link expression: the text before it, the link's parts."""

    before: str
    start: int  # where the link starts (after `before`)
    protocol: str | None
    domain_start: int
    domain_end: int
    end: int
    has_path: bool


@dataclass(frozen=True)
class _Patterns:
    before: re.Pattern[str]  # the character before a link
    domain_char: re.Pattern[str]
    link_start: re.Pattern[str]  # a host character after a character that may precede a link
    label_char: re.Pattern[str]
    # a whole run of label characters with a dot after it (none ends a host with `_` or `-`)
    label_to_dot: re.Pattern[str]
    label_here_to_dot: re.Pattern[str]  # the same from inside a run
    labels: re.Pattern[str]  # host labels, each followed by its dot
    # a label where a link may start (group 1), a dot and a run of label characters (group
    # 2), no label character or dot around them, and the tail
    lone_host: re.Pattern[str]
    lone_host_here: re.Pattern[str]  # the same from inside a run
    protocol: re.Pattern[str]
    tail: re.Pattern[str]  # port, path and query
    ascii_label_to_dot: re.Pattern[str]
    ascii_labels: re.Pattern[str]
    tld: re.Pattern[str]  # a top-level domain after a dot, in case-folded text (captured)
    tco: re.Pattern[str]
    plain_run: re.Pattern[str]  # see `scan_parts`
    plain_host: re.Pattern[str]  # a piece of a plain run that is a link (captured)
    separators: re.Pattern[str]  # the separators inside a plain run (captured)


def _trie(names: frozenset[str], end: str) -> str:
    """One expression matching the longest of `names` followed by `end`.

    A plain alternation of 1,500 names costs a try of each at every dot; a trie shares
    their prefixes (longer names are tried before a shorter one ends).
    """
    import re

    tree: dict[str, Any] = {}
    for name in names:
        node = tree
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if "" in node:
            branches.append(end)
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(tree)


_building = threading.Lock()


def patterns() -> _Patterns:
    """The compiled expressions, built once per process. Built under a lock: compiling
    them takes most of a second of CPU, and threads that need them at once (the writer's
    captions for each network, a plan's items) would each compile them in full."""
    with _building:
        return _patterns()


@cache
def _patterns() -> _Patterns:
    import re

    from chalicelib.domain.tlds import COUNTRY_TLDS, GENERIC_TLDS

    flags = re.IGNORECASE
    not_before = f"A-Za-z0-9@\uff20$#\uff03{INVALID_GROUP}"
    before = f"(?:[^{not_before}]|[{DIRECTIONAL_MARKERS}])"
    domain_char = f"[^{PUNCTUATION}{SPACES}{INVALID_GROUP}{DIRECTIONAL_MARKERS}]"
    label_class = f"^{_PUNCTUATION_BUT_DASHES}{SPACES}{INVALID_GROUP}{DIRECTIONAL_MARKERS}"
    label_char = f"[{label_class}]"
    label_char_but_underscore = f"[{label_class}_]"
    path_char = rf"[a-z{CYRILLIC}0-9!*';:=+,.$/%#\[\]\-\u2013_~@|&{LATIN_ACCENTS}]"
    balanced_parens = rf"\((?:{path_char}+|(?:{path_char}*\({path_char}+\){path_char}*))\)"
    path_end = rf"(?:[+\-a-z{CYRILLIC}0-9=_#/{LATIN_ACCENTS}]|{balanced_parens})"
    path = rf"(?:(?:{path_char}*(?:{balanced_parens}{path_char}*)*{path_end})|(?:@{path_char}+/))"
    query_char = rf"[a-z0-9!?*'\"@();:&=+$/%#\[\]\-_.,~|{{}}{CYRILLIC}{LATIN_ACCENTS}]"
    query_end = r"[a-z0-9\-_&=#/]"
    tail = rf"(?::[0-9]+)?(?P<path>/{path}*)?(?:\?{query_char}*{query_end})?"

    # A host's first label, its dot, the run of label characters after the host's last dot
    # (group 5) and the tail; the first label is either the only one (the link starts after
    # its last `_`, at the first character that may start one: group 1), or one of several
    # (the link starts at the first character that may start one: group 2; the labels after
    # it: group 3), or one where no link starts (group 4, empty; no tail then).
    def lone_host(several: bool) -> str:
        return (
            f"(?:(?:{label_char_but_underscore}*+_)*+"
            f"(?>{label_char_but_underscore}*?(?<={before})({domain_char}))"
            f"{label_char_but_underscore}*+(?<!-)"
            f"|{'' if several else '(?!)'}"
            f"(?>{label_char}*?(?<={before})({domain_char})){label_char}*+(?<![_\\-])"
            f"((?:\\.{domain_char}{label_char}*+(?<![_\\-]))+)"
            f"|{label_char}++())"
            f"\\.({label_char}++)(?!\\.)(?(4)|{tail})"
        )

    ascii_tlds = frozenset(name for name in GENERIC_TLDS | COUNTRY_TLDS if name.isascii())
    ascii_label_char = rf"[\-a-z0-9{LATIN_ACCENTS}]"
    # Neither a letter, a digit, `@`, `+` nor `-` may follow a top-level domain.
    tld_end = r"(?![0-9a-z@+\-])"
    # (the dot first: the engine looks for it at once)
    tld = (
        f"\\.(?<={label_char}\\.)(?:{_trie(GENERIC_TLDS, tld_end)}|{_trie(COUNTRY_TLDS, tld_end)}"
        r"|xn--[\-0-9a-z]++)"
    )
    return _Patterns(
        before=re.compile(before, flags),
        domain_char=re.compile(domain_char, flags),
        link_start=re.compile(f"(?<={before}){domain_char}", flags),
        label_char=re.compile(label_char, flags),
        label_to_dot=re.compile(f"(?<!{label_char}){label_char}++(?<![_\\-])(?=\\.)", flags),
        label_here_to_dot=re.compile(f"{label_char}++(?=\\.)", flags),
        labels=re.compile(f"(?:{domain_char}{label_char}*+(?<![_\\-])\\.)*+", flags),
        protocol=re.compile(r"https?://", flags),
        tail=re.compile(tail, flags),
        lone_host=re.compile(f"(?<!{label_char})(?<!{label_char}\\.){lone_host(True)}", flags),
        # (not several labels: from inside a run, that would read the rest of the run
        # again at each link)
        lone_host_here=re.compile(lone_host(False), flags),
        ascii_label_to_dot=re.compile(f"(?<!{ascii_label_char}){ascii_label_char}++(?=\\.)", flags),
        ascii_labels=re.compile(f"(?:{ascii_label_char}++\\.)*+", flags),
        tld=re.compile(f"({tld})"),
        tco=re.compile(rf"^https?://t\.co/([a-z0-9]+)(?:\?{query_char}*{query_end})?", flags),
        plain_run=re.compile(_plain_run(ascii_tlds, True), re.IGNORECASE | re.ASCII),
        plain_host=re.compile(
            f"(?<={_SEPARATOR})({_plain_run(ascii_tlds, False)})", re.IGNORECASE | re.ASCII
        ),
        separators=re.compile(f"({_SEPARATOR}++)"),
    )


# What may stand between two links that are nothing but their host: a space, or a
# character that no host holds, that starts neither a port, a path nor a query, and that
# may come before a link.
_SEPARATOR = "[" + SPACES + "".join("\\" + char for char in "!'%&()*,;<=>[]^{|}~\\") + "]"


def _plain_run(tlds: frozenset[str], run: bool) -> str:
    """See `scan_parts`: from a separator, pieces split by separators.

    A piece is the usual ASCII host (at most 8 labels of at most 63 letters, digits and
    inner `-`, the last a top-level domain), maybe with a path of letters, digits and `/`
    that a separator no path holds ends (without `run`, only that), or one where no link
    starts: without a dot; or labels of letters, digits and `-` none of which after a dot
    is a top-level domain (a host ends in one); or `#`, `@` or `$` (before which no link
    starts), one label of letters and digits, a dot, and a label of letters, digits and `-`
    (a link starting after the dot would have no dot)."""
    import re

    label = "(?!-)[a-z0-9-]{1,63}+(?<!-)"
    end = f"(?={_SEPARATOR}|\\Z)"
    # A path of letters, digits and `/` ends before a separator that no path holds.
    path = f"/[a-z0-9/]{{0,255}}+(?=[{SPACES})<>^{{}}\\\\]|\\Z)"
    tld = _trie(tlds, f"(?=[{_SEPARATOR[1:-1]}/]|\\Z)")
    host = f"(?:{label}\\.){{1,8}}+{tld}(?:{end}|{path})"
    if not run:
        return host
    no_dot = f"[^{re.escape('.')}{_SEPARATOR[1:-1]}]++"
    no_tld = f"[a-z0-9-]*+(?:\\.(?!{_trie(tlds, '(?![a-z0-9-])')}|xn--)[a-z0-9-]*+)++"
    marked = "[#$@\uff03\uff20]++[a-z0-9]++\\.[a-z0-9-]*+"
    return f"(?:{_SEPARATOR}++(?:{host}|(?:{no_dot}|{no_tld}|{marked}){end}))++"


def _fold(text: str) -> str:
    """`text` lower-cased as case-insensitive matching sees it, one character for one."""
    if not text.isascii() and any(char in text for char in _FOLDED):
        text = text.translate(_ASCII_FOLD)  # (slow on long text: only when needed)
    return text.lower()


class _Hosts:
    """The top-level domains in a text (after a dot), and the hosts that end in them."""

    def __init__(self, text: str, labels: re.Pattern[str]) -> None:
        self.text = text
        self.labels = labels
        folded = _fold(text)
        if len(folded) != len(text):  # lower() lengthened a character: fold one by one
            folded = "".join(_fold(char)[:1] or char for char in text)
        # (split, not a match object per top-level domain: a text can hold 20,000)
        parts = patterns().tld.split(folded)  # text, top-level domain, text, ...
        ends = list(accumulate(map(len, parts)))
        self.positions = list(map((1).__add__, ends[0:-1:2]))  # (after the dot)
        self.tlds = dict(zip(self.positions, ends[1::2], strict=True))
        # (start, end, rightmost host end) of the last run of labels looked at
        self.run: tuple[int, int, int | None] = (-1, -1, None)

    def next_tld(self, at: int) -> int | None:
        """The first position at or after `at` where a top-level domain starts."""
        index = bisect_left(self.positions, at)
        return self.positions[index] if index < len(self.positions) else None

    def labels_end(self, at: int) -> int:
        """Where the labels (each followed by its dot) from `at` end."""
        found = self.labels.match(self.text, at)
        assert found is not None  # the expression matches the empty string
        return found.end()

    def after(self, at: int, no_underscore: bool) -> tuple[int | None, int]:
        """(host end, labels end) of a host whose labels start at `at`, after a first label.

        The host is the longest: its last label is the rightmost one (without `_`) that
        a top-level domain follows; the first label may only be the last when
        `no_underscore`.
        """
        run_start, run_end, rightmost = self.run
        if not run_start <= at <= run_end:
            run_start, run_end = at, self.labels_end(at)
            rightmost = None
            index = bisect_right(self.positions, run_end) - 1
            while index >= 0 and self.positions[index] > at:
                position = self.positions[index]
                label_start = self.text.rfind(".", 0, position - 1) + 1
                if self.text.find("_", label_start, position - 1) < 0:
                    rightmost = position
                    break
                index -= 1
            self.run = (run_start, run_end, rightmost)
        if rightmost is not None and rightmost > at:
            return self.tlds[rightmost], run_end
        if no_underscore and at in self.tlds:
            return self.tlds[at], run_end
        return None, run_end


# A link found before its tail: (where the match starts, where the link starts, protocol or
# "", where the host ends).
_Candidate = tuple[int, int, str, int]


def scan(text: str) -> Iterator[LinkMatch]:
    """The matches of twitter-text's link expression, left to right, as `finditer` finds them."""
    for found in scan_parts(text):
        if isinstance(found, LinkMatch):
            yield found
        else:
            for value, start, end in zip(*plain_run_links(text, *found), strict=True):
                path = value.find("/")
                domain_end = end if path < 0 else start + path
                yield LinkMatch(text[start - 1], start, None, start, domain_end, end, path >= 0)


_SHORT_RUN = 48  # characters
_FIRST_GAP = 16  # characters after a plain run not found where the next is tried


class PlainRun(NamedTuple):
    """A stretch of links that are nothing but the usual host (`scan_parts`)."""

    start: int
    end: int


def scan_parts(text: str) -> Iterator[LinkMatch | PlainRun]:
    """`scan`'s matches, but where many links follow one another each a match of its own,
    the stretch that holds them (`plain_run_links` gives them).

    Most links in a long text are the usual host: labels and a top-level domain, with
    neither a label character nor a dot on either side, after a protocol or where a link
    may start in the first label. `_Patterns.lone_host` finds those with their tail in one
    go (and labels where no link starts), and one is the next match when nothing between
    the last match and it can start a link: no top-level domain (every host ends in one)
    and no protocol but its own. Anything else goes through `_Search`, which follows the
    expression from any position.

    Where no match can start before (`clear`: where the last match ended, or the labels
    passed over after it, where none starts) `_Patterns.plain_run` may take a stretch of
    links at once: from a separator (`_SEPARATOR`), pieces split by separators, each the
    usual ASCII host or a piece where no link starts (`_plain_run`). No link starts at a
    separator either (no host holds one); a host's match starts with it (the separator
    before it may precede a link) and takes no port, path nor query (no separator starts
    one): it is the usual host, whole. The stretch ends before a separator: no match
    starts there.
    """
    p = patterns()
    hosts = _Hosts(text, p.labels)
    if not hosts.tlds:
        return  # every link ends its host with a top-level domain
    tlds, tld_positions = hosts.tlds, hosts.positions
    last_tld = tld_positions[-1]
    protocols = [
        m
        for m in p.protocol.finditer(text, 0, last_tld)
        if m.start() == 0 or p.before.match(text, m.start() - 1)
    ]
    # past the last protocol: a start no link reaches
    protocol_starts = [m.start() for m in protocols] + [len(text)]
    protocol_ends = [m.end() for m in protocols] + [len(text)]
    search = _Search(text, p, hosts, protocols)
    lone_hosts = p.lone_host.finditer(text)
    lone = next(lone_hosts, None)
    # (the spans of the match and its groups: the host's start, the run after the dot, the
    # path; read at once, a method call each costs)
    no_lone = ((-1, -1),) * 7
    spans = no_lone if lone is None else lone.regs
    pending: re.Match[str] | None = None  # the next one found while one inside a run is used
    here_tried = 0
    next_tld = next_protocol = position = 0
    clear = 0  # where the labels where no link starts, from `position` on, end
    # A plain run is tried at `clear` from `run_from` on: after each try that fails (or
    # finds a run too short to be worth its own part) the next waits twice as long (a
    # failed try costs about as much as a match).
    run_tried = -1
    run_from = run_gap = 0
    while True:
        if clear != run_tried and clear >= run_from:
            run_tried = clear
            run = p.plain_run.match(text, clear)
            if run is None or run.end() - clear < _SHORT_RUN:
                run_gap = max(_FIRST_GAP, 2 * run_gap)
                run_from = clear + run_gap
            else:
                run_start, position = run.span()
                clear = run_tried = run_from = position
                run_gap = 0
                if p.plain_host.search(text, run_start, position):  # (else no link in it)
                    yield PlainRun(run_start, position)
                # (the lone hosts looked for again past the run, not inside it)
                lone_hosts = p.lone_host.finditer(text, position)
                lone, pending = next(lone_hosts, None), None
                spans = no_lone if lone is None else lone.regs
        while tld_positions[next_tld] < clear:
            next_tld += 1
            if next_tld == len(tld_positions):
                return  # no top-level domain left to end a host
        while protocol_starts[next_protocol] < position:
            next_protocol += 1
        while lone is not None and spans[0][0] < position:
            if position < spans[5][0] - 1:  # the last match ended inside these labels
                here = p.lone_host_here.match(text, position)
                if here is not None:
                    lone = here  # it ends where the one found would have ended
                    spans = here.regs
                    break
            lone, pending = pending or next(lone_hosts, None), None
            spans = no_lone if lone is None else lone.regs
        if position and here_tried < position and (lone is None or spans[0][0] > position + 1):
            # A label may start inside the last match (no lone host for the search, which
            # starts after the match).
            here_tried = position
            here = p.lone_host_here.match(text, position)
            if here is not None:
                lone, pending, spans = here, lone, here.regs
        start = -1
        if lone is not None:
            (
                (lone_start, lone_end),
                (host_start, _),
                (labels_start, _),
                (middle_start, _),
                _,
                (tld_start, run_end),
                (path_start, _),
            ) = spans
            domain_end = tlds.get(tld_start, -1)
            first_dot = tld_start - 1
            if middle_start >= 0:  # several labels
                host_start = labels_start
                first_dot = middle_start
                # The last label may not hold `_` (else an earlier top-level domain may end
                # the host): left to _Search.
                if text.find("_", text.rfind(".", 0, tld_start - 1), tld_start - 1) >= 0:
                    domain_end = -1
            if (
                host_start < 0 and tld_positions[next_tld] >= tld_start and lone_start > 0
            ) or tld_positions[next_tld] > run_end:
                # No link starts in this label (nor does a protocol's before it; at 1 the
                # character at 0 is none a link starts at: no label character), or no
                # top-level domain lies before its end (every host ends in one): passed.
                clear = run_end
                lone, pending = pending or next(lone_hosts, None), None
                spans = no_lone if lone is None else lone.regs
                continue
            if domain_end >= 0 and tld_positions[next_tld] >= lone_start:
                # Of the protocols before the host only one ending where it starts can have
                # a host: another's would end in a top-level domain before this one.
                last = next_protocol
                while protocol_starts[last] < host_start and protocol_starts[last + 1] < host_start:
                    last += 1  # (the last start is the text's end: past any host)
                protocol_start = protocol_starts[last]
                if (
                    protocol_start < host_start
                    and protocol_ends[last] == host_start
                    and (protocol_start > position or protocol_start == 0)
                ):
                    start = protocol_start
                    protocol: str | None = text[start:host_start]
                # (In a label at 0 the expression's start of text comes into play: left to
                # _Search.)
                elif lone_start < 2:
                    pass
                elif host_start > position:
                    start, protocol = host_start, None
                elif host_start == position:
                    # The last match took the character before: this one precedes the link.
                    after = p.link_start.match(text, host_start + 1, first_dot) or (
                        p.link_start.search(text, host_start + 1, first_dot)
                    )
                    if after is not None:
                        start, protocol = after.start(), None
        if start < 0:
            found = search.next_match(position)
            if found is None:
                return
            position = clear = found.end
            yield found
            continue
        if domain_end == run_end:
            position = clear = lone_end
            has_path = path_start >= 0
        else:  # a top-level domain followed by `_` or a letter of no top-level domain
            tail = p.tail.match(text, domain_end)
            assert tail is not None  # every part of the tail is optional
            position = clear = tail.end()
            has_path = tail.start("path") >= 0
        yield LinkMatch(
            text[start - 1 : start] if start else "",
            start,
            protocol,
            host_start if protocol else start,
            domain_end,
            position,
            has_path,
        )


class _Search:
    """twitter-text's expression searched from any position, in linear time over all the
    positions asked for (each larger than the last): what was looked at is remembered."""

    def __init__(
        self, text: str, p: _Patterns, hosts: _Hosts, protocols: list[re.Match[str]]
    ) -> None:
        self.text, self.p, self.hosts, self.protocols = text, p, hosts, protocols
        self.last_tld = hosts.positions[-1]
        self.next_protocol = 0
        self.label = _first_label(text, p, 0, self.last_tld)
        self.by_protocol: _Candidate | None = None
        self.by_label: _Candidate | None = None

    def next_match(self, position: int) -> LinkMatch | None:
        """The first match from `position` (where the last match ended), or None."""
        text, p, hosts, protocols, last_tld = (
            self.text,
            self.p,
            self.hosts,
            self.protocols,
            self.last_tld,
        )
        label, by_protocol, by_label = self.label, self.by_protocol, self.by_label
        next_protocol = self.next_protocol
        # What was found before `position` is inside the last match: passed over.
        if label is not None and label.start() < position:
            label = _first_label(text, p, position, last_tld)
            by_label = None
        if by_label is not None and by_label[0] < position:
            by_label = None
        if by_protocol is not None and by_protocol[0] < position:
            by_protocol = None
        while by_protocol is None and next_protocol < len(protocols):
            protocol = protocols[next_protocol]
            protocol_start, protocol_end = protocol.span()
            start = max(protocol_start - 1, 0)
            domain_end = _protocol_host(text, p, hosts, protocol_end) if start >= position else None
            if domain_end is None:
                next_protocol += 1
            else:
                by_protocol = (start, protocol_start, text[protocol_start:protocol_end], domain_end)
        # A link found in a label starts at most one character before it: when the next
        # protocol's link starts earlier, the label need not be looked at yet.
        while (
            by_label is None
            and label is not None
            and (by_protocol is None or label.start() - 1 <= by_protocol[0])
        ):
            by_label, skip_to = _first_in_label(text, p, hosts, label, position)
            if by_label is None:
                # past the labels up to `skip_to` when no top-level domain follows them
                after = label.end() if skip_to is None else skip_to
                label = p.label_to_dot.search(text, after, last_tld)

        if by_protocol is None and by_label is None:
            self.label, self.by_protocol, self.by_label = label, by_protocol, by_label
            self.next_protocol = next_protocol
            return None
        # At the very start a link after a first character is tried before one at 0.
        if by_label is None or (
            by_protocol is not None
            and (by_protocol[0], -by_protocol[1]) <= (by_label[0], -by_label[1])
        ):
            assert by_protocol is not None
            found, by_protocol = by_protocol, None
            next_protocol += 1
        else:
            found, by_label = by_label, None
            if label is not None:
                label = p.label_to_dot.search(text, label.end(), last_tld)  # the host ran past it
        self.label, self.by_protocol, self.by_label = label, by_protocol, by_label
        self.next_protocol = next_protocol
        match_start, start, protocol_text, domain_end = found
        tail = p.tail.match(text, domain_end)
        assert tail is not None  # every part of the tail is optional
        return LinkMatch(
            before=text[match_start:start],
            start=start,
            protocol=protocol_text or None,
            domain_start=start + len(protocol_text),
            domain_end=domain_end,
            end=tail.end(),
            has_path=tail["path"] is not None,
        )


def _first_label(text: str, p: _Patterns, at: int, end: int) -> re.Match[str] | None:
    """The first run of label characters followed by a dot from `at` (maybe inside a run);
    the next one is searched from its end."""
    if at and p.label_char.match(text, at - 1):
        rest = p.label_here_to_dot.match(text, at, end)
        if rest is not None:
            return rest
    return p.label_to_dot.search(text, at, end)


def _protocol_host(text: str, p: _Patterns, hosts: _Hosts, at: int) -> int | None:
    """The end of the host right after `https://`, or None."""
    if not p.domain_char.match(text, at):
        return None
    first = p.label_to_dot.match(text, at)
    if first is None or text[first.end() - 1] in "_-":
        return None
    no_underscore = text.find("_", at, first.end()) < 0
    return hosts.after(first.end() + 1, no_underscore)[0]


def _first_in_label(
    text: str, p: _Patterns, hosts: _Hosts, label: re.Match[str], position: int
) -> tuple[_Candidate | None, int | None]:
    """The first link without protocol whose host starts in this label, from `position` on,
    else None and, when no top-level domain follows the labels after it, where they end."""
    label_start, dot = label.span()
    if text[dot - 1] in "_-" or dot <= position:
        return None, None
    lowest = label_start
    domain_end = hosts.tlds.get(dot + 1)
    if domain_end is not None and (
        domain_end == len(text)
        or (text[domain_end] != "." and not p.label_char.match(text, domain_end))
    ):
        # The usual host: one label and its top-level domain, no label after it.
        domain_end, labels_end = None, dot + 1
    else:
        domain_end, labels_end = hosts.after(dot + 1, no_underscore=False)
    if domain_end is None:
        # Only this label can come before the top-level domain: it may not hold `_`.
        domain_end = hosts.tlds.get(dot + 1)
        if domain_end is None:
            following = hosts.next_tld(dot + 1)
            hopeless = following is None or following > labels_end
            return None, labels_end if hopeless and labels_end > dot + 1 else None
        lowest = max(lowest, text.rfind("_", label_start, dot) + 1)
    start: int | None = None
    if position == 0:
        # twitter-text's `preceding` is a character, else the start of the text.
        if lowest <= 1 < dot and p.before.match(text, 0) and p.domain_char.match(text, 1):
            start = 1
        elif lowest == 0 and p.domain_char.match(text, 0):
            start = 0
        lowest = max(lowest, 2)
    elif lowest <= position:
        lowest = position + 1
    if start is None:
        if lowest >= dot:
            return None, None
        # Most often the first character is the one (a match costs less than a search).
        found = p.link_start.match(text, lowest, dot) or p.link_start.search(text, lowest, dot)
        if found is None:
            return None, None
        start = found.start()
    return (max(start - 1, 0), start, "", domain_end), None


def plain_run_links(text: str, start: int, end: int) -> tuple[list[str], list[int], list[int]]:
    """The links of a plain run `scan_parts` found: their texts, starts and ends."""
    # (one split, not a call per piece: a run can hold 20,000)
    parts = patterns().plain_host.split(text[start:end])  # text, host, text, ...
    positions = list(accumulate(map(len, parts), initial=start))
    return parts[1::2], positions[1:-1:2], positions[2::2]


def ascii_hosts(domain: str) -> list[tuple[int, int]]:
    """The spans of the ASCII hosts (labels of letters, digits, `-` and Latin accents
    ending in a top-level domain) inside `domain`, left to right, each the longest.

    A text's hosts repeat (and an adversary repeats them): the last ones are remembered.
    """
    return list(_ascii_hosts(domain))


@lru_cache(maxsize=1024)
def _ascii_hosts(domain: str) -> tuple[tuple[int, int], ...]:
    p = patterns()
    hosts = _Hosts(domain, p.ascii_labels)
    spans: list[tuple[int, int]] = []
    if not hosts.tlds:
        return tuple(spans)
    position = 0
    labels = p.ascii_label_to_dot.finditer(domain)
    label = next(labels, None)
    while label is not None:
        start = max(label.start(), position)
        at = label.end() + 1
        if start < label.end():
            labels_end = hosts.labels_end(at)
            index = bisect_right(hosts.positions, labels_end) - 1
            if index >= 0 and hosts.positions[index] >= at:
                position = hosts.tlds[hosts.positions[index]]
                spans.append((start, position))
            elif labels_end > at:  # no top-level domain follows any of these labels
                labels = p.ascii_label_to_dot.finditer(domain, labels_end)
        label = next(labels, None)
    return tuple(spans)


def is_ascii_host(domain: str) -> bool:
    """Whether `domain` starts with an ASCII host (what an `xn--` label must be part of)."""
    hosts = ascii_hosts(domain)
    return bool(hosts) and hosts[0][0] == 0
