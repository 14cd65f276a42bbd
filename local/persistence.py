"""Keeping the local stack's state across restarts when SCHEDULO_LOCAL_STATE is set.

On stop (and every minute) the tables, the media bucket's objects and the pending
schedules are written to that directory; on start they are loaded back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chalicelib.settings import Settings


def save(session: Any, endpoint: str, settings: Settings, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    dynamodb = session.client("dynamodb", endpoint_url=endpoint)
    tables = {}
    for name in settings.tables.model_dump().values():
        items: list[dict] = []
        for page in dynamodb.get_paginator("scan").paginate(TableName=name):
            items.extend(page["Items"])
        tables[name] = items
    s3 = session.client("s3", endpoint_url=endpoint)
    objects_dir = directory / "media"
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=settings.media_bucket):
        for obj in page.get("Contents", []):
            target = objects_dir / obj["Key"]
            target.parent.mkdir(parents=True, exist_ok=True)
            s3.download_file(settings.media_bucket, obj["Key"], str(target))
            keys.append(obj["Key"])
    scheduler = session.client("scheduler", endpoint_url=endpoint)
    schedules = []
    for group in (settings.schedule_group, settings.metrics_schedule_group):
        for page in scheduler.get_paginator("list_schedules").paginate(GroupName=group):
            for summary in page["Schedules"]:
                detail = scheduler.get_schedule(GroupName=group, Name=summary["Name"])
                schedules.append({k: detail[k] for k in _SCHEDULE_FIELDS if k in detail})
    state = {"tables": tables, "media_keys": keys, "schedules": schedules}
    tmp = directory / "state.json.tmp"
    tmp.write_text(json.dumps(state, default=str))
    tmp.replace(directory / "state.json")


_SCHEDULE_FIELDS = (
    "Name",
    "GroupName",
    "ScheduleExpression",
    "ScheduleExpressionTimezone",
    "FlexibleTimeWindow",
    "Target",
    "ActionAfterCompletion",
    "State",
)


def load(session: Any, endpoint: str, settings: Settings, directory: Path) -> bool:
    path = directory / "state.json"
    if not path.is_file():
        return False
    state = json.loads(path.read_text())
    dynamodb = session.client("dynamodb", endpoint_url=endpoint)
    for table, items in state["tables"].items():
        for item in items:
            dynamodb.put_item(TableName=table, Item=item)
    s3 = session.client("s3", endpoint_url=endpoint)
    for key in state["media_keys"]:
        source = directory / "media" / key
        if source.is_file():
            s3.upload_file(str(source), settings.media_bucket, key)
    scheduler = session.client("scheduler", endpoint_url=endpoint)
    for schedule in state["schedules"]:
        scheduler.create_schedule(**schedule)
    return True
