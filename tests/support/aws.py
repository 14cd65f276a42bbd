"""Resetting the in-process embedded AWS between tests (faster than re-provisioning)."""

from __future__ import annotations

from pathlib import Path

import boto3

from chalicelib.settings import get_settings

# chalice.test.Client applies .chalice/config.json's stage variables (SCHEDULO_STAGE=dev)
# to the whole process; pointed at a folder without that file, it leaves them alone.
NO_CHALICE_CONFIG = str(Path(__file__).resolve().parent)


def clear_state() -> None:
    settings = get_settings()
    dynamodb = boto3.client("dynamodb")
    for table in settings.tables.model_dump().values():
        key_names = [
            k["AttributeName"]
            for k in dynamodb.describe_table(TableName=table)["Table"]["KeySchema"]
        ]
        for page in dynamodb.get_paginator("scan").paginate(TableName=table):
            for item in page["Items"]:
                dynamodb.delete_item(TableName=table, Key={k: item[k] for k in key_names})
    s3 = boto3.client("s3")
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=settings.media_bucket):
        for obj in page.get("Contents", []):
            s3.delete_object(Bucket=settings.media_bucket, Key=obj["Key"])
    scheduler = boto3.client("scheduler")
    for page in scheduler.get_paginator("list_schedules").paginate(
        GroupName=settings.schedule_group
    ):
        for schedule in page["Schedules"]:
            scheduler.delete_schedule(GroupName=settings.schedule_group, Name=schedule["Name"])
    sqs = boto3.client("sqs")
    queue = sqs.get_queue_url(QueueName=settings.dead_letter_queue_arn.rsplit(":", 1)[-1])
    # PurgeQueue is limited to once a minute; receiving and deleting is not.
    while messages := sqs.receive_message(QueueUrl=queue["QueueUrl"], MaxNumberOfMessages=10).get(
        "Messages"
    ):
        for message in messages:
            sqs.delete_message(QueueUrl=queue["QueueUrl"], ReceiptHandle=message["ReceiptHandle"])
