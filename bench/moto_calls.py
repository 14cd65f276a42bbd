"""CPU per AWS call into the in-process embedded AWS (moto), as the tests and the local
stack make them: the same boto3 clients (chalicelib/aws.py), the same tuning
(local/moto_tuning.py).

Each operation is called `--calls` times, `--repeats` times over in each mode, the modes
interleaved in one process; the best repeat's CPU time (user+sys of this process) per
call is printed:

    before   moto with the tuning that predates the per-call patches
             (`per_call_patches_off`: PER_CALL's patches undone)
    after    moto with all of local/moto_tuning.py

Issue 18: `make test` is CPU-bound and most of the Python suite's CPU is these calls.

    .venv/bin/python bench/moto_calls.py [--calls 200] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def operations() -> dict[str, Callable[[int], Any]]:
    """Each takes the call's number (keys differ where a write would otherwise collide)."""
    from datetime import UTC, datetime, timedelta

    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    settings = get_settings()
    dynamodb, table = client("dynamodb"), settings.tables.posts
    scheduler, sqs, s3 = client("scheduler"), client("sqs"), client("s3")
    key = {"workspace_id": {"S": "w_bench"}, "post_id": {"S": "p_0"}}
    item = {**key, "text": {"S": "hello " * 20}, "status": {"S": "draft"}, "v": {"N": "1"}}
    for n in range(10):  # what Query reads: ten items of one workspace
        dynamodb.put_item(TableName=table, Item={**item, "post_id": {"S": f"p_{n}"}})
    # The writes go to another workspace: Query's stays as it is.
    written = {**item, "workspace_id": {"S": "w_bench_writes"}}
    when = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%S")

    def get_item(n: int) -> Any:
        return dynamodb.get_item(TableName=table, Key=key)

    def put_item_conditional(n: int) -> Any:
        return dynamodb.put_item(
            TableName=table,
            Item={**written, "post_id": {"S": f"p_put_{n}"}},
            ConditionExpression="attribute_not_exists(post_id)",
        )

    def update_item(n: int) -> Any:
        return dynamodb.update_item(
            TableName=table,
            Key=key,
            UpdateExpression="SET #s = :s, #v = #v + :one REMOVE #x",
            ConditionExpression="#s IN (:s, :draft)",
            ExpressionAttributeNames={"#s": "status", "#v": "v", "#x": "gone"},
            ExpressionAttributeValues={
                ":s": {"S": "draft"},
                ":draft": {"S": "draft"},
                ":one": {"N": "1"},
            },
            ReturnValues="ALL_NEW",
        )

    def query(n: int) -> Any:
        return dynamodb.query(
            TableName=table,
            KeyConditionExpression="workspace_id = :w AND begins_with(post_id, :p)",
            ExpressionAttributeValues={":w": {"S": "w_bench"}, ":p": {"S": "p_"}},
        )

    def batch_write_item(n: int) -> Any:
        return dynamodb.batch_write_item(
            RequestItems={
                table: [
                    {"PutRequest": {"Item": {**written, "post_id": {"S": f"p_batch_{n}_{i}"}}}}
                    for i in range(5)
                ]
            }
        )

    def create_schedule(n: int) -> Any:
        return scheduler.create_schedule(
            GroupName=settings.schedule_group,
            Name=f"bench-{n}",
            ScheduleExpression=f"at({when})",
            ScheduleExpressionTimezone="UTC",
            FlexibleTimeWindow={"Mode": "OFF"},
            ActionAfterCompletion="DELETE",
            Target={
                "Arn": settings.publisher_arn,
                "RoleArn": settings.scheduler_role_arn,
                "Input": json.dumps({"post_id": f"p_{n}"}),
            },
        )

    queue = sqs.create_queue(QueueName="bench-moto-calls")["QueueUrl"]

    def send_message(n: int) -> Any:
        return sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"n": n}))

    def put_object(n: int) -> Any:
        return s3.put_object(Bucket=settings.media_bucket, Key=f"bench/{n}", Body=b"x" * 1024)

    return {
        "GetItem": get_item,
        "PutItem (condition)": put_item_conditional,
        "UpdateItem (update expression)": update_item,
        "Query": query,
        "BatchWriteItem (5 items)": batch_write_item,
        "Scheduler CreateSchedule": create_schedule,
        "SQS SendMessage": send_message,
        "S3 PutObject": put_object,
    }


def measure(calls: int, repeats: int) -> dict[str, tuple[float, float]]:
    """(before, after): CPU ms per call of each operation, the best of `repeats` runs of
    each, the two interleaved in one process (the machine is shared: its load drifts)."""
    from local.moto_tuning import per_call_patches_off
    from local.offline import provisioned_moto, use_offline_environment

    use_offline_environment("bench")
    results: dict[str, tuple[float, float]] = {}
    number = 0
    with provisioned_moto("bench"):
        for name, call in operations().items():
            call(-1)  # first call: models loaded, caches warm
            with per_call_patches_off():
                call(-2)
            best = {"before": float("inf"), "after": float("inf")}
            for _ in range(repeats):
                for mode in best:
                    patches = per_call_patches_off() if mode == "before" else nullcontext()
                    with patches:
                        start = time.process_time()
                        for _ in range(calls):
                            call(number)
                            number += 1
                        spent = (time.process_time() - start) / calls * 1000
                    best[mode] = min(best[mode], spent)
            results[name] = (best["before"], best["after"])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    figures = measure(args.calls, args.repeats)
    print(f"CPU ms per call (best of {args.repeats} x {args.calls} calls, interleaved)")
    print(f"{'operation':32}{'before':>10}{'after':>10}{'change':>10}")
    for name, (before, after) in figures.items():
        print(f"{name:32}{before:10.3f}{after:10.3f}{(after - before) / before * 100:9.0f}%")


if __name__ == "__main__":
    main()
