"""Outgoing webhooks through the API: endpoints, validation, roles, private URLs refused,
the secret shown once, rotation, test events and the delivery log."""

from __future__ import annotations

import socket

import pytest

from tests.support.factories import add_member, api_key, bearer, call, signup

PUBLIC = "203.0.113.10"  # documentation range: answered by the fake resolver only


@pytest.fixture
def dns(monkeypatch):
    """Names answered by the test; any other name is unknown (nothing leaves the machine)."""
    answers = {
        "hooks.example.com": ["93.184.216.34"],
        "intranet.example.com": ["10.1.2.3"],
        "metadata.example.com": ["169.254.169.254"],
        "sneaky.example.com": ["93.184.216.34", "127.0.0.1"],
    }
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[host]]
        if host.replace(".", "").isdigit():
            return real(host, port, *args, **kwargs)
        raise socket.gaierror(f"unknown host {host}")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def _create(client, user, **fields):
    body = {"url": "https://hooks.example.com/schedulo", "events": ["post.published"], **fields}
    return call(client, "POST", f"/v1/workspaces/{user.workspace_id}/webhooks", body, user.headers)


def test_an_admin_creates_lists_edits_and_deletes_an_endpoint(client, dns):
    owner = signup(client)
    admin = add_member(client, owner, "admin")
    created = _create(
        client, admin, events=["post.failed", "post.published"], description="Our CRM"
    )
    assert created.status_code == 201, created.body
    hook = created.json
    assert hook["secret"].startswith("whsec_")
    assert hook["events"] == ["post.published", "post.failed"]
    assert hook["active"] is True and hook["description"] == "Our CRM"
    path = f"/v1/workspaces/{owner.workspace_id}/webhooks"

    listed = call(client, "GET", path, headers=owner.headers)
    assert [h["id"] for h in listed.json["items"]] == [hook["id"]]
    assert "secret" not in listed.json["items"][0]
    assert "whsec_" not in listed.body.decode()
    one = call(client, "GET", f"{path}/{hook['id']}", headers=owner.headers)
    assert one.status_code == 200 and "secret" not in one.json

    patched = call(
        client,
        "PATCH",
        f"{path}/{hook['id']}",
        {"events": ["account.needs_reconnect"], "active": False},
        admin.headers,
    )
    assert patched.status_code == 200, patched.body
    assert patched.json["events"] == ["account.needs_reconnect"]
    assert patched.json["active"] is False

    deleted = call(client, "DELETE", f"{path}/{hook['id']}", headers=admin.headers)
    assert deleted.status_code == 204
    gone = call(client, "GET", f"{path}/{hook['id']}", headers=admin.headers)
    assert gone.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"events": ["post.published"]}, "url"),
        ({"url": "https://hooks.example.com/x"}, "events"),
        ({"url": "https://hooks.example.com/x", "events": []}, "events"),
        ({"url": "https://hooks.example.com/x", "events": ["post.exploded"]}, "events[0]"),
        (
            {"url": "https://hooks.example.com/x", "events": ["post.failed"], "active": "maybe"},
            "active",
        ),
        ({"url": "ftp://hooks.example.com/x", "events": ["post.failed"]}, "url"),
        ({"url": "http://hooks.example.com/x", "events": ["post.failed"]}, "url"),
        ({"url": "https://user:pw@hooks.example.com/x", "events": ["post.failed"]}, "url"),
        ({"url": "https://nowhere.invalid/x", "events": ["post.failed"]}, "url"),
        ({"url": "https://hooks.example.com/" + "x" * 2100, "events": ["post.failed"]}, "url"),
        (
            {
                "url": "https://hooks.example.com/x",
                "events": ["post.failed"],
                "description": "d" * 400,
            },
            "description",
        ),
    ],
)
def test_invalid_input_is_a_4xx_naming_the_field(client, dns, body, field):
    owner = signup(client)
    answer = call(
        client, "POST", f"/v1/workspaces/{owner.workspace_id}/webhooks", body, owner.headers
    )
    assert answer.status_code in (400, 422), answer.body
    fields = [d["field"] for d in answer.json["error"]["details"]]
    assert any(f == field or f.startswith(field) for f in fields), fields


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.0.0.8/hook",
        "https://192.168.1.1/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://intranet.example.com/hook",
        "https://metadata.example.com/hook",
        "https://sneaky.example.com/hook",
    ],
)
def test_private_loopback_and_metadata_urls_are_refused(client, dns, url):
    owner = signup(client)
    answer = _create(client, owner, url=url)
    assert answer.status_code == 422, answer.body
    assert answer.json["error"]["details"][0]["field"] == "url"
    listed = call(
        client, "GET", f"/v1/workspaces/{owner.workspace_id}/webhooks", headers=owner.headers
    )
    assert listed.json["items"] == []


