"""Best times (chalicelib/domain/best_times.py): an account's own history against its
network's prior, pure functions on fixed dates."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain import best_times as bt

MONDAY = datetime(2030, 1, 7, tzinfo=UTC)  # a Monday


def history(best: tuple[int, int], posts: int, *, cells: list[tuple[int, int]]) -> list:
    """`posts` observations cycling over `cells`: 0.06 at `best`, 0.02 elsewhere."""
    out = []
    for i in range(posts):
        day, hour = cells[i % len(cells)]
        out.append(bt.Observation(day, hour, 0.06 if (day, hour) == best else 0.02))
    return out


CELLS = [(d, h) for d in range(7) for h in (9, 13, 18)]  # 21 weekly slots


def test_a_planted_slot_is_found_with_60_posts_and_said_to_be_the_accounts():
    result = bt.best_times(history((3, 13), 60, cells=CELLS), bt.default_prior("x"), "X")
    assert result.source == "account" and result.message is None
    assert result.posts_considered == 60
    top = result.slots[0]
    assert (top.weekday, top.hour) == (3, 13)
    # 3 posts of its own, and 3 each at 13:00 the day before and after (a quarter each).
    assert top.posts == 3 and top.confidence == "medium"
    assert top.expected_engagement_rate == pytest.approx(result.heatmap[3][13])
    assert len(result.slots) == 7
    rates = [s.expected_engagement_rate for s in result.slots]
    assert rates[0] > rates[1]
    assert len(result.heatmap) == 7 and all(len(row) == 24 for row in result.heatmap)


def test_few_posts_answer_the_networks_usual_times_and_say_so():
    result = bt.best_times(
        history((3, 13), 5, cells=CELLS), bt.default_prior("linkedin"), "LinkedIn"
    )
    assert result.source == "prior"
    assert result.message == "Not enough history yet: these are LinkedIn's usual good times"
    assert result.posts_considered == 5
    # LinkedIn's documented good times: Tuesday/Wednesday mornings.
    assert (result.slots[0].weekday, result.slots[0].hour) in {(1, 9), (2, 9)}
    assert all(s.confidence == "low" for s in result.slots)


def test_the_prior_pulls_a_single_lucky_post_back():
    # One post at 03:00 on Sunday did very well; 40 others are ordinary.
    posts = [*history((9, 9), 40, cells=CELLS), bt.Observation(6, 3, 0.5)]
    result = bt.best_times(posts, bt.default_prior("x"), "X")
    assert (6, 3) not in [(s.weekday, s.hour) for s in result.slots[:3]]
    # ... though the heatmap shows the cell did better than its prior said.
    level = result.level
    assert result.heatmap[6][3] > level * bt.default_prior("x").lift[6][3]


def test_confidence_grows_with_the_posts_behind_a_slot():
    assert [bt.confidence(n) for n in (0, 3, 4, 7, 8, 30)] == [
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
    ]


def test_cells_are_read_on_the_accounts_wall_clock():
    # 08:30 UTC on a Monday is 03:30 in New York and 17:30 in Tokyo.
    at = MONDAY.replace(hour=8, minute=30)
    assert bt.observation(at, "America/New_York", 0.1) == bt.Observation(0, 3, 0.1)
    assert bt.observation(at, "Asia/Tokyo", 0.1) == bt.Observation(0, 17, 0.1)
    # Late Sunday in Honolulu is already Monday in UTC.
    assert bt.observation(MONDAY.replace(hour=5), "Pacific/Honolulu", 0.1).weekday == 6


def test_the_deployment_prior_learns_the_networks_shape_and_how_far_to_trust_it():
    # Every account does 3x better on Fridays at 18:00: the prior learns the lift.
    accounts = [history((4, 18), 42, cells=CELLS) for _ in range(30)]
    prior = bt.network_prior("instagram", accounts)
    assert prior.source == "deployment" and prior.accounts == 30 and prior.posts == 30 * 42
    assert prior.lift[4][18] > 2 * prior.lift[4][9]
    # Accounts agree with one another: the prior is worth many of an account's own posts.
    assert prior.strength[0][0] == bt.MAX_STRENGTH
    # And round-trips through the store's dict.
    assert bt.Prior.from_dict("instagram", prior.to_dict()) == prior


def test_accounts_that_disagree_make_a_weak_prior():
    accounts = [history((d % 7, 9 + d % 3 * 4), 42, cells=CELLS) for d in range(21)]
    prior = bt.network_prior("x", accounts)
    assert prior.strength[0][0] < bt.DEFAULT_STRENGTH


def test_no_stored_prior_or_an_unreadable_one_is_the_documented_default():
    default = bt.default_prior("pinterest")
    assert bt.Prior.from_dict("pinterest", None) == default
    assert bt.Prior.from_dict("pinterest", {"version": 1, "lift": [[1.0]]}) == default
    assert default.source == "default" and default.base_rate == 0.01
    # Night hours are below an ordinary daytime hour on every network.
    for network in ("x", "tiktok", "mastodon"):
        lift = bt.default_prior(network).lift
        assert max(lift[d][3] for d in range(7)) < min(lift[d][11] for d in range(7))


def test_queue_slots_from_best_times_spread_over_each_day():
    prior = bt.default_prior("x")
    slots = bt.weekly_slots(prior.lift, per_day=2)
    assert len(slots) == 14
    for day in range(7):
        hours = [int(at[:2]) for d, at in slots if d == day]
        assert len(hours) == 2 and abs(hours[0] - hours[1]) >= 2
    assert (1, "09:00") in slots  # X's best: Tuesday 09:00


def test_next_suggested_times_are_good_hours_for_every_account_soonest_first():
    prior = bt.default_prior("linkedin")
    paris = bt.AccountTimes("a_1", "Europe/Paris", bt.best_times([], prior, "LinkedIn"))
    # Monday 07:10 UTC (08:10 in Paris, winter).
    after = MONDAY.replace(hour=7, minute=10)
    found = bt.next_suggested([paris], after, 3)
    assert len(found) == 3
    assert [f.at for f in found] == sorted(f.at for f in found)
    assert all(b.at - a.at >= timedelta(hours=3) for a, b in itertools.pairwise(found))
    assert all(f.at > after and f.at.minute == 0 for f in found)
    # The best LinkedIn hour in Paris is 09:00 local = 08:00 UTC, Tuesday or Wednesday.
    best = max(found, key=lambda f: f.score)
    assert best.at.hour == 8 and best.at.weekday() in (1, 2)
    taken = bt.next_suggested([paris], after, 3, taken=[best.at])
    assert best.at not in [f.at for f in taken]
