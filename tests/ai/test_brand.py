"""Issue 24: a brand's facts read from its website (`chalicelib.ai.brand.site_facts`), on
the sandbox's sample sites; the SSRF guard, size and time caps on the way."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from chalicelib.ai import brand
from chalicelib.ai.brand import (
    css_custom_properties,
    key_phrases,
    parse_colour,
    rank_colours,
    site_facts,
)
from chalicelib.errors import ValidationFailed
from local.sandbox.sites import SAMPLE_SITES, SITES
from tests.support.http_server import Route, serve
from tests.support.sandbox import running_sandbox


@pytest.fixture
def loopback_allowed(monkeypatch):
    """As on the local stack: the sandbox is on loopback, which production refuses."""
    from chalicelib.settings import get_settings

    monkeypatch.setenv("SCHEDULO_ALLOW_LOOPBACK_FETCH", "1")
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def sandbox():
    with running_sandbox() as running:
        yield running


@pytest.fixture
def resolver(monkeypatch):
    """Host names answered by the test (no DNS query leaves the machine); `looked_up`
    records every name asked for."""
    answers: dict[str, list[str]] = {}
    looked_up: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        looked_up.append(host)
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[host]]
        if _is_address(host) or host == "localhost":  # no DNS query for these
            return real(host, port, *args, **kwargs)
        raise socket.gaierror(f"{host} is not answered in tests")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers, looked_up


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@pytest.fixture
def dns(resolver, monkeypatch):
    """As `resolver`, and any connection attempt fails the test."""

    def no_connection(*args, **kwargs):
        raise AssertionError("a refused site must not be connected to")

    import urllib3

    monkeypatch.setattr(urllib3.HTTPConnectionPool, "urlopen", no_connection)
    return resolver[0]


def refusal(url: str) -> str:
    """site_facts(url)'s 422 message, checked to name the url field and the url."""
    with pytest.raises(ValidationFailed) as raised:
        site_facts(url)
    error = raised.value
    assert error.status == 422
    assert error.details[0]["field"] == "url"
    assert url in error.message
    return error.message


@pytest.mark.parametrize("slug", SAMPLE_SITES)
def test_each_sample_site_gives_its_title_logo_colours_and_phrases(loopback_allowed, sandbox, slug):
    site = SITES[slug]
    facts = site_facts(f"{sandbox.url}/sites/{slug}/")

    assert facts.title.startswith(site.name)
    assert facts.description == site.description
    assert facts.headings == list(site.headings)
    assert facts.og_image == f"{sandbox.url}/sites/{slug}/og.png"
    # The <img class="site-logo"> wins over the icons, unless it is an SVG (the florist's):
    # then the PNG apple-touch-icon, which images can draw.
    assert facts.logo == f"{sandbox.url}/sites/{slug}/logo.png"
    # theme-color first; the logo's two colours (from the PNG's pixels or the SVG's
    # fills) among them.
    assert facts.colours[0] == site.theme_color
    assert set(site.logo_colours) <= set(facts.colours)
    assert all(len(c) == 7 and c.startswith("#") for c in facts.colours)
    # Greys of the page's text and footer are not brand colours.
    assert "#2b2b2b" not in facts.colours and "#999999" not in facts.colours
    first_heading_words = set(site.headings[0].lower().split())
    assert any(set(p.split()) & first_heading_words for p in facts.key_phrases)


def test_the_logo_colours_are_read_from_the_logo_file(loopback_allowed, sandbox):
    """Without theme-color or CSS, the colours come from the logo PNG alone."""
    from local.sandbox.sites import _logo_png

    page = b'<!doctype html><title>Bare</title><img src="/logo.png" alt="Bare logo">'
    with serve(
        {
            "/": Route(body=page, headers={"Content-Type": "text/html"}),
            "/logo.png": Route(body=_logo_png("bikes"), headers={"Content-Type": "image/png"}),
        }
    ) as site:
        facts = site_facts(f"{site.url}/")
    assert facts.logo == f"{site.url}/logo.png"
    assert set(facts.colours) == set(SITES["bikes"].logo_colours)


