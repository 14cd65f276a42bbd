"""The operators' console: operators only; a tenant's metadata, its posts' text only
under the support access its admins grant; suspension stops publishing and post writes;
every action lands in the operators' log and in the workspace's audit log."""

from __future__ import annotations

import io
import json
import logging
from datetime import datetime, timedelta

import pytest

from chalicelib.store.base import utcnow
from tests.support.factories import add_member, call, make_operator, signup
from tests.support.publishing import PublishingWorld, invoke_publisher
from tests.support.sandbox import running_sandbox

SECRET_TEXT = "Our unreleased spring menu"


def _tenant(client, operator, ws):
    answer = call(client, "GET", f"/v1/admin/workspaces/{ws}", headers=operator.headers)
    assert answer.status_code == 200, answer.json
    return answer.json


def _workspace_log(ws, action):
    from chalicelib.store.audit import list_events

    events, _ = list_events(ws, 200, None)
    return [e for e in events if e.action == action]


def _dead_letters():
    from chalicelib.aws import client as aws_client
    from chalicelib.settings import get_settings

    queue = get_settings().dead_letter_queue_url
    return (
        aws_client("sqs")
        .receive_message(QueueUrl=queue, MaxNumberOfMessages=10)
        .get("Messages", [])
    )


def _operators_log(client, operator):
    answer = call(client, "GET", "/v1/admin/log", headers=operator.headers)
    assert answer.status_code == 200, answer.json
    return answer.json["items"]


def test_only_operators_reach_the_console(client, monkeypatch):
    operator = make_operator(monkeypatch, signup(client))
    owner = signup(client, name="Corner Bakery")
    ws = owner.workspace_id
    refused = [
        ("GET", "/v1/admin/workspaces?q=bakery", None),
        ("GET", f"/v1/admin/workspaces/{ws}", None),
        ("POST", f"/v1/admin/workspaces/{ws}/suspend", {"reason": "unpaid invoices"}),
        ("POST", f"/v1/admin/workspaces/{ws}/unsuspend", {"reason": "paid"}),
        ("PUT", f"/v1/admin/workspaces/{ws}/feature-flags", {"flags": {"beta": True}}),
        ("POST", f"/v1/admin/workspaces/{ws}/accounts/a_x/force-reconnect", {"reason": "abc"}),
        ("GET", "/v1/admin/log", None),
    ]
    for method, path, body in refused:
        answer = call(client, method, path, body, owner.headers)  # the tenant's own owner
        assert answer.status_code == 403, (path, answer.json)
        assert call(client, method, path, body, {}).status_code == 401
    assert call(client, "GET", "/v1/me", headers=owner.headers).json["operator"] is False
    assert call(client, "GET", "/v1/me", headers=operator.headers).json["operator"] is True
    assert _workspace_log(ws, "workspace.suspended") == []


def test_operators_find_a_tenant_by_name_id_or_a_members_email(client, monkeypatch):
    operator = make_operator(monkeypatch, signup(client))
    owner = signup(client, name="Bakery Owner")
    call(
        client,
        "PATCH",
        f"/v1/workspaces/{owner.workspace_id}",
        {"name": "Corner Bakery"},
        owner.headers,
    )
    other = signup(client)
    for q in ("corner bak", owner.workspace_id, owner.email.upper()):
        answer = call(client, "GET", f"/v1/admin/workspaces?q={q}", headers=operator.headers)
        assert answer.status_code == 200, answer.json
        ids = [item["id"] for item in answer.json["items"]]
        assert owner.workspace_id in ids, q
        assert other.workspace_id not in ids
    bad = call(client, "GET", "/v1/admin/workspaces?limit=0", headers=operator.headers)
    assert bad.status_code in (400, 422) and "limit" in json.dumps(bad.json)
    assert any(e["action"] == "operator.searched" for e in _operators_log(client, operator))


@pytest.fixture
def world(client, aws, monkeypatch):
    with running_sandbox() as sandbox, PublishingWorld(client, sandbox) as running:
        yield running


def _due_post(world, account, text):
    """A post due a second ago, not armed: the test invokes the publisher itself."""
    return world.schedule({account: "x"}, text, at=utcnow() - timedelta(seconds=1), arm=False)


