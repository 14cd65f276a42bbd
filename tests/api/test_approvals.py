"""Approvals (issue 21) through the API: the policy, submit / approve / reject / request
changes, re-approval on edits, races, expiry, bulk decisions, the inbox, API keys, and
what each decision tells (audit, timeline, webhooks, e-mails)."""

from __future__ import annotations

import threading
from datetime import timedelta

import boto3
import pytest

from chalicelib.settings import get_settings
from chalicelib.store.base import utcnow
from tests.support.clock import ahead, wall
from tests.support.factories import api_key, bearer, call, join, new_owner
from tests.support.mail import sent_messages
from tests.support.posting import an_account

ROLE_POLICY = {"mode": "role", "required_below": "admin"}


@pytest.fixture
def team(client):
    """An owner, an admin, two editors and a viewer in one workspace with an X account.
    Made by the app's own account and invitation code (tests/support/factories.py
    `new_owner`, `join`), without the sign-up and invitation requests and e-mails: not
    what these tests are about (tests/api/test_members.py goes through them)."""
    owner = new_owner()
    team = {
        "owner": owner,
        "admin": join(owner, "admin"),
        "editor": join(owner, "editor"),
        "editor2": join(owner, "editor"),
        "viewer": join(owner, "viewer"),
    }
    team["account"] = an_account(owner.workspace_id, "x")
    return team


def ws_path(team, tail: str = "") -> str:
    return f"/v1/workspaces/{team['owner'].workspace_id}{tail}"


def set_policy(client, team, policy: dict, who: str = "owner"):
    answer = call(client, "PUT", ws_path(team, "/approval-policy"), policy, team[who].headers)
    assert answer.status_code == 200, answer.json
    return answer


def create(client, team, who: str = "editor", days: int = 3, text: str = "Hello", when=True):
    body: dict = {"text": text, "targets": [{"account_id": team["account"]}]}
    if when is True:
        body["when"] = {"at": wall(ahead(days)), "timezone": "UTC"}
    elif when:
        body["when"] = when
    answer = call(client, "POST", ws_path(team, "/posts"), body, team[who].headers)
    assert answer.status_code == 201, answer.json
    return answer.json


def act(client, team, post_id: str, action: str, who: str, body: dict | None = None):
    path = ws_path(team, f"/posts/{post_id}/{action}")
    return call(client, "POST", path, body if body is not None else {}, team[who].headers)


def get(client, team, post_id: str) -> dict:
    answer = call(client, "GET", ws_path(team, f"/posts/{post_id}"), headers=team["owner"].headers)
    assert answer.status_code == 200
    return answer.json


def schedules(post_id: str) -> list[str]:
    scheduler = boto3.client("scheduler")
    found = scheduler.list_schedules(GroupName=get_settings().schedule_group)["Schedules"]
    return sorted(s["Name"] for s in found if post_id in s["Name"])


def edit(client, team, post: dict, who: str = "editor", **changes):
    path = ws_path(team, f"/posts/{post['id']}")
    return call(client, "PATCH", path, {"version": post["version"], **changes}, team[who].headers)


# ------------------------------------------------------------------------------- policy


def test_approvals_are_off_by_default_and_posts_are_scheduled_as_before(client, team):
    answer = call(client, "GET", ws_path(team, "/approval-policy"), headers=team["viewer"].headers)
    assert answer.status_code == 200
    assert answer.json["policy"]["mode"] == "off" and answer.json["updated_by"] is None
    post = create(client, team)
    assert post["status"] == "scheduled" and post["approval"] is None
    assert schedules(post["id"]) == [f"post-{post['id']}-v1"]
    refused = act(client, team, post["id"], "approve", "admin")
    assert refused.status_code == 409


def test_an_approval_arms_the_post_before_its_one_write(client, team):
    """Approved, the post's next version is armed first and written armed: its sweeper
    entry stays at its time, and only that version's schedule is left."""
    from chalicelib.store import posts as store

    set_policy(client, team, ROLE_POLICY)
    post = create(client, team, days=4)
    assert schedules(post["id"]) == [f"post-{post['id']}-v1-expire"]
    approved = act(client, team, post["id"], "approve", "admin")
    assert approved.status_code == 200, approved.json
    assert approved.json["status"] == "scheduled" and approved.json["version"] == 2
    assert schedules(post["id"]) == [f"post-{post['id']}-v2"]
    item = store.get(team["owner"].workspace_id, post["id"])
    assert (item.armed_version, item.due_at) == (2, item.scheduled_at)


def test_only_owners_and_admins_edit_the_policy_and_each_change_is_audited(client, team):
    path = ws_path(team, "/approval-policy")
    for who in ("editor", "viewer"):
        assert call(client, "PUT", path, ROLE_POLICY, team[who].headers).status_code == 403
    set_policy(client, team, ROLE_POLICY, who="admin")
    answer = call(client, "GET", path, headers=team["editor"].headers)
    assert answer.json["policy"]["mode"] == "role"
    assert answer.json["updated_by"] == team["admin"].user_id
    audit = call(client, "GET", ws_path(team, "/audit"), headers=team["owner"].headers).json
    [event] = [e for e in audit["items"] if e["action"] == "approvals.policy_changed"]
    assert event["actor"] == team["admin"].user_id
    assert event["details"]["before"]["mode"] == "off"
    assert event["details"]["after"]["mode"] == "role"


