"""Posts as the API changes them: write DynamoDB first, then arm (or invoke) the schedule.

The caller passes the workspace's facts (its accounts, media and the networks' limits)
so this module never guesses at them. If arming fails after the write, the post stays
`scheduled` with an `armed_version` behind its `version`: the sweeper re-arms it. New
posts, edits and approvals are the exception: the schedule of the version about to be
written is armed first and the post written armed, one write instead of two
(`_arm_first`; a post due now is written armed and its publisher invoked after); a
schedule without its post is a no-op for the publisher, and an edit whose write is
refused takes its schedule back (`_unarm_edit`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chalicelib import scheduling, webhooks
from chalicelib.billing import entitlements
from chalicelib.domain.approvals import ApprovalPolicy, Reviewer
from chalicelib.domain.collaboration import TimelineKind, diff
from chalicelib.domain.ids import new_id
from chalicelib.domain.limits import NetworkLimits
from chalicelib.domain.posts import (
    EDITABLE,
    IN_REVIEW,
    AccountFacts,
    PostIn,
    PostPatch,
    PostStatus,
    Review,
    TargetIn,
    TargetStatus,
    When,
    review_post,
)
from chalicelib.domain.recurrence import next_occurrence
from chalicelib.domain.slots import Queue, next_common_slot
from chalicelib.domain.timezones import iso_utc, to_wall
from chalicelib.domain.utm import LinkTracking
from chalicelib.domain.validation import MediaFacts
from chalicelib.errors import Conflict, PlanLimit, ValidationFailed
from chalicelib.observability import logger
from chalicelib.posts import timeline, versions
from chalicelib.store import posts as store
from chalicelib.store.base import utcnow

# Closer than this, a schedule could be late to arm: the publisher is invoked at once,
# and waits for the due second itself (it never claims a post before its time).
NOW_WINDOW = timedelta(seconds=60)
QUEUE_LOOKAHEAD = timedelta(days=366)


@dataclass(frozen=True)
class Facts:
    """What the workspace knows that a post refers to."""

    accounts: Mapping[str, AccountFacts]
    media: Mapping[str, MediaFacts]
    limits: Mapping[str, NetworkLimits]
    default_timezone: str
    # (network, media id) -> the image as that network receives it (its rendition)
    media_as_sent: Mapping[tuple[str, str], MediaFacts] = field(default_factory=dict)
    # account id -> its network identity (external id), kept on each target it gets
    identities: Mapping[str, str] = field(default_factory=dict)
    # The workspace's approval policy (off unless the workspace set one)
    policy: ApprovalPolicy = field(default_factory=ApprovalPolicy)
    # UTM tags for the links of its posts (None: links as written)
    link_tracking: LinkTracking | None = None


def validate(body: PostIn, facts: Facts, now: datetime | None = None) -> Review:
    """Every problem of `body`, content included, without storing anything."""
    return _review(body, facts, now or utcnow(), check_content=True)


def create_post(
    workspace_id: str,
    actor: str | None,
    body: PostIn,
    facts: Facts,
    now: datetime | None = None,
    reviewer: Reviewer | None = None,
) -> store.PostItem:
    """Write a post; one going out that the workspace's policy requires approval for (by
    `reviewer`'s role) is submitted instead of armed: `pending_approval`."""
    from chalicelib.posts import approvals as approvals

    now = now or utcnow()
    review = _checked(body, facts, now)
    scheduled_at = _resolve_time(workspace_id, body.targets, review, facts, now)
    stamp = iso_utc(now)
    author = reviewer or Reviewer(actor=actor or "system")
    gated = review.kind != "draft" and approvals.required(facts.policy, author)
    if gated and review.kind == "now":
        scheduled_at = None  # published at once when approved
    item = store.PostItem(
        workspace_id,
        new_id("p"),
        version=1,
        status=PostStatus.DRAFT
        if review.kind == "draft"
        else PostStatus.PENDING_APPROVAL
        if gated
        else PostStatus.SCHEDULED,
        text=body.text,
        media_ids=list(body.media_ids),
        first_comment=body.first_comment,
        timezone=review.timezone,
        recurrence=review.recurrence,
        series_start=_series_start(body, review),
        scheduled_at=iso_utc(scheduled_at) if scheduled_at else None,
        targets=[_target(target, facts) for target in body.targets],
        link_tracking=_tracking(facts),
        created_by=actor,
        created_at=stamp,
        updated_at=stamp,
    )
    if gated:
        approvals.start(item, facts.policy, author, now, publish_now=review.kind == "now")
    # Armed before its one write, as a bulk import does: no second write says so.
    armed = _arm_first(item, now, int(item.version))
    try:
        entitlements.create_billed(item, facts.default_timezone, now)
    except Exception:
        if armed is not None and armed.name is not None:
            _disarm_quietly(item)
        raise
    _mark_media(item, before=[])
    _send(item, now, armed=armed)
    _audit(item, "post.created", actor, {"now": review.kind == "now"})
    if gated:
        approvals.announce_submitted(item, author, None)
    return item


