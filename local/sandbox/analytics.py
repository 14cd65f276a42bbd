"""The numbers the sandbox networks report for posts and accounts: plausible, and
deterministic (a hash of the network, account and post: no randomness, no stored
counters), so any run, faketime-shifted or not, sees the same figures for the same
post at the same age.

A post's figures are `final * growth(age)`:

- `growth(age) = 0.8 * (1 - e^(-age/4 h)) + 0.2 * (1 - e^(-age/72 h))`: a fast rise
  (40 % of the total in the first 3 hours, 85 % within a day), then a slow
  plateau towards 1 over about two weeks. `age` is the sandbox clock (`time.time()`)
  minus the post's creation time in the sandbox state (`received_at`).
- `final` depends on the account's followers on the day of publication, the post's own
  spread (±10 %, from a hash of its id) and `slot_factor` of the weekday and hour (UTC)
  it was published at: impressions grow with √factor and the engagement *rate* with the
  factor, so engagements / impressions and engagements / followers both peak at the
  account's planted best slot.
- `slot_factor = (1 + 1.6 * e^(-dh²/4.5) * e^(-dd²/0.8))
                 * (0.85 + 0.15 * cos(2π(hour - 14)/24))`
  where dh is the circular distance in hours (0..12) and dd in weekdays (0..3) from
  `planted_best_slot(network, account)`: x2.6 at the best cell, x2.3 an hour away,
  x1.5 on the next day at the same hour, ~1 far from it (before the gentle daily term,
  a little lower at night). Views are 0.8 x impressions, reach 0.72 x impressions.

Instagram's insights arrive late (up to 48 hours, as Meta says): the insights endpoint
answers `final * growth(insights_age(age))`, where each post has its own delay `d` (0 to
48 h, from a hash of its id) and `insights_age(age) = max(0, age - d * (1 - age/48 h))`
below 48 h, `age` from then on. So a young post's insights lag the figures the other
networks would show at the same age (zero for its first `d`-ish hours, then rising
faster), never go down, and have caught up by 48 h.

Followers move day by day: `base + slope * days_since_2025-01-01 + jitter(day)`, each
term from a hash of (network, account) and the UTC day.
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import Any

from local.sandbox.state import SandboxState

# Shares of a post's engagements; quotes come on top of them.
ENGAGEMENT_MIX = {"likes": 0.62, "comments": 0.08, "shares": 0.10, "saves": 0.07, "clicks": 0.13}
QUOTE_SHARE = 0.02
BASE_RATE = 0.035  # engagements / impressions away from the best slot
REACH_OF_FOLLOWERS = 0.3  # impressions of a post / followers, before the slot factor
DAY_ZERO = 20089  # 2025-01-01 in days since the epoch


def clock() -> float:
    """The sandbox's now (tests move it to age posts without moving the machine's)."""
    return time.time()


def _unit(*parts: object) -> float:
    """A number in [0, 1) fixed by `parts`."""
    digest = hashlib.sha256("/".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def planted_best_slot(network: str, account_external_id: str) -> tuple[int, int]:
    """The (weekday, hour) in UTC (Monday = 0) at which this account's posts do best:
    a hash of network and account id picks a weekday and an hour between 09:00 and
    20:00."""
    digest = hashlib.sha256(f"best-slot/{network}/{account_external_id}".encode()).digest()
    return digest[0] % 7, 9 + digest[1] % 12


def slot_factor(network: str, account_external_id: str, weekday: int, hour: int) -> float:
    """How much better than usual a post published at (weekday, hour) UTC does."""
    best_day, best_hour = planted_best_slot(network, account_external_id)
    dh = min(abs(hour - best_hour), 24 - abs(hour - best_hour))
    dd = min(abs(weekday - best_day), 7 - abs(weekday - best_day))
    peak = 1 + 1.6 * math.exp(-(dh**2) / 4.5) * math.exp(-(dd**2) / 0.8)
    daily = 0.85 + 0.15 * math.cos(2 * math.pi * (hour - 14) / 24)
    return peak * daily


def growth(age_seconds: float) -> float:
    """The share of its eventual figures a post has at this age (0 before it exists)."""
    hours = max(0.0, age_seconds) / 3600
    return 0.8 * (1 - math.exp(-hours / 4)) + 0.2 * (1 - math.exp(-hours / 72))


def followers(network: str, account_external_id: str, at: float | None = None) -> int:
    """The account's followers on the UTC day of `at` (default now)."""
    day = int((clock() if at is None else at) // 86400)
    base = 300 + int(_unit("followers", network, account_external_id) * 20000)
    slope = base * (0.0005 + 0.002 * _unit("slope", network, account_external_id))
    jitter = (_unit("jitter", network, account_external_id, day) - 0.5) * base * 0.004
    return max(1, round(base + slope * (day - DAY_ZERO) + jitter))


def post_metrics(
    network: str, account_external_id: str, post_id: str, created_at: float, at: float | None = None
) -> dict[str, int]:
    """Every canonical figure of a post published at `created_at` (epoch seconds) as of
    `at` (default now); each network reports the ones it gives, under its own names."""
    now = clock() if at is None else at
    published = time.gmtime(created_at)
    factor = slot_factor(network, account_external_id, published.tm_wday, published.tm_hour)
    audience = followers(network, account_external_id, created_at)
    spread = 0.9 + 0.2 * _unit("post", network, post_id)
    impressions = max(20.0, audience * REACH_OF_FOLLOWERS) * math.sqrt(factor) * spread
    rate = BASE_RATE * factor * (0.9 + 0.2 * _unit("rate", network, post_id))
    engagements = impressions * rate
    share = growth(now - created_at)
    values = {
        "impressions": round(impressions * share),
        "views": round(impressions * 0.8 * share),
        "reach": round(impressions * 0.72 * share),
        "quotes": round(engagements * QUOTE_SHARE * share),
    }
    for name, part in ENGAGEMENT_MIX.items():
        values[name] = round(engagements * part * share)
    return values


def of_post(network: str, post: dict[str, Any], at: float | None = None) -> dict[str, int]:
    """`post_metrics` of a post in the sandbox state."""
    return post_metrics(network, str(post["account"]), str(post["id"]), post["received_at"], at)


INSIGHTS_DELAY_MAX = 48 * 3600  # seconds; Instagram: "up to 48 hours"


def insights_delay(network: str, post_id: str) -> float:
    """How late (seconds, 0 to 48 h) this post's insights arrive."""
    return _unit("insights-delay", network, post_id) * INSIGHTS_DELAY_MAX


def insights_age(age_seconds: float, delay_seconds: float) -> float:
    """The age whose figures a post's late insights show at `age_seconds`: behind by
    `delay_seconds` at first, the gap closing linearly to nothing at 48 h."""
    if age_seconds >= INSIGHTS_DELAY_MAX:
        return age_seconds
    return max(0.0, age_seconds - delay_seconds * (1 - age_seconds / INSIGHTS_DELAY_MAX))


def late_insights_of_post(
    network: str, post: dict[str, Any], at: float | None = None
) -> dict[str, int]:
    """`of_post` as insights that arrive late report it (Instagram)."""
    now = clock() if at is None else at
    age = now - post["received_at"]
    shown = insights_age(age, insights_delay(network, str(post["id"])))
    return of_post(network, post, post["received_at"] + shown)


def find_post(state: SandboxState, network: str, post_id: str) -> dict[str, Any] | None:
    for post in state.find_posts(network):
        if str(post["id"]) == post_id:
            return post
    return None


def metrics_fault(state: SandboxState, network: str) -> str | None:
    """A fault injected for this network's metrics calls (`/_control/faults` with
    `"calls": "metrics"`), kept apart from those for publishing."""
    return state.take_fault(f"{network}/metrics")


def rate_window(
    state: SandboxState, key: str, limit: int, window_seconds: int
) -> tuple[bool, int, int]:
    """Counts one call against `key`'s rolling window: (allowed, remaining, reset epoch)."""
    now = time.time()
    name = f"rate:{key}"
    stamps = [t for t in state.objects.get(name, []) if now - t < window_seconds]
    reset = int((stamps[0] if stamps else now) + window_seconds)
    if len(stamps) >= limit:
        state.objects[name] = stamps
        return False, 0, reset
    stamps.append(now)
    state.objects[name] = stamps
    return True, limit - len(stamps), reset


def seed_post(
    state: SandboxState,
    network: str,
    account_external_id: str,
    published_at: float,
    text: str = "",
) -> str:
    """Records a post as if the account (its Schedulo `external_id`) had published it at
    `published_at` (epoch seconds), with an id shaped like the network's own: the id the
    adapter's `metrics` takes. For tests and benchmarks that need history without
    publishing each post (also `POST /_control/posts`)."""
    n = state.next_id()
    if network == "facebook":
        post_id = f"{account_external_id}_{8_000_000_000 + n}"
    elif network == "linkedin":
        post_id = f"urn:li:share:{7_200_000_000_000_000_000 + n}"
    elif network == "youtube":
        post_id = f"seed{n:07d}"
    elif network == "bluesky":
        post_id = f"at://{account_external_id}/app.bsky.feed.post/3seed{n:08d}"
    else:
        post_id = str(18_000_000_000_000_000 + n)
    state.record_post(
        network,
        account_external_id,
        text or f"seeded post {n}",
        id=post_id,
        received_at=published_at,
        username="demo",
        media_type="IMAGE",
    )
    return post_id
