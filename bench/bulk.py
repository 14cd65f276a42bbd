"""Bulk import: 2,700 rows (90 days x 10 accounts x 3 posts a day) validated and committed
through the app, against the bare writes the commit needs.

The app runs in this process (Chalice's test client over the real app, the import worker
in threads as in the local stack); AWS is a moto server in a child process on a free
port, so this process's peak RSS is the app's alone. "Bare" makes the same number of
DynamoDB PutItem and Scheduler CreateSchedule calls directly with boto3, with the same
parallelism, against the same endpoint, half of them before the app's run and half after.
Goal (issue 10): (validate + commit) / bare writes at most 1.3.
"""

from __future__ import annotations

import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAYS, ACCOUNTS, PER_DAY = 90, 10, 3
SLOT_HOURS = (0, 4, 9)  # hours after the first slot of each day: 3 posts a day
STAGE = "bench"


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def first_slot(now: datetime) -> datetime:
    """The hour after the next full hour: every row is ahead of `now` by at least an hour
    (it is still ahead when the commit starts) and the last one, 89 days and 9 hours later,
    within the import's 90-day window whatever the time of day."""
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)


def csv_rows(account_ids: list[str], start: datetime) -> bytes:
    lines = ["date,time,timezone,accounts,text"]
    for day in range(DAYS):
        for n, account in enumerate(account_ids):
            for slot, hours in enumerate(SLOT_HOURS):
                moment = start + timedelta(days=day, hours=hours)
                text = f"Day {day + 1}, post {slot + 1} for account {n + 1}: news #{day}"
                lines.append(f'{moment:%Y-%m-%d},{moment:%H:%M},UTC,{account},"{text}"')
    return ("\n".join(lines) + "\n").encode()


def add_accounts(workspace_id: str) -> list[str]:
    from chalicelib.store.accounts import AccountItem, new_account_id, slot_items

    ids = []
    for n in range(ACCOUNTS):
        item = AccountItem(
            workspace_id,
            new_account_id(),
            network="mastodon" if n % 2 else "bluesky",
            external_id=f"bench-{n}",
            display_name=f"Bench {n}",
            handle=f"bench{n}",
            slots=slot_items([(d, "09:00") for d in range(7)]),
        )
        item.save()
        ids.append(item.account_id)
    return ids


def wait(client, headers: dict[str, str], path: str, busy: str) -> dict:
    while True:
        found = json.loads(client.http.get(path, headers=headers).body)
        if found["status"] != busy:
            return found
        time.sleep(0.1)


def through_the_app(body: bytes, client, headers: dict[str, str], ws: str) -> tuple[float, float]:
    started = time.perf_counter()
    created = client.http.post(
        f"/v1/workspaces/{ws}/imports", headers={**headers, "Content-Type": "text/csv"}, body=body
    )
    assert created.status_code == 201, created.body[:500]
    path = f"/v1/workspaces/{ws}/imports/{json.loads(created.body)['id']}"
    ready = wait(client, headers, path, "validating")
    validated = time.perf_counter()
    assert ready["status"] == "ready", ready["errors"][:3]
    committed = client.http.post(f"{path}/commit", headers=headers)
    assert committed.status_code == 202, committed.body[:500]
    done = wait(client, headers, path, "committing")
    assert done["status"] == "done" and done["created_posts"] == DAYS * ACCOUNTS * PER_DAY, done
    return validated - started, time.perf_counter() - validated


