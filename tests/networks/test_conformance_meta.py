"""Every Graph call the Facebook and Instagram adapters make names an edge, parameters
and fields that Meta's own node descriptions (../shared/specs/meta/graph-api-specs)
list. The descriptions are for v25.0; the calls go to the version in
chalicelib/networks/graph.py."""

from __future__ import annotations

import re
from typing import Any

from chalicelib.networks.base import PublishRequest, auth_for
from tests.support.networks import GeneratedVideo, adapter, connect, image_item, jpeg, png
from tests.support.specs import load_json

# Parameters every Graph call takes, described once by Meta rather than per edge.
UNIVERSAL = {"access_token", "fields", "limit", "appsecret_proof"}
# The multipart file of a photo upload: the SDKs attach files outside the param list.
FILE_PARAMS = {("Page", "POST", "photos"): {"source"}}
# Login endpoints are not nodes.
OUTSIDE_NODES = re.compile(r"^/(facebook|instagram)/v[\d.]+/(oauth/access_token|dialog/oauth)$")


def node_spec(name: str) -> dict[str, Any]:
    return load_json(f"meta/graph-api-specs/{name}.json")


def api_of(node: str, method: str, edge: str | None) -> dict[str, Any]:
    for api in node_spec(node)["apis"]:
        if api["method"] == method and api.get("endpoint") == edge:
            return api
    raise AssertionError(f"{method} {node}/{edge or ''} is not in {node}.json")


def field_names(node: str) -> set[str]:
    spec = node_spec(node)
    return {f["name"] for f in spec["fields"]} | {a.get("endpoint") for a in spec["apis"]}


def top_level_fields(fields: str) -> list[tuple[str, str | None]]:
    """`a,b{c,d}` -> [("a", None), ("b", "c,d")]."""
    found, depth, current, inner = [], 0, "", ""
    for char in fields + ",":
        if char == "{":
            depth += 1
            if depth == 1:
                continue
        elif char == "}":
            depth -= 1
            if depth == 0:
                continue
        if depth:
            inner += char
        elif char == ",":
            found.append((current, inner or None))
            current, inner = "", ""
        else:
            current += char
    return [f for f in found if f[0]]


def check_fields(node: str, fields: str, nested: dict[str, str]) -> None:
    known = field_names(node)
    for name, inner in top_level_fields(fields):
        assert name in known, f"field {name} is not a field or edge of {node}"
        if inner and name in nested:
            check_fields(nested[name], inner, {})


def exercise_facebook(sandbox) -> dict[str, str]:
    facebook = adapter("facebook")
    grant = connect(facebook)
    page = facebook.identities(grant)[0]
    account = auth_for(page, grant)
    video = GeneratedVideo(5 * 1024**2)
    ids = [
        facebook.publish(
            account, PublishRequest(text="t", link="https://a.example", first_comment="c")
        ),
        facebook.publish(account, PublishRequest(text="p", media=(image_item(jpeg(), alt="a"),))),
        facebook.publish(
            account,
            PublishRequest(text="m", media=(image_item(jpeg()), image_item(png(), "image/png"))),
        ),
        facebook.publish(account, PublishRequest(text="v", media=(video.item(),))),
    ]
    facebook.metrics(account, [ids[0].external_id])
    facebook.account_metrics(account)
    facebook.revoke(grant)
    kinds = {page.external_id: "Page", "me": "User"}
    kinds.update({p["id"]: "PagePost" for p in sandbox.posts("facebook")})
    return kinds


def exercise_instagram(sandbox) -> dict[str, str]:
    instagram = adapter("instagram")
    grant = connect(instagram)
    [business] = instagram.identities(grant)
    account = auth_for(business, grant)
    video = GeneratedVideo(1024**2)
    url = sandbox.host("i.jpg", jpeg())
    single = instagram.publish(
        account,
        PublishRequest(
            text="one", media=(image_item(jpeg(), alt="a", url=url),), first_comment="#tags"
        ),
    )
    instagram.publish(
        account,
        PublishRequest(
            text="many",
            media=(
                image_item(jpeg(), url=url),
                video.item(url=sandbox.host("v.mp4", video.whole())),
            ),
        ),
    )
    instagram.publish(
        account,
        PublishRequest(text="reel", media=(video.item(url=sandbox.host("r.mp4", video.whole())),)),
    )
    instagram.publish(
        account,
        PublishRequest(media=(image_item(jpeg(), url=url),), options={"placement": "story"}),
    )
    instagram.metrics(account, [single.external_id])
    instagram.account_metrics(account)
    kinds = {business.external_id: "IGUser", "me": "User"}
    kinds.update({p["id"]: "IGMedia" for p in sandbox.posts("instagram")})
    for call in sandbox.calls:
        if call.method == "POST" and call.path.endswith("/media") and call.response:
            kinds[call.response["id"]] = "ShadowIGMediaBuilder"
    return kinds


def check_calls(sandbox, prefix: str, kinds: dict[str, str]) -> set[str]:
    checked = set()
    for call in sandbox.calls_to(prefix):
        if OUTSIDE_NODES.match(call.path):
            continue
        node_id, _, edge = call.path.split("/", 3)[3].partition("/")
        node = kinds.get(node_id)
        assert node, f"{call.method} {call.path}: unknown node {node_id}"
        api = api_of(node, call.method, edge or None)
        allowed = {p["name"] for p in api.get("params", [])} | UNIVERSAL
        allowed |= FILE_PARAMS.get((node, call.method, edge), set())
        sent = set(call.args) | set(call.form) | set(call.files)
        assert sent <= allowed, f"{call.method} {node}/{edge}: {sent - allowed} not described"
        if call.args.get("fields"):
            returned = api.get("return", node) if edge else node
            check_fields(returned, call.args["fields"], {"instagram_business_account": "IGUser"})
        checked.add(f"{call.method} {node}/{edge}")
    return checked


def test_facebook_calls_use_described_edges_and_parameters(sandbox):
    kinds = exercise_facebook(sandbox)
    checked = check_calls(sandbox, "/facebook/", kinds)
    assert checked >= {
        "GET User/accounts",
        "GET User/permissions",
        "DELETE User/permissions",
        "POST Page/feed",
        "POST Page/photos",
        "POST Page/videos",
        "POST PagePost/comments",
        "GET PagePost/insights",
        "GET Page/",
    }


def test_instagram_calls_use_described_edges_and_parameters(sandbox):
    kinds = exercise_instagram(sandbox)
    checked = check_calls(sandbox, "/instagram/", kinds)
    assert checked >= {
        "GET User/accounts",
        "GET IGUser/content_publishing_limit",
        "POST IGUser/media",
        "POST IGUser/media_publish",
        "GET ShadowIGMediaBuilder/",
        "GET IGMedia/",
        "POST IGMedia/comments",
        "GET IGMedia/insights",
        "GET IGUser/",
    }
