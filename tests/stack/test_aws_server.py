"""The embedded AWS's own process (local/aws_server.py), as the local stack starts it."""

from __future__ import annotations

import socket

import boto3
import pytest
from botocore.config import Config

from local.stack import free_port, start_aws_process, stop_process


@pytest.fixture(scope="module")
def endpoint():
    port = free_port()
    server = start_aws_process(port)
    yield f"http://127.0.0.1:{port}"
    stop_process(server)


def a_client(service: str, endpoint: str):
    # A short read timeout: a request the server never answers fails the test quickly.
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(read_timeout=5, retries={"max_attempts": 1}),
    )


def test_empty_and_full_objects_are_stored_and_read_back(endpoint):
    s3 = a_client("s3", endpoint)
    s3.create_bucket(Bucket="stack-bucket")
    for key, body in (("empty", b""), ("full", b"x" * 2_000_000)):  # both send Expect
        s3.put_object(Bucket="stack-bucket", Key=key, Body=body)
        assert s3.get_object(Bucket="stack-bucket", Key=key)["Body"].read() == body


def test_calls_share_one_kept_alive_connection(endpoint):
    dynamodb = a_client("dynamodb", endpoint)
    dynamodb.create_table(
        TableName="kept",
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for n in range(5):
        dynamodb.put_item(TableName="kept", Item={"k": {"S": str(n)}})
        assert dynamodb.get_item(TableName="kept", Key={"k": {"S": str(n)}})["Item"]
    assert pool_connections(dynamodb) == 1


def pool_connections(client) -> int:
    """How many connections the client's pool for the endpoint has opened."""
    pools = client._endpoint.http_session._manager.pools
    return sum(pool.num_connections for pool in pools._container.values())


def test_hundreds_of_open_connections_leave_room_for_a_new_one(endpoint):
    """A busy stack keeps hundreds of connections open in its clients' pools."""
    host, port = endpoint.removeprefix("http://").split(":")
    held = [socket.create_connection((host, int(port))) for _ in range(300)]
    try:
        assert "TableNames" in a_client("dynamodb", endpoint).list_tables()
    finally:
        for connection in held:
            connection.close()
