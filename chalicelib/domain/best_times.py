"""Best times to post: which weekday x hour of publication gets an account the most
engagement, learnt from its own history and, where that is thin, from its network's.

The method (empirical Bayes over a 7 x 24 grid, Monday = 0, hours in the account's zone):

1. **Observations.** Each published post whose metrics have settled (collected at least
   a day after publication) gives its engagement rate: engagements / impressions (or views)
   where the network counts them, else engagements / the account's followers. Its cell is
   the weekday and hour of publication on the account's wall clock.
2. **The prior** of a network is, per cell, a *lift* (how much better than the account's
   usual rate a post in that cell does, 1.0 = usual), a *strength* (how many posts of the
   account's own that lift is worth) and a base rate. A daily job (`network_prior`) pools
   every account of that network in the deployment: each account's rates are divided by
   its own mean (big and small accounts count alike), each cell's lift is the mean of
   those ratios shrunk toward the documented default (`DEFAULT_STRENGTH` pseudo-posts),
   and the strength is σ²_within / τ²_between by the method of moments (how much accounts
   really differ from one another, against the noise of single posts), kept in [2, 30].
   A fresh deployment uses `default_prior(network)`: the usual good hours and days
   published for that network (`_GOOD_HOURS`, `_WEEKDAYS`), night hours at 0.6, and the
   network's typical rate (`_BASE_RATES`).
3. **An account's estimate** per cell is the posterior mean
   `lift_c = (k_c · prior_lift_c + n_c · mean_c) / (k_c + n_c)`, where `mean_c` is the mean
   of the account's ratios (rate / the account's level) over its `n_c` posts in the cell.
   The account's level is its mean rate divided by the mean prior lift of the cells it
   posted in (an account that only posts at good times is not taken for a strong one).
   The expected engagement rate of a cell is level x lift.
   A post is evidence for its own cell (weight 1) and, at lower weight, for the cells an
   hour (0.5) and two hours (0.25) away, and for the same hour the day before and after
   (0.25): an audience online at 10:00 is mostly still there at 11:00, and keeps much the
   same routine from one day to the next, so a handful of posts says something about
   their neighbours too.
   `n_c` is that weighted count.
4. **Suggestions** are the cells with at least `MIN_CELL_POSTS` (weighted) posts of the
   account's, best first (then, to fill up to seven, the best cells the account has not
   tried enough, marked "low"). Confidence comes from the posts behind a cell:
   `HIGH_POSTS` or more is high, `MEDIUM_POSTS` or more medium, fewer low. A slot's
   `posts` is the number published in that very cell.
5. **Too little history** (fewer than `MIN_HISTORY` settled posts): the answer is the
   prior itself, source "prior", with the message "Not enough history yet: these are
   <Network>'s usual good times".

Everything here is pure (no clock, no AWS): `chalicelib/analytics/service.py` reads the
history and the stored prior and calls these functions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.timezones import to_wall

DAYS, HOURS = 7, 24
MIN_HISTORY = 20  # settled posts before an account's own history is used
MIN_CELL_POSTS = 2  # posts in a cell before it is suggested on the account's evidence
MEDIUM_POSTS, HIGH_POSTS = 4, 8
DEFAULT_STRENGTH = 5.0  # pseudo-posts a default prior cell is worth
MIN_STRENGTH, MAX_STRENGTH = 2.0, 30.0
TOP_SLOTS = 7
# A post counts fully in its own cell, half an hour away, a quarter two hours away and
# at the same hour the day before or after (offsets in hours on the weekly clock).
_NEAR_HOURS = (
    (0, 1.0),
    (-1, 0.5),
    (1, 0.5),
    (-2, 0.25),
    (2, 0.25),
    (-24, 0.25),
    (24, 0.25),
)
NIGHT_LIFT = 0.6
# Settled: metrics a day after publication have done most of their rising.
SETTLED_AFTER = timedelta(hours=24)

Grid = list[list[float]]

# Typical engagement rates per post (engagements / impressions, or / followers where the
# network counts no impressions), rounded from published industry benchmarks: a starting
# level for a brand-new account, replaced by the account's own as soon as it has history.
_BASE_RATES = {
    "x": 0.02,
    "facebook": 0.03,
    "instagram": 0.04,
    "linkedin": 0.035,
    "tiktok": 0.05,
    "youtube": 0.04,
    "pinterest": 0.01,
    "threads": 0.04,
    "bluesky": 0.03,
    "mastodon": 0.03,
}
# The hours (local time) each network's published studies name as its good ones, with
# how much better than usual they do; other daytime hours are 1.0, night hours 0.6.
_GOOD_HOURS: dict[str, dict[int, float]] = {
    "x": {8: 1.2, 9: 1.3, 10: 1.25, 12: 1.2, 17: 1.15},
    "facebook": {9: 1.2, 10: 1.15, 12: 1.25, 13: 1.2, 15: 1.1, 19: 1.1},
    "instagram": {11: 1.2, 12: 1.25, 13: 1.2, 18: 1.15, 19: 1.3, 20: 1.25},
    "linkedin": {8: 1.25, 9: 1.3, 10: 1.25, 12: 1.2, 17: 1.1},
    "tiktok": {12: 1.1, 16: 1.15, 18: 1.2, 19: 1.3, 20: 1.3, 21: 1.2},
    "youtube": {14: 1.15, 15: 1.2, 16: 1.25, 17: 1.2, 20: 1.15},
    "pinterest": {14: 1.1, 20: 1.25, 21: 1.3, 22: 1.15},
    "threads": {7: 1.15, 8: 1.2, 9: 1.25, 12: 1.15, 19: 1.2},
    "bluesky": {8: 1.15, 9: 1.25, 10: 1.2, 13: 1.15, 17: 1.1},
    "mastodon": {8: 1.15, 9: 1.2, 10: 1.2, 14: 1.1, 19: 1.1},
}
# Monday first.
_WEEKDAYS: dict[str, tuple[float, ...]] = {
    "x": (1.05, 1.15, 1.15, 1.1, 1.0, 0.8, 0.8),
    "facebook": (1.05, 1.1, 1.1, 1.05, 1.05, 0.9, 0.85),
    "instagram": (1.05, 1.1, 1.1, 1.05, 1.05, 0.95, 0.9),
    "linkedin": (1.05, 1.2, 1.2, 1.15, 0.95, 0.65, 0.65),
    "tiktok": (1.0, 1.1, 1.05, 1.1, 1.1, 1.0, 0.95),
    "youtube": (0.95, 1.0, 1.0, 1.05, 1.1, 1.1, 1.05),
    "pinterest": (0.95, 0.95, 1.0, 1.0, 1.05, 1.15, 1.1),
    "threads": (1.05, 1.1, 1.1, 1.05, 1.0, 0.9, 0.9),
    "bluesky": (1.05, 1.1, 1.1, 1.05, 1.0, 0.9, 0.9),
    "mastodon": (1.05, 1.05, 1.05, 1.05, 1.0, 0.95, 0.95),
}
_GENERIC_HOURS = {9: 1.2, 12: 1.15, 17: 1.1}
_FLAT_WEEK = (1.0,) * DAYS


@dataclass(frozen=True)
class Observation:
    """One settled post: the cell it was published in (account's wall clock) and its rate."""

    weekday: int
    hour: int
    rate: float


@dataclass(frozen=True)
class Prior:
    """A network's prior: per cell a lift over an account's usual rate and the number of
    the account's own posts that lift is worth; `base_rate` is a typical account's rate."""

    network: str
    base_rate: float
    lift: Grid
    strength: Grid
    accounts: int = 0
    posts: int = 0
    source: str = "default"  # "default" (documented table) | "deployment" (the daily job)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            "network": self.network,
            "base_rate": self.base_rate,
            "lift": self.lift,
            "strength": self.strength,
            "accounts": self.accounts,
            "posts": self.posts,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, network: str, data: dict[str, Any] | None) -> Prior:
        """The stored prior, or the documented default when none is stored (or it is not
        one this code can read)."""
        try:
            if not data or data.get("version") != 1:
                raise ValueError("no prior")
            lift = _grid(data["lift"])
            strength = _grid(data["strength"])
            return cls(
                network=network,
                base_rate=float(data["base_rate"]),
                lift=lift,
                strength=strength,
                accounts=int(data.get("accounts", 0)),
                posts=int(data.get("posts", 0)),
                source=str(data.get("source", "deployment")),
            )
        except (KeyError, TypeError, ValueError):
            return default_prior(network)


