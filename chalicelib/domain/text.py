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
from functools import cache
from typing import TYPE_CHECKING, Any

from chalicelib.domain.limits import TextCounting

if TYPE_CHECKING:
    import re

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
    """X's weighted length of `text`, whether it fits, and how much of it fits."""
    normalized = unicodedata.normalize("NFC", text)
    entity_ends = {entity.start: entity.end for entity in extract_urls(normalized)}
    url_starts = set(entity_ends)
    if config.emoji_parsing:
        for start, end in _emoji_spans(normalized):
            entity_ends.setdefault(start, end)

    weighted = 0
    valid = True
    valid_end_utf16 = 0
    utf16_index = -1  # index of the last UTF-16 unit consumed so far
    index = 0
    while index < len(normalized):
        entity_end = entity_ends.get(index)
        if entity_end is not None:
            end = entity_end
            weighted += (
                config.url_length * config.scale if index in url_starts else config.default_weight
            )
        else:
            end = index + 1
            weighted += config.weight(ord(normalized[index]))
        utf16_index += utf16_length(normalized[index:end])
        # twitter-text checks the last unit of each counted step for invalid characters.
        valid = valid and normalized[end - 1] not in _INVALID_CHARACTERS
        if valid and weighted <= config.max_weighted_length * config.scale:
            valid_end_utf16 = utf16_index
        index = end

    length = weighted // config.scale
    valid = valid and 0 < length <= config.max_weighted_length
    total_utf16 = utf16_length(text)
    return WeightedLength(
        weighted_length=length,
        valid=valid,
        permillage=weighted * 1000 // (config.max_weighted_length * config.scale),
        valid_range_start=0,
        valid_range_end=valid_end_utf16 + total_utf16 - utf16_length(normalized),
        display_range_start=0,
        display_range_end=max(total_utf16 - 1, 0),
    )


def weighted_length(text: str, config: WeightedConfig = X_WEIGHTING) -> int:
    """X's count: what the composer's X counter shows."""
    return parse_weighted(text, config).weighted_length


@cache
def _emoji_pattern() -> regex.Pattern[str]:
    import regex

    # One emoji as a user sees it: a keycap, a flag, a tag sequence (subdivision flags) or
    # pictographs with presentation selectors and skin tones joined by ZWJ. (c) and (R)
    # are emoji only with the emoji presentation selector, as in twemoji.
    element = (
        r"(?:[\u00a9\u00ae]\ufe0f"
        r"|(?![\u00a9\u00ae])[\p{Extended_Pictographic}\p{Emoji_Modifier}]\ufe0f?\p{Emoji_Modifier}?)"
    )
    return regex.compile(
        r"[#*0-9]\ufe0f?\u20e3"
        r"|\p{Regional_Indicator}{2}"
        r"|\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f"
        rf"|{element}(?:\u200d{element})*"
    )


def _emoji_spans(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _emoji_pattern().finditer(text)]


# ------------------------------------------------------------------- the other counting rules


def grapheme_count(text: str) -> int:
    """User-perceived characters (Unicode extended grapheme clusters), as Bluesky counts."""
    import regex

    return len(regex.findall(r"\X", text))


def code_point_count(text: str) -> int:
    return len(text)


