"""What a business's website says about its brand: `site_facts(url)`.

The page is fetched with the media import's guarded fetcher (`chalicelib.media.fetch`:
every hop's address checked by `chalicelib.netguard`, loopback only where the settings
allow it, size and time capped), then read with the standard library's HTML parser:
title, meta description, headings, Open Graph image, the logo, the theme colours
(`theme-color`, CSS custom properties inline and in same-site stylesheets, the logo's
dominant colours) and a few key phrases. A writer turns these facts into a profile.

Only the page itself must be readable: a stylesheet or logo that cannot be fetched costs
its colours, not the extraction. One deadline covers every fetch, so a slow site cannot
hold an API request past it.
"""

from __future__ import annotations

import colorsys
import io
import itertools
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from chalicelib.ai.writer import SiteFacts
from chalicelib.errors import invalid
from chalicelib.media.fetch import FetchError, FetchLimits, fetch
from chalicelib.settings import get_settings

MB = 1024 * 1024
PAGE_MAX_BYTES = 2 * MB
STYLESHEET_MAX_BYTES = 512 * 1024
LOGO_MAX_BYTES = 2 * MB
# The whole extraction (page, stylesheets, logo): well inside an API request's 29 s.
DEADLINE_SECONDS = 12.0
# A stylesheet or logo is not worth starting with less time than this left.
MIN_EXTRA_SECONDS = 1.0
MAX_STYLESHEETS = 3
MAX_HEADINGS = 12
MAX_COLOURS = 6
MAX_KEY_PHRASES = 8
# A logo bigger than this is not decoded (a decompression bomb costs memory, not colour).
LOGO_MAX_PIXELS = 4_000_000

HTML_TYPES = ("text/html", "application/xhtml+xml")


def site_facts(url: str) -> SiteFacts:
    """Read `url`'s brand facts; a 422 naming `url` when it is not a readable web page."""
    url = _normalised(url)
    deadline = time.monotonic() + DEADLINE_SECONDS
    allow_loopback = get_settings().allow_loopback_fetch
    try:
        body, final_url, content_type = _get(url, PAGE_MAX_BYTES, deadline, allow_loopback)
    except FetchError as error:
        raise invalid("url", f"{url} cannot be read: {error}") from None
    if not _is_html(content_type, body):
        kind = (content_type or "unknown").split(";", 1)[0].strip()
        raise invalid("url", f"{url} is not a web page (its content type is {kind})")
    page = _PageParser.read(_decode(body, content_type))
    # Relative addresses resolve against <base href> when the page has one.
    base = (_absolute(final_url, page.base) if page.base else None) or final_url

    css = "\n".join(page.styles)
    for href in _same_site(final_url, base, page.stylesheets)[:MAX_STYLESHEETS]:
        sheet = _optional(href, STYLESHEET_MAX_BYTES, deadline, allow_loopback)
        if sheet is not None:
            css += "\n" + _decode(sheet, None)

    logo = page.logo_url(base)
    logo_colours: list[str] = []
    if logo:
        data = _optional(logo, LOGO_MAX_BYTES, deadline, allow_loopback)
        if data is not None:
            logo_colours = dominant_colours(data)

    description = page.meta.get("description") or page.meta.get("og:description") or ""
    og_image = page.meta.get("og:image")
    return SiteFacts(
        url=final_url,
        title=_clean(page.title or page.meta.get("og:title") or "")[:300],
        description=_clean(description)[:1000],
        headings=page.headings,
        og_image=_absolute(base, og_image) if og_image else None,
        logo=logo,
        colours=rank_colours(
            page.meta.get("theme-color"), css_custom_properties(css), logo_colours
        ),
        key_phrases=key_phrases([page.title, description, *page.headings]),
    )


# --- fetching -------------------------------------------------------------------------


def _normalised(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise invalid("url", "a website address is required")
    if "://" not in url:
        url = f"https://{url}"  # what people type: "crumbandco.uk"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise invalid("url", f"{url} is not an http or https website address")
    return url


def _get(
    url: str, max_bytes: int, deadline: float, allow_loopback: bool
) -> tuple[bytes, str, str | None]:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError("The site took too long to answer.")
    chunks: list[bytes] = []
    fetched = fetch(
        url,
        FetchLimits(max_bytes=max_bytes, timeout_seconds=left, allow_loopback=allow_loopback),
        chunks.append,
    )
    return b"".join(chunks), fetched.url, fetched.content_type


def _optional(url: str, max_bytes: int, deadline: float, allow_loopback: bool) -> bytes | None:
    """A stylesheet or logo: None when it cannot be had in the time left."""
    if deadline - time.monotonic() < MIN_EXTRA_SECONDS:
        return None
    try:
        return _get(url, max_bytes, deadline, allow_loopback)[0]
    except FetchError:
        return None


def _is_html(content_type: str | None, body: bytes) -> bool:
    if content_type:
        return content_type.split(";", 1)[0].strip().lower() in HTML_TYPES
    start = body[:1024].lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html"))


def _decode(body: bytes, content_type: str | None) -> str:
    charset = None
    if content_type and "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=", 1)[1].split(";", 1)[0].strip(" \"'")
    if charset is None:
        declared = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", body[:4096], re.IGNORECASE)
        charset = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _absolute(base: str, href: str) -> str | None:
    href = href.strip()
    if not href or href.startswith("data:"):
        return None
    joined = urljoin(base, href)
    return joined if urlsplit(joined).scheme in ("http", "https") else None


