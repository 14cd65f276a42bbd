"""The activity log (issue 25): every audited action leaves an event a page can put in
words (who, what, when), and the list filters by person, kind and time."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from chalicelib import scheduling
from tests.support.connect import connect
from tests.support.factories import add_member, call, signup
from tests.support.imports import commit, day, validated, wait
from tests.support.sandbox import running_sandbox


@pytest.fixture
def sandbox(aws):
    with running_sandbox() as running:
        yield running


@pytest.fixture
def worker(aws):
    """Background jobs (the import worker, publish now) run in-process, in threads."""
    import app as app_module

    def invoke(arn, payload):
        function = arn.rsplit(":", 1)[-1].split("-")[-1]
        return getattr(app_module, function)(payload, None)

    scheduling.use_local_invoker(invoke)
    yield
    scheduling.use_local_invoker(None)


def events(client, user, query: str = "") -> list[dict]:
    response = call(
        client, "GET", f"/v1/workspaces/{user.workspace_id}/audit{query}", headers=user.headers
    )
    assert response.status_code == 200, response.json
    return response.json["items"]


def a_post(client, user, account: str, text: str, days: int | None = 2) -> dict:
    body: dict = {"text": text, "targets": [{"account_id": account}]}
    if days is not None:
        at = (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT09:00:00")
        body["when"] = {"at": at, "timezone": "UTC"}
    created = call(client, "POST", f"/v1/workspaces/{user.workspace_id}/posts", body, user.headers)
    assert created.status_code == 201, created.json
    return created.json


def test_every_action_on_accounts_posts_imports_and_people_is_recorded(client, sandbox, worker):
    owner = signup(client, name="Ada Lovelace")
    ws = owner.workspace_id
    [x] = connect(client, owner, "x")
    connected = events(client, owner, "?action=account.")[0]
    assert connected["action"] == "account.connected" and connected["target"] == x
    assert connected["actor"] == owner.user_id and connected["actor_name"] == "Ada Lovelace"
    assert connected["details"]["network"] == "x"
    assert connected["details"]["name"] and "handle" in connected["details"]

    post = a_post(client, owner, x, "Fresh bread at nine")
    path = f"/v1/workspaces/{ws}/posts/{post['id']}"
    edited = call(client, "PATCH", path, {"version": 1, "text": "Fresh bread at 9"}, owner.headers)
    assert edited.status_code == 200, edited.json
    back = call(client, "PATCH", path, {"version": 2, "when": None}, owner.headers)
    assert back.status_code == 200 and back.json["status"] == "draft"
    assert call(client, "DELETE", path, headers=owner.headers).status_code == 204
    other = a_post(client, owner, x, "Croissants now", days=None)
    sent = call(client, "POST", f"/v1/workspaces/{ws}/posts/{other['id']}/publish-now", None,
                owner.headers)  # fmt: skip
    assert sent.status_code == 200, sent.json
    for _ in range(600):  # the publisher runs in a thread of its own
        done = call(
            client, "GET", f"/v1/workspaces/{ws}/posts/{other['id']}", headers=owner.headers
        )
        if done.json["status"] == "published":
            break
        time.sleep(0.05)
    assert done.json["status"] == "published", done.json

    post_events = events(client, owner, "?action=post.")
    kinds = [
        (e["action"], e["target"]) for e in post_events if e["action"] != "post.publish_attempt"
    ]
    # The publisher's attempts name the post too, by its words.
    [attempt] = [e for e in post_events if e["action"] == "post.publish_attempt"]
    assert attempt["details"]["post_id"] == other["id"]
    assert attempt["details"]["text"] == "Croissants now" and attempt["actor_name"] == "Schedulo"
    assert kinds == [
        ("post.published_now", other["id"]),
        ("post.created", other["id"]),
        ("post.deleted", post["id"]),
        ("post.cancelled", post["id"]),
        ("post.edited", post["id"]),
        ("post.created", post["id"]),
    ]
    by_kind: dict[str, dict] = {}
    for event in reversed(post_events):  # the first of each kind: the scheduled post's
        by_kind.setdefault(event["action"], event)
    created = by_kind["post.created"]
    assert created["details"]["status"] == "scheduled"
    assert created["details"]["scheduled_at"] == post["scheduled_at"]
    assert created["details"]["text"] == "Fresh bread at nine"
    assert created["details"]["networks"] == ["x"]
    assert by_kind["post.edited"]["details"]["changes"]
    assert by_kind["post.cancelled"]["details"]["back_to_draft"] is True
    assert by_kind["post.deleted"]["details"]["text"] == "Fresh bread at 9"
    assert all(e["actor_name"] == "Ada Lovelace" for e in post_events if e["actor"] != "system")

    imported = validated(client, owner, f"date,time,accounts,text\n{day(3)},10:00,{x},From CSV\n")
    assert commit(client, owner, imported["id"]).status_code == 202
    assert wait(client, owner, imported["id"])["status"] == "done"
    [committed] = events(client, owner, "?action=import.committed")
    assert committed["target"] == imported["id"] and committed["details"]["posts"] == 1
    assert committed["actor"] == owner.user_id

    gone = call(client, "DELETE", f"/v1/workspaces/{ws}/accounts/{x}", headers=owner.headers)
    assert gone.status_code == 200
    disconnected = events(client, owner, "?action=account.disconnected")[0]
    assert disconnected["target"] == x and disconnected["details"]["name"]

    editor = add_member(client, owner, "editor")
    removed = call(
        client, "DELETE", f"/v1/workspaces/{ws}/members/{editor.user_id}", headers=owner.headers
    )
    assert removed.status_code == 204
    people = events(client, owner, "?action=invitation.,member.")
    assert [e["action"] for e in people] == [
        "member.removed",
        "invitation.accepted",
        "invitation.sent",
    ]
    # A person who left is still named.
    assert people[0]["target"] == editor.user_id
    assert people[0]["target_name"] not in (None, editor.user_id)


def test_the_log_filters_by_person_kind_and_time(client):
    owner = signup(client)
    editor = add_member(client, owner, "editor")
    for name in ("one", "two", "three"):
        call(client, "POST", f"/v1/workspaces/{owner.workspace_id}/api-keys",
             {"name": name, "role": "viewer"}, owner.headers)  # fmt: skip

    mine = events(client, owner, f"?actor={owner.user_id}")
    assert mine and all(e["actor"] == owner.user_id for e in mine)
    theirs = events(client, owner, f"?actor={editor.user_id}")
    assert [e["action"] for e in theirs] == ["invitation.accepted"]

    keys = events(client, owner, "?action=api_key.created&limit=2")
    assert len(keys) == 2
    first = call(
        client,
        "GET",
        f"/v1/workspaces/{owner.workspace_id}/audit?action=api_key.&limit=2",
        headers=owner.headers,
    ).json
    assert first["next_cursor"]
    rest = events(client, owner, f"?action=api_key.&limit=2&cursor={first['next_cursor']}")
    assert [e["details"].get("name") for e in first["items"] + rest] == ["three", "two", "one"]

    now = datetime.now(UTC)
    past = quote((now - timedelta(days=1)).isoformat())
    later = quote((now + timedelta(days=1)).isoformat())
    assert len(events(client, owner, f"?from={past}&to={later}")) == len(events(client, owner))
    assert events(client, owner, f"?to={past}") == []
    assert events(client, owner, f"?from={later}") == []

    path = f"/v1/workspaces/{owner.workspace_id}/audit"
    backwards = call(client, "GET", f"{path}?from={later}&to={past}", headers=owner.headers)
    assert backwards.status_code in (400, 422)
    assert backwards.json["error"]["details"][0]["field"] == "to"
    bad = call(client, "GET", f"{path}?action=DROP%20TABLE", headers=owner.headers)
    assert bad.status_code in (400, 422) and bad.json["error"]["details"][0]["field"] == "action"
    naive = call(client, "GET", f"{path}?from=2026-01-01T00:00:00", headers=owner.headers)
    assert naive.status_code in (400, 422) and naive.json["error"]["details"][0]["field"] == "from"


def test_a_cursor_outside_the_asked_time_range_is_a_400_not_a_500(client):
    owner = signup(client)
    for name in ("one", "two"):
        call(client, "POST", f"/v1/workspaces/{owner.workspace_id}/api-keys",
             {"name": name, "role": "viewer"}, owner.headers)  # fmt: skip
    path = f"/v1/workspaces/{owner.workspace_id}/audit"
    cursor = call(client, "GET", f"{path}?limit=1", headers=owner.headers).json["next_cursor"]
    assert cursor
    later = quote((datetime.now(UTC) + timedelta(days=1)).isoformat())
    past = quote((datetime.now(UTC) - timedelta(days=1)).isoformat())
    outside = call(client, "GET", f"{path}?from={later}&cursor={cursor}", headers=owner.headers)
    assert outside.status_code == 400 and outside.json["error"]["details"][0]["field"] == "cursor"
    inside = call(client, "GET", f"{path}?from={past}&cursor={cursor}", headers=owner.headers)
    assert inside.status_code == 200 and inside.json["items"]
