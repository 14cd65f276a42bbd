"""How long a text is by each network's own rule, and the links, hashtags and mentions in it.

One counting function per `TextCounting` rule (`count` picks one), plus X's full
twitter-text v3 parse (`parse_weighted`): NFC normalisation, per-range weights, every URL
counted as a fixed length, an emoji sequence counted once at the default weight. Entity
extraction follows twitter-text too, so "a link", "a hashtag" and "a mention" mean the same
thing for every network's caps and in the web app.

Indices in `Entity` are code-point offsets into the text as given (Python string indices).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from chalicelib.domain import links
from chalicelib.domain.limits import TextCounting

if TYPE_CHECKING:
    import re
    from collections.abc import Iterable, Iterator

    import regex

# ---------------------------------------------------------------------------- X weighting


@dataclass(frozen=True)
class WeightRange:
    start: int
    end: int
    weight: int


@dataclass(frozen=True)
class WeightedConfig:
    """The parameters of twitter-text's weighted count (its config/v3.json by default)."""

    max_weighted_length: int = 280
    scale: int = 100
    default_weight: int = 200
    url_length: int = 23
    emoji_parsing: bool = True
    ranges: tuple[WeightRange, ...] = (
        WeightRange(0, 4351, 100),
        WeightRange(8192, 8205, 100),
        WeightRange(8208, 8223, 100),
        WeightRange(8242, 8247, 100),
    )

    @classmethod
    def from_json(cls, config: dict[str, Any]) -> WeightedConfig:
        """A config in twitter-text's own JSON shape (`config/v2.json`, `config/v3.json`)."""
        return cls(
            max_weighted_length=config["maxWeightedTweetLength"],
            scale=config["scale"],
            default_weight=config["defaultWeight"],
            url_length=config["transformedURLLength"],
            emoji_parsing=bool(config.get("emojiParsingEnabled", False)),
            ranges=tuple(WeightRange(r["start"], r["end"], r["weight"]) for r in config["ranges"]),
        )

    def weight(self, code_point: int) -> int:
        for weight_range in self.ranges:
            if weight_range.start <= code_point <= weight_range.end:
                return weight_range.weight
        return self.default_weight


X_WEIGHTING = WeightedConfig()


@dataclass(frozen=True)
class WeightedLength:
    """twitter-text's parse result; ranges are inclusive UTF-16 indices into the input."""

    weighted_length: int
    valid: bool
    permillage: int
    valid_range_start: int
    valid_range_end: int
    display_range_start: int
    display_range_end: int


# Characters X refuses anywhere in a post.
_INVALID_CHARACTERS = frozenset("\ufffe\ufeff\uffff")


def parse_weighted(text: str, config: WeightedConfig = X_WEIGHTING) -> WeightedLength:
    """X's weighted length of `text`, whether it fits, and how much of it fits.

    twitter-text steps through the text one link, emoji or character at a time; the steps
    are taken one by one only while the text still fits (a few hundred at most), and the
    rest is summed in bulk, so a long text costs a few passes of C code.
    """
    normalized = unicodedata.normalize("NFC", text)
    scale_limit = config.max_weighted_length * config.scale
    entities = {
        url.start: (url.end, config.url_length * config.scale)
        for url in _normalized_urls(text, normalized)
    }
    if config.emoji_parsing:
        for start, end in _emoji_spans(normalized, config):
            entities.setdefault(start, (end, config.default_weight))
    invalid = _invalid_pattern().search(normalized)
    first_invalid = invalid.start() if invalid else len(normalized)

    weighted = 0
    valid_end_utf16 = 0
    utf16_index = -1  # index of the last UTF-16 unit consumed so far
    index = 0
    while index < len(normalized):
        entity = entities.get(index)
        if entity is None:
            end, weight = index + 1, config.weight(ord(normalized[index]))
        else:
            end, weight = entity
        weighted += weight
        utf16_index += utf16_length(normalized[index:end])
        index = end
        # twitter-text checks the last unit of each step for invalid characters (they are
        # never inside a link or an emoji); past the limit nothing more fits.
        if end > first_invalid or weighted > scale_limit:
            break
        valid_end_utf16 = utf16_index
    if index < len(normalized):
        weighted += _rest_weight(normalized, index, entities, config)

    length = weighted // config.scale
    valid = first_invalid == len(normalized) and 0 < length <= config.max_weighted_length
    total_utf16 = utf16_length(text)
    return WeightedLength(
        weighted_length=length,
        valid=valid,
        permillage=weighted * 1000 // scale_limit,
        valid_range_start=0,
        valid_range_end=valid_end_utf16 + total_utf16 - utf16_length(normalized),
        display_range_start=0,
        display_range_end=max(total_utf16 - 1, 0),
    )


