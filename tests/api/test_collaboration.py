"""Collaboration on a post through the API (issue 21): comments with @mentions, the
activity timeline and the version history with diff and restore.

Roles, as decided: every member reads all three and every member comments (a comment
changes nothing on the post; reviewers with the viewer role take part); restoring is an
edit, so editors and up only."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.posts import timeline
from chalicelib.store.base import utcnow
from tests.support.clock import utc_z
from tests.support.factories import add_member, api_key, bearer, call, signup
from tests.support.mail import sent_messages
from tests.support.posting import an_account


def _post_path(user, post_id: str, tail: str = "") -> str:
    return f"/v1/workspaces/{user.workspace_id}/posts/{post_id}{tail}"


def _create(client, user, text: str = "First words", first_comment: str | None = None) -> dict:
    account = an_account(user.workspace_id, "x")
    at = utc_z(utcnow() + timedelta(days=3))
    body = {
        "text": text,
        "targets": [{"account_id": account}],
        "when": {"at": at, "timezone": "UTC"},
    }
    if first_comment is not None:
        body["first_comment"] = first_comment
    response = call(client, "POST", f"/v1/workspaces/{user.workspace_id}/posts", body, user.headers)
    assert response.status_code == 201, response.body
    return response.json


def _edit(client, user, post: dict, **changes) -> dict:
    response = call(
        client,
        "PATCH",
        _post_path(user, post["id"]),
        {"version": post["version"], **changes},
        user.headers,
    )
    assert response.status_code == 200, response.body
    return response.json


# ------------------------------------------------------------------------------ comments


def test_a_viewer_comments_and_a_mentioned_member_alone_is_notified(client):
    owner = signup(client, name="Olive Owner")
    editor = add_member(client, owner, "editor")
    viewer = add_member(client, owner, "viewer")
    bystander = add_member(client, owner, "editor")
    post = _create(client, owner)

    response = call(
        client,
        "POST",
        _post_path(owner, post["id"], "/comments"),
        {"text": "Can you check the link?", "mentions": [editor.user_id]},
        viewer.headers,
    )
    assert response.status_code == 201, response.body
    comment = response.json
    assert comment["author"]["id"] == viewer.user_id
    assert [m["id"] for m in comment["mentions"]] == [editor.user_id]

    def notes(user):
        found = call(
            client, "GET", f"/v1/workspaces/{owner.workspace_id}/notifications", None, user.headers
        )
        assert found.status_code == 200
        return [n for n in found.json["items"] if n["kind"] == "post.mention"], found.json

    mine, page = notes(editor)
    assert len(mine) == 1 and mine[0]["link"] == f"/posts/{post['id']}"
    assert "mentioned you" in mine[0]["title"] and mine[0]["subject_id"] == post["id"]
    assert page["unread"] >= 1
    assert notes(bystander)[0] == [] and notes(owner)[0] == []  # only the one mentioned
    assert any("Can you check the link?" in body for body in sent_messages(editor.email))
    assert not any("Can you check the link?" in body for body in sent_messages(bystander.email))
    # Another member cannot mark it read either.
    other = call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/notifications/{mine[0]['id']}/read",
        None,
        bystander.headers,
    )
    assert other.status_code == 404

    thread = call(client, "GET", _post_path(owner, post["id"], "/comments"), None, viewer.headers)
    assert thread.status_code == 200
    assert [c["text"] for c in thread.json["items"]] == ["Can you check the link?"]


def test_a_mention_by_email_in_the_text_notifies_and_a_stranger_is_refused(client):
    owner = signup(client)
    editor = add_member(client, owner, "editor")
    stranger = signup(client)
    post = _create(client, owner)
    path = _post_path(owner, post["id"], "/comments")

    by_email = call(client, "POST", path, {"text": f"Over to you @{editor.email}"}, owner.headers)
    assert by_email.status_code == 201
    assert [m["id"] for m in by_email.json["mentions"]] == [editor.user_id]

    refused = call(
        client, "POST", path, {"text": "Hi", "mentions": [stranger.user_id]}, owner.headers
    )
    assert refused.status_code == 422
    assert "mentions[0]" in refused.body.decode()
    empty = call(client, "POST", path, {"text": ""}, owner.headers)
    assert empty.status_code == 422 and "text" in empty.body.decode()
    # Someone from another workspace neither reads nor writes the thread.
    assert call(client, "GET", path, None, stranger.headers).status_code in (403, 404)
    assert call(client, "POST", path, {"text": "x"}, stranger.headers).status_code in (403, 404)
    missing = _post_path(owner, "p_missing", "/comments")
    assert call(client, "POST", missing, {"text": "x"}, owner.headers).status_code == 404


# ------------------------------------------------------------------------------ timeline


def test_the_timeline_lists_what_happened_in_order_with_who(client):
    owner = signup(client)
    editor = add_member(client, owner, "editor")
    viewer = add_member(client, owner, "viewer")
    post = _create(client, editor)
    _edit(client, owner, post, text="Second words")
    timeline.record(owner.workspace_id, post["id"], "approved", owner.user_id, {"comment": "ok"})
    key = api_key(client, owner, "editor")
    latest = call(client, "GET", _post_path(owner, post["id"]), None, owner.headers).json
    edited = call(
        client,
        "PATCH",
        _post_path(owner, post["id"]),
        {"version": latest["version"], "first_comment": "#launch"},
        bearer(key),
    )
    assert edited.status_code == 200, edited.body

    response = call(client, "GET", _post_path(owner, post["id"], "/timeline"), None, viewer.headers)
    assert response.status_code == 200
    items = response.json["items"]
    assert [e["kind"] for e in items] == ["created", "edited", "approved", "edited"]
    assert items[0]["actor"]["id"] == editor.user_id
    assert items[1]["actor"]["id"] == owner.user_id
    assert items[1]["details"]["changes"] == ["Text"]
    assert items[2]["details"] == {"comment": "ok"}
    assert items[3]["actor"]["name"] == "API key"
    assert items[3]["details"]["changes"] == ["First comment"]
    # In time order (the creation, read from the post, is to the second: "...28Z" is
    # before "...28.68Z" though it sorts after it as a string).
    times = [datetime.fromisoformat(e["at"]) for e in items]
    assert times == sorted(times)


def test_a_posts_creation_is_read_from_the_post_not_written_as_an_event(client):
    """Its creation costs no timeline write; a post from before, whose creation was
    written as an event, still shows it once."""
    from chalicelib.store import collaboration as store

    owner = signup(client)
    post = _create(client, owner)
    assert store.list_events(owner.workspace_id, post["id"]) == []
    shown = call(client, "GET", _post_path(owner, post["id"], "/timeline"), None, owner.headers)
    assert [(e["kind"], e["actor"]["id"], e["details"]) for e in shown.json["items"]] == [
        ("created", owner.user_id, {"version": 1})
    ]
    assert shown.json["items"][0]["at"] == post["created_at"]

    older = _create(client, owner)
    timeline.record(owner.workspace_id, older["id"], "created", owner.user_id, {"version": 1})
    shown = call(client, "GET", _post_path(owner, older["id"], "/timeline"), None, owner.headers)
    assert [e["kind"] for e in shown.json["items"]] == ["created"]


def test_the_timeline_tells_each_targets_first_figures_from_its_analytics_row(client):
    """The collector writes no timeline line: the first snapshot of a target's analytics
    row is the line. A line a collector wrote before is shown once, not twice."""
    from tests.analytics.seeding import a_target

    owner = signup(client)
    post = _create(client, owner)
    account = an_account(owner.workspace_id, "bluesky")
    published = utcnow() - timedelta(days=3)
    row = a_target(
        owner.workspace_id,
        account,
        "x",
        published,
        {"impressions": 40, "likes": 4, "profile_clicks": 2},
        post_id=post["id"],
    )
    told = a_target(
        owner.workspace_id, account, "bluesky", published, {"likes": 6}, post_id=post["id"]
    )
    details = {"network": "bluesky", "account_id": account, "target_id": told.target_id}
    timeline.record(
        owner.workspace_id, post["id"], "metrics", None, details | {"metrics": {"likes": 3}}
    )

    path = _post_path(owner, post["id"], "/timeline")
    lines = [
        e
        for e in call(client, "GET", path, None, owner.headers).json["items"]
        if e["kind"] == "metrics"
    ]
    assert [e["details"]["network"] for e in lines] == ["x", "bluesky"]  # oldest first
    first_at, first_values = row.snapshots[0]
    assert lines[0]["details"] == {
        "network": "x",
        "account_id": account,
        "target_id": row.target_id,
        "metrics": {"impressions": 20, "likes": 2},  # the headline of the first reading
    }
    assert first_values == {"impressions": 20, "likes": 2, "profile_clicks": 1}
    shown = datetime.fromisoformat(lines[0]["at"])
    assert shown.replace(microsecond=0) == first_at.replace(microsecond=0)  # kept to the second
    assert lines[1]["details"]["metrics"] == {"likes": 3}  # the line written before


# ------------------------------------------------------------------------------ versions


def test_every_saved_version_is_kept_and_diffed(client):
    owner = signup(client)
    viewer = add_member(client, owner, "viewer")
    post = _create(client, owner, "One", first_comment="first")
    post = _edit(client, owner, post, text="Two")
    later = utc_z(utcnow() + timedelta(days=5))
    post = _edit(client, owner, post, first_comment="second", when={"at": later, "timezone": "UTC"})

    listed = call(client, "GET", _post_path(owner, post["id"], "/versions"), None, viewer.headers)
    assert listed.status_code == 200
    versions = listed.json["items"]
    assert [v["version"] for v in versions] == [3, 2, 1]
    assert [v["reason"] for v in versions] == ["edited", "edited", "created"]
    assert [v["current"] for v in versions] == [True, False, False]

    one = call(client, "GET", _post_path(owner, post["id"], "/versions/1"), None, viewer.headers)
    assert one.status_code == 200
    assert one.json["content"]["text"] == "One"
    assert one.json["content"]["first_comment"] == "first"
    assert one.json["content"]["targets"][0]["network"] == "x"

    diff = call(
        client, "GET", _post_path(owner, post["id"], "/versions/3/diff"), None, owner.headers
    )
    assert diff.status_code == 200
    assert diff.json["from_version"] == 2
    fields = {c["field"]: c for c in diff.json["changes"]}
    assert set(fields) == {"first_comment", "scheduled_at"}
    assert (fields["first_comment"]["before"], fields["first_comment"]["after"]) == (
        "first",
        "second",
    )
    against = call(
        client,
        "GET",
        _post_path(owner, post["id"], "/versions/3/diff?against=1"),
        None,
        owner.headers,
    )
    assert {c["field"] for c in against.json["changes"]} == {
        "text",
        "first_comment",
        "scheduled_at",
    }
    for bad in ("/versions/99", "/versions/abc", "/versions/99/diff"):
        assert (
            call(client, "GET", _post_path(owner, post["id"], bad), None, owner.headers).status_code
            == 404
        )
    bad_against = call(
        client,
        "GET",
        _post_path(owner, post["id"], "/versions/3/diff?against=0"),
        None,
        owner.headers,
    )
    assert bad_against.status_code == 422 and "against" in bad_against.body.decode()


def test_restore_is_a_new_edit_and_a_stale_version_gets_409(client):
    owner = signup(client)
    editor = add_member(client, owner, "editor")
    viewer = add_member(client, owner, "viewer")
    post = _create(client, owner, "Original")
    time_before = post["scheduled_at"]
    post = _edit(client, owner, post, text="Rewritten", first_comment="added")
    path = _post_path(owner, post["id"], "/versions/1/restore")

    assert (
        call(client, "POST", path, {"version": post["version"]}, viewer.headers).status_code == 403
    )
    stale = call(client, "POST", path, {"version": post["version"] - 1}, editor.headers)
    assert stale.status_code == 409
    assert "version" in stale.body.decode()

    restored = call(client, "POST", path, {"version": post["version"]}, editor.headers)
    assert restored.status_code == 200, restored.body
    assert restored.json["text"] == "Original" and restored.json["first_comment"] is None
    assert restored.json["version"] == post["version"] + 1
    assert restored.json["scheduled_at"] == time_before
    # The same request again is stale now: one restore wins.
    again = call(client, "POST", path, {"version": post["version"]}, editor.headers)
    assert again.status_code == 409

    versions = call(client, "GET", _post_path(owner, post["id"], "/versions"), None, owner.headers)
    newest = versions.json["items"][0]
    assert (newest["version"], newest["reason"], newest["restored_from"]) == (3, "restored", 1)
    assert newest["actor"]["id"] == editor.user_id
    events = call(client, "GET", _post_path(owner, post["id"], "/timeline"), None, owner.headers)
    last = events.json["items"][-1]
    assert last["kind"] == "restored" and last["details"]["restored_from"] == 1
    assert set(last["details"]["changes"]) == {"Text", "First comment"}


def test_restoring_a_past_time_is_refused_naming_the_field(client):
    owner = signup(client)
    post = _create(client, owner, "Original")
    post = _edit(client, owner, post, text="Rewritten")
    from chalicelib.store import collaboration as store

    kept = store.get_version(owner.workspace_id, post["id"], 1)
    assert kept is not None
    import json

    content = json.loads(kept.content)
    content["scheduled_at"] = utc_z(utcnow() - timedelta(days=1))
    kept.content = json.dumps(content)
    kept.save()
    path = _post_path(owner, post["id"], "/versions/1/restore")
    refused = call(
        client, "POST", path, {"version": post["version"], "restore_time": True}, owner.headers
    )
    assert refused.status_code == 422 and "restore_time" in refused.body.decode()


def test_a_comment_is_deleted_by_its_author_or_an_admin_only(client):
    owner = signup(client)
    admin = add_member(client, owner, "admin")
    editor = add_member(client, owner, "editor")
    viewer = add_member(client, owner, "viewer")
    post = _create(client, owner)
    path = _post_path(owner, post["id"], "/comments")

    def comment(user, text):
        response = call(client, "POST", path, {"text": text}, user.headers)
        assert response.status_code == 201
        return f"{path}/{response.json['id']}"

    mine, theirs = comment(viewer, "Mine to take back"), comment(editor, "An editor's")
    assert call(client, "DELETE", theirs, None, viewer.headers).status_code == 403
    assert call(client, "DELETE", mine, None, viewer.headers).status_code == 204
    assert call(client, "DELETE", theirs, None, admin.headers).status_code == 204
    assert call(client, "DELETE", theirs, None, admin.headers).status_code == 404
    assert call(client, "GET", path, None, owner.headers).json["items"] == []
    audit = call(client, "GET", f"/v1/workspaces/{owner.workspace_id}/audit", None, owner.headers)
    deleted = [e for e in audit.json["items"] if e["action"] == "post.comment_deleted"]
    assert [(e["actor"], e["details"]["author"]) for e in deleted] == [
        (admin.user_id, editor.user_id),
        (viewer.user_id, viewer.user_id),
    ]


def _written_draft(owner, account: str, text: str, created: str, updated: str, **fields):
    """A draft on X as written without the app's create (a bulk import's, or a post of
    before session 10): its item, not yet stored."""
    from chalicelib.domain.ids import new_id
    from chalicelib.store import posts as post_store

    target = post_store.TargetAttribute(
        target_id=new_id("t"), account_id=account, network="x", status="pending"
    )
    return post_store.PostItem(
        owner.workspace_id,
        fields.pop("post_id", None) or new_id("p"),
        status="draft",
        text=text,
        targets=[target],
        created_by=owner.user_id,
        created_at=created,
        updated_at=updated,
        **{"version": 1, **fields},
    )


def test_a_post_written_without_versions_keeps_its_first_at_its_first_edit(client):
    """A bulk import writes its posts directly (as fast as bare writes): the first edit
    keeps the version it started from."""
    from chalicelib.store import posts as post_store

    owner = signup(client)
    account = an_account(owner.workspace_id, "x")
    created = utc_z(utcnow() - timedelta(hours=1))
    item = _written_draft(owner, account, "From a CSV", created, created)
    post_store.create(item)
    post = call(client, "GET", _post_path(owner, item.post_id), None, owner.headers).json
    _edit(client, owner, post, text="From a CSV, edited")

    versions = call(
        client, "GET", _post_path(owner, item.post_id, "/versions"), None, owner.headers
    )
    assert [(v["version"], v["reason"]) for v in versions.json["items"]] == [
        (2, "edited"),
        (1, "created"),
    ]
    assert versions.json["items"][1]["actor"]["id"] == owner.user_id
    assert utc_z(datetime.fromisoformat(versions.json["items"][1]["at"])) == created
    first = call(client, "GET", _post_path(owner, item.post_id, "/versions/1"), None, owner.headers)
    assert first.json["content"]["text"] == "From a CSV"


def test_a_new_post_is_its_own_first_version_and_an_edit_keeps_the_one_it_replaces(client):
    """Creating a post writes no version row (the post is version 1 until edited); the
    history numbers versions by the saves of content, not by the post's other writes."""
    from chalicelib.store import collaboration as store

    owner = signup(client)
    editor = add_member(client, owner, "editor")
    viewer = add_member(client, owner, "viewer")
    post = _create(client, owner, "Only words")
    assert store.list_versions(owner.workspace_id, post["id"]) == []

    listed = call(client, "GET", _post_path(owner, post["id"], "/versions"), None, viewer.headers)
    assert [(v["version"], v["reason"], v["current"]) for v in listed.json["items"]] == [
        (1, "created", True)
    ]
    assert listed.json["items"][0]["actor"]["id"] == owner.user_id
    one = call(client, "GET", _post_path(owner, post["id"], "/versions/1"), None, viewer.headers)
    assert one.status_code == 200 and one.json["current"] is True
    assert one.json["content"]["text"] == "Only words"
    first = call(
        client, "GET", _post_path(owner, post["id"], "/versions/1/diff"), None, viewer.headers
    )
    assert first.json["from_version"] == 0 and "text" in {c["field"] for c in first.json["changes"]}

    # An approval moves the post's version on without changing its content.
    policy = {"mode": "role", "required_below": "admin"}
    path = f"/v1/workspaces/{owner.workspace_id}/approval-policy"
    assert call(client, "PUT", path, policy, owner.headers).status_code == 200
    pending = _create(client, editor, "Waits for a yes")
    approve = _post_path(owner, pending["id"], "/approve")
    approved = call(client, "POST", approve, {}, owner.headers)
    assert approved.status_code == 200 and approved.json["version"] == 2
    edited = _edit(client, editor, approved.json, text="Waits again")
    assert edited["version"] == 3

    listed = call(client, "GET", _post_path(owner, pending["id"], "/versions"), None, owner.headers)
    assert [
        (v["version"], v["reason"], v["current"], v["actor"]["id"]) for v in listed.json["items"]
    ] == [(3, "edited", True, editor.user_id), (1, "created", False, editor.user_id)]
    assert [int(v.version) for v in store.list_versions(owner.workspace_id, pending["id"])] == [1]
    kept = call(client, "GET", _post_path(owner, pending["id"], "/versions/1"), None, owner.headers)
    assert kept.json["content"]["text"] == "Waits for a yes" and kept.json["current"] is False
    changed = call(
        client, "GET", _post_path(owner, pending["id"], "/versions/3/diff"), None, owner.headers
    )
    assert changed.json["from_version"] == 1
    assert [c["field"] for c in changed.json["changes"]] == ["text"]
    assert (
        call(
            client, "GET", _post_path(owner, pending["id"], "/versions/2"), None, owner.headers
        ).status_code
        == 404
    )