def update_post(
    workspace_id: str,
    post_id: str,
    patch: PostPatch,
    facts: Facts,
    now: datetime | None = None,
    *,
    actor: str | None = None,
    restored_from: int | None = None,
    reviewer: Reviewer | None = None,
) -> store.PostItem:
    """Edit or reschedule a post that is not yet on its way (409 on a stale version).
    `restored_from`: the kept version this edit brings back (chalicelib.posts.versions).
    Under an approval policy a change of content sends the post back to review (a change
    of time too, when the policy says so): see `approvals.after_edit`; `reviewer` is who
    edits, with their role."""
    from chalicelib.posts import approvals as approvals

    now = now or utcnow()
    item = _editable(workspace_id, post_id, patch.version)
    status_before = PostStatus(item.status)
    content_before = _content(item)
    before = versions.content_of(item)
    replaced = versions.superseded(item)  # as read: the edit writes its row
    used_before = _media_in_use(item)
    changed = patch.model_fields_set
    retimed = bool({"when", "recurrence"} & changed)
    body = PostIn(
        text=patch.text if "text" in changed and patch.text is not None else item.text,
        media_ids=patch.media_ids if patch.media_ids is not None else list(item.media_ids),
        targets=patch.targets if patch.targets is not None else _targets_in(item),
        first_comment=patch.first_comment if "first_comment" in changed else item.first_comment,
        when=_new_when(item, patch) if retimed else None,
        recurrence=(patch.recurrence if "recurrence" in changed else item.recurrence)
        if retimed
        else None,
    )
    going_out = body.when is not None if retimed else item.status != PostStatus.DRAFT
    review = _checked(body, facts, now, check_content=going_out)
    if retimed:
        scheduled_at = _resolve_time(workspace_id, body.targets, review, facts, now)
        item.scheduled_at = iso_utc(scheduled_at) if scheduled_at else None
        item.timezone = review.timezone
        item.recurrence = review.recurrence
        item.series_start = _series_start(body, review)
        item.status = PostStatus.SCHEDULED if body.when else PostStatus.DRAFT
    item.text, item.media_ids, item.first_comment = body.text, body.media_ids, body.first_comment
    item.targets = _merge_targets(item, body.targets, facts)
    item.link_tracking = _tracking(facts)
    item.updated_at = iso_utc(now)
    editor = reviewer or Reviewer(actor=actor or "system")
    resubmitted = approvals.after_edit(
        item,
        facts.policy,
        editor,
        now,
        before=status_before,
        content_changed=_content(item) != content_before,
        retimed=retimed,
        publish_now=bool(retimed and body.when is not None and body.when.now),
    )
    versions.saved_as(item, actor, restored_from, item.updated_at)
    # Before the post's write: the content it replaces is kept even if the edit fails
    # after it (a row of a version never changes, so a refused edit wrote the same).
    versions.keep(replaced)
    timezone = facts.default_timezone
    armed = _armed_write(
        item, patch.version, now, lambda: _save_billed(item, patch.version, timezone, now)
    )
    reason = TimelineKind.RESTORED if restored_from else TimelineKind.EDITED
    changes = diff(before, versions.content_of(item))
    timeline.record(
        workspace_id,
        post_id,
        reason,
        actor,
        {"version": int(item.version), "restored_from": restored_from}
        | {"changes": [change.label for change in changes]},
    )
    _mark_media(item, before=used_before)
    _send(item, now, armed=armed, replacing=True)
    unscheduled = status_before != PostStatus.DRAFT and item.status == PostStatus.DRAFT
    _audit(
        item,
        "post.cancelled" if unscheduled else "post.edited",
        actor,
        {"back_to_draft": True}
        if unscheduled
        else {"changes": [change.label for change in changes], "retimed": retimed},
    )
    if resubmitted:
        approvals.announce_submitted(item, editor, None)
    return item


