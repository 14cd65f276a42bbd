"""Hosts a user names (a Mastodon instance, a Bluesky PDS) are called through the SSRF
guard at connect, publish and refresh: every hop resolved and checked, the connection
pinned to the checked address. A name that now resolves to a private address, or a
redirect to one, is refused with a clear error and nothing is sent there."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest

from chalicelib.settings import get_settings
from chalicelib.store import accounts as account_store
from chalicelib.store.base import utcnow
from tests.support.connect import connect
from tests.support.factories import call, signup

NAME = "social.example"  # the host the user names; the test's DNS answers for it
PRIVATE = "10.0.0.7"
METADATA = "169.254.169.254"
PUBLIC = "93.184.216.34"


@dataclass
class Instance:
    """The sandbox behind a server of its own, reached as http://social.example:<port>,
    which can be told to redirect every request elsewhere."""

    port: int
    redirect_to: str | None = None

    def url(self, network: str) -> str:
        return f"http://{NAME}:{self.port}/{network}"


@dataclass
class Dns:
    """What the test's resolver answers for NAME: successive answers, the last repeated."""

    answers: list[list[str]] = field(default_factory=lambda: [["127.0.0.1"]])
    connected: list[str] = field(default_factory=list)  # every address a socket went to

    def now(self, *addresses: str) -> None:
        self.answers = [list(addresses)]


@pytest.fixture
def dns(monkeypatch) -> Dns:
    import urllib3.util.connection as connection

    resolver = Dns()
    real_getaddrinfo, real_connect = socket.getaddrinfo, connection.create_connection

    def getaddrinfo(host, port, *args, **kwargs):
        if host in (NAME, "redirected.example"):
            addresses = resolver.answers[0] if host == NAME else [METADATA]
            if host == NAME and len(resolver.answers) > 1:
                resolver.answers.pop(0)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]
        return real_getaddrinfo(host, port, *args, **kwargs)

    def create_connection(address, *args, **kwargs):
        resolver.connected.append(address[0])
        if address[0] in (PRIVATE, METADATA, PUBLIC):
            raise AssertionError(f"connected to {address[0]}")
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(connection, "create_connection", create_connection)
    return resolver


