"""Content plans: from a month's brief and a brand profile to a month of draft posts, then
approved and scheduled on their slots.

Generation runs off the request, as bulk imports do (chalicelib/imports/service.py): `start`
checks the brief, works out the month's slots from the posting rules (the target accounts
grouped by the rule that applies to each: an item goes to one group's accounts; what they
already have scheduled, and the drafts of the month's other plans, left clear),
spends the AI credits (402/429 here, before anything is written), stores the plan as
`generating` and invokes the `plan_worker` Lambda asynchronously (a thread in the local
stack and the tests). The worker (`generate`) asks the writer for the month's outline, then
writes the items side by side: per target account a caption for its network
(`writer.caption`, made to fit with `ai.fit`), one branded image (`images.store_item_images`)
and a DRAFT post through the posts service (`posts.service.create_post`: the composer's own
checks, the approval flow's draft). Progress is the share of items written.

Each item remembers its plan and the brief's month (the item record names the post). Editing
an item edits its post through the posts service; approving schedules the post on the item's
slot with `update_post` (the schedule armed, the plan limit counted, and the workspace's
approval policy applied: an editor's post waits for its approvers, the item says "approved").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from chalicelib import scheduling
from chalicelib.domain.approvals import Reviewer
from chalicelib.domain.ids import new_id
from chalicelib.domain.posting_rules import Rule, month_bounds, month_slots, rule_for
from chalicelib.domain.slots import HORIZON
from chalicelib.domain.timezones import iso_utc, to_utc, to_wall
from chalicelib.errors import ApiError, Conflict, NotFound, invalid
from chalicelib.observability import logger
from chalicelib.settings import get_settings
from chalicelib.store import content as store
from chalicelib.store.base import utcnow

if TYPE_CHECKING:
    from chalicelib.ai.writer import BrandProfile, Brief, Caption, ItemIdea, Writer
    from chalicelib.domain.posts import TargetIn
    from chalicelib.store.accounts import AccountItem
    from chalicelib.store.posts import PostItem

# The worker writes after each item: a plan quiet for longer than the worker may run (the
# Lambda's 15 minutes) was abandoned.
STALLED_AFTER = timedelta(minutes=16)
WORKERS = 2  # items written side by side (captions, image, draft): one per core
# A slot is at least this far ahead when the plan is made, so approving it soon after
# still finds it in the future.
LEAD = timedelta(minutes=15)
# AI credits (chalicelib/ai/guard.py: the monthly meter and the hourly generations): one
# for a plan's outline and one per item (its captions for every target network are one
# generation), one to write an item again, one to read a website into a profile.
OUTLINE_CREDITS = 1
ITEM_CREDITS = 1
PROFILE_CREDITS = 1
# The post's status -> the item's.
_ITEM_STATUS = {
    "draft": "draft",
    "changes_requested": "draft",
    "rejected": "draft",
    "expired": "draft",
    "pending_approval": "approved",
    "approved": "approved",
}
T = TypeVar("T")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_HASHTAG = re.compile(r"(?<![\w#])#(\w+)")


@dataclass(frozen=True)
class Target:
    account_id: str
    network: str


# ------------------------------------------------------------------------------ brand


def get_brand(workspace_id: str) -> BrandProfile | None:
    from chalicelib.ai.writer import BrandProfile

    record = store.get_document(workspace_id, store.BRAND)
    return BrandProfile.model_validate(record.data) if record else None


def put_brand(workspace_id: str, profile: BrandProfile, actor: str | None) -> BrandProfile:
    # The images are drawn in these colours: each must be one.
    for index, colour in enumerate(profile.colours):
        if not _COLOUR.fullmatch(colour):
            raise invalid(f"colours[{index}]", "a colour as #rrggbb, such as #8a4b2a")
    if not profile.business_name.strip():
        raise invalid("business_name", "the business's name, as its posts should say it")
    store.put_document(workspace_id, store.BRAND, profile.model_dump(mode="json"), actor)
    return profile


def extract_brand(workspace_id: str, url: str) -> BrandProfile:
    """A profile written from the website at `url` (not saved: PUT /brand saves it)."""
    from chalicelib.ai import brand, guard
    from chalicelib.ai.writer import writer_for_settings

    if not re.match(r"^https?://", url.strip(), re.IGNORECASE):
        raise invalid("url", "an http or https address such as https://example.com")
    facts = brand.site_facts(url.strip())  # 422 naming url when it cannot be read
    writer = writer_for_settings()
    written = guard.generate(workspace_id, writer, PROFILE_CREDITS, lambda: writer.profile(facts))
    profile = written.value
    if not profile.website:
        profile = profile.model_copy(update={"website": facts.url})
    return profile


# ------------------------------------------------------------------------------ rules


def get_rules(workspace_id: str) -> list[dict[str, Any]]:
    record = store.get_document(workspace_id, store.RULES)
    return list(record.data.get("rules", [])) if record else []


def put_rules(
    workspace_id: str, rules: list[dict[str, Any]], actor: str | None
) -> list[dict[str, Any]]:
    from chalicelib.store import accounts as account_store

    known = {a.account_id for a in account_store.list_accounts(workspace_id)}
    seen: set[str | None] = set()
    for index, rule in enumerate(rules):
        account_id = rule.get("account_id")
        if account_id is not None and account_id not in known:
            raise invalid(f"rules[{index}].account_id", "no such account in this workspace")
        if account_id in seen:
            which = "this account" if account_id else "the workspace (no account_id)"
            raise invalid(f"rules[{index}].account_id", f"{which} has a rule already")
        seen.add(account_id)
    store.put_document(workspace_id, store.RULES, {"rules": rules}, actor)
    return rules


def _rules(workspace_id: str) -> list[Rule]:
    return [
        Rule.of(
            per_week=int(rule.get("per_week", 3)),
            days=rule.get("days") or (),
            window=rule.get("window") or "morning",
            use_best_times=bool(rule.get("use_best_times")),
            account_id=rule.get("account_id"),
        )
        for rule in get_rules(workspace_id)
    ]


# ----------------------------------------------------------------------------- briefs


def get_brief(workspace_id: str, month: str) -> Brief | None:
    from chalicelib.ai.writer import Brief

    record = store.get_document(workspace_id, store.brief_key(_month(month)))
    return Brief.model_validate(record.data) if record else None


def put_brief(workspace_id: str, month: str, fields: dict[str, Any], actor: str | None) -> Brief:
    from chalicelib.ai.writer import Brief
    from chalicelib.store import accounts as account_store

    month = _month(month)
    if fields.get("month") not in (None, month):
        raise invalid("month", f"the path's month is {month}")
    brief = Brief.model_validate(fields | {"month": month})
    known = {a.account_id for a in account_store.list_accounts(workspace_id)}
    for index, account_id in enumerate(brief.account_ids):
        if account_id not in known:
            raise invalid(f"account_ids[{index}]", "no such account in this workspace")
    if len(set(brief.account_ids)) != len(brief.account_ids):
        raise invalid("account_ids", "an account is named twice")
    store.put_document(workspace_id, store.brief_key(month), brief.model_dump(mode="json"), actor)
    return brief


def _month(month: str, field: str = "month") -> str:
    try:
        month_bounds(month)
    except ValueError:
        raise invalid(field, "a month such as 2026-12 (YYYY-MM)") from None
    if not re.fullmatch(r"\d{4}-\d{2}", month):
        raise invalid(field, "a month such as 2026-12 (YYYY-MM)")
    return month


# ------------------------------------------------------------------------------ plans


def start(workspace_id: str, month: str, reviewer: Reviewer) -> store.PlanRecord:
    """Check, place and pay for a month's plan, then generate it in the background."""
    from chalicelib.ai import guard
    from chalicelib.ai.writer import BrandProfile
    from chalicelib.store.workspaces import get_workspace

    month = _month(month)
    first, last = month_bounds(month)
    today = utcnow().date()
    if last < today:
        raise invalid("month", f"{month} is over: plan this month or one ahead")
    if first > today + HORIZON:
        raise invalid("month", "at most a year ahead")
    brief = get_brief(workspace_id, month)
    if brief is None:
        raise invalid("month", f"no brief for {month} yet: PUT /briefs/{month} first")
    if not brief.account_ids:
        raise invalid("account_ids", f"the brief for {month} names no target account")
    accounts = _accounts(workspace_id, brief.account_ids)
    workspace = get_workspace(workspace_id)
    if workspace is None:
        raise NotFound("Workspace not found.")
    profile = get_brand(workspace_id) or BrandProfile(
        business_name=workspace.name, written_by="offline"
    )
    fallback = workspace.timezone or "UTC"
    slots = plan_slots(workspace_id, month, accounts, fallback, utcnow())
    if not slots:
        raise invalid(
            "month", f"{month} has no free slot left for these rules (past, or all taken)"
        )
    guard.spend(workspace_id, plan_credits(len(slots)))
    plan = store.PlanRecord(
        workspace_id,
        store.plan_key(""),
        plan_id=new_id("plan"),
        month=month,
        status="generating",
        progress=0,
        total=len(slots),
        done=0,
        brief=brief.model_dump(mode="json"),
        profile=profile.model_dump(mode="json"),
        slots=[slot.as_json() for slot in slots],
        timezone=accounts[0].timezone or fallback,
        requested_by=_who(reviewer),
    )
    try:
        store.create_plan(plan)
    except Exception:
        guard.refund(workspace_id, plan_credits(len(slots)))
        raise
    try:
        _dispatch(workspace_id, plan.plan_id)
    except Exception:
        # Not started: the plan says so, and the credits go back.
        store.update_plan(plan, status="failed", error="Generation could not be started.")
        guard.refund(workspace_id, plan_credits(len(slots)))
        raise
    return plan


