"""Every registered network's own limits table, each limit at its value and one past it."""

from __future__ import annotations

import pytest

from chalicelib.domain.limits import Capability, MediaKind, NetworkLimits
from chalicelib.domain.validation import MediaFacts, TargetDraft, validate_target
from chalicelib.networks.registry import all_limits


def networks(where=lambda limits: True) -> list:
    return [pytest.param(limits, id=limits.network) for limits in all_limits() if where(limits)]


NETWORKS = networks()


def fits(limits: NetworkLimits, draft: TargetDraft) -> bool:
    return validate_target(draft, limits) == []


def messages(limits: NetworkLimits, draft: TargetDraft) -> list[str]:
    return [problem.message for problem in validate_target(draft, limits)]


def an_image(limits: NetworkLimits, n: int = 0, **facts) -> MediaFacts:
    """An image the network accepts: its first type, a width and shape inside its bounds."""
    rules = limits.images
    assert rules is not None
    width = min(max(1080, rules.min_width or 0), rules.max_width or 10_000)
    ratio = min(max(1.0, rules.min_aspect_ratio or 0), rules.max_aspect_ratio or 100)
    base = {
        "media_id": f"m_{n}",
        "content_type": rules.content_types[0],
        "bytes": 1000,
        "width": width,
        "height": round(width / ratio),
        "alt_text": "a description" if rules.alt_text_required else None,
    }
    return MediaFacts(**(base | facts))


def a_video(limits: NetworkLimits, **facts) -> MediaFacts:
    rules = limits.videos
    assert rules is not None
    seconds = max(rules.min_seconds or 0, min(10.0, rules.max_seconds or 10.0))
    base = {
        "media_id": "m_v",
        "content_type": rules.content_types[0],
        "bytes": 1000,
        "width": 1080,
        "height": 1080,
        "duration_seconds": seconds,
    }
    return MediaFacts(**(base | facts))


def post(limits: NetworkLimits, text: str = "hello", **parts) -> TargetDraft:
    if limits.requires_media and "media" not in parts:
        # video-only networks (TikTok, YouTube) take a video where others take an image
        parts["media"] = (an_image(limits) if limits.images else a_video(limits),)
    return TargetDraft(target="a_1", text=text, **parts)


@pytest.mark.parametrize("limits", NETWORKS)
def test_text_at_the_limit_fits_and_one_more_does_not(limits):
    most = limits.text.max_length
    assert fits(limits, post(limits, "a" * most))
    assert messages(limits, post(limits, "a" * (most + 1)))[0].endswith(f"this text has {most + 1}")


@pytest.mark.parametrize("limits", NETWORKS)
def test_hashtag_and_mention_caps(limits):
    for cap, sign in ((limits.text.max_hashtags, "#"), (limits.text.max_mentions, "@")):
        if cap is None:
            continue
        words = [f"{sign}tag{i}" for i in range(cap + 1)]
        assert fits(limits, post(limits, " ".join(words[:cap])))
        assert messages(limits, post(limits, " ".join(words)))


@pytest.mark.parametrize("limits", networks(lambda n: n.images is not None))
def test_image_count_and_size(limits):
    rules = limits.images
    most = min(rules.max_count, limits.max_media or rules.max_count)
    images = tuple(an_image(limits, n) for n in range(most + 1))
    assert fits(limits, post(limits, media=images[:most]))
    assert messages(limits, post(limits, media=images))
    assert fits(limits, post(limits, media=(an_image(limits, bytes=rules.max_bytes),)))
    assert messages(limits, post(limits, media=(an_image(limits, bytes=rules.max_bytes + 1),)))


@pytest.mark.parametrize(
    "limits",
    networks(lambda n: n.images is not None and n.images.min_aspect_ratio is not None),
)
def test_image_aspect_ratio_and_width_bounds(limits):
    rules = limits.images
    width = 1000
    low = an_image(limits, width=width, height=int(width / rules.min_aspect_ratio))
    assert fits(limits, post(limits, media=(low,)))
    too_tall = an_image(limits, width=width, height=int(width / rules.min_aspect_ratio) + 5)
    assert "aspect ratios" in messages(limits, post(limits, media=(too_tall,)))[0]
    high = an_image(limits, width=width, height=int(width / rules.max_aspect_ratio) + 1)
    assert fits(limits, post(limits, media=(high,)))
    too_wide = an_image(limits, width=width, height=int(width / rules.max_aspect_ratio) - 5)
    assert "aspect ratios" in messages(limits, post(limits, media=(too_wide,)))[0]
    if rules.min_width:
        side = rules.min_width
        assert fits(limits, post(limits, media=(an_image(limits, width=side, height=side),)))
        narrow = an_image(limits, width=side - 1, height=side - 1)
        assert messages(limits, post(limits, media=(narrow,)))


@pytest.mark.parametrize("limits", networks(lambda n: n.videos is not None))
def test_video_duration_and_size(limits):
    rules = limits.videos
    for bound, past in ((rules.min_seconds, -0.1), (rules.max_seconds, 0.1)):
        if bound is None:
            continue
        assert fits(limits, post(limits, media=(a_video(limits, duration_seconds=bound),)))
        assert messages(
            limits, post(limits, media=(a_video(limits, duration_seconds=bound + past),))
        )
    assert fits(limits, post(limits, media=(a_video(limits, bytes=rules.max_bytes),)))
    assert messages(limits, post(limits, media=(a_video(limits, bytes=rules.max_bytes + 1),)))


@pytest.mark.parametrize("limits", NETWORKS)
def test_media_the_network_does_not_take(limits):
    if limits.videos is None:
        video = MediaFacts("m_v", "video/mp4", 1000, 1080, 1080, 10.0)
        assert messages(limits, post(limits, media=(video,))) == [
            f"{limits.name} does not accept videos"
        ]
    if not limits.mixed_media and limits.images and limits.videos:
        mixed = (an_image(limits), a_video(limits))
        assert any("does not mix" in m for m in messages(limits, post(limits, media=mixed)))
    if limits.images:
        odd = an_image(limits, content_type="image/tiff")
        assert "does not accept image/tiff" in messages(limits, post(limits, media=(odd,)))[0]


@pytest.mark.parametrize("limits", networks(lambda n: n.requires_media))
def test_a_network_that_requires_media_refuses_text_alone(limits):
    assert messages(limits, TargetDraft(target="a_1", text="hello")) == [
        f"{limits.name} needs at least one image or video"
    ]


@pytest.mark.parametrize("limits", NETWORKS)
def test_first_comment_at_the_limit_and_one_past(limits):
    if Capability.FIRST_COMMENT not in limits.capabilities:
        assert messages(limits, post(limits, first_comment="hi")) == [
            f"{limits.name} has no first comment"
        ]
        return
    most = limits.first_comment_max
    assert most is not None
    assert fits(limits, post(limits, first_comment="a" * most))
    assert messages(limits, post(limits, first_comment="a" * (most + 1)))


@pytest.mark.parametrize("limits", NETWORKS)
def test_gif_limits(limits):
    if limits.gifs is None:
        return
    gif = MediaFacts("m_g", "image/gif", limits.gifs.max_bytes, 500, 500)
    assert fits(limits, post(limits, media=(gif,)))
    assert messages(limits, post(limits, media=(gif,) * (limits.gifs.max_count + 1)))
    bigger = MediaFacts("m_g", "image/gif", limits.gifs.max_bytes + 1, 500, 500)
    assert messages(limits, post(limits, media=(bigger,)))
    assert MediaKind.GIF is bigger.kind