def _grid(rows: Any) -> Grid:
    grid = [[float(v) for v in row] for row in rows]
    if len(grid) != DAYS or any(len(row) != HOURS for row in grid):
        raise ValueError("a prior grid is 7 x 24")
    return grid


def default_prior(network: str) -> Prior:
    """The documented default of a fresh deployment (see the module docstring)."""
    hours = _GOOD_HOURS.get(network, _GENERIC_HOURS)
    week = _WEEKDAYS.get(network, _FLAT_WEEK)
    lift = [
        [round(week[d] * hours.get(h, 1.0 if 7 <= h <= 21 else NIGHT_LIFT), 4) for h in range(24)]
        for d in range(DAYS)
    ]
    return Prior(
        network=network,
        base_rate=_BASE_RATES.get(network, 0.03),
        lift=lift,
        strength=[[DEFAULT_STRENGTH] * HOURS for _ in range(DAYS)],
    )


@dataclass(frozen=True)
class Suggestion:
    weekday: int
    hour: int
    expected_engagement_rate: float
    posts: int
    confidence: str  # "high" | "medium" | "low"


@dataclass(frozen=True)
class BestTimes:
    source: str  # "account" | "prior"
    posts_considered: int
    message: str | None
    slots: list[Suggestion]
    heatmap: Grid  # expected engagement rate per weekday x hour
    level: float  # the account's usual rate (the prior's for a new account)
    lift: Grid = field(default_factory=list)  # heatmap / level: comparable across accounts


