"""Posts through the API: the calendar and list views, one post, cancelling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3

from chalicelib.domain.posts import AccountFacts, PostIn
from chalicelib.networks.registry import get_limits
from chalicelib.posts import service
from chalicelib.settings import get_settings
from tests.support.factories import add_member, call, signup

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
FACTS = service.Facts(
    accounts={
        "a_x": AccountFacts("a_x", "x", timezone="Europe/Paris"),
        "a_li": AccountFacts("a_li", "linkedin", timezone="Europe/Paris"),
    },
    media={},
    limits={"x": get_limits("x"), "linkedin": get_limits("linkedin")},
    default_timezone="Europe/Paris",
)


def a_post(workspace_id: str, at: str | None, accounts=("a_x",), text: str = "Hello") -> str:
    body = {"text": text, "targets": [{"account_id": a} for a in accounts]}
    if at:
        body["when"] = {"at": at, "timezone": "UTC"}
    return service.create_post(workspace_id, "u_1", PostIn.model_validate(body), FACTS, NOW).post_id


def posts_path(user, query: str = "") -> str:
    return f"/v1/workspaces/{user.workspace_id}/posts{query}"


def test_the_calendar_shows_a_month_of_posts_by_time(client):
    owner = signup(client)
    ws = owner.workspace_id
    late = a_post(ws, "2026-12-20T09:00:00")
    early = a_post(ws, "2026-12-02T09:00:00", accounts=("a_x", "a_li"))
    a_post(ws, "2027-01-05T09:00:00")
    a_post(ws, None)  # a draft is not on the calendar

    response = call(
        client, "GET", posts_path(owner, "?from=2026-12-01&to=2027-01-01"), headers=owner.headers
    )
    assert response.status_code == 200
    items = response.json["items"]
    assert [p["id"] for p in items] == [early, late]
    assert response.json["next_cursor"] is None
    first = items[0]
    assert first["scheduled_at"] == "2026-12-02T09:00:00Z" and first["timezone"] == "UTC"
    assert first["status"] == "scheduled" and first["version"] == 1 and first["created_by"] == "u_1"
    assert [(t["account_id"], t["network"], t["status"]) for t in first["targets"]] == [
        ("a_x", "x", "pending"),
        ("a_li", "linkedin", "pending"),
    ]
    post_fields = "id version status text media_ids first_comment scheduled_at timezone recurrence"
    assert set(first) >= {*post_fields.split(), "created_by", "created_at", "updated_at", "targets"}
    target_fields = "account_id network text status attempts external_id url error published_at"
    assert set(first["targets"][0]) >= set(target_fields.split())


def test_the_list_filters_by_account_network_and_status(client):
    owner = signup(client)
    ws = owner.workspace_id
    on_x = a_post(ws, "2026-12-02T09:00:00")
    on_both = a_post(ws, "2026-12-03T09:00:00", accounts=("a_x", "a_li"))
    draft = a_post(ws, None)
    month = "?from=2026-12-01&to=2027-01-01"

    def ids(query: str) -> list[str]:
        response = call(client, "GET", posts_path(owner, query), headers=owner.headers)
        assert response.status_code == 200, response.body
        return [p["id"] for p in response.json["items"]]

    assert ids(month + "&account_id=a_li") == [on_both]
    assert ids(month + "&network=x") == [on_x, on_both]
    assert ids(month + "&status=scheduled,failed") == [on_x, on_both]
    assert ids(month + "&status=failed") == []
    assert ids("?status=draft") == [draft]


def test_a_long_list_comes_in_pages(client):
    owner = signup(client)
    made = [a_post(owner.workspace_id, f"2026-12-0{day}T09:00:00") for day in range(1, 8)]
    seen, cursor = [], None
    while True:
        query = "?from=2026-12-01&to=2027-01-01&limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = call(client, "GET", posts_path(owner, query), headers=owner.headers).json
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == made


def test_bad_list_parameters_name_their_field(client):
    owner = signup(client)
    for query, field in (
        ("?from=yesterday", "from"),
        ("?status=lost", "status"),
        ("?from=2026-12-02&to=2026-12-01", "to"),
        ("?limit=500", "limit"),
        ("?cursor=%%%", "cursor"),
    ):
        response = call(client, "GET", posts_path(owner, query), headers=owner.headers)
        assert response.status_code in (400, 422), query
        assert response.json["error"]["details"][0]["field"] == field, query


def test_one_post_reads_back_and_another_workspaces_is_not_found(client):
    owner, stranger = signup(client), signup(client)
    post_id = a_post(owner.workspace_id, "2026-12-02T09:00:00")
    response = call(client, "GET", posts_path(owner, f"/{post_id}"), headers=owner.headers)
    assert response.status_code == 200 and response.json["id"] == post_id
    assert (
        call(client, "GET", posts_path(owner, "/p_missing"), headers=owner.headers).status_code
        == 404
    )
    foreign = f"/v1/workspaces/{stranger.workspace_id}/posts/{post_id}"
    assert call(client, "GET", foreign, headers=stranger.headers).status_code == 404


def test_cancelling_a_scheduled_post_removes_it_and_its_schedule(client):
    owner = signup(client)
    viewer = add_member(client, owner, "viewer")
    post_id = a_post(owner.workspace_id, "2026-12-02T09:00:00")
    path = posts_path(owner, f"/{post_id}")
    assert call(client, "DELETE", path, headers=viewer.headers).status_code == 403
    assert call(client, "DELETE", path, headers=owner.headers).status_code == 204
    assert call(client, "GET", path, headers=owner.headers).status_code == 404
    scheduler = boto3.client("scheduler")
    assert scheduler.list_schedules(GroupName=get_settings().schedule_group)["Schedules"] == []
    assert call(client, "DELETE", path, headers=owner.headers).status_code == 404


def test_without_dates_the_list_shows_what_is_coming(client):
    owner = signup(client)
    soon = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S")
    upcoming = a_post(owner.workspace_id, soon)
    response = call(client, "GET", posts_path(owner), headers=owner.headers)
    assert [p["id"] for p in response.json["items"]] == [upcoming]
