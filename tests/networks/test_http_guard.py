"""The transport of calls to a host a user named: the connection goes to the address the
guard checked, while the Host header and the TLS name (SNI and certificate) stay the
URL's."""

from __future__ import annotations

import socket

import pytest
import requests

from chalicelib.netguard import HostRefused
from chalicelib.networks.http import _guarded_adapter_class


def prepared(url: str) -> requests.PreparedRequest:
    return requests.Request("POST", url, json={}).prepare()


def test_https_connects_to_the_checked_address_with_the_host_s_own_tls_name():
    adapter = _guarded_adapter_class()(False)
    adapter.pinned[("social.example", 443)] = "93.184.216.34"
    pool = adapter.get_connection_with_tls_context(
        prepared("https://social.example/api/v1/apps"), verify=True
    )
    assert pool.host == "93.184.216.34" and pool.port == 443
    assert pool.conn_kw["server_hostname"] == "social.example"
    assert pool.assert_hostname == "social.example"


def test_an_unchecked_host_is_never_connected_to():
    adapter = _guarded_adapter_class()(False)
    with pytest.raises(HostRefused):
        adapter.get_connection_with_tls_context(prepared("https://other.example/"), verify=True)


@pytest.mark.parametrize(
    ("url", "answer", "says"),
    [
        ("https://social.example/x", "10.1.2.3", "private or reserved"),
        ("https://social.example/x", "127.0.0.1", "private or reserved"),  # not the local stack
        ("https://social.example/x", "::ffff:169.254.169.254", "private or reserved"),
        ("ftp://social.example/x", None, "only http and https"),
        ("https://me:pw@social.example/x", None, "user name or password"),
    ],
)
def test_send_checks_before_anything_is_sent(monkeypatch, url, answer, says):
    import urllib3.util.connection as connection

    def getaddrinfo(host, port, *args, **kwargs):
        family = socket.AF_INET6 if ":" in answer else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (answer, port))]

    def create_connection(*args, **kwargs):
        raise AssertionError("nothing may be connected to")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(connection, "create_connection", create_connection)
    adapter = _guarded_adapter_class()(False)
    with pytest.raises(HostRefused, match=says):
        adapter.send(prepared(url), timeout=(1, 1))