def delete_post(workspace_id: str, post_id: str, actor: str | None = None) -> store.PostItem | None:
    """Cancel what is not yet published: a post not yet on its way is deleted; a failed
    or partly published one keeps its record, its unpublished targets cancelled."""
    item = store.get_or_404(workspace_id, post_id)
    if item.status in EDITABLE:
        scheduling.disarm(post_id)
        try:
            store.delete(workspace_id, post_id, int(item.version))
        except store.StaleVersion:
            raise Conflict("The post changed while it was being cancelled; try again.") from None
        entitlements.unbill_post(item)
        _release_media(item)
        timeline.forget_post(workspace_id, post_id)
        _audit(item, "post.deleted", actor, {"was": str(item.status)})
        return None
    if item.status in (PostStatus.PUBLISHING, PostStatus.PUBLISHED):
        raise Conflict(f"The post is {item.status}: there is nothing left to cancel.")
    for target in item.targets:
        if target.status not in (TargetStatus.PUBLISHED, TargetStatus.PUBLISHING):
            target.status = TargetStatus.CANCELLED
    scheduling.disarm(post_id)
    _save(item, int(item.version))
    _release_media(item)
    _audit(item, "post.cancelled", actor, {})
    return item


def publish_now(
    workspace_id: str,
    post_id: str,
    facts: Facts,
    now: datetime | None = None,
    reviewer: Reviewer | None = None,
    actor: str | None = None,
) -> store.PostItem:
    """Send a draft or scheduled post at once (not one in review, nor a draft its author
    must have approved first)."""
    from chalicelib.posts import approvals as approvals

    now = now or utcnow()
    item = store.get_or_404(workspace_id, post_id)
    if item.status not in EDITABLE:
        raise Conflict(f"The post is {item.status}; only a post not yet sent can go now.")
    if item.status in IN_REVIEW:
        raise Conflict(
            f"The post is {item.status.replace('_', ' ')}: it goes out once it is approved."
        )
    if item.status == PostStatus.DRAFT and approvals.required(
        facts.policy, reviewer or Reviewer(actor="system")
    ):
        raise Conflict("This workspace requires approval: submit the post for approval first.")
    body = PostIn(
        text=item.text,
        media_ids=list(item.media_ids),
        targets=_targets_in(item),
        first_comment=item.first_comment,
        when=When(now=True),
    )
    _checked(body, facts, now)
    used_before = _media_in_use(item)
    status_before = PostStatus(item.status)
    item.status, item.scheduled_at, item.updated_at = (
        PostStatus.SCHEDULED,
        iso_utc(now),
        iso_utc(now),
    )
    editor = reviewer or Reviewer(actor=actor or "system")
    # "Now" is a new time: where the policy wants a new time approved, it waits for that
    # approval and goes at once when given.
    resubmitted = approvals.after_edit(
        item,
        facts.policy,
        editor,
        now,
        before=status_before,
        content_changed=False,
        retimed=True,
        publish_now=True,
    )
    read, timezone = int(item.version), facts.default_timezone
    armed = _armed_write(item, read, now, lambda: _save_billed(item, read, timezone, now))
    _mark_media(item, before=used_before)
    _send(item, now, armed=armed, replacing=True)
    if resubmitted:
        approvals.announce_submitted(item, editor, None)  # audited as submitted
        return item
    _audit(item, "post.published_now", actor or (reviewer.actor if reviewer else None), {})
    return item