def not_enough_history(network_name: str) -> str:
    return f"Not enough history yet: these are {network_name}'s usual good times"


def confidence(posts: int) -> str:
    if posts >= HIGH_POSTS:
        return "high"
    return "medium" if posts >= MEDIUM_POSTS else "low"


def observation(published_at: datetime, zone_name: str, rate: float) -> Observation:
    """The cell of a post published at the UTC instant `published_at`, on the wall clock
    of `zone_name`."""
    wall = to_wall(published_at.astimezone(UTC), zone_name)
    return Observation(wall.weekday(), wall.hour, rate)


def best_times(
    history: Sequence[Observation],
    prior: Prior,
    network_name: str,
    *,
    min_history: int = MIN_HISTORY,
    min_cell_posts: int = MIN_CELL_POSTS,
    top: int = TOP_SLOTS,
) -> BestTimes:
    """An account's best times from its settled posts (`history`) and its network's prior."""
    usable = [o for o in history if o.rate >= 0 and math.isfinite(o.rate)]
    counts = [[0] * HOURS for _ in range(DAYS)]
    for o in usable:
        counts[o.weekday][o.hour] += 1
    level = _level(usable, prior)
    if len(usable) < min_history or level <= 0:
        return _from_prior(prior, network_name, usable, counts, top)

    # Evidence per cell: its own posts, and those an hour or two away on the same clock
    # (an audience online at 10:00 is mostly still there at 11:00), at lower weights.
    weight = [[0.0] * HOURS for _ in range(DAYS)]
    sums = [[0.0] * HOURS for _ in range(DAYS)]
    for o in usable:
        at = o.weekday * HOURS + o.hour
        for offset, w in _NEAR_HOURS:
            d, h = divmod((at + offset) % (DAYS * HOURS), HOURS)
            weight[d][h] += w
            sums[d][h] += w * o.rate / level
    lift = [
        [
            (prior.strength[d][h] * prior.lift[d][h] + sums[d][h])
            / (prior.strength[d][h] + weight[d][h])
            for h in range(HOURS)
        ]
        for d in range(DAYS)
    ]
    heatmap = [[_rate(level * v) for v in row] for row in lift]
    cells = [(d, h) for d in range(DAYS) for h in range(HOURS)]
    tried = [(d, h) for d, h in cells if weight[d][h] >= min_cell_posts]
    untried = [(d, h) for d, h in cells if weight[d][h] < min_cell_posts]

    def best(cells: list[tuple[int, int]]) -> list[tuple[int, int]]:
        return sorted(cells, key=lambda c: (-lift[c[0]][c[1]], c))

    chosen = best(tried)[:top]
    chosen += best(untried)[: top - len(chosen)]
    slots = [
        Suggestion(
            d,
            h,
            heatmap[d][h],
            counts[d][h],
            confidence(round(weight[d][h])) if weight[d][h] >= min_cell_posts else "low",
        )
        for d, h in chosen
    ]
    return BestTimes("account", len(usable), None, slots, heatmap, level, lift)


