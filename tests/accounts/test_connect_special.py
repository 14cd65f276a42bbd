"""Networks that connect differently: Bluesky (app password), Mastodon (any instance),
Pinterest (a board to pin to)."""

from __future__ import annotations

import pytest

from chalicelib.oauth.tokens import open_secrets
from chalicelib.settings import get_settings
from chalicelib.store import accounts as account_store
from tests.support.connect import connect
from tests.support.factories import call, signup


@pytest.fixture
def loopback_allowed(monkeypatch):
    """The local stack lets network URLs point at its own sandbox on 127.0.0.1."""
    monkeypatch.setenv("SCHEDULO_ALLOW_LOOPBACK_FETCH", "1")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("SCHEDULO_ALLOW_LOOPBACK_FETCH")
    get_settings.cache_clear()


def connect_path(user):
    return f"/v1/workspaces/{user.workspace_id}/accounts/connect"


def test_bluesky_connects_with_a_handle_and_an_app_password(client, sandbox):
    owner = signup(client)
    response = call(
        client,
        "POST",
        connect_path(owner),
        {"network": "bluesky", "handle": "ada.bsky.social", "app_password": "abcd-efgh-ijkl-mnop"},
        owner.headers,
    )
    assert response.status_code == 201, response.json
    account = response.json["account"]
    assert account["network"] == "bluesky" and account["status"] == "connected"
    assert "abcd-efgh-ijkl-mnop" not in response.body.decode()
    item = account_store.get(owner.workspace_id, account["id"])
    assert open_secrets(item)["app_password"] == "abcd-efgh-ijkl-mnop"  # sealed, kept


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (
            {"network": "bluesky", "handle": "ada.bsky.social", "app_password": "hunter2"},
            ["app_password"],
        ),
        ({"network": "bluesky"}, ["handle", "app_password"]),
        ({"network": "mastodon"}, ["instance_url"]),
    ],
)
def test_missing_or_malformed_connection_details_name_the_field(client, sandbox, body, fields):
    owner = signup(client)
    response = call(client, "POST", connect_path(owner), body, owner.headers)
    assert response.status_code == 422
    assert [d["field"] for d in response.json["error"]["details"]] == fields


def test_mastodon_on_a_private_address_is_refused_outside_the_local_stack(client, sandbox):
    owner = signup(client)
    for url in ("http://127.0.0.1:9/mastodon", "https://169.254.169.254"):
        response = call(
            client,
            "POST",
            connect_path(owner),
            {"network": "mastodon", "instance_url": url},
            owner.headers,
        )
        assert response.status_code == 422
        assert response.json["error"]["details"][0]["field"] == "instance_url"


def test_mastodon_registers_once_per_instance_and_connects(client, sandbox, loopback_allowed):
    owner = signup(client)
    instance = f"{sandbox.url}/mastodon"
    connect_body = {"network": "mastodon", "instance_url": instance}
    [account_id] = connect(client, owner, "mastodon", connect_body)
    item = account_store.get(owner.workspace_id, account_id)
    assert item.options["instance_url"] == instance and item.status == "connected"
    connect(client, owner, "mastodon", connect_body)  # reconnect: the same app is reused
    registrations = [c for c in sandbox.calls if c.path.endswith("/api/v1/apps")]
    assert len(registrations) == 1


def test_pinterest_accounts_keep_their_boards_and_a_chosen_one(client, sandbox):
    owner = signup(client)
    [account_id] = connect(client, owner, "pinterest")
    path = f"/v1/workspaces/{owner.workspace_id}/accounts/{account_id}"
    account = call(client, "GET", path, headers=owner.headers).json
    boards = account["options"]["boards"]
    assert boards and account["options"]["board_id"] == boards[0]["id"]
    chosen = call(client, "PATCH", path, {"board_id": boards[-1]["id"]}, owner.headers)
    assert chosen.status_code == 200 and chosen.json["options"]["board_id"] == boards[-1]["id"]
    wrong = call(client, "PATCH", path, {"board_id": "nope"}, owner.headers)
    assert wrong.status_code == 422 and wrong.json["error"]["details"][0]["field"] == "board_id"
