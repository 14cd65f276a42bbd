"""Instagram through the sandbox: linked accounts, containers, carousels, Reels,
Stories, the publishing limit, insights and error sorting."""

from __future__ import annotations

import pytest

from chalicelib.networks.base import (
    AccountAuth,
    ErrorKind,
    IdentityKind,
    NetworkError,
    PublishRequest,
    auth_for,
)
from tests.support.networks import GeneratedVideo, adapter, age_posts, connect, image_item, jpeg


@pytest.fixture
def instagram():
    return adapter("instagram")


def business_account(instagram) -> AccountAuth:
    grant = connect(instagram)
    [account] = instagram.identities(grant)
    return auth_for(account, grant)


def hosted_image(sandbox, name: str, width: int = 1080, height: int = 1080, alt=None):
    return image_item(jpeg(width, height), alt=alt, url=sandbox.host(name, jpeg(width, height)))


def test_only_pages_with_a_linked_instagram_account_are_identities(sandbox, instagram):
    grant = connect(instagram, user="ada", by_form=True)
    [account] = instagram.identities(grant)
    assert account.kind is IdentityKind.BUSINESS and account.username == "ada.bakery"
    assert account.parent_id and account.access_token


def test_a_single_image_is_published_with_caption_alt_text_and_first_comment(sandbox, instagram):
    account = business_account(instagram)
    result = instagram.publish(
        account,
        PublishRequest(
            text="Sourdough #bread",
            media=(hosted_image(sandbox, "a.jpg", alt="a loaf"),),
            first_comment="#bakery #fresh",
        ),
    )
    [post] = sandbox.posts("instagram")
    assert post["id"] == result.external_id and post["text"] == "Sourdough #bread"
    assert post["media"][0]["width"] == 1080 and post["media"][0]["alt_text"] == "a loaf"
    assert result.url.startswith("https://www.instagram.com/p/")
    assert [c["text"] for c in post["comments"]] == ["#bakery #fresh"]
    limit_checks = [c for c in sandbox.calls if c.path.endswith("/content_publishing_limit")]
    assert len(limit_checks) == 1


def test_a_carousel_mixes_images_and_a_video(sandbox, instagram):
    account = business_account(instagram)
    video = GeneratedVideo(2 * 1024**2)
    media = (
        hosted_image(sandbox, "1.jpg"),
        hosted_image(sandbox, "2.jpg", 1080, 1350),
        video.item(url=sandbox.host("v.mp4", video.whole())),
    )
    instagram.publish(account, PublishRequest(text="Our week", media=media))
    [post] = sandbox.posts("instagram")
    assert post["media_type"] == "CAROUSEL_ALBUM"
    assert [m["type"] for m in post["media"]] == ["image", "image", "video"]


def test_a_single_video_is_a_reel_published_after_processing(sandbox, instagram):
    account = business_account(instagram)
    video = GeneratedVideo(1024**2)
    instagram.publish(
        account,
        PublishRequest(text="Reel", media=(video.item(url=sandbox.host("r.mp4", video.whole())),)),
    )
    [post] = sandbox.posts("instagram")
    assert post["media_type"] == "VIDEO" and post["media"][0]["bytes"] == video.size
    polls = [c for c in sandbox.calls if c.args.get("fields") == "status_code,status"]
    assert [c.response["status_code"] for c in polls][-1] == "FINISHED"
    assert "IN_PROGRESS" in [c.response["status_code"] for c in polls]


def test_a_story(sandbox, instagram):
    account = business_account(instagram)
    instagram.publish(
        account,
        PublishRequest(
            media=(hosted_image(sandbox, "s.jpg", 1080, 1920),), options={"placement": "story"}
        ),
    )
    [post] = sandbox.posts("instagram")
    assert post["media_type"] == "STORY"


def test_a_caption_over_2200_characters_is_refused(sandbox, instagram):
    account = business_account(instagram)
    with pytest.raises(NetworkError) as refused:
        instagram.publish(
            account, PublishRequest(text="a" * 2201, media=(hosted_image(sandbox, "c.jpg"),))
        )
    assert refused.value.kind is ErrorKind.PERMANENT and "2200" in refused.value.message


def test_an_image_with_the_wrong_aspect_ratio_is_refused(sandbox, instagram):
    account = business_account(instagram)
    with pytest.raises(NetworkError) as refused:
        instagram.publish(
            account, PublishRequest(text="tall", media=(hosted_image(sandbox, "t.jpg", 500, 1000),))
        )
    assert refused.value.kind is ErrorKind.PERMANENT and "aspect ratio" in refused.value.message


def test_a_png_is_refused_because_instagram_takes_jpeg_only(sandbox, instagram):
    from tests.support.networks import png

    account = business_account(instagram)
    item = image_item(png(), "image/png", url=sandbox.host("p.png", png()))
    with pytest.raises(NetworkError) as refused:
        instagram.publish(account, PublishRequest(text="png", media=(item,)))
    assert refused.value.kind is ErrorKind.PERMANENT


def test_the_publishing_limit_is_read_before_publishing(sandbox, instagram):
    account = business_account(instagram)
    sandbox.state.objects["_instagram_quota_total"] = 1
    instagram.publish(account, PublishRequest(text="1", media=(hosted_image(sandbox, "1.jpg"),)))
    with pytest.raises(NetworkError) as capped:
        instagram.publish(
            account, PublishRequest(text="2", media=(hosted_image(sandbox, "2.jpg"),))
        )
    assert capped.value.kind is ErrorKind.THROTTLED and capped.value.retry_at
    assert len(sandbox.posts("instagram")) == 1
    created = [c for c in sandbox.calls if c.method == "POST" and c.path.endswith("/media")]
    assert len(created) == 1, "no container is created once the cap is reached"


def test_insights_are_read_back(sandbox, instagram):
    account = business_account(instagram)
    result = instagram.publish(
        account, PublishRequest(text="m", media=(hosted_image(sandbox, "m.jpg"),))
    )
    age_posts(sandbox, "instagram", hours=5)
    [metrics] = instagram.metrics(account, [result.external_id])
    assert set(metrics.values) - {"total_interactions"} == instagram.metric_names
    assert metrics.values["total_interactions"] == sum(
        metrics.values[k] for k in ("likes", "comments", "shares", "saves")
    )


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        ("5xx", ErrorKind.TRANSIENT),
        ("429", ErrorKind.THROTTLED),
        ("401", ErrorKind.REAUTH),
        ("duplicate", ErrorKind.PERMANENT),
    ],
)
def test_each_error_is_sorted_into_its_kind(sandbox, instagram, fault, kind):
    account = business_account(instagram)
    sandbox.fault("instagram", fault)
    with pytest.raises(NetworkError) as failed:
        instagram.publish(
            account, PublishRequest(text="x", media=(hosted_image(sandbox, "e.jpg"),))
        )
    assert failed.value.kind is kind
    assert sandbox.posts("instagram") == []


def test_media_without_a_public_url_is_refused_before_any_call(sandbox, instagram):
    account = business_account(instagram)
    before = len(sandbox.calls)
    with pytest.raises(NetworkError) as refused:
        instagram.publish(account, PublishRequest(text="x", media=(image_item(jpeg()),)))
    assert refused.value.kind is ErrorKind.PERMANENT and "URL" in refused.value.message
    assert sandbox.calls[before:] == []
