"""Issue 19: a forged `cursor` on any list endpoint is a 400 naming `cursor`: never a 500
and never a page of another workspace."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest

from chalicelib.domain.ids import new_id
from chalicelib.store import media as media_store
from chalicelib.store import notifications as notification_store
from chalicelib.store.paging import encode_cursor
from tests.support.clock import ahead
from tests.support.factories import api_key, call, signup
from tests.support.webhooks import receiving, register


def b64(value: object) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).decode()


def forged(workspace_id: str) -> list[str]:
    """Cursors no page ever gave: garbage, base64 of garbage, JSON of the wrong shape."""
    return [
        "%%%",
        "not a cursor",
        "\u00e9\u00e9",
        b64(b"\xff\xfe garbage"),
        b64([1, 2, 3]),
        b64("a string"),
        b64({}),
        b64({"workspace_id": workspace_id}),
        b64({"workspace_id": {"N": "1"}, "post_id": {"S": "p_1"}}),
        b64({"workspace_id": {"S": workspace_id}, "post_id": {"N": "12"}}),
        b64({"workspace_id": {"S": workspace_id}, "post_id": {"S": ""}}),
        b64({"workspace_id": {"S": workspace_id}, "post_id": {"S": "x" * 5000}}),
        b64({"workspace_id": {"S": workspace_id}, "post_id": {"S": "p", "N": "1"}}),
        b64({"workspace_id": {"S": workspace_id}, "media_id": {"L": []}}),
        b64({"workspace_id": {"S": workspace_id}, "event_key": None}),
        "A" * 10_000,
        "\xff\xff",
        "n_" + "9" * 200,
    ]


def get(client, user, path: str, cursor: str):
    separator = "&" if "?" in path else "?"
    return call(client, "GET", f"{path}{separator}cursor={quote(cursor)}", headers=user.headers)


def assert_refused(response) -> None:
    # 400; a cursor longer than the query model allows is its 422
    assert response.status_code in (400, 422), response.body
    assert response.json["error"]["details"][0]["field"] == "cursor"


def list_paths(user) -> list[str]:
    ws = f"/v1/workspaces/{user.workspace_id}"
    return [
        f"{ws}/posts",
        f"{ws}/posts?status=draft",
        f"{ws}/media",
        f"{ws}/audit",
        f"{ws}/notifications",
    ]


@pytest.mark.parametrize("index", range(18))
def test_a_forged_cursor_is_a_400_on_every_list(client, index):
    owner = signup(client)
    cursor = forged(owner.workspace_id)[index]
    for path in list_paths(owner):
        assert_refused(get(client, owner, path, cursor))


def test_another_workspaces_cursor_is_refused_on_every_list(client):
    mine, theirs = signup(client), signup(client)
    ws = theirs.workspace_id
    when = ahead(3, "09:00")
    theirs_keys = {
        "posts": {"workspace_id": ws, "post_id": "p_1", "scheduled_at": when.isoformat()},
        "drafts": {"workspace_id": ws, "post_id": "p_1"},
        "media": {"workspace_id": ws, "media_id": "m_1"},
        "audit": {"workspace_id": ws, "event_key": "2026#e_1"},
    }
    paths = dict(zip(["posts", "drafts", "media", "audit"], list_paths(mine), strict=False))
    for name, key in theirs_keys.items():
        cursor = encode_cursor({k: {"S": v} for k, v in key.items()})
        assert cursor is not None
        assert_refused(get(client, mine, paths[name], cursor))
    # A real cursor of theirs, from a real page of theirs.
    for number in range(3):
        media_store.create(
            ws, new_id("m"), filename=f"{number}.jpg", declared_content_type="image/jpeg",
            declared_size=10, max_bytes=10, upload_key=f"uploads/{number}", created_by="u",
        )  # fmt: skip
        api_key(client, theirs)
    for path in ("media", "audit"):
        page = call(client, "GET", f"/v1/workspaces/{ws}/{path}?limit=1", headers=theirs.headers)
        assert page.status_code == 200 and page.json["next_cursor"], path
        mine_path = f"/v1/workspaces/{mine.workspace_id}/{path}"
        assert_refused(get(client, mine, mine_path, page.json["next_cursor"]))


def test_a_cursor_outside_the_asked_dates_is_refused(client):
    owner = signup(client)
    ws = owner.workspace_id
    key = {"workspace_id": ws, "post_id": "p_1", "scheduled_at": "2001-01-01T09:00:00Z"}
    cursor = encode_cursor({k: {"S": v} for k, v in key.items()})
    assert cursor is not None
    assert_refused(
        get(client, owner, f"/v1/workspaces/{ws}/posts?from=2030-01-01&to=2030-02-01", cursor)
    )


def test_real_cursors_still_page_through_every_list(client):
    owner = signup(client)
    ws = owner.workspace_id
    for number in range(3):
        media_store.create(
            ws, new_id("m"), filename=f"{number}.jpg", declared_content_type="image/jpeg",
            declared_size=10, max_bytes=10, upload_key=f"uploads/{number}", created_by="u",
        )  # fmt: skip
        notification_store.create(ws, "test", f"Note {number}", "A note", None, None)
        api_key(client, owner)
    for path in (
        f"/v1/workspaces/{ws}/media",
        f"/v1/workspaces/{ws}/audit",
        f"/v1/workspaces/{ws}/notifications",
    ):
        first = call(client, "GET", f"{path}?limit=2", headers=owner.headers)
        assert first.status_code == 200 and first.json["next_cursor"], path
        second = get(client, owner, f"{path}?limit=2", first.json["next_cursor"])
        assert second.status_code == 200, second.body
        assert not {i["id"] for i in first.json["items"]} & {i["id"] for i in second.json["items"]}


def test_a_forged_webhook_delivery_cursor_is_a_400(client, monkeypatch):
    owner = signup(client)
    with receiving(monkeypatch) as (receiver, _):
        hook = register(client, owner, f"{receiver.url}/hook", ["post.published"])
        path = f"/v1/workspaces/{owner.workspace_id}/webhooks/{hook['id']}/deliveries"
        for cursor in ("\xff\xff", "a#b", "\u00e9", "x" * 101):
            assert_refused(get(client, owner, path, cursor))
        assert get(client, owner, path, "d_1234567890123abcdef0123").status_code == 200