def advance_series(
    workspace_id: str, post_id: str, published_at: datetime
) -> store.PostItem | None:
    """After an occurrence of a recurring post went out: move the series to its next
    occurrence and arm it (one schedule at a time). None when the series has ended."""
    item = store.get_or_404(workspace_id, post_id)
    if not item.recurrence or not item.series_start:
        return None
    start = datetime.fromisoformat(item.series_start)
    following = next_occurrence(item.recurrence, start, item.timezone, published_at)
    if following is None:
        return None
    timeline.keep_published(item)  # the targets say their publishes until cleared here
    item.scheduled_at, item.status = iso_utc(following), PostStatus.SCHEDULED
    for target in item.targets:
        held = target.status == TargetStatus.HELD  # its account is still paused by the plan
        target.status = TargetStatus.HELD if held else TargetStatus.PENDING
        target.attempts, target.error = 0, target.error if held else None
        target.external_id = target.url = target.published_at = None
    item.updated_at = iso_utc(utcnow())
    item.billed_month = None  # the next occurrence counts in its own month
    now, read, timezone = utcnow(), int(item.version), _workspace_timezone(workspace_id)
    try:
        armed = _armed_write(item, read, now, lambda: _save_billed(item, read, timezone, now))
    except PlanLimit:
        # The month is full: the series waits as a draft (nothing is lost; the owner can
        # schedule it again once the plan allows).
        item.status, item.scheduled_at, item.armed_version = PostStatus.DRAFT, None, None
        _save(item, read)
        _audit(item, "post.held_by_plan_limit", None, {"next": iso_utc(following)})
        return item
    _send(item, now, armed=armed, replacing=True)
    return item


# ------------------------------------------------------------------------------- helpers


def _audit(item: store.PostItem, action: str, actor: str | None, details: dict[str, Any]) -> None:
    """The workspace's activity log: what happened to the post, with what a reader needs to
    recognise it (its first words, networks, status and time) once it is gone."""
    from chalicelib.store.audit import record_event

    record_event(
        item.workspace_id,
        action,
        actor=actor or "system",
        target=item.post_id,
        details={
            "text": item.text[:80],
            "networks": sorted({t.network for t in item.targets}),
            "status": str(item.status),
            "scheduled_at": item.scheduled_at,
            "timezone": item.timezone,
        }
        | details,
    )


def _review(body: PostIn, facts: Facts, now: datetime, check_content: bool | None) -> Review:
    return review_post(
        body,
        accounts=facts.accounts,
        media=facts.media,
        limits=facts.limits,
        now=now,
        default_timezone=facts.default_timezone,
        check_content=check_content,
        media_as_sent=facts.media_as_sent,
        link_tracking=facts.link_tracking,
    )


def _tracking(facts: Facts) -> dict | None:
    """What a post keeps of the workspace's link tracking: it is published as checked."""
    tracking = facts.link_tracking
    kept = tracking is not None and (tracking.enabled or tracking.shorten)
    return tracking.model_dump() if tracking is not None and kept else None


