"""Approvals (issue 21): the workspace's policy and every decision on a post.

The one entry point for a decision, whoever makes it (a member through the API, an API
key, a client holding a review link):

    decide(workspace_id, post_id, Decision.APPROVE, reviewer, comment, version)

It checks the post's state (409), the reviewer's right to decide its current step (403:
not an approver, or its own author), writes the post conditionally on the version read
(409 when an edit or another decision landed first), arms or disarms its schedule, and
then tells everyone from here: the audit log, the post's timeline, webhooks, and the
people concerned (the next step's approvers, or the authors) in the app and by e-mail.

A post waiting for approval is never armed to publish. At its time it expires instead
(`expire`, from its expiry schedule or the sweeper); approving it then needs a new time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib import webhooks
from chalicelib.domain.approvals import (
    STAND_INS,
    ApprovalPolicy,
    ApprovalState,
    Decision,
    LastDecision,
    Refused,
    Reviewer,
    advance,
    approve,
    approver_ids,
    eligibility,
    needs_approval,
    new_state,
    restart,
    staff,
    waiting_on,
)
from chalicelib.domain.collaboration import TimelineKind
from chalicelib.domain.posts import IN_REVIEW, PostIn, PostStatus, When
from chalicelib.domain.roles import Role
from chalicelib.domain.timezones import iso_utc
from chalicelib.errors import Conflict, Forbidden, NotFound, invalid
from chalicelib.observability import logger
from chalicelib.posts import timeline
from chalicelib.store.base import utcnow

if TYPE_CHECKING:
    from chalicelib.store.members import MemberRecord
    from chalicelib.store.posts import PostItem

POST_ID_SHAPE = r"p_[0-9a-f]{24}"  # new_id("p") and imported posts' ids alike
# Where each decision may be made from.
SUBMITTABLE = frozenset(
    {PostStatus.DRAFT, PostStatus.CHANGES_REQUESTED, PostStatus.REJECTED, PostStatus.EXPIRED}
)
DECIDABLE = frozenset({PostStatus.PENDING_APPROVAL, PostStatus.EXPIRED})

_OUTCOME = {
    Decision.REJECT: PostStatus.REJECTED,
    Decision.REQUEST_CHANGES: PostStatus.CHANGES_REQUESTED,
}
_WORDS = {
    Decision.SUBMIT: "submitted",
    Decision.APPROVE: "approved",
    Decision.REJECT: "rejected",
    Decision.REQUEST_CHANGES: "changes_requested",
    Decision.EXPIRE: "expired",
}


# ---------------------------------------------------------------------------------- policy


def get_policy(workspace_id: str) -> tuple[ApprovalPolicy, dict[str, Any]]:
    """The workspace's policy, and what is stored beside it (updated_by, updated_at)."""
    from chalicelib.posts.facts import policy_of
    from chalicelib.store.workspaces import get_workspace

    workspace = get_workspace(workspace_id)
    if workspace is None:
        raise NotFound("Workspace not found.")
    stored = dict(workspace.approval_policy or {})
    meta = {k: stored.get(k) for k in ("updated_by", "updated_at")}
    return policy_of(stored), meta


def set_policy(
    workspace_id: str, policy: ApprovalPolicy, actor: str, now: datetime | None = None
) -> dict[str, Any]:
    """Replace the workspace's policy (owners and admins), audited with before and after.
    Posts already in review keep the steps they were submitted with."""
    from chalicelib.store.audit import record_event
    from chalicelib.store.members import list_members
    from chalicelib.store.workspaces import set_approval_policy

    before, _ = get_policy(workspace_id)
    members = {m.user_id for m in list_members(workspace_id)}
    for index, step in enumerate(policy.steps):
        for position, user_id in enumerate(step.user_ids):
            if user_id not in members:
                raise invalid(
                    f"steps[{index}].user_ids[{position}]", "not a member of this workspace"
                )
    stamp = iso_utc(now or utcnow())
    meta = {"updated_by": actor, "updated_at": stamp}
    set_approval_policy(workspace_id, policy.model_dump(mode="json") | meta)
    record_event(
        workspace_id,
        "approvals.policy_changed",
        actor=actor,
        target=workspace_id,
        details={
            "before": before.model_dump(mode="json"),
            "after": policy.model_dump(mode="json"),
        },
    )
    return meta


