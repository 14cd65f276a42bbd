"""Facebook Pages through the sandbox: page tokens, text, photos, video, insights."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.networks.base import (
    AccountAuth,
    ErrorKind,
    IdentityKind,
    NetworkError,
    PublishRequest,
    auth_for,
)
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
def facebook():
    return adapter("facebook")


def page_account(facebook) -> AccountAuth:
    grant = connect(facebook)
    page = facebook.identities(grant)[0]
    return auth_for(page, grant)


def test_connecting_lists_each_page_with_its_own_token(sandbox, facebook):
    grant = connect(facebook, user="ada", by_form=True)
    assert grant.expires_within(61 * 86400) and not grant.expires_within(59 * 86400)
    assert set(grant.scopes) == {"pages_show_list", "pages_read_engagement", "pages_manage_posts"}
    pages = facebook.identities(grant)
    assert [p.name for p in pages] == ["Ada Bakery", "Ada Studio"]
    assert all(p.kind is IdentityKind.PAGE and p.access_token for p in pages)
    assert pages[0].access_token != grant.access_token


def test_a_link_post_and_its_first_comment(sandbox, facebook):
    account = page_account(facebook)
    result = facebook.publish(
        account,
        PublishRequest(
            text="New menu", link="https://bakery.example/menu", first_comment="Open 7-19"
        ),
    )
    [post] = sandbox.posts("facebook")
    assert post["id"] == result.external_id and post["link"] == "https://bakery.example/menu"
    assert post["account"] == account.external_id
    assert [c["message"] for c in post["comments"]] == ["Open 7-19"]
    assert len(result.follow_up_ids) == 1


def test_one_photo_is_a_photo_post(sandbox, facebook):
    account = page_account(facebook)
    facebook.publish(
        account, PublishRequest(text="Croissant", media=(image_item(jpeg(640, 480), alt="a"),))
    )
    [post] = sandbox.posts("facebook")
    assert post["media"][0]["width"] == 640 and post["media"][0]["alt_text"] == "a"


def test_several_photos_are_attached_to_one_feed_post(sandbox, facebook):
    account = page_account(facebook)
    photos = (image_item(jpeg(400, 400)), image_item(png(300, 200), "image/png"))
    facebook.publish(account, PublishRequest(text="Two pics", media=photos))
    [post] = sandbox.posts("facebook")
    assert [(m["width"], m["height"]) for m in post["media"]] == [(400, 400), (300, 200)]
    unpublished = [c for c in sandbox.calls_to("/facebook/") if c.path.endswith("/photos")]
    assert [c.form["published"] for c in unpublished] == ["false", "false"]


def test_a_video_is_uploaded_in_phases(sandbox, facebook):
    account = page_account(facebook)
    video = GeneratedVideo(9 * 1024**2)
    result = facebook.publish(account, PublishRequest(text="Oven cam", media=(video.item(),)))
    [post] = sandbox.posts("facebook")
    assert post["id"] == result.external_id and post["media"][0]["bytes"] == video.size
    assert post["chunks"] == [4 * 1024**2, 4 * 1024**2, 1024**2]


def test_insights_are_read_back(sandbox, facebook):
    account = page_account(facebook)
    post_id = facebook.publish(account, PublishRequest(text="Insightful")).external_id
    age_posts(sandbox, "facebook", hours=5)
    [metrics] = facebook.metrics(account, [post_id])
    assert metrics.external_id == post_id
    # Today's names (views, not the retired impressions); Meta gives no saves or quotes.
    assert set(metrics.values) == {"views", "reach", "clicks", "likes", "comments", "shares"}
    assert metrics.values["views"] > metrics.values["likes"] > 0


@pytest.mark.parametrize(
    ("fault", "kind", "code"),
    [
        ("5xx", ErrorKind.TRANSIENT, "2"),
        ("429", ErrorKind.THROTTLED, "32"),
        ("401", ErrorKind.REAUTH, "190"),
        ("duplicate", ErrorKind.PERMANENT, "506"),
    ],
)
def test_each_graph_error_is_sorted_by_its_code(sandbox, facebook, fault, kind, code):
    account = page_account(facebook)
    sandbox.fault("facebook", fault)
    with pytest.raises(NetworkError) as failed:
        facebook.publish(account, PublishRequest(text="hello"))
    assert failed.value.kind is kind and failed.value.code == code
    if fault == "429":  # X-Business-Use-Case-Usage says 7 minutes
        wait = (failed.value.retry_at - datetime.now(UTC)).total_seconds()
        assert 6 * 60 < wait <= 7 * 60


def test_posting_with_the_user_token_instead_of_the_page_token_is_refused(sandbox, facebook):
    grant = connect(facebook)
    page = facebook.identities(grant)[0]
    with pytest.raises(NetworkError) as refused:
        facebook.publish(AccountAuth(page.external_id, grant.access_token), PublishRequest("x"))
    assert refused.value.kind is ErrorKind.PERMANENT and refused.value.code == "200"


def test_disconnecting_revokes_the_page_tokens(sandbox, facebook):
    grant = connect(facebook)
    page = facebook.identities(grant)[0]
    facebook.revoke(grant)
    with pytest.raises(NetworkError) as revoked:
        facebook.publish(auth_for(page, grant), PublishRequest(text="after"))
    assert revoked.value.kind is ErrorKind.REAUTH


def test_a_file_that_is_not_an_image_is_refused(sandbox, facebook):
    account = page_account(facebook)
    with pytest.raises(NetworkError) as refused:
        facebook.publish(account, PublishRequest(text="pic", media=(image_item(b"%PDF-1.4"),)))
    assert refused.value.kind is ErrorKind.PERMANENT and refused.value.code == "324"


def test_graph_answers_carry_the_app_usage_header(sandbox, facebook):
    page_account(facebook)
    usage = [c.headers.get("X-App-Usage") for c in sandbox.calls_to("/facebook/")]
    assert usage and all(u and '"call_count"' in u for u in usage)


def test_media_given_only_by_url_is_pulled_by_facebook(sandbox, facebook):
    account = page_account(facebook)
    url = sandbox.host("p.jpg", jpeg(500, 500))
    facebook.publish(account, PublishRequest(text="pulled", media=(image_item(b"", url=url),)))
    video = GeneratedVideo(2 * 1024**2)
    url_only = replace(video.item(url=sandbox.host("v.mp4", video.whole())), read_range=None)
    facebook.publish(account, PublishRequest(text="pulled video", media=(url_only,)))
    photo, clip = sandbox.posts("facebook")
    assert photo["media"][0]["width"] == 500 and clip["media"][0]["bytes"] == video.size
    sent = [
        c for c in sandbox.calls if c.method == "POST" and c.path.endswith(("/photos", "/videos"))
    ]
    assert [sorted(k for k in c.form if k in ("url", "file_url")) for c in sent[-2:]] == [
        ["url"],
        ["file_url"],
    ]
