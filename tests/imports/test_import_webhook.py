"""A bulk import that finished scheduling its posts is sent to the workspace's webhook."""

from __future__ import annotations

import time

from tests.support.connect import connect
from tests.support.factories import signup
from tests.support.imports import commit, day, validated, wait
from tests.support.webhooks import bodies, receiving, register


def test_a_committed_import_sends_import_done(client, sandbox, worker, monkeypatch):
    user = signup(client)
    x = connect(client, user, "x")[0]
    with receiving(monkeypatch) as (receiver, queue):
        register(client, user, f"{receiver.url}/hook", ["import.done"])
        csv = f"date,time,accounts,text\n{day(2)},09:00,{x},One\n{day(3)},10:00,{x},Two\n"
        imported = validated(client, user, csv)
        assert commit(client, user, imported["id"]).status_code == 202
        assert wait(client, user, imported["id"])["status"] == "done"
        deadline = time.monotonic() + 10  # the worker sends it just after writing "done"
        while not queue.sent and time.monotonic() < deadline:
            time.sleep(0.05)
        assert queue.deliver_all() == ["succeeded"]
        [event] = bodies(receiver)
        assert event["type"] == "import.done"
        assert event["data"] == {
            "import_id": imported["id"],
            "status": "done",
            "rows": 2,
            "valid_rows": 2,
            "created_posts": 2,
        }
