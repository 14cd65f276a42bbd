"""Issue 19: the state of one's own plain connect (a network with one identity, no choice
to make) given as a pending choice is a 404, not a 500, and leaves the connect usable."""

from __future__ import annotations

from tests.support.connect import callback, start
from tests.support.factories import call, signup


def test_a_plain_connects_state_is_no_pending_choice(client, sandbox):
    owner = signup(client)
    consent = start(client, owner, "x")  # one identity: no choice is ever offered
    path = f"/v1/workspaces/{owner.workspace_id}/accounts/pending/{consent.state}"
    shown = call(client, "GET", path, headers=owner.headers)
    assert shown.status_code == 404, shown.body
    assert shown.json["error"]["code"] == "not_found"
    chosen = call(client, "POST", path, {"external_ids": ["anything"]}, owner.headers)
    assert chosen.status_code == 404, chosen.body
    # The state was neither spent nor broken: the connect finishes as it would have.
    finished = callback(client, "x", consent)
    assert finished.status_code == 302
    assert "connected=" in finished.headers["Location"]
