"""Every stored model's DynamoDB client is built once, from the container's one session."""

from __future__ import annotations

import threading

from botocore.session import Session
from pynamodb.attributes import UnicodeAttribute

from chalicelib.aws import build_with_shared_session
from chalicelib.store.base import table_meta
from chalicelib.store.model import StoredModel


def a_model() -> type[StoredModel]:
    """A model class no call has touched yet: no client built."""

    class Fresh(StoredModel):
        Meta = table_meta("audit")
        workspace_id = UnicodeAttribute(hash_key=True)
        event_key = UnicodeAttribute(range_key=True)

    return Fresh


def test_threads_making_their_first_calls_at_once_build_one_client(aws, monkeypatch):
    built = []
    create_client = Session.create_client

    def counted(session, service, *args, **kwargs):
        built.append((service, session))
        return create_client(session, service, *args, **kwargs)

    monkeypatch.setattr(Session, "create_client", counted)
    model = a_model()
    start = threading.Barrier(16)
    clients = []

    def first_call(start: threading.Barrier, clients: list) -> None:
        start.wait()
        clients.append(model._get_connection().connection.client)

    threads = [threading.Thread(target=first_call, args=(start, clients)) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(clients) == 16 and len({id(c) for c in clients}) == 1
    dynamodb = [session for service, session in built if service == "dynamodb"]
    assert len(dynamodb) == 1
    # from the session boto3 clients come from: the service models it loaded are reused
    assert dynamodb[0] is build_with_shared_session(lambda session: session)


def test_a_model_built_from_the_shared_session_reads_and_writes(aws):
    model = a_model()
    model("w_1", "2030-01-01T00:00:00Z#e_1").save()
    assert [r.event_key for r in model.query("w_1")] == ["2030-01-01T00:00:00Z#e_1"]