def _level(usable: Sequence[Observation], prior: Prior) -> float:
    """The account's usual rate: its mean rate over the mean prior lift of its cells."""
    if not usable:
        return 0.0
    mean_rate = sum(o.rate for o in usable) / len(usable)
    mean_lift = sum(prior.lift[o.weekday][o.hour] for o in usable) / len(usable)
    return mean_rate / mean_lift if mean_lift > 0 else mean_rate


def _from_prior(
    prior: Prior,
    network_name: str,
    usable: Sequence[Observation],
    counts: list[list[int]],
    top: int,
) -> BestTimes:
    # A few posts already say something about the account's level (not yet its times):
    # its level is shrunk toward the network's typical rate, worth 10 posts.
    own = _level(usable, prior)
    level = (10 * prior.base_rate + len(usable) * own) / (10 + len(usable)) if usable else 0.0
    level = level or prior.base_rate
    heatmap = [[_rate(level * v) for v in row] for row in prior.lift]
    cells = sorted(
        ((d, h) for d in range(DAYS) for h in range(HOURS)),
        key=lambda c: (-prior.lift[c[0]][c[1]], c),
    )
    slots = [Suggestion(d, h, heatmap[d][h], counts[d][h], "low") for d, h in cells[:top]]
    lift = [list(row) for row in prior.lift]
    return BestTimes(
        "prior", len(usable), not_enough_history(network_name), slots, heatmap, level, lift
    )


def _rate(value: float) -> float:
    return round(value, 5)


