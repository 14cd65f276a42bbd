"""The approval policy's rules, pure (chalicelib/domain/approvals.py)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chalicelib.domain.approvals import (
    ApprovalPolicy,
    Refused,
    Reviewer,
    approve,
    eligibility,
    needs_approval,
    new_state,
    restart,
)
from chalicelib.domain.roles import Role

AT = "2026-12-01T09:00:00Z"
MEMBERS = {"u_own": Role.OWNER, "u_adm": Role.ADMIN, "u_ed": Role.EDITOR, "u_ed2": Role.EDITOR}


def member(user_id: str) -> Reviewer:
    return Reviewer(actor=user_id, role=MEMBERS[user_id], user_id=user_id)


def test_off_needs_nothing_role_needs_it_below_the_role_steps_as_configured():
    assert not needs_approval(ApprovalPolicy(), Role.VIEWER)
    role = ApprovalPolicy(mode="role", required_below="admin")
    assert [needs_approval(role, r) for r in Role] == [False, False, True, True]
    assert needs_approval(role, None)  # an actor without a role (the system) waits too
    everyone = ApprovalPolicy(mode="steps", required_below=None, steps=[{"roles": ["owner"]}])
    assert needs_approval(everyone, Role.OWNER)


@pytest.mark.parametrize(
    "policy",
    [
        {"mode": "steps"},
        {"mode": "steps", "steps": [{}]},
        {"mode": "steps", "steps": [{"roles": ["admin"]}] * 4},
        {"mode": "steps", "steps": [{"user_ids": ["u_1", "u_1"]}]},
        {"mode": "role", "required_below": "viewer"},
        {"mode": "role", "steps": [{"roles": ["admin"]}]},
        {"mode": "off", "steps": [{"roles": ["admin"]}]},
    ],
)
def test_impossible_policies_are_refused(policy):
    with pytest.raises(ValidationError):
        ApprovalPolicy.model_validate(policy)


def test_a_role_policys_one_step_is_any_member_at_or_above_the_role():
    policy = ApprovalPolicy(mode="role", required_below="admin")
    state = new_state(policy, member("u_ed"), AT, MEMBERS)
    assert set(state.steps[0].roles) == {Role.ADMIN, Role.OWNER}
    with pytest.raises(Refused):
        eligibility(state, member("u_ed2"))
    assert approve(state, member("u_adm"), AT) is True
    assert state.approved_at == AT


def test_an_all_step_needs_every_member_holding_its_roles_when_submitted():
    policy = ApprovalPolicy(
        mode="steps", required_below=None, steps=[{"roles": ["editor"], "rule": "all"}]
    )
    state = new_state(policy, member("u_own"), AT, MEMBERS)
    assert state.required == [["u_ed", "u_ed2"]]
    assert approve(state, member("u_ed"), AT) is False
    with pytest.raises(Refused, match="already approved"):
        approve(state, member("u_ed"), AT)
    assert approve(state, member("u_ed2"), AT) is True


def test_the_author_is_left_out_of_an_all_step_and_may_not_approve():
    policy = ApprovalPolicy(
        mode="steps", required_below=None, steps=[{"roles": ["editor"], "rule": "all"}]
    )
    state = new_state(policy, member("u_ed"), AT, MEMBERS)
    assert state.required == [["u_ed2"]]
    with pytest.raises(Refused, match="someone else"):
        eligibility(state, member("u_ed"))
    assert approve(state, member("u_ed2"), AT) is True


def test_an_api_key_counts_with_its_role_and_its_person_for_self_approval():
    policy = ApprovalPolicy(mode="steps", required_below=None, steps=[{"user_ids": ["u_adm"]}])
    state = new_state(policy, member("u_ed"), AT, MEMBERS)
    key = Reviewer(actor="api_key:k_1", role=Role.ADMIN, user_id="u_adm")
    with pytest.raises(Refused):  # a named approver is the person, not their key
        eligibility(state, key)
    by_role = ApprovalPolicy(mode="role", required_below="admin")
    keyed = new_state(
        by_role, Reviewer(actor="api_key:k_2", role=Role.EDITOR, user_id="u_adm"), AT, MEMBERS
    )
    with pytest.raises(Refused, match="someone else"):  # the key's person wrote it
        eligibility(keyed, member("u_adm"))


def test_a_client_counts_only_for_a_step_that_allows_one():
    policy = ApprovalPolicy(
        mode="steps",
        required_below=None,
        steps=[{"roles": ["admin"]}, {"allow_client": True, "roles": ["owner"], "rule": "all"}],
    )
    client = Reviewer(actor="client:l_1", client=True, name="Acme")
    state = new_state(policy, member("u_ed"), AT, MEMBERS)
    with pytest.raises(Refused):
        eligibility(state, client)
    assert approve(state, member("u_adm"), AT) is False
    assert approve(state, client, AT) is False  # all: the owner too
    assert approve(state, member("u_own"), AT) is True
    assert [a.via for a in state.approvals] == ["admin", "client", "owner"]


def test_a_change_of_content_restarts_every_step_and_adds_the_editor_to_the_authors():
    policy = ApprovalPolicy(mode="steps", steps=[{"roles": ["editor"]}, {"roles": ["admin"]}])
    state = new_state(policy, member("u_ed"), AT, MEMBERS)
    approve(state, member("u_ed2"), AT)
    assert state.step == 1
    restart(state, member("u_adm"), AT)
    assert (state.step, state.approvals) == (0, [])
    assert state.authors == ["u_adm", "u_ed"]
    approve(state, member("u_ed2"), AT)
    with pytest.raises(Refused, match="someone else"):  # step 2's admin edited it
        eligibility(state, member("u_adm"))
