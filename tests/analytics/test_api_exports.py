"""A post's metrics, top posts, and the CSV and PDF exports through the API."""

from __future__ import annotations

import csv
import io

from chalicelib.analytics.service import CSV_COLUMNS
from tests.analytics.seeding import a_target, days_ago, local_noon
from tests.support.factories import add_member, call, signup
from tests.support.posting import an_account


def get(client, user, path: str, headers: dict | None = None):
    return call(
        client,
        "GET",
        f"/v1/workspaces/{user.workspace_id}/analytics/{path}",
        headers={**user.headers, **(headers or {})},
    )


def seeded(client):
    owner = signup(client)
    ws = owner.workspace_id
    x = an_account(ws, "x", timezone="UTC")
    mastodon = an_account(ws, "mastodon", timezone="UTC")
    rows = {
        "big": a_target(
            ws, x, "x", local_noon(3),
            {"impressions": 5000, "likes": 90, "comments": 9, "shares": 1, "saves": 0},
            excerpt="=SUM(A1) our launch",
        ),
        "small": a_target(
            ws, x, "x", local_noon(2),
            {"impressions": 100, "likes": 10, "comments": 0, "shares": 0, "saves": 0},
            excerpt="Café ☕ time",
        ),
        "toot": a_target(
            ws, mastodon, "mastodon", local_noon(1), {"likes": 30, "comments": 3, "shares": 7}
        ),
    }  # fmt: skip
    return owner, rows


def test_a_posts_metrics_and_snapshots_with_nulls_for_what_the_network_lacks(client):
    owner, rows = seeded(client)
    toot = rows["toot"]
    response = get(client, owner, f"posts/{toot.post_id}")
    assert response.status_code == 200, response.json
    [target] = response.json["targets"]
    assert target["target_id"] == toot.target_id and target["network"] == "mastodon"
    assert target["url"] == toot.url and target["state"] == "done"
    assert target["metrics"]["likes"] == 30 and target["metrics"]["engagements"] == 40
    assert target["metrics"]["impressions"] is None and target["metrics"]["saves"] is None
    assert "impressions" in target["unavailable"] and "likes" not in target["unavailable"]
    assert [s["values"]["likes"] for s in target["snapshots"]] == [15, 30]
    assert target["snapshots"][0]["at"] < target["snapshots"][1]["at"]
    assert target["snapshots"][1]["at"].endswith("Z")


def test_an_unknown_post_or_another_workspaces_is_404(client):
    owner, rows = seeded(client)
    stranger = signup(client)
    assert get(client, owner, "posts/p_nothing").status_code == 404
    assert get(client, stranger, f"posts/{rows['toot'].post_id}").status_code == 404


def test_top_posts_by_a_metric_leave_out_networks_without_it(client):
    owner, rows = seeded(client)
    by_impressions = get(client, owner, "top-posts?metric=impressions").json
    assert by_impressions["metric"] == "impressions"
    assert [i["target_id"] for i in by_impressions["items"]] == [
        rows["big"].target_id,
        rows["small"].target_id,
    ]  # Mastodon counts no impressions: not ranked as 0
    by_rate = get(client, owner, "top-posts?metric=engagement_rate&limit=1").json["items"]
    assert by_rate[0]["target_id"] == rows["small"].target_id and by_rate[0]["value"] == 0.1
    top = get(client, owner, "top-posts").json  # engagements by default
    assert [i["value"] for i in top["items"]] == [100, 40, 10]
    first = top["items"][0]
    assert first["excerpt"] == "=SUM(A1) our launch" and first["thumbnail_url"] is None
    assert first["metrics"]["impressions"] == 5000
    wrong = get(client, owner, "top-posts?metric=followers")
    assert wrong.status_code == 422
    assert wrong.json["error"]["details"][0]["field"] == "metric"
    assert get(client, owner, "top-posts?limit=0").status_code == 422


