"""Calendar: a month of posts through the app against the bare DynamoDB query behind it.

3,000 posts over 90 days for 10 accounts (about 1,000 in a month). Each sample reads one
whole month: through the app, `GET /v1/workspaces/{ws}/posts?from=&to=` page after page
(limit 200: auth, the guard's membership read, PynamoDB, pydantic, JSON); bare, the same
`scheduled-index` query with boto3, in the same pages of 200, against the same embedded
DynamoDB (moto, in-process: its per-query cost is high, so both sides pay it equally).
Prints the p95 of each and their ratio. Goal (issue 4): at most 1.5.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from local.offline import provisioned_moto, use_offline_environment  # noqa: E402

use_offline_environment("bench")
os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"

POSTS, DAYS, ACCOUNTS = 3000, 90, 10
SAMPLES, WARMUP = 10, 1
PAGE = 200  # the API's largest page; the bare query reads the same pages
START = datetime(2027, 1, 1, tzinfo=UTC)
MONTH = (START + timedelta(days=30), START + timedelta(days=60))


def seed_posts(workspace_id: str) -> None:
    """3,000 scheduled posts over 90 days, each on one or two of 10 accounts."""
    from chalicelib.domain.ids import new_id
    from chalicelib.store import posts
    from chalicelib.store.base import iso

    rng = random.Random(4)
    networks = ("x", "linkedin", "facebook", "instagram", "bluesky")
    with posts.PostItem.batch_write() as batch:
        for n in range(POSTS):
            at = START + timedelta(seconds=rng.randrange(DAYS * 86400))
            chosen = rng.sample(range(ACCOUNTS), rng.choice((1, 1, 2)))
            item = posts.PostItem(
                workspace_id,
                new_id("p"),
                status="scheduled",
                text=f"Post {n}: " + "words " * rng.randrange(5, 40),
                scheduled_at=iso(at),
                timezone="Europe/Paris",
                created_by="u_bench",
                created_at=iso(START),
                updated_at=iso(START),
                targets=[
                    posts.TargetAttribute(
                        target_id=new_id("t"),
                        account_id=f"a_{a}",
                        network=networks[a % len(networks)],
                    )
                    for a in chosen
                ],
            )
            batch.save(posts.prepare(item))


def month_through_app(client, workspace_id: str, headers: dict[str, str]) -> int:
    base = (
        f"/v1/workspaces/{workspace_id}/posts?limit={PAGE}"
        f"&from={MONTH[0].date().isoformat()}&to={MONTH[1].date().isoformat()}"
    )
    count, cursor = 0, None
    while True:
        response = client.http.get(base + (f"&cursor={cursor}" if cursor else ""), headers=headers)
        assert response.status_code == 200, response.body
        page = json.loads(response.body)
        count += len(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            return count


def month_bare(dynamodb, table: str, workspace_id: str) -> int:
    from chalicelib.store.base import iso

    request = {
        "TableName": table,
        "IndexName": "scheduled-index",
        "KeyConditionExpression": "workspace_id = :w AND scheduled_at BETWEEN :a AND :b",
        "ExpressionAttributeValues": {
            ":w": {"S": workspace_id},
            ":a": {"S": iso(MONTH[0])},
            ":b": {"S": iso(MONTH[1])[:-1] + "."},
        },
        "Limit": PAGE,
    }
    count = 0
    while True:
        page = dynamodb.query(**request)
        count += len(page["Items"])
        if "LastEvaluatedKey" not in page:
            return count
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def timed(run) -> tuple[list[float], int]:
    for _ in range(WARMUP):
        found = run()
    samples = []
    for _ in range(SAMPLES):
        began = time.perf_counter()
        found = run()
        samples.append((time.perf_counter() - began) * 1000)
    return samples, found


def main() -> None:
    import boto3
    from chalice.test import Client

    from chalicelib.settings import get_settings

    with provisioned_moto("bench"):
        import app

        with Client(app.app) as client:
            from tests.support.factories import signup

            # Sign-up answers 202 whoever asks; the helper signs in for the tokens.
            owner = signup(client, email="bench@example.com", name="B", verified=False)
            workspace_id = owner.workspace_id
            headers = {"Authorization": f"Bearer {owner.access_token}"}
            seed_posts(workspace_id)

            dynamodb = boto3.session.Session(region_name="us-east-1").client("dynamodb")
            table = get_settings().tables.posts
            app_ms, app_count = timed(lambda: month_through_app(client, workspace_id, headers))
            bare_ms, bare_count = timed(lambda: month_bare(dynamodb, table, workspace_id))

    assert app_count == bare_count, (app_count, bare_count)
    app_p95, bare_p95 = p95(app_ms), p95(bare_ms)
    print(f"posts: {POSTS} over {DAYS} days for {ACCOUNTS} accounts; a month holds {app_count}")
    print(f"GET .../posts, a month in pages of 200: p95 {app_p95:8.1f} ms ({SAMPLES} runs)")
    print(f"bare DynamoDB query, the same month:    p95 {bare_p95:8.1f} ms ({SAMPLES} runs)")
    print(
        f"ratio:                                      {app_p95 / bare_p95:8.2f} (goal: at most 1.5)"
    )


if __name__ == "__main__":
    main()
