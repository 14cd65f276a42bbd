"""Short links (issue 25): with link_tracking.shorten on, each network receives a short link
of the workspace's own in place of each (tagged) link; GET /l/{code} redirects to it and
counts the click; each network's limit is checked on the shortened text. Through the API
and the real publisher."""

from __future__ import annotations

import re

from tests.publishing.test_link_tracking import publish_now, turn_on
from tests.support.factories import call

SHORTEN = {"enabled": True, "medium": "social", "campaign": "spring-sale", "shorten": True}
LINK = "https://shop.example.com/collections/spring/sale-of-the-season?ref=newsletter"


def short_base(world) -> str:  # type: ignore[no-untyped-def]
    workspace = call(
        world.client, "GET", f"/v1/workspaces/{world.ws}", headers=world.owner.headers
    ).json
    return workspace["short_link_base"]


def codes_in(text: str, base: str) -> list[str]:
    return re.findall(re.escape(base) + r"/([0-9A-Za-z]{8})\b", text)


def follow(world, code: str):  # type: ignore[no-untyped-def]
    return world.client.http.get(f"/l/{code}")


def test_each_network_gets_a_short_link_to_its_tagged_link_that_counts_clicks(world):
    assert turn_on(world, SHORTEN)["link_tracking"] == SHORTEN
    base = short_base(world)
    x, linkedin = world.account("x"), world.account("linkedin")
    created = publish_now(world, [x, linkedin], f"Spring sale: {LINK} see you there")
    assert created.status_code == 201, created.body
    assert world.wait_for(created.json["id"]).status == "published"
    (on_x,) = world.sandbox.posts("x")
    (on_linkedin,) = world.sandbox.posts("linkedin")
    [x_code] = codes_in(on_x["text"], base)
    [linkedin_code] = codes_in(on_linkedin["text"], base)
    assert on_x["text"] == f"Spring sale: {base}/{x_code} see you there"
    assert x_code != linkedin_code  # each network's clicks count apart

    tags = "utm_medium=social&utm_campaign=spring-sale"
    first = follow(world, x_code)
    assert first.status_code == 302
    assert first.headers["Location"] == f"{LINK}&utm_source=x&{tags}"
    assert first.headers["Cache-Control"] == "no-store"  # every click reaches us
    assert follow(world, x_code).status_code == 302
    to_linkedin = follow(world, linkedin_code)
    assert to_linkedin.headers["Location"] == f"{LINK}&utm_source=linkedin&{tags}"
    # The networks' crawlers drawing the link's card are sent on, not counted.
    for crawler in ("LinkedInBot/1.0 (compatible; Mozilla/5.0)", "facebookexternalhit/1.1"):
        sent_on = world.client.http.get(f"/l/{linkedin_code}", headers={"User-Agent": crawler})
        assert sent_on.status_code == 302 and sent_on.headers["Location"] == (
            f"{LINK}&utm_source=linkedin&{tags}"
        )

    listed = call(
        world.client,
        "GET",
        f"/v1/workspaces/{world.ws}/posts/{created.json['id']}/short-links",
        headers=world.owner.headers,
    )
    assert listed.status_code == 200, listed.body
    clicks = {item["network"]: (item["url"], item["clicks"]) for item in listed.json["items"]}
    assert clicks == {"linkedin": (f"{base}/{linkedin_code}", 1), "x": (f"{base}/{x_code}", 2)}
    # The post keeps the text as written.
    post = call(
        world.client,
        "GET",
        f"/v1/workspaces/{world.ws}/posts/{created.json['id']}",
        headers=world.owner.headers,
    ).json
    assert post["text"] == f"Spring sale: {LINK} see you there"


def test_an_unknown_or_malformed_code_is_a_404_in_the_api_format(world):
    for code in ("Zz9Zz9Zz", "short", "Zz9Zz9Zz9", "Zz9Zz-Zz"):
        response = world.client.http.get(f"/l/{code}")
        assert response.status_code == 404, code
        assert b'"not_found"' in response.body


def test_the_limit_is_checked_on_the_shortened_text(world):
    turn_on(world, SHORTEN)
    base = short_base(world)
    bluesky = world.bluesky_account()
    # 300 graphemes with the short link, far more with the long tagged one.
    short_length = len(base) + 1 + 8
    fits = "a" * (300 - short_length - 1) + " " + LINK
    created = publish_now(world, [bluesky], fits)
    assert created.status_code == 201, created.body
    assert world.wait_for(created.json["id"]).status == "published"
    (sent,) = world.sandbox.posts("bluesky")
    assert len(sent["text"]) == 300 and codes_in(sent["text"], base)

    too_long = "a" * (300 - short_length) + " " + LINK  # one over, shortened
    refused = publish_now(world, [bluesky], too_long)
    assert refused.status_code == 422, refused.body
    assert refused.json["error"]["details"][0]["field"] == "text"


def test_shortening_without_tags_sends_the_link_as_written_behind_the_code(world):
    turn_on(world, {"enabled": False, "shorten": True})
    base = short_base(world)
    x = world.account("x")
    created = publish_now(world, [x], f"As written: {LINK}")
    assert world.wait_for(created.json["id"]).status == "published"
    [code] = codes_in(world.sandbox.posts("x")[0]["text"], base)
    assert follow(world, code).headers["Location"] == LINK


def test_a_retried_publish_finds_the_code_it_made_before(world):
    from chalicelib.posts.short_links import shortener
    from chalicelib.store.short_links import links_of_post

    shorten = shortener(world.ws, "p_retried", "x", "https://go.example.com")
    first = shorten("https://shop.example.com/a?utm_source=x")
    assert follow(world, first.rsplit("/", 1)[1]).status_code == 302
    again = shorten("https://shop.example.com/a?utm_source=x")
    assert again == first
    [stored] = links_of_post(world.ws, "p_retried")
    assert stored.clicks == 1  # the click made before the retry is kept