def _rest_weight(
    text: str, index: int, entities: dict[int, tuple[int, int]], config: WeightedConfig
) -> int:
    """The weight of `text[index:]` (a step boundary), its entities stepped over as wholes."""
    from bisect import bisect_left

    rest = text[index:]
    starts = sorted(entities)
    covered = []
    weighted = 0
    for start in starts[bisect_left(starts, index) :]:
        if start < index:
            continue  # inside the link or emoji stepped over before
        index, weight = entities[start]
        weighted += weight
        covered.append(text[start:index])
    return weighted + _plain_weight(rest, config) - _plain_weight("".join(covered), config)


def _plain_weight(text: str, config: WeightedConfig) -> int:
    """The sum of the characters' own weights (`WeightedConfig.weight`)."""
    ascii_weight = _ascii_weight(config)
    if ascii_weight is not None and text.isascii():
        return ascii_weight * len(text)
    outside = _outside_ranges(config)
    if outside is not None:  # the ranges share one weight: count what lies outside them
        weight, pattern = outside
        return weight * len(text) + (config.default_weight - weight) * pattern.subn("", text)[1]
    weighted = config.default_weight * len(text)
    for weight, pattern in _weight_classes(config):
        weighted += (weight - config.default_weight) * pattern.subn("", text)[1]
    return weighted


@cache
def _outside_ranges(config: WeightedConfig) -> tuple[int, re.Pattern[str]] | None:
    """When every range has one weight (X's do): it, and the characters in no range."""
    import re

    if not config.ranges or len({r.weight for r in config.ranges}) != 1:
        return None
    inside = "".join(f"\\U{r.start:08x}-\\U{r.end:08x}" for r in config.ranges)
    return config.ranges[0].weight, re.compile(f"[^{inside}]")


@cache
def _ascii_weight(config: WeightedConfig) -> int | None:
    """The one weight of every ASCII character, if they share one (X's ranges: 100)."""
    weights = {config.weight(code_point) for code_point in range(128)}
    return weights.pop() if len(weights) == 1 else None


@cache
def _weight_classes(config: WeightedConfig) -> list[tuple[int, re.Pattern[str]]]:
    """One pattern per range, for the characters no earlier range holds."""
    import re

    classes = []
    earlier = ""
    for weight_range in config.ranges:
        inside = f"\\U{weight_range.start:08x}-\\U{weight_range.end:08x}"
        pattern = f"(?![{earlier}])[{inside}]" if earlier else f"[{inside}]"
        classes.append((weight_range.weight, re.compile(pattern)))
        earlier += inside
    return classes


@cache
def _invalid_pattern() -> re.Pattern[str]:
    import re

    return re.compile("[" + "".join(sorted(_INVALID_CHARACTERS)) + "]")


def weighted_length(text: str, config: WeightedConfig = X_WEIGHTING) -> int:
    """X's count: what the composer's X counter shows."""
    return parse_weighted(text, config).weighted_length