def test_a_tenant_shows_metadata_only_until_its_admin_grants_support_access(
    client, world, monkeypatch
):
    operator = make_operator(monkeypatch, signup(client))
    owner, ws = world.owner, world.ws
    editor = add_member(client, owner, "editor")
    account = world.account("x")
    post_id = _due_post(world, account, SECRET_TEXT)
    invoke_publisher({"workspace_id": ws, "post_id": post_id, "version": 1})

    seen = _tenant(client, operator, ws)
    assert {m["email"] for m in seen["members"]} == {owner.email, editor.email}
    assert [(a["id"], a["status"]) for a in seen["accounts"]] == [(account, "connected")]
    assert seen["counts"]["published"] == 1
    assert seen["plan"] == "free" and seen["suspended"] is None
    assert seen["content_shown"] is False and seen["support_access_until"] is None
    assert [p["post_id"] for p in seen["recent_posts"]] == [post_id]
    assert SECRET_TEXT not in json.dumps(seen)

    # An editor may not grant it; an admin (the owner) may, for a day or a week only.
    grant = f"/v1/workspaces/{ws}/support-access"
    assert call(client, "PUT", grant, {"hours": 24}, editor.headers).status_code == 403
    bad = call(client, "PUT", grant, {"hours": 5}, owner.headers)
    assert bad.status_code in (400, 422) and "hours" in json.dumps(bad.json)
    granted = call(client, "PUT", grant, {"hours": 24}, owner.headers)
    assert granted.status_code == 200, granted.json
    until = granted.json["support_access_until"]
    assert until > (utcnow() + timedelta(hours=23)).isoformat()

    seen = _tenant(client, operator, ws)
    assert seen["content_shown"] is True and seen["support_access_until"] == until
    assert seen["recent_posts"][0]["text"] == SECRET_TEXT
    assert _workspace_log(ws, "support_access.granted")[0].actor == owner.user_id
    viewed = [json.loads(e.details) for e in _workspace_log(ws, "operator.viewed")]
    assert [v["content"] for v in viewed] == [True, False]  # newest first
    assert {v["operator_id"] for v in viewed} == {operator.user_id}

    revoked = call(client, "DELETE", grant, headers=owner.headers)
    assert revoked.status_code == 200 and revoked.json["support_access_until"] is None
    assert SECRET_TEXT not in json.dumps(_tenant(client, operator, ws))


def test_a_suspended_workspace_publishes_nothing_and_takes_no_posts(client, world, monkeypatch):
    operator = make_operator(monkeypatch, signup(client))
    owner, ws = world.owner, world.ws
    account = world.account("x")
    # Due two days ago (handed over late): lifting the suspension leaves it failed.
    waiting = world.schedule(
        {account: "x"}, "Due while suspended", at=utcnow() - timedelta(days=2), arm=False
    )

    base = f"/v1/admin/workspaces/{ws}"
    short = call(client, "POST", f"{base}/suspend", {"reason": ""}, operator.headers)
    assert short.status_code in (400, 422) and "reason" in json.dumps(short.json)
    answer = call(
        client, "POST", f"{base}/suspend", {"reason": "Unpaid invoices"}, operator.headers
    )
    assert answer.status_code == 200, answer.json
    assert answer.json["suspended"]["reason"] == "Unpaid invoices"

    # The publisher refuses the due post, saying why, and the network hears nothing.
    invoke_publisher({"workspace_id": ws, "post_id": waiting, "version": 1})
    item = world.post(waiting)
    assert item.status == "failed"
    assert "suspended: Unpaid invoices" in item.targets[0].error
    assert world.sandbox.posts("x") == []
    # An operator's own refusal is no network failure: no dead letter (nor its alarm).
    assert _dead_letters() == []

    # Writing posts answers 423 with the reason; the workspace says it is suspended.
    body = {"text": "New post", "targets": [{"account_id": account}]}
    created = call(client, "POST", f"/v1/workspaces/{ws}/posts", body, owner.headers)
    assert created.status_code == 423, created.json
    assert created.json["error"]["code"] == "workspace_suspended"
    assert "Unpaid invoices" in created.json["error"]["message"]
    me = call(client, "GET", "/v1/me", headers=owner.headers).json
    mine = next(w for w in me["workspaces"] if w["id"] == ws)
    assert mine["suspended"]["reason"] == "Unpaid invoices"

    # Both logs hold the suspension, naming the operator.
    event = _workspace_log(ws, "workspace.suspended")[0]
    assert event.actor == "operator"
    assert json.loads(event.details) == {
        "operator_id": operator.user_id,
        "reason": "Unpaid invoices",
    }
    logged = [e for e in _operators_log(client, operator) if e["action"] == "workspace.suspended"]
    assert logged[0]["workspace_id"] == ws and logged[0]["operator_id"] == operator.user_id

    # Lifted: posts are taken and published again.
    lifted = call(client, "POST", f"{base}/unsuspend", {"reason": "Paid"}, operator.headers)
    assert lifted.status_code == 200 and lifted.json["suspended"] is None
    assert _workspace_log(ws, "workspace.unsuspended")
    again = _due_post(world, account, "After the suspension")
    invoke_publisher({"workspace_id": ws, "post_id": again, "version": 1})
    assert world.post(again).status == "published"
    created = call(client, "POST", f"/v1/workspaces/{ws}/posts", body, owner.headers)
    assert created.status_code == 201, created.json
    failures = _tenant(client, operator, ws)["recent_failures"]
    assert [(f["post_id"], f["network"], f["kind"]) for f in failures] == [(waiting, "x", "failed")]
    assert failures[0]["reason"] is None  # metadata only without support access


