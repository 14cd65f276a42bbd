"""A suspended workspace commits no bulk import (423 with the reason); lifted, it does."""

from __future__ import annotations

from tests.support.connect import connect
from tests.support.factories import call, make_operator, signup
from tests.support.imports import commit, day, validated, wait


def test_a_suspended_workspace_cannot_commit_an_import(client, sandbox, worker, monkeypatch):
    operator = make_operator(monkeypatch, signup(client))
    user = signup(client)
    x = connect(client, user, "x")[0]
    imported = validated(
        client, user, f"date,time,accounts,text\n{day(2)},09:00,{x},From the CSV\n"
    )
    assert imported["status"] == "ready", imported["errors"]
    base = f"/v1/admin/workspaces/{user.workspace_id}"
    suspended = call(
        client, "POST", f"{base}/suspend", {"reason": "Spam reports"}, operator.headers
    )
    assert suspended.status_code == 200, suspended.json

    refused = commit(client, user, imported["id"])
    assert refused.status_code == 423, refused.json
    assert "Spam reports" in refused.json["error"]["message"]

    call(client, "POST", f"{base}/unsuspend", {"reason": "Reviewed"}, operator.headers)
    started = commit(client, user, imported["id"])
    assert started.status_code == 202, started.json
    assert wait(client, user, imported["id"])["created_posts"] == 1