@cache
def _emoji_pattern(sequences_only: bool = False) -> regex.Pattern[str]:
    """One emoji as a user sees it; with `sequences_only`, the same matches but those of one
    code point (a pictograph with neither selector, skin tone nor joiner after it)."""
    import regex

    # A keycap, a flag, a tag sequence (subdivision flags) or pictographs with presentation
    # selectors and skin tones joined by ZWJ. (c) and (R) are emoji only with the emoji
    # presentation selector, as in twemoji.
    pictograph = r"(?![\u00a9\u00ae])[\p{Extended_Pictographic}\p{Emoji_Modifier}]"
    element = rf"(?:[\u00a9\u00ae]\ufe0f|{pictograph}\ufe0f?\p{{Emoji_Modifier}}?)"
    joined = rf"(?:\u200d{element})"
    if sequences_only:
        elements = (
            rf"[\u00a9\u00ae]\ufe0f{joined}*"
            rf"|{pictograph}(?:\ufe0f\p{{Emoji_Modifier}}?|\p{{Emoji_Modifier}}){joined}*"
            rf"|{pictograph}{joined}+"
        )
    else:
        elements = rf"{element}{joined}*"
    return regex.compile(
        r"[#*0-9]\ufe0f?\u20e3"
        r"|\p{Regional_Indicator}{2}"
        r"|\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f"
        rf"|{elements}"
    )


# What an emoji of more than one code point holds: a presentation selector, a keycap, a
# joiner, a regional indicator, the tag that ends a tag sequence or a skin tone.
_SEQUENCE_MARKERS = "[\ufe0f\u20e3\u200d\U0001f1e6-\U0001f1ff\U000e007f\U0001f3fb-\U0001f3ff]"


def _emoji_spans(text: str, config: WeightedConfig = X_WEIGHTING) -> list[tuple[int, int]]:
    """The emoji that weigh differently counted once than counted by code point.

    An emoji of one code point weighs the default weight either way (none lies in X's
    lighter ranges), so only sequences are looked for, and only when the text has one.
    """
    import re

    default_ranges = config.ranges == X_WEIGHTING.ranges
    if default_ranges and not re.search(_SEQUENCE_MARKERS, text):
        return []
    if default_ranges:
        return [match.span() for match in _emoji_pattern(sequences_only=True).finditer(text)]
    return [
        match.span()
        for match in _emoji_pattern().finditer(text)
        if match.end() - match.start() > 1
        or config.weight(ord(match.group())) != config.default_weight
    ]


# ------------------------------------------------------------------- the other counting rules


# Characters that never join a neighbour into a cluster (their Grapheme_Cluster_Break is
# Other or Control, and neither joins one): ASCII but CR, Latin, IPA, Greek, Cyrillic,
# letterlike symbols, CJK ideographs, most emoji. Between two of them is always a boundary.
SINGLE_CLUSTER = (
    "\x00-\x0c\x0e-\x7f\u00a0-\u02ff\u0370-\u0482\u048a-\u052f\u2100-\u214f\u4e00-\u9fff"
    "\U0001f300-\U0001f3fa\U0001f400-\U0001f64f\U0001f680-\U0001f6ff\U0001f900-\U0001f9ff"
)


@cache
def _single_cluster_runs() -> re.Pattern[str]:
    """The inside of a run of such characters (each one a cluster)."""
    import re

    return re.compile(f"(?<=[{SINGLE_CLUSTER}])[{SINGLE_CLUSTER}]{{2,}}(?=[{SINGLE_CLUSTER}])")


def grapheme_count(text: str) -> int:
    """User-perceived characters (Unicode extended grapheme clusters), as Bluesky counts.

    The cluster expression costs about 0.2 µs a character: the inside of each run of
    characters that are clusters of their own is counted by its length and left out (a
    NUL, a cluster of its own, keeps the ends of the run apart)."""
    if text.isascii():  # every ASCII character is a cluster of its own, but CR LF is one
        return len(text) - text.count("\r\n")
    import regex

    shorter = _single_cluster_runs().sub("\x00", text)
    return len(text) - len(shorter) + regex.subn(r"\X", "", shorter)[1]


def code_point_count(text: str) -> int:
    return len(text)


