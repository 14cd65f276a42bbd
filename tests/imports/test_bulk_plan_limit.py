"""A bulk commit that would pass the month's scheduled-posts limit is refused whole, naming
the rows past it; within the limit it commits and counts every row."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.settings import get_settings
from chalicelib.store import billing as billing_store
from chalicelib.store import posts as post_store
from tests.support.clock import ahead
from tests.support.factories import signup
from tests.support.imports import commit, validated, wait
from tests.support.posting import an_account

METER = "scheduled_posts_per_month"


@pytest.fixture
def billing_on(monkeypatch):
    monkeypatch.setenv("SCHEDULO_STRIPE_SECRET_KEY", "sk_test_schedulo_tests")
    monkeypatch.setenv("SCHEDULO_TRIAL_DAYS", "0")
    get_settings.cache_clear()


def test_a_bulk_commit_past_the_months_limit_commits_nothing(client, worker, billing_on):
    user = signup(client)
    ws = user.workspace_id
    billing_store.apply_subscription(ws, 1, plan="pro", status="active", subscription_id="sub_a")
    account = an_account(ws, "mastodon", timezone="UTC")
    first = ahead(70, "09:00").replace(day=1)
    month = first.strftime("%Y-%m")
    key = billing_store.counter_key(ws, METER, month)
    assert billing_store.take([billing_store.Want(key, 997, None)]) is None  # 997 of 1000 used
    days = [(first + timedelta(days=i)).date().isoformat() for i in range(5)]
    rows = "".join(f"{d},09:00,{account},Post {i}\n" for i, d in enumerate(days))
    imported = validated(client, user, "date,time,accounts,text\n" + rows)
    assert imported["valid_rows"] == 5

    refused = commit(client, user, imported["id"])
    assert refused.status_code == 402, refused.body
    error = refused.json["error"]
    assert error["code"] == "plan_limit" and "nothing was scheduled" in error["message"]
    [detail] = error["details"]
    assert (detail["meter"], detail["limit"], detail["used"], detail["month"]) == (
        METER,
        1000,
        997,
        month,
    )
    assert len(detail["rows"]) == 2  # the two latest rows pass the limit
    assert billing_store.used(key) == 997
    assert post_store.list_scheduled(ws, first, first + timedelta(days=6)).items == []

    # Three rows fit: committed and counted.
    fitting = validated(
        client, user, "date,time,accounts,text\n" + "".join(rows.splitlines(True)[:3])
    )
    assert commit(client, user, fitting["id"]).status_code == 202
    assert wait(client, user, fitting["id"])["status"] == "done"
    assert billing_store.used(key) == 1000
    created = post_store.list_scheduled(ws, first, first + timedelta(days=6)).items
    assert len(created) == 3 and {p.billed_month for p in created} == {month}