@pytest.mark.parametrize(
    ("policy", "field"),
    [
        ({"mode": "steps", "steps": []}, "body"),
        ({"mode": "steps", "steps": [{"roles": []}]}, "steps[0]"),
        ({"mode": "steps", "steps": [{"roles": ["admin"]}] * 4}, "steps"),
        ({"mode": "steps", "steps": [{"roles": ["chief"]}]}, "steps[0].roles[0]"),
        ({"mode": "role", "required_below": "viewer"}, "body"),
        ({"mode": "sometimes"}, "mode"),
        ({"mode": "off", "surprise": True}, "surprise"),
    ],
)
def test_a_bad_policy_is_a_4xx_naming_the_field(client, team, policy, field):
    answer = call(client, "PUT", ws_path(team, "/approval-policy"), policy, team["owner"].headers)
    assert answer.status_code in (400, 422), answer.json
    fields = [d["field"] for d in answer.json["error"]["details"]]
    assert any(f == field or f.startswith(field) for f in fields), fields


def test_a_named_approver_must_be_a_member(client, team):
    policy = {"mode": "steps", "steps": [{"user_ids": ["u_stranger"]}]}
    answer = call(client, "PUT", ws_path(team, "/approval-policy"), policy, team["owner"].headers)
    assert answer.status_code == 422
    assert answer.json["error"]["details"][0]["field"] == "steps[0].user_ids[0]"


# ---------------------------------------------------------------------------- the flow


def test_an_editors_post_waits_unarmed_and_an_admins_approval_schedules_it(client, team):
    set_policy(client, team, ROLE_POLICY)
    post = create(client, team)
    assert post["status"] == "pending_approval"
    assert post["approval"]["step"] == 0 and post["approval"]["authors"] == [team["editor"].user_id]
    # Nothing pending is armed to publish: only its expiry is.
    assert schedules(post["id"]) == [f"post-{post['id']}-v1-expire"]

    refused = act(client, team, post["id"], "approve", "editor2")
    assert refused.status_code == 403
    approved = act(client, team, post["id"], "approve", "admin", {"comment": "Good to go"})
    assert approved.status_code == 200, approved.json
    body = approved.json
    assert body["status"] == "scheduled" and body["version"] == 2
    assert body["approval"]["approved_at"] is not None
    assert body["approval"]["last"]["comment"] == "Good to go"
    assert schedules(post["id"]) == [f"post-{post['id']}-v2"]


def test_an_admins_own_post_is_scheduled_at_once_under_a_role_policy(client, team):
    set_policy(client, team, ROLE_POLICY)
    post = create(client, team, who="admin")
    assert post["status"] == "scheduled" and post["approval"] is None


def test_no_one_approves_their_own_post_unless_the_policy_allows_it(client, team):
    steps = {"mode": "steps", "required_below": None, "steps": [{"roles": ["admin", "owner"]}]}
    set_policy(client, team, steps)
    post = create(client, team, who="admin")
    assert post["status"] == "pending_approval"
    refused = act(client, team, post["id"], "approve", "admin")
    assert refused.status_code == 403
    assert "someone else" in refused.json["error"]["message"]
    set_policy(client, team, steps | {"allow_self_approval": True})
    mine = create(client, team, who="admin", text="My own, allowed")
    assert act(client, team, mine["id"], "approve", "admin").status_code == 200
    # The first post keeps the policy it was submitted under.
    assert act(client, team, post["id"], "approve", "admin").status_code == 403
    assert act(client, team, post["id"], "approve", "owner").status_code == 200


def test_a_two_step_flow_with_any_then_all(client, team):
    policy = {
        "mode": "steps",
        "required_below": None,
        "steps": [
            {"name": "Editorial", "roles": ["editor"], "rule": "any"},
            {
                "name": "Sign-off",
                "user_ids": [team["admin"].user_id, team["owner"].user_id],
                "rule": "all",
            },
        ],
    }
    set_policy(client, team, policy)
    post = create(client, team)
    assert act(client, team, post["id"], "approve", "admin").status_code == 403  # not step 1
    first = act(client, team, post["id"], "approve", "editor2")
    assert first.status_code == 200 and first.json["status"] == "pending_approval"
    assert first.json["approval"]["step"] == 1
    second = act(client, team, post["id"], "approve", "admin")
    assert second.json["status"] == "pending_approval"  # all of them: the owner too
    assert act(client, team, post["id"], "approve", "admin").status_code == 403  # twice
    last = act(client, team, post["id"], "approve", "owner")
    assert last.status_code == 200 and last.json["status"] == "scheduled"
    assert [a["via"] for a in last.json["approval"]["approvals"]] == ["editor", "named", "named"]


def test_a_step_of_rule_all_stops_waiting_for_a_member_who_left_or_changed_role(client, team):
    approvers = [team["admin"].user_id, team["owner"].user_id]
    policy = {
        "mode": "steps",
        "required_below": None,
        "steps": [{"user_ids": approvers, "rule": "all"}],
    }
    set_policy(client, team, policy)
    post = create(client, team, text="Waiting on two")
    assert post["approval"]["required"] == [sorted(approvers)]
    path = ws_path(team, f"/members/{team['admin'].user_id}")
    assert call(client, "DELETE", path, headers=team["owner"].headers).status_code == 204
    approved = act(client, team, post["id"], "approve", "owner")
    assert approved.status_code == 200, approved.json
    assert approved.json["status"] == "scheduled"
    # Nor for one whose role no longer counts for it.
    roles = {
        "mode": "steps",
        "required_below": None,
        "steps": [{"roles": ["editor"], "rule": "all"}],
    }
    set_policy(client, team, roles)
    post = create(client, team, who="owner", text="Waiting on editors")
    required = {team["editor"].user_id, team["editor2"].user_id}
    assert set(post["approval"]["required"][0]) == required
    path = ws_path(team, f"/members/{team['editor2'].user_id}")
    changed = call(client, "PATCH", path, {"role": "viewer"}, team["owner"].headers)
    assert changed.status_code == 200, changed.json
    approved = act(client, team, post["id"], "approve", "editor")
    assert approved.status_code == 200 and approved.json["status"] == "scheduled"


