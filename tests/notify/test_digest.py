"""The digest (issue 23): saving daily or weekly preferences arms one Scheduler one-time
schedule for the member's next local 08:00; the schedule's invocation (driven here with
the schedule's own input, as Scheduler would at its time) sends what was published, what
failed, what is coming and the headline figures, and arms the next morning's.

Every time is computed from the clock or from the armed schedule; none is today's date."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.emails import next_digest_at
from chalicelib.domain.ids import new_id
from chalicelib.settings import get_settings
from chalicelib.store import posts as post_store
from chalicelib.store.base import iso
from tests.analytics.seeding import a_target
from tests.support.factories import call, signup
from tests.support.mail import html_part, sent_mime, text_part

PATH = "/v1/workspaces/{}/notification-preferences"
ZONE = "America/New_York"


def _digests(ws: str) -> list[dict]:  # type: ignore[type-arg]
    from chalicelib.aws import client

    scheduler = client("scheduler")
    group = get_settings().schedule_group
    listed = scheduler.list_schedules(GroupName=group, NamePrefix="digest-")["Schedules"]
    return [scheduler.get_schedule(GroupName=group, Name=s["Name"]) for s in listed]


def _fire(schedule: dict) -> dict:  # type: ignore[type-arg]
    """What Scheduler does at the schedule's time: invoke its target with its input."""
    import app

    target = schedule["Target"]
    assert target["Arn"] == get_settings().digest_arn
    function = target["Arn"].rsplit(":", 1)[-1].removeprefix(f"schedulo-{get_settings().stage}-")
    return getattr(app, function)(json.loads(target["Input"]), None)


def _at(schedule: dict) -> datetime:  # type: ignore[type-arg]
    expression = schedule["ScheduleExpression"]
    assert schedule["ScheduleExpressionTimezone"] == "UTC"
    return datetime.fromisoformat(expression[3:-1]).replace(tzinfo=UTC)


def _expected_monday_8am(after: datetime) -> datetime:
    """Independently of the app: the first Monday 08:00 in New York after `after`."""
    day = after.astimezone(ZoneInfo(ZONE)).date()
    while True:
        moment = datetime(day.year, day.month, day.day, 8, tzinfo=ZoneInfo(ZONE))
        if day.weekday() == 0 and moment > after:
            return moment.astimezone(UTC)
        day += timedelta(days=1)


def _post(ws: str, text: str, at: datetime, status: str, target_status: str) -> str:
    post_id = new_id("p")
    post_store.create(
        post_store.PostItem(
            workspace_id=ws,
            post_id=post_id,
            status=status,
            text=text,
            scheduled_at=iso(at),
            created_at=iso(at - timedelta(days=3)),
            updated_at=iso(at - timedelta(days=3)),
            targets=[
                post_store.TargetAttribute(
                    target_id=new_id("t"),
                    account_id="a_1",
                    network="x",
                    status=target_status,
                )
            ],
        )
    )
    return post_id


