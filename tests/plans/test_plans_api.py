"""Content plans through the API (issue 24): a brand profile read from a sample website,
posting rules, a month's brief, a plan generated in the background, its items as draft
posts with captions within each network's limit, edits, regeneration, approval onto the
calendar; tenancy and roles."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from chalicelib import scheduling
from tests.support.factories import add_member, call, signup
from tests.support.posting import an_account
from tests.support.sandbox import running_sandbox

NETWORKS = ("x", "linkedin", "instagram")


@pytest.fixture
def worker(aws):
    """The plan worker (and any other background job) in a thread, as in the local stack."""
    import app as app_module

    def invoke(arn, payload):
        function = arn.rsplit(":", 1)[-1].split("-")[-1]
        return getattr(app_module, function)(payload, None)

    scheduling.use_local_invoker(invoke)
    yield
    scheduling.use_local_invoker(None)


@pytest.fixture
def loopback_allowed(monkeypatch):
    """As on the local stack: the sample sites are on loopback, which production refuses."""
    from chalicelib.settings import get_settings

    monkeypatch.setenv("SCHEDULO_ALLOW_LOOPBACK_FETCH", "1")
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def sandbox():
    with running_sandbox() as running:
        yield running


def _next_month() -> str:
    today = datetime.now(UTC).date()
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first.strftime("%Y-%m")


def _base(user) -> str:
    return f"/v1/workspaces/{user.workspace_id}"


def _accounts(user, zone: str = "America/New_York") -> list[str]:
    return [an_account(user.workspace_id, network, timezone=zone) for network in NETWORKS]


def _brief(client, user, month: str, account_ids: list[str], **fields: Any):
    body = {
        "focus": "new_clients",
        "promotion": True,
        "promotion_details": "10% off every loaf on Fridays",
        "tone": "playful",
        "pillars": ["behind the scenes", "our bread", "tips"],
        "account_ids": account_ids,
    } | fields
    return call(client, "PUT", f"{_base(user)}/briefs/{month}", body, user.headers)


def _wait(client, user, plan_id: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    seen = []
    while True:
        found = call(client, "GET", f"{_base(user)}/plans/{plan_id}", None, user.headers)
        assert found.status_code == 200, found.body
        seen.append(found.json["progress"])
        if found.json["status"] != "generating":
            assert seen == sorted(seen)  # progress only goes up
            return found.json
        assert time.monotonic() < deadline, found.json
        # Each look reads the plan, its items and their posts, on the CPU the worker
        # needs: a few looks a second see the progress go up as well as twenty do.
        time.sleep(0.25)


def _generated(client, user, month: str | None = None) -> dict[str, Any]:
    month = month or _next_month()
    started = call(client, "POST", f"{_base(user)}/plans", {"month": month}, user.headers)
    assert started.status_code == 202, started.body
    assert started.json["status"] == "generating" and started.json["progress"] == 0
    plan = _wait(client, user, started.json["plan_id"])
    assert plan["status"] == "ready", plan["error"]
    return plan


def test_brand_profile_is_read_from_a_sample_website_then_saved(client, loopback_allowed, sandbox):
    owner = signup(client)
    url = f"{sandbox.url}/sites/bakery/"
    assert call(client, "GET", f"{_base(owner)}/brand", None, owner.headers).status_code == 204
    extracted = call(client, "POST", f"{_base(owner)}/brand/extract", {"url": url}, owner.headers)
    assert extracted.status_code == 200, extracted.body
    profile = extracted.json
    assert profile["business_name"]
    assert profile["colours"] and all(c.startswith("#") for c in profile["colours"])
    assert profile["website"]
    # Not saved until PUT.
    assert call(client, "GET", f"{_base(owner)}/brand", None, owner.headers).status_code == 204
    profile["voice"] = "Warm, floury and to the point"
    saved = call(client, "PUT", f"{_base(owner)}/brand", profile, owner.headers)
    assert saved.status_code == 200, saved.body
    read = call(client, "GET", f"{_base(owner)}/brand", None, owner.headers)
    assert read.json["voice"] == "Warm, floury and to the point"
    for fields, field in (({"colours": ["#8a4b2a", "brown"]}, "colours[1]"),
                          ({"business_name": "  "}, "business_name")):  # fmt: skip
        bad = call(client, "PUT", f"{_base(owner)}/brand", profile | fields, owner.headers)
        assert bad.status_code == 422, bad.body
        assert bad.json["error"]["details"][0]["field"] == field


def test_an_unreadable_site_is_a_422_naming_the_url(client, loopback_allowed, sandbox):
    owner = signup(client)
    for url in (f"{sandbox.url}/sites/no-such-shop/", "not a url"):
        answer = call(client, "POST", f"{_base(owner)}/brand/extract", {"url": url}, owner.headers)
        assert answer.status_code == 422, answer.body
        assert answer.json["error"]["details"][0]["field"] == "url"


def test_posting_rules_are_kept_and_checked(client):
    owner = signup(client)
    x = an_account(owner.workspace_id, "x")
    rules = {
        "rules": [
            {"per_week": 3, "days": ["mon", "wed", "fri"], "window": "morning"},
            {"account_id": x, "per_week": 2, "window": "evening", "use_best_times": True},
        ]
    }
    saved = call(client, "PUT", f"{_base(owner)}/posting-rules", rules, owner.headers)
    assert saved.status_code == 200, saved.body
    read = call(client, "GET", f"{_base(owner)}/posting-rules", None, owner.headers)
    assert read.json["rules"][1] == rules["rules"][1] | {"days": []}
    bad = [
        ({"rules": [{"per_week": 15}]}, "rules[0].per_week"),
        ({"rules": [{"days": ["someday"]}]}, "rules[0].days[0]"),
        ({"rules": [{"window": "night"}]}, "rules[0].window"),
        ({"rules": [{"account_id": "a_nope"}]}, "rules[0].account_id"),
        ({"rules": [{"per_week": 1}, {"per_week": 2}]}, "rules[1].account_id"),
    ]
    for body, field in bad:
        answer = call(client, "PUT", f"{_base(owner)}/posting-rules", body, owner.headers)
        assert answer.status_code in (400, 422), answer.body
        assert answer.json["error"]["details"][0]["field"] == field, answer.json


def test_a_brief_is_kept_per_month_and_checked(client):
    owner = signup(client)
    month = _next_month()
    accounts = _accounts(owner)
    # None yet: nothing (not a 404, which the browser would log as a failure).
    none = call(client, "GET", f"{_base(owner)}/briefs/{month}", None, owner.headers)
    assert none.status_code == 204, none.body
    saved = _brief(client, owner, month, accounts)
    assert saved.status_code == 200, saved.body
    assert saved.json["month"] == month and saved.json["account_ids"] == accounts
    read = call(client, "GET", f"{_base(owner)}/briefs/{month}", None, owner.headers)
    assert read.json["tone"] == "playful"
    other = call(client, "GET", f"{_base(owner)}/briefs/{month[:4]}-13", None, owner.headers)
    assert other.status_code == 422 and other.json["error"]["details"][0]["field"] == "month"
    bad = [
        ({"account_ids": ["a_nope"]}, "account_ids[0]"),
        ({"tone": "grumpy"}, "tone"),
        ({"month": "2000-01"}, "month"),
    ]
    for fields, field in bad:
        body = {"account_ids": accounts} | fields
        answer = call(client, "PUT", f"{_base(owner)}/briefs/{month}", body, owner.headers)
        assert answer.status_code in (400, 422), answer.body
        assert answer.json["error"]["details"][0]["field"] == field, answer.json


def test_a_plan_without_a_brief_or_out_of_reach_names_the_month(client):
    owner = signup(client)
    for month in (_next_month(), "0001-01", "2000-01", "9999-12"):
        answer = call(client, "POST", f"{_base(owner)}/plans", {"month": month}, owner.headers)
        assert answer.status_code == 422, answer.body
        assert answer.json["error"]["details"][0]["field"] == "month"


def test_from_brief_to_a_month_of_scheduled_posts(client, worker):
    owner = signup(client)
    zone = "America/New_York"
    accounts = _accounts(owner, zone)
    month = _next_month()
    rules = {"rules": [{"per_week": 3, "days": ["mon", "wed", "fri"], "window": "morning"}]}
    answer = call(client, "PUT", f"{_base(owner)}/posting-rules", rules, owner.headers)
    assert answer.status_code == 200, answer.body
    assert _brief(client, owner, month, accounts).status_code == 200
    plan = _generated(client, owner, month)

    items = plan["items"]
    assert plan["progress"] == 100 and plan["writer"] == "offline"
    assert len(items) >= 11  # Monday, Wednesday and Friday of a month
    assert {item["kind"] for item in items} == {"post", "promo"}  # the brief's promotion
    for item in items:
        assert item["status"] == "draft" and item["post_status"] == "draft", item
        assert item["month"] == month and item["plan_id"] == plan["plan_id"]
        wall = datetime.fromisoformat(item["slot"]).astimezone(ZoneInfo(zone))
        assert wall.weekday() in (0, 2, 4) and wall.hour == 9 and wall.minute == 0
        assert wall.strftime("%Y-%m") == month
        assert item["media_id"] and item["problem"] is None
        assert {c["network"] for c in item["captions"]} == set(NETWORKS)
        for caption in item["captions"]:
            assert 0 < caption["count"] <= caption["limit"], caption
        post = call(client, "GET", f"{_base(owner)}/posts/{item['post_id']}", None, owner.headers)
        assert post.json["status"] == "draft"
        assert post.json["media_ids"] == [item["media_id"]]
        texts = {t["account_id"]: t["text"] for t in post.json["targets"]}
        assert texts == {c["account_id"]: c["text"] for c in item["captions"]}

    # Edit one item: a caption and the slot; its post follows.
    first = items[0]
    x_caption = next(c for c in first["captions"] if c["network"] == "x")
    new_slot = (datetime.fromisoformat(first["slot"]) + timedelta(hours=2)).isoformat()
    edited = call(
        client,
        "PATCH",
        f"{_base(owner)}/plans/{plan['plan_id']}/items/{first['item_id']}",
        {
            "version": first["version"],
            "title": "Our sourdough, start to finish",
            "slot": new_slot,
            "captions": [{"account_id": x_caption["account_id"], "text": "Fresh at 7 #bread"}],
        },
        owner.headers,
    )
    assert edited.status_code == 200, edited.body
    assert edited.json["title"] == "Our sourdough, start to finish"
    assert datetime.fromisoformat(edited.json["slot"]) == datetime.fromisoformat(new_slot)
    edited_x = next(c for c in edited.json["captions"] if c["network"] == "x")
    assert edited_x["text"] == "Fresh at 7 #bread" and edited_x["hashtags"] == ["bread"]
    post = call(client, "GET", f"{_base(owner)}/posts/{first['post_id']}", None, owner.headers)
    x_target = next(t for t in post.json["targets"] if t["account_id"] == x_caption["account_id"])
    assert x_target["text"] == "Fresh at 7 #bread"

    # A stale version and a caption over X's count are refused, naming the field.
    stale = call(
        client,
        "PATCH",
        f"{_base(owner)}/plans/{plan['plan_id']}/items/{first['item_id']}",
        {"version": first["version"], "title": "again"},
        owner.headers,
    )
    assert stale.status_code == 409
    too_long = call(
        client,
        "PATCH",
        f"{_base(owner)}/plans/{plan['plan_id']}/items/{first['item_id']}",
        {"captions": [{"account_id": x_caption["account_id"], "text": "loaf " * 100}]},
        owner.headers,
    )
    assert too_long.status_code == 422
    assert too_long.json["error"]["details"][0]["field"] == "captions[0].text"

    # Regenerate the second item's text and its image.
    second = items[1]
    path = f"{_base(owner)}/plans/{plan['plan_id']}/items/{second['item_id']}/regenerate"
    text = call(client, "POST", path, {"part": "text"}, owner.headers)
    assert text.status_code == 200, text.body
    assert text.json["title"] != second["title"]
    assert text.json["title"] not in {item["title"] for item in items}
    for caption in text.json["captions"]:
        assert caption["count"] <= caption["limit"]
    image = call(client, "POST", path, {"part": "image"}, owner.headers)
    assert image.status_code == 200, image.body
    assert image.json["media_id"] and image.json["media_id"] != second["media_id"]
    assert image.json["image_template"] != text.json["image_template"]
    post = call(client, "GET", f"{_base(owner)}/posts/{second['post_id']}", None, owner.headers)
    assert post.json["media_ids"] == [image.json["media_id"]]

    # Approve all: every post scheduled on its item's slot.
    approved = call(
        client, "POST", f"{_base(owner)}/plans/{plan['plan_id']}/approve", {}, owner.headers
    )
    assert approved.status_code == 200, approved.body
    for item in approved.json["items"]:
        assert item["status"] == "scheduled" and item["problem"] is None, item
        post = call(client, "GET", f"{_base(owner)}/posts/{item['post_id']}", None, owner.headers)
        assert post.json["status"] == "scheduled"
        assert datetime.fromisoformat(
            post.json["scheduled_at"].replace("Z", "+00:00")
        ) == datetime.fromisoformat(item["slot"])
    calendar = call(
        client, "GET", f"{_base(owner)}/posts?status=scheduled&limit=200", None, owner.headers
    )
    assert len(calendar.json["items"]) == len(items)
    # Each armed: one one-time schedule per post, at its slot.
    import boto3

    from chalicelib.settings import get_settings

    scheduler = boto3.client("scheduler")
    group = get_settings().schedule_group
    armed = {
        s["Name"]
        for page in scheduler.get_paginator("list_schedules").paginate(GroupName=group)
        for s in page["Schedules"]
    }
    for post in calendar.json["items"]:
        assert f"post-{post['id']}-v{post['version']}" in armed

    # A second plan of the month keeps clear of what the first scheduled.
    again = _generated(client, owner, month)
    taken = {datetime.fromisoformat(item["slot"]) for item in approved.json["items"]}
    for item in again["items"]:
        slot = datetime.fromisoformat(item["slot"])
        assert all(abs(slot - other) >= timedelta(hours=1) for other in taken)


def test_an_editor_needing_approval_submits_the_items(client, worker):
    owner = signup(client)
    editor = add_member(client, owner, "editor")
    accounts = _accounts(owner)
    policy = call(
        client,
        "PUT",
        f"{_base(owner)}/approval-policy",
        {"mode": "role", "required_below": "admin"},
        owner.headers,
    )
    assert policy.status_code == 200, policy.body
    month = _next_month()
    assert _brief(client, editor, month, accounts[:1]).status_code == 200
    plan = _generated(client, editor, month)
    item = plan["items"][0]
    answer = call(
        client,
        "POST",
        f"{_base(editor)}/plans/{plan['plan_id']}/approve",
        {"item_ids": [item["item_id"]]},
        editor.headers,
    )
    assert answer.status_code == 200, answer.body
    by_id = {i["item_id"]: i for i in answer.json["items"]}
    assert by_id[item["item_id"]]["status"] == "approved"
    assert by_id[item["item_id"]]["post_status"] == "pending_approval"
    # The others are left as drafts.
    assert {i["status"] for i in answer.json["items"] if i["item_id"] != item["item_id"]} == {
        "draft"
    }
    # The owner approves it in the approvals flow: it is scheduled on its slot.
    post_path = f"{_base(owner)}/posts/{item['post_id']}"
    decided = call(client, "POST", f"{post_path}/approve", {}, owner.headers)
    assert decided.status_code == 200, decided.body
    assert decided.json["status"] == "scheduled"
    read = call(client, "GET", f"{_base(editor)}/plans/{plan['plan_id']}", None, editor.headers)
    mine = next(i for i in read.json["items"] if i["item_id"] == item["item_id"])
    assert mine["status"] == "scheduled"
    scheduled_at = datetime.fromisoformat(decided.json["scheduled_at"].replace("Z", "+00:00"))
    assert scheduled_at == datetime.fromisoformat(mine["slot"])
    # Another is sent back for changes: approving it in the plan says so, and leaves it.
    other = plan["items"][1]
    path = f"{_base(editor)}/plans/{plan['plan_id']}/approve"
    first = call(client, "POST", path, {"item_ids": [other["item_id"]]}, editor.headers)
    assert first.status_code == 200, first.body
    sent_back = call(
        client,
        "POST",
        f"{_base(owner)}/posts/{other['post_id']}/request-changes",
        {"comment": "Less flour talk"},
        owner.headers,
    )
    assert sent_back.status_code == 200, sent_back.body
    again = call(client, "POST", path, {"item_ids": [other["item_id"]]}, editor.headers)
    back = next(i for i in again.json["items"] if i["item_id"] == other["item_id"])
    assert back["status"] == "draft" and back["post_status"] == "changes_requested"
    assert "asked for changes" in back["problem"]
    unknown = call(
        client,
        "POST",
        f"{_base(editor)}/plans/{plan['plan_id']}/approve",
        {"item_ids": ["pi_nope"]},
        editor.headers,
    )
    assert unknown.status_code == 422
    assert unknown.json["error"]["details"][0]["field"] == "item_ids[0]"


def test_another_workspace_sees_nothing_and_a_viewer_writes_nothing(client, worker):
    owner = signup(client)
    viewer = add_member(client, owner, "viewer")
    outsider = signup(client)
    month = _next_month()
    accounts = _accounts(owner)
    assert _brief(client, owner, month, accounts[:1]).status_code == 200
    plan = _generated(client, owner, month)
    item = plan["items"][0]
    base = _base(owner)
    plan_path = f"{base}/plans/{plan['plan_id']}"
    item_path = f"{plan_path}/items/{item['item_id']}"

    # A viewer reads everything...
    for path in (plan_path, f"{base}/plans?month={month}", f"{base}/briefs/{month}"):
        assert call(client, "GET", path, None, viewer.headers).status_code == 200, path
    # ...and writes nothing.
    writes = [
        ("PUT", f"{base}/brand", {"business_name": "Mine"}),
        ("POST", f"{base}/brand/extract", {"url": "https://example.com"}),
        ("PUT", f"{base}/posting-rules", {"rules": []}),
        ("PUT", f"{base}/briefs/{month}", {"account_ids": []}),
        ("POST", f"{base}/plans", {"month": month}),
        ("PATCH", item_path, {"title": "Mine"}),
        ("POST", f"{item_path}/regenerate", {"part": "text"}),
        ("POST", f"{plan_path}/approve", {}),
    ]
    for method, path, body in writes:
        assert call(client, method, path, body, viewer.headers).status_code == 403, path
    # Another workspace's member gets 404 for all of it.
    for method, path, body in [("GET", plan_path, None), ("GET", f"{base}/brand", None), *writes]:
        assert call(client, method, path, body, outsider.headers).status_code == 404, path
    # And its own workspace does not show the plan.
    mine = call(client, "GET", f"{_base(outsider)}/plans/{plan['plan_id']}", None, outsider.headers)
    assert mine.status_code == 404
    listed = call(client, "GET", f"{_base(outsider)}/plans", None, outsider.headers)
    assert listed.json["items"] == []


def test_the_hourly_generations_refuse_a_plan_before_anything_is_written(
    client, worker, monkeypatch
):
    from chalicelib.settings import get_settings

    monkeypatch.setenv("SCHEDULO_AI_GENERATIONS_PER_HOUR", "20")
    get_settings.cache_clear()
    owner = signup(client)
    month = _next_month()
    assert _brief(client, owner, month, _accounts(owner)[:1]).status_code == 200
    first = _generated(client, owner, month)  # an outline and 12 to 14 items: 13 to 15
    answer = call(client, "POST", f"{_base(owner)}/plans", {"month": month}, owner.headers)
    assert answer.status_code == 429, answer.body
    assert "SCHEDULO_AI_GENERATIONS_PER_HOUR" in answer.json["error"]["message"]
    listed = call(client, "GET", f"{_base(owner)}/plans", None, owner.headers)
    assert [plan["plan_id"] for plan in listed.json["items"]] == [first["plan_id"]]


def test_a_failing_writer_fails_the_plan_with_its_reason(client, worker, monkeypatch):
    from chalicelib.ai import writer as writers
    from chalicelib.ai.offline import OfflineWriter

    class Down(OfflineWriter):
        @property
        def name(self) -> str:
            return "bedrock:test-model"

        def outline(self, brief, profile, count):
            raise writers.WriterUnavailable("The writer is throttled; try again later", 30)

    monkeypatch.setattr(writers, "writer_for_settings", lambda: Down())
    from chalicelib.ai.guard import breaker

    monkeypatch.setattr(breaker, "_states", {})  # this provider's failure stays in this test
    owner = signup(client)
    month = _next_month()
    assert _brief(client, owner, month, _accounts(owner)[:1]).status_code == 200
    started = call(client, "POST", f"{_base(owner)}/plans", {"month": month}, owner.headers)
    assert started.status_code == 202, started.body
    plan = _wait(client, owner, started.json["plan_id"])
    assert plan["status"] == "failed" and plan["items"] == []
    assert "throttled" in plan["error"]


def test_every_network_gets_a_caption_within_its_count_and_titles_where_shown(client, worker):
    from chalicelib.networks.registry import NETWORK_IDS, get_limits

    owner = signup(client)
    accounts = {n: an_account(owner.workspace_id, n, timezone="Asia/Tokyo") for n in NETWORK_IDS}
    month = _next_month()
    rules = {"rules": [{"per_week": 1, "days": ["tue"], "window": "evening"}]}
    answer = call(client, "PUT", f"{_base(owner)}/posting-rules", rules, owner.headers)
    assert answer.status_code == 200, answer.body
    assert _brief(client, owner, month, list(accounts.values())).status_code == 200
    plan = _generated(client, owner, month)
    assert 4 <= len(plan["items"]) <= 5  # the month's Tuesdays
    for item in plan["items"]:
        wall = datetime.fromisoformat(item["slot"]).astimezone(ZoneInfo("Asia/Tokyo"))
        assert (wall.weekday(), wall.hour) == (1, 18)
        assert {c["network"] for c in item["captions"]} == set(NETWORK_IDS)
        for caption in item["captions"]:
            assert 0 < caption["count"] <= caption["limit"], caption
            assert caption["limit"] == get_limits(caption["network"]).text.max_length
    first = plan["items"][0]
    path = f"{_base(owner)}/plans/{plan['plan_id']}/items/{first['item_id']}"
    renamed = call(client, "PATCH", path, {"title": "Bread, slowly"}, owner.headers)
    assert renamed.status_code == 200, renamed.body
    post = call(client, "GET", f"{_base(owner)}/posts/{first['post_id']}", None, owner.headers)
    options = {t["network"]: t["options"] for t in post.json["targets"]}
    assert options["pinterest"]["title"] == "Bread, slowly"
    assert options["youtube"]["title"] == "Bread, slowly"
    assert "title" not in options["x"]


def test_a_plan_whose_worker_died_says_so_and_frees_its_slots(client, aws):
    from chalicelib.store import content

    scheduling.use_local_invoker(lambda arn, payload: None)  # the worker never runs
    try:
        owner = signup(client)
        month = _next_month()
        assert _brief(client, owner, month, _accounts(owner)[:1]).status_code == 200
        started = call(client, "POST", f"{_base(owner)}/plans", {"month": month}, owner.headers)
        assert started.status_code == 202, started.body
        plan_id = started.json["plan_id"]
        plan = content.get_plan(owner.workspace_id, plan_id)
        # Just under the worker's longest run: still generating.
        quiet = datetime.now(UTC) - timedelta(minutes=15)
        plan.update(
            actions=[content.PlanRecord.updated_at.set(quiet.strftime("%Y-%m-%dT%H:%M:%SZ"))]
        )
        path = f"{_base(owner)}/plans/{plan_id}"
        assert call(client, "GET", path, None, owner.headers).json["status"] == "generating"
        longer = datetime.now(UTC) - timedelta(minutes=17)
        plan.update(
            actions=[content.PlanRecord.updated_at.set(longer.strftime("%Y-%m-%dT%H:%M:%SZ"))]
        )
        found = call(client, "GET", path, None, owner.headers).json
        assert found["status"] == "failed" and "generate it again" in found["error"]
        again = call(client, "POST", f"{_base(owner)}/plans", {"month": month}, owner.headers)
        assert again.status_code == 202, again.body
        second = content.get_plan(owner.workspace_id, again.json["plan_id"])
        assert second.slots == plan.slots  # the dead plan's slots were free again
    finally:
        scheduling.use_local_invoker(None)


def test_a_plan_sent_again_with_its_idempotency_key_is_made_once(client, worker):
    owner = signup(client)
    month = _next_month()
    assert _brief(client, owner, month, _accounts(owner)[:1]).status_code == 200
    headers = owner.headers | {"Idempotency-Key": "plan-once-1"}
    first = call(client, "POST", f"{_base(owner)}/plans", {"month": month}, headers)
    again = call(client, "POST", f"{_base(owner)}/plans", {"month": month}, headers)
    assert first.status_code == again.status_code == 202, (first.body, again.body)
    assert again.json["plan_id"] == first.json["plan_id"]
    _wait(client, owner, first.json["plan_id"])
    listed = call(client, "GET", f"{_base(owner)}/plans?month={month}", None, owner.headers)
    assert [plan["plan_id"] for plan in listed.json["items"]] == [first.json["plan_id"]]


def test_an_item_whose_slot_has_passed_stays_a_draft_and_says_why(client, worker):
    from chalicelib.store import content

    owner = signup(client)
    month = _next_month()
    assert _brief(client, owner, month, _accounts(owner)[:1]).status_code == 200
    plan = _generated(client, owner, month)
    late, *others = plan["items"]
    record = content.get_item(owner.workspace_id, plan["plan_id"], late["item_id"])
    passed = datetime.now(UTC) - timedelta(hours=1)
    record.update(actions=[content.PlanItemRecord.slot.set(passed.strftime("%Y-%m-%dT%H:%M:%SZ"))])
    path = f"{_base(owner)}/plans/{plan['plan_id']}/items/{late['item_id']}"
    for bad in (passed.isoformat(), "9999-12-31T23:00:00Z", "tomorrow at nine"):
        refused = call(client, "PATCH", path, {"slot": bad}, owner.headers)
        assert refused.status_code == 422, refused.body
        assert refused.json["error"]["details"][0]["field"] == "slot"
    approved = call(
        client, "POST", f"{_base(owner)}/plans/{plan['plan_id']}/approve", {}, owner.headers
    )
    assert approved.status_code == 200, approved.body
    by_id = {item["item_id"]: item for item in approved.json["items"]}
    assert by_id[late["item_id"]]["status"] == "draft"
    assert "past" in by_id[late["item_id"]]["problem"].lower(), by_id[late["item_id"]]
    assert all(by_id[item["item_id"]]["status"] == "scheduled" for item in others)
    # A new slot, then approving it again, schedules it.
    later = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    moved = call(client, "PATCH", path, {"slot": later.isoformat()}, owner.headers)
    assert moved.status_code == 200 and moved.json["problem"] is None, moved.body
    again = call(
        client,
        "POST",
        f"{_base(owner)}/plans/{plan['plan_id']}/approve",
        {"item_ids": [late["item_id"]]},
        owner.headers,
    )
    item = next(i for i in again.json["items"] if i["item_id"] == late["item_id"])
    assert item["status"] == "scheduled"
    assert datetime.fromisoformat(item["slot"]) == later


def test_best_times_place_the_items_at_the_accounts_best_hours_of_the_window(client, worker):
    owner = signup(client)
    zone = "Europe/Berlin"
    x = an_account(owner.workspace_id, "x", timezone=zone)
    rules = {
        "rules": [{"account_id": x, "per_week": 4, "window": "afternoon", "use_best_times": True}]
    }
    answer = call(client, "PUT", f"{_base(owner)}/posting-rules", rules, owner.headers)
    assert answer.status_code == 200, answer.body
    month = _next_month()
    assert _brief(client, owner, month, [x]).status_code == 200
    plan = _generated(client, owner, month)
    best = call(
        client, "GET", f"{_base(owner)}/analytics/best-times?account_id={x}", None, owner.headers
    )
    assert best.status_code == 200, best.body
    heatmap = best.json["heatmap"]
    hours = set()
    for item in plan["items"]:
        wall = datetime.fromisoformat(item["slot"]).astimezone(ZoneInfo(zone))
        window = {h: heatmap[wall.weekday()][h] or 0.0 for h in range(12, 16)}
        assert wall.minute == 0 and window[wall.hour] == max(window.values()), (wall, window)
        hours.add(wall.hour)
    assert hours != {13}  # not simply the afternoon's usual time


def test_an_accounts_own_rule_gives_it_items_of_its_own(client, worker):
    owner = signup(client)
    x = an_account(owner.workspace_id, "x", timezone="America/New_York")
    linkedin = an_account(owner.workspace_id, "linkedin", timezone="Europe/London")
    instagram = an_account(owner.workspace_id, "instagram", timezone="Europe/London")
    rules = {
        "rules": [
            {"per_week": 3, "days": ["mon", "wed", "fri"], "window": "morning"},
            {"account_id": x, "per_week": 2, "days": ["tue", "thu"], "window": "evening"},
        ]
    }
    answer = call(client, "PUT", f"{_base(owner)}/posting-rules", rules, owner.headers)
    assert answer.status_code == 200, answer.body
    month = _next_month()
    assert _brief(client, owner, month, [x, linkedin, instagram]).status_code == 200
    plan = _generated(client, owner, month)
    mine = [i for i in plan["items"] if {c["account_id"] for c in i["captions"]} == {x}]
    shared = [
        i
        for i in plan["items"]
        if {c["account_id"] for c in i["captions"]} == {linkedin, instagram}
    ]
    assert len(mine) + len(shared) == len(plan["items"]) and mine and shared
    for item in mine:
        wall = datetime.fromisoformat(item["slot"]).astimezone(ZoneInfo("America/New_York"))
        assert item["timezone"] == "America/New_York"
        assert wall.weekday() in (1, 3) and (wall.hour, wall.minute) == (18, 0)
    for item in shared:
        wall = datetime.fromisoformat(item["slot"]).astimezone(ZoneInfo("Europe/London"))
        assert wall.weekday() in (0, 2, 4) and (wall.hour, wall.minute) == (9, 0)
    slots = [datetime.fromisoformat(i["slot"]) for i in plan["items"]]
    assert slots == sorted(slots)  # the month's items in time order, pillars in turn


def test_an_item_dropped_from_the_plan_takes_its_post_with_it(client, worker):
    owner = signup(client)
    viewer = add_member(client, owner, "viewer")
    outsider = signup(client)
    month = _next_month()
    assert _brief(client, owner, month, _accounts(owner)[:2]).status_code == 200
    plan = _generated(client, owner, month)
    draft, scheduled, *_ = plan["items"]
    plan_path = f"{_base(owner)}/plans/{plan['plan_id']}"
    approved = call(
        client, "POST", f"{plan_path}/approve", {"item_ids": [scheduled["item_id"]]}, owner.headers
    )
    assert approved.status_code == 200, approved.body
    for item in (draft, scheduled):
        path = f"{plan_path}/items/{item['item_id']}"
        assert call(client, "DELETE", path, None, viewer.headers).status_code == 403
        assert call(client, "DELETE", path, None, outsider.headers).status_code == 404
        gone = call(client, "DELETE", path, None, owner.headers)
        assert gone.status_code == 204, gone.body
        post = call(client, "GET", f"{_base(owner)}/posts/{item['post_id']}", None, owner.headers)
        assert post.status_code == 404
        assert call(client, "DELETE", path, None, owner.headers).status_code == 404
    left = call(client, "GET", plan_path, None, owner.headers).json["items"]
    assert len(left) == len(plan["items"]) - 2
    assert {draft["item_id"], scheduled["item_id"]}.isdisjoint(i["item_id"] for i in left)
    # Nothing scheduled is left behind on the calendar.
    listed = call(client, "GET", f"{_base(owner)}/posts?status=scheduled", None, owner.headers)
    assert listed.json["items"] == []


def test_the_writers_first_comments_go_on_each_accounts_post(client, worker):
    """Instagram keeps its caption clean and puts the rest of its hashtags in the first
    comment: that comment reaches the post (per account: each network has its own) and
    what the publisher sends, and a network with no first comment gets none."""
    from chalicelib.publishing.outcomes import publish_request
    from chalicelib.store import posts as post_store

    owner = signup(client)
    accounts = {n: an_account(owner.workspace_id, n) for n in (*NETWORKS, "pinterest")}
    month = _next_month()
    assert _brief(client, owner, month, list(accounts.values())).status_code == 200
    plan = _generated(client, owner, month)
    for item in plan["items"]:
        assert item["problem"] is None and item["post_id"], item
        captions = {c["network"]: c for c in item["captions"]}
        comment = captions["instagram"]["first_comment"]
        assert comment and comment.startswith("#"), captions["instagram"]
        # The month's hashtags for Instagram: three in the caption, the rest in the comment.
        assert len(captions["instagram"]["hashtags"]) + comment.count("#") > 3
        assert captions["x"]["first_comment"]
        assert captions["pinterest"]["first_comment"] is None
        stored = post_store.get(owner.workspace_id, item["post_id"])
        assert stored is not None
        sent = {t.network: publish_request(stored, t).first_comment for t in stored.targets}
        assert sent == {n: captions[n]["first_comment"] for n in captions}
        post = call(client, "GET", f"{_base(owner)}/posts/{item['post_id']}", None, owner.headers)
        options = {t["network"]: t["options"] for t in post.json["targets"]}
        assert options["instagram"]["first_comment"] == comment
        assert "first_comment" not in options["pinterest"]

    # An edited comment follows to the post; one too long for the network is refused.
    first = plan["items"][0]
    path = f"{_base(owner)}/plans/{plan['plan_id']}/items/{first['item_id']}"
    ig = accounts["instagram"]
    edited = call(
        client,
        "PATCH",
        path,
        {"captions": [{"account_id": ig, "text": "Fresh bread", "first_comment": "#bread #rye"}]},
        owner.headers,
    )
    assert edited.status_code == 200, edited.body
    caption = next(c for c in edited.json["captions"] if c["network"] == "instagram")
    assert caption["first_comment"] == "#bread #rye"
    post = call(client, "GET", f"{_base(owner)}/posts/{first['post_id']}", None, owner.headers)
    options = {t["network"]: t["options"] for t in post.json["targets"]}
    assert options["instagram"]["first_comment"] == "#bread #rye"
    refused = call(
        client,
        "PATCH",
        path,
        {"captions": [{"account_id": accounts["pinterest"], "text": "A", "first_comment": "hi"}]},
        owner.headers,
    )
    assert refused.status_code == 422
    assert refused.json["error"]["details"][0]["field"] == "captions[0].first_comment"


def _media(client, user, media_id: str) -> int:
    return call(client, "GET", f"{_base(user)}/media/{media_id}", None, user.headers).status_code


def test_an_image_drawn_again_drops_the_old_one_unless_a_post_uses_it(client, worker):
    owner = signup(client)
    month = _next_month()
    assert _brief(client, owner, month, _accounts(owner)[:1]).status_code == 200
    plan = _generated(client, owner, month)
    first, second, *_ = plan["items"]
    # The second item's image is also on a post of its own, written in the composer.
    x = first["captions"][0]["account_id"]
    reused = call(
        client,
        "POST",
        f"{_base(owner)}/posts",
        {"text": "Our bread", "media_ids": [second["media_id"]], "targets": [{"account_id": x}]},
        owner.headers,
    )
    assert reused.status_code == 201, reused.body
    plan_path = f"{_base(owner)}/plans/{plan['plan_id']}"
    for item in (first, second):
        assert _media(client, owner, item["media_id"]) == 200
        path = f"{plan_path}/items/{item['item_id']}/regenerate"
        drawn = call(client, "POST", path, {"part": "image"}, owner.headers)
        assert drawn.status_code == 200, drawn.body
        assert drawn.json["media_id"] != item["media_id"]
        assert _media(client, owner, drawn.json["media_id"]) == 200
    # The first item's old image was only its own: gone. The second's is still used.
    assert _media(client, owner, first["media_id"]) == 404
    assert _media(client, owner, second["media_id"]) == 200


def test_a_whole_plan_is_deleted_with_its_drafts_and_the_approved_stay(client, worker):
    owner = signup(client)
    viewer = add_member(client, owner, "viewer")
    outsider = signup(client)
    month = _next_month()
    assert _brief(client, owner, month, _accounts(owner)[:2]).status_code == 200
    plan = _generated(client, owner, month)
    kept, *drafts = plan["items"]
    plan_path = f"{_base(owner)}/plans/{plan['plan_id']}"
    approved = call(
        client, "POST", f"{plan_path}/approve", {"item_ids": [kept["item_id"]]}, owner.headers
    )
    assert approved.status_code == 200, approved.body
    assert call(client, "DELETE", plan_path, None, viewer.headers).status_code == 403
    assert call(client, "DELETE", plan_path, None, outsider.headers).status_code == 404
    gone = call(client, "DELETE", plan_path, None, owner.headers)
    assert gone.status_code == 204, gone.body
    assert call(client, "GET", plan_path, None, owner.headers).status_code == 404
    assert call(client, "DELETE", plan_path, None, owner.headers).status_code == 404
    listed = call(client, "GET", f"{_base(owner)}/plans?month={month}", None, owner.headers)
    assert listed.json["items"] == []
    for item in drafts:
        post = call(client, "GET", f"{_base(owner)}/posts/{item['post_id']}", None, owner.headers)
        assert post.status_code == 404
        assert _media(client, owner, item["media_id"]) == 404
    # What was approved is on the calendar: it stays, with its image.
    post = call(client, "GET", f"{_base(owner)}/posts/{kept['post_id']}", None, owner.headers)
    assert post.status_code == 200 and post.json["status"] == "scheduled"
    assert _media(client, owner, kept["media_id"]) == 200
    # The month's slots are free again for a new plan.
    again = _generated(client, owner, month)
    slots = {item["slot"] for item in again["items"]}
    assert {item["slot"] for item in drafts} <= slots


def test_a_plan_being_written_is_not_deleted(client, aws):
    owner = signup(client)
    month = _next_month()
    assert _brief(client, owner, month, _accounts(owner)[:1]).status_code == 200
    scheduling.use_local_invoker(lambda arn, payload: None)  # the worker never runs
    try:
        started = call(client, "POST", f"{_base(owner)}/plans", {"month": month}, owner.headers)
    finally:
        scheduling.use_local_invoker(None)
    assert started.status_code == 202, started.body
    path = f"{_base(owner)}/plans/{started.json['plan_id']}"
    refused = call(client, "DELETE", path, None, owner.headers)
    assert refused.status_code == 409
    assert call(client, "GET", path, None, owner.headers).json["status"] == "generating"


def test_best_times_for_accounts_sharing_a_rule_are_their_mean(client, worker):
    """Accounts sharing a rule share their items: the best hour is the one best for all of
    them (their mean lift, as analytics' next slots), not the first account's."""
    from chalicelib.analytics.service import best_times_of
    from chalicelib.store import accounts as account_store

    owner = signup(client)
    zone = "Europe/Berlin"
    ids = [an_account(owner.workspace_id, n, timezone=zone) for n in ("x", "linkedin", "tiktok")]
    rules = {"rules": [{"per_week": 5, "window": "evening", "use_best_times": True}]}
    answer = call(client, "PUT", f"{_base(owner)}/posting-rules", rules, owner.headers)
    assert answer.status_code == 200, answer.body
    month = _next_month()
    assert _brief(client, owner, month, ids).status_code == 200
    plan = _generated(client, owner, month)
    lifts = [
        best_times_of(owner.workspace_id, account_store.get(owner.workspace_id, i)).lift
        for i in ids
    ]
    window = range(17, 20)
    first_only = set()
    for item in plan["items"]:
        wall = datetime.fromisoformat(item["slot"]).astimezone(ZoneInfo(zone))
        day = wall.weekday()
        mean = {h: sum(lift[day][h] for lift in lifts) / len(lifts) for h in window}
        assert wall.minute == 0 and mean[wall.hour] == max(mean.values()), (wall, mean)
        first_only.add(max(window, key=lambda h: lifts[0][day][h]) == wall.hour)
    assert False in first_only  # somewhere the first account alone would choose otherwise


def test_a_post_says_which_plan_and_brief_made_it(client, worker):
    owner = signup(client)
    month = _next_month()
    assert _brief(client, owner, month, _accounts(owner)[:1]).status_code == 200
    plan = _generated(client, owner, month)
    for item in plan["items"]:
        post = call(client, "GET", f"{_base(owner)}/posts/{item['post_id']}", None, owner.headers)
        assert post.json["origin"] == {
            "plan_id": plan["plan_id"],
            "item_id": item["item_id"],
            "month": month,
        }
    # A post written in the composer came from no plan.
    x = plan["items"][0]["captions"][0]["account_id"]
    mine = call(
        client,
        "POST",
        f"{_base(owner)}/posts",
        {"text": "Hello", "targets": [{"account_id": x}]},
        owner.headers,
    )
    assert mine.status_code == 201, mine.body
    assert mine.json["origin"] is None
    # Approved and on the calendar, it still says so.
    approved = call(
        client, "POST", f"{_base(owner)}/plans/{plan['plan_id']}/approve", {}, owner.headers
    )
    assert approved.status_code == 200, approved.body
    first = approved.json["items"][0]
    post = call(client, "GET", f"{_base(owner)}/posts/{first['post_id']}", None, owner.headers)
    assert post.json["status"] == "scheduled"
    assert post.json["origin"]["plan_id"] == plan["plan_id"]