def _checked(
    body: PostIn, facts: Facts, now: datetime, check_content: bool | None = None
) -> Review:
    review = _review(body, facts, now, check_content)
    if review.problems:
        count, first = len(review.problems), review.problems[0]
        plural = "s" if count > 1 else ""
        raise ValidationFailed(
            f"The post has {count} problem{plural}: {first.field}: {first.message}",
            [problem.as_detail() for problem in review.problems],
        )
    return review


def _resolve_time(
    workspace_id: str, targets: list[TargetIn], review: Review, facts: Facts, now: datetime
) -> datetime | None:
    if review.kind != "queue":
        return review.scheduled_at
    queues = []
    for target in targets:
        account = facts.accounts[target.account_id]
        taken = store.taken_times(workspace_id, account.account_id, now, now + QUEUE_LOOKAHEAD)
        queues.append(
            Queue(account.slots, account.timezone, tuple(datetime.fromisoformat(t) for t in taken))
        )
    slot = next_common_slot(queues, now)
    if slot is None:
        raise ValidationFailed(
            "No free queue slot is shared by all these accounts.",
            [
                {
                    "field": "when.queue",
                    "message": "these accounts share no free slot: "
                    "add slots to their queues or queue them one by one",
                }
            ],
        )
    return slot


def _new_when(item: store.PostItem, patch: PostPatch) -> When | None:
    """The patch's `when`; a new rule alone keeps the post's current time."""
    if "when" in patch.model_fields_set:
        when = patch.when
        if when is not None and when.at and when.timezone is None:
            # A new time without a zone is read in the zone the post already has.
            return when.model_copy(update={"timezone": item.timezone})
        return when
    if item.scheduled_at is None:
        return None
    wall = to_wall(datetime.fromisoformat(item.scheduled_at), item.timezone)
    return When(at=wall.isoformat(), timezone=item.timezone)


def _series_start(body: PostIn, review: Review) -> str | None:
    if not review.recurrence or review.scheduled_at is None:
        return None
    when = body.when
    assert when is not None and when.at is not None
    start = datetime.fromisoformat(when.at)
    wall = to_wall(start, review.timezone) if start.tzinfo else start
    return wall.replace(microsecond=0).isoformat()


def _target(target: TargetIn, facts: Facts) -> store.TargetAttribute:
    return store.TargetAttribute(
        target_id=new_id("t"),
        account_id=target.account_id,
        network=facts.accounts[target.account_id].network,
        account_external_id=facts.identities.get(target.account_id),
        text=target.text,
        options=target.options,
        status=TargetStatus.PENDING,
        attempts=0,
    )


def _targets_in(item: store.PostItem) -> list[TargetIn]:
    return [
        TargetIn(account_id=t.account_id, text=t.text, options=t.options or {})
        for t in item.targets
    ]


def _merge_targets(
    item: store.PostItem, targets: list[TargetIn], facts: Facts
) -> list[store.TargetAttribute]:
    """The new target list; an account that stays keeps its target id."""
    existing = {target.account_id: target for target in item.targets}
    merged = []
    for target in targets:
        kept = existing.get(target.account_id)
        if kept is None:
            merged.append(_target(target, facts))
        else:
            kept.text, kept.options = target.text, target.options
            # The identity it was scheduled for stays; a post from before it was kept
            # takes the account's current one.
            if kept.account_external_id is None:
                kept.account_external_id = facts.identities.get(target.account_id)
            merged.append(kept)
    return merged


def _content(item: store.PostItem) -> tuple[Any, ...]:
    """What an approver approved: the text, media, first comment and each target's
    account, variant and options."""
    return (
        item.text,
        list(item.media_ids),
        item.first_comment,
        [(t.account_id, t.text, dict(t.options or {})) for t in item.targets],
    )


def _media_in_use(item: store.PostItem) -> list[str]:
    """The media a post holds on to: a post waiting to go out keeps its files."""
    return list(item.media_ids) if item.status in store.WAITING else []


def _mark_media(item: store.PostItem, before: list[str]) -> None:
    from chalicelib.store import media as media_store

    media_store.set_post_usage(item.workspace_id, item.post_id, before, _media_in_use(item))