def required(policy: ApprovalPolicy, author: Reviewer) -> bool:
    """Whether `author`'s post must be approved before it is armed."""
    return needs_approval(policy, author.role)


# ------------------------------------------------------------------ from the posts service


def state_of(item: PostItem) -> ApprovalState | None:
    return ApprovalState.model_validate(item.approval) if item.approval else None


def _keep(item: PostItem, state: ApprovalState) -> None:
    item.approval = stored(state)


def stored(state: ApprovalState) -> dict[str, Any]:
    """The state as the post keeps it: without the fields at their defaults (read back
    by `state_of` as they were). Every write of the post, its index copies included, is
    billed by the item's size in 1 KB units: a post in review keeps under one."""
    return state.model_dump(mode="json", exclude_defaults=True)


def start(
    item: PostItem,
    policy: ApprovalPolicy,
    author: Reviewer,
    now: datetime,
    publish_now: bool = False,
) -> ApprovalState:
    """Submit `item` (not yet written) under `policy`: from the first step."""
    state = new_state(policy, author, iso_utc(now), _roles(item.workspace_id), state_of(item))
    state.publish_now = publish_now or state.publish_now
    item.status = PostStatus.PENDING_APPROVAL
    _keep(item, state)
    return state


def initial_state(
    workspace_id: str, policy: ApprovalPolicy, author: Reviewer, now: datetime
) -> dict[str, Any]:
    """The state a post submitted now by `author` starts with (many posts of a bulk
    import share it: one read of the members)."""
    state = new_state(policy, author, iso_utc(now), _roles(workspace_id))
    return stored(state)


def announce_import(
    workspace_id: str, import_id: str, count: int, author: Reviewer, state: dict[str, Any]
) -> None:
    """A bulk import's posts submitted together: one audit event and one notification
    to the first step's approvers (not one per post)."""
    from chalicelib.store.audit import record_event

    try:
        record_event(
            workspace_id,
            "import.submitted_for_approval",
            actor=author.actor,
            target=import_id,
            details={"posts": count},
        )
        submitted = ApprovalState.model_validate(state)
        step = waiting_on(submitted)
        if step is None:
            return
        exclude = set() if submitted.allow_self_approval else set(submitted.authors)
        approvers = approver_ids(step, _roles(workspace_id), exclude)
        plural = "s" if count != 1 else ""
        notify_people(
            workspace_id,
            approvers,
            "approval_requested",
            f"{count} imported post{plural} wait for your approval",
            f"A bulk import submitted {count} post{plural} for approval: see the Approvals inbox.",
            "/approvals",
            import_id,
        )
    except Exception:
        logger.exception("telling of an import's approvals failed", extra={"import": import_id})