def test_a_weekly_digest_is_armed_for_monday_8am_local_sent_and_armed_again(client):
    owner = signup(client)
    ws = owner.workspace_id
    before = datetime.now(UTC)
    saved = call(
        client, "PUT", PATH.format(ws), {"digest": "weekly", "timezone": ZONE}, owner.headers
    )
    assert saved.status_code == 200, saved.body
    (schedule,) = _digests(ws)
    due = _at(schedule)
    assert due == _expected_monday_8am(before) or due == _expected_monday_8am(datetime.now(UTC))
    assert saved.json["next_digest_at"].replace("Z", "+00:00") == due.isoformat()
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert schedule["ActionAfterCompletion"] == "DELETE"

    # The week before that Monday, and the week after.
    published = _post(ws, "Fresh <bread> today", due - timedelta(days=2), "published", "published")
    failed = _post(ws, "Croissant sale", due - timedelta(days=1), "failed", "failed")
    coming = _post(ws, "Weekend special", due + timedelta(days=3), "scheduled", "pending")
    _post(ws, "Last month's news", due - timedelta(days=9), "published", "published")
    a_target(ws, "a_1", "x", due - timedelta(days=2), {"impressions": 1200})

    assert _fire(schedule)["sent"] is True
    (message,) = [m for m in sent_mime(owner.email) if "digest" in str(m["Subject"])]
    text, rich = text_part(message), html_part(message)
    origin = get_settings().frontend_origin.rstrip("/")
    published_part = text.split("Published", 1)[1].split("Failed", 1)[0]
    failed_part = text.split("Failed", 1)[1].split("Coming up", 1)[0]
    coming_part = text.split("Coming up", 1)[1]
    assert (
        "Fresh <bread> today" in published_part and f"{origin}/posts/{published}" in published_part
    )
    assert "Croissant sale" in failed_part and f"{origin}/posts/{failed}" in failed_part
    assert "Weekend special" in coming_part and f"{origin}/posts/{coming}" in coming_part
    assert "Last month's news" not in text  # before the week
    assert "1 post published, 1 failed, 1,200 impressions" in text  # the analytics summary
    assert "Fresh &lt;bread&gt; today" in rich and "<bread>" not in rich
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The next Monday's is armed; the one that fired is gone.
    (following,) = _digests(ws)
    assert _at(following) == _expected_monday_8am(due)
    assert json.loads(following["Target"]["Input"])["due"] == iso(_expected_monday_8am(due))

    # Scheduler invoking the same schedule again (its retry) sends nothing more.
    assert _fire(schedule)["sent"] is False
    assert len([m for m in sent_mime(owner.email) if "digest" in str(m["Subject"])]) == 1


def test_changed_preferences_make_an_armed_digest_stale_and_off_disarms(client):
    owner = signup(client)
    ws = owner.workspace_id
    call(client, "PUT", PATH.format(ws), {"digest": "daily"}, owner.headers)
    (daily,) = _digests(ws)
    call(client, "PUT", PATH.format(ws), {"digest": "weekly"}, owner.headers)
    assert _fire(daily) == {"sent": False, "why": "stale"}
    assert call(client, "PUT", PATH.format(ws), {"digest": "off"}, owner.headers).status_code == 200
    assert _digests(ws) == []
    assert not [m for m in sent_mime(owner.email) if "digest" in str(m["Subject"])]


@pytest.mark.parametrize(
    ("after", "frequency", "zone", "expected"),
    [
        # New York springs forward on 2030-03-10: 08:00 EDT is 12:00 UTC, not 13:00.
        ("2030-03-09T13:30:00+00:00", "daily", "America/New_York", "2030-03-10T12:00:00+00:00"),
        ("2030-03-08T14:00:00+00:00", "daily", "America/New_York", "2030-03-09T13:00:00+00:00"),
        # Before 08:00 local the same morning; weekly waits for the Monday.
        ("2030-06-03T05:00:00+00:00", "daily", "Asia/Kolkata", "2030-06-04T02:30:00+00:00"),
        ("2030-06-03T02:00:00+00:00", "weekly", "Asia/Kolkata", "2030-06-03T02:30:00+00:00"),
        ("2030-06-03T02:30:00+00:00", "weekly", "Asia/Kolkata", "2030-06-10T02:30:00+00:00"),
        ("2030-06-03T02:30:00+00:00", "off", "Asia/Kolkata", None),
    ],
)
def test_next_digest_is_the_next_local_8am(after, frequency, zone, expected):
    found = next_digest_at(datetime.fromisoformat(after), frequency, zone)
    assert (found.isoformat() if found else None) == expected
    if found:
        assert found.astimezone(ZoneInfo(zone)).hour == 8


def test_fixed_dates_above_are_mondays():
    assert date(2030, 6, 3).weekday() == 0