def network_prior(
    network: str,
    histories: Iterable[Sequence[Observation]],
    *,
    min_account_posts: int = 10,
) -> Prior:
    """The deployment's prior for `network` from every account's history (module
    docstring, step 2); the documented default when no account has enough posts."""
    default = default_prior(network)
    accounts = 0
    levels: list[float] = []
    n = [[0] * HOURS for _ in range(DAYS)]
    sums = [[0.0] * HOURS for _ in range(DAYS)]
    squares = 0.0
    total = 0
    # Per account and cell: (posts, mean ratio), for the between-account variance.
    cell_means: list[tuple[int, int, int, float]] = []
    for history in histories:
        usable = [o for o in history if o.rate >= 0 and math.isfinite(o.rate)]
        if len(usable) < min_account_posts:
            continue
        mean = sum(o.rate for o in usable) / len(usable)
        if mean <= 0:
            continue
        accounts += 1
        levels.append(mean)
        own: dict[tuple[int, int], list[float]] = {}
        for o in usable:
            ratio = o.rate / mean
            n[o.weekday][o.hour] += 1
            sums[o.weekday][o.hour] += ratio
            squares += ratio * ratio
            total += 1
            own.setdefault((o.weekday, o.hour), []).append(ratio)
        cell_means += [(d, h, len(v), sum(v) / len(v)) for (d, h), v in own.items()]
    if not accounts:
        return default

    lift = [
        [
            (DEFAULT_STRENGTH * default.lift[d][h] + sums[d][h]) / (DEFAULT_STRENGTH + n[d][h])
            for h in range(HOURS)
        ]
        for d in range(DAYS)
    ]
    strength = _strength(n, sums, squares, total, cell_means)
    levels.sort()
    return Prior(
        network=network,
        base_rate=levels[len(levels) // 2],
        lift=[[round(v, 4) for v in row] for row in lift],
        strength=[[strength] * HOURS for _ in range(DAYS)],
        accounts=accounts,
        posts=total,
        source="deployment",
    )


def _strength(
    n: list[list[int]],
    sums: list[list[float]],
    squares: float,
    total: int,
    cell_means: list[tuple[int, int, int, float]],
) -> float:
    """k = σ²_within / τ²_between (method of moments), within [MIN, MAX]_STRENGTH."""
    pooled = [[sums[d][h] / n[d][h] if n[d][h] else 0.0 for h in range(HOURS)] for d in range(DAYS)]
    within_ss = squares - sum(sums[d][h] * pooled[d][h] for d in range(DAYS) for h in range(HOURS))
    cells = sum(1 for d in range(DAYS) for h in range(HOURS) if n[d][h])
    if total - cells <= 0:
        return DEFAULT_STRENGTH
    within = max(within_ss / (total - cells), 1e-9)
    # Spread of each account's cell mean around the pooled cell mean, less the part the
    # noise of its few posts explains.
    spread = [
        (mean - pooled[d][h]) ** 2 - within / posts for d, h, posts, mean in cell_means if posts
    ]
    between = sum(spread) / len(spread) if spread else 0.0
    if between <= 0:
        return MAX_STRENGTH
    return min(MAX_STRENGTH, max(MIN_STRENGTH, within / between))


def weekly_slots(lift: Grid, per_day: int, min_gap_hours: int = 2) -> list[tuple[int, str]]:
    """Queue slots from best times: each weekday's `per_day` best hours, at least
    `min_gap_hours` apart (posts an hour apart compete with each other), as (weekday, "HH:00")."""
    chosen: list[tuple[int, str]] = []
    for d in range(DAYS):
        hours: list[int] = []
        for h in sorted(range(HOURS), key=lambda h: (-lift[d][h], h)):
            if all(abs(h - other) >= min_gap_hours for other in hours):
                hours.append(h)
            if len(hours) == per_day:
                break
        chosen += [(d, f"{h:02d}:00") for h in sorted(hours)]
    return chosen


@dataclass(frozen=True)
class AccountTimes:
    """One account as the composer's suggestions see it: its zone and best times."""

    account_id: str
    zone_name: str
    times: BestTimes


@dataclass(frozen=True)
class Instant:
    at: datetime  # UTC
    expected_engagement_rate: float
    score: float  # mean lift over the accounts: 1.0 is an ordinary hour


def next_suggested(
    accounts: Sequence[AccountTimes],
    after: datetime,
    count: int,
    *,
    days: int = 7,
    min_gap: timedelta = timedelta(hours=3),
    taken: Iterable[datetime] = (),
) -> list[Instant]:
    """The `count` best whole hours of the next `days` for posting to every account at
    once (mean lift over the accounts, each on its own wall clock), at least `min_gap`
    apart and not at an instant already `taken`, soonest first."""
    if not accounts or count < 1:
        return []
    busy = {t.astimezone(UTC).replace(minute=0, second=0, microsecond=0) for t in taken}
    start = after.astimezone(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    candidates: list[Instant] = []
    for step in range(days * HOURS):
        at = start + timedelta(hours=step)
        if at in busy:
            continue
        lifts, rates = [], []
        for account in accounts:
            wall = to_wall(at, account.zone_name)
            lifts.append(account.times.lift[wall.weekday()][wall.hour])
            rates.append(account.times.heatmap[wall.weekday()][wall.hour])
        candidates.append(Instant(at, _rate(sum(rates) / len(rates)), sum(lifts) / len(lifts)))
    picked: list[Instant] = []
    for candidate in sorted(candidates, key=lambda c: (-c.score, c.at)):
        if all(abs(candidate.at - other.at) >= min_gap for other in picked):
            picked.append(candidate)
        if len(picked) == count:
            break
    return sorted(picked, key=lambda c: c.at)