def after_edit(
    item: PostItem,
    policy: ApprovalPolicy,
    editor: Reviewer,
    now: datetime,
    *,
    before: PostStatus,
    content_changed: bool,
    retimed: bool,
    publish_now: bool,
) -> bool:
    """Settle an edited post's status under the policy (before it is written); True when
    the edit (re)submitted it, so its approvers are told.

    - In review (pending or expired): a change of content restarts every step; a new
      time keeps the approvals (an expired post given a time is pending again).
    - Sent back (changes requested, rejected): it stays there until submitted again.
    - Going out (scheduled or approved): a change of content sends it back to review when
      it was approved or its editor needs approval; a change of time only when the policy
      says so (`reapprove_on_reschedule`). A draft given a time is submitted when its
      editor needs approval. With approvals off, nothing changes; a post sent back (or
      expired) before they were turned off is scheduled by giving it a time.
    """
    state = state_of(item)
    stamp = iso_utc(now)
    sent_back = (PostStatus.CHANGES_REQUESTED, PostStatus.REJECTED, PostStatus.EXPIRED)
    if not policy.active and before in sent_back:
        # Approvals were turned off since: a new time schedules it as any post.
        if not retimed:
            item.status = before
        return False
    if before in (PostStatus.CHANGES_REQUESTED, PostStatus.REJECTED):
        item.status = before
        if content_changed and state is not None:
            state.authors = sorted({*state.authors, *editor.identities})
            _keep(item, state)
        return False
    if item.status == PostStatus.DRAFT and (retimed or before == PostStatus.DRAFT):
        return False  # no time: nothing goes out, nothing to approve yet
    if before in (PostStatus.PENDING_APPROVAL, PostStatus.EXPIRED) and state is not None:
        if content_changed:
            restart(state, editor, stamp)
        if publish_now:
            item.scheduled_at, state.publish_now = None, True
        item.status = (
            PostStatus.EXPIRED
            if before == PostStatus.EXPIRED and not retimed
            else PostStatus.PENDING_APPROVAL
        )
        _keep(item, state)
        return content_changed
    if not policy.active:
        return False
    needs = required(policy, editor)
    approved = state is not None and state.approved_at is not None
    if before == PostStatus.DRAFT:
        resubmit = needs
    else:
        resubmit = (content_changed and (needs or approved)) or (
            retimed and policy.reapprove_on_reschedule and (needs or approved)
        )
    if not resubmit:
        return False
    start(item, policy, editor, now, publish_now=publish_now)
    if publish_now:
        item.scheduled_at = None
    return True


def announce_submitted(item: PostItem, reviewer: Reviewer, comment: str | None) -> None:
    """A post written as pending approval (created, edited or submitted)."""
    _announce(item, Decision.SUBMIT, reviewer, comment, final=False)


# --------------------------------------------------------------------------------- decide


def decide(
    workspace_id: str,
    post_id: str,
    decision: Decision | str,
    reviewer: Reviewer,
    comment: str | None = None,
    version: int | None = None,
    when: When | None = None,
    now: datetime | None = None,
) -> PostItem:
    """Submit, approve, reject or request changes on a post. 404 when it is not in the
    workspace; 409 when its state does not allow the decision or `version` is not the
    current one (or it changed while deciding); 403 when `reviewer` may not decide its
    current step; 422 when approving a post whose time has passed without a new `when`.
    """
    from chalicelib.posts import service
    from chalicelib.store import posts as post_store

    decision = Decision(decision)
    if decision is Decision.EXPIRE:
        raise ValueError("expiry is not a reviewer's decision")
    now = now or utcnow()
    item = post_store.get_or_404(workspace_id, post_id)
    read_version = int(item.version)
    if version is not None and version != read_version:
        raise Conflict(
            f"The post changed since you read it: version {read_version} is current, "
            f"not {version}. Reload it and decide again.",
            [{"field": "version", "message": f"version {read_version} is current"}],
        )
    status = PostStatus(item.status)
    used_before = service._media_in_use(item)
    if decision is Decision.SUBMIT:
        final = _submit(item, status, reviewer, when, now)
    else:
        final = _review(item, status, decision, reviewer, comment, when, now)
    item.updated_at = iso_utc(now)
    armed = service._armed_write(item, read_version, now, lambda: service._save(item, read_version))
    service._mark_media(item, before=used_before)
    service._send(item, now, armed=armed, replacing=True)
    _announce(item, decision, reviewer, comment, final=final)
    return item


def _submit(
    item: PostItem, status: PostStatus, reviewer: Reviewer, when: When | None, now: datetime
) -> bool:
    from chalicelib.posts import service
    from chalicelib.posts.facts import load_facts

    if status not in SUBMITTABLE:
        raise Conflict(_not_now(status, Decision.SUBMIT))
    if reviewer.client:
        raise Forbidden("A client review link cannot submit a post.")
    facts = load_facts(item.workspace_id, item.media_ids)
    if not facts.policy.active:
        raise Conflict("Approvals are off in this workspace: schedule the post instead.")
    # What goes for review is checked as if it were going out.
    body = _as_body(item, when if when is not None else _current_when(item))
    review = service._checked(body, facts, now, check_content=True)
    if body.when is not None:
        _retime(item, body, review, facts, now)
    start(item, facts.policy, reviewer, now, publish_now=review.kind == "now")
    if review.kind == "now":
        item.scheduled_at = None
    return False


