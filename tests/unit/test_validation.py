"""A post checked against small limit tables: each limit at its value and one past it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.limits import (
    Capability,
    GifLimits,
    ImageLimits,
    NetworkLimits,
    TextCounting,
    TextLimits,
    VideoLimits,
)
from chalicelib.domain.validation import (
    DraftFields,
    MediaFacts,
    TargetDraft,
    validate_schedule_time,
    validate_target,
)

MB = 1024**2


def limits(**overrides) -> NetworkLimits:
    """A small network: 10 characters, 2 images, 1 video, 1 GIF."""
    table = {
        "network": "tiny",
        "name": "Tiny",
        "capabilities": frozenset({Capability.TEXT, Capability.IMAGES, Capability.FIRST_COMMENT}),
        "text": TextLimits(max_length=10, max_hashtags=2, max_mentions=1, max_links=1),
        "images": ImageLimits(
            max_bytes=1 * MB,
            max_count=2,
            min_aspect_ratio=0.8,
            max_aspect_ratio=1.91,
            min_width=320,
            max_width=1440,
            alt_text_max=5,
        ),
        "videos": VideoLimits(max_bytes=10 * MB, min_seconds=3, max_seconds=60),
        "gifs": GifLimits(max_bytes=2 * MB),
        "max_media": 2,
        "first_comment_max": 8,
    }
    return NetworkLimits(**(table | overrides))


def image(n: int = 0, **facts) -> MediaFacts:
    return MediaFacts(
        **(
            {
                "media_id": f"m_{n}",
                "content_type": "image/jpeg",
                "bytes": MB,
                "width": 1000,
                "height": 1000,
            }
            | facts
        )
    )


def video(**facts) -> MediaFacts:
    return MediaFacts(
        **(
            {
                "media_id": "m_v",
                "content_type": "video/mp4",
                "bytes": MB,
                "width": 1080,
                "height": 1920,
            }
            | {"duration_seconds": 10.0}
            | facts
        )
    )


def problems(draft: TargetDraft, table: NetworkLimits | None = None) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in validate_target(draft, table or limits())]


def draft(text: str = "hi", **parts) -> TargetDraft:
    return TargetDraft(target="a_1", text=text, **parts)


def test_a_post_within_every_limit_has_no_problem():
    assert problems(draft("ten chars!", media=(image(0), image(1)), first_comment="8 chars!")) == []


def test_text_one_past_the_limit_is_reported_with_both_lengths():
    assert problems(draft("eleven char")) == [
        ("text", "Tiny allows 10 characters; this text has 11")
    ]


def test_text_is_counted_by_the_networks_own_rule():
    weighted = limits(text=TextLimits(max_length=4, counting=TextCounting.WEIGHTED))
    assert problems(draft("日本"), weighted) == []
    assert problems(draft("日本語"), weighted) == [
        ("text", "Tiny allows 4 weighted characters; this text has 6")
    ]
    graphemes = limits(text=TextLimits(max_length=1, counting=TextCounting.GRAPHEMES))
    assert problems(draft("\U0001f468\u200d\U0001f469\u200d\U0001f467"), graphemes) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("#a #b", None),
        ("#a #b #c", "Tiny allows at most 2 hashtags; this text has 3"),
        ("@ann", None),
        ("@ann @bob", "Tiny allows at most 1 mentions; this text has 2"),
        ("a.co", None),
        ("a.co b.co", "Tiny allows at most 1 links; this text has 2"),
    ],
)
def test_hashtag_mention_and_link_caps(text, message):
    wide = limits(text=TextLimits(max_length=100, max_hashtags=2, max_mentions=1, max_links=1))
    assert problems(draft(text), wide) == ([("text", message)] if message else [])


def test_a_network_that_requires_text_rejects_an_empty_one_even_with_media():
    needs_text = limits(text=TextLimits(max_length=10, required=True))
    assert problems(draft("", media=(image(),)), needs_text) == [
        ("text", "Tiny needs text for this post")
    ]
    assert problems(draft("", media=(image(),))) == []
    assert problems(draft("  ")) == [("text", "Tiny needs text for this post")]


def test_a_network_that_requires_media_rejects_text_alone():
    assert problems(draft("hi"), limits(requires_media=True)) == [
        ("media_ids", "Tiny needs at least one image or video")
    ]


def test_image_count_at_and_past_the_limit():
    assert problems(draft(media=(image(0), image(1)))) == []
    found = problems(draft(media=(image(0), image(1), image(2))), limits(max_media=4))
    assert found == [("media_ids", "Tiny allows at most 2 images; this post has 3")]


def test_total_media_at_and_past_the_limit():
    mixed = limits(mixed_media=True, max_media=2)
    assert problems(draft(media=(image(0), video())), mixed) == []
    assert problems(draft(media=(image(0), image(1), video())), mixed) == [
        ("media_ids", "Tiny allows at most 2 media files; this post has 3")
    ]


def test_images_and_a_video_do_not_mix_unless_the_network_allows_it():
    assert problems(draft(media=(image(0), video()))) == [
        ("media_ids", "Tiny does not mix images, GIFs and videos in one post")
    ]


def test_a_minimum_count_applies_when_that_kind_is_used():
    carousel = limits(images=ImageLimits(max_bytes=MB, max_count=10, min_count=2))
    assert problems(draft(media=(image(0), image(1))), carousel) == []
    assert problems(draft(media=(image(0),)), carousel) == [
        ("media_ids", "Tiny needs at least 2 images together")
    ]


def test_file_size_at_and_past_the_limit():
    assert problems(draft(media=(image(bytes=MB),))) == []
    assert problems(draft(media=(image(bytes=MB + 1),))) == [
        ("media_ids[0]", "Tiny allows files up to 1,048,576 bytes; this one is 1,048,577 bytes")
    ]


def test_content_type_the_network_does_not_take():
    assert problems(draft(media=(image(content_type="image/webp"),))) == [
        ("media_ids[0]", "Tiny does not accept image/webp; use image/jpeg, image/png")
    ]


def test_a_kind_of_media_the_network_does_not_take():
    assert problems(draft(media=(video(),)), limits(videos=None)) == [
        ("media_ids[0]", "Tiny does not accept videos")
    ]


@pytest.mark.parametrize(
    ("width", "height", "ok"),
    [(800, 1000, True), (799, 1000, False), (1910, 1000, True), (1440, 750, False)],
)
def test_aspect_ratio_at_and_past_each_bound(width, height, ok):
    found = problems(
        draft(media=(image(width=width, height=height),)),
        limits(
            images=ImageLimits(
                max_bytes=MB, max_count=2, min_aspect_ratio=0.8, max_aspect_ratio=1.91
            )
        ),
    )
    assert (found == []) is ok
    if not ok:
        assert "accepts aspect ratios from 0.80:1 to 1.91:1" in found[0][1]


@pytest.mark.parametrize(("width", "ok"), [(320, True), (319, False), (1440, True), (1441, False)])
def test_image_width_at_and_past_each_bound(width, ok):
    found = problems(draft(media=(image(width=width, height=width),)))
    assert (found == []) is ok


@pytest.mark.parametrize(("seconds", "ok"), [(3, True), (2.9, False), (60, True), (60.5, False)])
def test_video_duration_at_and_past_each_bound(seconds, ok):
    found = problems(draft(media=(video(duration_seconds=seconds),)))
    assert (found == []) is ok
    if not ok:
        assert found[0][0] == "media_ids[0]" and f"this one is {seconds:g} s" in found[0][1]


def test_gif_size_and_count():
    gif = MediaFacts("m_g", "image/gif", 2 * MB)
    assert problems(draft(media=(gif,))) == []
    assert problems(draft(media=(gif, gif))) == [
        ("media_ids", "Tiny allows at most 1 GIFs; this post has 2")
    ]
    big = MediaFacts("m_g", "image/gif", 2 * MB + 1)
    assert problems(draft(media=(big,))) == [
        ("media_ids[0]", "Tiny allows files up to 2,097,152 bytes; this one is 2,097,153 bytes")
    ]


def test_alt_text_length_and_requirement():
    assert problems(draft(media=(image(alt_text="12345"),))) == []
    assert problems(draft(media=(image(alt_text="123456"),))) == [
        ("media_ids[0].alt_text", "Tiny allows alt text up to 5 characters; this one has 6")
    ]
    required = limits(images=ImageLimits(max_bytes=MB, max_count=2, alt_text_required=True))
    assert problems(draft(media=(image(),)), required) == [
        ("media_ids[0].alt_text", "Tiny needs alt text on every image")
    ]


def test_first_comment_at_and_past_the_limit_and_where_there_is_none():
    assert problems(draft(first_comment="8 chars!")) == []
    assert problems(draft(first_comment="9 chars!!")) == [
        ("first_comment", "Tiny allows a first comment of 8 characters; this one has 9")
    ]
    no_comments = limits(capabilities=frozenset({Capability.TEXT}))
    assert problems(draft(first_comment="hi"), no_comments) == [
        ("first_comment", "Tiny has no first comment")
    ]


def test_title_and_link_at_and_past_their_limits():
    titled = limits(title_max=5, link_max=12)
    assert problems(draft(title="12345", link="https://a.co"), titled) == []
    assert problems(draft(title="123456", link="https://ab.co"), titled) == [
        ("title", "Tiny allows a title of 5 characters; this one has 6"),
        ("link", "Tiny allows a link of 12 characters; this one has 13"),
    ]
    assert problems(draft(title="x")) == [("title", "Tiny has no title")]


def test_every_problem_is_reported_at_once_with_its_target_and_field():
    fields = DraftFields(text="targets[1].text", media="media_ids")
    bad = TargetDraft(
        target="a_9",
        text="far too long #a #b #c",
        media=(image(0, bytes=2 * MB), image(1, width=100, height=1000), image(2)),
        first_comment="way too long",
        fields=fields,
    )
    found = validate_target(bad, limits(max_media=5))
    assert {p.target for p in found} == {"a_9"}
    assert [p.field for p in found] == [
        "targets[1].text",
        "targets[1].text",
        "media_ids",
        "media_ids[0]",
        "media_ids[1]",
        "media_ids[1]",
        "first_comment",
    ]
    assert found[0].as_detail() == {
        "field": "targets[1].text",
        "message": "Tiny allows 10 characters; this text has 21",
        "target": "a_9",
    }


NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "message"),
    [
        (NOW, None),
        (NOW - timedelta(seconds=1), "this time is in the past"),
        (datetime(2027, 11, 21, 12, 0, tzinfo=UTC), None),
        (
            datetime(2027, 11, 21, 12, 0, 1, tzinfo=UTC),
            "posts can be scheduled at most one year ahead",
        ),
    ],
)
def test_schedule_time_from_now_to_one_year_ahead(at, message):
    found = validate_schedule_time(at, NOW)
    assert [(p.field, p.message) for p in found] == ([("when.at", message)] if message else [])


def test_one_year_after_29_february_is_1_march():
    leap = datetime(2028, 2, 29, tzinfo=UTC)
    assert validate_schedule_time(datetime(2029, 3, 1, tzinfo=UTC), leap) == []
    assert validate_schedule_time(datetime(2029, 3, 1, 0, 0, 1, tzinfo=UTC), leap) != []


def test_a_file_well_past_the_limit_reads_in_megabytes():
    assert problems(draft(media=(image(bytes=3 * MB),))) == [
        ("media_ids[0]", "Tiny allows files up to 1 MB; this one is 3 MB")
    ]


def test_a_gif_is_an_image_where_the_network_takes_gifs_as_images():
    gif = MediaFacts("m_g", "image/gif", MB, 500, 500)
    as_images = limits(
        gifs=None,
        images=ImageLimits(content_types=("image/jpeg", "image/gif"), max_bytes=MB, max_count=2),
    )
    assert problems(draft(media=(gif, image())), as_images) == []
    assert problems(draft(media=(gif,)), limits(gifs=None)) == [
        ("media_ids[0]", "Tiny does not accept GIFs")
    ]