def utf16_length(text: str) -> int:
    """UTF-16 code units: a JavaScript string's `length`."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


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
    linked = sum(counter(text[url.start : url.end]) for url in urls)
    return counter(text) - linked + url_length * len(urls)


# ------------------------------------------------------------------------------- entities


@dataclass(frozen=True)
class Entity:
    """A link, hashtag or mention: its value (no `#`/`@`) and code-point span in the text."""

    value: str
    start: int
    end: int


_DIRECTIONAL_MARKERS = "\u202a-\u202e\u061c\u200e\u200f\u2066\u2067\u2068\u2069"
_INVALID_GROUP = "\ufffe\ufeff\uffff"
_SPACES = "\x09-\x0d\x20\x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_PUNCTUATION = r"!'#%&'()*+,\\\-./:;<=>?@\[\]^_{|}~$"
_LATIN_ACCENTS = (
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259"
    "\u025b\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
_CYRILLIC = "\u0400-\u04ff"
_MAX_URL_LENGTH = 4096
_MAX_TCO_SLUG_LENGTH = 40
_MAX_DOMAIN_LABEL_LENGTH = 63


@dataclass(frozen=True)
class _UrlPatterns:
    url: re.Pattern[str]
    ascii_domain: re.Pattern[str]
    tco: re.Pattern[str]
    punycode_only: re.Pattern[str]


@cache
def _url_patterns() -> _UrlPatterns:
    import re

    from chalicelib.domain.tlds import COUNTRY_TLDS, GENERIC_TLDS

    def alternatives(names: frozenset[str]) -> str:
        # Longest first, so "com" never wins over "community".
        return "|".join(re.escape(name) for name in sorted(names, key=lambda n: (-len(n), n)))

    tld_end = r"(?=[^0-9a-zA-Z@+\-]|\Z)"
    tld = (
        rf"(?:(?:{alternatives(GENERIC_TLDS)}){tld_end}"
        rf"|(?:{alternatives(COUNTRY_TLDS)}){tld_end}"
        r"|xn--[\-0-9a-z]+)"
    )
    domain_char = f"[^{_PUNCTUATION}{_SPACES}{_INVALID_GROUP}{_DIRECTIONAL_MARKERS}]"
    subdomain = rf"(?:(?:{domain_char}(?:[_\-]|{domain_char})*)?{domain_char}\.)"
    domain_name = rf"(?:(?:{domain_char}(?:-|{domain_char})*)?{domain_char}\.)"
    domain = rf"(?:{subdomain}*{domain_name}{tld})"
    path_char = rf"[a-z{_CYRILLIC}0-9!*';:=+,.$/%#\[\]\-\u2013_~@|&{_LATIN_ACCENTS}]"
    balanced_parens = rf"\((?:{path_char}+|(?:{path_char}*\({path_char}+\){path_char}*))\)"
    path_end = rf"(?:[+\-a-z{_CYRILLIC}0-9=_#/{_LATIN_ACCENTS}]|{balanced_parens})"
    path = rf"(?:(?:{path_char}*(?:{balanced_parens}{path_char}*)*{path_end})|(?:@{path_char}+/))"
    query_char = rf"[a-z0-9!?*'\"@();:&=+$/%#\[\]\-_.,~|{{}}{_CYRILLIC}{_LATIN_ACCENTS}]"
    query_end = r"[a-z0-9\-_&=#/]"
    preceding = rf"(?:[^A-Za-z0-9@\uff20$#\uff03{_INVALID_GROUP}]|[{_DIRECTIONAL_MARKERS}]|^)"
    url = (
        rf"(?P<before>{preceding})"
        rf"(?P<url>(?P<protocol>https?://)?(?P<domain>{domain})(?::[0-9]+)?"
        rf"(?P<path>/{path}*)?(?:\?{query_char}*{query_end})?)"
    )
    return _UrlPatterns(
        url=re.compile(url, re.IGNORECASE),
        ascii_domain=re.compile(rf"(?:[\-a-z0-9{_LATIN_ACCENTS}]+\.)+{tld}", re.IGNORECASE),
        tco=re.compile(
            rf"^https?://t\.co/([a-z0-9]+)(?:\?{query_char}*{query_end})?", re.IGNORECASE
        ),
        punycode_only=re.compile(rf"^(?:[\-a-z0-9{_LATIN_ACCENTS}]+\.)+{tld}", re.IGNORECASE),
    )


def _ascii_host_length(domain: str) -> int | None:
    """The length of `domain` once punycode-encoded (IDNA), or None when it is no valid host."""
    if domain[:4].lower() == "xn--" and not _url_patterns().punycode_only.match(domain):
        return None  # an encoded label cannot also hold non-ASCII characters
    length = 0
    labels = domain.split(".")
    for label in labels:
        encoded = len(label) if label.isascii() else 4 + len(label.encode("punycode"))
        if not 1 <= encoded <= _MAX_DOMAIN_LABEL_LENGTH:
            return None
        length += encoded
    return length + len(labels) - 1


def extract_urls(text: str) -> list[Entity]:
    """Every link in `text`, with or without `http(s)://`, as twitter-text finds them."""
    if "." not in text:
        return []
    patterns = _url_patterns()
    urls: list[Entity] = []
    for match in patterns.url.finditer(text):
        url, protocol, domain = match["url"], match["protocol"], match["domain"]
        start, end = match.start("url"), match.end("url")
        host_length = _ascii_host_length(domain)
        if host_length is None:
            continue
        encoded_length = len(url) + host_length - len(domain)
        if len(protocol or "https://") + encoded_length > _MAX_URL_LENGTH:
            continue
        if protocol:
            tco = patterns.tco.match(url)
            if tco:
                if len(tco.group(1)) > _MAX_TCO_SLUG_LENGTH:
                    continue
                url, end = tco.group(0), start + len(tco.group(0))
            urls.append(Entity(url, start, end))
            continue
        if match["before"] and match["before"][-1] in "-_./":
            continue
        urls.extend(_bare_domain_urls(match, patterns.ascii_domain))
    return urls


def _bare_domain_urls(match: re.Match[str], ascii_domain: re.Pattern[str]) -> list[Entity]:
    """Links without a protocol: only the ASCII hosts inside the matched domain count."""
    domain, start = match["domain"], match.start("url")
    found = [
        Entity(host.group(0), start + host.start(), start + host.end())
        for host in ascii_domain.finditer(domain)
    ]
    if found and match["path"]:
        # The last host takes the port, path and query that follow the domain.
        last = found[-1]
        rest = match["url"][len(domain) :]
        found[-1] = Entity(last.value + rest, last.start, match.end("url"))
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
    for match in _hashtag_pattern().finditer(text):
        after = text[match.end() :]
        if after[:1] in ("#", "\uff03") or after.startswith("://"):
            continue
        tags.append(Entity(match["tag"], match.start("tag") - 1, match.end("tag")))
    return _outside(tags, extract_urls(text))


def extract_mentions(text: str) -> list[Entity]:
    """Mentioned user names (without `@`); list references (`@user/list`) are not mentions."""
    if "@" not in text and "\uff20" not in text:
        return []
    mentions = []
    for match in _mention_pattern().finditer(text):
        after = text[match.end() :]
        if after[:1] in ("@", "\uff20") or after.startswith("://") or _is_latin_accent(after[:1]):
            continue
        if not match["list"]:
            mentions.append(Entity(match["name"], match.start("name") - 1, match.end("name")))
    return mentions


def _is_latin_accent(char: str) -> bool:
    import re

    return bool(char) and re.match(f"[{_LATIN_ACCENTS}]", char) is not None


def _outside(entities: list[Entity], others: list[Entity]) -> list[Entity]:
    """`entities` that overlap none of `others`, and none of an earlier kept one."""
    merged = sorted([(e, True) for e in entities] + [(o, False) for o in others], key=_start)
    kept: list[tuple[Entity, bool]] = []
    for entity, mine in merged:
        if kept and entity.start < kept[-1][0].end:
            continue
        kept.append((entity, mine))
    return [entity for entity, mine in kept if mine]


def _start(pair: tuple[Entity, bool]) -> int:
    return pair[0].start
