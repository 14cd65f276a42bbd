"""LinkedIn through the sandbox: member and organisation authors, escaped commentary,
images, multi-image, video parts with ETags, comments, social actions, errors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests

from chalicelib.networks.base import (
    AccountAuth,
    ErrorKind,
    IdentityKind,
    NetworkError,
    PublishRequest,
    auth_for,
)
from chalicelib.networks.linkedin import escape_commentary
from tests.support.networks import (
    GeneratedVideo,
    adapter,
    age_posts,
    connect,
    image_item,
    jpeg,
    png,
)


@pytest.fixture
def linkedin():
    return adapter("linkedin")


def member_and_org(linkedin) -> tuple[AccountAuth, AccountAuth]:
    grant = connect(linkedin)
    member, org = linkedin.identities(grant)
    return auth_for(member, grant), auth_for(org, grant)


def test_connecting_lists_the_member_and_their_organisations(sandbox, linkedin):
    grant = connect(linkedin, user="ada", by_form=True)
    assert grant.refresh_token and grant.refresh_expires_at
    assert grant.expires_within(61 * 86400) and not grant.expires_within(59 * 86400)
    member, org = linkedin.identities(grant)
    assert member.kind is IdentityKind.PERSON and member.external_id.startswith("urn:li:person:")
    assert org.kind is IdentityKind.ORGANIZATION and org.name == "Ada Bakery Ltd"
    renewed = linkedin.refresh(grant)
    assert renewed.access_token != grant.access_token
    assert renewed.refresh_token == grant.refresh_token  # LinkedIn's does not rotate


def test_reserved_characters_are_escaped_and_the_text_arrives_intact(sandbox, linkedin):
    member, _ = member_and_org(linkedin)
    text = "Big (news) #launch @team [beta] {x} <y> *bold* _it_ ~s~ a|b \\ done"
    linkedin.publish(member, PublishRequest(text=text))
    [post] = sandbox.posts("linkedin")
    assert post["text"] == text and post["account"] == member.external_id
    [sent] = [c for c in sandbox.calls if c.path == "/linkedin/rest/posts"]
    assert sent.json["commentary"] == escape_commentary(text)
    assert sent.status == 201 and sent.headers["x-restli-id"] == post["id"]


def test_the_organisation_posts_an_image_with_alt_text(sandbox, linkedin):
    _, org = member_and_org(linkedin)
    result = linkedin.publish(
        org, PublishRequest(text="Hiring", media=(image_item(jpeg(1200, 627), alt="team"),))
    )
    [post] = sandbox.posts("linkedin")
    assert post["account"] == org.external_id and result.external_id == post["id"]
    assert post["media"][0]["width"] == 1200 and post["media"][0]["alt_text"] == "team"
    assert result.url == f"https://www.linkedin.com/feed/update/{post['id']}/"


def test_several_images_are_a_multi_image_post(sandbox, linkedin):
    member, _ = member_and_org(linkedin)
    images = (image_item(jpeg(800, 800)), image_item(png(600, 400), "image/png"))
    linkedin.publish(member, PublishRequest(text="Gallery", media=images))
    [post] = sandbox.posts("linkedin")
    assert [(m["width"], m["height"]) for m in post["media"]] == [(800, 800), (600, 400)]


def test_a_video_is_uploaded_in_parts_and_finalized_with_their_etags(sandbox, linkedin):
    member, _ = member_and_org(linkedin)
    video = GeneratedVideo(10 * 1024**2)
    linkedin.publish(member, PublishRequest(text="Tour", media=(video.item(),)))
    [post] = sandbox.posts("linkedin")
    assert post["media"][0]["bytes"] == video.size and post["media"][0]["parts"] == 3
    [final] = [c for c in sandbox.calls if c.args.get("action") == "finalizeUpload"]
    parts = [c for c in sandbox.calls if c.path.startswith("/linkedin/dms-uploads/video/")]
    assert [p.headers["ETag"].strip('"') for p in parts] == final.json["finalizeUploadRequest"][
        "uploadedPartIds"
    ]


def test_a_first_comment_and_metrics(sandbox, linkedin):
    member, _ = member_and_org(linkedin)
    result = linkedin.publish(member, PublishRequest(text="Hi", first_comment="Link below"))
    assert result.follow_up_ids and result.warnings == ()
    [fresh] = linkedin.metrics(member, [result.external_id])
    assert fresh.values["comments"] == 1  # the first comment, at once
    age_posts(sandbox, "linkedin", hours=5)
    [metrics] = linkedin.metrics(member, [result.external_id])
    assert metrics.values["comments"] >= 1 and metrics.values["likes"] >= 1


@pytest.mark.parametrize(
    ("fault", "kind", "status"),
    [
        ("5xx", ErrorKind.TRANSIENT, 503),
        ("429", ErrorKind.THROTTLED, 429),
        ("401", ErrorKind.REAUTH, 401),
        ("duplicate", ErrorKind.PERMANENT, 422),
    ],
)
def test_each_error_is_sorted_into_its_kind(sandbox, linkedin, fault, kind, status):
    member, _ = member_and_org(linkedin)
    sandbox.fault("linkedin", fault)
    with pytest.raises(NetworkError) as failed:
        linkedin.publish(member, PublishRequest(text="hello"))
    assert failed.value.kind is kind and failed.value.status == status
    if fault == "429":
        assert failed.value.retry_at > datetime.now(UTC)


def test_text_over_3000_characters_is_refused(sandbox, linkedin):
    member, _ = member_and_org(linkedin)
    with pytest.raises(NetworkError) as refused:
        linkedin.publish(member, PublishRequest(text="a" * 3001))
    assert refused.value.kind is ErrorKind.PERMANENT and refused.value.status == 422


def test_a_revoked_token_asks_for_reconnection(sandbox, linkedin):
    grant = connect(linkedin)
    member = linkedin.identities(grant)[0]
    linkedin.revoke(grant)
    with pytest.raises(NetworkError) as revoked:
        linkedin.publish(auth_for(member, grant), PublishRequest(text="bye"))
    assert revoked.value.kind is ErrorKind.REAUTH and revoked.value.code == "REVOKED_ACCESS_TOKEN"


def test_without_organisation_scopes_only_the_member_is_listed(sandbox, linkedin):
    grant = connect(linkedin)
    sandbox.state.tokens[grant.access_token].scopes = ("openid", "profile", "w_member_social")
    [member] = linkedin.identities(grant)
    assert member.kind is IdentityKind.PERSON


def test_the_rest_api_requires_the_version_headers(sandbox, linkedin):
    grant = connect(linkedin)
    answer = requests.post(
        f"{sandbox.url}/linkedin/rest/posts",
        headers={"Authorization": f"Bearer {grant.access_token}"},
        json={},
        timeout=5,
    )
    assert answer.status_code == 400 and answer.json()["code"] == "VERSION_MISSING"


def test_a_shortened_access_token_expires_and_refreshing_brings_posting_back(sandbox, linkedin):
    import time

    sandbox.state.token_ttl = 1  # SCHEDULO_SANDBOX_TOKEN_TTL
    grant = connect(linkedin)
    member = linkedin.identities(grant)[0]
    time.sleep(1.1)
    with pytest.raises(NetworkError) as expired:
        linkedin.publish(auth_for(member, grant), PublishRequest(text="late"))
    assert expired.value.kind is ErrorKind.REAUTH and expired.value.code == "EXPIRED_ACCESS_TOKEN"
    renewed = linkedin.refresh(grant)
    linkedin.publish(auth_for(member, renewed), PublishRequest(text="back"))
    assert [p["text"] for p in sandbox.posts("linkedin")] == ["back"]


def test_a_link_is_shared_as_an_article(sandbox, linkedin):
    member, _ = member_and_org(linkedin)
    linkedin.publish(
        member,
        PublishRequest(
            text="Read this", link="https://bakery.example/blog", options={"link_title": "Blog"}
        ),
    )
    [post] = sandbox.posts("linkedin")
    assert post["article"] == "https://bakery.example/blog"
