"""The sandbox X counts text as X does: twitter-text's own conformance cases (v3, the
current weighting with emoji discounted), from ../shared/specs."""

from __future__ import annotations

import pytest
import yaml

from local.sandbox.networks.x import MAX_WEIGHT, weighted_length
from tests.support.specs import require_spec


def cases() -> list[dict]:
    path = require_spec("x/twitter-text-conformance/validate.yml")
    return yaml.safe_load(path.read_text())["tests"]["WeightedTweetsWithDiscountedEmojiCounterTest"]


def test_the_sandbox_x_counts_text_as_twitter_text_v3_does():
    checked = cases()
    assert len(checked) >= 20
    for case in checked:
        expected = case["expected"]
        assert weighted_length(case["text"]) == expected["weightedLength"], case["description"]
        assert (weighted_length(case["text"]) <= MAX_WEIGHT) == expected["valid"], case[
            "description"
        ]


@pytest.mark.parametrize(
    ("text", "weight"),
    [("hello", 5), ("界", 2), ("👍🏽", 2), ("👨‍👩‍👧", 2), ("see https://example.com/a", 27)],
)
def test_examples(text, weight):
    assert weighted_length(text) == weight
