"""Approvals (issue 21): the workspace's policy and a post's way through it. Pure logic.

A policy is `off` (the default: nothing changes), `role` (posts by members below
`required_below` wait for one member at or above it) or `steps` (up to three steps, each
with its approvers by role or by name, and `any` one or `all` of them). When a post is
submitted, the steps are copied onto it (`ApprovalState`): a policy edited meanwhile does
not move the goalposts of a post already in review.

States of a post: `draft` -> `pending_approval` (submitted) -> `approved`/`scheduled`
(the last step approved), `changes_requested` (back to the author) or `rejected`; a post
still pending at its time becomes `expired`, and approving it then needs a new time.

Members come and go while a post waits (`staff`): a step of rule `all` stops waiting for
a member who has left or whose role no longer counts for it, and a step left with no
member who may approve it (its named members all gone, nobody holding its roles) and no
client review link may be decided by owners and admins instead, so a post never waits
on nobody. Should the leaver be the last one a step of rule `all` waited for, the step
is complete at once (`advance`).

>>> policy = ApprovalPolicy(mode="role", required_below="admin")
>>> needs_approval(policy, Role.EDITOR), needs_approval(policy, Role.ADMIN)
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import ConfigDict, Field, model_validator

from chalicelib.domain.model import Model
from chalicelib.domain.roles import Role

MAX_STEPS = 3
MAX_NAMED = 50
MAX_COMMENT = 5000


class ApprovalMode(StrEnum):
    OFF = "off"
    ROLE = "role"
    STEPS = "steps"


class StepRule(StrEnum):
    ANY = "any"  # one approver of the step is enough
    ALL = "all"  # every approver of the step: each named member and each member holding
    # one of its roles when the post was submitted (and the client, if it allows one)


class Decision(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_CHANGES = "request_changes"
    EXPIRE = "expire"  # not a reviewer's: the post was still pending at its time


class ApprovalStep(Model):
    """One step: who approves, and whether one or all of them must."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=80)
    roles: list[Role] = Field(
        default_factory=list, max_length=4, description="members with one of these roles"
    )
    user_ids: list[str] = Field(
        default_factory=list, max_length=MAX_NAMED, description="named members (user ids)"
    )
    rule: StepRule = StepRule.ANY
    allow_client: bool = Field(
        default=False, description="a client review link's decision counts as this step"
    )

    @model_validator(mode="after")
    def _someone(self) -> ApprovalStep:
        if not self.roles and not self.user_ids and not self.allow_client:
            raise ValueError("a step needs approvers: roles, user_ids or allow_client")
        if len(set(self.user_ids)) != len(self.user_ids):
            raise ValueError("user_ids lists a member twice")
        if len(set(self.roles)) != len(self.roles):
            raise ValueError("roles lists a role twice")
        return self


class ApprovalPolicy(Model):
    """The workspace's approval policy (owners and admins edit it).

    A step whose approvers are all gone (its named members left, nobody holds its roles
    any more) and which allows no client is decided by owners and admins instead: a post
    never waits on nobody, even under a policy not yet edited since someone left."""

    model_config = ConfigDict(extra="forbid")

    mode: ApprovalMode = ApprovalMode.OFF
    required_below: Role | None = Field(
        default=Role.ADMIN,
        description="posts by members below this role need approval (null: everyone's, "
        "in steps mode); in role mode, members at or above it approve",
    )
    steps: list[ApprovalStep] = Field(default_factory=list, max_length=MAX_STEPS)
    allow_self_approval: bool = Field(
        default=False, description="whether an author may approve their own post"
    )
    reapprove_on_reschedule: bool = Field(
        default=False,
        description="whether moving an approved post to another time needs approval again "
        "(a change of content always does)",
    )

    @model_validator(mode="after")
    def _consistent(self) -> ApprovalPolicy:
        if self.mode is ApprovalMode.STEPS and not self.steps:
            raise ValueError("steps mode needs 1 to 3 steps")
        if self.mode is ApprovalMode.ROLE:
            if self.required_below is None or self.required_below is Role.VIEWER:
                raise ValueError("role mode needs required_below: editor, admin or owner")
            if self.steps:
                raise ValueError("steps go with steps mode")
        if self.mode is ApprovalMode.OFF and self.steps:
            raise ValueError("steps go with steps mode")
        return self

    @property
    def active(self) -> bool:
        return self.mode is not ApprovalMode.OFF


