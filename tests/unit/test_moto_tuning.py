"""The embedded AWS writes item operations' results as they are (local/moto_tuning.py):
what moto's own serialiser would have answered, for every kind of attribute."""

from __future__ import annotations

import json
import uuid

import pytest
from moto.dynamodb.responses import DynamoResult

from chalicelib.aws import client
from chalicelib.settings import get_settings

EVERY_KIND = {
    "workspace_id": {"S": "w_1"},
    "post_id": {"S": "p_1"},
    "text": {"S": "Grüße, 👋"},
    "count": {"N": "12.5"},
    "blob": {"B": b"\x00\xffbytes"},
    "tags": {"SS": ["a", "b"]},
    "numbers": {"NS": ["1", "2"]},
    "blobs": {"BS": [b"x", b"\x01"]},
    "flag": {"BOOL": False},
    "nothing": {"NULL": True},
    "targets": {"L": [{"M": {"status": {"S": "pending"}, "attempts": {"N": "0"}}}]},
    "options": {"M": {"nested": {"L": [{"N": "1"}, {"S": "two"}]}}},
}


@pytest.fixture
def answers(aws, monkeypatch):
    """(operation, the body written as it is, the body moto's serialiser writes)."""
    as_json = DynamoResult.execute_result
    assert getattr(as_json, "tuned", False), "tune_moto() was not applied"
    seen: list[tuple[str, object, object]] = []

    def both(self, context):
        answer = as_json(self, context)
        moto_answer = as_json.__wrapped__(self, context)
        seen.append(
            (context.operation_model.name, json.loads(answer[2]), json.loads(moto_answer[2]))
        )
        assert answer[:2] == moto_answer[:2]
        return answer

    monkeypatch.setattr(DynamoResult, "execute_result", both)
    return seen


def test_item_operations_answer_what_motos_serialiser_would(answers):
    dynamodb, table = client("dynamodb"), get_settings().tables.posts
    key = {"workspace_id": {"S": "w_1"}, "post_id": {"S": "p_1"}}
    dynamodb.put_item(TableName=table, Item=EVERY_KIND, ReturnConsumedCapacity="TOTAL")
    dynamodb.put_item(TableName=table, Item=EVERY_KIND, ReturnValues="ALL_OLD")
    assert dynamodb.get_item(TableName=table, Key=key)["Item"] == EVERY_KIND
    dynamodb.get_item(TableName=table, Key={**key, "post_id": {"S": "p_none"}})
    dynamodb.update_item(
        TableName=table,
        Key=key,
        UpdateExpression="SET #c = :c",
        ExpressionAttributeNames={"#c": "count"},
        ExpressionAttributeValues={":c": {"N": "13"}},
        ReturnValues="ALL_NEW",
    )
    dynamodb.query(
        TableName=table,
        KeyConditionExpression="workspace_id = :w",
        ExpressionAttributeValues={":w": {"S": "w_1"}},
        Limit=1,
    )
    dynamodb.scan(TableName=table, ReturnConsumedCapacity="TOTAL")
    dynamodb.batch_get_item(RequestItems={table: {"Keys": [key]}})

    assert {operation for operation, _, _ in answers} == {
        "PutItem",
        "GetItem",
        "UpdateItem",
        "Query",
        "Scan",
        "BatchGetItem",
    }
    for operation, written, moto_would in answers:
        assert written == moto_would, operation


def test_reads_of_an_item_being_rewritten_never_break(aws):
    """A read turned a live item into JSON while a write added attributes to it: "dictionary
    changed size during iteration" (seen once in CI under load). Reads and writes of the
    same item from many threads all answer."""
    from concurrent.futures import ThreadPoolExecutor

    dynamodb, table = client("dynamodb"), get_settings().tables.posts
    key = {"workspace_id": {"S": "w_1"}, "post_id": {"S": "p_1"}}
    dynamodb.put_item(TableName=table, Item={**key, "options": {"M": {}}})

    def write(n: int) -> None:
        dynamodb.update_item(
            TableName=table,
            Key=key,
            UpdateExpression="SET #o.#k = :v",
            ExpressionAttributeNames={"#o": "options", "#k": f"k{n}"},
            ExpressionAttributeValues={":v": {"M": {"n": {"N": str(n)}}}},
        )

    def read(_: int) -> int:
        return len(dynamodb.get_item(TableName=table, Key=key)["Item"]["options"]["M"])

    with ThreadPoolExecutor(8) as pool:
        writes = [pool.submit(write, n) for n in range(200)]
        reads = [pool.submit(read, n) for n in range(200)]
        sizes = [r.result() for r in reads]
        for w in writes:
            w.result()
    assert all(0 <= size <= 200 for size in sizes)
    assert read(0) == 200


def test_sqs_deletes_by_receipt_handle_keep_every_other_message(aws):
    """Deletes find the message by the handles its receives issued (an index instead of
    moto's two scans of the queue per delete): an old handle of a message received again
    deletes it, a second delete is accepted, a handle never issued is refused, and every
    message not deleted is still received, once."""
    sqs = client("sqs")
    # A queue of its own: the shared ones may hold what an earlier test left behind.
    url = sqs.create_queue(QueueName=f"receipts-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    for i in range(25):
        sqs.send_message(QueueUrl=url, MessageBody=str(i))
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    again = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=900)
    assert {m["Body"] for m in first["Messages"]} == {m["Body"] for m in again["Messages"]}
    old = first["Messages"][0]["ReceiptHandle"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=old)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=old)
    for message in again["Messages"]:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.delete_message(QueueUrl=url, ReceiptHandle="never-issued")
    sqs.send_message(QueueUrl=url, MessageBody="25")  # sent after the deletes began
    left = []
    while answer := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        for message in answer:
            left.append(int(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    done = {int(m["Body"]) for m in again["Messages"]}
    assert sorted(left) == sorted(set(range(26)) - done)


def test_sqs_sends_still_honour_the_queues_attributes(aws):
    """A send reads only content-based deduplication (not every attribute, which counts
    the queue's messages): a FIFO queue with it still drops a duplicate body, one without
    it still asks for a deduplication id, and the attributes read afterwards are whole."""
    sqs = client("sqs")
    url = get_settings().webhook_queue_url
    sqs.send_message(QueueUrl=url, MessageBody="one", DelaySeconds=5)
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessagesDelayed"] == "1"
    assert "VisibilityTimeout" in attributes

    fifo = sqs.create_queue(
        QueueName="tuning.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    for _ in range(2):
        sqs.send_message(QueueUrl=fifo, MessageBody="same", MessageGroupId="g")
    got = sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in got] == ["same"]

    strict = sqs.create_queue(QueueName="strict.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    with pytest.raises(sqs.exceptions.ClientError):
        sqs.send_message(QueueUrl=strict, MessageBody="x", MessageGroupId="g")