def _review(
    item: PostItem,
    status: PostStatus,
    decision: Decision,
    reviewer: Reviewer,
    comment: str | None,
    when: When | None,
    now: datetime,
) -> bool:
    if status not in DECIDABLE:
        raise Conflict(_not_now(status, decision))
    state = state_of(item)
    if state is None:
        raise Conflict("This post was never submitted for approval.")
    stamp = iso_utc(now)
    members = _roles(item.workspace_id)
    staff(state, members)
    try:
        eligibility(state, reviewer)
    except Refused as refused:
        raise Forbidden(str(refused)) from None
    step = state.step
    final = False
    if decision is Decision.APPROVE:
        passed = status == PostStatus.EXPIRED or (
            item.scheduled_at is not None and datetime.fromisoformat(item.scheduled_at) <= now
        )
        if when is not None:
            _new_time(item, when, now)
        elif passed:
            raise invalid("when", "the post's time has passed: approve it with a new time")
        final = approve(state, reviewer, stamp, members)
        _settle(item, state, final, stamp)
    else:
        item.status = _OUTCOME[decision]
    state.last = LastDecision(
        decision=decision, actor=reviewer.actor, at=stamp, comment=comment, step=step + 1
    )
    _keep(item, state)
    return final


def _settle(item: PostItem, state: ApprovalState, final: bool, stamp: str) -> None:
    """The status a post takes once a step of it is approved."""
    if final and state.publish_now and item.scheduled_at is None:
        item.scheduled_at = stamp
    if not final:
        item.status = PostStatus.PENDING_APPROVAL
    elif item.scheduled_at is None:
        item.status = PostStatus.APPROVED  # approved, to be given a time
    else:
        item.status = PostStatus.SCHEDULED


def _new_time(item: PostItem, when: When, now: datetime) -> None:
    from chalicelib.posts import service
    from chalicelib.posts.facts import load_facts

    facts = load_facts(item.workspace_id, item.media_ids)
    body = _as_body(item, when)
    review = service._checked(body, facts, now, check_content=False)
    _retime(item, body, review, facts, now)
    state = state_of(item)
    if state is not None and review.kind == "now":
        item.scheduled_at, state.publish_now = None, True
        _keep(item, state)


def _retime(item: PostItem, body: PostIn, review: Any, facts: Any, now: datetime) -> None:
    from chalicelib.posts import service

    scheduled_at = service._resolve_time(item.workspace_id, body.targets, review, facts, now)
    item.scheduled_at = iso_utc(scheduled_at) if scheduled_at else None
    item.timezone = review.timezone
    item.recurrence = review.recurrence
    item.series_start = service._series_start(body, review)


def _as_body(item: PostItem, when: When | None) -> PostIn:
    from chalicelib.posts import service

    return PostIn(
        text=item.text,
        media_ids=list(item.media_ids),
        targets=service._targets_in(item),
        first_comment=item.first_comment,
        when=when,
        recurrence=item.recurrence if when is not None and when.at else None,
    )


def _current_when(item: PostItem) -> When | None:
    from chalicelib.domain.timezones import to_wall

    if item.scheduled_at is None:
        return None
    wall = to_wall(datetime.fromisoformat(item.scheduled_at), item.timezone)
    return When(at=wall.replace(tzinfo=None).isoformat(), timezone=item.timezone)


def _not_now(status: PostStatus, decision: Decision) -> str:
    words = {
        Decision.SUBMIT: "submitted",
        Decision.APPROVE: "approved",
        Decision.REJECT: "rejected",
        Decision.REQUEST_CHANGES: "sent back for changes",
    }[decision]
    state = status.value.replace("_", " ")
    if decision is Decision.SUBMIT and status == PostStatus.PENDING_APPROVAL:
        return "The post is already pending approval."
    return f"The post is {state}: it cannot be {words} now."