def _site_of(host: str) -> str:
    """The last two labels of a name ("www.crumb.uk" and "cdn.crumb.uk" share "crumb.uk")."""
    if re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host):
        return host
    return ".".join(host.split(".")[-2:])


def _same_site(page: str, base: str, hrefs: Iterable[str]) -> list[str]:
    """Stylesheets served by the page's own site (a CDN's framework CSS says nothing of
    the brand), resolved against `base`."""
    home = _site_of(urlsplit(page).hostname or "")
    urls: list[str] = []
    for href in hrefs:
        url = _absolute(base, href)
        if url and _site_of(urlsplit(url).hostname or "") == home and url not in urls:
            urls.append(url)
    return urls


# --- the page -------------------------------------------------------------------------


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _has_logo(*values: str | None) -> bool:
    return any(value and "logo" in value.lower() for value in values)


@dataclass
class _PageParser(HTMLParser):
    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    headings: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    stylesheets: list[str] = field(default_factory=list)
    # (rank, href): a logo <img> 3, apple-touch-icon 2, icon 1; an SVG 1.5 less, as
    # images cannot draw it (a raster touch icon of the same mark serves them better)
    logos: list[tuple[float, str]] = field(default_factory=list)
    base: str | None = None
    _in: str | None = None  # title, style or a heading being read
    _text: list[str] = field(default_factory=list)
    _logo_containers: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    @classmethod
    def read(cls, text: str) -> _PageParser:
        parser = cls()
        try:
            parser.feed(text)
            parser.close()
        except (AssertionError, ValueError):
            pass  # markup the parser gives up on: what was read before it stands
        return parser

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "meta":
            key = (a.get("name") or a.get("property") or "").lower()
            if key in ("description", "og:description", "og:image", "og:title", "theme-color"):
                self.meta.setdefault(key, a.get("content", "").strip())
        elif tag == "base" and self.base is None and a.get("href"):
            self.base = a["href"]
        elif tag == "link":
            rels = set(a.get("rel", "").lower().split())
            href = a.get("href", "")
            if "stylesheet" in rels and href:
                self.stylesheets.append(href)
            elif rels & {"apple-touch-icon", "apple-touch-icon-precomposed"} and href:
                self._logo(2, href)
            elif "icon" in rels and href:
                self._logo(1, href)
        elif tag == "img":
            src = a.get("src", "")
            logo_like = _has_logo(a.get("class"), a.get("id"), a.get("alt"), src)
            if src and (logo_like or self._logo_containers):
                self._logo(3, src)
        elif tag in ("title", "style", "h1", "h2", "h3") and self._in is None:
            self._in, self._text = tag, []
        if tag not in ("img", "meta", "link") and _has_logo(a.get("class"), a.get("id")):
            self._logo_containers.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._logo_containers and self._logo_containers[-1] == tag:
            self._logo_containers.pop()
        if tag != self._in:
            return
        text = "".join(self._text)
        if tag == "title":
            self.title = self.title or _clean(text)
        elif tag == "style":
            self.styles.append(text)
        else:
            heading = _clean(text)[:200]
            if heading and heading not in self.headings and len(self.headings) < MAX_HEADINGS:
                self.headings.append(heading)
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self._text.append(data)

    def _logo(self, rank: float, href: str) -> None:
        path = urlsplit(href.strip()).path.lower()
        if path.endswith(".svg") or href.strip().lower().startswith("data:image/svg"):
            rank -= 1.5
        self.logos.append((rank, href))

    def logo_url(self, base: str) -> str | None:
        # The best rank wins; among equals, the first on the page.
        for _, href in sorted(self.logos, key=lambda logo: -logo[0]):
            url = _absolute(base, href)
            if url:
                return url
        return None


# --- colours --------------------------------------------------------------------------