def _release_media(item: store.PostItem) -> None:
    from chalicelib.store import media as media_store

    media_store.set_post_usage(item.workspace_id, item.post_id, list(item.media_ids), [])


def _editable(workspace_id: str, post_id: str, version: int) -> store.PostItem:
    item = store.get_or_404(workspace_id, post_id)
    # The status first: a post the publisher claimed has a new version too, and "changed
    # since you read it" would send the user to reload and try again, in vain.
    if item.status == PostStatus.PUBLISHING:
        raise Conflict("The post is being published: it can no longer be edited.")
    if item.status not in EDITABLE:
        raise Conflict(f"The post is {item.status}: it can no longer be edited.")
    if item.version != version:
        raise Conflict(
            f"The post changed since you read it: version {item.version} is current, "
            f"not {version}. Reload it and edit again.",
            [{"field": "version", "message": f"version {item.version} is current"}],
        )
    return item


def _workspace_timezone(workspace_id: str) -> str:
    from chalicelib.store.workspaces import get_workspace

    workspace = get_workspace(workspace_id)
    return workspace.timezone if workspace else "UTC"


def _save_billed(item: store.PostItem, read_version: int, timezone: str, now: datetime) -> None:
    """`_save`, counting the post in the month it now goes out in (402 when full)."""
    unbill = entitlements.bill_post(item, timezone, now)
    try:
        _save(item, read_version)
    except Exception:
        unbill()
        raise


def _save(item: store.PostItem, read_version: int) -> None:
    try:
        store.save_version(item, read_version)
    except store.StaleVersion:
        current = store.get(item.workspace_id, item.post_id)
        if current is not None and current.status == PostStatus.PUBLISHING:  # claimed meanwhile
            raise Conflict("The post is being published: it can no longer be edited.") from None
        raise Conflict(
            "The post changed while you were editing it. Reload it and edit again.",
            [{"field": "version", "message": "stale version"}],
        ) from None


@dataclass(frozen=True)
class Armed:
    """What was armed before a post's write (`_arm_first`): the schedule `name`, or None
    for a post due within NOW_WINDOW, whose publisher is invoked after the write (an
    invocation lost is the sweeper's after its grace, as a schedule that never fired)."""

    name: str | None


def _arm_first(item: store.PostItem, now: datetime, version: int) -> Armed | None:
    """Arm the schedule of `version`, the one the coming write stores, before that write
    (a new post's, an edit's, a decision's: `_armed_write`), `item` made to say it is
    armed; None when nothing was armed (not waiting with a time, or the arming failed:
    armed after the write, or by the sweeper). Only a put: the post's other schedules
    stay until the write has landed. A schedule whose post is never written (the write
    failed and so did the disarm) fires into a missing post, which the publisher ignores;
    a post due within NOW_WINDOW is written armed and invoked after its write."""
    if item.scheduled_at is None or item.status not in (
        PostStatus.SCHEDULED,
        PostStatus.PENDING_APPROVAL,
    ):
        return None
    when = datetime.fromisoformat(item.scheduled_at)
    ws, post_id = item.workspace_id, item.post_id
    try:
        if item.status == PostStatus.PENDING_APPROVAL:
            armed = Armed(scheduling.arm_expiry(ws, post_id, version, when, new=True))
        elif when - now > NOW_WINDOW:
            armed = Armed(scheduling.arm_new(ws, post_id, version, when))
        else:
            armed = Armed(None)  # invoked once written
    except Exception:
        logger.exception(
            "arming a post before its write failed; it is written unarmed",
            extra={"workspace_id": ws, "post_id": post_id, "version": version},
        )
        return None
    item.armed_version = version
    return armed


