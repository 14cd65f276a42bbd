"""Disconnecting an account: revoked at the network, tokens forgotten, its scheduled
targets cancelled with a reason while the post's other targets still go out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.store import accounts as account_store
from tests.support.connect import connect
from tests.support.factories import call, signup


def test_disconnecting_cancels_the_accounts_scheduled_targets_only(client, sandbox):
    owner = signup(client)
    [x_account] = connect(client, owner, "x")
    [bluesky] = [
        call(
            client,
            "POST",
            f"/v1/workspaces/{owner.workspace_id}/accounts/connect",
            {
                "network": "bluesky",
                "handle": "ada.bsky.social",
                "app_password": "abcd-efgh-ijkl-mnop",
            },
            owner.headers,
        ).json["account"]["id"]
    ]
    at = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S")
    created = call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/posts",
        {
            "text": "Hello both",
            "targets": [{"account_id": x_account}, {"account_id": bluesky}],
            "when": {"at": at, "timezone": "UTC"},
        },
        owner.headers,
    )
    assert created.status_code == 201, created.json
    accounts = f"/v1/workspaces/{owner.workspace_id}/accounts"
    listed = {
        a["id"]: a for a in call(client, "GET", accounts, headers=owner.headers).json["items"]
    }
    assert listed[x_account]["scheduled_posts"] == 1

    gone = call(client, "DELETE", f"{accounts}/{x_account}", headers=owner.headers)
    assert gone.status_code == 200 and gone.json == {"cancelled_targets": 1}

    post = call(
        client,
        "GET",
        f"/v1/workspaces/{owner.workspace_id}/posts/{created.json['id']}",
        headers=owner.headers,
    ).json
    targets = {t["account_id"]: t for t in post["targets"]}
    assert targets[x_account]["status"] == "cancelled"
    assert "disconnected" in targets[x_account]["error"]
    assert targets[bluesky]["status"] == "pending" and post["status"] == "scheduled"
    assert [
        a["id"] for a in call(client, "GET", accounts, headers=owner.headers).json["items"]
    ] == [bluesky]
    item = account_store.get(owner.workspace_id, x_account)
    assert item.status == "disconnected" and item.sealed_tokens is None
    # X's grant was revoked at the network: its tokens no longer work there
    assert not [
        t
        for t in sandbox.state.tokens.values()
        if t.network == "x" and not t.revoked and t.kind == "access"
    ]


def test_a_post_left_with_nothing_to_publish_fails_and_loses_its_schedule(client, sandbox):
    import boto3

    from chalicelib.settings import get_settings

    owner = signup(client)
    [x_account] = connect(client, owner, "x")
    at = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S")
    created = call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/posts",
        {"text": "Only X", "targets": [{"account_id": x_account}], "when": {"at": at}},
        owner.headers,
    )
    assert created.status_code == 201, created.json
    group = get_settings().schedule_group

    def schedules() -> list[str]:
        found = boto3.client("scheduler").list_schedules(GroupName=group)["Schedules"]
        return [s["Name"] for s in found if created.json["id"] in s["Name"]]

    assert len(schedules()) == 1
    accounts = f"/v1/workspaces/{owner.workspace_id}/accounts"
    gone = call(client, "DELETE", f"{accounts}/{x_account}", headers=owner.headers)
    assert gone.json == {"cancelled_targets": 1}
    post = call(
        client,
        "GET",
        f"/v1/workspaces/{owner.workspace_id}/posts/{created.json['id']}",
        headers=owner.headers,
    ).json
    assert post["status"] == "failed"
    assert schedules() == []
