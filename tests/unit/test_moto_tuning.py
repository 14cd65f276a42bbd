"""The embedded AWS writes item operations' results as they are (local/moto_tuning.py):
what moto's own serialiser would have answered, for every kind of attribute."""

from __future__ import annotations

import contextlib
import json
import re
import uuid

import pytest
from botocore.httpchecksum import AwsChunkedWrapper
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


def _calls(tag: str) -> list[object]:
    """Representative calls of the app's services, errors included, each answer or error
    recorded; `tag` names everything this run creates."""
    from botocore.exceptions import ClientError

    settings = get_settings()
    dynamodb, table = client("dynamodb"), settings.tables.posts
    scheduler, sqs, s3 = client("scheduler"), client("sqs"), client("s3")
    key = {"workspace_id": {"S": f"w_{tag}"}, "post_id": {"S": "p_1"}}
    update = "SET #s = :s, #n = if_not_exists(#n, :zero) + :one, #l = list_append(#l, :l)"
    names = {"#s": "status", "#n": "n", "#l": "log"}
    when = "2031-01-01T00:00:00"  # a fixed instant: the answers compared hold no clock
    answers: list[object] = []

    def call(operation, **request):
        try:
            answers.append(operation(**request))
        except ClientError as error:
            answers.append(("error", error.response))
        except Exception as error:  # moto fails on some bad conditions (a 500 in AWS terms)
            answers.append(("raised", type(error).__name__, str(error)))

    put = dynamodb.put_item
    call(put, TableName=table, Item={**key, "log": {"L": []}, "status": {"S": "draft"}})
    for _ in range(2):  # the second is refused: ConditionalCheckFailed
        call(
            put,
            TableName=table,
            Item={**key, "post_id": {"S": "p_2"}, "b": {"B": b"\x00"}},
            ConditionExpression="attribute_not_exists(post_id)",
        )
    for status in ("queued", "sent", "queued"):  # the same expressions, other values
        call(
            dynamodb.update_item,
            TableName=table,
            Key=key,
            UpdateExpression=update,
            ConditionExpression="#s IN (:draft, :queued) AND size(#l) < :ten",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues={
                ":s": {"S": status},
                ":zero": {"N": "0"},
                ":one": {"N": "1"},
                ":l": {"L": [{"S": status}]},
                ":draft": {"S": "draft"},
                ":queued": {"S": "queued"},
                ":ten": {"N": "10"},
            },
            ReturnValues="ALL_NEW",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    call(  # an item not there yet is created by the update
        dynamodb.update_item,
        TableName=table,
        Key={**key, "post_id": {"S": "p_3"}},
        UpdateExpression="SET #s = :s REMOVE gone ADD tally :one",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "new"}, ":one": {"N": "1"}},
        ReturnValues="UPDATED_NEW",
    )
    for bad in (
        "SET #s = :s,",  # syntax
        "SET #s = :s SET #s = :s",  # two SET clauses
        "SET post_id = :s",  # a key attribute
        "SET #s = :missing",  # a value not given
        "SET #s = :s, #s = :s",  # overlapping paths
    ):
        call(
            dynamodb.update_item,
            TableName=table,
            Key=key,
            UpdateExpression=bad,
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": {"S": "x"}},
        )
    for condition in ("#s = = :s", "attribute_exists(#nope)", "#s BETWEEN :s"):
        call(
            dynamodb.delete_item,
            TableName=table,
            Key=key,
            ConditionExpression=condition,
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": {"S": "x"}},
        )
    call(
        dynamodb.query,
        TableName=table,
        KeyConditionExpression="workspace_id = :w AND begins_with(post_id, :p)",
        FilterExpression="attribute_exists(#s) AND NOT #s = :no",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":w": key["workspace_id"], ":p": {"S": "p"}, ":no": {"S": "x"}},
    )
    for n in range(6):  # a partition of several items beside another
        for workspace in (f"w_{tag}", f"w_{tag}x"):
            item = {"workspace_id": {"S": workspace}, "post_id": {"S": f"q_{5 - n}"}}
            call(dynamodb.put_item, TableName=table, Item={**item, "n": {"N": str(n)}})
    for forward in (True, False):
        start: dict[str, object] = {}
        while True:  # page by page, forwards and backwards
            call(
                dynamodb.query,
                TableName=table,
                KeyConditionExpression="workspace_id = :w AND post_id > :p",
                ExpressionAttributeValues={":w": key["workspace_id"], ":p": {"S": "q_1"}},
                ScanIndexForward=forward,
                Limit=2,
                **start,
            )
            last = answers[-1]
            if not isinstance(last, dict) or "LastEvaluatedKey" not in last:
                break
            start = {"ExclusiveStartKey": last["LastEvaluatedKey"]}
    call(dynamodb.query, TableName=table, KeyConditionExpression="workspace_id = :w",
         ExpressionAttributeValues={":w": {"S": f"w_{tag}-none"}})  # fmt: skip
    members = settings.tables.members
    for workspace, user in (("b", "u_2"), ("a", "u_1"), ("a", "u_2")):
        call(
            dynamodb.put_item,
            TableName=members,
            Item={"workspace_id": {"S": f"w_{tag}{workspace}"}, "user_id": {"S": f"{tag}{user}"},
                  "role": {"S": "owner"}},
        )  # fmt: skip
    call(dynamodb.query, TableName=members, IndexName="user-index",
         KeyConditionExpression="user_id = :u",
         ExpressionAttributeValues={":u": {"S": f"{tag}u_2"}})  # fmt: skip
    call(dynamodb.query, TableName=members, KeyConditionExpression="workspace_id = :w",
         ExpressionAttributeValues={":w": {"S": f"w_{tag}a"}})  # fmt: skip
    call(dynamodb.query, TableName=table, KeyConditionExpression="post_id = :w",
         ExpressionAttributeValues={":w": {"S": "x"}})  # fmt: skip
    call(
        dynamodb.transact_write_items,
        TransactItems=[
            {
                "Update": {
                    "TableName": table,
                    "Key": key,
                    "UpdateExpression": "SET #s = :s",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {":s": {"S": "done"}},
                }
            },
            {
                "ConditionCheck": {
                    "TableName": table,
                    "Key": {**key, "post_id": {"S": "p_2"}},
                    "ConditionExpression": "attribute_not_exists(post_id)",
                }
            },
        ],
    )
    call(
        dynamodb.batch_write_item,
        RequestItems={table: [{"PutRequest": {"Item": {**key, "post_id": {"S": f"p_b{i}"}}}}
                              for i in range(3)]},
    )  # fmt: skip
    call(dynamodb.get_item, TableName=table, Key={**key, "post_id": {"S": "p_none"}})
    call(dynamodb.scan, TableName=table, FilterExpression="workspace_id = :w",
         ExpressionAttributeValues={":w": key["workspace_id"]})  # fmt: skip

    schedule = {
        "GroupName": settings.schedule_group,
        "ScheduleExpression": f"at({when})",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": {"Arn": settings.publisher_arn, "RoleArn": settings.scheduler_role_arn},
    }
    for name in (f"s-{tag}-1", f"s-{tag}-1", f"s-{tag}-2"):  # the repeat: Conflict
        call(scheduler.create_schedule, Name=name, **schedule)
    for name in (f"s-{tag}-2", f"s-{tag}-1", f"s-{tag}-none"):
        call(scheduler.get_schedule, Name=name, GroupName=settings.schedule_group)
    call(scheduler.delete_schedule, Name=f"s-{tag}-none", GroupName=settings.schedule_group)

    url = sqs.create_queue(QueueName=f"q-{tag}")["QueueUrl"]
    call(sqs.send_message, QueueUrl=url, MessageBody="one")
    call(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=10)
    call(sqs.send_message, QueueUrl=f"{url}-none", MessageBody="lost")

    bucket = settings.media_bucket
    for name in (f"{tag}/a b/ü+%.txt", f"{tag}/plain"):
        call(s3.put_object, Bucket=bucket, Key=name, Body=b"the same bytes")
        call(s3.get_object, Bucket=bucket, Key=name)
    call(s3.get_object, Bucket=bucket, Key=f"{tag}/none")
    call(s3.list_objects_v2, Bucket=bucket, Prefix=f"{tag}/")
    call(s3.head_bucket, Bucket=f"{bucket}-{tag}-none")
    return answers


