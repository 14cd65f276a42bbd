"""The reads that decide access are strongly consistent: a removed member, a changed role
or a revoked API key takes effect with the next request, not when a replica catches up."""

from __future__ import annotations

import pytest
from pynamodb.connection.base import Connection

from chalicelib.store import api_keys, members, workspaces

ACCESS_READS = [
    lambda: members.get_member("w_1", "u_1"),
    lambda: members.list_members("w_1"),
    lambda: members.admin_emails("w_1"),
    lambda: api_keys.get_api_key("w_1", "k_1"),
    lambda: api_keys.list_api_keys("w_1"),
    lambda: workspaces.get_workspace("w_1"),
    lambda: workspaces.get_workspaces(["w_1", "w_2"]),
]


@pytest.mark.parametrize("read", ACCESS_READS)
def test_access_reads_are_consistent(aws, monkeypatch, read):
    sent = []
    make_call = Connection._make_api_call

    def recorded(connection, operation, kwargs):
        sent.append((operation, kwargs))
        return make_call(connection, operation, kwargs)

    monkeypatch.setattr(Connection, "_make_api_call", recorded)
    read()
    assert sent
    for operation, kwargs in sent:
        if operation == "BatchGetItem":
            assert all(keys["ConsistentRead"] for keys in kwargs["RequestItems"].values())
        else:
            assert kwargs["ConsistentRead"] is True, operation
