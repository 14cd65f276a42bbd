"""Issue 19: posts whose text, rule or time was made to stall a Lambda or crash it get a
clear answer through the API: a count, a 422 naming the field, never a 500."""

from __future__ import annotations

import pytest

from tests.support.clock import ahead, wall
from tests.support.factories import call, signup
from tests.support.posting import an_account


def posts(user, tail: str = "") -> str:
    return f"/v1/workspaces/{user.workspace_id}/posts{tail}"


def a_post(account: str, text: str = "Hello", **extra) -> dict:
    when = ahead(7, "09:00", "Europe/Paris")
    body = {
        "text": text,
        "targets": [{"account_id": account}],
        "when": {"at": wall(when), "timezone": "Europe/Paris"},
    }
    body.update(extra)
    return body


def problems(response) -> dict[str, str]:
    return {d["field"]: d["message"] for d in response.json["error"]["details"]}


# Texts that made the link expression walk a run of labels from every start: at these
# lengths the old expression took from seconds to minutes.
ADVERSARIAL_TEXTS = {
    "labels without a top-level domain": "a." * 30_000,
    "accented labels": "\u00e9." * 30_000,
    "a long accented word": "\u00e9" * 60_000 + ".",
    "a host far too long for a link": "a." * 30_000 + "com",
    "labels broken by dashes": "a.-." * 15_000 + "a.com",
}


@pytest.mark.parametrize("text", ADVERSARIAL_TEXTS.values(), ids=ADVERSARIAL_TEXTS.keys())
def test_a_long_adversarial_text_is_counted_and_refused_for_its_length(client, text):
    owner = signup(client)
    x = an_account(owner.workspace_id, "x")
    validated = call(client, "POST", posts(owner, "/validate"), a_post(x, text), owner.headers)
    assert validated.status_code == 200
    (problem,) = validated.json["problems"]
    assert problem["field"] == "text"
    assert f"this text has {len(text)}" in problem["message"]  # no link in it counts 23
    created = call(client, "POST", posts(owner), a_post(x, text), owner.headers)
    assert created.status_code == 422
    assert set(problems(created)) == {"text"}


def test_a_link_among_adversarial_noise_is_still_counted_as_a_link(client):
    owner = signup(client)
    x = an_account(owner.workspace_id, "x")
    text = "see example.com/launch " + "\u00e9." * 20
    validated = call(client, "POST", posts(owner, "/validate"), a_post(x, text), owner.headers)
    assert validated.json == {"valid": True, "problems": []}
    long_text = "see example.com/launch " + "\u00e9." * 20_000
    validated = call(client, "POST", posts(owner, "/validate"), a_post(x, long_text), owner.headers)
    (problem,) = validated.json["problems"]
    assert problem["message"].endswith(f"has {4 + 23 + 1 + 40_000}")


IMPOSSIBLE_RULES = [
    "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30;BYMINUTE=7;BYSECOND=9",
    "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31;BYHOUR=1,2,3,4,5,6,7,8,9,10,11,12",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
]


@pytest.mark.parametrize("rule", IMPOSSIBLE_RULES)
def test_a_rule_that_never_occurs_is_a_422_naming_recurrence(client, rule):
    owner = signup(client)
    x = an_account(owner.workspace_id, "x")
    response = call(client, "POST", posts(owner), a_post(x, recurrence=rule), owner.headers)
    assert response.status_code == 422
    assert "no occurrence" in problems(response)["recurrence"]


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ("FREQ=DAILY;UNTIL=20301399T000000Z", "UNTIL=20301399T000000Z"),
        ("FREQ=DAILY;UNTIL=00010101T000000Z", "before the series starts"),
        ("FREQ=HOURLY;BYMINUTE=0,1,2,3,4,5;BYSECOND=0,30", "BYMINUTE takes one value"),
        ("FREQ=HOURLY;BYSECOND=0,1", "BYSECOND takes one value"),
        ("FREQ=HOURLY;BYHOUR=25", "not a"),
    ],
)
def test_a_rule_the_calendar_cannot_hold_is_a_422_naming_recurrence(client, rule, says):
    owner = signup(client)
    x = an_account(owner.workspace_id, "x")
    for path in (posts(owner), posts(owner, "/validate")):
        response = call(client, "POST", path, a_post(x, recurrence=rule), owner.headers)
        assert response.status_code in (200, 422)
        found = (
            problems(response)
            if response.status_code == 422
            else {p["field"]: p["message"] for p in response.json["problems"]}
        )
        assert says in found["recurrence"]


def test_a_rule_that_occurs_once_in_four_years_is_kept(client):
    owner = signup(client)
    x = an_account(owner.workspace_id, "x")
    response = call(
        client,
        "POST",
        posts(owner),
        a_post(x, recurrence="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=3"),
        owner.headers,
    )
    # The first 29 February may be more than a year ahead: then that is the only problem.
    if response.status_code == 422:
        assert set(problems(response)) == {"when.at"}
    else:
        assert response.status_code == 201
        assert response.json["scheduled_at"][5:10] == "02-29"


@pytest.mark.parametrize(
    ("at", "zone"),
    [
        ("0001-01-01T00:00:00", "Asia/Tokyo"),
        ("9999-12-31T23:00:00", "America/New_York"),
        ("0001-01-01T00:00:00+05:00", "Europe/Paris"),
        ("9999-12-31T23:00:00-05:00", "UTC"),
    ],
)
def test_a_time_at_the_ends_of_the_calendar_is_a_4xx_naming_when_at(client, at, zone):
    owner = signup(client)
    x = an_account(owner.workspace_id, "x")
    body = {"text": "Hi", "targets": [{"account_id": x}], "when": {"at": at, "timezone": zone}}
    for extra in ({}, {"recurrence": "FREQ=DAILY;COUNT=2"}):
        response = call(client, "POST", posts(owner), {**body, **extra}, owner.headers)
        assert response.status_code == 422, response.body
        assert "when.at" in problems(response)
        validated = call(
            client, "POST", posts(owner, "/validate"), {**body, **extra}, owner.headers
        )
        assert validated.status_code == 200
        assert "when.at" in {p["field"] for p in validated.json["problems"]}