VARYING = {
    "ResponseMetadata",
    "RequestId",
    "HostId",
    "MessageId",
    "ReceiptHandle",
    "CreationDate",
    "LastModificationDate",
    "LastModified",
    "ScannedCount",  # a scan reads the other run's items too
}


def _comparable(answer: object, tag: str) -> object:
    """The answer with what differs between any two runs (ids, times) left out."""
    from botocore.response import StreamingBody

    def strip(value: object) -> object:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in VARYING}
        if isinstance(value, list | tuple):
            return [strip(v) for v in value]
        if isinstance(value, StreamingBody):
            return value.read()
        return value

    return json.loads(json.dumps(strip(answer), default=repr).replace(tag, "TAG"))


def test_per_call_patches_answer_what_moto_answers(aws):
    """Each call of representative operations (DynamoDB reads and writes, with condition,
    update, filter and key-condition expressions that pass, fail or are invalid; a
    transaction; Scheduler, SQS and S3 calls, found and not found) answers the same, or
    fails with the same error, with the per-call patches and with moto's own code."""
    from moto import __version__

    from local import moto_tuning

    assert __version__ == moto_tuning.PER_CALL_MOTO, "re-check the per-call patches"
    assert len(moto_tuning._replaced) >= len(moto_tuning.PER_CALL)
    tuned = [_comparable(answer, "r1tuned") for answer in _calls("r1tuned")]
    with moto_tuning.per_call_patches_off():
        motos = [_comparable(answer, "r2mmoto") for answer in _calls("r2mmoto")]
    errors = [answer for answer in tuned if isinstance(answer, list) and answer[0] == "error"]
    assert len(errors) >= 14  # the refusals above are errors, not passes
    assert len(tuned) == len(motos)
    for number, (ours, theirs) in enumerate(zip(tuned, motos, strict=True)):
        assert ours == theirs, number