def audited(client, team, action: str) -> list[dict]:
    audit = call(client, "GET", ws_path(team, "/audit"), headers=team["owner"].headers).json
    return [e for e in audit["items"] if e["action"] == action]


def test_a_step_of_rule_all_waiting_only_for_a_member_who_leaves_passes_at_once(client, team):
    both = [team["admin"].user_id, team["editor2"].user_id]
    policy = {
        "mode": "steps",
        "required_below": None,
        "steps": [{"user_ids": both, "rule": "all"}, {"roles": ["owner"]}],
    }
    set_policy(client, team, policy)
    post = create(client, team, text="Two steps")
    assert act(client, team, post["id"], "approve", "admin").status_code == 200
    assert get(client, team, post["id"])["approval"]["step"] == 0  # still waits for editor2
    left = call(client, "POST", ws_path(team, "/leave"), {}, team["editor2"].headers)
    assert left.status_code == 204, left.json
    moved = get(client, team, post["id"])
    assert moved["status"] == "pending_approval" and moved["approval"]["step"] == 1
    assert moved["approval"]["last"]["actor"] == "system"
    [event] = audited(client, team, "post.step_approved")[:1]
    assert event["target"] == post["id"] and event["actor"] == "system"
    path = ws_path(team, f"/posts/{post['id']}/timeline")
    kinds = [
        e["kind"] for e in call(client, "GET", path, headers=team["owner"].headers).json["items"]
    ]
    assert kinds[-1] == "approved"
    answer = call(client, "GET", ws_path(team, "/notifications"), headers=team["owner"].headers)
    assert "A post waits for your approval" in [n["title"] for n in answer.json["items"]]
    assert schedules(post["id"]) and all("expire" in name for name in schedules(post["id"]))

    # The last step: the post is approved and scheduled, armed to publish.
    set_policy(client, team, {**policy, "steps": [{"roles": ["admin", "editor"], "rule": "all"}]})
    post = create(client, team, who="owner", text="One step")
    assert set(post["approval"]["required"][0]) == {team["admin"].user_id, team["editor"].user_id}
    assert act(client, team, post["id"], "approve", "admin").status_code == 200
    path = ws_path(team, f"/members/{team['editor'].user_id}")
    assert call(client, "DELETE", path, headers=team["owner"].headers).status_code == 204
    done = get(client, team, post["id"])
    assert done["status"] == "scheduled" and done["approval"]["approved_at"]
    [event] = [e for e in audited(client, team, "post.approved") if e["target"] == post["id"]]
    assert event["actor"] == "system" and event["details"]["final"] is True
    assert schedules(post["id"]) and not any("expire" in n for n in schedules(post["id"]))


def test_a_step_of_rule_all_passes_when_the_member_it_waits_for_loses_the_role(client, team):
    policy = {
        "mode": "steps",
        "required_below": None,
        "steps": [{"roles": ["editor"], "rule": "all"}],
    }
    set_policy(client, team, policy)
    post = create(client, team, who="owner", text="Waiting on editors")
    assert act(client, team, post["id"], "approve", "editor").status_code == 200
    assert get(client, team, post["id"])["status"] == "pending_approval"
    path = ws_path(team, f"/members/{team['editor2'].user_id}")
    changed = call(client, "PATCH", path, {"role": "viewer"}, team["owner"].headers)
    assert changed.status_code == 200, changed.json
    assert get(client, team, post["id"])["status"] == "scheduled"


def test_a_step_whose_only_named_approver_left_is_decided_by_owners_and_admins(client, team):
    policy = {
        "mode": "steps",
        "required_below": None,
        "steps": [{"user_ids": [team["editor2"].user_id]}],
    }
    set_policy(client, team, policy)
    before = create(client, team, who="owner", text="Submitted before")
    assert before["approval"]["unstaffed"] == []
    left = call(client, "POST", ws_path(team, "/leave"), {}, team["editor2"].headers)
    assert left.status_code == 204
    # The web app reads who may decide from the post: the step is now open to admins.
    assert get(client, team, before["id"])["approval"]["unstaffed"] == [0]
    after = create(client, team, who="owner", text="Submitted after")
    assert after["approval"]["unstaffed"] == [0]

    # So does the inbox: it waits for the admin now, never for a plain member.
    def waiting(who: str) -> set[str]:
        path = ws_path(team, "/approvals?box=waiting")
        return {p["id"] for p in call(client, "GET", path, headers=team[who].headers).json["items"]}

    assert waiting("admin") == {before["id"], after["id"]} and waiting("editor") == set()
    for post in (before, after):
        refused = act(client, team, post["id"], "approve", "editor")
        assert refused.status_code == 403, refused.json
        assert act(client, team, post["id"], "reject", "viewer").status_code == 403
        approved = act(client, team, post["id"], "approve", "admin")
        assert approved.status_code == 200, approved.json
        assert approved.json["status"] == "scheduled"
        assert approved.json["approval"]["approvals"][0]["via"] == "stand_in"
    assert waiting("admin") == set()


def test_request_changes_then_edit_and_submit_again_then_reject(client, team):
    set_policy(client, team, ROLE_POLICY)
    post = create(client, team)
    sent_back = act(client, team, post["id"], "request-changes", "admin", {"comment": "Shorter"})
    assert sent_back.status_code == 200 and sent_back.json["status"] == "changes_requested"
    assert schedules(post["id"]) == []
    assert act(client, team, post["id"], "approve", "admin").status_code == 409
    edited = edit(client, team, sent_back.json, text="Short")
    assert edited.status_code == 200 and edited.json["status"] == "changes_requested"
    again = act(client, team, post["id"], "submit", "editor", {"comment": "Done"})
    assert again.status_code == 200 and again.json["status"] == "pending_approval"
    assert again.json["approval"]["round"] == 2
    assert schedules(post["id"]) == [f"post-{post['id']}-v{again.json['version']}-expire"]
    assert act(client, team, post["id"], "submit", "editor").status_code == 409
    rejected = act(client, team, post["id"], "reject", "owner", {"comment": "Off brand"})
    assert rejected.status_code == 200 and rejected.json["status"] == "rejected"
    assert rejected.json["approval"]["last"] == {
        "decision": "reject",
        "actor": team["owner"].user_id,
        "at": rejected.json["approval"]["last"]["at"],
        "comment": "Off brand",
        "step": 1,
    }
    assert schedules(post["id"]) == []


