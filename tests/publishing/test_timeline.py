"""The post's timeline hears from the publisher: published (with the link) and failed
(with the reason), once per network, and a retry is not news yet."""

from __future__ import annotations

from tests.support.factories import call


def test_the_timeline_says_where_it_went_out_and_where_it_failed(world):
    x, linkedin = world.account("x"), world.account("linkedin")
    world.sandbox.fault("linkedin", "duplicate", 1)  # a permanent refusal
    post_id = world.schedule({x: "x", linkedin: "linkedin"}, "Told on the timeline")
    item = world.wait_for(post_id)
    assert item.status == "partially_published"

    response = call(
        world.client,
        "GET",
        f"/v1/workspaces/{world.ws}/posts/{post_id}/timeline",
        headers=world.owner.headers,
    )
    assert response.status_code == 200
    items = response.json["items"]
    assert items[0]["kind"] == "created"  # read from the post itself
    events = {e["details"]["network"]: e for e in items[1:]}
    assert sorted(e["kind"] for e in events.values()) == ["failed", "published"]
    assert events["x"]["kind"] == "published" and events["x"]["details"]["url"]
    assert events["x"]["actor"] is None  # the system
    assert events["linkedin"]["kind"] == "failed" and events["linkedin"]["details"]["reason"]


def test_a_retry_is_not_on_the_timeline_until_it_settles(world):
    x = world.account("x")
    world.sandbox.fault("x", "5xx", 1)
    post_id = world.schedule({x: "x"}, "Once, after a retry")
    item = world.wait_for(post_id, timeout=60)
    assert item.status == "published"
    response = call(
        world.client,
        "GET",
        f"/v1/workspaces/{world.ws}/posts/{post_id}/timeline",
        headers=world.owner.headers,
    )
    assert [e["kind"] for e in response.json["items"]] == ["created", "published"]
    assert response.json["items"][1]["details"]["attempt"] == 2
