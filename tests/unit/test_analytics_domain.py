"""Analytics figures (chalicelib/domain/analytics.py): nulls are not zeros, engagements and
their rate, followers and the period before."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from chalicelib.domain import analytics as an


@dataclass
class Row:
    network: str
    latest: dict[str, int]
    account_id: str = "a_1"
    published_at: datetime = field(default_factory=lambda: datetime(2030, 1, 7, 9, tzinfo=UTC))


NAMES = {n: an.metric_names(n) for n in ("x", "bluesky", "youtube", "instagram")}


def test_a_metric_no_network_gives_is_null_and_one_with_no_posts_is_zero():
    result = an.totals([], NAMES, scope_networks=["bluesky"], followers_of={})
    assert result.impressions is None and result.reach is None and result.saves is None
    assert result.likes == 0 and result.engagements == 0
    assert result.engagement_rate is None and result.engagement_rate_basis == "followers"
    assert result.followers is None and result.followers_change is None


def test_engagements_sum_the_parts_each_network_gives_and_views_stand_for_impressions():
    x = Row("x", {"impressions": 1000, "likes": 30, "comments": 5, "shares": 4, "saves": 1})
    youtube = Row("youtube", {"views": 500, "likes": 20, "comments": 5})
    result = an.totals([x, youtube], NAMES, scope_networks=["x", "youtube"], followers_of={})
    assert result.posts_published == 2
    assert result.impressions == 1500
    assert result.engagements == 40 + 25
    assert result.likes == 50 and result.saves == 1 and result.reach is None
    assert result.engagement_rate == pytest.approx(65 / 1500, abs=1e-6)
    assert result.engagement_rate_basis == "impressions"


def test_without_impressions_the_rate_is_over_followers():
    rows = [Row("bluesky", {"likes": 8, "comments": 1, "shares": 1}) for _ in range(2)]
    result = an.totals(rows, NAMES, scope_networks=["bluesky"], followers_of={"a_1": 200})
    assert result.engagements == 20
    assert result.engagement_rate == pytest.approx(20 / 400, abs=1e-6)  # 10 per post over 200
    assert result.engagement_rate_basis == "followers"


def test_per_network_unavailable_lists():
    assert an.unavailable(an.metric_names("bluesky")) == ["impressions", "reach", "saves", "clicks"]
    assert "impressions" not in an.unavailable(an.metric_names("instagram"))  # it has views
    metrics = an.post_metrics({"likes": 3}, an.metric_names("mastodon"))
    assert metrics["impressions"] is None and metrics["likes"] == 3 and metrics["comments"] == 0
    assert metrics["engagements"] == 3


def test_followers_and_their_change_from_the_daily_counts():
    days = [
        an.FollowerDay("a_1", date(2030, 1, 6), 100),
        an.FollowerDay("a_1", date(2030, 1, 9), 130),
        an.FollowerDay("a_2", date(2030, 1, 7), None),
        an.FollowerDay("a_2", date(2030, 1, 8), 50),
        an.FollowerDay("a_2", date(2030, 1, 9), 45),
    ]
    assert an.followers_and_change(days, {"a_1", "a_2"}, None) == (175, 30 - 5)
    assert an.followers_and_change(days, {"a_2"}, None) == (45, -5)


def test_the_previous_period_has_equal_length_and_ranges_are_checked():
    period = an.period(date(2030, 3, 1), date(2030, 3, 31), today=date(2030, 4, 1))
    assert period.previous() == an.Period(date(2030, 1, 29), date(2030, 2, 28))
    assert an.period(None, None, today=date(2030, 4, 1)) == an.Period(
        date(2030, 3, 5), date(2030, 4, 1)
    )
    with pytest.raises(an.PeriodError) as backwards:
        an.period(date(2030, 3, 2), date(2030, 3, 1), today=date(2030, 4, 1))
    assert backwards.value.field == "from"
    with pytest.raises(an.PeriodError) as ancient:
        an.period(date(1, 1, 1), date(1, 1, 2), today=date(2030, 4, 1))
    assert ancient.value.field == "from"
    with pytest.raises(an.PeriodError, match="400 days"):
        an.period(date(2028, 1, 1), date(2030, 1, 1), today=date(2030, 4, 1))


def test_the_daily_series_counts_posts_by_day_and_keeps_nulls():
    days = [date(2030, 1, 7), date(2030, 1, 8)]
    rows = [(date(2030, 1, 7), Row("bluesky", {"likes": 2}))]
    series = an.series(days, rows, NAMES, ["bluesky"], [])
    assert [(s.posts, s.impressions, s.engagements, s.followers) for s in series] == [
        (1, None, 2, None),
        (0, None, 0, None),
    ]
