"""Posts through the API: the calendar and list views, one post, cancelling."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import boto3

from chalicelib import scheduling
from chalicelib.domain.posts import AccountFacts, PostIn
from chalicelib.networks.registry import get_limits
from chalicelib.posts import service
from chalicelib.settings import get_settings
from tests.support.clock import ahead, utc_z, wall
from tests.support.factories import add_member, call, signup
from tests.support.posting import a_picture, an_account

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


def a_post(
    workspace_id: str, at: str | None, accounts=("a_x",), text: str = "Hello", now: datetime = NOW
) -> str:
    body = {"text": text, "targets": [{"account_id": a} for a in accounts]}
    if at:
        body["when"] = {"at": at, "timezone": "UTC"}
    return service.create_post(workspace_id, "u_1", PostIn.model_validate(body), FACTS, now).post_id


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


def test_the_list_searches_the_texts_in_any_case_and_pages_the_matches(client):
    owner = signup(client)
    ws = owner.workspace_id
    bread = [a_post(ws, f"2026-12-0{day}T09:00:00", text=f"Fresh Bread {day}") for day in (1, 2, 3)]
    a_post(ws, "2026-12-04T09:00:00", text="Croissants")
    creme = a_post(ws, "2026-12-05T09:00:00", text="Crème brûlée and bread")
    draft = a_post(ws, None, text="Bread draft")
    month = "?from=2026-12-01&to=2027-01-01"

    def ids(query: str) -> list[str]:
        response = call(client, "GET", posts_path(owner, query), headers=owner.headers)
        assert response.status_code == 200, response.body
        return [p["id"] for p in response.json["items"]]

    assert ids(month + "&q=bread") == [*bread, creme]
    assert ids(month + "&q=BREAD%20creme") == [creme]
    assert ids(month + "&q=baguette") == []
    assert ids("?status=draft&q=bread") == [draft]
    first = call(
        client, "GET", posts_path(owner, month + "&q=bread&limit=2"), headers=owner.headers
    )
    cursor = first.json["next_cursor"]
    assert [p["id"] for p in first.json["items"]] == bread[:2] and cursor
    assert ids(month + f"&q=bread&limit=2&cursor={cursor}") == [bread[2], creme]
    too_long = call(client, "GET", posts_path(owner, "?q=" + "a" * 201), headers=owner.headers)
    assert too_long.status_code in (400, 422)
    assert too_long.json["error"]["details"][0]["field"] == "q"


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
    upcoming = a_post(owner.workspace_id, soon, now=datetime.now(UTC))
    response = call(client, "GET", posts_path(owner), headers=owner.headers)
    assert [p["id"] for p in response.json["items"]] == [upcoming]


# ---- composing through the API --------------------------------------------------------


def compose(client, user, body: dict, headers: dict | None = None):
    return call(client, "POST", posts_path(user), body, {**user.headers, **(headers or {})})


def test_a_post_for_two_networks_with_a_variant_is_scheduled_and_armed(client):
    owner = signup(client)
    x, linkedin = an_account(owner.workspace_id, "x"), an_account(owner.workspace_id, "linkedin")
    picture = a_picture(owner.workspace_id)
    launch = ahead(30, "09:00", "Europe/Paris")
    response = compose(
        client,
        owner,
        {
            "text": "Launch day",
            "media_ids": [picture],
            "targets": [
                {"account_id": x},
                {"account_id": linkedin, "text": "Launch day, in more words"},
            ],
            "first_comment": "Link in bio",
            "when": {"at": wall(launch), "timezone": "Europe/Paris"},
        },
    )
    assert response.status_code == 201, response.body
    post = response.json
    assert post["status"] == "scheduled" and post["scheduled_at"] == utc_z(launch)
    assert post["created_by"] == owner.user_id and post["media_ids"] == [picture]
    assert [(t["network"], t["text"]) for t in post["targets"]] == [
        ("x", None),
        ("linkedin", "Launch day, in more words"),
    ]
    scheduler = boto3.client("scheduler")
    group = get_settings().schedule_group
    (schedule,) = scheduler.list_schedules(GroupName=group)["Schedules"]
    assert schedule["Name"] == f"post-{post['id']}-v1"
    # The picture is now held by a scheduled post: the library refuses to delete it.
    deleted = call(
        client,
        "DELETE",
        f"/v1/workspaces/{owner.workspace_id}/media/{picture}",
        headers=owner.headers,
    )
    assert deleted.status_code == 409


def test_every_problem_comes_back_at_its_target_and_field(client):
    owner = signup(client)
    x = an_account(owner.workspace_id, "x")
    stale = an_account(owner.workspace_id, "linkedin", status="needs_reconnect")
    body = {
        "text": "x" * 281,
        "targets": [{"account_id": x}, {"account_id": stale}, {"account_id": "a_elsewhere"}],
        "when": {"at": "2020-01-01T09:00:00"},
    }
    response = compose(client, owner, body)
    assert response.status_code == 422
    details = response.json["error"]["details"]
    assert {
        "field": "text",
        "message": "X allows 280 weighted characters; this text has 281",
        "target": x,
    } in details
    assert {
        "field": "targets[1].account_id",
        "message": "the account needs to be reconnected first",
        "target": stale,
    } in details
    assert {
        "field": "targets[2].account_id",
        "message": "no such account in this workspace",
        "target": "a_elsewhere",
    } in details
    assert {"field": "when.at", "message": "this time is in the past", "target": None} in details
    validated = call(client, "POST", posts_path(owner, "/validate"), body, owner.headers)
    assert validated.status_code == 200
    assert validated.json["valid"] is False and validated.json["problems"] == details
    listed = call(client, "GET", posts_path(owner, "?status=draft"), headers=owner.headers)
    assert listed.json["items"] == []


def test_a_malformed_post_names_the_field(client):
    owner = signup(client)
    response = compose(
        client, owner, {"text": "hi", "targets": [], "when": {"at": "x", "now": True}}
    )
    assert response.status_code == 422
    fields = {d["field"] for d in response.json["error"]["details"]}
    assert {"targets", "when"} <= fields


def test_editing_with_a_stale_version_is_a_409_and_the_current_one_moves_the_schedule(client):
    owner = signup(client)
    x = an_account(owner.workspace_id, "x")
    post = compose(
        client,
        owner,
        {"text": "v1", "targets": [{"account_id": x}], "when": {"at": wall(ahead(30))}},
    ).json
    path = posts_path(owner, f"/{post['id']}")
    later = ahead(32, "10:00")
    moved = call(client, "PATCH", path, {"version": 1, "when": {"at": wall(later)}}, owner.headers)
    assert moved.status_code == 200, moved.body
    assert moved.json["version"] == 2 and moved.json["scheduled_at"] == utc_z(later)
    stale = call(client, "PATCH", path, {"version": 1, "text": "late edit"}, owner.headers)
    assert stale.status_code == 409 and stale.json["error"]["code"] == "conflict"
    scheduler = boto3.client("scheduler")
    names = [
        s["Name"]
        for s in scheduler.list_schedules(GroupName=get_settings().schedule_group)["Schedules"]
    ]
    assert names == [f"post-{post['id']}-v2"]


def _post_schedules(post_id: str) -> dict[str, str]:
    """The post's schedules: name -> `at(...)` expression."""
    scheduler = boto3.client("scheduler")
    group = get_settings().schedule_group
    return {
        s["Name"]: scheduler.get_schedule(GroupName=group, Name=s["Name"])["ScheduleExpression"]
        for s in scheduler.list_schedules(GroupName=group)["Schedules"]
        if post_id in s["Name"]
    }


