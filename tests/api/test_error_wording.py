"""Validation errors in plain words: the summary names the field, the details keep its name."""

from __future__ import annotations

import pytest

from chalicelib.api.wording import field_label, plain
from tests.support.factories import PASSWORD, call, signup, unique_email


def test_a_short_password_is_told_in_words_naming_the_field(client):
    response = call(
        client,
        "POST",
        "/v1/auth/signup",
        {"email": unique_email(), "password": "short", "name": "Ada"},
    )
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_error"
    assert error["message"] == "Password: use at least 10 characters."
    assert error["details"] == [{"field": "password", "message": "use at least 10 characters"}]
    assert "String should" not in response.body.decode()


def test_every_problem_is_a_sentence_and_fields_keep_their_api_names(client):
    owner = signup(client)
    response = call(
        client,
        "POST",
        f"/v1/workspaces/{owner.workspace_id}/posts",
        {"text": "hello", "targets": [{"account_id": 7}], "colour": "red"},
        owner.headers,
    )
    assert response.status_code == 422
    details = {d["field"]: d["message"] for d in response.json["error"]["details"]}
    assert details["targets[0].account_id"] == "write this as text"
    assert details["colour"] == "is not a field Schedulo knows: remove it"
    message = response.json["error"]["message"]
    assert "targets[0].account_id: write this as text" in message
    assert "Colour: is not a field Schedulo knows" in message
    assert "Input should" not in message and "Extra inputs" not in message


def test_a_missing_field_and_a_validator_s_own_words(client):
    missing = call(client, "POST", "/v1/auth/signup", {"email": unique_email(), "name": "Ada"})
    assert missing.json["error"]["message"] == "Password: this is required."
    guessable = call(
        client,
        "POST",
        "/v1/auth/signup",
        {"email": unique_email(), "password": "aaaaaaaaaaaa", "name": "Ada"},
    )
    [detail] = guessable.json["error"]["details"]
    assert detail["field"] == "password"
    assert detail["message"].startswith("too easy to guess")  # no "Value error, "


def test_a_bad_query_parameter_is_worded_too(client):
    owner = signup(client)
    response = call(
        client, "GET", f"/v1/workspaces/{owner.workspace_id}/posts?limit=500", headers=owner.headers
    )
    assert response.status_code == 422
    assert response.json["error"]["message"] == "Limit: use 200 or less."
    assert response.json["error"]["details"][0]["field"] == "limit"


def test_a_taken_address_is_not_told_at_sign_up(client):
    first = signup(client)
    again = call(
        client, "POST", "/v1/auth/signup", {"email": first.email, "password": PASSWORD, "name": "B"}
    )
    assert again.status_code == 202
    assert again.json["message"].startswith("Check your email")


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        ({"type": "string_too_short", "ctx": {"min_length": 1}}, "cannot be empty"),
        ({"type": "string_too_long", "ctx": {"max_length": 1}}, "use at most 1 character"),
        ({"type": "too_long", "ctx": {"max_length": 100}}, "give at most 100 items"),
        (
            {"type": "literal_error", "ctx": {"expected": "'dmy' or 'mdy'"}},
            "use one of 'dmy' or 'mdy'",
        ),
        ({"type": "greater_than_equal", "ctx": {"ge": 1}}, "use 1 or more"),
        ({"type": "something_new", "msg": "Input is odd"}, "input is odd"),
        ({"type": "value_error", "msg": "Value error, must be a path"}, "must be a path"),
    ],
)
def test_plain_words_for_each_kind(problem, expected):
    assert plain(problem) == expected


def test_field_labels():
    assert field_label("password") == "Password"
    assert field_label("app_password") == "App password"
    assert field_label("targets[0].text") == "targets[0].text"
