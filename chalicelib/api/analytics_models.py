"""Request and response bodies of the analytics API (see chalicelib/api/analytics.py and
the analytics contract: the web app reads exactly these shapes)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, field_validator

from chalicelib.domain.analytics import MAX_RANGE_DAYS
from chalicelib.domain.model import Model, NetworkName

TopMetric = Literal[
    "impressions",
    "engagements",
    "engagement_rate",
    "likes",
    "comments",
    "shares",
    "saves",
    "clicks",
]
Confidence = Literal["high", "medium", "low"]
Source = Literal["account", "prior"]
Basis = Literal["impressions", "followers"]
Metrics = dict[str, int | None]


class RangeQuery(Model):
    """`from` and `to`: days on the workspace's calendar, both included."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    from_: dt.date | None = Field(
        default=None,
        alias="from",
        description=f"YYYY-MM-DD, workspace time zone (default: 27 days before `to`; "
        f"at most {MAX_RANGE_DAYS} days)",
    )
    to: dt.date | None = Field(default=None, description="YYYY-MM-DD, included (default: today)")


class SummaryQuery(RangeQuery):
    account_id: str | None = Field(default=None, min_length=1, max_length=64)
    network: NetworkName | None = None


class TopPostsQuery(RangeQuery):
    account_id: str | None = Field(default=None, min_length=1, max_length=64)
    network: NetworkName | None = None
    metric: TopMetric = "engagements"
    limit: int = Field(default=10, ge=1, le=100)


class Totals(Model):
    """Every metric is null when no network in scope gives it (never 0 for "not given")."""

    posts_published: int
    posts_failed: int
    impressions: int | None = Field(
        description="impressions, or views where a network counts those"
    )
    reach: int | None
    engagements: int | None = Field(description="likes + comments + shares + saves + clicks")
    likes: int | None
    comments: int | None
    shares: int | None
    saves: int | None
    clicks: int | None
    engagement_rate: float | None
    engagement_rate_basis: Basis | None
    followers: int | None
    followers_change: int | None


class PeriodOut(Model):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    from_: dt.date = Field(alias="from")
    to: dt.date


class NetworkBreakdown(Model):
    network: str
    name: str
    totals: Totals
    previous_totals: Totals
    unavailable: list[str] = Field(description="metrics this network does not give")


class AccountBreakdown(Model):
    account_id: str
    network: str
    display_name: str
    handle: str | None
    avatar_url: str | None
    totals: Totals
    previous_totals: Totals
    unavailable: list[str]


class SeriesPoint(Model):
    date: dt.date
    posts: int
    impressions: int | None
    engagements: int | None
    followers: int | None


class PreviousLimited(Model):
    requested_from: dt.date = Field(description="where the period before would start")
    earliest: dt.date = Field(description="the first day the plan's history depth shows")
    history_days: int | None = None
    plan: str | None = None
    message: str = ""


class SummaryOut(Model):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    from_: dt.date = Field(alias="from")
    to: dt.date
    timezone: str
    previous: PeriodOut = Field(
        description="the period of equal length before, cut to the plan's history depth "
        "(then from > to when none of it is within: its totals are null)"
    )
    previous_limited: PreviousLimited | None = Field(
        default=None,
        description="set when the period before was cut to the plan's analytics history "
        "depth: the comparison covers less than the period",
    )
    totals: Totals
    previous_totals: Totals
    networks: list[NetworkBreakdown]
    accounts: list[AccountBreakdown]
    series: list[SeriesPoint]


class Snapshot(Model):
    at: dt.datetime
    values: dict[str, int]


class TargetMetricsOut(Model):
    target_id: str
    account_id: str
    network: str
    url: str | None
    published_at: dt.datetime
    state: str = Field(description="collecting | done | paused (the account needs reconnecting)")
    metrics: Metrics = Field(description="null: not given by the network")
    unavailable: list[str]
    snapshots: list[Snapshot]


class PostMetricsOut(Model):
    post_id: str
    targets: list[TargetMetricsOut]


class TopPost(Model):
    post_id: str
    target_id: str
    account_id: str
    network: str
    excerpt: str
    thumbnail_url: str | None
    url: str | None
    published_at: dt.datetime
    value: float | int
    metrics: Metrics


class TopPostsOut(Model):
    metric: TopMetric
    items: list[TopPost]


class BestTimesQuery(Model):
    account_id: str = Field(min_length=1, max_length=64)


class BestSlot(Model):
    weekday: int = Field(ge=0, le=6, description="0 = Monday, in the account's time zone")
    hour: int = Field(ge=0, le=23)
    expected_engagement_rate: float
    posts: int = Field(description="posts of the account's published in this weekday and hour")
    confidence: Confidence


class BestTimesOut(Model):
    account_id: str
    network: str
    timezone: str
    source: Source
    posts_considered: int
    message: str | None
    slots: list[BestSlot] = Field(description="the top suggestions, best first (up to 7)")
    heatmap: list[list[float | None]] = Field(
        description="expected engagement rate per weekday (7 rows, Monday first) x hour (24)"
    )


class ApplyIn(Model):
    model_config = ConfigDict(extra="forbid")

    account_id: str = Field(min_length=1, max_length=64)
    slots_per_day: int = Field(default=2, ge=1, le=5)


class NextSlotsQuery(Model):
    model_config = ConfigDict(extra="ignore")

    account_id: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=64)]], Field(min_length=1, max_length=50)
    ] = Field(description="repeat for each account: ?account_id=a&account_id=b")
    count: int = Field(default=3, ge=1, le=10)

    @field_validator("account_id", mode="before")
    @classmethod
    def one_or_many(cls, value: object) -> object:
        # A query string read as a plain dict holds the last value of a repeated name.
        return [value] if isinstance(value, str) else value


class SuggestedTime(Model):
    at: dt.datetime = Field(description="UTC")
    timezone: str
    account_ids: list[str]
    expected_engagement_rate: float
    source: Source


class NextSlotsOut(Model):
    slots: list[SuggestedTime]
