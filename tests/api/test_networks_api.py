"""GET /v1/networks: what the composer needs to know about each network, for anyone."""

from __future__ import annotations

import json

from chalicelib.networks.registry import NETWORK_IDS


def test_every_supported_network_is_listed_with_its_limits(client):
    response = client.http.get("/v1/networks")
    assert response.status_code == 200
    networks = {n["id"]: n for n in json.loads(response.body)["items"]}
    assert list(networks) == list(NETWORK_IDS)  # every registered network, in order
    x = networks["x"]
    assert x["name"] == "X"
    assert {"text", "images", "video", "threads", "first_comment"} <= set(x["capabilities"])
    assert x["limits"]["text"] == {
        "max_length": 280,
        "counting": "weighted",
        "url_length": 23,
        "required": False,
        "max_hashtags": None,
        "max_mentions": None,
        "max_links": None,
    }
    assert x["limits"]["images"]["max_count"] == 4
    assert (
        x["capabilities"]
        == x["limits"]["capabilities"]
        == ["text", "images", "video", "gif", "first_comment", "threads", "alt_text"]
    )
    instagram = networks["instagram"]
    assert instagram["limits"]["requires_media"] is True
    assert instagram["limits"]["images"]["content_types"] == ["image/jpeg"]
    assert "carousel" in instagram["capabilities"] and "text" not in instagram["capabilities"]
    assert networks["linkedin"]["limits"]["text"]["max_length"] == 3000
    assert networks["facebook"]["limits"]["text"]["max_length"] == 63_206


def test_the_networks_endpoint_is_public_and_documented(client):
    document = json.loads(client.http.get("/v1/openapi.json").body)
    operation = document["paths"]["/v1/networks"]["get"]
    assert operation["x-access"] == "public"
