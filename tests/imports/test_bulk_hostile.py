"""Issue 19: files made to run an import out of memory or crash it get a clear 4xx at
upload, before the rows are built or the object is read."""

from __future__ import annotations

import pytest

from chalicelib.domain.ids import new_id
from chalicelib.imports import formats
from chalicelib.store import media as media_store
from tests.support.factories import call, signup
from tests.support.imports import upload
from tests.support.posting import a_picture


@pytest.fixture
def user(client, worker):
    return signup(client)


def details(response) -> dict[str, str]:
    return {d["field"]: d["message"] for d in response.json["error"]["details"]}


def test_a_megabyte_of_short_lines_is_refused_at_the_row_cap(client, user):
    data = "date,time,accounts,text\n" + "x\n" * 500_000  # 1 MB: half a million rows
    refused = upload(client, user, data)
    assert refused.status_code == 422
    assert "more than 10,000 rows" in details(refused)["file"]


def test_the_last_row_under_the_cap_is_still_read(client, user):
    data = "date,time,accounts,text\n" + "2000-01-01,09:00,x:@a,Hi\n" * formats.MAX_ROWS
    started = upload(client, user, data)
    assert started.status_code == 201, started.body
    assert started.json["rows"] == formats.MAX_ROWS


def test_a_cell_longer_than_the_csv_field_limit_is_a_4xx(client, user):
    data = 'date,time,accounts,text\n2000-01-01,09:00,x:@a,"' + "a" * 200_000 + '"\n'
    refused = upload(client, user, data)
    assert refused.status_code == 422
    assert "line 2: a cell is longer than 131,072 characters" in details(refused)["file"]


def test_a_quote_never_closed_in_the_header_is_refused_not_a_500(client, user):
    refused = upload(client, user, '"date,time,accounts,text\n' + "a,b\n" * 10_000)
    assert refused.status_code == 422


def import_media(client, user, media_id: str):
    return call(
        client,
        "POST",
        f"/v1/workspaces/{user.workspace_id}/imports",
        {"media_id": media_id},
        user.headers,
    )


def test_a_media_item_that_is_not_a_csv_is_refused_before_it_is_read(client, user):
    picture = a_picture(user.workspace_id)  # its file was never stored: nothing is read
    refused = import_media(client, user, picture)
    assert refused.status_code == 422
    assert details(refused) == {"media_id": "this media item is image/jpeg, not a CSV"}


def test_a_csv_media_item_larger_than_a_csv_body_is_refused_before_it_is_read(client, user):
    media_id = new_id("m")
    media_store.create(
        user.workspace_id,
        media_id,
        filename="huge.csv",
        declared_content_type="text/csv",
        declared_size=15 * 1024 * 1024,
        max_bytes=15 * 1024 * 1024,
        upload_key=f"uploads/{media_id}",  # never uploaded: a read would say so
        created_by="u_test",
    )
    refused = import_media(client, user, media_id)
    assert refused.status_code == 422
    assert "at most 10,485,760" in details(refused)["media_id"]


def test_a_csv_media_item_that_grew_past_its_declared_size_is_read_no_further(client, user):
    from chalicelib.aws import client as aws_client
    from chalicelib.settings import get_settings

    media_id = new_id("m")
    item = media_store.create(
        user.workspace_id,
        media_id,
        filename="posts.csv",
        declared_content_type="text/csv",
        declared_size=100,
        max_bytes=100,
        upload_key=f"uploads/{media_id}",
        created_by="u_test",
    )
    body = b"date,time,accounts,text\n" + b"x\n" * (formats.MAX_BYTES // 2)
    aws_client("s3").put_object(Bucket=get_settings().media_bucket, Key=item.upload_key, Body=body)
    refused = import_media(client, user, media_id)
    assert refused.status_code == 422
    assert "larger than 10,485,760 bytes" in details(refused)["media_id"]
