"""Reordering an account's queue through the API: the posts swap the times they hold."""

from __future__ import annotations

import boto3

from chalicelib.settings import get_settings
from tests.support.clock import ahead, wall
from tests.support.factories import add_member, call, signup
from tests.support.posting import an_account

DAILY_9_AND_17 = [{"weekday": day, "time": at} for day in range(7) for at in ("09:00", "17:00")]


def queue_one(client, user, account_id: str, text: str) -> dict:
    body = {"text": text, "targets": [{"account_id": account_id}], "when": {"queue": True}}
    response = call(client, "POST", f"/v1/workspaces/{user.workspace_id}/posts", body, user.headers)
    assert response.status_code == 201, response.body
    return response.json


def reorder(client, user, body: dict):
    return call(
        client, "POST", f"/v1/workspaces/{user.workspace_id}/queue/reorder", body, user.headers
    )


def scheduled(client, user, post_id: str) -> dict:
    path = f"/v1/workspaces/{user.workspace_id}/posts/{post_id}"
    return call(client, "GET", path, headers=user.headers).json


def test_an_editor_reorders_the_queue_and_the_posts_swap_their_slots(client):
    owner = signup(client)
    editor = add_member(client, owner, "editor")
    x = an_account(owner.workspace_id, "x", timezone="America/New_York", slots=DAILY_9_AND_17)
    first, second, third = (queue_one(client, owner, x, text) for text in ("one", "two", "three"))
    times = [first["scheduled_at"], second["scheduled_at"], third["scheduled_at"]]
    assert times == sorted(times) and len(set(times)) == 3

    response = reorder(
        client,
        editor,
        {
            "account_id": x,
            "posts": [
                {"id": third["id"], "version": third["version"]},
                {"id": first["id"], "version": first["version"]},
                {"id": second["id"]},
            ],
        },
    )
    assert response.status_code == 200, response.body
    assert [p["id"] for p in response.json["items"]] == [third["id"], first["id"], second["id"]]
    assert [p["scheduled_at"] for p in response.json["items"]] == times
    # Each post keeps its own zone; its schedule is armed at its new time.
    assert scheduled(client, owner, third["id"])["timezone"] == third["timezone"]
    scheduler = boto3.client("scheduler")
    group = get_settings().schedule_group
    names = {s["Name"] for s in scheduler.list_schedules(GroupName=group)["Schedules"]}
    assert f"post-{third['id']}-v2" in names and f"post-{second['id']}-v2" in names


def test_a_stale_version_changes_nothing(client):
    owner = signup(client)
    x = an_account(owner.workspace_id, "x", slots=DAILY_9_AND_17)
    first, second = queue_one(client, owner, x, "one"), queue_one(client, owner, x, "two")
    response = reorder(
        client,
        owner,
        {
            "account_id": x,
            "posts": [{"id": second["id"], "version": 7}, {"id": first["id"], "version": 1}],
        },
    )
    assert response.status_code == 409
    assert response.json["error"]["details"][0]["field"] == "posts[0].version"
    assert scheduled(client, owner, first["id"])["scheduled_at"] == first["scheduled_at"]
    assert scheduled(client, owner, second["id"])["scheduled_at"] == second["scheduled_at"]


def test_bad_orders_name_the_field(client):
    owner = signup(client)
    ws = owner.workspace_id
    x = an_account(ws, "x", slots=DAILY_9_AND_17)
    other = an_account(ws, "linkedin", slots=DAILY_9_AND_17)
    queued = queue_one(client, owner, x, "queued")
    elsewhere = queue_one(client, owner, other, "on linkedin")
    draft = call(
        client,
        "POST",
        f"/v1/workspaces/{ws}/posts",
        {"text": "draft", "targets": [{"account_id": x}]},
        owner.headers,
    ).json
    repeating = call(
        client,
        "POST",
        f"/v1/workspaces/{ws}/posts",
        {
            "text": "weekly",
            "targets": [{"account_id": x}],
            "when": {"at": wall(ahead(3, "08:00")), "timezone": "UTC"},
            "recurrence": "FREQ=WEEKLY;COUNT=3",
        },
        owner.headers,
    ).json

    def problem(body: dict) -> tuple[int, str]:
        response = reorder(client, owner, body)
        return response.status_code, response.json["error"]["details"][0]["field"]

    assert problem({"account_id": "a_none", "posts": [{"id": queued["id"]}]}) == (422, "account_id")
    assert problem({"account_id": x, "posts": []})[1] == "posts"
    assert problem({"account_id": x, "posts": [{"id": "p_none"}]}) == (422, "posts[0].id")
    assert problem({"account_id": x, "posts": [{"id": queued["id"]}, {"id": queued["id"]}]}) == (
        422,
        "posts[1].id",
    )
    for wrong in (elsewhere, draft, repeating):
        body = {"account_id": x, "posts": [{"id": queued["id"]}, {"id": wrong["id"]}]}
        assert problem(body) == (422, "posts[1].id"), wrong["text"]
    assert problem({"account_id": x, "posts": [{"id": queued["id"], "version": 0}]}) == (
        422,
        "posts[0].version",
    )
    assert scheduled(client, owner, queued["id"])["version"] == 1  # nothing moved


def test_viewers_cannot_reorder(client):
    owner = signup(client)
    viewer = add_member(client, owner, "viewer")
    x = an_account(owner.workspace_id, "x", slots=DAILY_9_AND_17)
    queued = queue_one(client, owner, x, "queued")
    response = reorder(client, viewer, {"account_id": x, "posts": [{"id": queued["id"]}]})
    assert response.status_code == 403
    assert scheduled(client, owner, queued["id"])["version"] == 1
