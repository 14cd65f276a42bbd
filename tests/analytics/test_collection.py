"""Analytics collection (chalicelib/analytics/collection.py): targets published by the real
publisher get their refreshes planned and their bucket's schedule armed; the collector
fetches the sandbox networks' figures in batches, within each account's budget, and
appends snapshots; failures are planned again; a refused token pauses the account."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests

from chalicelib.analytics import collection
from chalicelib.store import metrics
from chalicelib.store.base import iso, utcnow
from tests.support.analytics import collect_now
from tests.support.publishing import PublishingWorld
from tests.support.sandbox import running_sandbox

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sandbox(aws):
    with running_sandbox() as running:
        yield running


@pytest.fixture
def world(client, sandbox, monkeypatch):
    monkeypatch.setenv("SCHEDULO_RETRY_BASE_SECONDS", "1")
    # The embedded AWS is emptied after each test: so must be the buckets this process
    # remembers arming (an earlier test's bucket of the same 10 minutes is not armed again).
    collection.forget_armed()
    with PublishingWorld(client, sandbox) as running:
        yield running


def published(world, network: str = "x", text: str = "Fresh bread at 7") -> tuple[str, str]:
    """(account id, post id) of a post the publisher put out on a new account."""
    account = world.account(network)
    post_id = world.schedule({account: network}, text, at=utcnow())
    assert world.wait_for(post_id).status == "published"
    return account, post_id


def armed(group: str, name: str) -> dict:
    """The schedule `name`, once there: the publisher arms the bucket after recording the
    post published (what `wait_for` watches), so a busy machine may show the one first."""
    import time

    from chalicelib.aws import client

    scheduler = client("scheduler")
    deadline = time.monotonic() + 20
    while True:
        try:
            return scheduler.get_schedule(GroupName=group, Name=name)
        except scheduler.exceptions.ResourceNotFoundException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def metrics_fault(sandbox, network: str, kind: str, count: int = 1) -> None:
    answer = requests.post(
        f"{sandbox.url}/_control/faults",
        json={"network": network, "kind": kind, "count": count, "calls": "metrics"},
        timeout=5,
    )
    answer.raise_for_status()


def lookups(sandbox) -> list:
    return [c for c in sandbox.calls_to("/x/2/tweets") if c.method == "GET"]


def seeded_targets(
    world,
    sandbox,
    account: str,
    count: int,
    published_at=None,
    on_plan: bool = False,
    first: int = 0,
) -> list[str]:
    """`count` posts on the account's sandbox X, each with its metrics row's first refresh
    due an hour after `published_at` (default: two hours ago, so due now), off plan
    unless `on_plan` (then the run of that refresh's bucket finds it)."""
    from chalicelib.store import accounts

    user = accounts.get(world.ws, account).external_id
    published_at = published_at or utcnow() - timedelta(hours=2)
    ids = []
    for n in range(first, first + count):
        post = sandbox.state.record_post("x", user, f"post {n}", id=f"19{n:017d}")
        ids.append(post["id"])
        row = metrics.TargetMetricsRow(
            workspace_id=world.ws,
            post_id=f"p_{n}",
            target_id=f"t_{n:04d}",
            account_id=account,
            network="x",
            external_id=post["id"],
            url=None,
            excerpt=f"post {n}",
            media_id=None,
            published_at=published_at,
        )
        metrics.put_target_row(row, due_at=published_at + timedelta(hours=1), on_plan=on_plan)
    return ids


def claims() -> dict[str, list]:
    """The rate-limits table's collection items by kind: bucket claims (`collect`),
    refresh claims (`claims`) and budget counters (`metrics`)."""
    from chalicelib.store.rate_limits import CounterRecord

    found: dict[str, list] = {"collect": [], "claims": [], "metrics": []}
    for item in CounterRecord.scan():
        kind = item.counter_key.split("#", 1)[0]
        if kind in found:
            found[kind].append(item.counter_key)
    return found


def test_a_published_target_gets_its_refreshes_planned_and_its_bucket_armed(world):
    from chalicelib.settings import get_settings

    _, post_id = published(world)
    [row] = metrics.post_rows(world.ws, post_id)
    item = world.post(post_id)
    target = item.targets[0]
    assert (row.target_id, row.external_id, row.url) == (
        target.target_id,
        target.external_id,
        target.url,
    )
    assert row.excerpt == "Fresh bread at 7" and row.state == "collecting" and row.snapshots == []
    stored = metrics.get_target(world.ws, metrics.target_key(row.published_at, row.target_id))
    due = datetime.fromisoformat(stored.due_at)
    assert due == row.published_at + timedelta(hours=1)
    # One schedule for the 10-minute bucket the first refresh falls in, invoking the collector.
    end = collection.bucket_end(due)
    assert timedelta(0) <= end - due < timedelta(minutes=10)
    settings = get_settings()
    schedule = armed(settings.metrics_schedule_group, collection.bucket_name(end))
    assert schedule["ScheduleExpression"] == f"at({iso(end)[:-1]})"
    assert schedule["Target"]["Arn"] == settings.collector_arn
    assert json.loads(schedule["Target"]["Input"]) == {"bucket": iso(end)}
    assert schedule["ActionAfterCompletion"] == "DELETE"
    # An invocation Scheduler gives up on goes to the metrics' own dead letters (the posts'
    # queue is for posts that failed for good).
    assert schedule["Target"]["DeadLetterConfig"]["Arn"] == settings.metrics_dead_letter_queue_arn


def test_the_buckets_schedule_runs_the_collector_which_appends_snapshots_in_order(world, sandbox):
    from chalice.local import LambdaContext

    import app

    _, post_id = published(world)
    [row] = metrics.post_rows(world.ws, post_id)
    end = collection.bucket_end(row.published_at + timedelta(hours=1))
    context = LambdaContext(function_name="collector", memory_size=1024, max_runtime_ms=900_000)
    report = app.collector({"bucket": iso(end)}, context)  # what the bucket's schedule sends
    assert (report["snapshots"], report["calls"]) == (1, 1)
    for _ in range(4):  # the +24 h, +72 h, +7 d and +30 d refreshes, forced now
        assert collect_now(None, world.ws)["refreshes"]["snapshots"] == 1
    [row] = metrics.post_rows(world.ws, post_id)
    assert row.state == "done" and len(row.snapshots) == 5
    times = [at for at, _ in row.snapshots]
    assert times == sorted(times) and row.collected_at == times[-1]
    likes = [values["likes"] for _, values in row.snapshots]
    assert likes == sorted(likes)  # the sandbox's figures only grow
    assert {"impressions", "likes", "comments", "shares"} <= set(row.latest)
    assert "reach" not in row.latest  # X does not give it: absent, never 0
    assert collect_now(None, world.ws)["refreshes"]["calls"] == 0  # nothing left to do


def test_the_scheduler_fires_the_bucket_and_the_collector_takes_the_snapshot(
    world, sandbox, monkeypatch
):
    """The whole loop with buckets of 2 seconds: publish, the bucket's one-time schedule
    fires (the scheduler emulator, as EventBridge Scheduler would), the collector runs."""
    import time

    from chalice.local import LambdaContext

    import app
    from chalicelib.aws import client
    from chalicelib.settings import get_settings
    from local.scheduler import SchedulerEmulator

    monkeypatch.setattr(collection, "REFRESH_OFFSETS", (timedelta(seconds=1), timedelta(days=1)))
    monkeypatch.setattr(collection, "BUCKET", timedelta(seconds=2))
    monkeypatch.setattr(collection, "ARM_MARGIN", timedelta(seconds=1))
    # Buckets of 2 seconds would let hundreds of runs a window make uncounted requests.
    monkeypatch.setattr(collection, "FREE_REQUESTS", 0)
    fired: list[dict] = []

    def invoke(arn: str, payload: dict) -> None:
        assert arn == get_settings().collector_arn
        fired.append(payload)
        app.collector(payload, LambdaContext("collector", 1024, 900_000))

    emulator = SchedulerEmulator(
        scheduler=client("scheduler"),
        sqs=client("sqs"),
        group=get_settings().metrics_schedule_group,
        invoke=invoke,
        refresh_seconds=0.2,
        log=lambda line: None,
    ).start()
    try:
        _, post_id = published(world)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not metrics.post_rows(world.ws, post_id)[0].snapshots:
            time.sleep(0.2)
    finally:
        emulator.stop()
    [row] = metrics.post_rows(world.ws, post_id)
    assert len(row.snapshots) == 1 and row.state == "collecting"
    assert fired and set(fired[0]) == {"bucket"}


def test_150_x_targets_of_one_account_take_two_calls(world, sandbox):
    account = world.account("x")
    seeded_targets(world, sandbox, account, 150)
    before = len(lookups(sandbox))
    report = collection.collect_due(utcnow())
    calls = lookups(sandbox)[before:]
    assert [len(c.args["ids"].split(",")) for c in calls] == [100, 50]
    assert (report.calls, report.snapshots, report.accounts) == (2, 150, 1)
    rows = list(metrics.target_rows(world.ws, utcnow() - timedelta(days=1), utcnow()))
    assert len(rows) == 150 and all(len(r.snapshots) == 1 for r in rows)


def test_an_account_over_its_budget_is_planned_for_the_end_of_the_window(
    world, sandbox, monkeypatch
):
    # One counted call per 15 minutes (beside those the budget keeps back).
    monkeypatch.setitem(collection.BUDGETS, "x", (1 + collection.uncounted(900), 900))
    account = world.account("x")
    seeded_targets(world, sandbox, account, 150)
    before = len(lookups(sandbox))
    report = collection.collect_due(utcnow())
    assert len(lookups(sandbox)) - before == 1  # the budget held: no second call
    assert (report.snapshots, report.replanned, report.throttled) == (100, 50, 1)
    later = [e for e in metrics.workspace_due(world.ws) if e.refresh_step == 0]
    assert len(later) == 50
    assert all(e.due_at > iso(utcnow() + timedelta(seconds=1)) for e in later)
    assert all(e.attempts == 0 for e in later)  # being throttled is not a failure


def test_a_run_out_of_time_leaves_the_rest_due_and_arms_the_next_bucket(
    world, sandbox, monkeypatch
):
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    monkeypatch.setattr(collection, "RUN_SECONDS", -1.0)  # out of time from the start
    account = world.account("x")
    seeded_targets(world, sandbox, account, 30)
    before = len(lookups(sandbox))
    now = utcnow()
    report = collection.collect_due(now)
    assert (report.left, report.snapshots, len(lookups(sandbox)) - before) == (30, 0, 0)
    assert len(metrics.workspace_due(world.ws)) == 30  # nothing lost: still due
    end = collection.bucket_end(now + collection.BUCKET)
    client("scheduler").get_schedule(  # the next bucket's run takes them
        GroupName=get_settings().metrics_schedule_group, Name=collection.bucket_name(end)
    )
    monkeypatch.setattr(collection, "RUN_SECONDS", 480.0)
    assert collection.collect_due(utcnow()).snapshots == 30


def test_a_throttled_fetch_is_planned_later_and_keeps_the_earlier_snapshots(world, sandbox):
    _, post_id = published(world)
    collect_now(None, world.ws)
    [first] = metrics.post_rows(world.ws, post_id)
    metrics_fault(sandbox, "x", "429")
    report = collect_now(None, world.ws)["refreshes"]
    assert (report["snapshots"], report["replanned"], report["throttled"]) == (0, 1, 1)
    [row] = metrics.post_rows(world.ws, post_id)
    assert row.snapshots == first.snapshots and row.state == "collecting"
    [entry] = metrics.workspace_due(world.ws)
    assert entry.refresh_step == 1 and entry.due_at > iso(utcnow())
    metrics_fault(sandbox, "x", "5xx")  # a server error: backoff, one attempt counted
    collect_now(None, world.ws)
    [entry] = metrics.workspace_due(world.ws)
    assert (entry.refresh_step, entry.attempts) == (1, 1)
    collect_now(None, world.ws)
    [row] = metrics.post_rows(world.ws, post_id)
    assert len(row.snapshots) == 2 and row.snapshots[0] == first.snapshots[0]


def test_a_refused_token_pauses_the_accounts_rows_and_stops_polling_it(world, sandbox):
    from chalicelib.store import accounts, notifications

    account, _ = published(world)
    second = world.schedule({account: "x"}, "A second post", at=utcnow())
    assert world.wait_for(second).status == "published"
    metrics_fault(sandbox, "x", "401")
    report = collect_now(None, world.ws)["refreshes"]
    assert (report["paused"], report["snapshots"]) == (2, 0)
    assert {
        r.state for r in metrics.target_rows(world.ws, utcnow() - timedelta(hours=1), utcnow())
    } == {"paused"}
    assert accounts.get(world.ws, account).status == "needs_reconnect"
    kinds = {n.kind for n in notifications.list_page(world.ws, 50, None)[0]}
    assert "account.needs_reconnect" in kinds  # as publishing tells the owners
    assert metrics.workspace_due(world.ws) == []
    before = len(lookups(sandbox))
    for _ in range(2):
        collect_now(None, world.ws)
    assert len(lookups(sandbox)) == before  # polled no more


def test_reconnecting_the_account_through_the_consent_flow_resumes_its_collection(
    world, client, sandbox
):
    from chalicelib.aws import client as aws_client
    from chalicelib.settings import get_settings
    from chalicelib.store import accounts
    from tests.support.connect import connect
    from tests.support.factories import call

    account, post_id = published(world)
    metrics_fault(sandbox, "x", "401")
    assert collect_now(None, world.ws)["refreshes"]["paused"] == 1
    path = f"/v1/workspaces/{world.ws}/analytics/posts/{post_id}"
    [target] = call(client, "GET", path, headers=world.owner.headers).json["targets"]
    assert target["state"] == "paused" and target["snapshots"] == []
    before = utcnow()
    # The owner reconnects it as the Accounts page sends them: consent page, then callback.
    assert connect(client, world.owner, "x") == [account]
    assert accounts.get(world.ws, account).status == "connected"
    [entry] = metrics.workspace_due(world.ws)  # due again, from the refresh it was at
    assert entry.refresh_step == 0 and iso(before) <= entry.due_at <= iso(utcnow())
    # Its bucket is armed: the collector runs within one bucket of the reconnection.
    due = datetime.fromisoformat(entry.due_at)
    schedules = aws_client("scheduler").list_schedules(
        GroupName=get_settings().metrics_schedule_group
    )["Schedules"]
    ends = [datetime.strptime(s["Name"], "metrics-%Y%m%dT%H%M") for s in schedules]
    assert any(
        timedelta(0)
        < end.replace(tzinfo=due.tzinfo) - due
        <= collection.BUCKET + timedelta(minutes=1)
        for end in ends
    ), ends
    assert collect_now(None, world.ws)["refreshes"]["snapshots"] == 1
    [target] = call(client, "GET", path, headers=world.owner.headers).json["targets"]
    assert target["state"] == "collecting" and len(target["snapshots"]) == 1
    assert target["metrics"]["likes"] is not None


def test_the_daily_job_writes_each_connected_accounts_followers(world, sandbox):
    from chalice.local import LambdaContext

    import app
    from chalicelib.store import accounts
    from local.scheduler import rate_jobs

    account = world.account("x")
    gone = world.bluesky_account()
    item = accounts.get(world.ws, gone)
    item.status = "disconnected"
    accounts.save(item)
    context = lambda: LambdaContext(function_name="f", memory_size=128, max_runtime_ms=900_000)  # noqa: E731
    [job] = [j for j in rate_jobs(app, context) if j.name == "collect-followers"]
    assert job.every_seconds == 86400
    job.run()
    today = utcnow().date()
    [day] = metrics.account_days(world.ws, account, today, today)
    assert isinstance(day.followers, int) and day.followers > 0 and day.network == "x"
    assert metrics.account_days(world.ws, gone, today, today) == []
    calls = len(sandbox.calls_to("/x/2/users/me"))
    job.run()  # again the same day: nothing fetched twice
    assert len(sandbox.calls_to("/x/2/users/me")) == calls


def test_collection_never_crosses_tenants(world, client, sandbox):
    from tests.support.connect import connect
    from tests.support.factories import signup

    _, post_id = published(world)
    other = signup(client)
    other_account = connect(client, other, "x")[0]
    original_ws = world.owner
    world.owner = other
    other_post = world.schedule({other_account: "x"}, "Someone else's bread", at=utcnow())
    assert world.wait_for(other_post).status == "published"
    world.owner = original_ws
    before = len(lookups(sandbox))
    report = collect_now(None, world.ws)["refreshes"]
    assert report["snapshots"] == 1 and len(lookups(sandbox)) - before == 1
    assert metrics.post_rows(other.workspace_id, other_post)[0].snapshots == []
    assert metrics.post_rows(world.ws, other_post) == []
    mine = metrics.target_rows(world.ws, utcnow() - timedelta(hours=1), utcnow())
    assert [r.post_id for r in mine] == [post_id]


def test_the_template_and_policies_hold_what_collection_names():
    from chalicelib.settings import settings_from
    from local.cfn_yaml import load_template

    settings = settings_from({"SCHEDULO_STAGE": "dev"})
    resources = load_template()["Resources"]
    groups = {
        r["Properties"]["Name"]["Fn::Sub"].replace("${Stage}", "dev")
        for r in resources.values()
        if r["Type"] == "AWS::Scheduler::ScheduleGroup"
    }
    assert settings.metrics_schedule_group in groups
    invoke = resources["SchedulerRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    targets = json.dumps(invoke)
    assert "function:schedulo-${Stage}-collector" in targets
    queue = settings.metrics_dead_letter_queue_arn.rsplit(":", 1)[-1]
    assert resources["MetricsDeadLetterQueue"]["Properties"]["QueueName"] == {
        "Fn::Sub": queue.replace("dev", "${Stage}", 1)
    }
    letters = resources["MetricsDeadLettersAlarm"]["Properties"]
    assert letters["Dimensions"][0]["Value"] == {
        "Fn::GetAtt": ["MetricsDeadLetterQueue", "QueueName"]
    }
    backlog = resources["CollectionBacklogAlarm"]["Properties"]
    assert backlog["MetricName"] == "MetricsBacklogSeconds"
    assert backlog["AlarmActions"] == [{"Ref": "OperatorsTopic"}]
    due = next(
        i
        for i in resources["MetricsTable"]["Properties"]["GlobalSecondaryIndexes"]
        if i["IndexName"] == "due-index"
    )
    assert set(due["Projection"]["NonKeyAttributes"]) >= {"account_key", "external_id"}
    for stage in ("dev", "prod"):
        policy = (ROOT / ".chalice" / f"policy-{stage}.json").read_text()
        assert f"schedule/schedulo-{stage}-metrics/*" in policy
        assert f"function:schedulo-{stage}-collector" in policy
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    assert config["stages"]["prod"]["lambda_functions"]["collector"]["lambda_timeout"] == 900


def test_a_token_about_to_expire_is_refreshed_before_collecting_as_publishing_does(world, sandbox):
    from chalicelib.oauth.tokens import open_secrets, store_secrets
    from chalicelib.store import accounts

    account, _ = published(world)
    item = accounts.get(world.ws, account)
    secrets = open_secrets(item)
    store_secrets(item, {**secrets, "expires_at": (utcnow() + timedelta(minutes=1)).isoformat()})
    refreshes = len(sandbox.calls_to("/x/2/oauth2/token"))
    report = collect_now(None, world.ws)["refreshes"]
    assert report["snapshots"] == 1
    assert len(sandbox.calls_to("/x/2/oauth2/token")) == refreshes + 1
    fresh = accounts.get(world.ws, account)
    assert datetime.fromisoformat(fresh.token_expires_at) > utcnow() + timedelta(minutes=30)


def test_a_throttled_followers_fetch_is_retried_by_a_schedule_of_its_own(world, sandbox):
    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    account = world.account("x")
    metrics_fault(sandbox, "x", "429")
    report = collection.collect_followers(workspace_id=world.ws)
    today = utcnow().date()
    assert report.followers == 0 and metrics.account_days(world.ws, account, today, today) == []
    group = get_settings().metrics_schedule_group
    names = [
        s["Name"]
        for s in client("scheduler").list_schedules(GroupName=group)["Schedules"]
        if s["Name"].startswith(f"followers-{world.ws}-")
    ]
    [name] = names
    schedule = client("scheduler").get_schedule(GroupName=group, Name=name)
    event = json.loads(schedule["Target"]["Input"])
    assert event == {"followers": {"workspace_id": world.ws}}
    assert collection.handle_collector(event)["followers"] == 1  # what the schedule runs
    assert metrics.account_days(world.ws, account, today, today)[0].followers > 0


def test_each_targets_first_figures_are_on_the_posts_timeline_once(world, client, sandbox):
    from tests.support.factories import call

    x_account = world.account("x")
    bluesky_account = world.bluesky_account()
    post_id = world.schedule({x_account: "x", bluesky_account: "bluesky"}, "Croissants at 8")
    assert world.wait_for(post_id).status == "published"
    path = f"/v1/workspaces/{world.ws}/posts/{post_id}/timeline"

    def metrics_events() -> list[dict]:
        answer = call(client, "GET", path, headers=world.owner.headers)
        assert answer.status_code == 200, answer.json
        return [e for e in answer.json["items"] if e["kind"] == "metrics"]

    assert metrics_events() == []  # published, no figures yet
    assert collect_now(None, world.ws)["refreshes"]["snapshots"] == 2
    events = {e["details"]["network"]: e["details"] for e in metrics_events()}
    rows = {r.network: r for r in metrics.post_rows(world.ws, post_id)}
    assert set(events) == {"x", "bluesky"}
    for network, details in events.items():
        [(_, first)] = rows[network].snapshots
        assert details["target_id"] == rows[network].target_id
        assert details["account_id"] == rows[network].account_id
        # The headline figures of that first reading (the sandbox's just after publishing).
        assert details["metrics"] == {k: v for k, v in first.items() if k in collection.HEADLINE}
    assert {"impressions", "likes"} <= set(events["x"]["metrics"])
    assert "impressions" not in events["bluesky"]["metrics"]  # Bluesky gives none: absent
    assert collect_now(None, world.ws)["refreshes"]["snapshots"] == 2  # the +24 h readings
    assert len(metrics_events()) == 2  # still one line per target


def test_overlapping_runs_never_fetch_the_same_refresh_twice(world, sandbox, monkeypatch):
    """Two runs read the same due refreshes (the daily job beside a bucket's run, or a
    duplicate delivery); each refresh is claimed by one of them before it is fetched."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    account = world.account("x")
    seeded_targets(world, sandbox, account, 150)
    read = collection.store.due_entries
    both_read = threading.Barrier(2, timeout=20)

    def read_then_wait(until, shard=None, **plan):
        entries = list(read(until, shard, **plan))
        both_read.wait()  # neither run goes on before the other has read the same list
        return iter(entries)

    monkeypatch.setattr(collection.store, "due_entries", read_then_wait)
    before = len(lookups(sandbox))
    now = utcnow()
    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(lambda _: collection.collect_due(now), range(2)))
    fetched = [i for c in lookups(sandbox)[before:] for i in c.args["ids"].split(",")]
    assert len(fetched) == len(set(fetched)) == 150  # each target fetched once
    assert sum(r.snapshots for r in reports) == 150
    assert sum(r.skipped for r in reports) == 150  # what one run took, the other left
    rows = list(metrics.target_rows(world.ws, utcnow() - timedelta(days=1), utcnow()))
    assert all(len(r.snapshots) == 1 and r.state == "collecting" for r in rows)
    assert {e.refresh_step for e in metrics.workspace_due(world.ws)} == {1}  # +24 h next


def test_a_buckets_refreshes_are_claimed_in_one_write_and_a_second_delivery_fetches_none(
    world, sandbox, monkeypatch
):
    """The run of a bucket claims all its on-plan refreshes with one write for the bucket
    (not one per account) and, being its bucket's first and on time, makes each account's
    first request uncounted. A second delivery of the same schedule fetches nothing while
    the claim holds, and nothing after it ends: the rows say the refreshes are done."""
    account = world.account("x")
    published_at = utcnow() - timedelta(hours=1)  # first refreshes due in this bucket
    seeded_targets(world, sandbox, account, 3, published_at, on_plan=True)
    end = collection._bucket_of(published_at + collection.REFRESH_OFFSETS[0])
    before = len(lookups(sandbox))
    report = collection.handle_collector({"bucket": iso(end)})
    assert (report["snapshots"], report["calls"], report["accounts"]) == (3, 1, 1)
    assert len(lookups(sandbox)) - before == 1
    # One bucket claim; no refresh claims; the one request not counted.
    assert claims() == {"collect": [f"collect#{iso(end)}"], "claims": [], "metrics": []}

    again = collection.handle_collector({"bucket": iso(end)})  # Scheduler delivered twice
    assert (again["snapshots"], again["skipped"], again["calls"]) == (0, 3, 0)
    later = utcnow() + collection.CLAIM + timedelta(minutes=1)
    monkeypatch.setattr(collection, "utcnow", lambda: later)  # the claim has ended
    after = collection.handle_collector({"bucket": iso(end)})
    assert (after["snapshots"], after["calls"]) == (0, 0)
    assert len(lookups(sandbox)) - before == 1
    rows = list(metrics.target_rows(world.ws, utcnow() - timedelta(days=1), utcnow()))
    assert len(rows) == 3 and all(len(r.snapshots) == 1 for r in rows)


def test_a_bucket_run_that_starts_late_counts_every_request(world, sandbox):
    """Only a bucket's first run, on time, makes a request uncounted: one delivered a
    bucket or more after its time (Scheduler retrying) counts them all."""
    account = world.account("x")
    published_at = utcnow() - timedelta(hours=2)  # its bucket ended an hour ago
    seeded_targets(world, sandbox, account, 2, published_at, on_plan=True)
    end = collection._bucket_of(published_at + collection.REFRESH_OFFSETS[0])
    report = collection.handle_collector({"bucket": iso(end)})
    assert (report["snapshots"], report["calls"]) == (2, 1)
    [counter] = claims()["metrics"]
    assert counter.startswith(f"metrics#x#{account}@")
    from chalicelib.store.rate_limits import CounterRecord

    assert CounterRecord.get(counter).hits == 1


def test_the_daily_catch_up_leaves_a_bucket_its_run_holds_and_its_late_run_fetches_none(
    world, sandbox
):
    account = world.account("x")
    published_at = utcnow() - timedelta(hours=3)
    seeded_targets(world, sandbox, account, 2, published_at, on_plan=True)
    end = collection._bucket_of(published_at + collection.REFRESH_OFFSETS[0])
    now = utcnow()
    assert metrics.claim_bucket(end, now + collection.CLAIM, now) == (True, True)  # its run
    before = len(lookups(sandbox))
    daily = collection.collect_due(utcnow())
    assert (daily.snapshots, daily.skipped, len(lookups(sandbox)) - before) == (0, 2, 0)

    other = collection._bucket_of(published_at + collection.REFRESH_OFFSETS[0] + timedelta(hours=1))
    seeded_targets(
        world, sandbox, account, 1, published_at + timedelta(hours=1), on_plan=True, first=2
    )
    caught = collection.collect_due(utcnow())  # that bucket never ran: caught up
    assert (caught.snapshots, caught.skipped, len(lookups(sandbox)) - before) == (1, 2, 1)
    late = collection.handle_collector({"bucket": iso(other)})  # its schedule, late
    assert (late["snapshots"], late["calls"], len(lookups(sandbox)) - before) == (0, 0, 1)


def test_uncounted_requests_never_take_an_account_past_its_budget():
    """A bucket's first run, started within a bucket of its end, ends within CLAIM: the
    runs that may make uncounted requests in any window are at most `uncounted` of them,
    and every budget keeps that many back and most of itself."""
    step = int(collection.BUCKET.total_seconds())
    lasts = step + int(collection.CLAIM.total_seconds())  # latest start + longest run
    for calls, window in [*collection.BUDGETS.values(), collection.DEFAULT_BUDGET]:
        most = max(
            sum(1 for k in range(-20, 40) if k * step < t + window and t < k * step + lasts)
            for t in range(0, step, 5)
        )
        assert most * collection.FREE_REQUESTS <= collection.uncounted(window)
        assert calls - collection.uncounted(window) >= calls * 0.8


def test_a_refresh_claimed_by_a_run_that_died_is_due_again_when_the_claim_ends(world, sandbox):
    account = world.account("x")
    seeded_targets(world, sandbox, account, 1)
    [entry] = metrics.workspace_due(world.ws)
    now = utcnow()
    # A run claimed it, then died before fetching it.
    until = now + collection.CLAIM
    taken = {(entry.item_key, 0)}
    assert metrics.claim_refreshes(world.ws, account, [entry], until, now) == taken
    assert metrics.claim_refreshes(world.ws, account, [entry], until, now) == set()
    before = len(lookups(sandbox))
    held = collection.collect_due(now)  # held by that run: left alone
    assert (held.snapshots, held.skipped) == (0, 1)
    assert len(lookups(sandbox)) == before
    assert collection.collect_due(now + collection.CLAIM).snapshots == 1  # due again


def test_a_linkedin_members_requests_are_counted_one_per_metric(
    world, client, sandbox, monkeypatch
):
    """LinkedIn gives a member's post analytics one metric a request: five requests a
    post, each counted against the account's budget (not one per batch of 20)."""
    from chalicelib.networks.linkedin import MEMBER_POST_METRICS
    from chalicelib.store import accounts
    from local.sandbox import analytics
    from tests.support.connect import connect

    per_post = len(MEMBER_POST_METRICS)
    budget = 2 * per_post + 2 + collection.uncounted(3600)
    monkeypatch.setitem(collection.BUDGETS, "linkedin", (budget, 3600))
    member = next(
        a
        for a in connect(client, world.owner, "linkedin")
        if accounts.get(world.ws, a).external_id.startswith("urn:li:person:")
    )
    external_id = accounts.get(world.ws, member).external_id
    published_at = utcnow() - timedelta(hours=2)
    for n in range(3):
        urn = analytics.seed_post(sandbox.state, "linkedin", external_id, published_at.timestamp())
        row = metrics.TargetMetricsRow(
            world.ws, f"p_{n}", f"t_{n}", member, "linkedin", urn, None, f"post {n}", None,
            published_at,
        )  # fmt: skip
        metrics.put_target_row(row, due_at=published_at + timedelta(hours=1))
    report = collection.collect_due(utcnow())
    requests_made = sandbox.calls_to("/linkedin/rest/memberCreatorPostAnalytics")
    assert len(requests_made) == 2 * per_post  # the budget held: no third post fetched
    assert (report.snapshots, report.replanned, report.throttled) == (2, 1, 1)
    assert all(c.status == 200 for c in requests_made)


def test_x_clicks_stay_in_the_latest_figures_once_x_stops_giving_them(world, sandbox, monkeypatch):
    from local.sandbox import analytics

    _, post_id = published(world)
    collect_now(None, world.ws)
    [first] = metrics.post_rows(world.ws, post_id)
    clicks = first.latest["clicks"]  # the author's post, younger than 30 days
    assert "user_profile_clicks" in first.latest

    later = analytics.clock() + 31 * 86400  # X gives no private figures any more
    monkeypatch.setattr(analytics, "clock", lambda: later)
    assert collect_now(None, world.ws)["refreshes"]["snapshots"] == 1

    [row] = metrics.post_rows(world.ws, post_id)
    newest = row.snapshots[-1][1]
    assert "clicks" not in newest and newest["likes"] >= first.latest["likes"]
    assert row.latest["clicks"] == clicks  # carried forward: X marks it time-limited
    assert row.latest["likes"] == newest["likes"]
    assert "reach" not in row.latest  # never given by X: still absent


def test_only_time_limited_metrics_are_carried_forward():
    previous = {"clicks": 7, "likes": 3, "reach": 9}
    kept = collection.carried_forward(previous, {"likes": 5}, frozenset({"clicks"}))
    assert kept == {"likes": 5, "clicks": 7}


def test_a_bucket_run_takes_its_on_plan_refreshes_and_plans_those_left_off_plan(
    world, sandbox, monkeypatch
):
    """A published target keeps to its plan: the run of its refresh's bucket finds it by
    publication time. One the run had no time for is planned off plan, due at once, so
    the next bucket's run (which reads its own window) still takes it."""
    _, post_id = published(world)
    [row] = metrics.post_rows(world.ws, post_id)
    key = metrics.target_key(row.published_at, row.target_id)
    assert metrics.get_target(world.ws, key).plan == metrics.on_plan_key(row.published_at)
    end = collection.bucket_end(row.published_at + collection.REFRESH_OFFSETS[0])
    earlier = collection.handle_collector({"bucket": collection.iso(end - collection.BUCKET)})
    assert earlier["refreshes"] == 0  # not in the bucket before its own
    monkeypatch.setattr(collection, "RUN_SECONDS", -1.0)
    left = collection.handle_collector({"bucket": collection.iso(end)})
    assert (left["refreshes"], left["left"], left["snapshots"]) == (1, 1, 0)
    [entry] = metrics.workspace_due(world.ws)
    assert not entry.on_plan and (entry.refresh_step, entry.due_at) == (0, iso(end))
    monkeypatch.setattr(collection, "RUN_SECONDS", 480.0)
    after = collection.handle_collector({"bucket": collection.iso(end + collection.BUCKET)})
    assert (after["refreshes"], after["snapshots"]) == (1, 1)
    [entry] = metrics.workspace_due(world.ws)  # back on plan for the +24 h refresh
    assert entry.on_plan and entry.refresh_step == 1
    assert entry.due_at == iso(row.published_at + collection.REFRESH_OFFSETS[1])


def test_the_daily_job_catches_up_an_on_plan_refresh_whose_bucket_never_ran_once(world, sandbox):
    _, post_id = published(world)
    [row] = metrics.post_rows(world.ws, post_id)
    late = row.published_at + collection.REFRESH_OFFSETS[0] + timedelta(hours=3)
    before = len(lookups(sandbox))
    report = collection.collect_due(late)  # the daily job: no bucket
    assert (report.snapshots, len(lookups(sandbox)) - before) == (1, 1)
    again = collection.collect_due(late + timedelta(minutes=20))  # its window holds it still
    assert (again.refreshes, again.snapshots, len(lookups(sandbox)) - before) == (0, 0, 1)
    [row] = metrics.post_rows(world.ws, post_id)
    assert len(row.snapshots) == 1 and row.state == "collecting"


def test_a_posts_rows_are_read_by_its_targets_keys_and_a_series_by_the_post_index(
    world, client, sandbox
):
    """A post's targets keep their publication times, so its rows are read by key and stay
    out of the post-index (a write unit less a post); a recurring post's next occurrence
    clears its targets, so its rows are in the index: its page keeps every occurrence."""
    from chalicelib import scheduling
    from tests.support.factories import call

    def publishes(post_id: str) -> list[dict]:
        return [a for a in world.audit() if a["post_id"] == post_id and a["outcome"] == "published"]

    def page(post_id: str) -> list[dict]:
        path = f"/v1/workspaces/{world.ws}/analytics/posts/{post_id}"
        answer = call(client, "GET", path, headers=world.owner.headers)
        assert answer.status_code == 200, answer.json
        return answer.json["targets"]

    _, single = published(world)
    [row] = metrics.post_rows(world.ws, single)
    stored = metrics.get_target(world.ws, metrics.target_key(row.published_at, row.target_id))
    assert stored.post_key is None and stored.post_id == single  # not in the post-index
    assert collect_now(None, world.ws)["refreshes"]["snapshots"] == 1
    [target] = page(single)
    assert target["target_id"] == row.target_id and len(target["snapshots"]) == 1
    assert target["metrics"]["likes"] is not None
    # Top posts (as the summary and exports) read the row's post from its `post_id`.
    top = f"/v1/workspaces/{world.ws}/analytics/top-posts"
    [best] = call(client, "GET", top, headers=world.owner.headers).json["items"]
    assert (best["post_id"], best["target_id"]) == (single, row.target_id)

    # A daily post (on Bluesky: X refuses the same text twice): its first occurrence goes
    # out now, then the owner sends the next one now.
    bluesky = world.bluesky_account()
    series = world.schedule({bluesky: "bluesky"}, "Soup of the day", at=utcnow(), arm=False)
    item = world.post(series)
    start = datetime.fromisoformat(item.scheduled_at).replace(tzinfo=None)  # wall time, UTC
    item.recurrence, item.series_start = "FREQ=DAILY", start.isoformat()
    item.save()
    scheduling.arm(world.ws, series, 1, datetime.fromisoformat(item.scheduled_at))
    first_time = item.scheduled_at
    first = world.wait_for(series, lambda p: p.scheduled_at != first_time)
    assert first.status == "scheduled" and first.targets[0].published_at is None  # cleared
    [occurrence] = page(series)
    published_first = occurrence["published_at"]
    while iso(utcnow()) <= published_first:  # a row's key is its publication second
        time.sleep(0.05)
    send = f"/v1/workspaces/{world.ws}/posts/{series}/publish-now"
    assert call(client, "POST", send, headers=world.owner.headers).status_code == 200
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(publishes(series)) < 2:
        time.sleep(0.1)  # the row goes in the batch of the attempt's audit
    assert len(publishes(series)) == 2
    targets = page(series)
    assert len(targets) == 2 and targets[0]["published_at"] == published_first
    assert {t["target_id"] for t in targets} == {first.targets[0].target_id}
    assert targets[0]["published_at"] < targets[1]["published_at"]
    # Another workspace asking for these posts finds nothing.
    assert metrics.post_rows("w_other", series) == metrics.post_rows("w_other", single) == []
