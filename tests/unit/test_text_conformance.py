"""The twitter-text conformance suite (../shared/specs/x/twitter-text-conformance) run
against chalicelib.domain.text: every length case of validate.yml and the URL, hashtag and
mention cases of extract.yml."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from chalicelib.domain import tlds
from chalicelib.domain.text import (
    X_WEIGHTING,
    WeightedConfig,
    extract_hashtags,
    extract_mentions,
    extract_urls,
    parse_weighted,
)

CONFORMANCE = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "specs"
    / "x"
    / "twitter-text-conformance"
)
MISSING = f"the twitter-text conformance suite is not at {CONFORMANCE.resolve()} (../shared/specs)"


@cache
def _load(name: str) -> dict[str, Any]:
    path = CONFORMANCE / name
    if not path.exists():
        return {}
    if name.endswith(".json"):
        return json.loads(path.read_text(encoding="utf-8"))
    return yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]


def _cases(file: str, group: str) -> list[Any]:
    cases = _load(file).get(group, [])
    return [pytest.param(case, id=case["description"]) for case in cases] or [
        pytest.param(None, marks=pytest.mark.skip(reason=MISSING), id="missing")
    ]


def _config(name: str) -> WeightedConfig:
    return WeightedConfig.from_json(_load(f"config/{name}"))


def _assert_parse(case: dict[str, Any], config: WeightedConfig) -> None:
    result = parse_weighted(case["text"], config)
    expected = case["expected"]
    assert {
        "weightedLength": result.weighted_length,
        "valid": result.valid,
        "permillage": result.permillage,
        "displayRangeStart": result.display_range_start,
        "displayRangeEnd": result.display_range_end,
        "validRangeStart": result.valid_range_start,
        "validRangeEnd": result.valid_range_end,
    } == expected


# The plain weighted cases are twitter-text's v2 expectations: v3's ranges and URL length
# with emoji sequences counted code point by code point (emojiParsingEnabled off).
@pytest.mark.parametrize("case", _cases("validate.yml", "WeightedTweetsCounterTest"))
def test_weighted_count_without_emoji_parsing_matches_twitter_text(case):
    v3 = _config("v3.json")
    assert v3.ranges == _config("v2.json").ranges
    _assert_parse(case, WeightedConfig(**{**v3.__dict__, "emoji_parsing": False}))


@pytest.mark.parametrize(
    "case", _cases("validate.yml", "WeightedTweetsWithDiscountedEmojiCounterTest")
)
def test_weighted_count_with_emoji_sequences_matches_twitter_text_v3(case):
    _assert_parse(case, _config("v3.json"))


@pytest.mark.parametrize("case", _cases("validate.yml", "UnicodeDirectionalMarkerCounterTest"))
def test_directional_markers_and_invalid_characters_match_twitter_text_v3(case):
    _assert_parse(case, _config("v3.json"))


def test_the_built_in_x_weighting_is_config_v3():
    if not _load("config/v3.json"):
        pytest.skip(MISSING)
    assert _config("v3.json") == X_WEIGHTING


def test_the_built_in_tld_lists_are_the_conformance_lists():
    known = _load("tlds.yml")
    if not known:
        pytest.skip(MISSING)

    def names(group: str) -> set[str]:
        return {case["text"].removeprefix("https://twitter.") for case in known[group]}

    assert names("country") == tlds.COUNTRY_TLDS
    assert names("generic") == tlds.GENERIC_TLDS


@pytest.mark.parametrize("case", _cases("tlds.yml", "country") + _cases("tlds.yml", "generic"))
def test_every_known_tld_ends_a_link(case):
    assert [url.value for url in extract_urls(case["text"])] == case["expected"]


@pytest.mark.parametrize("case", _cases("extract.yml", "urls"))
def test_links_are_found_as_twitter_text_finds_them(case):
    assert [url.value for url in extract_urls(case["text"])] == case["expected"]


@pytest.mark.parametrize(
    "case",
    _cases("extract.yml", "urls_with_indices")
    + _cases("extract.yml", "urls_with_directional_markers"),
)
def test_links_are_found_at_twitter_text_positions(case):
    found = [
        {"url": url.value, "indices": [url.start, url.end]} for url in extract_urls(case["text"])
    ]
    assert found == case["expected"]


@pytest.mark.parametrize("case", _cases("extract.yml", "tco_urls_with_params"))
def test_tco_links_keep_their_parameters(case):
    assert [url.value for url in extract_urls(case["text"])] == case["expected"]


@pytest.mark.parametrize(
    "case", _cases("extract.yml", "hashtags") + _cases("extract.yml", "hashtags_from_astral")
)
def test_hashtags_are_found_as_twitter_text_finds_them(case):
    assert [tag.value for tag in extract_hashtags(case["text"])] == case["expected"]


@pytest.mark.parametrize("case", _cases("extract.yml", "mentions"))
def test_mentions_are_found_as_twitter_text_finds_them(case):
    assert [mention.value for mention in extract_mentions(case["text"])] == case["expected"]


@pytest.mark.parametrize("case", _cases("extract.yml", "mentions_with_indices"))
def test_mentions_are_found_at_twitter_text_positions(case):
    found = [
        {"screen_name": m.value, "indices": [m.start, m.end]}
        for m in extract_mentions(case["text"])
    ]
    assert found == case["expected"]


@pytest.mark.parametrize("case", _cases("extract.yml", "hashtags_with_indices"))
def test_hashtags_are_found_at_twitter_text_positions(case):
    found = [
        {"hashtag": t.value, "indices": [t.start, t.end]} for t in extract_hashtags(case["text"])
    ]
    assert found == case["expected"]