def plan_credits(items: int) -> int:
    return OUTLINE_CREDITS + ITEM_CREDITS * items


@dataclass(frozen=True)
class PlannedSlot:
    """One item's time and the accounts it goes to (those sharing a posting rule)."""

    at: datetime
    account_ids: tuple[str, ...]
    timezone: str

    def as_json(self) -> dict[str, Any]:
        return {"at": iso_utc(self.at), "account_ids": list(self.account_ids), "tz": self.timezone}


def _planned(entry: Any, plan: store.PlanRecord) -> PlannedSlot:
    if isinstance(entry, str):  # plans made before slots named their accounts: all of them
        ids = tuple(plan.brief.get("account_ids") or ())
        return PlannedSlot(_instant(entry), ids, plan.timezone)
    return PlannedSlot(_instant(entry["at"]), tuple(entry["account_ids"]), entry["tz"])


def plan_slots(
    workspace_id: str,
    month: str,
    accounts: list[AccountItem],
    fallback_zone: str,
    now: datetime,
) -> list[PlannedSlot]:
    """The month's slots: the target accounts grouped by the rule that applies to each
    (its own, else the workspace's, else three mornings a week) and their time zone; each
    group's slots by its rule, clear of what its accounts have scheduled and of the drafts
    the month's other plans placed for them. Soonest first."""
    rules = _rules(workspace_id)
    groups: dict[tuple[Rule, str], list[AccountItem]] = {}
    for account in accounts:
        zone = account.timezone or fallback_zone
        groups.setdefault((rule_for(rules, account.account_id), zone), []).append(account)
    elsewhere = _planned_elsewhere(workspace_id, month, now)
    found: list[PlannedSlot] = []
    for (rule, zone), members in groups.items():
        ids = tuple(a.account_id for a in members)
        taken = _scheduled(workspace_id, month, ids, now)
        taken += [slot.at for slot in elsewhere if set(slot.account_ids) & set(ids)]
        lift = _best_times(workspace_id, members) if rule.use_best_times else None
        for at in month_slots(rule, zone, month, now + LEAD, taken, lift):
            found.append(PlannedSlot(at, ids, zone))
    return sorted(found, key=lambda slot: (slot.at, slot.account_ids))