def test_a_draft_is_submitted_and_approved_without_a_time_then_scheduled(client, team):
    set_policy(client, team, ROLE_POLICY)
    draft = create(client, team, when=None)
    assert draft["status"] == "draft"
    submitted = act(client, team, draft["id"], "submit", "editor")
    assert submitted.status_code == 200 and submitted.json["status"] == "pending_approval"
    assert schedules(draft["id"]) == []
    approved = act(client, team, draft["id"], "approve", "admin").json
    assert approved["status"] == "approved" and approved["scheduled_at"] is None
    # A time for an approved post: time alone needs no new approval by default.
    timed = edit(client, team, approved, when={"at": wall(ahead(4)), "timezone": "UTC"})
    assert timed.status_code == 200 and timed.json["status"] == "scheduled"


def test_a_viewer_cannot_submit_and_submitting_with_approvals_off_is_409(client, team):
    draft = create(client, team, when=None)
    assert act(client, team, draft["id"], "submit", "viewer").status_code == 403
    off = act(client, team, draft["id"], "submit", "editor")
    assert off.status_code == 409 and "off" in off.json["error"]["message"]


def test_a_publish_now_post_waits_for_approval_and_goes_when_approved(client, team):
    set_policy(client, team, ROLE_POLICY)
    post = create(client, team, when={"now": True})
    assert post["status"] == "pending_approval" and post["scheduled_at"] is None
    assert post["approval"]["publish_now"] is True
    publish = call(
        client,
        "POST",
        ws_path(team, f"/posts/{post['id']}/publish-now"),
        None,
        team["editor"].headers,
    )
    assert publish.status_code == 409
    approved = act(client, team, post["id"], "approve", "admin").json
    assert approved["status"] == "scheduled" and approved["scheduled_at"] is not None


# ------------------------------------------------------------------------------- edits


def test_editing_an_approved_posts_content_sends_it_back_and_time_alone_does_not(client, team):
    set_policy(client, team, ROLE_POLICY)
    post = create(client, team)
    approved = act(client, team, post["id"], "approve", "admin").json
    moved = edit(client, team, approved, when={"at": wall(ahead(5)), "timezone": "UTC"})
    assert moved.status_code == 200 and moved.json["status"] == "scheduled"
    assert schedules(post["id"]) == [f"post-{post['id']}-v{moved.json['version']}"]
    changed = edit(client, team, moved.json, text="Different words")
    assert changed.status_code == 200 and changed.json["status"] == "pending_approval"
    assert changed.json["approval"]["approved_at"] is None
    assert changed.json["approval"]["approvals"] == []
    assert schedules(post["id"]) == [f"post-{post['id']}-v{changed.json['version']}-expire"]
    # An admin's content edit of an approved post also needs approval again.
    approved = act(client, team, post["id"], "approve", "owner").json
    by_admin = edit(client, team, approved, who="admin", text="The admin's words")
    assert by_admin.json["status"] == "pending_approval"
    assert team["admin"].user_id in by_admin.json["approval"]["authors"]
    assert act(client, team, post["id"], "approve", "admin").status_code == 403


def test_the_policy_can_require_approval_again_for_a_new_time(client, team):
    set_policy(client, team, ROLE_POLICY | {"reapprove_on_reschedule": True})
    post = create(client, team)
    approved = act(client, team, post["id"], "approve", "admin").json
    moved = edit(client, team, approved, when={"at": wall(ahead(6)), "timezone": "UTC"})
    assert moved.json["status"] == "pending_approval"


def test_publishing_an_approved_post_now_is_a_new_time_as_the_policy_says(client, team):
    def publish_now(post: dict):
        path = ws_path(team, f"/posts/{post['id']}/publish-now")
        answer = call(client, "POST", path, None, team["editor"].headers)
        assert answer.status_code == 200, answer.json
        return answer.json

    set_policy(client, team, ROLE_POLICY)
    approved = act(client, team, create(client, team)["id"], "approve", "admin").json
    gone = publish_now(approved)
    assert gone["status"] == "scheduled" and gone["scheduled_at"] < approved["scheduled_at"]
    # Where a new time needs approval again, so does "now": it waits, then goes at once.
    set_policy(client, team, ROLE_POLICY | {"reapprove_on_reschedule": True})
    post = create(client, team, text="Now, if approved again")
    approved = act(client, team, post["id"], "approve", "admin").json
    waiting = publish_now(approved)
    assert waiting["status"] == "pending_approval" and waiting["scheduled_at"] is None
    assert waiting["approval"]["publish_now"] is True and waiting["approval"]["approvals"] == []
    assert schedules(post["id"]) == []
    assert any(
        "waits for you" in m and "Now, if approved" in m for m in sent_messages(team["admin"].email)
    )
    again = act(client, team, post["id"], "approve", "admin").json
    assert again["status"] == "scheduled" and again["scheduled_at"] < approved["scheduled_at"]