def utf16_length(text: str) -> int:
    """UTF-16 code units: a JavaScript string's `length`."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf8_length(text: str) -> int:
    return len(text.encode("utf-8"))


_COUNTERS = {
    TextCounting.GRAPHEMES: grapheme_count,
    TextCounting.CODE_POINTS: code_point_count,
    TextCounting.UTF16: utf16_length,
    TextCounting.BYTES: utf8_length,
}


def count(text: str, counting: TextCounting, url_length: int | None = None) -> int:
    """The length of `text` by one network's rule; `url_length` counts each link as that many."""
    if counting is TextCounting.WEIGHTED:
        config = X_WEIGHTING
        if url_length is not None and url_length != config.url_length:
            config = WeightedConfig(**{**config.__dict__, "url_length": url_length})
        return weighted_length(text, config)
    counter = _COUNTERS[counting]
    if url_length is None:
        return counter(text)
    urls = extract_urls(text)
    if not urls:
        return counter(text)
    # The links counted in one pass: a line break between them is a character (and a
    # grapheme) of its own, so none runs into the next.
    joined = "\n".join(text[url.start : url.end] for url in urls)
    linked = counter(joined) - (len(urls) - 1)
    return counter(text) - linked + url_length * len(urls)


# ------------------------------------------------------------------------------- entities


class Entity(NamedTuple):
    """A link, hashtag or mention: its value (no `#`/`@`) and code-point span in the text.
    (A tuple: a text can hold tens of thousands, and a frozen dataclass costs more to make.)"""

    value: str
    start: int
    end: int


_MAX_URL_LENGTH = 4096
_MAX_TCO_SLUG_LENGTH = 40
_MAX_DOMAIN_LABEL_LENGTH = 63


@lru_cache(maxsize=1024)
def _ascii_host_length(domain: str) -> int | None:
    """The length of `domain` once punycode-encoded (IDNA), or None when it is no valid host."""
    if domain[:4].lower() == "xn--" and not links.is_ascii_host(domain):
        return None  # an encoded label cannot also hold non-ASCII characters
    length = 0
    labels = domain.split(".")
    for label in labels:
        if len(label) > _MAX_DOMAIN_LABEL_LENGTH:
            return None  # encoding never makes a label shorter
        encoded = len(label) if label.isascii() else _encoded_label_length(label)
        if not 1 <= encoded <= _MAX_DOMAIN_LABEL_LENGTH:
            return None
        length += encoded
    return length + len(labels) - 1


@lru_cache(maxsize=4096)
def _encoded_label_length(label: str) -> int:
    """`xn--` and the label's punycode (Python's codec is pure Python: a host's labels
    repeat, so they are remembered)."""
    return 4 + len(label.encode("punycode"))


def extract_urls(text: str) -> list[Entity]:
    """Every link in `text`, with or without `http(s)://`, as twitter-text finds them.

    In time linear in the text's length, whatever its shape (`chalicelib.domain.links`).
    A post's review asks for one text's links several times (X's count, the other
    networks' counts, the link cap, the hashtags outside links): the last few are kept.
    """
    if "." not in text:
        return []
    return list(_links(text))


def _normalized_urls(text: str, normalized: str) -> tuple[Entity, ...]:
    """The links of `normalized`, `text` in NFC (what X counts).

    NFC often changes only the Kelvin sign (to K): to case-insensitive matching both are a
    k, so the links lie at the same places and the text's own search is used."""
    if "." not in normalized:
        return ()
    if normalized == text:
        return _links(text)
    if text.replace("\u212a", "K") == normalized:
        return _found(normalized, _matches(text))
    return _by_piece(text, normalized) or _links(normalized)