def _scheduled(
    workspace_id: str, month: str, account_ids: tuple[str, ...], now: datetime
) -> list[datetime]:
    """When the accounts already post around the month."""
    from chalicelib.store import posts as post_store

    first, last = month_bounds(month)
    start = max(now, datetime.combine(first, datetime.min.time(), UTC) - timedelta(days=1))
    end = datetime.combine(last, datetime.min.time(), UTC) + timedelta(days=2)
    taken: list[datetime] = []
    if end > start:
        for account_id in account_ids:
            taken += [
                _instant(at) for at in post_store.taken_times(workspace_id, account_id, start, end)
            ]
    return taken


def _planned_elsewhere(workspace_id: str, month: str, now: datetime) -> list[PlannedSlot]:
    """The slots the month's other plans hold: being written, or drafts not yet approved
    (what is approved is scheduled, and found with the posts)."""
    held: list[PlannedSlot] = []
    for other in store.list_plans(workspace_id, month):
        if other.status == "failed" or _stalled(other, now):
            continue
        if other.status == "generating":
            held += [_planned(entry, other) for entry in other.slots]
            continue
        held += [
            PlannedSlot(_instant(item.slot), tuple(item.account_ids or ()), item.timezone)
            for item in store.list_items(workspace_id, other.plan_id)
            if item.status == "draft"
        ]
    return held


def _best_times(workspace_id: str, accounts: list[AccountItem]) -> list[list[float]] | None:
    """The accounts' mean lift by weekday x hour (analytics' best times; they share a time
    zone and every item, so the hour best for all of them, as analytics' next slots for
    several accounts), or None."""
    from chalicelib.analytics.service import best_times_of

    try:
        lifts = [best_times_of(workspace_id, account).lift for account in accounts]
    except Exception:  # best times are a refinement: the window's usual time will do
        ids = [account.account_id for account in accounts]
        logger.exception("best times unavailable for a plan", extra={"accounts": ids})
        return None
    lifts = [lift for lift in lifts if lift]
    if not lifts:
        return None
    return [
        [sum(lift[day][hour] for lift in lifts) / len(lifts) for hour in range(len(lifts[0][day]))]
        for day in range(len(lifts[0]))
    ]


def _accounts(workspace_id: str, account_ids: list[str]) -> list[AccountItem]:
    from chalicelib.store import accounts as account_store

    known = {a.account_id: a for a in account_store.list_accounts(workspace_id)}
    found = []
    for index, account_id in enumerate(account_ids):
        account = known.get(account_id)
        if account is None:
            raise invalid(f"account_ids[{index}]", "no such account in this workspace")
        found.append(account)
    return found