# --------------------------------------------------------------------------------- expiry


def expire(workspace_id: str, post_id: str, version: int, now: datetime | None = None) -> str:
    """A post still pending at its time is not published: it becomes `expired`, and its
    authors and approvers are told. Returns what happened (for the log)."""
    from chalicelib.posts import service
    from chalicelib.store import posts as post_store

    now = now or utcnow()
    item = post_store.get_or_404(workspace_id, post_id)
    if int(item.version) != version:
        return f"stale version (the post is at {item.version})"
    if item.status != PostStatus.PENDING_APPROVAL:
        return f"the post is {item.status}"
    if item.scheduled_at is None or datetime.fromisoformat(item.scheduled_at) > now:
        return "not due yet"
    state = state_of(item)
    item.status = PostStatus.EXPIRED
    if state is not None:
        state.last = LastDecision(decision=Decision.EXPIRE, actor="system", at=iso_utc(now))
        _keep(item, state)
    item.updated_at = iso_utc(now)
    try:
        service._save(item, version)
    except Conflict:
        return "changed meanwhile"
    service._send(item, now)  # disarms whatever is left
    _announce(item, Decision.EXPIRE, Reviewer(actor="system"), None, final=False)
    return "expired"


# ------------------------------------------------------------------- members come and go


def members_changed(workspace_id: str, user_id: str, now: datetime | None = None) -> None:
    """`user_id` left the workspace, was removed, or changed role: every post in review
    is brought up to date (domain `staff`), and a pending post whose current step waited
    only for them is passed as an approval would pass it (audited, on its timeline, its
    next approvers or authors told). Never fails the membership change: a post that
    cannot be settled now is settled at its next decision."""
    from chalicelib.posts import service
    from chalicelib.store import posts as store

    now = now or utcnow()
    stamp = iso_utc(now)
    statuses = [str(PostStatus.PENDING_APPROVAL), str(PostStatus.EXPIRED)]
    cursor: str | None = None
    try:
        members = _roles(workspace_id)
        while True:
            page = store.list_in_review(workspace_id, statuses, limit=100, cursor=cursor)
            for item in page.items:
                try:
                    _settle_after_leaving(item, members, now, stamp, service)
                except Exception:
                    logger.exception(
                        "settling a post after a membership change failed",
                        extra={"post_id": item.post_id, "member": user_id},
                    )
            cursor = page.next_cursor
            if cursor is None:
                return
    except Exception:
        logger.exception("settling posts after a membership change failed")


def _settle_after_leaving(
    item: PostItem, members: dict[str, Role], now: datetime, stamp: str, service: Any
) -> None:
    state = state_of(item)
    if state is None:
        return
    read_version = int(item.version)
    before = state.model_dump(mode="json")
    step = state.step
    passed = item.scheduled_at is not None and datetime.fromisoformat(item.scheduled_at) <= now
    final: bool | None = None
    if item.status == PostStatus.PENDING_APPROVAL:
        trial = state.model_copy(deep=True)
        final = advance(trial, stamp, members)
        if final and passed:
            final = None  # its time has passed: approving it needs a new time (it expires)
        else:
            state = trial
    if final is None:
        staff(state, members)
        if state.model_dump(mode="json") == before:
            return
        _keep(item, state)
        item.updated_at = stamp
        service._save(item, read_version)
        return
    system = Reviewer(actor="system", name="Schedulo")
    note = "No longer waiting for a member who left or changed role."
    state.last = LastDecision(
        decision=Decision.APPROVE, actor=system.actor, at=stamp, comment=note, step=step + 1
    )
    _settle(item, state, final, stamp)
    _keep(item, state)
    item.updated_at = stamp
    armed = service._armed_write(item, read_version, now, lambda: service._save(item, read_version))
    service._send(item, now, armed=armed, replacing=True)
    _announce(item, Decision.APPROVE, system, note, final=final)