def test_an_edit_is_armed_before_its_one_write_and_the_sweeper_waits_for_its_time(client):
    """The edit's version is armed first and the post written once, armed: its sweeper
    entry stays at its time (no second write to say it is armed)."""
    from chalicelib.store import posts as store

    owner = signup(client)
    x = an_account(owner.workspace_id, "x")
    at, later = ahead(30, "09:00"), ahead(31, "10:00")
    post = compose(
        client, owner, {"text": "v1", "targets": [{"account_id": x}], "when": {"at": wall(at)}}
    ).json
    path = posts_path(owner, f"/{post['id']}")
    edited = call(client, "PATCH", path, {"version": 1, "text": "v2"}, owner.headers)
    assert edited.status_code == 200, edited.body
    assert _post_schedules(post["id"]) == {f"post-{post['id']}-v2": scheduling.at_expression(at)}
    item = store.get(owner.workspace_id, post["id"])
    assert (item.version, item.armed_version, item.due_at) == (2, 2, utc_z(at))

    moved = call(client, "PATCH", path, {"version": 2, "when": {"at": wall(later)}}, owner.headers)
    assert moved.status_code == 200, moved.body
    assert _post_schedules(post["id"]) == {f"post-{post['id']}-v3": scheduling.at_expression(later)}
    item = store.get(owner.workspace_id, post["id"])
    assert (item.version, item.armed_version, item.due_at) == (3, 3, utc_z(later))

    drafted = call(client, "PATCH", path, {"version": 3, "when": None}, owner.headers)
    assert drafted.status_code == 200 and drafted.json["status"] == "draft"
    assert _post_schedules(post["id"]) == {}


