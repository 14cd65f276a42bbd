"""Creating, editing and cancelling posts: DynamoDB first, then exactly one schedule."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from chalicelib import scheduling
from chalicelib.domain.posts import AccountFacts, PostIn, PostPatch
from chalicelib.domain.slots import Slot
from chalicelib.errors import Conflict, NotFound, ValidationFailed
from chalicelib.networks.registry import get_limits
from chalicelib.posts import service
from chalicelib.settings import get_settings
from chalicelib.store import posts as store
from tests.support.clock import ahead, utc_z, wall

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)  # a Saturday
MONDAY_9 = (Slot.parse("mon", "09:00"),)
FACTS = service.Facts(
    accounts={
        "a_x": AccountFacts("a_x", "x", timezone="Europe/Paris", slots=MONDAY_9),
        "a_li": AccountFacts("a_li", "linkedin", timezone="Europe/Paris", slots=MONDAY_9),
        "a_gone": AccountFacts("a_gone", "x", status="needs_reconnect"),
    },
    media={},
    limits={"x": get_limits("x"), "linkedin": get_limits("linkedin")},
    default_timezone="Europe/Paris",
)


def schedules() -> dict[str, dict]:
    scheduler = boto3.client("scheduler")
    group = get_settings().schedule_group
    names = [s["Name"] for s in scheduler.list_schedules(GroupName=group)["Schedules"]]
    return {name: scheduler.get_schedule(GroupName=group, Name=name) for name in names}


def create(body: dict, now: datetime = NOW) -> store.PostItem:
    return service.create_post("w_1", "u_1", PostIn.model_validate(body), FACTS, now)


def update(post: store.PostItem, patch: dict, now: datetime = NOW) -> store.PostItem:
    return service.update_post("w_1", post.post_id, PostPatch.model_validate(patch), FACTS, now)


AT_9 = {"at": "2026-12-01T09:00:00", "timezone": "Europe/Paris"}
TWO_NETWORKS = [{"account_id": "a_x"}, {"account_id": "a_li", "text": "Longer words for LinkedIn"}]


@pytest.fixture
def published_now():
    """Publish-now invocations, as the local stack's in-process invoker receives them."""
    calls: list[dict] = []
    done = threading.Event()

    def invoker(arn: str, payload: dict) -> None:
        calls.append(payload)
        done.set()

    scheduling.use_local_invoker(invoker)
    yield calls, done
    scheduling.use_local_invoker(None)


def test_a_scheduled_post_is_stored_then_armed_once(aws):
    post = create({"text": "Hello", "targets": TWO_NETWORKS, "when": AT_9})

    stored = store.get("w_1", post.post_id)
    assert (stored.status, stored.version, stored.armed_version) == ("scheduled", 1, 1)
    assert stored.scheduled_at == "2026-12-01T08:00:00Z" and stored.timezone == "Europe/Paris"
    assert [(t.account_id, t.network, t.text) for t in stored.targets] == [
        ("a_x", "x", None),
        ("a_li", "linkedin", "Longer words for LinkedIn"),
    ]
    armed = schedules()
    assert list(armed) == [f"post-{post.post_id}-v1"]
    assert armed[f"post-{post.post_id}-v1"]["ScheduleExpression"] == "at(2026-12-01T08:00:00)"


def test_a_draft_is_stored_without_a_schedule(aws):
    post = create({"text": "x" * 400, "targets": [{"account_id": "a_x"}]})
    assert store.get("w_1", post.post_id).status == "draft"
    assert schedules() == {}


def test_a_post_with_problems_is_refused_whole_and_nothing_is_stored(aws):
    with pytest.raises(ValidationFailed) as refused:
        create(
            {
                "text": "x" * 281,
                "targets": [{"account_id": "a_x"}, {"account_id": "a_gone"}],
                "when": AT_9,
            }
        )
    assert refused.value.details == [
        {
            "field": "text",
            "message": "X allows 280 weighted characters; this text has 281",
            "target": "a_x",
        },
        {
            "field": "targets[1].account_id",
            "message": "the account needs to be reconnected first",
            "target": "a_gone",
        },
        {
            "field": "text",
            "message": "X allows 280 weighted characters; this text has 281",
            "target": "a_gone",
        },
    ]
    assert store.list_drafts("w_1").items == [] and schedules() == {}