# ------------------------------------------------------------------------------ the inbox


@dataclass(frozen=True)
class Inbox:
    items: list[PostItem]
    next_cursor: str | None


def inbox(workspace_id: str, reviewer: Reviewer, box: str, limit: int, cursor: str | None) -> Inbox:
    """`waiting`: posts whose current step `reviewer` may approve; `submitted`: posts in
    review `reviewer` wrote; `all`: every post in review."""
    from chalicelib.store import posts as store
    from chalicelib.store.paging import decode_id_cursor

    cursor = decode_id_cursor(cursor, POST_ID_SHAPE)  # the last post id of a page
    statuses = (
        [PostStatus.PENDING_APPROVAL, PostStatus.EXPIRED]
        if box == "waiting"
        else [s.value for s in IN_REVIEW]
    )
    found: list[PostItem] = []
    page_cursor = cursor
    while True:
        page = store.list_in_review(
            workspace_id,
            [str(s) for s in statuses],
            limit=limit - len(found),  # never more than a page: the cursor skips nothing
            cursor=page_cursor,
        )
        for item in page.items:
            if _in_box(item, reviewer, box):
                found.append(item)
        page_cursor = page.next_cursor
        if len(found) >= limit or page_cursor is None:
            break
    return Inbox(found[:limit], page_cursor if len(found) >= limit else None)


def _in_box(item: PostItem, reviewer: Reviewer, box: str) -> bool:
    state = state_of(item)
    if state is None:
        return False
    if box == "submitted":
        return bool(reviewer.identities & set(state.authors)) or item.created_by in (
            reviewer.identities
        )
    if box == "waiting":
        try:
            eligibility(state, reviewer)
        except Refused:
            return False
    return True


# --------------------------------------------------------------------------- bulk decisions


@dataclass(frozen=True)
class BulkResult:
    post_id: str
    status: int
    item: PostItem | None = None
    code: str | None = None
    message: str | None = None


def decide_many(
    workspace_id: str,
    post_ids: list[str],
    decision: Decision,
    reviewer: Reviewer,
    comment: str | None = None,
) -> list[BulkResult]:
    """The same decision on many posts, each on its own: one refused post (403, 409...)
    does not stop the others."""
    from chalicelib.errors import ApiError

    results = []
    for post_id in post_ids:
        try:
            item = decide(workspace_id, post_id, decision, reviewer, comment)
        except ApiError as error:
            results.append(BulkResult(post_id, error.status, None, error.code, error.message))
            continue
        results.append(BulkResult(post_id, 200, item))
    return results


# ------------------------------------------------------------------------ telling people


def _roles(workspace_id: str) -> dict[str, Role]:
    from chalicelib.store.members import list_members

    return {m.user_id: Role(m.role) for m in list_members(workspace_id)}


def _announce(
    item: PostItem, decision: Decision, reviewer: Reviewer, comment: str | None, final: bool
) -> None:
    """The audit log, the timeline, webhooks and the people concerned: after the write,
    never failing the decision (it happened)."""
    try:
        _tell(item, decision, reviewer, comment, final)
    except Exception:
        logger.exception(
            "telling of an approval decision failed",
            extra={"post_id": item.post_id, "decision": decision.value},
        )