def _tree(node: object) -> object:
    children = getattr(node, "children", None)
    if isinstance(children, list):
        return (type(node).__name__, [_tree(child) for child in children])
    return repr(node)


def test_a_parsed_update_expression_is_never_changed_by_its_use(aws):
    """Each UpdateExpression is parsed once and its tree shared by every later update:
    updates that create, change and refuse items leave it as parsed."""
    from moto.dynamodb.parsing.expressions import UpdateExpressionParser

    from local.moto_tuning import per_call_patches_off

    expression = "SET #s = :s, #n = if_not_exists(#n, :zero) + :one REMOVE gone"
    shared = UpdateExpressionParser.make(expression)
    assert UpdateExpressionParser.make(expression) is shared
    with per_call_patches_off():
        fresh = UpdateExpressionParser.make(expression)
    assert fresh is not shared
    before = _tree(shared)
    assert before == _tree(fresh)
    dynamodb, table = client("dynamodb"), get_settings().tables.posts
    for n, post in enumerate(("p_1", "p_1", "p_2")):
        dynamodb.update_item(
            TableName=table,
            Key={"workspace_id": {"S": "w_1"}, "post_id": {"S": post}},
            UpdateExpression=expression,
            ExpressionAttributeNames={"#s": "status", "#n": "n"},
            ExpressionAttributeValues={
                ":s": {"S": str(n)},
                ":zero": {"N": "0"},
                ":one": {"N": "1"},
            },
        )
    with pytest.raises(dynamodb.exceptions.ClientError):
        dynamodb.update_item(
            TableName=table,
            Key={"workspace_id": {"S": "w_1"}, "post_id": {"S": "p_1"}},
            UpdateExpression=expression,
            ExpressionAttributeNames={"#s": "status", "#n": "n"},
            ExpressionAttributeValues={":s": {"S": "x"}, ":zero": {"N": "0"}, ":one": {"S": "1"}},
        )
    assert UpdateExpressionParser.make(expression) is shared
    assert _tree(shared) == before
    item = dynamodb.get_item(
        TableName=table, Key={"workspace_id": {"S": "w_1"}, "post_id": {"S": "p_1"}}
    )["Item"]
    assert item["n"] == {"N": "2"} and item["status"] == {"S": "1"}


def _environ(request) -> dict[str, object]:
    """A request's WSGI environ, its body read (and left to read again)."""
    environ = dict(request.environ)
    stream = environ.pop("wsgi.input")
    environ["wsgi.input"] = stream.read()
    stream.seek(0)
    assert environ.pop("werkzeug.request") is request
    return environ