def test_versions_kept_before_read_and_are_edited_as_they_were(client):
    """A post written when every version had its row (its current one included) lists
    the same, and its next edit adds the new version without rewriting the old."""
    from chalicelib.domain.ids import new_id
    from chalicelib.store import collaboration as store
    from chalicelib.store import posts as post_store

    owner = signup(client)
    editor = add_member(client, owner, "editor")
    account = an_account(owner.workspace_id, "x")
    created = utc_z(utcnow() - timedelta(hours=2))
    edited_at = utc_z(utcnow() - timedelta(hours=1))
    at = utc_z(utcnow() + timedelta(days=3))
    ws, post_id = owner.workspace_id, new_id("p")
    item = _written_draft(
        owner, account, "Second words", created, edited_at,
        post_id=post_id, version=2, timezone="UTC",
    )  # fmt: skip
    post_store.prepare(item).save()  # as written before: no content_version
    target = [{"account_id": account, "network": "x", "text": None, "options": {}}]
    for number, text, actor, reason, stamp in (
        (1, "First words", owner.user_id, "created", created),
        (2, "Second words", editor.user_id, "edited", edited_at),
    ):
        content = {"text": text, "targets": target, "timezone": "UTC"}
        store.put_version(store.new_version(ws, post_id, number, content, actor, reason, at=stamp))

    versions_path = _post_path(owner, post_id, "/versions")
    listed = call(client, "GET", versions_path, None, owner.headers).json["items"]
    assert [(v["version"], v["reason"], v["current"]) for v in listed] == [
        (2, "edited", True),
        (1, "created", False),
    ]
    assert listed[0]["actor"]["id"] == editor.user_id
    two = call(client, "GET", _post_path(owner, post_id, "/versions/2"), None, owner.headers)
    assert two.json["content"]["text"] == "Second words" and two.json["current"] is True

    post = call(client, "GET", _post_path(owner, post_id), None, owner.headers).json
    _edit(client, owner, post, text="Third words", when={"at": at, "timezone": "UTC"})
    listed = call(client, "GET", versions_path, None, owner.headers).json["items"]
    assert [(v["version"], v["reason"], v["current"]) for v in listed] == [
        (3, "edited", True),
        (2, "edited", False),
        (1, "created", False),
    ]
    assert [int(v.version) for v in store.list_versions(ws, post_id)] == [2, 1]
    diff = call(client, "GET", _post_path(owner, post_id, "/versions/3/diff"), None, owner.headers)
    assert diff.json["from_version"] == 2
    assert {c["field"] for c in diff.json["changes"]} == {"text", "scheduled_at"}
    restored = call(
        client,
        "POST",
        _post_path(owner, post_id, "/versions/1/restore"),
        {"version": 3},
        owner.headers,
    )
    assert restored.status_code == 200 and restored.json["text"] == "First words"
    listed = call(client, "GET", versions_path, None, owner.headers).json["items"]
    assert [(v["version"], v["reason"], v["restored_from"]) for v in listed[:2]] == [
        (4, "restored", 1),
        (3, "edited", None),
    ]
    three = call(client, "GET", _post_path(owner, post_id, "/versions/3"), None, owner.headers)
    assert three.json["content"]["text"] == "Third words"