def bare_writes(numbers: range, endpoint: str) -> float:
    """One PutItem and one CreateSchedule call per number, as the commit makes them."""
    import boto3

    from chalicelib.imports.service import WORKERS
    from chalicelib.settings import get_settings

    settings = get_settings()
    dynamodb = boto3.client("dynamodb", endpoint_url=endpoint)
    scheduler = boto3.client("scheduler", endpoint_url=endpoint)
    when = datetime.now(UTC) + timedelta(days=2)

    def one(n: int) -> None:
        post_id = f"p_bare{n:06d}"
        scheduler.create_schedule(
            GroupName=settings.schedule_group,
            Name=f"post-{post_id}-v1",
            ScheduleExpression=f"at({when:%Y-%m-%dT%H:%M:%S})",
            ScheduleExpressionTimezone="UTC",
            FlexibleTimeWindow={"Mode": "OFF"},
            ActionAfterCompletion="DELETE",
            State="ENABLED",
            Target={
                "Arn": settings.publisher_arn,
                "RoleArn": settings.scheduler_role_arn,
                "Input": json.dumps({"workspace_id": "w_bare", "post_id": post_id, "version": 1}),
                "RetryPolicy": {"MaximumRetryAttempts": 5, "MaximumEventAgeInSeconds": 3600},
                "DeadLetterConfig": {"Arn": settings.dead_letter_queue_arn},
            },
        )
        dynamodb.put_item(
            TableName=settings.tables.posts,
            Item={
                "workspace_id": {"S": "w_bare"},
                "post_id": {"S": post_id},
                "version": {"N": "1"},
                "status": {"S": "scheduled"},
                "text": {"S": f"Bare post {n} with about as much text as a bulk row"},
                "scheduled_at": {"S": f"{when:%Y-%m-%dT%H:%M:%S}Z"},
                "timezone": {"S": "UTC"},
                "targets": {
                    "L": [
                        {
                            "M": {
                                "target_id": {"S": f"t_{n}"},
                                "account_id": {"S": "a_bare"},
                                "network": {"S": "bluesky"},
                                "status": {"S": "pending"},
                                "attempts": {"N": "0"},
                            }
                        }
                    ]
                },
                "armed_version": {"N": "1"},
                # What the app's item carries too: calendar filters and the sweep index.
                "account_ids": {"L": [{"S": "a_bare"}]},
                "networks": {"L": [{"S": "bluesky"}]},
                "sweep_shard": {"S": str(n % 8)},
                "due_at": {"S": f"{when:%Y-%m-%dT%H:%M:%S}Z"},
                "media_ids": {"L": []},
                "created_at": {"S": f"{when:%Y-%m-%dT%H:%M:%S}Z"},
                "updated_at": {"S": f"{when:%Y-%m-%dT%H:%M:%S}Z"},
            },
            ConditionExpression="attribute_not_exists(post_id)",
        )

    started = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(one, numbers))
    return time.perf_counter() - started


def main() -> None:
    import logging

    from local.offline import use_offline_environment

    use_offline_environment(STAGE)
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
    logging.disable(logging.INFO)
    from local.stack import free_port, start_aws_process, stop_process

    port = free_port()
    server, endpoint = start_aws_process(port), f"http://127.0.0.1:{port}"
    try:
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        import boto3
        from chalice.test import Client

        import app
        from chalicelib import scheduling
        from chalicelib.settings import get_settings
        from local.provision import provision
        from local.seed import seed
        from tests.support.aws import NO_CHALICE_CONFIG

        session = boto3.session.Session(region_name="us-east-1")
        provision(session, STAGE, endpoint)
        seed(session, endpoint, get_settings())

        def invoke(arn: str, payload: dict) -> object:
            return getattr(app, arn.rsplit(":", 1)[-1].split("-")[-1])(payload, None)

        scheduling.use_local_invoker(invoke)
        with Client(app.app, project_dir=NO_CHALICE_CONFIG) as client:
            email = f"bench-{time.time_ns()}@example.com"
            from tests.support.factories import signup

            # Sign-up answers 202 whoever asks; the helper signs in for the tokens.
            owner = signup(client, email=email, name="Bench", verified=False)
            ws = owner.workspace_id
            headers = {"Authorization": f"Bearer {owner.access_token}"}
            accounts = add_accounts(ws)
            start = first_slot(datetime.now(UTC))
            body = csv_rows(accounts, start)
            rows = DAYS * ACCOUNTS * PER_DAY
            print(f"{rows} rows ({DAYS} days x {ACCOUNTS} accounts x {PER_DAY} a day), "
                  f"{len(body) / 1e3:.0f} kB of CSV")  # fmt: skip
            # Half the bare writes before the app's run and half after: the machine's
            # speed drifts over a minute and moto slows as its tables grow, so whatever
            # ran second would pay more.
            before_s = bare_writes(range(rows // 2), endpoint)
            validate_s, commit_s = through_the_app(body, client, headers, ws)
        app_peak = peak_rss_mb()
        after_s = bare_writes(range(rows // 2, rows), endpoint)
        bare_s = before_s + after_s
        total = validate_s + commit_s
        print(f"  through the app: validate {validate_s:6.2f} s, commit {commit_s:6.2f} s, "
              f"total {total:6.2f} s")  # fmt: skip
        print(f"  bare writes ({rows} PutItem + {rows} CreateSchedule): {bare_s:6.2f} s "
              f"(half before the app's run {before_s:.2f} s, after {after_s:.2f} s)")  # fmt: skip
        print(f"  ratio commit / bare: {commit_s / bare_s:.2f}; "
              f"(validate + commit) / bare: {total / bare_s:.2f} (goal: at most 1.3)")  # fmt: skip
        print(f"  peak memory (RSS, this process: the app; moto runs apart): {app_peak:.0f} MB")
    finally:
        stop_process(server)


if __name__ == "__main__":
    main()
