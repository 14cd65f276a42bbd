"""Publishing safety (issue 19): at send time the account must still be the workspace's,
connected, and the network identity the post was scheduled for; and the sweeper arms
every post whose arming failed, however far ahead it is due."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta

from chalicelib.store.base import iso, utcnow
from tests.support.factories import call


def schedule_through_the_api(world, account: str, text: str, lead: int = 3) -> tuple[str, datetime]:
    at = datetime.fromtimestamp(math.ceil(time.time() + lead), UTC)
    body = {
        "text": text,
        "targets": [{"account_id": account}],
        "when": {"at": at.strftime("%Y-%m-%dT%H:%M:%S"), "timezone": "UTC"},
    }
    answer = call(
        world.client, "POST", f"/v1/workspaces/{world.ws}/posts", body, world.owner.headers
    )
    assert answer.status_code == 201, answer.json
    return answer.json["id"], at


def reconnect_as_another_identity(world, account_id: str, network: str, user: str) -> str:
    """The account's slot now holds another identity of the network, with that identity's
    working tokens (what a reconnect into the same slot would write)."""
    from chalicelib.oauth.connect import sealed_secrets
    from chalicelib.oauth.tokens import store_secrets
    from chalicelib.store import accounts as account_store
    from tests.support.networks import adapter, connect

    net = adapter(network)
    grant = connect(net, user=user)
    identity = net.identities(grant)[0]
    item = account_store.get(world.ws, account_id)
    assert identity.external_id != item.external_id
    item.external_id, item.display_name, item.handle = (
        identity.external_id,
        identity.name,
        identity.username,
    )
    store_secrets(item, sealed_secrets(grant, identity))
    assert account_store.get(world.ws, account_id).status == "connected"
    return identity.name


def test_the_target_keeps_the_identity_its_account_had_when_scheduled(world):
    from chalicelib.store import accounts as account_store

    x = world.account("x")
    post_id, _ = schedule_through_the_api(world, x, "Which identity?", lead=300)
    [target] = world.post(post_id).targets
    assert target.account_external_id == account_store.get(world.ws, x).external_id


def test_an_account_reconnected_as_another_identity_gets_nothing_and_the_target_fails(world):
    x = world.account("x")
    post_id, _ = schedule_through_the_api(world, x, "Only for the bakery's own account")
    name = reconnect_as_another_identity(world, x, "x", user="someone-else")
    item = world.wait_for(post_id)
    assert item.status == "failed"
    [target] = item.targets
    assert target.status == "failed"
    assert "is no longer the X identity this post was scheduled for" in target.error
    assert name in target.error  # the reason names the account
    assert world.sandbox.posts("x") == []  # nothing sent to anyone
    # The user sees the reason through the API too.
    answer = call(
        world.client,
        "GET",
        f"/v1/workspaces/{world.ws}/posts/{post_id}",
        headers=world.owner.headers,
    )
    assert "no longer the X identity" in answer.json["targets"][0]["error"]


def test_a_retry_after_the_identity_changed_sends_nothing_either(world):
    """A target waiting for its retry is not cancelled by a disconnect: the check at send
    time is what keeps it from the other identity."""
    x = world.account("x")
    world.sandbox.fault("x", "5xx", 1)
    post_id, _ = schedule_through_the_api(world, x, "Retried after a server error", lead=1)
    world.wait_for(post_id, lambda item: item.targets[0].status == "retrying")
    reconnect_as_another_identity(world, x, "x", user="someone-else")
    item = world.wait_for(post_id, timeout=30)
    assert item.targets[0].status == "failed"
    assert "no longer the X identity" in item.targets[0].error
    assert world.sandbox.posts("x") == []


def test_an_account_of_another_network_in_the_slot_gets_nothing(world):
    from chalicelib.store import accounts as account_store

    x = world.account("x")
    post_id, _ = schedule_through_the_api(world, x, "Meant for X")
    item = account_store.get(world.ws, x)
    item.network = "mastodon"  # the slot now names an account of another network
    account_store.save(item)
    item = world.wait_for(post_id)
    assert item.targets[0].status == "failed"
    assert "no longer the X identity" in item.targets[0].error
    assert world.sandbox.posts("x") == [] and world.sandbox.posts("mastodon") == []


def test_a_disconnected_account_gets_nothing_and_the_reason_names_it(world):
    from chalicelib.store import accounts as account_store

    x = world.account("x")
    post_id, _ = schedule_through_the_api(world, x, "Disconnected meanwhile")
    item = account_store.get(world.ws, x)
    item.status = "disconnected"  # as a disconnect that raced the schedule leaves it
    account_store.save(item)
    item_after = world.wait_for(post_id)
    assert item_after.targets[0].status == "failed"
    assert f"The X account {item.display_name}" in item_after.targets[0].error
    assert "was disconnected" in item_after.targets[0].error
    assert world.sandbox.posts("x") == []


def test_an_account_no_longer_in_the_workspace_gets_nothing(world):
    from chalicelib.store import accounts as account_store

    x = world.account("x")
    post_id, _ = schedule_through_the_api(world, x, "Its account is gone")
    account_store.get(world.ws, x).delete()
    item = world.wait_for(post_id)
    assert item.targets[0].status == "failed"
    assert "no longer in this workspace" in item.targets[0].error
    assert world.sandbox.posts("x") == []


def test_the_sweeper_arms_an_unarmed_post_however_far_ahead_it_is_due(world):
    from chalicelib.aws import client
    from chalicelib.publishing.sweeper import sweep
    from chalicelib.scheduling import schedule_name
    from chalicelib.settings import get_settings

    x = world.account("x")
    far = (utcnow() + timedelta(days=80)).replace(microsecond=0)
    post_id = world.schedule({x: "x"}, "Due in 80 days, never armed", at=far, arm=False)
    counts = sweep()
    assert counts["armed"] == 1
    schedule = client("scheduler").get_schedule(
        GroupName=get_settings().schedule_group, Name=schedule_name(post_id, 1)
    )
    assert schedule["ScheduleExpression"] == f"at({iso(far)[:-1]})"
    item = world.post(post_id)
    assert item.armed_version == 1
    assert item.due_at == iso(far)  # armed: the sweeper need not look before its time
    again = sweep()
    assert again["armed"] == 0 and again["looked_at"] == 0


def test_a_bulk_import_keeps_each_account_identity_on_its_targets(client, sandbox):
    import app as app_module
    from chalicelib import scheduling
    from chalicelib.store import accounts as account_store
    from chalicelib.store.posts import PostItem
    from tests.support.connect import connect
    from tests.support.factories import signup
    from tests.support.imports import commit, day, validated, wait

    def invoke(arn, payload):  # the import worker in a thread, as in the local stack
        return getattr(app_module, arn.rsplit(":", 1)[-1].split("-")[-1])(payload, None)

    scheduling.use_local_invoker(invoke)
    try:
        user = signup(client)
        x = connect(client, user, "x")[0]
        imported = validated(client, user, f"date,time,accounts,text\n{day(2)},09:00,{x},Bulk\n")
        assert commit(client, user, imported["id"]).status_code == 202
        assert wait(client, user, imported["id"])["status"] == "done"
    finally:
        scheduling.use_local_invoker(None)
    [post] = PostItem.query(user.workspace_id)
    expected = account_store.get(user.workspace_id, x).external_id
    assert [t.account_external_id for t in post.targets] == [expected]


def test_an_edit_gives_a_target_written_before_identities_were_kept_its_account_identity(world):
    from chalicelib.store import accounts as account_store

    x = world.account("x")
    post_id = world.schedule({x: "x"}, "Written long ago", at=utcnow() + timedelta(hours=2))
    assert world.post(post_id).targets[0].account_external_id is None
    path = f"/v1/workspaces/{world.ws}/posts/{post_id}"
    answer = call(
        world.client, "PATCH", path, {"version": 1, "text": "Edited"}, world.owner.headers
    )
    assert answer.status_code == 200, answer.json
    expected = account_store.get(world.ws, x).external_id
    assert world.post(post_id).targets[0].account_external_id == expected
