"""A Mastodon instance that forgets Schedulo's app (restored database, app removed by its
admin) answers `invalid_client`: Schedulo registers again, once, instead of failing every
connection from then on."""

from __future__ import annotations

import pytest
import requests

from chalicelib.settings import get_settings
from chalicelib.store import accounts as account_store
from tests.support.connect import callback, connect, start
from tests.support.factories import signup


@pytest.fixture
def loopback_allowed(monkeypatch):
    """The local stack lets network URLs point at its own sandbox on 127.0.0.1."""
    monkeypatch.setenv("SCHEDULO_ALLOW_LOOPBACK_FETCH", "1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def forget_apps(sandbox) -> None:
    answer = requests.post(f"{sandbox.url}/mastodon/_control/forget-apps", timeout=5)
    answer.raise_for_status()
    assert answer.json()["forgotten"] >= 1


def registrations(sandbox) -> int:
    return len([c for c in sandbox.calls if c.path == "/mastodon/api/v1/apps"])


def test_an_app_the_instance_forgot_is_registered_again_and_the_connection_goes_on(
    client, sandbox, loopback_allowed
):
    owner = signup(client)
    body = {"network": "mastodon", "instance_url": f"{sandbox.url}/mastodon"}
    [first] = connect(client, owner, "mastodon", body)
    assert registrations(sandbox) == 1

    forget_apps(sandbox)
    [again] = connect(client, owner, "mastodon", body)  # would fail at the consent page before

    assert again == first  # the same account, reconnected
    assert account_store.get(owner.workspace_id, again).status == "connected"
    assert registrations(sandbox) == 2
    refused = [c for c in sandbox.calls if c.path == "/mastodon/oauth/token" and c.status == 401]
    assert len(refused) == 1 and refused[0].response["error"] == "invalid_client"

    # ...and the new registration is the one kept: the next connection registers nothing.
    connect(client, owner, "mastodon", body)
    assert registrations(sandbox) == 2


def test_an_app_forgotten_between_consent_and_callback_asks_to_start_again_once(
    client, sandbox, loopback_allowed
):
    owner = signup(client)
    body = {"network": "mastodon", "instance_url": f"{sandbox.url}/mastodon"}
    consent = start(client, owner, "mastodon", body=body)
    forget_apps(sandbox)

    page = callback(client, "mastodon", consent)

    assert page.status_code == 400
    text = page.body.decode()
    assert "registered again" in text and "Start the connection again" in text
    assert registrations(sandbox) == 2  # registered again at once
    assert account_store.list_accounts(owner.workspace_id) == []  # nothing was stored
    [account_id] = connect(client, owner, "mastodon", body)  # the next attempt just works
    assert account_store.get(owner.workspace_id, account_id).status == "connected"
    assert registrations(sandbox) == 2


def test_the_instances_app_is_kept_sealed_in_the_table_and_makes_no_secret(
    client, sandbox, loopback_allowed
):
    """One registration per instance, in DynamoDB with its client secret sealed by the
    token vault: a Secrets Manager secret per instance would cost $0.40 a month each."""
    from chalicelib.aws import client as aws_client
    from chalicelib.store.mastodon_apps import PREFIX

    before = aws_client("secretsmanager").list_secrets()["SecretList"]
    owner = signup(client)
    body = {"network": "mastodon", "instance_url": f"{sandbox.url}/mastodon"}
    connect(client, owner, "mastodon", body)

    items = aws_client("dynamodb").scan(TableName=get_settings().tables.rate_limits)["Items"]
    [kept] = [i for i in items if i["counter_key"]["S"].startswith(PREFIX)]
    [app] = [o for k, o in sandbox.state.objects.items() if k.startswith("mastodon:app:")]
    assert kept["client_id"]["S"] == app["client_id"]
    assert app["client_secret"] not in str(kept)  # sealed
    assert aws_client("secretsmanager").list_secrets()["SecretList"] == before