def test_operators_force_a_reconnect_and_set_feature_flags(client, world, monkeypatch):
    operator = make_operator(monkeypatch, signup(client))
    ws = world.ws
    account = world.account("x")
    base = f"/v1/admin/workspaces/{ws}"

    forced = call(
        client,
        "POST",
        f"{base}/accounts/{account}/force-reconnect",
        {"reason": "token leaked in a support ticket"},
        operator.headers,
    )
    assert forced.status_code == 200, forced.json
    assert forced.json["accounts"][0]["status"] == "needs_reconnect"
    owner_view = call(client, "GET", f"/v1/workspaces/{ws}/accounts", headers=world.owner.headers)
    assert owner_view.json["items"][0]["status"] == "needs_reconnect"
    missing = call(
        client,
        "POST",
        f"{base}/accounts/a_none/force-reconnect",
        {"reason": "nobody"},
        operator.headers,
    )
    assert missing.status_code == 404
    assert _workspace_log(ws, "account.reconnect_forced")[0].target == account

    flags = call(
        client, "PUT", f"{base}/feature-flags", {"flags": {"threads_beta": True}}, operator.headers
    )
    assert flags.status_code == 200 and flags.json["feature_flags"] == {"threads_beta": True}
    bad = call(
        client, "PUT", f"{base}/feature-flags", {"flags": {"Bad Name": True}}, operator.headers
    )
    assert bad.status_code in (400, 422), bad.json
    assert json.loads(_workspace_log(ws, "workspace.flags_set")[0].details)["after"] == {
        "threads_beta": True
    }
    actions = {e["action"] for e in _operators_log(client, operator)}
    assert {"account.reconnect_forced", "workspace.flags_set"} <= actions


def test_the_health_page_counts_each_networks_attempts_queues_and_the_sweep(
    client, world, monkeypatch
):
    from chalicelib.publishing.sweeper import sweep

    operator = make_operator(monkeypatch, signup(client))
    assert call(client, "GET", "/v1/admin/health", headers=world.owner.headers).status_code == 403
    quiet = call(client, "GET", "/v1/admin/health", headers=operator.headers)
    assert quiet.status_code == 200, quiet.json
    assert quiet.json["networks"] == [] and quiet.json["sweeper"] is None

    x, linkedin = world.account("x"), world.account("linkedin")
    for network, fault in (("x", None), ("x", "duplicate"), ("x", "5xx"), ("linkedin", None)):
        if fault:
            world.sandbox.fault(network, fault)
        account = x if network == "x" else linkedin
        due = utcnow() - timedelta(seconds=1)
        post_id = world.schedule({account: network}, f"Health {fault}", at=due, arm=False)
        invoke_publisher({"workspace_id": world.ws, "post_id": post_id, "version": 1})
    # A post written but never armed: the sweeper arms it, and the page says so.
    unarmed = world.schedule({x: "x"}, "Tomorrow", at=utcnow() + timedelta(days=1), arm=False)
    assert sweep()["armed"] == 1

    answer = call(client, "GET", "/v1/admin/health", headers=operator.headers)
    assert answer.status_code == 200, answer.json
    health = answer.json
    by_network = {n["network"]: n for n in health["networks"]}
    assert set(by_network) == {"x", "linkedin"}
    seen = by_network["x"]["hour"]
    assert (seen["attempts"], seen["published"], seen["retried"], seen["failed"]) == (3, 1, 1, 1)
    assert seen["success_rate"] == 0.5
    assert seen["failure_kinds"] == {"duplicate": 1, "transient": 1}
    # Published a second or so after its due second: p50 and p99 within a bin of that.
    assert 0 < seen["lateness_p50_seconds"] <= seen["lateness_p99_seconds"] < 60
    assert by_network["x"]["day"] == seen
    assert by_network["linkedin"]["hour"]["success_rate"] == 1.0
    assert by_network["x"]["name"] == "X" and by_network["linkedin"]["name"] == "LinkedIn"

    queues = {q["name"]: q for q in health["queues"]}
    assert set(queues) == {"dead_letters", "webhooks", "metrics_dead_letters"}
    assert queues["dead_letters"]["visible"] == 1  # the duplicate, failed for good
    assert all(q["error"] is None for q in queues.values()), queues
    assert health["collection"] == {"due": 0, "oldest_due_at": None}  # first refresh: +1 h

    sweeper = health["sweeper"]
    assert sweeper["counts"]["armed"] == 1
    assert sweeper["acted_on"] == [
        {"workspace_id": world.ws, "post_id": unarmed, "action": "armed"}
    ]
    assert sweeper["at"] <= health["generated_at"]