_HEX = re.compile(r"#([0-9a-fA-F]{3,8})\b")
_FUNCTION = re.compile(r"(rgba?|hsla?)\(\s*([^)]*)\)", re.IGNORECASE)
_PROPERTY = re.compile(r"(--[\w-]+)\s*:\s*([^;{}]+)")
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_BRAND_NAMES = ("brand", "primary", "main", "theme")
_ACCENT_NAMES = ("accent", "secondary", "highlight", "tertiary")
_NEUTRAL_NAMES = ("text", "background", "bg", "border", "shadow", "muted", "grey", "gray")
# Colours every site built on a framework carries whatever its brand: WordPress's core
# palette (printed inline on every page) and Bootstrap's default theme colours.
_WORDPRESS_CORE = frozenset(
    f"--wp--preset--color--{name}"
    for name in [
        "black",
        "white",
        "cyan-bluish-gray",
        "pale-pink",
        "vivid-red",
        "luminous-vivid-orange",
        "luminous-vivid-amber",
        "light-green-cyan",
        "vivid-green-cyan",
        "pale-cyan-blue",
        "vivid-cyan-blue",
        "vivid-purple",
    ]
)
_BOOTSTRAP_DEFAULTS = frozenset(
    [
        "#0d6efd",
        "#6610f2",
        "#6f42c1",
        "#d63384",
        "#dc3545",
        "#fd7e14",
        "#ffc107",
        "#198754",
        "#20c997",
        "#0dcaf0",
        "#6c757d",
        "#007bff",
        "#28a745",
        "#17a2b8",
        "#343a40",
        "#f8f9fa",
        "#212529",
    ]
)


def framework_default(name: str, colour: str) -> bool:
    """A property a framework sets on every site (its default, not the brand's choice)."""
    return name in _WORDPRESS_CORE or (name.startswith("--bs-") and colour in _BOOTSTRAP_DEFAULTS)


def parse_colour(value: str) -> str | None:
    """A CSS colour (#rgb, #rrggbb, with alpha, rgb(), hsl()) as "#rrggbb"; None otherwise."""
    value = value.strip()
    hex_match = _HEX.fullmatch(value)
    if hex_match:
        digits = hex_match.group(1)
        if len(digits) in (3, 4):
            digits = "".join(c * 2 for c in digits[:3])
        elif len(digits) in (6, 8):
            digits = digits[:6]
        else:
            return None
        return f"#{digits.lower()}"
    function = _FUNCTION.fullmatch(value)
    if not function:
        return None
    parts = [p for p in re.split(r"[\s,/]+", function.group(2).strip()) if p]
    if len(parts) < 3:
        return None
    try:
        if function.group(1).lower().startswith("rgb"):
            rgb = [_channel(p) for p in parts[:3]]
        else:
            hue = float(parts[0].removesuffix("deg")) / 360 % 1
            sat, light = (float(p.rstrip("%")) / 100 for p in parts[1:3])
            rgb = [round(c * 255) for c in colorsys.hls_to_rgb(hue, light, sat)]
    except ValueError:
        return None
    return "#" + "".join(f"{max(0, min(255, c)):02x}" for c in rgb)


def _channel(text: str) -> int:
    if text.endswith("%"):
        return round(float(text[:-1]) * 2.55)
    return round(float(text))


def css_custom_properties(css: str) -> list[tuple[str, str]]:
    """(name, "#rrggbb") of every custom property holding a colour, in order; a property
    set to another (`var(--x)`) takes its colour."""
    raw = [(name.lower(), value.strip()) for name, value in _PROPERTY.findall(css)]
    values = dict(raw)
    colours: list[tuple[str, str]] = []
    for name, value in raw:
        for _ in range(3):  # var(--a) -> var(--b) -> colour
            ref = _VAR.match(value)
            if not ref or ref.group(1).lower() not in values:
                break
            value = values[ref.group(1).lower()]
        colour = parse_colour(value.split("!", 1)[0])
        if colour:
            colours.append((name, colour))
    return colours


def _rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def is_neutral(colour: str) -> bool:
    """Greys, near-white and near-black: a page's text and background, not its brand."""
    r, g, b = (c / 255 for c in _rgb(colour))
    _, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    return saturation < 0.12 or lightness > 0.94 or lightness < 0.06


def _close(a: str, b: str) -> bool:
    return sum((x - y) ** 2 for x, y in zip(_rgb(a), _rgb(b), strict=True)) < 28**2