def _dispatch(workspace_id: str, plan_id: str) -> None:
    scheduling.invoke_async(
        get_settings().plan_worker_arn, {"workspace_id": workspace_id, "plan_id": plan_id}
    )


def run_job(event: dict[str, Any]) -> None:
    """The plan worker's entry point: `{workspace_id, plan_id}`."""
    generate(event["workspace_id"], event["plan_id"])


@dataclass(frozen=True)
class _Job:
    """What every item of a plan is written from (plain values: the item threads share it)."""

    workspace_id: str
    plan_id: str
    month: str
    brief: Brief
    profile: BrandProfile
    targets: dict[str, Target]  # account id -> its target
    reviewer: Reviewer
    writer: Writer


def generate(workspace_id: str, plan_id: str, writer: Writer | None = None) -> None:
    """Write the plan's items (the worker). A plan no longer generating is left alone."""
    import threading

    from chalicelib.ai.writer import BrandProfile, Brief, writer_for_settings

    plan = store.get_plan(workspace_id, plan_id)
    if plan is None or plan.status != "generating":
        return
    try:
        brief = Brief.model_validate(plan.brief)
        job = _Job(
            workspace_id,
            plan_id,
            plan.month,
            brief,
            BrandProfile.model_validate(plan.profile),
            {
                a.account_id: Target(a.account_id, a.network)
                for a in _accounts(workspace_id, brief.account_ids)
            },
            _reviewer(plan),
            writer or writer_for_settings(),
        )
        slots = [_planned(entry, plan) for entry in plan.slots]
        total = len(slots)
        outline = _call(job.writer, lambda: job.writer.outline(job.brief, job.profile, total))
        ideas = _enough(outline.value, total)
        store.update_plan(plan, writer=outline.writer)
        store.add_done(plan, outline.input_tokens, outline.output_tokens, items=0)
        # PynamoDB rewrites a model's attributes on each update: one thread at a time.
        lock = threading.Lock()

        def one(position: int) -> None:
            tokens = _write_item(job, position, ideas[position], slots[position])
            with lock:
                done = store.add_done(plan, *tokens)
                store.update_plan(plan, progress=min(99, (done * 100) // total))

        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            list(pool.map(one, range(total)))
        store.update_plan(plan, status="ready", progress=100)
    except Exception as error:
        logger.exception("plan generation failed", extra={"plan_id": plan_id})
        reason = error.message if isinstance(error, ApiError) else "an internal error (logged)"
        store.update_plan(plan, status="failed", error=f"Generation failed: {reason}"[:500])
        _refund_unwritten(plan, error)


def _refund_unwritten(plan: store.PlanRecord, error: Exception) -> None:
    """A provider that failed gives back the credits of what it did not write."""
    from chalicelib.ai import guard
    from chalicelib.ai.writer import WriterFailed, WriterUnavailable

    if not isinstance(error, (WriterFailed, WriterUnavailable)):
        return
    written = store.get_plan(plan.workspace_id, plan.plan_id)
    done = int(written.done) if written is not None else 0
    outline = 0 if written is not None and written.writer else OUTLINE_CREDITS
    guard.refund(plan.workspace_id, outline + ITEM_CREDITS * max(0, int(plan.total) - done))


def _call(writer: Writer, work: Callable[[], T]) -> T:
    """A call on the writer behind the provider's circuit breaker (not the offline writer's)."""
    from chalicelib.ai import guard

    if writer.name == "offline":
        return work()
    return guard.breaker.call(writer.name, work)


def _enough(ideas: list[ItemIdea], count: int) -> list[ItemIdea]:
    if not ideas:
        raise ValueError("the writer proposed no items")
    return [ideas[i % len(ideas)] for i in range(count)]


def _write_item(job: _Job, position: int, idea: ItemIdea, slot: PlannedSlot) -> tuple[int, int]:
    """One item: its captions, its image, its draft post. The tokens it took."""
    targets = [job.targets[account_id] for account_id in slot.account_ids]
    captions, tokens, written_by = _captions(job.writer, idea, job.brief, job.profile, targets)
    item = store.PlanItemRecord(
        job.workspace_id,
        "",
        plan_id=job.plan_id,
        item_id=new_id("pi"),
        month=job.month,
        position=position,
        kind=idea.kind,
        pillar=idea.pillar,
        title=idea.title,
        angle=idea.angle,
        image_template=idea.image_template,
        headline=idea.headline,
        slot=iso_utc(slot.at),
        timezone=slot.timezone,
        captions=captions,
        account_ids=list(slot.account_ids),
        writer=written_by,
        status="draft",
    )
    try:
        item.media_id = _image(job.workspace_id, job.reviewer, item, job.profile, targets)
        post = _create_draft(job.workspace_id, job.reviewer, item)
        item.post_id = post.post_id
        _mark_origin(item)
    except ApiError as error:
        item.problem = _words(error)
    store.put_item(item)
    return tokens


def _captions(
    writer: Writer,
    idea: ItemIdea,
    brief: Brief,
    profile: BrandProfile,
    targets: list[Target],
) -> tuple[list[dict[str, Any]], tuple[int, int], str]:
    """A caption per target account, fitted to its network's own count."""
    from chalicelib.ai.fit import fit_caption, max_chars

    captions: list[dict[str, Any]] = []
    tokens_in = tokens_out = 0
    written_by = writer.name
    by_network: dict[str, Caption] = {}
    for target in targets:
        caption = by_network.get(target.network)
        if caption is None:
            limit = max_chars(target.network)

            def ask(network: str = target.network, limit: int = limit) -> Caption:
                nonlocal tokens_in, tokens_out, written_by
                written = _call(
                    writer, lambda: writer.caption(idea, brief, profile, network, limit)
                )
                tokens_in += written.input_tokens
                tokens_out += written.output_tokens
                written_by = written.writer
                return written.value

            caption = fit_caption(target.network, ask(), ask)
            by_network[target.network] = caption
        captions.append(
            {
                "account_id": target.account_id,
                "network": target.network,
                "text": caption.full_text(),
                "hashtags": list(caption.hashtags),
                "first_comment": caption.first_comment or None,
            }
        )
    return captions, (tokens_in, tokens_out), written_by


def _image(
    workspace_id: str,
    reviewer: Reviewer,
    item: store.PlanItemRecord,
    profile: BrandProfile,
    targets: list[Target],
) -> str:
    from chalicelib.ai.images import store_item_images

    networks = list(dict.fromkeys(t.network for t in targets))
    return store_item_images(
        workspace_id,
        reviewer.user_id or reviewer.actor,
        item.image_template,
        item.headline,
        profile,
        networks,
    )


def _mark_origin(item: store.PlanItemRecord) -> None:
    from chalicelib.store import posts as post_store

    origin = {"plan_id": item.plan_id, "item_id": item.item_id, "month": item.month}
    post_store.set_origin(item.workspace_id, str(item.post_id), origin)


def _create_draft(workspace_id: str, reviewer: Reviewer, item: store.PlanItemRecord) -> PostItem:
    from chalicelib.domain.posts import PostIn
    from chalicelib.posts.facts import load_facts
    from chalicelib.posts.service import create_post

    media_ids = [item.media_id] if item.media_id else []
    body = PostIn(
        text=item.captions[0]["text"] if item.captions else "",
        media_ids=media_ids,
        targets=_targets_in(item),
    )
    facts = load_facts(workspace_id, media_ids)
    return create_post(workspace_id, reviewer.actor, body, facts, reviewer=reviewer)


def _shows_title(network: str) -> int | None:
    """The longest title the network shows above a post, where it shows one."""
    from chalicelib.ai.fit import limits_of

    return limits_of(network).title_max


def _targets_in(item: store.PlanItemRecord) -> list[TargetIn]:
    """The post's targets: each account's caption and first comment (the writer's, for
    its network), and the item's title where the network shows one (YouTube, Pinterest)."""
    from chalicelib.domain.posts import TargetIn

    targets = []
    for caption in item.captions:
        title_max = _shows_title(caption["network"])
        options: dict[str, Any] = (
            {"title": item.title[:title_max].strip()} if title_max and item.title else {}
        )
        if caption.get("first_comment"):
            options["first_comment"] = caption["first_comment"]
        targets.append(
            TargetIn(account_id=caption["account_id"], text=caption["text"], options=options)
        )
    return targets


# ------------------------------------------------------------------------------- reads


@dataclass
class PlanView:
    plan: store.PlanRecord
    items: list[store.PlanItemRecord]
    posts: dict[str, PostItem]


def get_plan(workspace_id: str, plan_id: str) -> PlanView:
    plan = _plan(workspace_id, plan_id)
    if _stalled(plan):
        # The worker died (a Lambda timeout): the plan says so, and its slots are free again.
        store.update_plan(
            plan,
            status="failed",
            error="Generation stopped before the plan was complete; generate it again.",
        )
    items = store.list_items(workspace_id, plan_id)
    return PlanView(plan, items, _posts(workspace_id, items))


def _stalled(plan: store.PlanRecord, now: datetime | None = None) -> bool:
    if plan.status != "generating":
        return False
    quiet = (now or utcnow()) - _instant(plan.updated_at)
    return quiet > STALLED_AFTER


def list_plans(workspace_id: str, month: str | None) -> list[PlanView]:
    if month is not None:
        month = _month(month)
    return [get_plan(workspace_id, plan.plan_id) for plan in store.list_plans(workspace_id, month)]


def _plan(workspace_id: str, plan_id: str) -> store.PlanRecord:
    plan = store.get_plan(workspace_id, plan_id)
    if plan is None:
        raise NotFound("Plan not found.")
    return plan


def _posts(workspace_id: str, items: Iterable[store.PlanItemRecord]) -> dict[str, PostItem]:
    from chalicelib.store import posts as post_store

    return post_store.get_many(workspace_id, [item.post_id for item in items if item.post_id])


def item_status(item: store.PlanItemRecord, post: PostItem | None) -> str:
    """What the item is to the plan, from its post's own status."""
    if post is None:
        return str(item.status)
    return _ITEM_STATUS.get(str(post.status), "scheduled")


def slot_of(item: store.PlanItemRecord) -> str:
    """The slot as ISO with the offset of the item's time zone."""
    return _instant(item.slot).astimezone(_zone(item.timezone)).isoformat()


def _zone(name: str) -> Any:
    from chalicelib.domain.timezones import zone

    return zone(name)


# ------------------------------------------------------------------------------- edits


def edit_item(
    workspace_id: str,
    plan_id: str,
    item_id: str,
    changes: dict[str, Any],
    reviewer: Reviewer,
) -> store.PlanItemRecord:
    """Title, headline, slot and captions of one item; its post follows."""
    item = _item(workspace_id, plan_id, item_id, changes.get("version"))
    read_version = int(item.version)
    post = post_of(item)
    now = utcnow()
    new_text = False
    if changes.get("title") is not None:
        item.title = changes["title"]
        new_text = any(_shows_title(c["network"]) for c in item.captions)
    if changes.get("headline") is not None:
        item.headline = changes["headline"]
    retimed = False
    if changes.get("slot") is not None:
        item.slot = iso_utc(_slot(changes["slot"], item.timezone, now))
        retimed = True
    if changes.get("captions") is not None:
        _set_captions(item, changes["captions"])
        new_text = True
    item.problem = None
    if post is not None and (new_text or (retimed and post.status != "draft")):
        _update_post(item, post, reviewer, text=new_text, when=retimed and post.status != "draft")
    return _save(item, read_version)


def _set_captions(item: store.PlanItemRecord, edits: list[dict[str, Any]]) -> None:
    from chalicelib.ai.fit import count_of

    captions = {c["account_id"]: c for c in item.captions}
    for index, edit in enumerate(edits):
        caption = captions.get(edit["account_id"])
        if caption is None:
            raise invalid(f"captions[{index}].account_id", "not one of this item's accounts")
        text = edit["text"]
        counted = count_of(caption["network"], text)
        if counted.count > counted.limit:
            raise invalid(
                f"captions[{index}].text",
                f"{counted.count} by {caption['network']}'s count; at most {counted.limit}",
            )
        caption["text"] = text
        caption["hashtags"] = list(dict.fromkeys(_HASHTAG.findall(text)))
        if "first_comment" in edit:
            caption["first_comment"] = _first_comment(
                caption["network"], edit["first_comment"], f"captions[{index}].first_comment"
            )
    item.captions = list(captions.values())


def _first_comment(network: str, text: str | None, field: str) -> str | None:
    """An edited first comment, if the network has one and it fits (empty: none)."""
    from chalicelib.ai.fit import counted, limits_of
    from chalicelib.domain.limits import Capability

    if not (text or "").strip():
        return None
    limits = limits_of(network)
    if Capability.FIRST_COMMENT not in limits.capabilities:
        raise invalid(field, f"{network} has no first comment")
    most = limits.first_comment_max
    if most is not None and counted(network, text or "") > most:
        raise invalid(field, f"{counted(network, text or '')} by {network}'s count; at most {most}")
    return text


def regenerate(
    workspace_id: str, plan_id: str, item_id: str, part: str, reviewer: Reviewer
) -> store.PlanItemRecord:
    """A new idea and captions for the item (`text`), or a new image (`image`)."""
    from chalicelib.ai import guard
    from chalicelib.ai.writer import BrandProfile, Brief, writer_for_settings

    plan = _plan(workspace_id, plan_id)
    if plan.status == "generating":
        raise Conflict("The plan is still being written; regenerate once it is ready.")
    item = _item(workspace_id, plan_id, item_id, None)
    read_version = int(item.version)
    post = post_of(item)
    if post is not None and post.status not in ("draft", "changes_requested", "rejected"):
        raise Conflict(
            f"The item's post is {str(post.status).replace('_', ' ')}: "
            "edit it, or cancel it before regenerating."
        )
    brief = Brief.model_validate(plan.brief)
    profile = get_brand(workspace_id) or BrandProfile.model_validate(plan.profile)
    targets = [Target(c["account_id"], c["network"]) for c in item.captions]
    old_media = item.media_id
    if part == "text":
        writer = writer_for_settings()

        def write() -> tuple[ItemIdea, list[dict[str, Any]], str]:
            idea = _fresh_idea(writer, brief, profile, plan, item)
            captions, _, written_by = _captions(writer, idea, brief, profile, targets)
            return idea, captions, written_by

        idea, item.captions, item.writer = guard.generate(workspace_id, writer, ITEM_CREDITS, write)
        item.kind, item.pillar, item.title = idea.kind, idea.pillar, idea.title
        item.angle, item.image_template, item.headline = (
            idea.angle,
            idea.image_template,
            idea.headline,
        )
    else:
        # Drawn again with the brand as it is now, in the next template (a promo stays
        # an offer: promo or announcement).
        item.image_template = _next_template(item.image_template, item.kind)
        item.media_id = _image(workspace_id, reviewer, item, profile, targets)
    item.problem = None
    if post is not None:
        _update_post(item, post, reviewer, text=part == "text", media=part == "image")
    saved = _save(item, read_version)
    if part == "image" and old_media and old_media != item.media_id:
        _drop_image(workspace_id, old_media)
    return saved


def _drop_image(workspace_id: str, media_id: str) -> None:
    """Delete an image the plan drew once no post names it any more (one reused in the
    composer stays in the library)."""
    from chalicelib.media.library import delete_media
    from chalicelib.store import posts as post_store

    if post_store.uses_media(workspace_id, media_id):
        return
    try:
        delete_media(workspace_id, media_id)
    except (NotFound, Conflict):  # gone already, or a scheduled post took it meanwhile
        logger.info("a plan image was kept", extra={"media_id": media_id})


_TEMPLATES = {"post": ("quote", "tip", "announcement"), "promo": ("promo", "announcement")}


def _next_template(current: str, kind: str) -> str:
    cycle = _TEMPLATES.get(kind, _TEMPLATES["post"])
    return cycle[(cycle.index(current) + 1) % len(cycle)] if current in cycle else cycle[0]


def _fresh_idea(
    writer: Writer,
    brief: Brief,
    profile: BrandProfile,
    plan: store.PlanRecord,
    item: store.PlanItemRecord,
) -> ItemIdea:
    """An idea the plan does not have yet: the outline asked for a few more than the plan."""
    used = {other.title for other in store.list_items(plan.workspace_id, plan.plan_id)}
    count = int(plan.total) + 4
    ideas = writer.outline(brief, profile, count).value
    fresh = [idea for idea in ideas if idea.title not in used]
    same_kind = [idea for idea in fresh if idea.kind == item.kind]
    pool = same_kind or fresh or ideas
    return pool[int(item.position) % len(pool)]


def approve(
    workspace_id: str, plan_id: str, item_ids: list[str] | None, reviewer: Reviewer
) -> PlanView:
    """Schedule the items' posts on their slots (each on its own: one that cannot go, say
    its slot has passed, keeps its draft and says why in `problem`)."""
    plan = _plan(workspace_id, plan_id)
    if plan.status == "generating":
        raise Conflict("The plan is still being written; approve it once it is ready.")
    items = store.list_items(workspace_id, plan_id)
    by_id = {item.item_id: item for item in items}
    if item_ids is not None:
        for index, item_id in enumerate(item_ids):
            if item_id not in by_id:
                raise invalid(f"item_ids[{index}]", "not an item of this plan")
        chosen = [by_id[item_id] for item_id in dict.fromkeys(item_ids)]
    else:
        chosen = items
    posts = _posts(workspace_id, chosen)
    for item in chosen:
        post = posts.get(item.post_id) if item.post_id else None
        if post is None or item_status(item, post) != "draft":
            continue
        read_version = int(item.version)
        if post.status in ("changes_requested", "rejected"):
            # Sent back by its approvers: it goes to them again from the Approvals flow.
            verdict = "asked for changes" if post.status == "changes_requested" else "rejected it"
            item.problem = f"Its approvers {verdict}: edit it, then submit it for approval again."
            _save_quietly(item, read_version)
            continue
        try:
            updated = _update_post(item, post, reviewer, when=True)
            item.status = item_status(item, updated)
            item.problem = None
        except ApiError as error:
            item.problem = _words(error)
        _save_quietly(item, read_version)
    return get_plan(workspace_id, plan_id)


def _save_quietly(item: store.PlanItemRecord, read_version: int) -> None:
    """The item as approval left it; an edit that landed meanwhile wins (the post is the
    truth of its status)."""
    try:
        _save(item, read_version)
    except Conflict:
        logger.info("a plan item changed while approving", extra={"item": item.item_id})


def remove_item(workspace_id: str, plan_id: str, item_id: str, actor: str | None) -> None:
    """Drop an item from its plan, and its post with it (as DELETE /posts cancels it; a
    post that failed in part keeps its record there). 409 once it is on its way or out."""
    from chalicelib.posts.service import delete_post

    _plan(workspace_id, plan_id)
    item = _item(workspace_id, plan_id, item_id, None)
    post = post_of(item)
    if post is not None:
        if post.status in ("publishing", "published"):
            raise Conflict(f"The item's post is {post.status}: it stays in the plan.")
        delete_post(workspace_id, post.post_id, actor=actor)
    store.delete_item(workspace_id, plan_id, item_id)
    if item.media_id:
        _drop_image(workspace_id, item.media_id)


# What a plan's deletion takes with it: the drafts nobody approved yet.
_UNAPPROVED = ("draft", "changes_requested", "rejected", "expired")


def delete_plan(workspace_id: str, plan_id: str, actor: str | None) -> None:
    """Delete a plan and its unapproved drafts (their images too, where no other post uses
    them). What was approved is the calendar's now: those posts stay, as posts. 409 while
    the plan is being written."""
    from chalicelib.posts.service import delete_post

    plan = _plan(workspace_id, plan_id)
    if plan.status == "generating" and not _stalled(plan):
        raise Conflict("The plan is still being written; delete it once it is ready.")
    items = store.list_items(workspace_id, plan_id)
    posts = _posts(workspace_id, items)
    for item in items:
        post = posts.get(item.post_id) if item.post_id else None
        if post is not None and str(post.status) in _UNAPPROVED:
            delete_post(workspace_id, post.post_id, actor=actor)
        if item.media_id and (post is None or str(post.status) in _UNAPPROVED):
            _drop_image(workspace_id, item.media_id)
        store.delete_item(workspace_id, plan_id, item.item_id)
    store.delete_plan(workspace_id, plan_id)


def _update_post(
    item: store.PlanItemRecord,
    post: PostItem,
    reviewer: Reviewer,
    *,
    text: bool = False,
    when: bool = False,
    media: bool = False,
) -> PostItem:
    from chalicelib.domain.posts import PostPatch, When
    from chalicelib.posts.facts import load_facts
    from chalicelib.posts.service import update_post

    fields: dict[str, Any] = {"version": int(post.version)}
    if text:
        fields["text"] = item.captions[0]["text"] if item.captions else ""
        fields["targets"] = _targets_in(item)
    if media:
        fields["media_ids"] = [item.media_id] if item.media_id else []
    if when:
        wall = to_wall(_instant(item.slot), item.timezone)
        fields["when"] = When(at=wall.isoformat(), timezone=item.timezone)
    patch = PostPatch(**fields)
    media_ids = patch.media_ids if patch.media_ids is not None else list(post.media_ids)
    facts = load_facts(item.workspace_id, media_ids)
    return update_post(
        item.workspace_id, post.post_id, patch, facts, actor=reviewer.actor, reviewer=reviewer
    )


# ------------------------------------------------------------------------------ helpers


def _item(
    workspace_id: str, plan_id: str, item_id: str, version: int | None
) -> store.PlanItemRecord:
    item = store.get_item(workspace_id, plan_id, item_id)
    if item is None:
        raise NotFound("Plan item not found.")
    if version is not None and version != int(item.version):
        raise Conflict(
            f"The item changed since you read it: version {int(item.version)} is current.",
            [{"field": "version", "message": f"version {int(item.version)} is current"}],
        )
    return item


def _save(item: store.PlanItemRecord, read_version: int) -> store.PlanItemRecord:
    try:
        return store.save_item(item, read_version)
    except store.Stale:
        raise Conflict("The item changed while it was being saved; reload it.") from None


def post_of(item: store.PlanItemRecord) -> PostItem | None:
    from chalicelib.store import posts as post_store

    return post_store.get(item.workspace_id, item.post_id) if item.post_id else None


def _slot(value: str, zone_name: str, now: datetime) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise invalid("slot", "an ISO time such as 2026-12-01T09:00:00+01:00") from None
    try:
        instant = parsed.astimezone(UTC) if parsed.tzinfo is not None else to_utc(parsed, zone_name)
    except (ValueError, OverflowError):
        raise invalid("slot", "a time between the years 1 and 9999") from None
    if instant <= now:
        raise invalid("slot", "must be in the future")
    if instant > now + HORIZON:
        raise invalid("slot", "at most a year ahead")
    return instant


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _who(reviewer: Reviewer) -> dict[str, Any]:
    role = reviewer.role.value if reviewer.role is not None else None
    return {"actor": reviewer.actor, "role": role, "user_id": reviewer.user_id}


def _reviewer(plan: store.PlanRecord) -> Reviewer:
    from chalicelib.domain.roles import Role

    who = plan.requested_by or {}
    role = who.get("role")
    return Reviewer(
        actor=who.get("actor") or "system",
        role=Role(role) if role else None,
        user_id=who.get("user_id"),
    )


def _words(error: ApiError) -> str:
    detail = error.details[0] if error.details else None
    if detail and detail.get("message"):
        return f"{error.message} ({detail.get('field')}: {detail['message']})"[:500]
    return error.message[:500]
