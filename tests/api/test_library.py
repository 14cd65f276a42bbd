"""The content library through the API: snippets, hashtag groups and templates; search;
roles as for posts (viewers read, editors write); workspace scope; versions."""

from __future__ import annotations

import pytest

from tests.support.factories import add_member, call, signup
from tests.support.posting import a_picture


def _path(user, item_id: str | None = None) -> str:
    base = f"/v1/workspaces/{user.workspace_id}/library"
    return f"{base}/{item_id}" if item_id else base


def _create(client, user, **body):
    return call(client, "POST", _path(user), body, user.headers)


def test_an_editor_saves_each_kind_and_a_viewer_reads_them(client):
    owner = signup(client)
    editor = add_member(client, owner, "editor")
    viewer = add_member(client, owner, "viewer")
    snippet = _create(client, editor, kind="snippet", name="Sign-off", text="See you Friday!")
    assert snippet.status_code == 201, snippet.body
    tags = _create(
        client, editor, kind="hashtags", name="Spring", hashtags=["#Spring", "sale", "spring"]
    )
    assert tags.status_code == 201, tags.body
    assert tags.json["hashtags"] == ["#Spring", "#sale"]
    picture = a_picture(owner.workspace_id)
    template = _create(
        client,
        editor,
        kind="template",
        name="Weekly launch",
        text="New this week: {product}",
        variants={"x": "New: {product} 🚀", "linkedin": "This week we launch {product}."},
        media_ids=[picture],
        first_comment="Link in bio",
        hashtags=["launch"],
    )
    assert template.status_code == 201, template.body
    body = template.json
    assert body["variants"] == {
        "x": "New: {product} 🚀",
        "linkedin": "This week we launch {product}.",
    }
    assert body["media_ids"] == [picture] and body["first_comment"] == "Link in bio"
    assert body["version"] == 1 and body["created_by"] == editor.user_id

    listed = call(client, "GET", _path(owner), headers=viewer.headers)
    assert listed.status_code == 200
    assert [i["name"] for i in listed.json["items"]] == ["Sign-off", "Spring", "Weekly launch"]
    one = call(client, "GET", _path(owner, body["id"]), headers=viewer.headers)
    assert one.status_code == 200 and one.json["name"] == "Weekly launch"


def test_a_viewer_cannot_write_and_an_outsider_sees_nothing(client):
    owner = signup(client)
    viewer = add_member(client, owner, "viewer")
    outsider = signup(client)
    refused = _create(client, viewer, kind="snippet", name="x", text="y")
    assert refused.status_code == 403
    item = _create(client, owner, kind="snippet", name="Hello", text="Hi").json
    patch = call(
        client, "PATCH", _path(owner, item["id"]), {"version": 1, "name": "z"}, viewer.headers
    )
    assert patch.status_code == 403
    assert (
        call(client, "DELETE", _path(owner, item["id"]), headers=viewer.headers).status_code == 403
    )
    # Another workspace's member: its library is not there at all.
    assert call(client, "GET", _path(owner), headers=outsider.headers).status_code == 404
    assert (
        call(client, "GET", _path(owner, item["id"]), headers=outsider.headers).status_code == 404
    )
    # The outsider's own workspace does not hold the item either.
    assert (
        call(client, "GET", _path(outsider, item["id"]), headers=outsider.headers).status_code
        == 404
    )
    assert call(client, "GET", _path(outsider), headers=outsider.headers).json["items"] == []


def test_search_matches_every_word_in_any_field_case_insensitively(client):
    owner = signup(client)
    _create(client, owner, kind="snippet", name="Opening hours", text="Open Monday to Friday")
    _create(client, owner, kind="hashtags", name="Coffee", hashtags=["#FlatWhite", "#espresso"])
    _create(
        client, owner, kind="template", name="Promo", text="Sale", variants={"x": "Friday deals"}
    )

    def names(**query):
        qs = "&".join(f"{k}={v}" for k, v in query.items())
        response = call(client, "GET", f"{_path(owner)}?{qs}", headers=owner.headers)
        assert response.status_code == 200, response.body
        return [i["name"] for i in response.json["items"]]

    assert names(q="friday") == ["Opening hours", "Promo"]
    assert names(q="FRIDAY%20monday") == ["Opening hours"]
    assert names(q="flatwhite") == ["Coffee"]
    assert names(q="friday", kind="template") == ["Promo"]
    assert names(kind="hashtags") == ["Coffee"]
    assert names(q="nothing-like-this") == []