def test_the_sweep_names_the_networks_over_the_alarms_thresholds_in_one_metric_each(
    client, world, monkeypatch, capfd
):
    """The per-network failure-rate and lateness alarms watch one metric each, which the
    sweeper works out from the publisher's counters: how many networks failed over a
    fifth of their posts (of 5 or more), and the worst network's lateness p99. The
    networks are named in its log line and on the operators' page."""
    from chalicelib.observability import SERVICE
    from chalicelib.publishing.sweeper import sweep
    from tests.publishing.test_signals import emitted, log_lines

    operator = make_operator(monkeypatch, signup(client))
    capfd.readouterr()
    sweep()  # nothing attempted: nothing sent to CloudWatch
    quiet = [m for m in emitted(capfd.readouterr().out) if m.get("network") is None]
    assert quiet == []

    x, linkedin = world.account("x"), world.account("linkedin")
    world.sandbox.fault("linkedin", "duplicate", 2)  # 2 of 5 failed for good: 40 %
    for n in range(5):
        due = utcnow() - timedelta(seconds=1)
        post_id = world.schedule({linkedin: "linkedin"}, f"Linkedin {n}", at=due, arm=False)
        invoke_publisher({"workspace_id": world.ws, "post_id": post_id, "version": 1})
    # X: one failure in one attempt is not enough to judge, but its post went out 2 minutes
    # after its time: over the lateness alarm's 60 s.
    world.sandbox.fault("x", "duplicate", 1)
    for text, late in (("X failed", timedelta(seconds=1)), ("X late", timedelta(minutes=2))):
        post_id = world.schedule({x: "x"}, text, at=utcnow() - late, arm=False)
        invoke_publisher({"workspace_id": world.ws, "post_id": post_id, "version": 1})
    written = io.StringIO()
    for handler in logging.getLogger(SERVICE).handlers:  # bound to stdout at import
        if isinstance(handler, logging.StreamHandler):
            monkeypatch.setattr(handler, "stream", written)
    capfd.readouterr()
    sweep()

    out = capfd.readouterr().out
    figures = {m["name"]: m for m in emitted(out) if m.get("network") is None}
    assert figures["NetworksFailing"]["value"] == [1]
    assert figures["NetworksFailing"]["service"] == "schedulo-api"
    assert figures["WorstLatenessP99Seconds"]["unit"] == "Seconds"
    # A bin's upper edge: within a quarter above the 2 minutes.
    [worst] = figures["WorstLatenessP99Seconds"]["value"]
    assert 120 <= worst <= 150
    logged = log_lines(written.getvalue())
    [line] = [line for line in logged if line["message"] == "publishing signals"]
    assert line["level"] == "WARNING"
    assert line["networks_failing"] == {"linkedin": 0.4}
    assert set(line["networks_late"]) == {"x"}

    page = call(client, "GET", "/v1/admin/health", headers=operator.headers)
    assert page.status_code == 200, page.json
    assert page.json["sweeper"]["networks_failing"] == {"linkedin": 0.4}
    assert list(page.json["sweeper"]["networks_late"]) == ["x"]