def needs_approval(policy: ApprovalPolicy, role: Role | None) -> bool:
    """Whether a post written by a member with `role` must be approved before it is
    armed (an API key counts with its own role)."""
    if not policy.active:
        return False
    if policy.required_below is None:
        return True
    return role is None or role.rank < policy.required_below.rank


def steps_of(policy: ApprovalPolicy) -> list[ApprovalStep]:
    """The steps a submitted post goes through."""
    if policy.mode is ApprovalMode.STEPS:
        return [step.model_copy(deep=True) for step in policy.steps]
    if policy.mode is ApprovalMode.ROLE:
        floor = policy.required_below or Role.ADMIN
        roles = [role for role in Role if role.rank >= floor.rank]
        return [ApprovalStep(name="Approval", roles=roles, rule=StepRule.ANY)]
    return []


# ------------------------------------------------------------------------- a post's state


class Approval(Model):
    """One approver's approval of one step."""

    step: int
    actor: str = Field(description="user id, api_key:<id> or client:<link id>")
    user_id: str | None = Field(default=None, description="the person (an API key's owner)")
    via: str | None = Field(
        default=None,
        description="a role, 'named', 'client', or 'stand_in' (an owner or admin deciding "
        "a step nobody else may decide)",
    )
    at: str
    name: str | None = None


class LastDecision(Model):
    decision: Decision
    actor: str
    at: str
    comment: str | None = None
    step: int | None = None


class ApprovalState(Model):
    """What a post under review carries: the steps it was submitted with, where it is,
    and who approved what in this round."""

    steps: list[ApprovalStep]
    required: list[list[str]] = Field(
        default_factory=list,
        description="per step of rule all: the members who must each approve it",
    )
    step: int = Field(default=0, description="the current step, 0-based")
    unstaffed: list[int] = Field(
        default_factory=list,
        description="steps (0-based) with no member left who may approve them: owners "
        "and admins decide these",
    )
    approvals: list[Approval] = Field(default_factory=list)
    authors: list[str] = Field(
        default_factory=list, description="who wrote it: they may not approve it"
    )
    allow_self_approval: bool = False
    submitted_by: str | None = None
    submitted_at: str | None = None
    approved_at: str | None = Field(default=None, description="when the last step approved")
    publish_now: bool = Field(default=False, description="publish at once when approved")
    last: LastDecision | None = None
    round: int = Field(default=1, description="how many times it was submitted")


@dataclass(frozen=True)
class Reviewer:
    """Who decides: a member (a user or an API key, with its role) or a client reviewer
    holding a review link."""

    actor: str  # how the audit log names them
    role: Role | None = None
    user_id: str | None = None  # the person (for an API key: the person behind it)
    client: bool = False
    name: str | None = None

    @property
    def identities(self) -> set[str]:
        return {who for who in (self.actor, self.user_id) if who}


STAND_INS = frozenset({Role.OWNER, Role.ADMIN})  # who decides a step nobody else may


class Refused(Exception):
    """The reviewer may not decide this step (403)."""


def new_state(
    policy: ApprovalPolicy,
    author: Reviewer,
    at: str,
    members: dict[str, Role],
    previous: ApprovalState | None = None,
) -> ApprovalState:
    """A post (re)submitted: the current policy's steps, from the first. `members` is
    {user id: role}: who must approve each step of rule `all`."""
    authors = sorted({*(previous.authors if previous else ()), *author.identities})
    steps = steps_of(policy)
    exclude = set() if policy.allow_self_approval else set(authors)
    state = ApprovalState(
        steps=steps,
        required=[
            approver_ids(step, members, exclude) if step.rule is StepRule.ALL else []
            for step in steps
        ],
        authors=authors,
        allow_self_approval=policy.allow_self_approval,
        submitted_by=author.actor,
        submitted_at=at,
        publish_now=previous.publish_now if previous else False,
        last=LastDecision(decision=Decision.SUBMIT, actor=author.actor, at=at),
        round=(previous.round + 1) if previous else 1,
    )
    staff(state, members)
    return state


