"""The followers daily job (chalicelib/analytics/collection.py::collect_followers) against
the sandbox: every network whose adapter gives account figures, its accounts connected
through the API as a user connects them; and a network that answers no follower figure
stores null, never 0."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from chalicelib.analytics import collection
from chalicelib.networks.base import NetworkAdapter
from chalicelib.networks.registry import NETWORK_IDS, adapter_class
from chalicelib.store import accounts as account_store
from chalicelib.store import metrics
from local.sandbox import analytics
from tests.support.connect import connect
from tests.support.factories import SignedUp, call, signup
from tests.support.sandbox import running_sandbox

# The networks whose adapter implements account_metrics (all ten today; a network added
# without it is left out here and its followers are simply not collected).
WITH_ACCOUNT_METRICS = [
    n for n in NETWORK_IDS if adapter_class(n).account_metrics is not NetworkAdapter.account_metrics
]


@pytest.fixture
def sandbox(aws, monkeypatch):
    # A frozen sandbox clock: the figure served is the one of the day the row is for.
    frozen = time.time()
    monkeypatch.setattr(analytics, "clock", lambda: frozen)
    with running_sandbox() as running:
        running.frozen = frozen  # type: ignore[attr-defined]
        yield running


def connected(client, owner: SignedUp, network: str, sandbox, monkeypatch) -> list[str]:
    """The network's accounts, connected through the API (all it offers)."""
    if network == "bluesky":
        answer = call(
            client,
            "POST",
            f"/v1/workspaces/{owner.workspace_id}/accounts/connect",
            {
                "network": "bluesky",
                "handle": "bakery.bsky.social",
                "app_password": "abcd-efgh-ijkl-mnop",
            },
            owner.headers,
        )
        assert answer.status_code == 201, answer.json
        return [answer.json["account"]["id"]]
    body = None
    if network == "mastodon":  # the sandbox's instance is on loopback
        from chalicelib.settings import get_settings

        monkeypatch.setenv("SCHEDULO_ALLOW_LOOPBACK_FETCH", "1")
        get_settings.cache_clear()  # read now: inside a request the test client's stage is set
        get_settings()
        body = {"instance_url": f"{sandbox.url}/mastodon"}
    return connect(client, owner, network, body)


def test_every_network_with_account_metrics_is_collected():
    assert set(WITH_ACCOUNT_METRICS) == set(NETWORK_IDS) and len(NETWORK_IDS) == 10


@pytest.mark.parametrize("network", WITH_ACCOUNT_METRICS)
def test_the_daily_job_stores_each_accounts_followers(client, sandbox, network, monkeypatch):
    owner = signup(client)
    ids = connected(client, owner, network, sandbox, monkeypatch)
    now = datetime.fromtimestamp(sandbox.frozen, UTC)

    report = collection.collect_followers(now)  # the daily job: every workspace

    assert (report.followers, report.calls) == (len(ids), len(ids))
    for account_id in ids:
        account = account_store.get(owner.workspace_id, account_id)
        [day] = metrics.account_days(owner.workspace_id, account_id, now.date(), now.date())
        expected = analytics.followers(network, account.external_id, sandbox.frozen)
        assert (day.network, day.followers) == (network, expected)


def test_a_network_giving_no_follower_figure_stores_null_not_zero(client, sandbox, monkeypatch):
    """A LinkedIn member whose grant lacks the follower count permission (granted to
    approved apps only): LinkedIn refuses that call, the adapter answers no figure."""
    from chalicelib.aws import client as aws_client
    from chalicelib.settings import get_settings

    owner = signup(client)
    ids = connected(client, owner, "linkedin", sandbox, monkeypatch)
    members = [
        a
        for a in ids
        if account_store.get(owner.workspace_id, a).external_id.startswith("urn:li:person:")
    ]
    [member] = members
    for token in sandbox.state.tokens.values():
        if token.network == "linkedin":
            token.scopes = tuple(s for s in token.scopes if s != "r_member_followersCount")
    now = datetime.fromtimestamp(sandbox.frozen, UTC)

    report = collection.collect_followers(now, workspace_id=owner.workspace_id)

    assert report.followers == len(ids)  # a row for each, the member's without a figure
    refused = sandbox.calls_to("/linkedin/rest/memberFollowersCount")
    assert refused and refused[-1].status == 403
    [day] = metrics.account_days(owner.workspace_id, member, now.date(), now.date())
    assert day.followers is None
    stored = aws_client("dynamodb").get_item(
        TableName=get_settings().tables.metrics,
        Key={
            "workspace_id": {"S": owner.workspace_id},
            "item_key": {"S": metrics.day_key(member, now.date())},
        },
    )["Item"]
    assert stored.get("followers", {"NULL": True}) == {"NULL": True}  # null, not {"N": "0"}
    for other in set(ids) - {member}:  # the organisations' follows are still counted
        [day] = metrics.account_days(owner.workspace_id, other, now.date(), now.date())
        assert isinstance(day.followers, int) and day.followers > 0