@pytest.fixture
def instance(sandbox, monkeypatch) -> Iterator[Instance]:
    from werkzeug.serving import make_server

    from local.stack import HOST, free_port

    monkeypatch.setenv("SCHEDULO_ALLOW_LOOPBACK_FETCH", "1")  # as the local stack does
    monkeypatch.setenv("SCHEDULO_PUBLISH_MAX_ATTEMPTS", "1")
    get_settings.cache_clear()
    port = free_port()
    front = Instance(port)

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if front.redirect_to:
            start_response("307 Temporary Redirect", [("Location", front.redirect_to)])
            return [b""]
        return sandbox.app(environ, start_response)

    server = make_server(HOST, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield front
    server.shutdown()
    get_settings.cache_clear()


def connect_mastodon(client, user, instance: Instance) -> str:
    [account_id] = connect(
        client, user, "mastodon", {"network": "mastodon", "instance_url": instance.url("mastodon")}
    )
    return account_id


def connect_bluesky(client, user, instance: Instance):
    return call(
        client,
        "POST",
        f"/v1/workspaces/{user.workspace_id}/accounts/connect",
        {
            "network": "bluesky",
            "handle": "bakery.bsky.social",
            "app_password": "abcd-efgh-ijkl-mnop",
            "service_url": instance.url("bluesky"),
        },
        user.headers,
    )


def refused(text: str) -> bool:
    return "resolves to a private or reserved address" in text


def test_the_named_host_is_pinned_to_its_checked_address_and_connects(
    client, sandbox, dns, instance
):
    owner = signup(client)
    account_id = connect_mastodon(client, owner, instance)
    item = account_store.get(owner.workspace_id, account_id)
    assert item.status == "connected" and item.options["instance_url"] == instance.url("mastodon")
    # Schedulo connects to the checked address; only the test's browser (the consent
    # page) connects by name.
    assert "127.0.0.1" in dns.connected and set(dns.connected) <= {"127.0.0.1", NAME}
    answer = connect_bluesky(client, owner, instance)
    assert answer.status_code == 201, answer.json


def test_a_name_that_turns_private_after_the_check_is_refused_at_connect(
    client, sandbox, dns, instance
):
    owner = signup(client)
    calls_before = len(sandbox.calls)
    for network in ("mastodon", "bluesky"):
        dns.answers = [[PUBLIC], [PRIVATE]]  # the API's check sees a public address
        if network == "mastodon":
            body = {"network": "mastodon", "instance_url": instance.url("mastodon")}
            answer = call(
                client,
                "POST",
                f"/v1/workspaces/{owner.workspace_id}/accounts/connect",
                body,
                owner.headers,
            )
        else:
            answer = connect_bluesky(client, owner, instance)
        assert answer.status_code == 422, answer.json
        assert refused(answer.json["error"]["message"]), answer.json
        named = {"mastodon": "instance_url", "bluesky": "app_password"}[network]
        assert answer.json["error"]["details"][0]["field"] == named
    assert PRIVATE not in dns.connected and PUBLIC not in dns.connected
    assert len(sandbox.calls) == calls_before  # nothing reached any instance
    assert account_store.list_accounts(owner.workspace_id) == []


def test_a_redirect_to_a_private_address_is_refused_at_connect(client, sandbox, dns, instance):
    owner = signup(client)
    for target in (f"http://{METADATA}/latest/meta-data/", "http://redirected.example/x"):
        instance.redirect_to = target
        mastodon = call(
            client,
            "POST",
            f"/v1/workspaces/{owner.workspace_id}/accounts/connect",
            {"network": "mastodon", "instance_url": instance.url("mastodon")},
            owner.headers,
        )
        bluesky = connect_bluesky(client, owner, instance)
        for answer in (mastodon, bluesky):
            assert answer.status_code == 422, answer.json
            message = answer.json["error"]["message"]
            assert refused(message), answer.json
            assert f"The host {urlsplit(target).hostname} resolves" in message  # the hop
    assert METADATA not in dns.connected
    assert account_store.list_accounts(owner.workspace_id) == []


@pytest.mark.parametrize("change", ["private", "redirect"])
def test_publish_and_refresh_are_refused_when_the_host_turns_private(
    client, sandbox, dns, instance, change
):
    from tests.support.publishing import PublishingWorld

    with PublishingWorld(client, sandbox) as world:
        owner = world.owner
        assert owner is not None
        mastodon = connect_mastodon(client, owner, instance)
        bluesky = connect_bluesky(client, owner, instance).json["account"]["id"]
        if change == "private":
            dns.now(PRIVATE)
        else:
            instance.redirect_to = f"http://{METADATA}/latest/meta-data/"
        calls_before = len(sandbox.calls)

        post_id = world.schedule(
            {mastodon: "mastodon", bluesky: "bluesky"},
            "hello",
            at=utcnow() + timedelta(seconds=1),
        )
        item = world.wait_for(post_id)
        assert item.status == "failed"
        for target in item.targets:
            assert target.status == "failed"
            assert refused(target.error or ""), target.error

        path = f"/v1/workspaces/{owner.workspace_id}/accounts/{bluesky}/refresh"
        answer = call(client, "POST", path, headers=owner.headers)
        assert answer.status_code == 409, answer.json
        assert refused(answer.json["error"]["message"])
        assert refused(account_store.get(owner.workspace_id, bluesky).last_error or "")

    assert PRIVATE not in dns.connected and METADATA not in dns.connected
    assert len(sandbox.calls) == calls_before  # not a request reached a network
    assert sandbox.posts("mastodon") == [] and sandbox.posts("bluesky") == []