def test_rescheduling_arms_the_new_version_and_deletes_the_old(aws):
    post = create({"text": "Hello", "targets": TWO_NETWORKS, "when": AT_9})
    moved = update(post, {"version": 1, "when": {"at": "2026-12-02T10:30:00"}})
    assert (moved.version, moved.scheduled_at) == (2, "2026-12-02T09:30:00Z")
    armed = schedules()
    assert list(armed) == [f"post-{post.post_id}-v2"]
    assert json.loads(armed[f"post-{post.post_id}-v2"]["Target"]["Input"])["version"] == 2


def test_a_new_time_without_a_zone_is_read_in_the_posts_zone(aws):
    post = create(
        {
            "text": "Hello",
            "targets": TWO_NETWORKS,
            "when": {"at": "2026-12-01T09:00:00", "timezone": "America/New_York"},
        }
    )
    moved = update(post, {"version": 1, "when": {"at": "2026-12-02T09:00:00"}})
    assert (moved.timezone, moved.scheduled_at) == ("America/New_York", "2026-12-02T14:00:00Z")


def test_editing_the_text_keeps_the_time_and_re_arms_the_new_version(aws):
    post = create({"text": "Hello", "targets": TWO_NETWORKS, "when": AT_9})
    edited = update(post, {"version": 1, "text": "Hello again"})
    stored = store.get("w_1", post.post_id)
    assert (stored.text, stored.version, stored.scheduled_at) == (
        "Hello again",
        2,
        "2026-12-01T08:00:00Z",
    )
    assert [t.target_id for t in stored.targets] == [t.target_id for t in post.targets]
    assert list(schedules()) == [f"post-{edited.post_id}-v2"]


def test_an_edit_of_a_stale_version_is_a_conflict(aws):
    post = create({"text": "Hello", "targets": TWO_NETWORKS, "when": AT_9})
    update(post, {"version": 1, "text": "first"})
    with pytest.raises(Conflict, match="version 2 is current"):
        update(post, {"version": 1, "text": "second"})
    assert store.get("w_1", post.post_id).text == "first"


def test_an_edit_is_checked_like_a_new_post(aws):
    post = create({"text": "Hello", "targets": TWO_NETWORKS, "when": AT_9})
    with pytest.raises(ValidationFailed) as refused:
        update(post, {"version": 1, "text": "y" * 281})
    assert [d["target"] for d in refused.value.details] == ["a_x"]
    assert store.get("w_1", post.post_id).version == 1


def test_unscheduling_makes_a_draft_and_disarms(aws):
    post = create({"text": "Hello", "targets": TWO_NETWORKS, "when": AT_9})
    draft = update(post, {"version": 1, "when": None})
    assert (draft.status, draft.scheduled_at) == ("draft", None)
    assert schedules() == {}


def test_publish_now_invokes_the_publisher_at_once(aws, published_now):
    calls, done = published_now
    post = create({"text": "Now!", "targets": [{"account_id": "a_x"}], "when": {"now": True}})
    assert done.wait(5)
    assert calls == [{"workspace_id": "w_1", "post_id": post.post_id, "version": 1}]
    assert store.get("w_1", post.post_id).armed_version == 1
    assert schedules() == {}


def test_a_draft_can_be_published_now(aws, published_now):
    calls, done = published_now
    draft = create({"text": "Later", "targets": [{"account_id": "a_x"}]})
    sent = service.publish_now("w_1", draft.post_id, FACTS, NOW)
    assert done.wait(5)
    assert (sent.status, sent.version, sent.scheduled_at) == (
        "scheduled",
        2,
        "2026-11-21T12:00:00Z",
    )
    assert calls == [{"workspace_id": "w_1", "post_id": draft.post_id, "version": 2}]