def test_an_svg_logo_gives_its_fill_colours():
    from chalicelib.ai.brand import dominant_colours
    from local.sandbox.sites import _logo_png, _logo_svg

    florist = SITES["florist"]
    assert dominant_colours(_logo_svg(florist).encode()) == list(florist.logo_colours)
    # A PNG's colours by how much of the logo they cover: the ring, then the centre.
    assert dominant_colours(_logo_png("bakery")) == list(SITES["bakery"].logo_colours)
    assert dominant_colours(b"not an image") == []


def test_a_stylesheet_on_another_site_is_not_fetched(loopback_allowed, resolver):
    """A CDN's framework CSS says nothing of the brand; its host is not even resolved."""
    page = (
        b"<!doctype html><title>Shop</title>"
        b'<link rel="stylesheet" href="http://cdn.example.net/bootstrap.css">'
        b'<link rel="stylesheet" href="/own.css">'
    )
    css = b":root { --brand: #0a7b83; --text: #222222; }"
    with serve(
        {
            "/": Route(body=page, headers={"Content-Type": "text/html"}),
            "/own.css": Route(body=css, headers={"Content-Type": "text/css"}),
        }
    ) as site:
        facts = site_facts(f"{site.url}/")
        assert site.hits == ["/", "/own.css"]
    assert "cdn.example.net" not in resolver[1]
    assert facts.colours == ["#0a7b83"]


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/",
        "http://192.168.1.1/",
        "http://[::ffff:169.254.169.254]/",
    ],
)
def test_private_and_metadata_addresses_are_refused(loopback_allowed, dns, url):
    message = refusal(url)
    assert "private or reserved" in message


def test_a_name_resolving_to_a_private_address_is_refused(dns):
    dns["intranet.example.com"] = ["10.1.2.3"]
    assert "private or reserved" in refusal("https://intranet.example.com/")


def test_the_api_refuses_private_sites_before_spending_anything(client, resolver):
    """The attacker's path: POST /brand/extract with the metadata service or a name that
    resolves inside the network is a 422 naming url, whoever asks."""
    from tests.support.factories import call, signup

    resolver[0]["shop.example.com"] = ["10.0.0.7"]
    owner = signup(client)
    for url in ("http://169.254.169.254/latest/meta-data/", "https://shop.example.com/"):
        answer = call(
            client,
            "POST",
            f"/v1/workspaces/{owner.workspace_id}/brand/extract",
            {"url": url},
            owner.headers,
        )
        assert answer.status_code == 422, answer.body
        error = answer.json["error"]
        assert error["details"][0]["field"] == "url"
        assert url in error["message"] and "private or reserved" in error["message"]


def test_loopback_is_refused_outside_the_local_stack(sandbox):
    assert "private or reserved" in refusal(f"{sandbox.url}/sites/bakery/")


def test_a_redirect_to_the_metadata_service_is_refused(loopback_allowed):
    with serve(
        {"/": Route(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})}
    ) as site:
        assert "private or reserved" in refusal(f"{site.url}/")


@pytest.mark.parametrize("chunked", [False, True])
def test_an_oversized_page_is_refused(loopback_allowed, chunked):
    page = b"<!doctype html><title>Huge</title>" + b"<p>crumbs</p>" * 200_000  # 2.6 MB
    with serve(
        {"/": Route(body=page, headers={"Content-Type": "text/html"}, chunked=chunked)}
    ) as site:
        assert "larger than" in refusal(f"{site.url}/")


def test_a_slow_site_is_refused_at_the_deadline(loopback_allowed, monkeypatch):
    monkeypatch.setattr(brand, "DEADLINE_SECONDS", 0.5)
    with serve({"/": Route(body=b"<title>late</title>", delay_seconds=3)}) as site:
        assert "too long" in refusal(f"{site.url}/")


