"""Schedulo's client id and secret at each network live in the app's one secret of keys
(`networks.<network>`, put by `make deploy NETWORK_CREDENTIALS=...`): Secrets Manager
bills per secret, and ten networks were ten secrets. A deployment from before, with a
secret per network, still works."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.auth import keyring
from chalicelib.aws import client as aws_client
from chalicelib.settings import get_settings
from tests.support.factories import call, signup


@pytest.fixture
def app_keys(aws):
    manager, name = aws_client("secretsmanager"), get_settings().keys_secret_name
    provisioned = manager.get_secret_value(SecretId=name)["SecretString"]
    keyring.forget()
    yield manager, name, json.loads(provisioned)
    manager.put_secret_value(SecretId=name, SecretString=provisioned)
    keyring.forget()


def authorize_client_id(client, network: str) -> str:
    owner = signup(client)
    started = call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/accounts/connect",
        {"network": network, "redirect_to": "/accounts"},
        owner.headers,
    )
    assert started.status_code == 200, started.json
    return parse_qs(urlsplit(started.json["authorize_url"]).query)["client_id"][0]


def test_a_networks_client_id_comes_from_the_apps_secret_of_keys(client, app_keys):
    manager, name, keys = app_keys
    assert authorize_client_id(client, "linkedin") == "sandbox-linkedin-client"  # the seed's
    keys["networks"]["linkedin"] = {"client_id": "ours-at-linkedin", "client_secret": "s3cret"}
    manager.put_secret_value(SecretId=name, SecretString=json.dumps(keys))
    keyring.forget()
    assert authorize_client_id(client, "linkedin") == "ours-at-linkedin"


def test_a_secret_of_the_networks_own_serves_when_the_keys_have_none(client, app_keys):
    manager, name, keys = app_keys
    del keys["networks"]["linkedin"]
    manager.put_secret_value(SecretId=name, SecretString=json.dumps(keys))
    own = f"schedulo-{get_settings().stage}/networks/linkedin"
    manager.create_secret(
        Name=own, SecretString=json.dumps({"client_id": "kept-apart", "client_secret": "x"})
    )
    keyring.forget()
    try:
        assert authorize_client_id(client, "linkedin") == "kept-apart"
    finally:
        manager.delete_secret(SecretId=own, ForceDeleteWithoutRecovery=True)
