"""Bulk scheduling from a CSV through the API: every format, every row problem, commit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.settings import get_settings
from chalicelib.store.posts import PostItem
from tests.support.connect import connect
from tests.support.factories import call, signup
from tests.support.http_server import Route, serve
from tests.support.imports import commit, day, problems, upload, validated, wait
from tests.support.media_files import image_bytes


@pytest.fixture
def owner(client, sandbox, worker):
    user = signup(client)
    user_x = connect(client, user, "x")[0]
    return user, user_x


def posts_of(workspace_id: str) -> list[PostItem]:
    return list(PostItem.query(workspace_id))


def test_a_schedulo_file_becomes_scheduled_posts_with_their_schedules(client, owner):
    user, x = owner
    csv = (
        "date,time,timezone,accounts,text,first_comment\n"
        f"{day(2)},09:00,Europe/Paris,{x},Hello from the CSV,\n"
        f"{day(3)},18:30,,x:@demo,Second post,\n"
    )
    imported = validated(client, user, csv)
    assert imported["status"] == "ready", imported["errors"]
    assert (imported["rows"], imported["valid_rows"], imported["format"]) == (2, 2, "schedulo")
    assert imported["preview"][0]["accounts"] == ["x:demo"]
    [by_account] = imported["summary"]["by_account"]
    assert (by_account["account"], by_account["posts"]) == ("x:demo", 2)
    # who the account is, for people: its id, network and display name
    assert (by_account["account_id"], by_account["network"]) == (x, "x")
    assert by_account["name"]
    started = commit(client, user, imported["id"])
    assert started.status_code == 202 and started.json["status"] == "committing"
    done = wait(client, user, imported["id"])
    assert (done["status"], done["progress"], done["created_posts"]) == ("done", 1, 2)
    posts = sorted(posts_of(user.workspace_id), key=lambda p: p.scheduled_at)
    paris_nine = datetime.fromisoformat(f"{day(2)}T09:00:00").replace(tzinfo=None)
    assert posts[0].scheduled_at.startswith(day(2))
    assert posts[0].scheduled_at != f"{paris_nine.isoformat()}Z"  # Paris is not UTC
    assert [p.armed_version for p in posts] == [1, 1]
    schedules = get_settings().schedule_group
    from chalicelib.aws import client as aws_client

    names = [
        s["Name"] for s in aws_client("scheduler").list_schedules(GroupName=schedules)["Schedules"]
    ]
    assert {f"post-{p.post_id}-v1" for p in posts} <= set(names)


def test_every_row_problem_is_reported_with_its_row_and_column(client, owner):
    user, x = owner
    csv = (
        "date,time,accounts,text,media\n"
        f"{day(2)},09:00,{x},Fine,\n"  # 2: fine
        f"{day(2)},10:00,x:@nobody,Unknown account,\n"  # 3
        f"{day(2)},11:00,{x},{'a' * 300},\n"  # 4: too long for X
        f"{day(-2)},09:00,{x},In the past,\n"  # 5
        f"{day(120)},09:00,{x},Too far ahead,\n"  # 6
        f"{day(2)},09:00,{x},Fine,\n"  # 7: duplicates row 2
        f"{day(2)},12:00,{x},Bad media,m_doesnotexist\n"  # 8
        f"{day(2)},25:00,{x},Bad time,\n"  # 9
        f"31/02/2027,09:00,{x},Bad date,\n"  # 10
        f",,,No account,\n"  # 11
    )
    imported = validated(client, user, csv)
    assert imported["status"] == "invalid"
    assert problems(imported) == {
        (3, "accounts"),
        (4, "text"),
        (5, "date"),
        (6, "date"),
        (7, "text"),
        (8, "media"),
        (9, "time"),
        (10, "date"),
        (11, "accounts"),
    }
    messages = {(e["row"]): e["message"] for e in imported["errors"]}
    assert "280" in messages[4] and messages[4].startswith("x:demo")
    assert "past" in messages[5]
    assert "90 days" in messages[6]
    assert "row 2" in messages[7]
    assert imported["valid_rows"] == 1
    highlighted = {row["row"] for row in imported["preview"] if not row["valid"]}
    assert highlighted == {3, 4, 5, 6, 7, 8, 9, 10, 11}


def test_an_impossible_date_is_flagged_even_when_the_time_is_bad_too(client, owner):
    user, x = owner
    year = datetime.now(UTC).year + 1
    csv = (
        "date,time,accounts,text,text_linkedin\n"
        f"{year}-12-32,25:00,{x},Both wrong,\n"  # 2
        f"{year}-12-32,,{x},No time,\n"  # 3
        f"{day(2)},09:00,{x},Fine,For LinkedIn\n"  # 4: names no LinkedIn account
    )
    imported = validated(client, user, csv)
    assert problems(imported) == {
        (2, "date"),
        (2, "time"),
        (3, "date"),
        (3, "time"),
        (4, "text_linkedin"),
    }
    messages = {(e["row"], e["column"]): e["message"] for e in imported["errors"]}
    assert "not a real date" in messages[(2, "date")]
    assert messages[(4, "text_linkedin")] == "no LinkedIn account is named in this row"
    rows = {row["row"]: row for row in imported["preview"]}
    # a wrong time takes no queue slot
    assert (rows[2]["queued"], rows[2]["scheduled_at"]) == (False, None)


def test_an_ambiguous_date_names_its_column_until_an_order_is_chosen(client, owner):
    user, x = owner
    soon = datetime.now(UTC) + timedelta(days=20)
    if soon.day > 12 or soon.day == soon.month:
        soon = soon.replace(day=3 if soon.month != 3 else 4) + timedelta(days=31)
        soon = soon.replace(day=3 if soon.month != 3 else 4)
    written = f"{soon.day:02d}/{soon.month:02d}/{soon.year}"
    csv = f"date,time,accounts,text\n{written},09:00,{x},Which day?\n"
    imported = validated(client, user, csv)
    assert imported["errors"][0]["column"] == "date"
    assert "date_order" in imported["errors"][0]["message"]
    chosen = validated(client, user, csv, date_order="dmy")
    assert chosen["status"] == "ready", chosen["errors"]
    assert chosen["preview"][0]["scheduled_at"].startswith(soon.date().isoformat())


def test_a_semicolon_file_with_a_byte_order_mark_is_imported(client, owner):
    user, x = owner
    csv = f'\ufeffdate;time;accounts;text\n{day(2)};09:00;{x};"Bonjour; ça va ?\nOui"\n'
    imported = validated(client, user, csv.encode("utf-8"))
    assert imported["status"] == "ready", imported["errors"]
    assert imported["preview"][0]["text"] == "Bonjour; ça va ?\nOui"


def test_a_hootsuite_file_names_its_accounts_in_the_query(client, owner):
    user, _x = owner
    when = datetime.now(UTC) + timedelta(days=5)
    csv = f"{when:%d/%m/%Y} 14:15,From Hootsuite,https://example.com/post\n"
    imported = validated(client, user, csv, accounts="x:demo", date_order="dmy")
    assert imported["format"] == "hootsuite"
    assert imported["status"] == "ready", imported["errors"]
    assert imported["preview"][0]["scheduled_at"] == f"{when:%Y-%m-%d}T14:15:00Z"
    without = validated(client, user, csv, date_order="dmy")
    assert problems(without) == {(1, "accounts")}


def test_a_buffer_file_is_imported(client, owner):
    user, _x = owner
    csv = f"Text,Link,Image URL,Posting Time,Channel\nFrom Buffer,,,{day(4)} 08:00,x:demo\n"
    imported = validated(client, user, csv)
    assert (imported["format"], imported["status"]) == ("buffer", "ready"), imported["errors"]


def test_an_ayrshare_file_maps_platforms_to_the_workspaces_accounts(client, owner):
    user, _x = owner
    csv = (
        "post,platforms,mediaUrls,scheduleDate\n"
        f"From Ayrshare,twitter,,{day(6)}T10:00:00Z\n"
        f'To a network we lack,"twitter, pinterest",,{day(6)}T11:00:00Z\n'
    )
    imported = validated(client, user, csv)
    assert imported["format"] == "ayrshare"
    assert imported["preview"][0]["accounts"] == ["x:demo"]
    assert problems(imported) == {(3, "platforms")}


def test_the_format_can_be_forced_in_the_query(client, owner):
    user, x = owner
    imported = validated(client, user, "message,link\nForced,\n", format="hootsuite", accounts=x)
    assert imported["format"] == "hootsuite"
    assert problems(imported) == set()  # no date: the queue


def test_an_unreadable_file_is_refused_at_upload_naming_the_column(client, owner):
    user, _ = owner
    refused = upload(client, user, "date,time,accounts,text,colour\n1,2,3,4,5\n")
    assert refused.status_code == 422
    assert refused.json["error"]["details"][0]["field"] == "colour"
    empty = upload(client, user, "")
    assert empty.status_code == 422


def test_invalid_rows_block_the_commit_unless_skipped(client, owner):
    user, x = owner
    csv = (
        "date,time,accounts,text\n"
        f"{day(2)},09:00,{x},Good one\n"
        f"{day(2)},10:00,x:@nobody,Bad one\n"
        f"{day(2)},11:00,{x},Good two\n"
    )
    imported = validated(client, user, csv)
    refused = commit(client, user, imported["id"])
    assert refused.status_code == 422
    assert "skip_invalid" in refused.json["error"]["message"]
    assert posts_of(user.workspace_id) == []
    assert commit(client, user, imported["id"], skip_invalid=True).status_code == 202
    done = wait(client, user, imported["id"])
    assert done["created_posts"] == 2
    assert sorted(p.text for p in posts_of(user.workspace_id)) == ["Good one", "Good two"]


def test_a_retried_commit_creates_nothing_twice(client, owner):
    """A Lambda timeout mid-commit leaves the import `committing`: a retried commit
    resumes it, and posts already written are not written again."""
    from chalicelib.imports import service
    from chalicelib.store import imports as import_store

    user, x = owner
    rows = "".join(f"{day(2)},{hour:02d}:00,{x},Post {hour}\n" for hour in range(8, 20))
    imported = validated(client, user, "date,time,accounts,text\n" + rows)
    item = import_store.get(user.workspace_id, imported["id"])
    document = service.load_plan(item)
    # The first attempt died after writing five posts.
    import_store.update(item, status="committing", commit_attempts=1)
    item.status = "committing"
    first_five = [row for row in document["rows"]][:5]
    service._create_posts(item, first_five)
    import_store.update(item, updated_at="2000-01-01T00:00:00Z")
    assert len(posts_of(user.workspace_id)) == 5
    assert commit(client, user, imported["id"]).status_code == 202
    done = wait(client, user, imported["id"])
    assert (done["status"], done["created_posts"]) == ("done", 12)
    assert len(posts_of(user.workspace_id)) == 12
    again = commit(client, user, imported["id"])
    assert again.status_code == 202 and again.json["status"] == "done"
    assert len(posts_of(user.workspace_id)) == 12


def test_progress_written_during_a_commit_leaves_every_post_whole(client, owner, monkeypatch):
    """The commit writes its progress while its workers write posts, and PynamoDB
    rewrites the import item in place from the update's response (for a moment it holds
    no attributes at all): every post still belongs to the workspace and names who
    imported it."""
    import time

    from chalicelib.imports import service

    real_update = service.store.update

    def slow_refresh(item, expected_status=None, **changes):
        if set(changes) == {"progress"}:  # the moment, made long enough to be seen
            kept, item.attribute_values = item.attribute_values, {}
            time.sleep(0.05)
            item.attribute_values = kept
        return real_update(item, expected_status, **changes)

    monkeypatch.setattr(service, "PROGRESS_EVERY", 20)
    monkeypatch.setattr(service.store, "update", slow_refresh)
    user, x = owner
    rows = "".join(
        f"{day(2 + n // 24)},{n % 24:02d}:{n % 60:02d},{x},Post {n}\n" for n in range(200)
    )
    imported = validated(client, user, "date,time,accounts,text\n" + rows)
    assert imported["status"] == "ready", imported["errors"][:3]
    assert commit(client, user, imported["id"]).status_code == 202
    done = wait(client, user, imported["id"])
    assert (done["status"], done["created_posts"]) == ("done", 200), done
    posts = posts_of(user.workspace_id)
    assert len(posts) == 200
    assert {p.created_by for p in posts} == {user.user_id}


def test_rows_without_a_time_fill_the_accounts_queue_slots_in_order(client, owner):
    user, x = owner
    path = f"/v1/workspaces/{user.workspace_id}/accounts/{x}"
    slots = [{"weekday": 0, "time": "09:00"}, {"weekday": 2, "time": "09:00"}]
    edited = call(client, "PATCH", path, {"slots": slots, "timezone": "UTC"}, user.headers)
    assert edited.status_code == 200, edited.body
    csv = "date,time,accounts,text\n" + "".join(f",,{x},Queued {n}\n" for n in range(4))
    imported = validated(client, user, csv)
    assert imported["status"] == "ready", imported["errors"]
    times = [row["scheduled_at"] for row in imported["preview"]]
    moments = [datetime.fromisoformat(t.replace("Z", "+00:00")) for t in times]
    assert moments == sorted(moments) and len(set(moments)) == 4
    assert {(m.weekday(), m.hour) for m in moments} <= {(0, 9), (2, 9)}
    commit(client, user, imported["id"])
    wait(client, user, imported["id"])
    stored = sorted(p.scheduled_at for p in posts_of(user.workspace_id))
    assert stored == times


def test_media_urls_are_imported_once_and_checked_against_each_network(client, owner, monkeypatch):
    monkeypatch.setenv("SCHEDULO_ALLOW_LOOPBACK_FETCH", "1")
    get_settings.cache_clear()
    user, x = owner
    picture = image_bytes("JPEG", (800, 600))
    routes = {"/a.jpg": Route(body=picture), "/notes.txt": Route(body=b"just text")}
    with serve(routes) as site:
        csv = (
            "date,time,accounts,text,media\n"
            + "".join(
                f"{day(2)},{hour:02d}:00,{x},With a picture {hour},{site.url}/a.jpg\n"
                for hour in range(9, 14)
            )
            + f"{day(2)},15:00,{x},Not a picture,{site.url}/notes.txt\n"
        )
        imported = validated(client, user, csv)
        hits = list(site.hits)
    get_settings.cache_clear()
    assert hits.count("/a.jpg") == 1
    assert problems(imported) == {(7, "media")}
    media_ids = {tuple(row["media_ids"]) for row in imported["preview"] if row["valid"]}
    assert len(media_ids) == 1 and len(next(iter(media_ids))) == 1


def test_a_csv_uploaded_to_the_media_library_can_be_imported_by_id(client, owner):
    from chalicelib.aws import client as aws_client

    user, x = owner
    started = call(
        client, "POST", f"/v1/workspaces/{user.workspace_id}/media",
        {"filename": "posts.csv", "content_type": "text/csv", "size": 100}, user.headers,
    )  # fmt: skip
    if started.status_code != 201:
        pytest.skip("the media library does not accept CSV uploads")
    key = started.json["upload"]["fields"]["key"]
    csv = f"date,time,accounts,text\n{day(2)},09:00,{x},From the library\n"
    aws_client("s3").put_object(Bucket=get_settings().media_bucket, Key=key, Body=csv.encode())
    response = call(
        client, "POST", f"/v1/workspaces/{user.workspace_id}/imports",
        {"media_id": started.json["media"]["id"]}, user.headers,
    )  # fmt: skip
    assert response.status_code == 201, response.body
    assert wait(client, user, response.json["id"])["status"] == "ready"


def test_a_viewer_cannot_import_and_another_workspace_sees_nothing(client, owner):
    from tests.support.factories import add_member

    user, x = owner
    viewer = add_member(client, user, "viewer")
    assert upload(client, viewer, "date,time,accounts,text\n").status_code == 403
    imported = validated(client, user, f"date,time,accounts,text\n{day(2)},09:00,{x},Hi\n")
    stranger = signup(client)
    path = f"/v1/workspaces/{user.workspace_id}/imports/{imported['id']}"
    assert call(client, "GET", path, None, stranger.headers).status_code == 404


def test_the_template_is_downloadable_as_csv(client):
    response = client.http.get("/v1/imports/template.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.body.decode().splitlines()[0].startswith("date,time,timezone,accounts,text")
    formats = call(client, "GET", "/v1/imports/formats")
    assert {f["format"] for f in formats.json["items"]} == {
        "schedulo",
        "hootsuite",
        "buffer",
        "ayrshare",
    }


def test_a_five_thousand_row_file_validates_and_commits(client, owner):
    user, x = owner
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    lines = ["date,time,accounts,text"]
    for n in range(5000):
        when = start + timedelta(minutes=25 * n)
        lines.append(f"{when:%Y-%m-%d},{when:%H:%M},{x},Post number {n}")
    body = ("\n".join(lines) + "\n").encode()
    assert len(body) > 200_000
    imported = validated(client, user, body)
    assert (imported["status"], imported["valid_rows"]) == ("ready", 5000), imported["errors"][:3]
    assert commit(client, user, imported["id"]).status_code == 202
    done = wait(client, user, imported["id"], timeout=600)
    assert (done["status"], done["created_posts"]) == ("done", 5000)
    # Counted where they are stored (a COUNT query): reading 5,000 posts back whole, page
    # by page, cost more CPU than the import itself.
    assert PostItem.count(user.workspace_id, consistent_read=True) == 5000