def _by_piece(text: str, normalized: str) -> tuple[Entity, ...] | None:
    """The links of `normalized` from the text's own, where NFC left the text alone.

    A link never holds a space, and the expression starts afresh at one: cut before each
    space, a piece's links are the same in the text and alone. NFC composes nothing
    across a space, so the text's pieces and the normalized text's pair up; only the
    pieces it changed that may hold a link are searched again. None when there are few
    pieces, or many to search (then the normalized text is searched whole).

    A text can hold 20,000 links and as many changed pieces: the links are moved in bulk
    (each by how far NFC moved the piece it lies in), not one piece at a time."""
    import re
    from bisect import bisect_right
    from itertools import accumulate, compress, repeat
    from operator import add, eq, itemgetter, not_, sub

    split = re.compile(f"(?=[{links.SPACES}])")
    pieces, composed = split.split(text), split.split(normalized)
    if len(pieces) < 8 or len(pieces) != len(composed):
        return None
    kept = list(map(eq, pieces, composed))
    searched = [i for i in compress(range(len(pieces)), map(not_, kept)) if "." in composed[i]]
    if len(searched) > 64:
        return None
    starts = list(accumulate(map(len, pieces), initial=0))
    shifts = list(map(sub, accumulate(map(len, composed), initial=0), starts))
    if shifts[-1] != len(normalized) - len(text):
        return None  # (not expected: NFC composed across a space)
    own = _links(text)
    found: list[Entity] = []
    if own:
        values, url_starts, url_ends = zip(*own, strict=True)
        # the piece each link lies in (a piece starts with its space: never a link's start)
        where = list(map((-1).__add__, map(bisect_right, repeat(starts), url_starts)))
        shift = list(map(shifts.__getitem__, where))
        found.extend(
            compress(
                _entities_of(values, map(add, url_starts, shift), map(add, url_ends, shift)),
                map(kept.__getitem__, where),
            )
        )
    for index in searched:
        at = starts[index] + shifts[index]
        found.extend(
            Entity(url.value, url.start + at, url.end + at)
            for url in _entities(composed[index], tuple(links.scan(composed[index])))
        )
    if searched:
        found.sort(key=itemgetter(1))
    return tuple(found)


# Matches of twitter-text's expression, or a stretch of links that are nothing but the
# usual host (`links.scan_parts`: its start and end).
_Stretch = tuple[links.LinkMatch, ...] | links.PlainRun


@lru_cache(maxsize=8)
def _matches(text: str) -> tuple[_Stretch, ...]:
    stretches: list[_Stretch] = []
    found: list[links.LinkMatch] = []
    for part in links.scan_parts(text):
        if isinstance(part, links.LinkMatch):
            found.append(part)
        else:
            if found:
                stretches.append(tuple(found))
                found = []
            stretches.append(part)
    if found or not stretches:
        stretches.append(tuple(found))
    return tuple(stretches)


@lru_cache(maxsize=8)
def _links(text: str) -> tuple[Entity, ...]:
    return _found(text, _matches(text))


def _found(text: str, stretches: tuple[_Stretch, ...]) -> tuple[Entity, ...]:
    """The links of `text`, from the stretches of its matches (or of those of a text whose
    matches and plain runs lie at the same places)."""
    if len(stretches) == 1 and not isinstance(stretches[0], links.PlainRun):
        return _entities(text, stretches[0])
    found: list[Entity] = []
    for stretch in stretches:
        if isinstance(stretch, links.PlainRun):
            found.extend(_entities_of(*links.plain_run_links(text, *stretch)))
        else:
            found.extend(_entities(text, stretch))
    return tuple(found)


def _entities_of(
    values: Iterable[str], starts: Iterable[int], ends: Iterable[int]
) -> Iterator[Entity]:
    """`Entity(value, start, end)` for each, made by `tuple.__new__` (`Entity`'s own
    `__new__` is Python code: twice as slow over 20,000 links)."""
    from itertools import repeat

    return map(tuple.__new__, repeat(Entity), zip(values, starts, ends, strict=True))