def test_editing_a_pending_posts_content_restarts_its_steps(client, team):
    policy = {
        "mode": "steps",
        "steps": [{"roles": ["editor"]}, {"roles": ["admin"]}],
        "required_below": "admin",
    }
    set_policy(client, team, policy)
    post = create(client, team)
    halfway = act(client, team, post["id"], "approve", "editor2").json
    assert halfway["approval"]["step"] == 1
    changed = edit(client, team, halfway, text="New words")
    assert changed.json["status"] == "pending_approval"
    assert changed.json["approval"]["step"] == 0 and changed.json["approval"]["approvals"] == []
    retimed = edit(client, team, changed.json, when={"at": wall(ahead(7)), "timezone": "UTC"})
    assert retimed.json["status"] == "pending_approval"


def test_restoring_a_version_follows_the_policy_as_an_edit_by_the_restorer(client, team):
    set_policy(client, team, ROLE_POLICY)

    def restore(post: dict, number: int, who: str):
        path = ws_path(team, f"/posts/{post['id']}/versions/{number}/restore")
        answer = call(client, "POST", path, {"version": post["version"]}, team[who].headers)
        assert answer.status_code == 200, answer.json
        return answer.json

    # An admin needs no approval: restoring their own post's words keeps it scheduled.
    mine = create(client, team, who="admin", text="The admin's first words")
    reworded = edit(client, team, mine, who="admin", text="The admin's second words")
    assert reworded.json["status"] == "scheduled"
    back = restore(reworded.json, 1, "admin")
    assert back["status"] == "scheduled" and back["text"] == "The admin's first words"
    assert schedules(mine["id"]) == [f"post-{mine['id']}-v{back['version']}"]
    # An approved post's words brought back are new content: approved again, by another.
    post = create(client, team, text="Approved words")
    changed = edit(client, team, post, text="Other words").json
    approved = act(client, team, post["id"], "approve", "admin", {"version": changed["version"]})
    assert approved.json["status"] == "scheduled"
    restored = restore(approved.json, 1, "editor2")
    assert restored["status"] == "pending_approval" and restored["text"] == "Approved words"
    assert team["editor2"].user_id in restored["approval"]["authors"]
    assert act(client, team, post["id"], "approve", "editor2").status_code == 403


def test_with_approvals_turned_off_a_post_sent_back_is_scheduled_by_a_new_time(client, team):
    set_policy(client, team, ROLE_POLICY)
    post = create(client, team)
    sent_back = act(client, team, post["id"], "request-changes", "admin").json
    pending = create(client, team, text="Still pending when approvals go off")
    set_policy(client, team, {"mode": "off"})
    assert act(client, team, post["id"], "submit", "editor").status_code == 409
    reworded = edit(client, team, sent_back, text="Reworded")
    assert reworded.json["status"] == "changes_requested"
    timed = edit(client, team, reworded.json, when={"at": wall(ahead(4)), "timezone": "UTC"})
    assert timed.json["status"] == "scheduled"
    assert schedules(post["id"]) == [f"post-{post['id']}-v{timed.json['version']}"]
    # A post already in review keeps the steps it was submitted with.
    assert act(client, team, pending["id"], "approve", "admin").json["status"] == "scheduled"


# ------------------------------------------------------------------------------- races


def test_an_approval_with_a_stale_version_is_409_and_so_is_an_edit_after_it(client, team):
    set_policy(client, team, ROLE_POLICY)
    post = create(client, team)
    edited = edit(client, team, post, text="Edited first")
    assert edited.status_code == 200
    stale = act(client, team, post["id"], "approve", "admin", {"version": post["version"]})
    assert stale.status_code == 409
    assert stale.json["error"]["details"][0]["field"] == "version"
    current = edited.json["version"]
    approved = act(client, team, post["id"], "approve", "admin", {"version": current})
    assert approved.status_code == 200
    late = edit(client, team, edited.json, text="Edited too late")
    assert late.status_code == 409


def test_an_approval_racing_an_edit_one_wins_and_the_other_gets_409(client, team):
    set_policy(client, team, ROLE_POLICY)
    for round_ in range(3):
        post = create(client, team, text=f"Race {round_}")
        answers = race(client, team, post, f"Changed {round_}")
        assert sorted(answers.values()) == [200, 409], answers
        final = get(client, team, post["id"])
        assert final["version"] == 2
        if answers["approve"] == 200:
            assert final["status"] == "scheduled" and final["text"] == f"Race {round_}"
        else:
            assert final["status"] == "pending_approval" and final["text"] == f"Changed {round_}"


