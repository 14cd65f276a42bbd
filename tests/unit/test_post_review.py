"""Reviewing a post before it is stored: every problem of every target at once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from chalicelib.domain.limits import (
    Capability,
    ImageLimits,
    NetworkLimits,
    TextCounting,
    TextLimits,
)
from chalicelib.domain.posts import AccountFacts, PostIn, review_post
from chalicelib.domain.validation import MediaFacts

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
LIMITS = {
    "x": NetworkLimits(
        network="x",
        name="X",
        capabilities=frozenset({Capability.TEXT, Capability.IMAGES}),
        text=TextLimits(max_length=280, counting=TextCounting.WEIGHTED, url_length=23),
        images=ImageLimits(max_bytes=5_000_000, max_count=4),
        max_media=4,
    ),
    "bluesky": NetworkLimits(
        network="bluesky",
        name="Bluesky",
        capabilities=frozenset({Capability.TEXT, Capability.IMAGES}),
        text=TextLimits(max_length=300, counting=TextCounting.GRAPHEMES),
        images=ImageLimits(max_bytes=1_000_000, max_count=4, alt_text_required=True),
        max_media=4,
    ),
}
ACCOUNTS = {
    "a_x": AccountFacts("a_x", "x", timezone="Europe/Paris"),
    "a_bsky": AccountFacts("a_bsky", "bluesky"),
    "a_old": AccountFacts("a_old", "x", status="needs_reconnect"),
    "a_myspace": AccountFacts("a_myspace", "myspace"),
}
MEDIA = {"m_big": MediaFacts("m_big", "image/jpeg", 2_000_000, 1000, 1000)}


def review(body: dict, **options):
    return review_post(
        PostIn.model_validate(body),
        accounts=ACCOUNTS,
        media=MEDIA,
        limits=LIMITS,
        now=NOW,
        default_timezone="Europe/Paris",
        **options,
    )


def problems(body: dict, **options) -> list[tuple[str | None, str, str]]:
    return [(p.target, p.field, p.message) for p in review(body, **options).problems]


def test_a_post_for_two_networks_with_a_variant_is_valid_and_resolved_in_its_zone():
    result = review(
        {
            "text": "Hello",
            "targets": [{"account_id": "a_x"}, {"account_id": "a_bsky", "text": "Hello sky"}],
            "when": {"at": "2026-12-01T09:00:00", "timezone": "America/New_York"},
        }
    )
    assert result.valid and result.kind == "at"
    assert result.scheduled_at == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    assert result.timezone == "America/New_York"


def test_the_workspace_zone_applies_when_the_post_names_none():
    result = review(
        {"targets": [{"account_id": "a_x"}], "text": "hi", "when": {"at": "2026-12-01T09:00"}}
    )
    assert result.scheduled_at == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert result.timezone == "Europe/Paris"


def test_every_problem_of_every_target_is_reported_at_once():
    found = problems(
        {
            "text": "x" * 281,
            "media_ids": ["m_big", "m_gone"],
            "targets": [
                {"account_id": "a_x"},
                {"account_id": "a_bsky", "text": "short"},
                {"account_id": "a_old"},
                {"account_id": "a_nobody"},
                {"account_id": "a_myspace"},
                {"account_id": "a_x"},
            ],
            "when": {"at": "2026-11-01T09:00:00"},
        }
    )
    assert found == [
        (None, "media_ids[1]", "no such media in this workspace"),
        ("a_x", "text", "X allows 280 weighted characters; this text has 281"),
        ("a_bsky", "media_ids[0]", "Bluesky allows files up to 1 MB; this one is 2 MB"),
        ("a_bsky", "media_ids[0].alt_text", "Bluesky needs alt text on every image"),
        ("a_old", "targets[2].account_id", "the account needs to be reconnected first"),
        ("a_old", "text", "X allows 280 weighted characters; this text has 281"),
        ("a_nobody", "targets[3].account_id", "no such account in this workspace"),
        ("a_myspace", "targets[4].account_id", "myspace is not a network Schedulo publishes to"),
        ("a_x", "targets[5].account_id", "this account is already a target"),
        (None, "when.at", "this time is in the past"),
    ]


def test_a_variant_is_checked_at_its_own_field():
    found = problems(
        {
            "text": "fine",
            "targets": [{"account_id": "a_x", "text": "日" * 141}],
            "when": {"now": True},
        }
    )
    assert found == [
        ("a_x", "targets[0].text", "X allows 280 weighted characters; this text has 282")
    ]


def test_a_draft_may_be_over_the_limits_but_not_name_unknown_accounts():
    body = {"text": "x" * 400, "targets": [{"account_id": "a_x"}, {"account_id": "a_nobody"}]}
    assert problems(body) == [
        ("a_nobody", "targets[1].account_id", "no such account in this workspace")
    ]
    assert len(problems(body, check_content=True)) == 2


def test_an_unknown_zone_or_time_is_reported_at_its_field():
    base = {"text": "hi", "targets": [{"account_id": "a_x"}]}
    assert problems(base | {"when": {"at": "2026-12-01T09:00", "timezone": "Mars/Base"}}) == [
        (None, "when.timezone", "'Mars/Base' is not an IANA time zone such as Europe/Paris")
    ]
    assert problems(base | {"when": {"at": "soon"}}) == [
        (None, "when.at", "'soon' is not an ISO 8601 time such as 2026-12-01T09:00:00")
    ]


def test_a_recurring_post_starts_at_the_rules_first_occurrence():
    result = review(
        {
            "text": "weekly",
            "targets": [{"account_id": "a_x"}],
            "when": {"at": "2026-11-29T09:00:00"},  # a Sunday
            "recurrence": "rrule:FREQ=WEEKLY;BYDAY=MO",
        }
    )
    assert result.valid
    assert result.recurrence == "FREQ=WEEKLY;BYDAY=MO"
    assert result.scheduled_at == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("when", "rule", "message"),
    [
        ({"queue": True}, "FREQ=DAILY", "a recurring post needs when.at, its first time"),
        ({"at": "2026-12-01T09:00"}, "FREQ=SOMETIMES", "FREQ must be one of HOURLY"),
    ],
)
def test_a_bad_recurrence_is_reported(when, rule, message):
    found = problems(
        {"text": "hi", "targets": [{"account_id": "a_x"}], "when": when, "recurrence": rule}
    )
    assert [(f, m[: len(message)]) for _, f, m in found] == [("recurrence", message)]


def test_now_and_queue_resolve_as_their_kind():
    now = review({"text": "hi", "targets": [{"account_id": "a_x"}], "when": {"now": True}})
    assert now.valid and now.kind == "now" and now.scheduled_at == NOW
    queued = review({"text": "hi", "targets": [{"account_id": "a_x"}], "when": {"queue": True}})
    assert queued.valid and queued.kind == "queue" and queued.scheduled_at is None


@pytest.mark.parametrize(
    "when",
    [
        {},
        {"at": "2026-12-01T09:00", "now": True},
        {"queue": True, "timezone": "UTC"},
        {"soon": True},
    ],
)
def test_when_must_be_exactly_one_kind(when):
    with pytest.raises(ValidationError):
        PostIn.model_validate({"targets": [{"account_id": "a_x"}], "when": when})


def test_a_post_needs_a_target():
    with pytest.raises(ValidationError):
        PostIn.model_validate({"text": "hi", "targets": []})


def test_the_validate_output_lists_problems_with_their_targets():
    output = review(
        {"text": "x" * 281, "targets": [{"account_id": "a_x"}], "when": {"now": True}}
    ).as_output()
    assert output.model_dump() == {
        "valid": False,
        "problems": [
            {
                "field": "text",
                "message": "X allows 280 weighted characters; this text has 281",
                "target": "a_x",
            }
        ],
    }