def test_queued_posts_take_the_next_free_common_slot(aws):
    first = create({"text": "one", "targets": TWO_NETWORKS, "when": {"queue": True}})
    second = create({"text": "two", "targets": [{"account_id": "a_x"}], "when": {"queue": True}})
    assert first.scheduled_at == "2026-11-23T08:00:00Z"  # Monday 09:00 in Paris
    assert second.scheduled_at == "2026-11-30T08:00:00Z"  # a_x's next Monday is taken


def test_accounts_without_slots_cannot_be_queued(aws):
    facts = service.Facts(
        accounts={"a_x": AccountFacts("a_x", "x")},
        media={},
        limits=FACTS.limits,
        default_timezone="UTC",
    )
    body = PostIn.model_validate(
        {"text": "q", "targets": [{"account_id": "a_x"}], "when": {"queue": True}}
    )
    with pytest.raises(ValidationFailed) as refused:
        service.create_post("w_1", "u_1", body, facts, NOW)
    assert refused.value.details[0]["field"] == "when.queue"


def test_a_failed_arming_leaves_the_post_stored_and_unarmed_for_the_sweeper(aws, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("scheduler unavailable")

    monkeypatch.setattr(scheduling, "arm", broken)
    monkeypatch.setattr(scheduling, "arm_new", broken)  # a new post is armed before its write
    post = create({"text": "Hello", "targets": TWO_NETWORKS, "when": AT_9})
    stored = store.get("w_1", post.post_id)
    assert (stored.status, stored.version, stored.armed_version) == ("scheduled", 1, None)
    assert stored.sweep_shard is not None and stored.due_at == "2026-12-01T08:00:00Z"


def test_a_new_post_is_armed_first_and_written_armed_in_one_write(aws, monkeypatch):
    """No second write to say it is armed (4 write units a post on AWS): the one write
    stores it armed, due in the sweeper's index at its own time."""
    marked: list[str] = []
    monkeypatch.setattr(store, "mark_armed", lambda ws, post_id, version: marked.append(post_id))
    post = create({"text": "Hello", "targets": TWO_NETWORKS, "when": AT_9})
    stored = store.get("w_1", post.post_id)
    assert (stored.armed_version, stored.due_at) == (1, "2026-12-01T08:00:00Z") and marked == []
    armed = schedules()
    assert list(armed) == [scheduling.schedule_name(post.post_id, 1)]
    assert json.loads(armed[scheduling.schedule_name(post.post_id, 1)]["Target"]["Input"]) == {
        "workspace_id": "w_1",
        "post_id": post.post_id,
        "version": 1,
    }


def test_a_new_post_whose_write_fails_leaves_no_schedule_behind(aws, monkeypatch):
    from chalicelib.billing import entitlements

    def refused(*args, **kwargs):
        raise RuntimeError("DynamoDB unavailable")

    monkeypatch.setattr(entitlements, "create_billed", refused)
    with pytest.raises(RuntimeError):
        create({"text": "Hello", "targets": TWO_NETWORKS, "when": AT_9})
    assert schedules() == {}


def test_cancelling_a_scheduled_post_deletes_it_and_its_schedule(aws):
    post = create({"text": "Hello", "targets": TWO_NETWORKS, "when": AT_9})
    assert service.delete_post("w_1", post.post_id) is None
    assert store.get("w_1", post.post_id) is None and schedules() == {}
    with pytest.raises(NotFound):
        service.delete_post("w_1", post.post_id)


def test_cancelling_a_partly_published_post_cancels_only_what_is_left(aws):
    post = create({"text": "Hello", "targets": TWO_NETWORKS, "when": AT_9})
    stored = store.get("w_1", post.post_id)
    stored.status = "partially_published"
    stored.targets[0].status, stored.targets[1].status = "published", "failed"
    store.save_version(stored, 1)
    kept = service.delete_post("w_1", post.post_id)
    assert [t.status for t in kept.targets] == ["published", "cancelled"]
    stored.status = "published"
    store.save_version(stored, kept.version)
    with pytest.raises(Conflict, match="nothing left to cancel"):
        service.delete_post("w_1", post.post_id)


def test_a_series_moves_to_its_next_occurrence_once_one_is_published(aws):
    # The next occurrence is armed against the real clock: the series starts ahead of it.
    thursday = ahead(30, "09:00", "Europe/Paris", weekday=3)
    monday, next_thursday = thursday + timedelta(days=4), thursday + timedelta(days=7)
    post = create(
        {
            "text": "Weekly tip",
            "targets": [{"account_id": "a_x"}],
            "when": {"at": wall(thursday)},
            "recurrence": "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=3",
        },
        now=datetime.now(UTC),
    )
    assert post.scheduled_at == utc_z(thursday) and post.series_start == wall(thursday)
    stored = store.get("w_1", post.post_id)
    stored.targets[0].status, stored.targets[0].external_id = "published", "123"
    store.save_version(stored, 1)

    just_after = timedelta(seconds=5)
    following = service.advance_series("w_1", post.post_id, thursday + just_after)
    assert following.scheduled_at == utc_z(monday)
    assert (following.targets[0].status, following.targets[0].external_id) == ("pending", None)
    assert list(schedules()) == [f"post-{post.post_id}-v{following.version}"]
    # Armed before its one write: the sweeper waits for the next occurrence's time.
    moved = store.get("w_1", post.post_id)
    assert (moved.armed_version, moved.due_at) == (following.version, utc_z(monday))

    last = service.advance_series("w_1", post.post_id, monday + just_after)
    assert last.scheduled_at == utc_z(next_thursday)
    assert service.advance_series("w_1", post.post_id, next_thursday + just_after) is None


def test_a_series_timeline_keeps_each_occurrences_publish(aws):
    """A publish is read from its target (no timeline write); a series' next occurrence
    clears its targets, so their publishes are written then: none is lost, none twice."""
    from chalicelib.posts import timeline
    from chalicelib.store import collaboration

    thursday = ahead(30, "09:00", "Europe/Paris", weekday=3)
    post = create(
        {
            "text": "Weekly tip",
            "targets": [{"account_id": "a_x"}],
            "when": {"at": wall(thursday)},
            "recurrence": "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=3",
        },
        now=datetime.now(UTC),
    )

    def published(external_id: str, at: datetime) -> None:
        stored = store.get("w_1", post.post_id)
        target = stored.targets[0]
        target.status, target.external_id, target.attempts = "published", external_id, 1
        target.url, target.published_at = f"https://x.test/{external_id}", utc_z(at)
        store.save_version(stored, int(stored.version))

    def told() -> list[tuple[str, str | None]]:
        item = store.get("w_1", post.post_id)
        return [(e.kind, e.details_dict().get("url")) for e in timeline.events(item)]

    published("111", thursday)
    assert told() == [("created", None), ("published", "https://x.test/111")]
    assert collaboration.list_events("w_1", post.post_id) == []  # read from the target

    following = service.advance_series("w_1", post.post_id, thursday + timedelta(seconds=5))
    assert following.targets[0].published_at is None
    assert told() == [("created", None), ("published", "https://x.test/111")]
    published("222", datetime.fromisoformat(following.scheduled_at))
    assert told() == [
        ("created", None),
        ("published", "https://x.test/111"),
        ("published", "https://x.test/222"),
    ]


def test_publishing_a_post_twice_now_is_refused_once_it_is_on_its_way(aws):
    post = create({"text": "Hello", "targets": TWO_NETWORKS, "when": AT_9})
    stored = store.get("w_1", post.post_id)
    stored.status = "publishing"
    store.save_version(stored, 1)
    with pytest.raises(Conflict):
        service.publish_now("w_1", post.post_id, FACTS, NOW + timedelta(minutes=1))
