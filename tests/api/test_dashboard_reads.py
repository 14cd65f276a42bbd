"""What the dashboard reads: past failures, and what a new workspace has set up."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.store import posts as store
from chalicelib.store.base import iso, utcnow
from tests.support.factories import call, signup
from tests.support.posting import an_account


def _post_at(ws: str, post_id: str, status: str, days_ago: float) -> str:
    stamp = iso(utcnow() - timedelta(days=days_ago))
    store.create(
        store.PostItem(
            ws,
            post_id,
            version=2,
            status=status,
            text=f"{post_id} text",
            scheduled_at=stamp,
            targets=[
                store.TargetAttribute(
                    target_id=f"t_{post_id}",
                    account_id="a_x",
                    network="x",
                    status="failed" if status == "failed" else "published",
                    attempts=5,
                    error="X refused the post: duplicate content",
                )
            ],
            created_at=stamp,
            updated_at=stamp,
        )
    )
    return post_id


def test_failures_of_the_last_30_days_are_listed_from_a_start_date(client):
    owner = signup(client)
    ws = owner.workspace_id
    recent = _post_at(ws, "p_recent", "failed", days_ago=2)
    partly = _post_at(ws, "p_partly", "partially_published", days_ago=10)
    _post_at(ws, "p_old", "failed", days_ago=40)  # older than the dashboard looks
    _post_at(ws, "p_ok", "published", days_ago=1)
    since = iso(utcnow() - timedelta(days=30))
    response = call(
        client,
        "GET",
        f"/v1/workspaces/{ws}/posts?from={since}&status=failed,partially_published&limit=50",
        headers=owner.headers,
    )
    assert response.status_code == 200, response.json
    items = response.json["items"]
    assert [p["id"] for p in items] == [partly, recent]  # by scheduled time
    assert items[1]["targets"][0]["error"] == "X refused the post: duplicate content"


def test_asking_for_failed_posts_without_a_start_looks_back(client):
    owner = signup(client)
    ws = owner.workspace_id
    old = _post_at(ws, "p_old", "failed", days_ago=40)
    recent = _post_at(ws, "p_recent", "failed", days_ago=2)
    _post_at(ws, "p_ok", "published", days_ago=1)

    def ids(query: str) -> list[str]:
        response = call(client, "GET", f"/v1/workspaces/{ws}/posts?{query}", headers=owner.headers)
        assert response.status_code == 200, response.json
        return [p["id"] for p in response.json["items"]]

    assert ids("status=failed") == [old, recent]  # the past year, not the year ahead
    assert ids("status=failed,published") == [old, recent, "p_ok"]
    assert ids("status=failed,scheduled") == []  # a status still ahead: from now on
    until = iso(utcnow() - timedelta(days=10))
    assert ids(f"status=failed&to={until}") == [old]


def test_an_account_says_whether_its_posting_times_were_set(client):
    owner = signup(client)
    ws = owner.workspace_id
    from chalicelib.domain.slots import default_slots

    account_id = an_account(
        ws, "x", slots=[{"weekday": s.weekday, "time": s.at} for s in default_slots()]
    )
    path = f"/v1/workspaces/{ws}/accounts/{account_id}"
    assert call(client, "GET", path, headers=owner.headers).json["custom_slots"] is False
    changed = call(
        client, "PATCH", path, {"slots": [{"weekday": 1, "time": "08:15"}]}, owner.headers
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["custom_slots"] is True


def test_me_says_who_is_an_operator(client, monkeypatch):
    from tests.support.factories import make_operator

    someone = signup(client)
    assert call(client, "GET", "/v1/me", headers=someone.headers).json["operator"] is False
    operator = make_operator(monkeypatch, signup(client))
    assert call(client, "GET", "/v1/me", headers=operator.headers).json["operator"] is True


def test_a_window_off_the_calendar_is_a_422_naming_the_field(client):
    owner = signup(client)
    path = f"/v1/workspaces/{owner.workspace_id}/posts"
    for query, field in (("status=failed&to=0001-01-01", "to"), ("from=9999-12-31", "from")):
        response = call(client, "GET", f"{path}?{query}", headers=owner.headers)
        assert response.status_code == 422, (query, response.json)
        assert response.json["error"]["details"][0]["field"] == field