def rank_colours(
    theme_color: str | None, properties: list[tuple[str, str]], logo_colours: list[str]
) -> list[str]:
    """Brand colours, most telling first: `theme-color`, custom properties named for the
    brand, then accents, the logo's colours, other coloured properties. Greys,
    frameworks' defaults and near-duplicates are left out."""

    def rank(name: str) -> int:
        if any(word in name for word in _NEUTRAL_NAMES):
            return 3
        if any(word in name for word in _BRAND_NAMES):
            return 0
        return 1 if any(word in name for word in _ACCENT_NAMES) else 3

    properties = [(n, c) for n, c in properties if not framework_default(n, c)]
    named = sorted(enumerate(properties), key=lambda entry: (rank(entry[1][0]), entry[0]))
    candidates: list[tuple[int, str]] = []
    theme = parse_colour(theme_color) if theme_color else None
    if theme:
        candidates.append((0, theme))
    candidates += [(rank(name), colour) for _, (name, colour) in named]
    candidates += [(2, colour) for colour in logo_colours]
    chosen: list[str] = []
    for _, colour in sorted(candidates, key=lambda c: c[0]):
        if is_neutral(colour) or any(_close(colour, other) for other in chosen):
            continue
        chosen.append(colour)
        if len(chosen) == MAX_COLOURS:
            break
    return chosen


def dominant_colours(data: bytes, count: int = 3) -> list[str]:
    """The logo's most used non-neutral colours (transparent pixels ignored); [] when the
    file is not an image Pillow reads. SVG logos give their `fill` colours."""
    head = data[:512].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml")):
        text = data.decode("utf-8", errors="replace")
        fills = Counter(
            parse_colour(c)
            for c in re.findall(r"(?:fill|stop-color)\s*[=:]\s*[\"']?(#[0-9a-fA-F]{3,8})", text)
        )
        return [c for c, _ in fills.most_common() if c and not is_neutral(c)][:count]
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > LOGO_MAX_PIXELS:
                return []
            image.draft("RGB", (128, 128))
            small = image.convert("RGBA")
        small.thumbnail((64, 64))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return []
    # Buckets of 16 levels per channel; each bucket's colour is its most frequent exact
    # colour, not the mean: resampled edges blend into a bucket and would shift a mean.
    buckets: dict[tuple[int, int, int], Counter[tuple[int, int, int]]] = {}
    pixels = small.tobytes()  # RGBA, four bytes a pixel
    for i in range(0, len(pixels), 4):
        r, g, b, alpha = pixels[i : i + 4]
        if alpha < 128:
            continue
        buckets.setdefault((r >> 4, g >> 4, b >> 4), Counter())[(r, g, b)] += 1
    opaque = sum(bucket.total() for bucket in buckets.values())
    colours: list[str] = []
    for bucket in sorted(buckets.values(), key=lambda found: -found.total()):
        n = bucket.total()
        colour = "#" + "".join(f"{c:02x}" for c in bucket.most_common(1)[0][0])
        # Under 4% of the logo: an anti-aliased edge between two colours, not a colour.
        if n < 0.04 * opaque or is_neutral(colour) or any(_close(colour, c) for c in colours):
            continue
        colours.append(colour)
        if len(colours) == count:
            break
    return colours


# --- key phrases ----------------------------------------------------------------------

STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be been before being
    below between both but by can could did do does doing down during each every few for
    from further had has have having he her here hers him his how i if in into is it its
    just me more most my no nor not now of off on once only or other our ours out over own
    same she should so some such than that the their them then there these they this those
    through to too under until up very was we were what when where which while who whom
    why will with you your yours us get got new best welcome home page website site menu
    contact click read see find make more's it's we're you're let let's per via day days
    every one two three""".split()  # noqa: SIM905 (a list of 150 words reads better so)
)
_WORD = re.compile(r"[^\W_][\w'\u2019&-]*")


def key_phrases(texts: Iterable[str], limit: int = MAX_KEY_PHRASES) -> list[str]:
    """The phrases a site repeats: two-word phrases first, then single words, by how
    often they appear across title, description and headings (no stopwords, no numbers)."""
    bigrams: Counter[str] = Counter()
    unigrams: Counter[str] = Counter()
    for text in texts:
        for segment in re.split(
            r"[.,:;|!?()\[\]{}\"\u201c\u201d\u2013\u2014/]+", (text or "").lower()
        ):
            words = [w.strip("'\u2019&-") for w in _WORD.findall(segment)]
            for word in words:
                if _content_word(word):
                    unigrams[word] += 1
            for first, second in itertools.pairwise(words):
                if _content_word(first) and _content_word(second):
                    bigrams[f"{first} {second}"] += 1
    phrases: list[str] = []
    for phrase, n in bigrams.most_common():
        if n >= 2 and len(phrases) < limit:
            phrases.append(phrase)
    used = {word for phrase in phrases for word in phrase.split()}
    for word, n in unigrams.most_common():
        if len(phrases) >= limit or n < 2:
            break
        if word not in used:
            phrases.append(word)
    for phrase, _ in bigrams.most_common():  # a short page: its phrases said once
        if len(phrases) >= min(limit, 4):
            break
        if phrase not in phrases:
            phrases.append(phrase)
    return phrases


def _content_word(word: str) -> bool:
    return len(word) > 2 and word not in STOPWORDS and not word.isdigit()