ODD_REQUESTS = [
    ("GET", "https://s3.amazonaws.com/bucket/a%20b/%C3%BC.txt?x-id=GetObject", {}, None),
    ("PUT", "https://s3.amazonaws.com/bucket/a b/ü", {"Content-Type": "text/plain"}, b"x"),
    ("GET", "https://S3.amazonaws.com//double", {}, None),
    ("GET", "http://localhost:4566/", {"Host": "elsewhere:1"}, None),
    ("GET", "https://sqs.us-east-1.amazonaws.com", {"X-A": "1", "x-a": "2"}, b""),
    ("POST", "https://host/p", {"Content-Length": "5", "Content-Type": "a/b"}, b""),
    ("POST", "https://host/p", {"Content-Type": "application/x-www-form-urlencoded"}, b""),
    ("POST", "https://host/p", {"Content-Type": "application/x-www-form-urlencoded"}, b"a=1"),
    ("POST", "https://host:0443/p", {"X-Amz-Meta-My_Key": b"v", "Transfer-Encoding": "x"}, b"1"),
    ("POST", "https://host:99999/p", {}, None),
    ("POST", "https://host/p;params?q=%20", {"Content-Type": "multipart/form-data"}, b"--"),
    ("DELETE", "https://a..b/p", {}, bytearray(b"z")),
]


class _ReadOut(AwsChunkedWrapper):
    """A chunked upload, read out already: the same bytes to each reader."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int | None = None) -> bytes:
        return self.data


@pytest.fixture
def both_requests(aws, monkeypatch):
    """Every request moto builds is built by moto's own code too and both compared."""
    from moto.core.request import Request

    from local import moto_tuning

    ours = Request.__dict__["from_primitives"]
    theirs = next(r[2] for r in moto_tuning._replaced if r[0] is Request)
    compared: list[str] = []

    def both(cls, method, url, headers, body=None):
        compared.append(url)
        if isinstance(body, AwsChunkedWrapper):  # S3's uploads: each reads its own
            body = _ReadOut(body.read())
        try:
            moto_request = theirs.__func__(cls, method, url, headers, body)
        except ValueError as refused:  # a port out of range, an empty label: refused alike
            with pytest.raises(ValueError, match=re.escape(str(refused))):
                ours.__func__(cls, method, url, headers, body)
            raise
        request = ours.__func__(cls, method, url, headers, body)
        assert _environ(request) == _environ(moto_request), (method, url)
        return request

    monkeypatch.setattr(Request, "from_primitives", classmethod(both))
    return compared


def test_requests_are_built_as_werkzeug_builds_them(both_requests):
    """The WSGI environ written directly is werkzeug's, key for key, for every call of the
    scenario above and for requests the direct way leaves to werkzeug (quoted and
    non-ASCII paths, upper-case hosts, repeated and odd headers, forms, bodies that are
    not bytes)."""
    from moto.core.request import Request

    answers = _calls("r3check")
    assert len(both_requests) > 50 and len(answers) > 50
    made = len(both_requests)
    for method, url, headers, body in ODD_REQUESTS:
        with contextlib.suppress(ValueError):
            Request.from_primitives(method, url, headers, body)
    assert len(both_requests) == made + len(ODD_REQUESTS)


def test_a_request_body_is_what_preparing_the_request_makes(aws, monkeypatch):
    """The signer reads each request's body without preparing the whole request: the
    same bytes (or None) as botocore's own property, for every call of the scenario."""
    from botocore.awsrequest import AWSRequest

    tuned = AWSRequest.__dict__["body"]
    assert getattr(tuned.fget, "tuned", False)
    read: list[object] = []

    def both(self):
        ours = tuned.fget(self)
        theirs = self.prepare().body
        theirs = theirs.encode("utf-8") if isinstance(theirs, str) else theirs
        assert ours == theirs and type(ours) is type(theirs)
        read.append(ours)
        return ours

    monkeypatch.setattr(AWSRequest, "body", property(both))
    _calls("r4body")
    assert len(read) > 50 and None in read and any(read)


def test_the_host_signed_is_the_one_botocore_derives(aws, monkeypatch):
    """The Host header signed, kept per URL, is what botocore derives each time, for
    every call of the scenario."""
    from botocore import auth

    tuned = auth._host_from_url
    assert getattr(tuned, "tuned", False)
    derived: list[str] = []

    def both(url):
        ours, theirs = tuned(url), tuned.__wrapped__(url)
        assert ours == theirs, url
        derived.append(ours)
        return ours

    monkeypatch.setattr(auth, "_host_from_url", both)
    _calls("r5host")
    assert len(derived) > 50
    assert "dynamodb.us-east-1.amazonaws.com" in derived
