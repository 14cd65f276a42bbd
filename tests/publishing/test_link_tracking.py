"""Link tracking (issue 25): with the workspace's setting on, each network receives the
post's links tagged with utm_source=<network>, and the tagged text is what is checked
against the network's limit. Through the API and the real publisher."""

from __future__ import annotations

from tests.support.factories import call

TRACKING = {"enabled": True, "medium": "social", "campaign": "spring-sale"}


def turn_on(world, tracking=TRACKING):  # type: ignore[no-untyped-def]
    response = call(
        world.client,
        "PATCH",
        f"/v1/workspaces/{world.ws}",
        {"link_tracking": tracking},
        world.owner.headers,
    )
    assert response.status_code == 200, response.body
    return response.json


def publish_now(world, targets, text):  # type: ignore[no-untyped-def]
    return call(
        world.client,
        "POST",
        f"/v1/workspaces/{world.ws}/posts",
        {"text": text, "targets": [{"account_id": a} for a in targets], "when": {"now": True}},
        world.owner.headers,
    )


def test_each_network_receives_its_links_tagged_as_the_workspace_says(world):
    assert turn_on(world)["link_tracking"] == {**TRACKING, "shorten": False}
    x, linkedin = world.account("x"), world.account("linkedin")
    created = publish_now(world, [x, linkedin], "Spring sale: https://shop.example.com/sale")
    assert created.status_code == 201, created.body
    assert world.wait_for(created.json["id"]).status == "published"
    (on_x,) = world.sandbox.posts("x")
    (on_linkedin,) = world.sandbox.posts("linkedin")
    tags = "utm_medium=social&utm_campaign=spring-sale"
    assert on_x["text"] == f"Spring sale: https://shop.example.com/sale?utm_source=x&{tags}"
    assert on_linkedin["text"].endswith(f"/sale?utm_source=linkedin&{tags}")
    # The post itself keeps the text as written.
    post = call(
        world.client,
        "GET",
        f"/v1/workspaces/{world.ws}/posts/{created.json['id']}",
        headers=world.owner.headers,
    ).json
    assert post["text"] == "Spring sale: https://shop.example.com/sale"


def test_a_text_that_fits_only_untagged_is_refused_naming_the_text(world):
    turn_on(world)
    bluesky = world.bluesky_account()
    link = "https://shop.example.com/sale"
    text = "a" * (300 - len(link) - 1) + " " + link  # 300 graphemes as written
    refused = publish_now(world, [bluesky], text)
    assert refused.status_code == 422, refused.body
    assert refused.json["error"]["details"][0]["field"] == "text"


def test_with_tracking_off_links_go_out_as_written(world):
    turn_on(world, {"enabled": False})
    x = world.account("x")
    created = publish_now(world, [x], "As written: https://shop.example.com/sale")
    assert world.wait_for(created.json["id"]).status == "published"
    assert world.sandbox.posts("x")[0]["text"] == "As written: https://shop.example.com/sale"


def test_a_campaign_that_would_break_a_link_is_a_422_naming_it(world):
    response = call(
        world.client,
        "PATCH",
        f"/v1/workspaces/{world.ws}",
        {"link_tracking": {"enabled": True, "campaign": "spring sale!"}},
        world.owner.headers,
    )
    assert response.status_code == 422
    assert response.json["error"]["details"][0]["field"] == "link_tracking.campaign"
