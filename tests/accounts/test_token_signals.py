"""The refresh job's metrics: TokenRefreshed and TokenRefreshFailed per network (and
kind), as the dashboard shows them."""

from __future__ import annotations

from chalicelib.oauth.health import refresh_expiring_tokens
from chalicelib.oauth.tokens import open_secrets
from chalicelib.store import accounts as account_store
from tests.publishing.test_signals import emitted
from tests.support.connect import connect
from tests.support.factories import signup


def test_a_refresh_and_a_refused_refresh_are_counted_per_network(client, sandbox, capfd):
    owner = signup(client)
    [account_id] = connect(client, owner, "x")
    capfd.readouterr()
    assert refresh_expiring_tokens()["refreshed"] == 1
    metrics = emitted(capfd.readouterr().out)
    assert [(m["name"], m["network"]) for m in metrics] == [("TokenRefreshed", "x")]

    item = account_store.get(owner.workspace_id, account_id)
    sandbox.state.revoke(open_secrets(item)["refresh_token"])
    assert refresh_expiring_tokens()["failed"] == 1
    [failed] = emitted(capfd.readouterr().out)
    assert (failed["name"], failed["network"], failed["kind"]) == (
        "TokenRefreshFailed",
        "x",
        "reauth",
    )