def test_lifting_a_suspension_publishes_what_it_refused_lately_and_tells_of_the_rest(
    client, world, monkeypatch
):
    operator = make_operator(monkeypatch, signup(client))
    ws = world.ws
    x, linkedin = world.account("x"), world.account("linkedin")
    base = f"/v1/admin/workspaces/{ws}"
    suspend = call(client, "POST", f"{base}/suspend", {"reason": "Chargeback"}, operator.headers)
    assert suspend.status_code == 200, suspend.json

    # Refused while suspended: a post due a minute ago on two networks, and one due two
    # days ago that the sweeper only now handed over (too late to go out after all).
    recent = world.schedule(
        {x: "x", linkedin: "linkedin"},
        "Weekend opening hours",
        utcnow() - timedelta(minutes=1),
        False,
    )
    stale = world.schedule({x: "x"}, "Friday's special", utcnow() - timedelta(days=2), False)
    for post_id in (recent, stale):
        invoke_publisher({"workspace_id": ws, "post_id": post_id, "version": 1})
        assert world.post(post_id).status == "failed"
    assert world.sandbox.posts("x") == [] and world.sandbox.posts("linkedin") == []

    lifted = call(client, "POST", f"{base}/unsuspend", {"reason": "Resolved"}, operator.headers)
    assert lifted.status_code == 200, lifted.json

    item = world.wait_for(recent, lambda p: p.status == "published")
    assert [t.status for t in item.targets] == ["published", "published"]
    assert [p["text"] for p in world.sandbox.posts("x")] == ["Weekend opening hours"]
    assert len(world.sandbox.posts("linkedin")) == 1
    left = world.post(stale)
    assert left.status == "failed" and left.targets[0].error.startswith(
        "This workspace is suspended"
    )

    inbox = call(client, "GET", f"/v1/workspaces/{ws}/notifications", headers=world.owner.headers)
    told = [n for n in inbox.json["items"] if n["kind"] == "workspace.unsuspended"]
    assert len(told) == 1
    assert "1 post held back during the suspension is being published now" in told[0]["message"]
    assert "1 post due more than a day ago stayed unpublished" in told[0]["message"]
    logged = json.loads(_workspace_log(ws, "workspace.unsuspended")[0].details)
    assert logged["republished"] == [recent] and logged["left_failed"] == [stale]


def test_an_operator_extends_a_trial_recorded_in_both_logs(client, monkeypatch):
    from chalicelib.settings import get_settings

    monkeypatch.setenv("SCHEDULO_STRIPE_SECRET_KEY", "sk_test_schedulo_tests")
    monkeypatch.setenv("SCHEDULO_TRIAL_DAYS", "14")
    get_settings.cache_clear()
    operator = make_operator(monkeypatch, signup(client))
    owner = signup(client, name="Corner Bakery")
    ws = owner.workspace_id
    path = f"/v1/admin/workspaces/{ws}/extend-trial"
    body = {"days": 7, "reason": "Onboarding call ran late"}

    assert call(client, "POST", path, body, owner.headers).status_code == 403
    for days in (0, 91, "a week"):
        bad = call(client, "POST", path, {**body, "days": days}, operator.headers)
        assert bad.status_code in (400, 422) and "days" in json.dumps(bad.json), bad.json
    before = _tenant(client, operator, ws)
    assert (before["plan"], before["billing_status"]) == ("pro", "trialing")

    answer = call(client, "POST", path, body, operator.headers)
    assert answer.status_code == 200, answer.json
    moved = datetime.fromisoformat(answer.json["trial_ends_at"]) - datetime.fromisoformat(
        before["trial_ends_at"]
    )
    assert moved == timedelta(days=7)
    billing = call(client, "GET", f"/v1/workspaces/{ws}/billing", headers=owner.headers).json
    assert billing["status"] == "trialing" and billing["trial_days_left"] == 21

    # The workspace's log says Schedulo support did it; the operators' log says who and why.
    event = _workspace_log(ws, "billing.trial_extended")[0]
    assert event.actor == "operator" and json.loads(event.details)["days"] == 7
    logged = [
        e for e in _operators_log(client, operator) if e["action"] == "billing.trial_extended"
    ]
    assert logged[0]["operator_id"] == operator.user_id and logged[0]["workspace_id"] == ws
    assert logged[0]["details"] == {"days": 7, "reason": "Onboarding call ran late"}

    # Without billing there is no trial to extend: 409, and nothing is logged.
    monkeypatch.delenv("SCHEDULO_STRIPE_SECRET_KEY")
    get_settings.cache_clear()
    off = call(client, "POST", path, body, operator.headers)
    assert off.status_code == 409, off.json
    assert len(_workspace_log(ws, "billing.trial_extended")) == 1