def race(client, team, post: dict, text: str) -> dict[str, int]:
    """An approval and an edit of the same version, released at the same moment."""
    start = threading.Barrier(2)
    answers: dict[str, int] = {}

    def approve() -> None:
        start.wait()
        body = {"version": post["version"]}
        answers["approve"] = act(client, team, post["id"], "approve", "admin", body).status_code

    def change() -> None:
        start.wait()
        answers["edit"] = edit(client, team, post, text=text).status_code

    threads = [threading.Thread(target=approve), threading.Thread(target=change)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


# ------------------------------------------------------------------------------- expiry


def test_a_post_still_pending_at_its_time_expires_and_approving_it_needs_a_new_time(
    client, team, monkeypatch
):
    from chalicelib.publishing import handler
    from tests.support.publishing import invoke_publisher

    set_policy(client, team, ROLE_POLICY)
    post = create(client, team, days=2)
    due = ahead(2).astimezone(utcnow().tzinfo)
    # The expiry schedule fires at the due second: the clock says so.
    monkeypatch.setattr(handler, "clock", lambda: due)
    outcome = invoke_publisher(
        {
            "workspace_id": team["owner"].workspace_id,
            "post_id": post["id"],
            "version": 1,
            "action": "expire",
        }
    )
    assert outcome["status"] == "expired"
    expired = get(client, team, post["id"])
    assert expired["status"] == "expired" and expired["targets"][0]["status"] == "pending"
    assert schedules(post["id"]) == []
    for who in ("editor", "admin"):
        email = team[who].email
        assert any("not published" in message for message in sent_messages(email)), who
    no_time = act(client, team, post["id"], "approve", "admin")
    assert no_time.status_code == 422
    assert no_time.json["error"]["details"][0]["field"] == "when"
    later = {"at": wall(ahead(9)), "timezone": "UTC"}
    approved = act(client, team, post["id"], "approve", "admin", {"when": later})
    assert approved.status_code == 200, approved.json
    assert approved.json["status"] == "scheduled"
    assert approved.json["scheduled_at"].startswith(ahead(9).strftime("%Y-%m-%d"))


def test_an_expired_post_is_on_its_timeline_audited_sent_to_webhooks_and_told_in_the_app(
    client, team, monkeypatch
):
    from chalicelib.posts.approvals import expire
    from tests.support.webhooks import bodies, receiving, register

    set_policy(client, team, ROLE_POLICY)
    with receiving(monkeypatch) as (receiver, queue):
        register(client, team["owner"], receiver.url + "/hook", ["post.expired"])
        post = create(client, team, days=2, text="Left waiting")
        later = utcnow() + timedelta(days=3)
        assert expire(team["owner"].workspace_id, post["id"], 1, later) == "expired"
        queue.deliver_all()
        [hook] = bodies(receiver)
    assert hook["type"] == "post.expired" and hook["data"]["post_id"] == post["id"]
    assert hook["data"]["status"] == "expired"
    path = ws_path(team, f"/posts/{post['id']}/timeline")
    kinds = [
        e["kind"] for e in call(client, "GET", path, headers=team["viewer"].headers).json["items"]
    ]
    assert kinds == ["created", "submitted", "expired"]
    audit = call(client, "GET", ws_path(team, "/audit"), headers=team["owner"].headers).json
    [event] = [e for e in audit["items"] if e["action"] == "post.expired"]
    assert event["target"] == post["id"] and event["actor"] == "system"

    def titles(who: str) -> list[str]:
        answer = call(client, "GET", ws_path(team, "/notifications"), headers=team[who].headers)
        return [n["title"] for n in answer.json["items"] if n["kind"] == "post_expired"]

    expired = "A post expired waiting for approval"
    for who in ("editor", "admin", "owner"):
        assert titles(who) == [expired], who
    assert titles("editor2") == [] and titles("viewer") == []


def test_an_early_expiry_invocation_changes_nothing(client, team):
    from tests.support.publishing import invoke_publisher

    set_policy(client, team, ROLE_POLICY)
    post = create(client, team, days=2)
    event = {
        "workspace_id": team["owner"].workspace_id,
        "post_id": post["id"],
        "version": 1,
        "action": "expire",
    }
    assert "armed again" in invoke_publisher(event)["status"]
    assert get(client, team, post["id"])["status"] == "pending_approval"
    # A normal publish invocation of a pending post publishes nothing either.
    publish = invoke_publisher({k: v for k, v in event.items() if k != "action"})
    assert publish == {"status": "ignored", "reason": "the post is pending_approval"}


def test_the_sweeper_expires_a_pending_post_its_schedule_missed(client, team):
    from chalicelib.publishing.sweeper import sweep

    set_policy(client, team, ROLE_POLICY)
    post = create(client, team, days=1)
    counts = sweep(utcnow() + timedelta(days=3))
    assert counts["expired"] == 1
    assert get(client, team, post["id"])["status"] == "expired"


# -------------------------------------------------------------------- bulk and the inbox


def test_bulk_approve_decides_each_post_on_its_own(client, team):
    set_policy(client, team, ROLE_POLICY)
    a = create(client, team, text="First")
    b = create(client, team, text="Second")
    mine = create(client, team, who="admin", text="An admin's, already scheduled")
    body = {"decision": "approve", "post_ids": [a["id"], b["id"], mine["id"], "p_missing"]}
    answer = call(client, "POST", ws_path(team, "/approvals/bulk"), body, team["admin"].headers)
    assert answer.status_code == 200, answer.json
    statuses = {item["post_id"]: item["status"] for item in answer.json["items"]}
    assert statuses == {a["id"]: 200, b["id"]: 200, mine["id"]: 409, "p_missing": 404}
    assert answer.json["succeeded"] == 2 and answer.json["failed"] == 2
    assert get(client, team, a["id"])["status"] == "scheduled"
    twice = call(
        client,
        "POST",
        ws_path(team, "/approvals/bulk"),
        {"decision": "reject", "post_ids": [a["id"], a["id"]]},
        team["admin"].headers,
    )
    assert twice.status_code in (400, 422)


def test_bulk_reject_and_request_changes_send_each_post_back_to_its_own_author(client, team):
    set_policy(client, team, ROLE_POLICY)
    mine = create(client, team, text="The editor's post")
    theirs = create(client, team, who="editor2", text="The other editor's post")
    third = create(client, team, who="editor2", text="A third post")
    path = ws_path(team, "/approvals/bulk")
    body = {"decision": "reject", "post_ids": [mine["id"], theirs["id"]], "comment": "Off brand"}
    by_viewer = call(client, "POST", path, body, team["viewer"].headers)
    assert [i["status"] for i in by_viewer.json["items"]] == [403, 403]
    rejected = call(client, "POST", path, body, team["admin"].headers)
    assert rejected.status_code == 200 and rejected.json["succeeded"] == 2, rejected.json
    for post, who in ((mine, "editor"), (theirs, "editor2")):
        after = get(client, team, post["id"])
        assert after["status"] == "rejected" and after["approval"]["last"]["comment"] == "Off brand"
        assert schedules(post["id"]) == []
        told = [m for m in sent_messages(team[who].email) if "rejected" in m]
        assert len(told) == 1 and "Off brand" in told[0] and post["text"] in told[0], who
    asked = call(
        client,
        "POST",
        path,
        {"decision": "request_changes", "post_ids": [third["id"], mine["id"]], "comment": "Why?"},
        team["owner"].headers,
    )
    assert [i["status"] for i in asked.json["items"]] == [200, 409]  # one rejected already
    assert get(client, team, third["id"])["status"] == "changes_requested"
    assert any("Why?" in m for m in sent_messages(team["editor2"].email))
    assert not any("Why?" in m for m in sent_messages(team["editor"].email))
    audit = call(client, "GET", ws_path(team, "/audit"), headers=team["owner"].headers).json
    decided = {(e["target"], e["action"], e["actor"]) for e in audit["items"]}
    assert {
        (mine["id"], "post.rejected", team["admin"].user_id),
        (theirs["id"], "post.rejected", team["admin"].user_id),
        (third["id"], "post.changes_requested", team["owner"].user_id),
    } <= decided


def test_the_inbox_shows_what_waits_for_me_and_what_i_submitted(client, team):
    set_policy(client, team, ROLE_POLICY)
    waiting = create(client, team, text="Waiting")
    create(client, team, who="editor2", text="Someone else's")
    create(client, team, who="admin", text="Scheduled, not in review")

    def box(who: str, name: str) -> list[str]:
        path = ws_path(team, f"/approvals?box={name}")
        answer = call(client, "GET", path, headers=team[who].headers)
        assert answer.status_code == 200, answer.json
        return sorted(p["text"] for p in answer.json["items"])

    assert box("admin", "waiting") == ["Someone else's", "Waiting"]
    assert box("editor", "waiting") == []
    assert box("editor", "submitted") == ["Waiting"]
    assert box("viewer", "all") == ["Someone else's", "Waiting"]
    act(client, team, waiting["id"], "approve", "admin")
    assert box("admin", "waiting") == ["Someone else's"]
    assert box("editor", "submitted") == []


def test_the_inbox_pages_with_a_cursor_and_refuses_a_forged_one(client, team):
    set_policy(client, team, ROLE_POLICY)
    made = {create(client, team, text=f"Page {n}")["id"] for n in range(3)}
    seen, cursor = [], None
    for _ in range(5):
        query = "?box=waiting&limit=1" + (f"&cursor={cursor}" if cursor else "")
        page = call(
            client, "GET", ws_path(team, f"/approvals{query}"), headers=team["admin"].headers
        )
        assert page.status_code == 200, page.json
        seen += [p["id"] for p in page.json["items"]]
        cursor = page.json["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(made)
    for forged in ("not-a-post", "p_zz", "x" * 64):
        path = ws_path(team, f"/approvals?cursor={forged}")
        refused = call(client, "GET", path, headers=team["admin"].headers)
        assert refused.status_code == 400, forged
        assert refused.json["error"]["details"][0]["field"] == "cursor"


# --------------------------------------------------------------------- API keys, imports


def test_an_api_keys_role_decides(client, team):
    set_policy(client, team, ROLE_POLICY)
    owner = team["owner"]
    editor_key = bearer(api_key(client, owner, role="editor"))
    admin_key = bearer(api_key(client, owner, role="admin"))
    body = {
        "text": "From a script",
        "targets": [{"account_id": team["account"]}],
        "when": {"at": wall(ahead(3)), "timezone": "UTC"},
    }
    by_editor_key = call(client, "POST", ws_path(team, "/posts"), body, editor_key)
    assert by_editor_key.status_code == 201 and by_editor_key.json["status"] == "pending_approval"
    by_admin_key = call(client, "POST", ws_path(team, "/posts"), body, admin_key)
    assert by_admin_key.json["status"] == "scheduled"
    # The owner created both keys: a key of theirs approving is still another author's
    # post (the editor key's), so it may.
    post_id = by_editor_key.json["id"]
    path = ws_path(team, f"/posts/{post_id}/approve")
    assert call(client, "POST", path, {}, editor_key).status_code == 403  # its own post
    assert call(client, "POST", path, {}, admin_key).status_code == 403  # same person
    assert act(client, team, post_id, "approve", "admin").status_code == 200


# ---------------------------------------------------------------------- what it tells


def test_the_in_app_notification_reaches_the_approvers_only_and_then_the_author(client, team):
    set_policy(client, team, ROLE_POLICY)
    post = create(client, team, text="Notify the right people")

    def titles(who: str) -> list[str]:
        path = ws_path(team, "/notifications")
        answer = call(client, "GET", path, headers=team[who].headers)
        assert answer.status_code == 200
        return [n["title"] for n in answer.json["items"] if n["subject_id"] == post["id"]]

    assert titles("admin") == ["A post waits for your approval"]
    assert titles("owner") == ["A post waits for your approval"]
    assert titles("editor2") == [] and titles("editor") == []
    act(client, team, post["id"], "reject", "admin", {"comment": "No"})
    assert titles("editor") == ["Your post was rejected"]
    assert titles("editor2") == []


def test_each_step_tells_its_own_approvers_once_and_the_last_tells_the_author(client, team):
    policy = {
        "mode": "steps",
        "required_below": None,
        "steps": [
            {"name": "Editorial", "roles": ["editor"]},
            {"user_ids": [team["admin"].user_id, team["owner"].user_id], "rule": "all"},
        ],
    }
    set_policy(client, team, policy)
    post = create(client, team, text="Told step by step")

    def titles(who: str) -> list[str]:
        path = ws_path(team, "/notifications")
        answer = call(client, "GET", path, headers=team[who].headers)
        assert answer.status_code == 200
        return [n["title"] for n in answer.json["items"] if n["subject_id"] == post["id"]]

    def emails(who: str) -> list[str]:
        return [m for m in sent_messages(team[who].email) if "Told step by step" in m]

    waits = "A post waits for your approval"
    assert titles("editor2") == [waits] and len(emails("editor2")) == 1
    assert titles("admin") == titles("owner") == titles("editor") == []
    act(client, team, post["id"], "approve", "editor2", {"comment": "Reads well"})
    for who in ("admin", "owner"):
        assert titles(who) == [waits], who
        [email] = emails(who)
        assert "step 2 of 2 waits for you" in email and "Reads well" in email
    assert titles("editor2") == [waits] and titles("editor") == []
    # Step 2 needs both: once the admin approved, only the owner is waited for (and told).
    act(client, team, post["id"], "approve", "admin")
    assert titles("admin") == [waits] and len(emails("admin")) == 1
    assert titles("owner") == [waits, waits]
    assert titles("editor") == []
    act(client, team, post["id"], "approve", "owner")
    assert titles("editor") == ["Your post was approved"]
    assert any("approved" in m for m in emails("editor"))
    assert titles("editor2") == [waits] and titles("admin") == [waits]


def test_each_decision_is_audited_timelined_emailed_and_sent_to_webhooks(client, team, monkeypatch):
    from tests.support.webhooks import bodies, receiving, register

    set_policy(client, team, ROLE_POLICY)
    with receiving(monkeypatch) as (receiver, queue):
        register(
            client,
            team["owner"],
            receiver.url + "/hook",
            ["post.approval_requested", "post.approved", "post.changes_requested"],
        )
        _decide_and_check(client, team)
        queue.deliver_all()
        events = [(b["type"], b["data"]["status"]) for b in bodies(receiver)]
    assert events == [
        ("post.approval_requested", "pending_approval"),
        ("post.changes_requested", "changes_requested"),
        ("post.approval_requested", "pending_approval"),
        ("post.approved", "scheduled"),
    ]


def _decide_and_check(client, team) -> None:
    post = create(client, team, text="Tell everyone")
    assert any("waits for you" in m for m in sent_messages(team["admin"].email))
    assert any("waits for you" in m for m in sent_messages(team["owner"].email))
    assert not any("waits for you" in m for m in sent_messages(team["editor2"].email))
    act(client, team, post["id"], "request-changes", "admin", {"comment": "Add a link"})
    assert any("Add a link" in m for m in sent_messages(team["editor"].email))
    act(client, team, post["id"], "submit", "editor")
    act(client, team, post["id"], "approve", "owner")
    assert any("approved" in m for m in sent_messages(team["editor"].email))

    audit = call(client, "GET", ws_path(team, "/audit"), headers=team["owner"].headers).json
    actions = [e["action"] for e in audit["items"] if e.get("target") == post["id"]]
    assert actions[::-1] == [
        "post.created",
        "post.submitted",
        "post.changes_requested",
        "post.submitted",
        "post.approved",
    ]
    timeline = call(
        client, "GET", ws_path(team, f"/posts/{post['id']}/timeline"), headers=team["owner"].headers
    )
    kinds = [e["kind"] for e in timeline.json["items"]]
    assert kinds[-4:] == ["submitted", "changes_requested", "submitted", "approved"]


# --------------------------------------------------------------- the role x state x action

ROLES = ("owner", "admin", "editor", "editor2", "viewer")  # the post is the editor's
ACTIONS = ("submit", "approve", "reject", "request-changes")
STATES = (
    "draft",
    "pending_approval",
    "changes_requested",
    "rejected",
    "expired",
    "approved",
    "scheduled",
)
SUBMITTABLE = {"draft", "changes_requested", "rejected", "expired"}
DECIDABLE = {"pending_approval", "expired"}


def expected(role: str, state: str, action: str) -> int:
    """What the API answers: the route's role first (submit needs an editor), then the
    post's state (409), then the right to decide its step (403: admins and owners approve
    under the role policy; the author never approves their own)."""
    if action == "submit":
        if role == "viewer":
            return 403
        return 200 if state in SUBMITTABLE else 409
    if state not in DECIDABLE:
        return 409
    return 200 if role in ("owner", "admin") else 403


def post_in(client, team, state: str) -> dict:
    """A post of the editor's in `state` under the role policy."""
    from chalicelib.posts.approvals import expire

    if state == "draft":
        return create(client, team, when=None)
    if state == "approved":
        draft = create(client, team, when=None)
        act(client, team, draft["id"], "submit", "editor")
        return act(client, team, draft["id"], "approve", "owner").json
    post = create(client, team, days=2)
    if state == "pending_approval":
        return post
    if state == "expired":
        later = utcnow() + timedelta(days=3)
        assert expire(team["owner"].workspace_id, post["id"], 1, later) == "expired"
        return get(client, team, post["id"])
    action = {
        "changes_requested": "request-changes",
        "rejected": "reject",
        "scheduled": "approve",
    }[state]
    return act(client, team, post["id"], action, "owner").json


@pytest.mark.parametrize("state", STATES)
def test_every_role_and_action_on_a_post_in_each_state(client, team, state):
    set_policy(client, team, ROLE_POLICY)
    later = {"at": wall(ahead(8)), "timezone": "UTC"}
    got, wanted = {}, {}
    for action in ACTIONS:
        for role in ROLES:
            post = post_in(client, team, state)
            assert post["status"] == state
            body: dict = {"comment": f"{role} {action}"}
            if action in ("submit", "approve"):
                body["when"] = later
            answer = act(client, team, post["id"], action, role, body)
            got[(role, action)] = answer.status_code
            wanted[(role, action)] = expected(role, state, action)
            after = get(client, team, post["id"])
            if answer.status_code != 200:
                assert after["version"] == post["version"], (role, action)  # untouched
    assert got == wanted