def test_an_edit_refused_at_its_write_takes_back_the_schedule_it_armed(client, monkeypatch):
    """The month the edit moves the post into is full (402): the post keeps its schedule
    as it was, and the one the edit armed for its version is gone."""
    from chalicelib.billing.entitlements import usage
    from chalicelib.billing.plans import Meter
    from chalicelib.store import billing as billing_store

    monkeypatch.setenv("SCHEDULO_STRIPE_SECRET_KEY", "sk_test_schedulo_tests")
    monkeypatch.setenv("SCHEDULO_TRIAL_DAYS", "0")
    get_settings.cache_clear()
    owner = signup(client)
    x = an_account(owner.workspace_id, "x")
    at = ahead(3, "09:00")
    post = compose(
        client, owner, {"text": "v1", "targets": [{"account_id": x}], "when": {"at": wall(at)}}
    ).json
    full = ahead(70, "09:00").replace(day=1)
    month = full.strftime("%Y-%m")
    usage(owner.workspace_id, Meter.SCHEDULED_POSTS_PER_MONTH, month)
    key = billing_store.counter_key(
        owner.workspace_id, Meter.SCHEDULED_POSTS_PER_MONTH.value, month
    )
    assert billing_store.take([billing_store.Want(key, 30, None)]) is None

    path = posts_path(owner, f"/{post['id']}")
    refused = call(client, "PATCH", path, {"version": 1, "when": {"at": wall(full)}}, owner.headers)
    assert refused.status_code == 402, refused.body
    assert _post_schedules(post["id"]) == {f"post-{post['id']}-v1": scheduling.at_expression(at)}


def test_an_edit_that_loses_to_another_leaves_the_winners_schedule_at_its_time(client, monkeypatch):
    """Two edits of one version arm the same name (the next version's): the loser's arming
    came last, with its time; when its write is refused (409) the winner's time is put
    back, not the schedule taken away."""
    from chalicelib.store import posts as store

    owner = signup(client)
    x = an_account(owner.workspace_id, "x")
    at, theirs, mine = ahead(30, "09:00"), ahead(33, "08:00"), ahead(35, "18:00")
    post = compose(
        client, owner, {"text": "v1", "targets": [{"account_id": x}], "when": {"at": wall(at)}}
    ).json
    arm_new = scheduling.arm_new

    def the_other_edit_lands_first(workspace_id, post_id, version, when):
        monkeypatch.setattr(scheduling, "arm_new", arm_new)
        other = store.get(workspace_id, post_id)
        other.scheduled_at, other.armed_version = utc_z(theirs), version
        arm_new(workspace_id, post_id, version, theirs)  # as the other edit did: armed,
        store.save_version(other, version - 1)  # written,
        scheduling.keep_only(post_id, scheduling.schedule_name(post_id, version))  # tidied
        return arm_new(workspace_id, post_id, version, when)

    monkeypatch.setattr(scheduling, "arm_new", the_other_edit_lands_first)
    path = posts_path(owner, f"/{post['id']}")
    lost = call(client, "PATCH", path, {"version": 1, "when": {"at": wall(mine)}}, owner.headers)
    assert lost.status_code == 409, lost.body
    assert _post_schedules(post["id"]) == {
        f"post-{post['id']}-v2": scheduling.at_expression(theirs)
    }
    assert store.get(owner.workspace_id, post["id"]).scheduled_at == utc_z(theirs)


