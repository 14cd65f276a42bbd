"""Analytics figures, pure: what each network gives, a target's engagements and rate, and
the totals of a period (the summary, its networks and accounts, its daily series).

Rules (issue 20, the analytics contract):

- A metric a network does not give is **null, never 0**: a target's `latest` lacks the
  key. A total is null when no network in scope gives that metric; a network that gives it
  and has no posts in the period counts 0.
- **impressions** are the network's impressions, or its views where it counts views
  instead (Instagram, YouTube, TikTok, Threads, Facebook's media views).
- **engagements** = likes + comments + shares + saves + clicks, of those the network
  gives (null when it gives none).
- **engagement rate** = Σ engagements / Σ impressions over the targets whose network
  counts impressions (basis "impressions"); where no network in scope does (Bluesky,
  Mastodon), Σ engagements / Σ followers of each post's account (basis "followers": the
  mean of engagements per post over followers). Null when the denominator is 0 or absent.
- **followers** is the sum over the accounts in scope of their last daily count in the
  period; **followers_change** that minus their first (the day before the period counts
  as its first, when there is one). Null when no account in scope has a count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

# The summary's metric columns, in the contract's order.
TOTAL_METRICS = ("impressions", "reach", "likes", "comments", "shares", "saves", "clicks")
ENGAGEMENT_PARTS = ("likes", "comments", "shares", "saves", "clicks")
# Every key a target's metrics show (null where not given), then the network's own.
POST_METRICS = (
    "impressions",
    "views",
    "reach",
    "likes",
    "comments",
    "shares",
    "saves",
    "clicks",
    "quotes",
)
MAX_RANGE_DAYS = 400
# Dates a period may name (social networks' posts are all within these).
EARLIEST, LATEST = date(1970, 1, 1), date(2999, 12, 31)
DEFAULT_RANGE_DAYS = 28


def metric_names(network: str) -> frozenset[str]:
    """The canonical metrics `network` gives for a post (its adapter's `metric_names`)."""
    from chalicelib.networks.registry import UnknownNetwork, adapter_class

    try:
        return adapter_class(network).metric_names
    except UnknownNetwork:
        return frozenset()


def gives(names: frozenset[str], metric: str) -> bool:
    """Whether a network giving `names` gives the summary's `metric`."""
    if metric == "impressions":
        return "impressions" in names or "views" in names
    if metric == "engagements":
        return any(part in names for part in ENGAGEMENT_PARTS)
    return metric in names


def unavailable(names: frozenset[str]) -> list[str]:
    """The summary's metrics a network giving `names` does not give."""
    return [m for m in TOTAL_METRICS if not gives(names, m)]


def impressions_of(values: Mapping[str, int]) -> int | None:
    if "impressions" in values:
        return values["impressions"]
    return values.get("views")


def engagements_of(values: Mapping[str, int], names: frozenset[str]) -> int | None:
    """The sum of the engagement parts the network gives (a given part not yet collected
    counts 0); None when the network gives none."""
    parts = [p for p in ENGAGEMENT_PARTS if p in names or p in values]
    if not parts:
        return None
    return sum(values.get(p, 0) for p in parts)


def rate_basis(names: frozenset[str]) -> str:
    return "impressions" if gives(names, "impressions") else "followers"


def engagement_rate(
    values: Mapping[str, int], names: frozenset[str], followers: int | None
) -> tuple[float | None, str | None]:
    """A target's engagement rate and its basis (module docstring)."""
    engaged = engagements_of(values, names)
    if engaged is None:
        return None, None
    if gives(names, "impressions"):
        shown = impressions_of(values)
        return (engaged / shown if shown else None), "impressions"
    return (engaged / followers if followers else None), "followers"


def post_metrics(values: Mapping[str, int], names: frozenset[str]) -> dict[str, int | None]:
    """A target's metrics as the API shows them: every common key (null where the network
    does not give it), the network's own, and engagements."""
    shown: dict[str, int | None] = {
        m: values.get(m, 0) if m in names or m in values else None for m in POST_METRICS
    }
    shown.update({k: v for k, v in values.items() if k not in shown})
    shown["engagements"] = engagements_of(values, names)
    return shown


def post_unavailable(names: frozenset[str], values: Mapping[str, int]) -> list[str]:
    return [m for m in POST_METRICS if m not in names and m not in values]


class TargetFigures(Protocol):
    """What totals read of a target (chalicelib.store.metrics.TargetMetricsRow is one)."""

    @property
    def account_id(self) -> str: ...
    @property
    def network(self) -> str: ...
    @property
    def published_at(self) -> datetime: ...
    @property
    def latest(self) -> dict[str, int]: ...


@dataclass(frozen=True)
class FollowerDay:
    account_id: str
    day: date
    followers: int | None


@dataclass
class Totals:
    posts_published: int = 0
    posts_failed: int = 0
    impressions: int | None = None
    reach: int | None = None
    engagements: int | None = None
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    saves: int | None = None
    clicks: int | None = None
    engagement_rate: float | None = None
    engagement_rate_basis: str | None = None
    followers: int | None = None
    followers_change: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class _Sums:
    engaged_over_impressions: int = 0
    impressions_behind_rate: int = 0
    engaged_over_followers: int = 0
    followers_behind_rate: int = 0
    values: dict[str, int] = field(default_factory=dict)


def totals(
    targets: Iterable[TargetFigures],
    names_of: Mapping[str, frozenset[str]],
    *,
    scope_networks: Iterable[str],
    followers_of: Mapping[str, int | None],
    follower_days: Sequence[FollowerDay] = (),
    scope_accounts: Iterable[str] = (),
    failed: int = 0,
    day_before: date | None = None,
) -> Totals:
    """The totals of `targets` (already filtered to the scope and period).

    `names_of`: metric names per network; `scope_networks`: the networks in scope (their
    metrics are 0 rather than null when they have no post); `followers_of`: each account's
    followers for the followers-based rate; `follower_days`: the accounts' daily counts
    from `day_before` (the day before the period) to the period's end."""
    scope = set(scope_networks)
    given = {m: any(gives(names_of.get(n, frozenset()), m) for n in scope) for m in TOTAL_METRICS}
    engagements_given = any(gives(names_of.get(n, frozenset()), "engagements") for n in scope)
    sums = _Sums()
    published = 0
    for target in targets:
        published += 1
        # A figure a network reports beyond what it declares (say, X's clicks where the
        # token allows them) is given too.
        for metric in TOTAL_METRICS:
            if not given[metric] and gives(frozenset(target.latest), metric):
                given[metric] = True
        names = names_of.get(target.network, frozenset())
        values = target.latest
        shown = impressions_of(values)
        if gives(names, "impressions") and shown is not None:
            sums.values["impressions"] = sums.values.get("impressions", 0) + shown
        for metric in TOTAL_METRICS[1:]:
            if metric in values:
                sums.values[metric] = sums.values.get(metric, 0) + values[metric]
        engaged = engagements_of(values, names)
        if engaged is None:
            continue
        sums.values["engagements"] = sums.values.get("engagements", 0) + engaged
        if gives(names, "impressions"):
            if shown:
                sums.engaged_over_impressions += engaged
                sums.impressions_behind_rate += shown
        else:
            followers = followers_of.get(target.account_id)
            if followers:
                sums.engaged_over_followers += engaged
                sums.followers_behind_rate += followers

    result = Totals(posts_published=published, posts_failed=failed)
    for metric in TOTAL_METRICS:
        if given[metric]:
            setattr(result, metric, sums.values.get(metric, 0))
    if engagements_given:
        result.engagements = sums.values.get("engagements", 0)
    if any(rate_basis(names_of.get(n, frozenset())) == "impressions" for n in scope):
        result.engagement_rate_basis = "impressions"
        if sums.impressions_behind_rate:
            result.engagement_rate = round(
                sums.engaged_over_impressions / sums.impressions_behind_rate, 6
            )
    elif scope and engagements_given:
        result.engagement_rate_basis = "followers"
        if sums.followers_behind_rate:
            result.engagement_rate = round(
                sums.engaged_over_followers / sums.followers_behind_rate, 6
            )
    result.followers, result.followers_change = followers_and_change(
        follower_days, set(scope_accounts), day_before
    )
    return result


def followers_and_change(
    days: Sequence[FollowerDay], accounts: set[str], day_before: date | None
) -> tuple[int | None, int | None]:
    """Σ last count, Σ (last - first) over the accounts with counts (see module docstring)."""
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for row in sorted(days, key=lambda r: r.day):
        if row.followers is None or (accounts and row.account_id not in accounts):
            continue
        first.setdefault(row.account_id, row.followers)
        last[row.account_id] = row.followers
    if not last:
        return None, None
    return sum(last.values()), sum(last[a] - first[a] for a in last)


@dataclass(frozen=True)
class Period:
    start: date  # inclusive, workspace's wall calendar
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of equal length just before."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]


def period(start: date | None, end: date | None, today: date) -> Period:
    """The period asked for: `to` defaults to today, `from` to 27 days before `to`.
    ValueError naming the field when it is backwards or too long."""
    for name, value in (("from", start), ("to", end)):
        if value is not None and not EARLIEST <= value <= LATEST:
            raise PeriodError(name, f"must be between {EARLIEST} and {LATEST}")
    end = end or today
    start = start or end - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    if start > end:
        raise PeriodError("from", "must be on or before `to`")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise PeriodError("from", f"the range is at most {MAX_RANGE_DAYS} days")
    return Period(start, end)


class PeriodError(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class SeriesDay:
    date: date
    posts: int
    impressions: int | None
    engagements: int | None
    followers: int | None


def series(
    days: Sequence[date],
    targets: Iterable[tuple[date, TargetFigures]],
    names_of: Mapping[str, frozenset[str]],
    scope_networks: Iterable[str],
    follower_days: Sequence[FollowerDay],
) -> list[SeriesDay]:
    """One entry per day of the period: posts published that day, their impressions and
    engagements (null where no network in scope gives them), and the followers of the
    accounts with a count that day (null when none has one)."""
    scope = set(scope_networks)
    impressions_given = any(gives(names_of.get(n, frozenset()), "impressions") for n in scope)
    engagements_given = any(gives(names_of.get(n, frozenset()), "engagements") for n in scope)
    posts = dict.fromkeys(days, 0)
    shown = dict.fromkeys(days, 0)
    engaged = dict.fromkeys(days, 0)
    for day, target in targets:
        if day not in posts:
            continue
        names = names_of.get(target.network, frozenset())
        posts[day] += 1
        if gives(names, "impressions"):
            shown[day] += impressions_of(target.latest) or 0
        engaged[day] += engagements_of(target.latest, names) or 0
    followers: dict[date, int] = {}
    for row in follower_days:
        if row.followers is not None and row.day in posts:
            followers[row.day] = followers.get(row.day, 0) + row.followers
    return [
        SeriesDay(
            day,
            posts[day],
            shown[day] if impressions_given else None,
            engaged[day] if engagements_given else None,
            followers.get(day),
        )
        for day in days
    ]