def test_a_patch_to_a_private_url_is_refused_and_changes_nothing(client, dns):
    owner = signup(client)
    hook = _create(client, owner).json
    path = f"/v1/workspaces/{owner.workspace_id}/webhooks/{hook['id']}"
    answer = call(client, "PATCH", path, {"url": "https://10.0.0.1/x"}, owner.headers)
    assert answer.status_code == 422
    assert call(client, "GET", path, headers=owner.headers).json["url"] == hook["url"]
    nulled = call(client, "PATCH", path, {"events": None}, owner.headers)
    assert nulled.status_code == 422 and nulled.json["error"]["details"][0]["field"] == "events"


def test_editors_viewers_and_editor_keys_cannot_see_or_manage_webhooks(client, dns):
    owner = signup(client)
    hook = _create(client, owner).json
    path = f"/v1/workspaces/{owner.workspace_id}/webhooks"
    editor = add_member(client, owner, "editor")
    viewer = add_member(client, owner, "viewer")
    key = bearer(api_key(client, owner, role="editor"))
    for headers in (editor.headers, viewer.headers, key):
        assert call(client, "GET", path, headers=headers).status_code == 403
        assert _create(client, editor).status_code == 403
        for method, suffix in (
            ("GET", ""),
            ("DELETE", ""),
            ("POST", "/rotate-secret"),
            ("POST", "/test"),
            ("GET", "/deliveries"),
            ("POST", "/redeliver-failed"),
        ):
            answer = call(client, method, f"{path}/{hook['id']}{suffix}", headers=headers)
            assert answer.status_code == 403, (method, suffix)
    admin_key = bearer(api_key(client, owner, role="admin"))
    assert call(client, "GET", path, headers=admin_key).status_code == 200
    stranger = signup(client)
    assert call(client, "GET", path, headers=stranger.headers).status_code == 404
    other = f"/v1/workspaces/{stranger.workspace_id}/webhooks/{hook['id']}"
    assert call(client, "GET", other, headers=stranger.headers).status_code == 404


def test_rotation_gives_a_new_secret_and_keeps_the_old_one_a_day(client, dns):
    from datetime import UTC, datetime, timedelta

    owner = signup(client)
    hook = _create(client, owner).json
    path = f"/v1/workspaces/{owner.workspace_id}/webhooks/{hook['id']}"
    rotated = call(client, "POST", f"{path}/rotate-secret", headers=owner.headers)
    assert rotated.status_code == 200, rotated.body
    assert rotated.json["secret"].startswith("whsec_")
    assert rotated.json["secret"] != hook["secret"]
    until = datetime.fromisoformat(rotated.json["previous_secret_until"])
    assert timedelta(hours=23) < until - datetime.now(UTC) <= timedelta(hours=24)
    shown = call(client, "GET", path, headers=owner.headers).json
    assert shown["previous_secret_until"] == rotated.json["previous_secret_until"]


def test_a_test_event_is_queued_and_logged(client, dns):
    owner = signup(client)
    hook = _create(client, owner).json  # subscribed to post.published only
    path = f"/v1/workspaces/{owner.workspace_id}/webhooks/{hook['id']}"
    queued = call(client, "POST", f"{path}/test", headers=owner.headers)
    assert queued.status_code == 202, queued.body
    log = call(client, "GET", f"{path}/deliveries", headers=owner.headers)
    assert log.status_code == 200
    [delivery] = log.json["items"]
    assert delivery["id"] == queued.json["delivery_ids"][0]
    assert (delivery["event_type"], delivery["state"], delivery["attempts"]) == (
        "webhook.test",
        "pending",
        0,
    )
    assert delivery["message_id"].startswith("msg_")
    assert '"type":"webhook.test"' in delivery["payload"]
    failed = call(client, "GET", f"{path}/deliveries?state=failed", headers=owner.headers)
    assert failed.json["items"] == []
    bad = call(client, "GET", f"{path}/deliveries?state=lost&limit=0", headers=owner.headers)
    assert bad.status_code in (400, 422)
    assert {d["field"] for d in bad.json["error"]["details"]} >= {"state", "limit"}
    pending = call(
        client, "POST", f"{path}/deliveries/{delivery['id']}/redeliver", headers=owner.headers
    )
    assert pending.status_code == 409
    unknown = call(client, "POST", f"{path}/deliveries/d_nope/redeliver", headers=owner.headers)
    assert unknown.status_code == 404


def test_the_event_catalogue_lists_every_event_and_which_are_sent(client):
    owner = signup(client)
    answer = call(client, "GET", "/v1/webhook-event-types", headers=owner.headers)
    types = {e["type"]: e["sent"] for e in answer.json["items"]}
    assert len(types) == 14
    assert types["post.published"] and types["webhook.test"] and types["import.done"]
    assert types["post.approved"] and types["post.expired"] and types["post.changes_requested"]
    assert not types["billing.plan_changed"]


def test_the_openapi_document_describes_every_webhook_payload(client):
    document = call(client, "GET", "/v1/openapi.json").json
    hooks = document["webhooks"]
    assert set(hooks) >= {"post.published", "account.needs_reconnect", "webhook.test"}
    published = hooks["post.published"]["post"]
    headers = {p["name"] for p in published["parameters"]}
    assert headers == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    ref = published["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert set(schema["required"]) >= {"type", "timestamp", "data", "schema_version"}
