"""Bulk imports follow the workspace's approval policy (issue 21): the committer's role
decides, as in the composer. Their posts are written pending approval, armed only to
expire, and the first step's approvers are told once for the whole import."""

from __future__ import annotations

import pytest

from chalicelib.aws import client as aws_client
from chalicelib.settings import get_settings
from chalicelib.store.posts import PostItem
from tests.support.connect import connect
from tests.support.factories import add_member, api_key, bearer, call, signup
from tests.support.imports import commit, day, validated, wait
from tests.support.mail import sent_messages


@pytest.fixture
def team(client, sandbox, worker):
    owner = signup(client)
    x = connect(client, owner, "x")[0]
    policy = {"mode": "role", "required_below": "admin"}
    path = f"/v1/workspaces/{owner.workspace_id}/approval-policy"
    assert call(client, "PUT", path, policy, owner.headers).status_code == 200
    return owner, add_member(client, owner, "editor"), x


def csv_for(x: str) -> str:
    return (
        "date,time,timezone,accounts,text\n"
        f"{day(2)},09:00,UTC,{x},First imported\n"
        f"{day(3)},09:00,UTC,{x},Second imported\n"
    )


def schedule_names() -> set[str]:
    group = get_settings().schedule_group
    found = aws_client("scheduler").list_schedules(GroupName=group)["Schedules"]
    return {s["Name"] for s in found}


def test_an_editors_import_is_written_pending_and_armed_only_to_expire(client, team):
    owner, editor, x = team
    imported = validated(client, editor, csv_for(x))
    assert commit(client, editor, imported["id"]).status_code == 202
    assert wait(client, editor, imported["id"])["status"] == "done"
    posts = list(PostItem.query(owner.workspace_id))
    assert sorted(p.status for p in posts) == ["pending_approval", "pending_approval"]
    assert all(p.approval["authors"] == [editor.user_id] for p in posts)
    names = schedule_names()
    assert {f"post-{p.post_id}-v1-expire" for p in posts} <= names
    assert not {f"post-{p.post_id}-v1" for p in posts} & names
    told = [m for m in sent_messages(owner.email) if "submitted 2 posts for approval" in m]
    assert len(told) == 1
    # Approved from the inbox, each is armed to publish.
    ids = [p.post_id for p in posts]
    bulk = call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/approvals/bulk",
        {"decision": "approve", "post_ids": ids},
        owner.headers,
    )
    assert bulk.json["succeeded"] == 2, bulk.json
    assert {f"post-{post_id}-v2" for post_id in ids} <= schedule_names()


def test_an_owners_import_and_an_admin_keys_are_scheduled_at_once(client, team):
    owner, _, x = team
    imported = validated(client, owner, csv_for(x))
    commit(client, owner, imported["id"])
    assert wait(client, owner, imported["id"])["status"] == "done"
    key = bearer(api_key(client, owner, role="admin"))
    keyed = validated(client, owner, csv_for(x).replace("imported", "by key"))
    path = f"/v1/workspaces/{owner.workspace_id}/imports/{keyed['id']}/commit"
    assert call(client, "POST", path, None, key).status_code == 202
    assert wait(client, owner, keyed["id"])["status"] == "done"
    statuses = {p.status for p in PostItem.query(owner.workspace_id)}
    assert statuses == {"scheduled"}


def test_an_editor_keys_import_waits_for_approval(client, team):
    owner, _, x = team
    key = bearer(api_key(client, owner, role="editor"))
    imported = validated(client, owner, csv_for(x))
    path = f"/v1/workspaces/{owner.workspace_id}/imports/{imported['id']}/commit"
    assert call(client, "POST", path, None, key).status_code == 202
    assert wait(client, owner, imported["id"])["status"] == "done"
    assert {p.status for p in PostItem.query(owner.workspace_id)} == {"pending_approval"}