def eligibility(state: ApprovalState, reviewer: Reviewer) -> str:
    """How `reviewer` approves the current step ('named', a role, or 'client'); raises
    Refused saying why not."""
    if state.step >= len(state.steps):
        raise Refused("This post has no step left to decide.")
    step = state.steps[state.step]
    if not state.allow_self_approval and reviewer.identities & set(state.authors):
        raise Refused("You wrote this post: someone else must decide on it.")
    via = _via(step, reviewer)
    if via is None and state.step in state.unstaffed and not reviewer.client:
        via = "stand_in" if reviewer.role in STAND_INS else None
    if via is None:
        raise Refused(f"You are not an approver of step {state.step + 1} ({_step_name(state)}).")
    done = {a.actor for a in state.approvals if a.step == state.step}
    if reviewer.actor in done:
        raise Refused(f"You already approved step {state.step + 1}.")
    return via


def _via(step: ApprovalStep, reviewer: Reviewer) -> str | None:
    if reviewer.client:
        return "client" if step.allow_client else None
    if reviewer.user_id and reviewer.user_id in step.user_ids and not _is_key(reviewer):
        return "named"
    if reviewer.role is not None and reviewer.role in step.roles:
        return reviewer.role.value
    return None


def _is_key(reviewer: Reviewer) -> bool:
    return reviewer.actor.startswith("api_key:")


def _step_name(state: ApprovalState) -> str:
    return state.steps[state.step].name or f"step {state.step + 1}"


def approve(
    state: ApprovalState, reviewer: Reviewer, at: str, members: dict[str, Role] | None = None
) -> bool:
    """Record `reviewer`'s approval of the current step; True when it was the last step's
    final approval (the post is approved). `members`: {user id: role} now; a step of rule
    all no longer waits for someone who has left or whose role no longer counts."""
    if members is not None:
        staff(state, members)
    via = eligibility(state, reviewer)
    state.approvals.append(
        Approval(
            step=state.step,
            actor=reviewer.actor,
            user_id=reviewer.user_id,
            via=via,
            at=at,
            name=reviewer.name,
        )
    )
    if _step_complete(state, [a for a in state.approvals if a.step == state.step]):
        state.step += 1
    if state.step >= len(state.steps):
        state.approved_at = at
        return True
    return False


def staff(state: ApprovalState, members: dict[str, Role]) -> None:
    """Bring `state` up to date with the members now ({user id: role}): a step of rule
    all no longer waits for someone who has left or whose role no longer counts for it,
    and a step no member may approve any more (and no client either) is open to owners
    and admins."""
    state.required = [
        [
            who
            for who in ids
            if who in members and (who in step.user_ids or members[who] in step.roles)
        ]
        for step, ids in zip(state.steps, state.required, strict=False)
    ]
    state.unstaffed = [
        index
        for index, step in enumerate(state.steps)
        if not step.allow_client and not approver_ids(step, members, exclude=set())
    ]


def advance(state: ApprovalState, at: str, members: dict[str, Role]) -> bool | None:
    """After members changed: None when the current step still waits for someone;
    otherwise the step is complete now (its approvals already cover everyone it still
    needs), it is passed as an approval would pass it, and the answer is whether that was
    the last step (the post is approved)."""
    staff(state, members)
    if state.step >= len(state.steps):
        return None
    if not _step_complete(state, [a for a in state.approvals if a.step == state.step]):
        return None
    state.step += 1
    if state.step >= len(state.steps):
        state.approved_at = at
        return True
    return False


def _step_complete(state: ApprovalState, approvals: list[Approval]) -> bool:
    step = state.steps[state.step]
    if step.rule is StepRule.ANY or not approvals:
        return bool(approvals)
    required = set(state.required[state.step]) if state.step < len(state.required) else set()
    approved = {a.user_id or a.actor for a in approvals}
    client_done = not step.allow_client or any(a.via == "client" for a in approvals)
    return required <= approved and client_done


def restart(state: ApprovalState, editor: Reviewer, at: str) -> ApprovalState:
    """The content changed: every step again, the editor now one of the authors."""
    state.step, state.approvals, state.approved_at = 0, [], None
    state.authors = sorted({*state.authors, *editor.identities})
    state.last = LastDecision(decision=Decision.SUBMIT, actor=editor.actor, at=at)
    return state


def waiting_on(state: ApprovalState) -> ApprovalStep | None:
    """The step a pending post waits for."""
    return state.steps[state.step] if state.step < len(state.steps) else None


def approver_ids(step: ApprovalStep, members: dict[str, Role], exclude: set[str]) -> list[str]:
    """The members (user ids) who may approve `step`, given {user id: role}."""
    return sorted(
        user_id
        for user_id, role in members.items()
        if user_id not in exclude and (user_id in step.user_ids or role in step.roles)
    )