def test_relative_addresses_follow_the_pages_base_href(loopback_allowed):
    page = (
        b'<!doctype html><base href="/assets/"><title>Based</title>'
        b'<link rel="stylesheet" href="site.css"><img class="logo" src="mark.png">'
        b'<meta property="og:image" content="share.png">'
    )
    with serve(
        {
            "/shop/": Route(body=page, headers={"Content-Type": "text/html"}),
            "/assets/site.css": Route(body=b":root{--primary:#0a7b83}"),
        }
    ) as site:
        facts = site_facts(f"{site.url}/shop/")
    assert facts.logo == f"{site.url}/assets/mark.png"
    assert facts.og_image == f"{site.url}/assets/share.png"
    assert facts.colours == ["#0a7b83"]


def test_broken_markup_keeps_what_was_read_before_it(loopback_allowed):
    page = (
        b"<!doctype html><title>Half a page</title><meta name=theme-color content='#0a7b83'>"
        b'<h1>Still here</h1><![if broken <div class="logo"><img src=/l.png'
    )
    with serve({"/": Route(body=page, headers={"Content-Type": "text/html"})}) as site:
        facts = site_facts(f"{site.url}/")
    assert facts.title == "Half a page"
    assert facts.headings == ["Still here"]
    assert facts.colours == ["#0a7b83"]


def test_a_non_html_answer_is_refused(loopback_allowed, sandbox):
    assert "not a web page" in refusal(f"{sandbox.url}/sites/bakery/logo.png")


def test_a_missing_page_and_an_unreachable_site_are_refused(loopback_allowed, sandbox):
    assert "HTTP 404" in refusal(f"{sandbox.url}/sites/no-such-shop/")
    with serve({}) as site:
        closed = site.url
    assert "cannot be read" in refusal(f"{closed}/")


@pytest.mark.parametrize("url", ["", "ftp://files.example.com/", "https://"])
def test_a_bad_address_is_refused(url):
    with pytest.raises(ValidationFailed) as raised:
        site_facts(url)
    assert raised.value.details[0]["field"] == "url"


def test_css_colours_and_custom_properties():
    assert parse_colour("#AbC") == "#aabbcc"
    assert parse_colour("#11223380") == "#112233"
    assert parse_colour("rgb(255, 0, 10)") == "#ff000a"
    assert parse_colour("rgba(0 128 255 / 50%)") == "#0080ff"
    assert parse_colour("hsl(120, 100%, 25%)") == "#008000"
    assert parse_colour("red") is None
    css = ":root { --base: #e63946; --brand-primary: var(--base); --gap: 4px }"
    assert css_custom_properties(css) == [("--base", "#e63946"), ("--brand-primary", "#e63946")]


def test_a_frameworks_default_palette_is_not_taken_for_the_brand():
    """WordPress prints its core palette on every page and Bootstrap's theme colours
    come with it: only what the site chose counts (a customised --bs-primary does)."""
    css = (
        "body { --wp--preset--color--vivid-red: #cf2e2e; --wp--preset--color--pale-pink:"
        " #f78da7; --wp--preset--color--vivid-cyan-blue: #0693e3;"
        " --wp--preset--color--primary: #0a7b83; }"
        ":root { --bs-primary: #0d6efd; --bs-danger: #dc3545; --bs-secondary: #b5651d; }"
    )
    assert rank_colours(None, css_custom_properties(css), []) == ["#0a7b83", "#b5651d"]


def test_key_phrases_prefer_repeated_two_word_phrases_without_stopwords():
    phrases = key_phrases(
        [
            "Fresh sourdough bread | The Bakery",
            "Our sourdough bread and the best seasonal pastries",
            "Seasonal pastries for you",
        ]
    )
    assert phrases[:2] == ["sourdough bread", "seasonal pastries"]
    assert not {"the", "our", "for", "you"} & {w for p in phrases for w in p.split()}