def _tell(
    item: PostItem, decision: Decision, reviewer: Reviewer, comment: str | None, final: bool
) -> None:
    from chalicelib.store.audit import record_event
    from chalicelib.store.members import list_members

    ws, post_id = item.workspace_id, item.post_id
    state = state_of(item)
    step = state.step + 1 if state is not None else None  # the step it waits for now
    decided = state.last.step if state is not None and state.last is not None else None
    word = _WORDS[decision]
    details: dict[str, Any] = {
        "status": str(item.status),
        "version": int(item.version),
        "comment": comment,
        "step": decided if decision is not Decision.SUBMIT else step,
        "final": final,
    }
    if reviewer.client:
        details["client"] = reviewer.name or True
    action = "post.step_approved" if decision is Decision.APPROVE and not final else f"post.{word}"
    record_event(ws, action, actor=reviewer.actor, target=post_id, details=details)
    timeline.record(ws, post_id, TimelineKind(word), reviewer.actor, details)

    event = {
        Decision.SUBMIT: "post.approval_requested",
        Decision.APPROVE: "post.approved" if final else "post.approval_requested",
        Decision.REJECT: "post.rejected",
        Decision.REQUEST_CHANGES: "post.changes_requested",
        Decision.EXPIRE: "post.expired",
    }[decision]
    webhooks.emit(
        ws,
        event,
        {
            "post_id": post_id,
            "status": str(item.status),
            "by_user_id": reviewer.user_id or reviewer.actor,
            "note": comment,
            "step": step if state is not None and state.step < len(state.steps) else None,
            "scheduled_at": item.scheduled_at,
        },
    )

    members: dict[str, MemberRecord] = {m.user_id: m for m in list_members(ws)}
    roles = {user_id: Role(m.role) for user_id, m in members.items()}
    authors = [a for a in (state.authors if state else [item.created_by or ""]) if a in members]
    pending = item.status == PostStatus.PENDING_APPROVAL and state is not None
    approvers: list[str] = []
    current = waiting_on(state) if state is not None else None
    if current is not None and state is not None:
        exclude = set() if state.allow_self_approval else set(state.authors)
        approvers = approver_ids(current, roles, exclude)
        if state.step in state.unstaffed:  # nobody else may: owners and admins decide it
            approvers = sorted(
                {*approvers, *(u for u, r in roles.items() if r in STAND_INS and u not in exclude)}
            )
    who = reviewer.name or _name(members, reviewer)
    title = _excerpt(item.text)
    link = f"/posts/{post_id}"
    said = f' "{comment}"' if comment else ""
    if pending:
        assert state is not None
        did = f"approved step {decided} of" if decision is Decision.APPROVE else "submitted"
        # A step of rule all waits only for those who have not approved it yet.
        done = {a.user_id or a.actor for a in state.approvals if a.step == state.step}
        notify_people(
            ws,
            [user_id for user_id in approvers if user_id not in done],
            "approval_requested",
            "A post waits for your approval",
            f"{who} {did} {title}: step {step} of {len(state.steps)} waits for you.{said}",
            link,
            post_id,
            members,
        )
        return
    messages = {
        Decision.APPROVE: ("Your post was approved", f"{who} approved {title}.{said}"),
        Decision.REJECT: ("Your post was rejected", f"{who} rejected {title}.{said}"),
        Decision.REQUEST_CHANGES: (
            "Changes requested on your post",
            f"{who} asked for changes to {title}.{said}",
        ),
        Decision.EXPIRE: (
            "A post expired waiting for approval",
            f"{title} was still waiting for approval at its time, so it was not "
            "published. Approve it with a new time, or edit and submit it again.",
        ),
    }
    if decision not in messages:
        return
    heading, message = messages[decision]
    recipients = sorted({*authors, *(approvers if decision is Decision.EXPIRE else [])})
    notify_people(ws, recipients, f"post_{word}", heading, message, link, post_id, members)


def notify_people(
    workspace_id: str,
    user_ids: list[str],
    kind: str,
    title: str,
    message: str,
    link: str,
    subject_id: str,
    members: dict[str, MemberRecord] | None = None,
) -> None:
    """Each of these members: a notification only they see, and an e-mail to them
    (`members`: the workspace's, by user id, when read already)."""
    from chalicelib.notify import notify_members

    notify_members(workspace_id, user_ids, kind, title, message, link, subject_id, members)


def _name(members: dict[str, MemberRecord], reviewer: Reviewer) -> str:
    member = members.get(reviewer.user_id or "")
    if member is not None:
        return member.name or member.email
    return "An API key" if reviewer.actor.startswith("api_key:") else "Schedulo"


def _excerpt(text: str, limit: int = 60) -> str:
    flat = " ".join((text or "").split())
    short = flat if len(flat) <= limit else flat[: limit - 1] + "…"
    return f'"{short}"' if short else "a post"