def _armed_write(
    item: store.PostItem, read_version: int, now: datetime, write: Callable[[], None]
) -> Armed | None:
    """`write`, the post's conditional write of the version after `read_version`, with
    that version's schedule armed before it (`_arm_first`), as a new post's is: the one
    write stores the post armed, in the sweeper's index where it was, and no `mark_armed`
    follows (an edit's 11 write units become 5). A write that does not land takes its
    schedule back (`_unarm_edit`). What was armed, for `_send(..., replacing=True)`."""
    version = read_version + 1
    armed = _arm_first(item, now, version)
    try:
        write()
    except Exception:
        if armed is not None and armed.name is not None:
            _unarm_edit(item, armed.name, version, now)
        raise
    return armed


def _unarm_edit(item: store.PostItem, name: str, version: int, now: datetime) -> None:
    """The edit's write did not land after `version`'s schedule `name` was armed. Another
    write may have made that version meanwhile (an edit, a decision): its schedule has the
    same name, put back as the post now says; else the schedule goes (the post's own
    version keeps its schedule)."""
    try:
        current = store.get(item.workspace_id, item.post_id)
        kept = None
        if current is not None and int(current.version) == version:
            kept = _arm_first(current, now, version)
        if kept is None or kept.name != name:
            scheduling.drop(name)
    except Exception:  # left behind, it fires into a stale version: a logged no-op
        logger.exception(
            "taking back an edit's schedule failed",
            extra={"post_id": item.post_id, "schedule": name},
        )


def _disarm_quietly(item: store.PostItem) -> None:
    """The new post's write failed after its schedule was armed: take the schedule back
    (one left behind is a no-op for the publisher)."""
    item.armed_version = None
    try:
        scheduling.disarm(item.post_id)
    except Exception:
        logger.exception("disarming an unwritten post failed", extra={"post_id": item.post_id})


def _send(
    item: store.PostItem, now: datetime, *, armed: Armed | None = None, replacing: bool = False
) -> None:
    """Arm (or invoke) the schedule of what was just written; a draft has none. `armed`:
    what was armed before the write (`_arm_first`): only the invocation of a post due now
    is left to do. `replacing`: the write was of an existing post (an edit, a decision),
    whose older schedules go now."""
    payload: dict[str, Any] = {
        "workspace_id": item.workspace_id,
        "post_id": item.post_id,
        "version": item.version,
    }
    if armed is not None and replacing:
        try:
            if armed.name is None:
                scheduling.disarm(item.post_id)
            else:
                scheduling.keep_only(item.post_id, armed.name)
        except Exception:  # an older version's schedule left fires into a stale version
            logger.exception("removing a post's older schedules failed", extra=payload)
    try:
        if armed is not None:
            if item.status == PostStatus.SCHEDULED:
                webhooks.post_scheduled(item)
            if armed.name is None:
                scheduling.invoke_now(payload)
            return
        if item.status == PostStatus.PENDING_APPROVAL and item.scheduled_at is not None:
            # Never armed to publish: armed to expire at its time if still pending then.
            when = datetime.fromisoformat(item.scheduled_at)
            scheduling.arm_expiry(item.workspace_id, item.post_id, int(item.version), when)
            if store.mark_armed(item.workspace_id, item.post_id, int(item.version)):
                item.armed_version = item.version
            return
        if item.status != PostStatus.SCHEDULED or item.scheduled_at is None:
            scheduling.disarm(item.post_id)
            return
        webhooks.post_scheduled(item)
        when = datetime.fromisoformat(item.scheduled_at)
        if when - now <= NOW_WINDOW:
            scheduling.disarm(item.post_id)
            scheduling.invoke_now(payload)
        else:
            scheduling.arm(item.workspace_id, item.post_id, int(item.version), when)
        if store.mark_armed(item.workspace_id, item.post_id, int(item.version)):
            item.armed_version = item.version
    except Exception:  # the post is stored; the sweeper arms what is left unarmed
        logger.exception("arming the post failed; the sweeper will retry", extra=payload)