def test_the_csv_has_one_row_per_target_in_the_documented_columns(client):
    owner, rows = seeded(client)
    viewer = add_member(client, owner, "viewer")
    response = get(client, viewer, f"export.csv?from={days_ago(6)}&to={days_ago(0)}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(response.body.decode())))
    assert list(table[0]) == list(CSV_COLUMNS)
    assert [r["target_id"] for r in table] == [
        rows["big"].target_id,
        rows["small"].target_id,
        rows["toot"].target_id,
    ]
    big, small, toot = table
    assert big["excerpt"] == "'=SUM(A1) our launch"  # never run as a formula
    assert small["excerpt"] == "Café ☕ time"
    assert big["impressions"] == "5000" and big["engagements"] == "100"
    assert big["engagement_rate"] == "0.020000" and big["engagement_rate_basis"] == "impressions"
    assert toot["impressions"] == "" and toot["likes"] == "30"  # empty: not given
    assert toot["published_date"] == days_ago(1).isoformat()
    assert toot["account"] == "Test mastodon" and toot["network"] == "mastodon"
    # Documented: every column is named in docs/analytics-export.md.
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "analytics-export.md").read_text()
    assert all(f"`{column}`" in doc for column in CSV_COLUMNS)


def test_the_pdf_report_says_the_periods_figures(client):
    from pypdf import PdfReader

    owner, _ = seeded(client)
    query = f"export.pdf?from={days_ago(6)}&to={days_ago(0)}"
    response = get(client, owner, query, {"Accept": "application/pdf"})
    assert response.status_code == 200, response.body[:300]
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.body[:5] == b"%PDF-"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.body)).pages)
    assert "Analytics report" in text
    assert f"{days_ago(6)} to {days_ago(0)}" in text
    assert "Impressions / views" in text and "5,100" in text  # 5,000 + 100 on X
    assert "Engagements" in text and "150" in text  # 100 + 10 + 40
    assert "Not available on Mastodon: impressions, reach, saves, clicks" in text
    assert "Top posts by engagements" in text and "our launch" in text
    bad = get(client, owner, "export.pdf?from=2020-13-01", {"Accept": "application/pdf"})
    assert bad.status_code == 422


def test_top_posts_show_the_first_pictures_thumbnail(client):
    from chalicelib.domain.ids import new_id
    from chalicelib.store import media as media_store

    owner = signup(client)
    ws = owner.workspace_id
    x = an_account(ws, "x", timezone="UTC")
    media_id = new_id("m")
    item = media_store.create(
        ws, media_id, filename="a.jpg", declared_content_type="image/jpeg",
        declared_size=1000, max_bytes=1000, upload_key=f"uploads/{media_id}", created_by="u_1",
    )  # fmt: skip
    media_store.mark_ready(
        item,
        inspection={"kind": "image", "content_type": "image/jpeg", "size": 1000},
        key=f"media/{media_id}",
        thumbnail_key=f"media/{media_id}/thumbnail.jpg",
    )
    a_target(ws, x, "x", local_noon(1), {"impressions": 10, "likes": 1}, media_id=media_id)
    [item_out] = get(client, owner, "top-posts").json["items"]
    assert f"media/{media_id}/thumbnail.jpg" in item_out["thumbnail_url"]


def test_exports_hold_only_the_workspaces_own_targets(client):
    owner, rows = seeded(client)
    stranger = signup(client)
    theirs = an_account(stranger.workspace_id, "x", timezone="UTC")
    a_target(stranger.workspace_id, theirs, "x", local_noon(2), {"impressions": 9, "likes": 9},
             excerpt="their secret launch")  # fmt: skip
    table = list(csv.DictReader(io.StringIO(get(client, owner, "export.csv").body.decode())))
    assert {r["target_id"] for r in table} == {r.target_id for r in rows.values()}
    top = get(client, owner, "top-posts?limit=100").json["items"]
    assert "their secret launch" not in [i["excerpt"] for i in top]
    assert len(top) == 3
