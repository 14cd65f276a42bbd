"""Import by URL: the SSRF guard and the fetch's size, time and redirect limits."""

from __future__ import annotations

import socket

import pytest

from chalicelib.media import fetch as fetch_module
from chalicelib.media.fetch import FetchError, FetchLimits, fetch
from tests.support.http_server import Route, serve
from tests.support.media_files import image_bytes

PRODUCTION = FetchLimits(max_bytes=10_000_000, timeout_seconds=5)
LOCAL_STACK = FetchLimits(max_bytes=10_000_000, timeout_seconds=5, allow_loopback=True)


@pytest.fixture
def dns(monkeypatch):
    """Host names answered by the test instead of the resolver; connecting is forbidden."""
    answers: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port),
                )
                for a in answers[host]
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", getaddrinfo)

    def no_connection(*args, **kwargs):
        raise AssertionError("a refused URL must not be connected to")

    import urllib3

    monkeypatch.setattr(urllib3.HTTPConnectionPool, "urlopen", no_connection)
    return answers


def collect() -> tuple[list[bytes], object]:
    chunks: list[bytes] = []
    return chunks, chunks.append


@pytest.mark.parametrize("address", ["127.0.0.1", "169.254.169.254"])
def test_a_url_resolving_to_loopback_or_metadata_is_refused_in_production(dns, address):
    dns["images.example.com"] = [address]
    with pytest.raises(FetchError, match="private or reserved address"):
        fetch("https://images.example.com/cat.jpg", PRODUCTION, collect()[1])


@pytest.mark.parametrize(
    "address",
    ["10.0.0.5", "192.168.1.10", "172.16.0.1", "100.64.0.1", "0.0.0.0", "::1", "fe80::1",
     "fd00::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "224.0.0.1"],
)  # fmt: skip
def test_private_link_local_and_reserved_addresses_are_refused(dns, address):
    dns["cdn.example.com"] = [address]
    with pytest.raises(FetchError, match="private or reserved"):
        fetch("http://cdn.example.com/a.png", PRODUCTION, collect()[1])


def test_one_private_address_among_public_ones_is_enough_to_refuse(dns):
    dns["mixed.example.com"] = ["93.184.216.34", "127.0.0.1"]
    with pytest.raises(FetchError, match="private"):
        fetch("http://mixed.example.com/a.png", PRODUCTION, collect()[1])


def test_the_metadata_service_is_refused_even_where_loopback_is_allowed(dns):
    with pytest.raises(FetchError, match="private or reserved"):
        fetch("http://169.254.169.254/latest/meta-data/", LOCAL_STACK, collect()[1])


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "Only http and https"),
        ("ftp://example.com/a.jpg", "Only http and https"),
        ("http://user:secret@example.com/a.jpg", "user name or password"),
        ("http:///a.jpg", "no host"),
        ("http://2130706433/a.jpg", "private or reserved"),  # 127.0.0.1 as one number
    ],
)
def test_urls_that_are_not_plain_public_http_are_refused(dns, url, reason):
    with pytest.raises(FetchError, match=reason):
        fetch(url, PRODUCTION, collect()[1])


def test_the_local_sandbox_is_fetched_when_loopback_is_allowed():
    photo = image_bytes("JPEG", (300, 200))
    with serve({"/photo.jpg": Route(body=photo, headers={"Content-Type": "image/jpeg"})}) as site:
        chunks, sink = collect()
        fetched = fetch(f"{site.url}/photo.jpg", LOCAL_STACK, sink)
    assert b"".join(chunks) == photo
    assert (fetched.size, fetched.content_type) == (len(photo), "image/jpeg")


def test_the_same_loopback_server_is_refused_in_production():
    with serve({"/photo.jpg": Route(body=b"x")}) as site:
        with pytest.raises(FetchError, match="private or reserved"):
            fetch(f"{site.url}/photo.jpg", PRODUCTION, collect()[1])
        assert site.hits == []


def test_a_redirect_to_the_metadata_service_is_refused_at_that_hop():
    routes = {
        "/a": Route(302, headers={"Location": "/b"}),
        "/b": Route(301, headers={"Location": "http://169.254.169.254/latest/meta-data/iam"}),
    }
    with serve(routes) as site:
        with pytest.raises(FetchError, match="private or reserved"):
            fetch(f"{site.url}/a", LOCAL_STACK, collect()[1])
        assert site.hits == ["/a", "/b"]


def test_redirects_are_followed_up_to_the_limit():
    photo = image_bytes("PNG", (10, 10))
    routes = {f"/{i}": Route(302, headers={"Location": f"/{i + 1}"}) for i in range(3)}
    routes["/3"] = Route(body=photo)
    with serve(routes) as site:
        _, sink = collect()
        assert fetch(f"{site.url}/0", LOCAL_STACK, sink).url == f"{site.url}/3"
        with pytest.raises(FetchError, match="More than 2 redirects"):
            fetch(f"{site.url}/0", FetchLimits(10_000, allow_loopback=True, max_redirects=2), sink)


def test_a_declared_size_over_the_cap_is_refused_before_reading():
    with serve({"/big": Route(body=bytes(5000))}) as site:
        chunks, sink = collect()
        with pytest.raises(FetchError, match="larger than 1000 bytes"):
            fetch(f"{site.url}/big", FetchLimits(1000, allow_loopback=True), sink)
    assert chunks == []


def test_an_undeclared_size_is_capped_while_reading():
    with serve({"/big": Route(body=bytes(2_000_000), chunked=True)}) as site:
        chunks, sink = collect()
        with pytest.raises(FetchError, match="larger than 1000000 bytes"):
            fetch(f"{site.url}/big", FetchLimits(1_000_000, allow_loopback=True), sink)
    assert sum(map(len, chunks)) <= 1_000_000


def test_a_slow_server_times_out():
    limits = FetchLimits(1000, timeout_seconds=0.5, allow_loopback=True)
    route = Route(body=b"late", delay_seconds=2)
    with serve({"/slow": route}) as site, pytest.raises(FetchError, match="too long"):
        fetch(f"{site.url}/slow", limits, collect()[1])


def test_an_error_status_is_reported():
    with serve({}) as site, pytest.raises(FetchError, match="HTTP 404"):
        fetch(f"{site.url}/missing.jpg", LOCAL_STACK, collect()[1])