def test_pages_follow_the_cursor_with_a_search(client):
    owner = signup(client)
    for n in range(5):
        _create(client, owner, kind="snippet", name=f"Tip {n}", text="tip" if n % 2 == 0 else "x")
    first = call(client, "GET", f"{_path(owner)}?q=tip&limit=2", headers=owner.headers).json
    assert [i["name"] for i in first["items"]] == ["Tip 0", "Tip 1"]  # "Tip 1" by its name
    second = call(
        client,
        "GET",
        f"{_path(owner)}?q=tip&limit=2&cursor={first['next_cursor']}",
        headers=owner.headers,
    ).json
    assert [i["name"] for i in second["items"]] == ["Tip 2", "Tip 3"]
    third = call(
        client,
        "GET",
        f"{_path(owner)}?q=tip&limit=2&cursor={second['next_cursor']}",
        headers=owner.headers,
    ).json
    assert [i["name"] for i in third["items"]] == ["Tip 4"] and third["next_cursor"] is None
    bad = call(client, "GET", f"{_path(owner)}?cursor=garbage", headers=owner.headers)
    assert bad.status_code == 400 and bad.json["error"]["details"][0]["field"] == "cursor"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "snippet", "name": "x"}, "text"),
        ({"kind": "snippet", "name": "x", "text": "a", "hashtags": ["b"]}, "hashtags"),
        ({"kind": "hashtags", "name": "x", "hashtags": []}, "hashtags"),
        ({"kind": "hashtags", "name": "x", "hashtags": ["ok"], "text": "no"}, "text"),
        ({"kind": "hashtags", "name": "x", "hashtags": ["not a#tag!"]}, "hashtags"),
        ({"kind": "template", "name": "x"}, "text"),
        ({"kind": "template", "name": "x", "variants": {"myspace": "hi"}}, "variants.myspace"),
        ({"kind": "template", "name": "", "text": "a"}, "name"),
        ({"kind": "poem", "name": "x", "text": "a"}, "kind"),
        ({"kind": "snippet", "name": "x", "text": "a", "extra": 1}, "extra"),
    ],
)
def test_bad_items_are_refused_naming_the_field(client, body, field):
    owner = signup(client)
    response = _create(client, owner, **body)
    assert response.status_code == 422, response.body
    fields = [d["field"] for d in response.json["error"]["details"]]
    assert any(f == field or f.startswith(field) for f in fields), fields


def test_a_templates_media_are_the_workspaces_own(client):
    owner = signup(client)
    outsider = signup(client)
    mine, theirs = a_picture(owner.workspace_id), a_picture(outsider.workspace_id)
    refused = _create(client, owner, kind="template", name="T", media_ids=[mine, theirs])
    assert refused.status_code == 422, refused.body
    assert refused.json["error"]["details"][0]["field"] == "media_ids[1]"
    made = _create(client, owner, kind="template", name="T", media_ids=[mine])
    assert made.status_code == 201, made.body
    path = _path(owner, made.json["id"])
    patch = {"version": 1, "media_ids": ["m_" + "0" * 24]}
    changed = call(client, "PATCH", path, patch, owner.headers)
    assert changed.status_code == 422
    assert changed.json["error"]["details"][0]["field"] == "media_ids[0]"
    renamed = call(client, "PATCH", path, {"version": 1, "name": "Renamed"}, owner.headers)
    assert renamed.status_code == 200 and renamed.json["media_ids"] == [mine]


def test_an_edit_checks_the_version_and_a_delete_removes_the_item(client):
    owner = signup(client)
    editor = add_member(client, owner, "editor")
    item = _create(client, owner, kind="template", name="Launch", text="Soon").json
    edited = call(
        client,
        "PATCH",
        _path(owner, item["id"]),
        {"version": 1, "text": "Today", "variants": {"bluesky": "Today!"}},
        editor.headers,
    )
    assert edited.status_code == 200, edited.body
    assert edited.json["version"] == 2 and edited.json["variants"] == {"bluesky": "Today!"}
    stale = call(
        client, "PATCH", _path(owner, item["id"]), {"version": 1, "text": "Old"}, owner.headers
    )
    assert stale.status_code == 409
    emptied = call(
        client,
        "PATCH",
        _path(owner, item["id"]),
        {"version": 2, "text": "", "variants": {}},
        owner.headers,
    )
    assert emptied.status_code == 422  # a template with nothing left in it
    found = call(client, "GET", f"{_path(owner)}?q=today", headers=owner.headers).json
    assert [i["id"] for i in found["items"]] == [item["id"]]
    assert (
        call(client, "DELETE", _path(owner, item["id"]), headers=editor.headers).status_code == 204
    )
    assert call(client, "GET", _path(owner, item["id"]), headers=owner.headers).status_code == 404
    assert (
        call(client, "DELETE", _path(owner, item["id"]), headers=owner.headers).status_code == 404
    )
    audit = call(client, "GET", f"/v1/workspaces/{owner.workspace_id}/audit", headers=owner.headers)
    actions = {e["action"] for e in audit.json["items"]}
    assert {"library.created", "library.updated", "library.deleted"} <= actions