def test_an_edit_refused_after_keeping_its_replaced_version_lists_it_once(client, monkeypatch):
    """The replaced version's row is written before the post: an edit refused after it (the
    month it moves the post into is full: 402) leaves the post and its history as they were."""
    from chalicelib.billing.entitlements import usage
    from chalicelib.billing.plans import Meter
    from chalicelib.settings import get_settings
    from chalicelib.store import billing as billing_store
    from chalicelib.store import collaboration as store
    from tests.support.clock import ahead, wall

    monkeypatch.setenv("SCHEDULO_STRIPE_SECRET_KEY", "sk_test_schedulo_tests")
    monkeypatch.setenv("SCHEDULO_TRIAL_DAYS", "0")
    get_settings.cache_clear()
    owner = signup(client)
    ws = owner.workspace_id
    post = _create(client, owner, "Before the full month")
    full = ahead(70, "09:00").replace(day=1)
    month = full.strftime("%Y-%m")
    usage(ws, Meter.SCHEDULED_POSTS_PER_MONTH, month)
    key = billing_store.counter_key(ws, Meter.SCHEDULED_POSTS_PER_MONTH.value, month)
    assert billing_store.take([billing_store.Want(key, 30, None)]) is None

    refused = call(
        client,
        "PATCH",
        _post_path(owner, post["id"]),
        {"version": 1, "text": "Into it", "when": {"at": wall(full), "timezone": "UTC"}},
        owner.headers,
    )
    assert refused.status_code == 402, refused.body
    assert [int(v.version) for v in store.list_versions(ws, post["id"])] == [1]
    listed = call(client, "GET", _post_path(owner, post["id"], "/versions"), None, owner.headers)
    assert [(v["version"], v["current"]) for v in listed.json["items"]] == [(1, True)]

    edited = _edit(client, owner, post, text="After all")
    listed = call(client, "GET", _post_path(owner, post["id"], "/versions"), None, owner.headers)
    assert [(v["version"], v["current"]) for v in listed.json["items"]] == [(2, True), (1, False)]
    kept = call(client, "GET", _post_path(owner, post["id"], "/versions/1"), None, owner.headers)
    assert kept.json["content"]["text"] == "Before the full month"
    assert edited["text"] == "After all"


def test_a_deleted_post_takes_its_comments_timeline_and_versions_with_it(client):
    from chalicelib.store import collaboration as store

    owner = signup(client)
    post = _create(client, owner)
    post = _edit(client, owner, post, text="Edited once")
    path = _post_path(owner, post["id"], "/comments")
    assert call(client, "POST", path, {"text": "Soon gone"}, owner.headers).status_code == 201
    assert (
        call(client, "DELETE", _post_path(owner, post["id"]), None, owner.headers).status_code
        == 204
    )
    ws, post_id = owner.workspace_id, post["id"]
    assert store.list_comments(ws, post_id) == []
    assert store.list_events(ws, post_id) == []
    assert store.list_versions(ws, post_id) == []
    assert call(client, "GET", path, None, owner.headers).status_code == 404