def _entities(text: str, matches: tuple[links.LinkMatch, ...]) -> tuple[Entity, ...]:
    """The links twitter-text keeps of its expression's matches in `text`."""
    plain_host = _plain_host()
    tco_link = links.patterns().tco
    urls: list[Entity] = []
    # (a host that is not the usual one: its ASCII hosts and encoded length, per host; an
    # adversary repeats one)
    unusual: dict[str, tuple[tuple[tuple[int, int], ...], int | None]] = {}
    for match in matches:
        before, start, protocol, domain_start, domain_end, end, has_path = match
        if not protocol and before and before[-1] in "-_./":
            continue
        prefix = len(protocol) if protocol else len("https://")
        if prefix + end - start > _MAX_URL_LENGTH:
            continue  # encoding the host never shortens it
        domain = text[domain_start:domain_end]
        # The usual host: ASCII labels of at most 63 characters, its own encoding.
        plain = domain.isascii() and plain_host.fullmatch(domain) is not None
        if not plain:
            known = unusual.get(domain)
            if known is None:
                known = unusual[domain] = (
                    tuple(links.ascii_hosts(domain)),
                    _ascii_host_length(domain),
                )
            hosts, host_length = known
            if not protocol and not hosts:
                continue  # only its ASCII hosts would be kept: none
            if host_length is None:
                continue
            if prefix + end - start + host_length - len(domain) > _MAX_URL_LENGTH:
                continue
        if protocol:
            url = text[start:end]
            tco = tco_link.match(url)
            if tco:
                if len(tco.group(1)) > _MAX_TCO_SLUG_LENGTH:
                    continue
                url, end = tco.group(0), start + len(tco.group(0))
            urls.append(Entity(url, start, end))
        elif plain:  # the whole host is the one ASCII host in it
            if has_path:
                urls.append(Entity(text[domain_start:end], domain_start, end))
            else:
                urls.append(Entity(domain, domain_start, domain_end))
        else:
            urls.extend(_bare_domain_urls(text, match, hosts))
    return tuple(urls)


@cache
def _plain_host() -> re.Pattern[str]:
    import re

    label = f"[\\-a-z0-9]{{1,{_MAX_DOMAIN_LABEL_LENGTH}}}"
    return re.compile(rf"{label}(?:\.{label})+", re.IGNORECASE)


def _bare_domain_urls(
    text: str, match: links.LinkMatch, hosts: tuple[tuple[int, int], ...]
) -> list[Entity]:
    """Links without a protocol: only the ASCII hosts inside the matched domain count
    (`hosts`: their spans in it, `links.ascii_hosts`)."""
    start = match.domain_start
    domain = text[start : match.domain_end]
    found = [
        Entity(domain[host_start:host_end], start + host_start, start + host_end)
        for host_start, host_end in hosts
    ]
    if found and match.has_path:
        # The last host takes the port, path and query that follow the domain.
        last = found[-1]
        found[-1] = Entity(last.value + text[match.domain_end : match.end], last.start, match.end)
    return found


_HASHTAG_SPECIALS = (
    "_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003\u0f0b"
    "\u0f0c\u00b7"
)


@cache
def _hashtag_pattern() -> regex.Pattern[str]:
    import regex

    alpha = r"[\p{L}\p{M}]"
    alphanumeric = rf"[\p{{L}}\p{{M}}\p{{Nd}}{_HASHTAG_SPECIALS}]"
    boundary = rf"(?:^|\ufe0e|\ufe0f|(?!{alphanumeric}|&).)"
    return regex.compile(
        rf"(?P<before>{boundary})[#\uff03](?!\ufe0f|\u20e3)(?P<tag>{alphanumeric}*{alpha}{alphanumeric}*)",
        regex.IGNORECASE | regex.DOTALL,
    )


@cache
def _mention_pattern() -> re.Pattern[str]:
    import re

    preceding = r"(?:^|[^a-zA-Z0-9_!#$%&*@\uff20]|(?:^|[^a-zA-Z0-9_+~.\-])(?:rt|RT|rT|Rt):?)"
    return re.compile(
        rf"(?P<before>{preceding})[@\uff20](?P<name>[a-zA-Z0-9_]{{1,20}})(?P<list>/[a-zA-Z][a-zA-Z0-9_\-]{{0,24}})?"
    )


