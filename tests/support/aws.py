"""Resetting the in-process embedded AWS between tests (faster than re-provisioning)."""

from __future__ import annotations

from pathlib import Path

from chalicelib.aws import client
from chalicelib.settings import Settings, get_settings

# chalice.test.Client applies .chalice/config.json's stage variables (SCHEDULO_STAGE=dev)
# to the whole process; pointed at a folder without that file, it leaves them alone.
NO_CHALICE_CONFIG = str(Path(__file__).resolve().parent)


def clear_state() -> None:
    settings = get_settings()
    _empty_tables(settings)
    s3 = client("s3")
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=settings.media_bucket):
        for obj in page.get("Contents", []):
            s3.delete_object(Bucket=settings.media_bucket, Key=obj["Key"])
    _drop_schedules(settings)
    sqs = client("sqs")
    queue = sqs.get_queue_url(QueueName=settings.dead_letter_queue_arn.rsplit(":", 1)[-1])
    # PurgeQueue is limited to once a minute; receiving and deleting is not.
    while messages := sqs.receive_message(QueueUrl=queue["QueueUrl"], MaxNumberOfMessages=10).get(
        "Messages"
    ):
        for message in messages:
            sqs.delete_message(QueueUrl=queue["QueueUrl"], ReceiptHandle=message["ReceiptHandle"])


def _drop_schedules(settings: Settings) -> None:
    """The publishing group's schedules dropped in moto's memory: through the API, a test
    that armed a 5,000-row import spent most of a minute deleting them one by one."""
    from moto.scheduler.models import scheduler_backends

    _, _, _, region, account, _ = settings.dead_letter_queue_arn.split(":")
    backend = scheduler_backends[account][region]
    backend.get_schedule_group(settings.schedule_group).schedules.clear()


def _empty_tables(settings: Settings) -> None:
    """Every item of every table dropped in moto's memory. Through the API that is a
    describe, a scan and a delete per item for each of the tables: a quarter of a second
    after every test, most of a small test's time."""
    from moto.dynamodb.models import dynamodb_backends

    from local.moto_tuning import dynamodb_write_lock

    _, _, _, region, account, _ = settings.dead_letter_queue_arn.split(":")
    backend = dynamodb_backends[account][region]
    with dynamodb_write_lock():
        for table in settings.tables.model_dump().values():
            backend.get_table(table).items.clear()