def test_an_idempotency_key_replays_the_first_creation(client):
    owner = signup(client)
    x = an_account(owner.workspace_id, "x")
    body = {"text": "once", "targets": [{"account_id": x}]}
    first = compose(client, owner, body, {"Idempotency-Key": "k-1"})
    again = compose(client, owner, body, {"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.json["id"] == first.json["id"]
    other = compose(client, owner, {**body, "text": "twice"}, {"Idempotency-Key": "k-1"})
    assert (
        other.status_code == 422 and other.json["error"]["details"][0]["field"] == "Idempotency-Key"
    )
    drafts = call(client, "GET", posts_path(owner, "?status=draft"), headers=owner.headers).json[
        "items"
    ]
    assert [p["id"] for p in drafts] == [first.json["id"]]


def test_a_refused_creation_leaves_its_idempotency_key_free(client):
    owner = signup(client)
    x = an_account(owner.workspace_id, "x")
    bad = {"text": "x" * 300, "targets": [{"account_id": x}], "when": {"now": True}}
    assert compose(client, owner, bad, {"Idempotency-Key": "k-2"}).status_code == 422
    assert compose(client, owner, bad, {"Idempotency-Key": "k-2"}).status_code == 422


def test_queueing_takes_the_accounts_next_free_slots(client):
    owner = signup(client)
    x = an_account(owner.workspace_id, "x", timezone="UTC")
    slots = call(
        client,
        "GET",
        f"/v1/workspaces/{owner.workspace_id}/queue/next-slots?account_id={x}&count=2",
        headers=owner.headers,
    )
    assert slots.status_code == 200, slots.body
    first, second = slots.json["items"]
    assert first["local"].endswith("T09:00:00") and slots.json["timezone"] == "UTC"
    queued = compose(
        client, owner, {"text": "queued", "targets": [{"account_id": x}], "when": {"queue": True}}
    )
    assert queued.status_code == 201 and queued.json["scheduled_at"] == first["at"]
    after = call(
        client,
        "GET",
        f"/v1/workspaces/{owner.workspace_id}/queue/next-slots?account_id={x}&count=1",
        headers=owner.headers,
    )
    assert after.json["items"] == [second]
    missing = call(
        client,
        "GET",
        f"/v1/workspaces/{owner.workspace_id}/queue/next-slots?account_id=a_no",
        headers=owner.headers,
    )
    assert (
        missing.status_code == 422 and missing.json["error"]["details"][0]["field"] == "account_id"
    )


def test_publish_now_invokes_the_publisher(client):
    owner = signup(client)
    x = an_account(owner.workspace_id, "x")
    invoked = threading.Event()
    scheduling.use_local_invoker(lambda arn, payload: invoked.set())
    try:
        draft = compose(client, owner, {"text": "now", "targets": [{"account_id": x}]}).json
        sent = call(
            client, "POST", posts_path(owner, f"/{draft['id']}/publish-now"), None, owner.headers
        )
        assert sent.status_code == 200, sent.body
        assert invoked.wait(5)
    finally:
        scheduling.use_local_invoker(None)
    assert sent.json["status"] == "scheduled" and sent.json["version"] == 2


def test_a_post_for_now_is_written_armed_and_its_publisher_invoked(client):
    """Posted "now": one write, already armed (the sweeper steps in only if no invocation
    reached it within its grace), then the publisher invoked with that version; an edit
    for now leaves no schedule behind."""
    from chalicelib.store import posts as store

    owner = signup(client)
    x = an_account(owner.workspace_id, "x")
    invoked: list[dict] = []
    both = threading.Event()

    def invoke(arn: str, payload: dict) -> None:  # on a thread of its own, as Lambda's Event
        invoked.append(payload)
        if len(invoked) == 2:
            both.set()

    scheduling.use_local_invoker(invoke)
    try:
        sent = compose(
            client, owner, {"text": "now", "targets": [{"account_id": x}], "when": {"now": True}}
        )
        assert sent.status_code == 201, sent.body
        later = compose(
            client,
            owner,
            {"text": "later", "targets": [{"account_id": x}], "when": {"at": wall(ahead(3))}},
        ).json
        moved = call(
            client,
            "PATCH",
            posts_path(owner, f"/{later['id']}"),
            {"version": 1, "when": {"now": True}},
            owner.headers,
        )
        assert moved.status_code == 200, moved.body
        assert both.wait(5)
    finally:
        scheduling.use_local_invoker(None)
    post = sent.json
    assert sorted((p["post_id"], p["version"]) for p in invoked) == sorted(
        [(post["id"], 1), (later["id"], 2)]
    )
    item = store.get(owner.workspace_id, post["id"])
    assert (item.armed_version, item.due_at) == (1, item.scheduled_at)
    moved_item = store.get(owner.workspace_id, later["id"])
    assert (moved_item.armed_version, moved_item.due_at) == (2, moved_item.scheduled_at)
    assert _post_schedules(post["id"]) == {} and _post_schedules(later["id"]) == {}


def test_a_viewer_cannot_compose(client):
    owner = signup(client)
    viewer = add_member(client, owner, "viewer")
    x = an_account(owner.workspace_id, "x")
    response = compose(client, viewer, {"text": "hi", "targets": [{"account_id": x}]})
    assert response.status_code == 403


def test_an_image_is_checked_as_the_network_will_receive_it(client):
    """A tall PNG is no Instagram feed image, but its rendition (a 4:5 JPEG cropped around
    the focal point) is: the composer accepts it; a video-only network still refuses it."""
    owner = signup(client)
    instagram = an_account(owner.workspace_id, "instagram")
    youtube = an_account(owner.workspace_id, "youtube")
    tall_png = a_picture(owner.workspace_id, width=1080, height=1920, content_type="image/png")
    soon = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT09:00:00")
    body = {"text": "Tall picture", "media_ids": [tall_png], "targets": [{"account_id": instagram}],
            "when": {"at": soon, "timezone": "UTC"}}  # fmt: skip
    validated = call(client, "POST", posts_path(owner, "/validate"), body, owner.headers)
    assert validated.json == {"valid": True, "problems": []}
    body["targets"] = [{"account_id": youtube}]
    refused = call(client, "POST", posts_path(owner, "/validate"), body, owner.headers)
    assert refused.json["valid"] is False
    assert {p["field"] for p in refused.json["problems"]} >= {"media_ids[0]"}