def extract_hashtags(text: str) -> list[Entity]:
    """Hashtags (without `#`), skipping any that sit inside a link."""
    if "#" not in text and "\uff03" not in text:
        return []
    tags = []
    for match in _hashtag_matches(text):
        start, end = match.regs[2]  # `tag`, which ends the match
        # never slice the rest of the text: that is quadratic
        if text[end : end + 1] in ("#", "\uff03") or text.startswith("://", end):
            continue
        tags.append(Entity(text[start:end], start - 1, end))
    return _outside(tags, extract_urls(text))


def _hashtag_matches(text: str) -> Iterator[regex.Match[str]]:
    """What `_hashtag_pattern().finditer(text)` finds, tried only where a match may start.

    The pattern's first character (the one before the sign) is tried at every position,
    about 0.15 µs each: a match starts at 0 (the start of the text, before a sign at 0) or
    one character before a sign, so where signs are few (under one in 32 characters) it
    is tried there only, from where the last ended."""
    pattern = _hashtag_pattern()
    if (text.count("#") + text.count("\uff03")) * 32 > len(text):
        yield from pattern.finditer(text)  # (signs everywhere: one search costs less)
        return
    next_start = 0  # (past the last match, and past the last start tried)
    for sign in _hash_sign().finditer(text):
        start = max(sign.start() - 1, 0)
        if start < next_start:
            continue
        next_start = start + 1
        match = pattern.match(text, start)
        if match is not None:
            next_start = match.end()
            yield match


@cache
def _hash_sign() -> re.Pattern[str]:
    import re

    return re.compile("[#\uff03]")


def extract_mentions(text: str) -> list[Entity]:
    """Mentioned user names (without `@`); list references (`@user/list`) are not mentions."""
    if "@" not in text and "\uff20" not in text:
        return []
    mentions = []
    accent = _latin_accent()
    for match in _mention_matches(text):
        # (the spans read at once: the match, `before`, `name`, `list`)
        (_, end), _, (start, name_end), (list_start, _) = match.regs
        following = text[end : end + 1]
        if (
            following in ("@", "\uff20")
            or text.startswith("://", end)
            or (following >= "\u00c0" and accent.match(following) is not None)
        ):
            continue
        if list_start < 0:
            mentions.append(Entity(text[start:name_end], start - 1, name_end))
    return mentions


def _mention_matches(text: str) -> Iterator[re.Match[str]]:
    """What `_mention_pattern().finditer(text)` finds, tried only where a match may start.

    What precedes the sign is at most four characters (`xRT:`) and holds no sign: a match
    starts at most four characters before the first sign after its start. Where signs are
    few, the pattern is tried there only (from where the last match ended), not at every
    position."""
    pattern = _mention_pattern()
    if (text.count("@") + text.count("\uff20")) * 32 > len(text):
        yield from pattern.finditer(text)
        return
    next_start = 0  # (past the last match, and past the last start tried)
    for sign in _at_sign().finditer(text):
        at = sign.start()
        for start in range(max(next_start, at - 4), at + 1):
            match = pattern.match(text, start)
            if match is not None:
                next_start = match.end()
                yield match
                break
        else:
            next_start = max(next_start, at + 1)


@cache
def _at_sign() -> re.Pattern[str]:
    import re

    return re.compile("[@\uff20]")


@cache
def _latin_accent() -> re.Pattern[str]:
    """A Latin letter with an accent (none lies below U+00C0)."""
    import re

    return re.compile(f"[{links.LATIN_ACCENTS}]")


def _outside(entities: list[Entity], others: list[Entity]) -> list[Entity]:
    """`entities` that overlap none of `others`, and none of an earlier kept one.

    Both lists are in text order and neither overlaps itself (each is one pattern's
    matches): one merge pass, an entity first where both start at one place."""
    if not others:
        return entities
    kept: list[Entity] = []
    kept_end = 0
    next_other = 0
    for entity in entities:
        while next_other < len(others) and others[next_other].start < entity.start:
            other = others[next_other]
            next_other += 1
            if other.start >= kept_end:
                kept_end = other.end
        if entity.start >= kept_end:
            kept.append(entity)
            kept_end = entity.end
    return kept
