"""Operators (the admin endpoints) are named by user id, never by an email address that
sign-up does not verify."""

from __future__ import annotations

import pytest

from tests.support.factories import call, make_operator, signup

REDRIVE = "/v1/admin/dead-letters/redrive"
BODY = {"targets": [{"workspace_id": "w_none", "post_id": "p_none", "target_id": "t_none"}]}


def test_signing_up_with_the_old_operator_email_gives_no_admin_access(client, monkeypatch):
    operator = make_operator(monkeypatch, signup(client))
    # Whoever signs up first with the address operators used to be named by...
    squatter = signup(client, email="ops@schedulo.example")
    assert call(client, "POST", REDRIVE, BODY, squatter.headers).status_code == 403
    # ...while the operator named by id passes the guard.
    answer = call(client, "POST", REDRIVE, BODY, operator.headers)
    assert answer.status_code == 200, answer.json
    assert answer.json["results"][0]["redriven"] is False


def test_operators_named_by_email_are_refused_at_start():
    from chalicelib.settings import settings_from

    with pytest.raises(ValueError, match="SCHEDULO_OPERATOR_USER_IDS"):
        settings_from({"SCHEDULO_OPERATOR_EMAILS": "ops@schedulo.example"})
    named = settings_from({"SCHEDULO_OPERATOR_USER_IDS": " u_1, u_2 ,"})
    assert named.operator_user_ids == {"u_1", "u_2"}
