"""From CSV rows to the posts an import will create: every problem of every row, found
before anything is written, with the composer's own review (`review_post`).

Each row becomes a `PostIn` (one post, one target per account named) and goes through
the same checks as `POST .../posts/validate`; the problems come back as
`{row, column, message}` against the column the user wrote. Bulk adds its own rules: a
time at most 90 days ahead, and no row repeating an earlier one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.limits import NetworkLimits
from chalicelib.domain.posts import AccountFacts, PostIn, TargetIn, When, review_post
from chalicelib.domain.slots import Queue, Slot, next_free_slots
from chalicelib.domain.timezones import InvalidTime, iso_utc, to_utc, zone
from chalicelib.domain.utm import LinkTracking
from chalicelib.domain.validation import MediaFacts, Problem
from chalicelib.imports.formats import (
    PLATFORM_ALIASES,
    DateProblem,
    SourceRow,
    file_date_order,
    parse_date,
    parse_datetime,
    parse_time,
)

HORIZON = timedelta(days=90)
PREVIEW_ROWS = 50


@dataclass(frozen=True)
class Account:
    """An account of the workspace as a row may name it."""

    account_id: str
    network: str
    handle: str | None
    display_name: str
    status: str
    timezone: str
    slots: tuple[Slot, ...]

    @property
    def label(self) -> str:
        return f"{self.network}:{self.handle or self.display_name}"

    def facts(self) -> AccountFacts:
        return AccountFacts(self.account_id, self.network, self.status, self.timezone, self.slots)


@dataclass(frozen=True)
class Context:
    """What the workspace knows, and the choices the upload made."""

    accounts: list[Account]
    limits: Mapping[str, NetworkLimits]
    media: Mapping[str, MediaFacts]  # by media id: the library's and the imported URLs'
    url_media: Mapping[str, str | Exception]  # URL -> media id, or why it could not be used
    default_timezone: str
    default_accounts: str = ""
    date_order: str | None = None
    taken: Callable[[str], tuple[datetime, ...]] = lambda account_id: ()
    # (network, media id) -> the image as that network receives it (its rendition)
    media_as_sent: Mapping[tuple[str, str], MediaFacts] = field(default_factory=dict)
    link_tracking: LinkTracking | None = None  # texts are checked with their links tagged


@dataclass
class PlannedRow:
    row: int
    text: str
    media_ids: list[str]
    targets: list[dict[str, Any]]  # {account_id, network, label, text}
    first_comment: str | None
    timezone: str
    at: str | None  # UTC ISO; None: the queue
    link: str | None = None
    title: str | None = None
    queued: bool = False
    valid: bool = True

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Plan:
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def valid_rows(self) -> int:
        return sum(1 for row in self.rows if row.valid)

    def add(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": column, "message": message})


def media_urls(rows: list[SourceRow]) -> list[str]:
    """Every distinct URL of the media cells, in order: each is imported once."""
    urls: dict[str, None] = {}
    for row in rows:
        for part in _split(row.get("media")):
            if part.lower().startswith(("http://", "https://")):
                urls[part] = None
    return list(urls)


def build(rows: list[SourceRow], ctx: Context, now: datetime) -> Plan:
    plan = Plan()
    order = ctx.date_order or file_date_order([r.get("date") or r.get("datetime") for r in rows])
    seen: dict[tuple[Any, ...], int] = {}
    facts = {account.account_id: account.facts() for account in ctx.accounts}
    for source in rows:
        planned = _row(source, ctx, order, now, plan, facts)
        if planned is None:
            continue
        key = (
            tuple(sorted(t["account_id"] for t in planned.targets)),
            planned.text,
            tuple(planned.media_ids),
            planned.at,
        )
        if key in seen:
            plan.add(source.row, source.column("text"), f"duplicates row {seen[key]}")
            planned.valid = False
        seen.setdefault(key, source.row)
        plan.rows.append(planned)
    _fill_queues(plan, ctx, now)
    return plan


def _row(
    source: SourceRow,
    ctx: Context,
    order: str | None,
    now: datetime,
    plan: Plan,
    facts: Mapping[str, AccountFacts],
) -> PlannedRow | None:
    errors_before = len(plan.errors)
    if "_extra" in source.values:
        _, column = source.values["_extra"]
        plan.add(source.row, column, "this cell is beyond the header's columns")
    accounts = _accounts(source, ctx, plan)
    zone_name = source.get("timezone") or ctx.default_timezone
    try:
        zone(zone_name)
    except InvalidTime as error:
        plan.add(source.row, source.column("timezone"), str(error))
        zone_name = ctx.default_timezone
    at = _time(source, order, zone_name, plan)
    media_ids = _media(source, ctx, plan)
    variants = source.variants()
    text = source.get("text")
    targets = []
    link = source.get("link")
    for account in accounts:
        variant = variants.get(account.network)
        options = {k: source.get(k) for k in ("link", "title") if source.get(k)}
        limits = ctx.limits.get(account.network)
        if link and limits is not None and limits.link_max is None:
            # A network without a link field gets the link in its text, as Hootsuite does.
            options.pop("link")
            base, column = variant or (text, source.column("text"))
            if link not in base:
                variant = (f"{base}\n{link}".strip(), column)
        targets.append((account, variant, options))
    for network, (_, column) in variants.items():
        if not any(account.network == network for account in accounts):
            name = _network_name(network, ctx)
            plan.add(source.row, column, f"no {name} account is named in this row")
    if targets:
        body = PostIn(
            text=text,
            media_ids=media_ids,
            targets=[
                TargetIn(account_id=a.account_id, text=v[0] if v else None, options=o)
                for a, v, o in targets
            ],
            first_comment=source.get("first_comment") or None,
            when=When(at=at.isoformat(), timezone=zone_name) if at else When(queue=True),
        )
        review = review_post(
            body,
            accounts=facts,
            media=ctx.media,
            limits=ctx.limits,
            now=now,
            default_timezone=ctx.default_timezone,
            media_as_sent=ctx.media_as_sent,
            link_tracking=ctx.link_tracking,
        )
        for problem in review.problems:
            plan.add(source.row, _column(problem, source, targets), _message(problem, targets))
        late = review.scheduled_at is not None and review.scheduled_at > now + HORIZON
        if at is not None and late and review.scheduled_at:
            plan.add(
                source.row,
                _date_column(source),
                f"{iso_utc(review.scheduled_at)} is more than 90 days ahead",
            )
        if at is None:
            for account, _, _ in targets:
                if not account.slots:
                    plan.add(
                        source.row,
                        _date_column(source),
                        f"no date or time, and {account.label} has no queue slots: "
                        "give a time or add slots to its queue",
                    )
    try:
        at_utc = iso_utc(to_utc(at, zone_name) if at.tzinfo is None else at) if at else None
    except InvalidTime:
        at_utc = None  # the review said so at its column
    planned = PlannedRow(
        row=source.row,
        text=text,
        media_ids=media_ids,
        targets=[
            {
                "account_id": a.account_id,
                "network": a.network,
                "label": a.label,
                "name": a.display_name,
                "text": v[0] if v else None,
                "options": o,
            }
            for a, v, o in targets
        ],
        first_comment=source.get("first_comment") or None,
        timezone=zone_name,
        at=at_utc,
        link=source.get("link") or None,
        title=source.get("title") or None,
        # Only a row that names no time goes to the queue: a wrong one takes no slot.
        queued=at is None and not any(source.get(c) for c in ("date", "time", "datetime")),
    )
    planned.valid = len(plan.errors) == errors_before
    return planned


def _accounts(source: SourceRow, ctx: Context, plan: Plan) -> list[Account]:
    if "platforms" in source.values:
        cell, column, names = source.get("platforms"), source.column("platforms"), None
        names = [p.strip() for p in cell.replace("|", ",").split(",") if p.strip()]
    else:
        cell, column = source.get("accounts"), source.column("accounts")
        names = _split(cell)
    if not names:
        names = _split(ctx.default_accounts)
    if not names:
        plan.add(
            source.row,
            column,
            "name at least one account (an account id or network:handle, separated by |)",
        )
        return []
    found: list[Account] = []
    for name in names:
        account = _account(name, ctx, source.row, column, plan)
        if account is not None and account not in found:
            found.append(account)
    return found


def _account(name: str, ctx: Context, row: int, column: str, plan: Plan) -> Account | None:
    by_id = next((a for a in ctx.accounts if a.account_id == name), None)
    if by_id is not None:
        return by_id
    network, _, handle = name.partition(":")
    network = PLATFORM_ALIASES.get(network.strip().lower(), network.strip().lower())
    candidates = [a for a in ctx.accounts if a.network == network and a.status != "disconnected"]
    if handle.strip():
        wanted = _handle(handle)
        candidates = [
            a for a in candidates if wanted in (_handle(a.handle or ""), _handle(a.display_name))
        ]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        plan.add(row, column, f"{name!r}: no such account connected in this workspace")
    else:
        plan.add(
            row,
            column,
            f"{name!r}: {len(candidates)} {_network_name(network, ctx)} accounts match; "
            f"name one as network:handle ({', '.join(a.label for a in candidates)})",
        )
    return None


def _network_name(network: str, ctx: Context) -> str:
    """A network as people write it ("LinkedIn"), from its limits table."""
    limits = ctx.limits.get(network)
    return limits.name if limits is not None else network


def _handle(value: str) -> str:
    return value.strip().lstrip("@").lower()


def _time(source: SourceRow, order: str | None, zone_name: str, plan: Plan) -> datetime | None:
    """The row's wall time; every problem is told at its cell, the date's even when the
    time is wrong or missing too (2026-12-32 at 25:00 is two problems)."""
    if "datetime" in source.values:
        cell = source.get("datetime")
        try:
            return parse_datetime(cell, order) if cell else None
        except DateProblem as error:
            plan.add(source.row, _date_column(source), str(error))
            return None
    day, moment = source.get("date"), source.get("time")
    if not day and not moment:
        return None
    date_part, time_part = None, None
    if not day:
        plan.add(source.row, source.column("date"), "a time needs a date")
    else:
        try:
            date_part = parse_date(day, order)
        except DateProblem as error:
            plan.add(source.row, source.column("date"), str(error))
    if not moment:
        plan.add(source.row, source.column("time"), "a date needs a time")
    else:
        try:
            time_part = parse_time(moment)
        except DateProblem as error:
            plan.add(source.row, source.column("time"), str(error))
    if date_part is None or time_part is None:
        return None
    return datetime.combine(date_part, time_part)


def _date_column(source: SourceRow) -> str:
    return source.column("datetime") if "datetime" in source.values else source.column("date")


def _media(source: SourceRow, ctx: Context, plan: Plan) -> list[str]:
    found = []
    for part in _split(source.get("media")):
        if part.lower().startswith(("http://", "https://")):
            imported = ctx.url_media.get(part)
            if isinstance(imported, str):
                found.append(imported)
            else:
                plan.add(source.row, source.column("media"), f"{part}: {imported}")
        elif part in ctx.media:
            found.append(part)
        else:
            plan.add(
                source.row,
                source.column("media"),
                f"{part!r}: no such media in this workspace (give a media id or an https URL)",
            )
    return found


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _column(problem: Problem, source: SourceRow, targets: list[Any]) -> str:
    where = problem.field
    if where.startswith("media"):
        return source.column("media")
    if where.startswith("first_comment"):
        return source.column("first_comment")
    if where.startswith("when") or where.startswith("recurrence"):
        return _date_column(source)
    if where.startswith("targets["):
        index = int(where[len("targets[") : where.index("]")])
        _, variant, _ = targets[index]
        if where.endswith(".text") and variant:
            return variant[1]
        if ".options." in where:
            return source.column(where.rsplit(".", 1)[-1])
        if where.endswith("account_id"):
            return source.column("platforms" if "platforms" in source.values else "accounts")
    return source.column("text")


def _message(problem: Problem, targets: list[Any]) -> str:
    label = next((a.label for a, _, _ in targets if a.account_id == problem.target), None)
    return f"{label}: {problem.message}" if label else problem.message


def _fill_queues(plan: Plan, ctx: Context, now: datetime) -> None:
    """Rows without a time take their accounts' next free slots in row order; a row for
    several accounts (one post) takes the first slot free in all their queues."""
    by_id = {account.account_id: account for account in ctx.accounts}
    taken: dict[str, list[datetime]] = {}
    for row in plan.rows:
        if not row.queued or not row.targets:
            continue
        queues = []
        for target in row.targets:
            account = by_id[target["account_id"]]
            if account.account_id not in taken:
                taken[account.account_id] = list(ctx.taken(account.account_id))
            queues.append(Queue(account.slots, account.timezone, tuple(taken[account.account_id])))
        slot = _common_slot(queues, now)
        if slot is None:
            if row.valid:
                row.valid = False
                plan.add(row.row, "accounts", "these accounts share no free queue slot")
            continue
        if slot > now + HORIZON and row.valid:
            row.valid = False
            plan.add(row.row, "accounts", "the queue is full for the next 90 days")
        row.at = iso_utc(slot)
        for target in row.targets:
            taken[target["account_id"]].append(slot)


def _common_slot(queues: list[Queue], now: datetime) -> datetime | None:
    first, others = queues[0], queues[1:]
    if not first.slots:
        return None
    for candidate in next_free_slots(first.slots, first.zone_name, now, first.taken, 2000):
        if all(queue.is_free_slot(candidate) for queue in others):
            return candidate
    return None


def summary(plan: Plan) -> dict[str, Any]:
    """Posts per account and per ISO week (Monday), over the rows that will be created."""
    by_account: Counter[str] = Counter()
    accounts: dict[str, dict[str, Any]] = {}  # label -> who it is, for people to read
    by_week: Counter[str] = Counter()
    for row in plan.rows:
        if not row.valid:
            continue
        for target in row.targets:
            by_account[target["label"]] += 1
            accounts[target["label"]] = {
                "account_id": target["account_id"],
                "network": target["network"],
                "name": target.get("name"),
            }
        if row.at:
            moment = datetime.fromisoformat(row.at.replace("Z", "+00:00"))
            monday = (moment - timedelta(days=moment.weekday())).date().isoformat()
            by_week[monday] += 1
    return {
        "by_account": [
            {"account": k, **accounts[k], "posts": v} for k, v in sorted(by_account.items())
        ],
        "by_week": [{"week": k, "posts": v} for k, v in sorted(by_week.items())],
    }
