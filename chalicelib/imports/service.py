"""Bulk imports as jobs: upload, validate in the background, commit in the background.

Upload (the API request) reads the file's header and rows, stores the file in S3 and
starts the validation job. Validation imports each distinct media URL once, reviews every
row with the composer's checks and stores the plan. Commit turns the plan's valid rows
into posts, each armed with one CreateSchedule call and written with one conditional put.

Both jobs run in the `import_worker` Lambda (invoked asynchronously; a thread in the local
stack). Commit is resumable: a post's id derives from the import id and its row number,
so a retried commit after a Lambda timeout skips the posts that already exist and creates
nothing twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib import scheduling, webhooks
from chalicelib.aws import client
from chalicelib.domain.approvals import Reviewer
from chalicelib.domain.ids import new_id
from chalicelib.domain.posts import PostStatus, TargetStatus
from chalicelib.domain.slots import Slot
from chalicelib.domain.timezones import iso_utc
from chalicelib.errors import Conflict, NotFound, ValidationFailed, invalid
from chalicelib.imports import formats
from chalicelib.imports import plan as planning
from chalicelib.observability import logger
from chalicelib.settings import get_settings
from chalicelib.store import imports as store
from chalicelib.store.base import utcnow

if TYPE_CHECKING:
    from chalicelib.store.workspaces import WorkspaceRecord

WORKERS = 16  # parallel writes and schedule calls during a commit
URL_WORKERS = 8  # parallel media fetches during validation
PROGRESS_EVERY = 100  # rows between progress updates
# A commit whose worker has said nothing for this long died (a Lambda timeout): a retried
# commit resumes it.
STALLED_AFTER = timedelta(minutes=2)
# Publishing closer than this is "now": the publisher is invoked at once (and waits for
# the due second itself: it never claims a post before its time).
NOW_WINDOW = timedelta(seconds=60)


def post_id_for(import_id: str, row: int) -> str:
    """The id of the post row `row` of `import_id` becomes: the same on every retry."""
    digest = hashlib.sha256(f"{import_id}:{row}".encode()).hexdigest()[:24]
    return f"p_{digest}"


# ------------------------------------------------------------------------------------ upload


def start(
    workspace_id: str,
    actor: str | None,
    data: bytes,
    *,
    format_name: str | None,
    timezone: str | None,
    date_order: str | None,
    default_accounts: str | None,
) -> store.ImportItem:
    try:
        parsed = formats.parse(data, format_name)
    except formats.FileProblem as problem:
        raise ValidationFailed(
            f"The file cannot be read: {problem}",
            [{"field": problem.column, "message": str(problem)}],
        ) from None
    if not parsed.rows:
        raise invalid("body", "the file has a header but no rows")
    from chalicelib.billing.entitlements import check_bulk_rows

    check_bulk_rows(workspace_id, len(parsed.rows))  # 402 before anything is stored
    import_id = new_id("imp")
    prefix = f"imports/{workspace_id}/{import_id}"
    _put(f"{prefix}/source.csv", data, "text/csv")
    item = store.ImportItem(
        workspace_id,
        import_id,
        status="validating",
        format=parsed.format,
        timezone=timezone,
        date_order=date_order,
        default_accounts=default_accounts,
        rows=len(parsed.rows),
        source_key=f"{prefix}/source.csv",
        plan_key=f"{prefix}/plan.json",
        created_by=actor,
    )
    store.create(item)
    _dispatch(workspace_id, import_id, "validate")
    return item


def read_media_csv(workspace_id: str, media_id: str) -> bytes:
    """The bytes of a CSV uploaded to the media library (the `{media_id}` body)."""
    from chalicelib.store import media as media_store

    item = media_store.get(workspace_id, media_id)
    # Refused before a byte is read: what is not a CSV, or is larger than a CSV body may be.
    content_type = (item.content_type or item.declared_content_type or "").lower()
    if content_type not in formats.CONTENT_TYPES:
        raise invalid("media_id", f"this media item is {content_type or 'not typed'}, not a CSV")
    size = int(item.size if item.size is not None else item.declared_size or 0)
    if size > formats.MAX_BYTES:
        raise invalid("media_id", f"this CSV is {size:,} bytes; at most {formats.MAX_BYTES:,}")
    key = item.key or item.upload_key
    try:
        data = _get(key, limit=formats.MAX_BYTES + 1)
    except Exception:
        raise invalid("media_id", "the file of this media item has not been uploaded") from None
    if len(data) > formats.MAX_BYTES:
        raise invalid("media_id", f"this CSV is larger than {formats.MAX_BYTES:,} bytes")
    return data


# -------------------------------------------------------------------------------- validation


def validate(workspace_id: str, import_id: str) -> None:
    item = _found(workspace_id, import_id)
    try:
        parsed = formats.parse(_get(item.source_key), item.format)
        now = utcnow()
        ctx = _context(workspace_id, item, parsed.rows)
        built = planning.build(parsed.rows, ctx, now)
        document = {
            "format": parsed.format,
            "columns": parsed.columns,
            "rows": [row.to_json() for row in built.rows],
            "cells": {str(row.row): _cells(row) for row in parsed.rows},
            "errors": built.errors,
            "summary": planning.summary(built),
            "validated_at": iso_utc(now),
        }
        _put(item.plan_key, json.dumps(document).encode(), "application/json")
        store.update(
            item,
            status="ready" if not built.errors else "invalid",
            valid_rows=built.valid_rows,
            error_count=len(built.errors),
            progress=0,
        )
    except Exception as error:
        logger.exception("import validation failed", extra={"import_id": import_id})
        store.update(item, status="failed", failure=f"validation failed: {error}"[:500])


def _cells(row: formats.SourceRow) -> dict[str, str]:
    return {column: value for value, column in row.values.values()}


def _context(
    workspace_id: str, item: store.ImportItem, rows: list[formats.SourceRow]
) -> planning.Context:
    from chalicelib.networks.registry import all_limits
    from chalicelib.store import accounts as account_store
    from chalicelib.store import media as media_store
    from chalicelib.store import posts as post_store
    from chalicelib.store.workspaces import get_workspace

    workspace = get_workspace(workspace_id)
    accounts = [
        planning.Account(
            a.account_id,
            a.network,
            a.handle,
            a.display_name,
            a.status,
            a.timezone,
            tuple(Slot(int(s.weekday), _hhmm(s.time)) for s in a.slots),
        )
        for a in account_store.list_accounts(workspace_id)
    ]
    ids = [
        part
        for row in rows
        for part in planning._split(row.get("media"))
        if not part.lower().startswith(("http://", "https://"))
    ]
    library = media_store.get_many(workspace_id, ids) if ids else {}
    url_media = _import_urls(workspace_id, planning.media_urls(rows), item.created_by)
    imported = [m for m in url_media.values() if isinstance(m, str)]
    library.update(media_store.get_many(workspace_id, imported) if imported else {})
    now = utcnow()

    def taken(account_id: str) -> tuple[datetime, ...]:
        found = post_store.taken_times(workspace_id, account_id, now, now + timedelta(days=366))
        return tuple(datetime.fromisoformat(t.replace("Z", "+00:00")) for t in found)

    from chalicelib.domain.utm import link_tracking_of
    from chalicelib.posts.facts import media_as_sent, media_facts

    limits = {limits.network: limits for limits in all_limits()}
    # Only inspected files: a row naming one still uploading is refused as unknown.
    ready = [m for m in library.values() if m.status == "ready" and m.content_type]
    return planning.Context(
        accounts=accounts,
        limits=limits,
        media={m.media_id: media_facts(m) for m in ready},
        url_media=url_media,
        default_timezone=item.timezone or (workspace.timezone if workspace else "UTC"),
        link_tracking=link_tracking_of(
            workspace.link_tracking if workspace else None, get_settings().short_link_base
        ),
        default_accounts=item.default_accounts or "",
        date_order=item.date_order,
        taken=taken,
        media_as_sent=media_as_sent(ready, limits),
    )


def _hhmm(value: str) -> Any:
    from datetime import time

    hour, minute = value.split(":")
    return time(int(hour), int(minute))


def _import_urls(
    workspace_id: str, urls: list[str], actor: str | None
) -> dict[str, str | Exception]:
    """Each distinct URL imported into the media library once: URL -> media id, or why not."""
    from chalicelib.media.library import IMPORT_MAX_BYTES, import_from_url

    def one(url: str) -> str | Exception:
        try:
            return import_from_url(
                workspace_id, url, max_bytes=IMPORT_MAX_BYTES, created_by=actor
            ).media_id
        except ValidationFailed as error:
            reason = error.details[0]["message"] if error.details else error.message
            return ValueError(reason)
        except Exception as error:  # one unreachable file is one row's problem
            logger.warning("media import failed", extra={"url": url, "error": repr(error)})
            return ValueError("the file could not be fetched")

    with ThreadPoolExecutor(URL_WORKERS) as pool:
        return dict(zip(urls, pool.map(one, urls), strict=True))


# ------------------------------------------------------------------------------------ commit


def request_commit(
    workspace_id: str, import_id: str, skip_invalid: bool, reviewer: Reviewer | None = None
) -> store.ImportItem:
    """Start (or resume) the commit job; 422 when rows are invalid and not skipped.
    `reviewer` is who commits, with their role: under the workspace's approval policy
    their posts are written pending approval, as the composer's would be."""
    from chalicelib.admin.suspension import check_not_suspended
    from chalicelib.store.workspaces import get_workspace

    workspace = get_workspace(workspace_id)
    check_not_suspended(workspace.suspended if workspace else None)  # 423 while suspended
    item = _found(workspace_id, import_id)
    if item.status == "done":
        return item
    if item.status == "validating":
        raise Conflict("The file is still being validated; commit once it is ready.")
    if item.status == "committing" and not _stalled(item):
        return item
    if item.status == "failed" and item.valid_rows == 0:
        raise Conflict(f"This import failed: {item.failure or 'see the errors'}")
    document = load_plan(item)
    late = _passed_rows(document, utcnow())
    if item.status != "committing":
        if (item.error_count or late) and not skip_invalid:
            details = [
                {"field": f"rows[{e['row']}].{e['column']}", "message": e["message"]}
                for e in document["errors"][:100]
            ] + [{"field": f"rows[{row}].date", "message": "this time has passed"} for row in late]
            raise ValidationFailed(
                f"{item.error_count + len(late)} problem(s) in the file: fix them, or commit "
                "with ?skip_invalid=true to schedule only the valid rows",
                details,
            )
        if item.valid_rows - len(late) <= 0:
            raise ValidationFailed(
                "No row is valid: there is nothing to schedule.",
                [{"field": "rows", "message": "no valid row"}],
            )
    expected = item.status
    unbill = _bill(item, workspace, document, late)
    if not store.update(
        item,
        expected_status=expected,
        status="committing",
        skip_invalid=int(skip_invalid),
        commit_attempts=int(item.commit_attempts or 0) + 1,
        committed_by=_committer(item, reviewer),
    ):
        unbill()
        raise Conflict("The import changed meanwhile; reload it.")
    item.status = "committing"
    _dispatch(workspace_id, import_id, "commit")
    return item


def _bill(
    item: store.ImportItem,
    workspace: WorkspaceRecord | None,
    document: dict[str, Any],
    late: list[int],
) -> Callable[[], None]:
    """The first commit counts its rows in their months' scheduled posts (402, naming the
    rows past the plan's limit, and nothing scheduled); a resumed commit was counted."""
    from chalicelib.billing.entitlements import bill_rows, check_bulk_rows

    if item.commit_attempts:
        return lambda: None
    check_bulk_rows(item.workspace_id, int(item.rows or 0))  # the plan may have changed
    skipped = set(late)
    rows = {
        row["row"]: datetime.fromisoformat(row["at"].replace("Z", "+00:00"))
        for row in document["rows"]
        if row["valid"] and row["at"] and row["row"] not in skipped
    }
    return bill_rows(item.workspace_id, workspace.timezone if workspace else "UTC", rows)


def _committer(item: store.ImportItem, reviewer: Reviewer | None) -> dict[str, Any] | None:
    if reviewer is None:
        return item.committed_by
    role = reviewer.role.value if reviewer.role is not None else None
    return {"actor": reviewer.actor, "role": role, "user_id": reviewer.user_id}


def _reviewer(item: store.ImportItem) -> Reviewer:
    from chalicelib.domain.roles import Role

    who = item.committed_by or {}
    role = who.get("role")
    return Reviewer(
        actor=who.get("actor") or item.created_by or "system",
        role=Role(role) if role else None,
        user_id=who.get("user_id"),
    )


def _stalled(item: store.ImportItem) -> bool:
    updated = datetime.fromisoformat(item.updated_at.replace("Z", "+00:00"))
    return utcnow() - updated > STALLED_AFTER


def _passed_rows(document: dict[str, Any], now: datetime) -> list[int]:
    """Valid rows whose time passed since validation."""
    cutoff = iso_utc(now)
    return [
        row["row"] for row in document["rows"] if row["valid"] and row["at"] and row["at"] <= cutoff
    ]


def commit(workspace_id: str, import_id: str) -> None:
    item = _found(workspace_id, import_id)
    if item.status != "committing":
        return
    try:
        actor = _reviewer(item).actor
        rows = _rows_to_create(item)
        created = _create_posts(item, rows)
        store.update(item, status="done", progress=1, created_posts=created)
        webhooks.import_event(item)
    except Exception as error:
        logger.exception("import commit failed", extra={"import_id": import_id})
        store.update(item, status="failed", failure=f"commit failed: {error}"[:500])
    else:
        _audit_committed(item, actor, created)


def _audit_committed(item: store.ImportItem, actor: str, created: int) -> None:
    from chalicelib.store.audit import record_event

    record_event(
        item.workspace_id,
        "import.committed",
        actor=actor,
        target=item.import_id,
        details={"posts": created, "rows": int(item.rows or 0)},
    )


def _rows_to_create(item: store.ImportItem) -> list[dict[str, Any]]:
    document = load_plan(item)
    now = utcnow()
    late = set(_passed_rows(document, now))
    return [row for row in document["rows"] if row["valid"] and row["row"] not in late]


def _create_posts(item: store.ImportItem, rows: list[dict[str, Any]]) -> int:
    from chalicelib.store import posts as post_store
    from chalicelib.store.workspaces import get_workspace

    ids = {row["row"]: post_id_for(item.import_id, row["row"]) for row in rows}
    # Only a resumed commit can find posts of its own already written.
    first = int(item.commit_attempts or 0) <= 1
    existing = set() if first else _existing(item.workspace_id, list(ids.values()))
    todo = [row for row in rows if ids[row["row"]] not in existing]
    done = len(rows) - len(todo)
    total = max(len(rows), 1)

    # The workers read these, never `item`: each progress write below rewrites `item` in
    # place from DynamoDB's answer, and for that moment it holds no attributes at all.
    workspace_id, created_by = item.workspace_id, item.created_by
    identities = _identities(workspace_id)
    reviewer = _reviewer(item)
    workspace = get_workspace(workspace_id)
    approval = _approval(workspace, reviewer)
    tracking = workspace.link_tracking if workspace else None  # as the rows were checked
    billed_timezone = _billed_timezone(workspace)

    def create(row: dict[str, Any]) -> None:
        _create_one(
            workspace_id,
            created_by,
            ids[row["row"]],
            row,
            post_store,
            identities,
            approval,
            tracking,
            billed_timezone,
        )

    with ThreadPoolExecutor(WORKERS) as pool:
        for index, _ in enumerate(pool.map(create, todo), start=1):
            if index % PROGRESS_EVERY == 0:
                store.update(item, progress=round((done + index) / total, 3))
    if approval is not None and todo:
        from chalicelib.posts.approvals import announce_import

        announce_import(workspace_id, item.import_id, len(todo), reviewer, approval)
    return len(rows)


def _billed_timezone(workspace: WorkspaceRecord | None) -> str | None:
    from chalicelib.billing.entitlements import enabled

    return (workspace.timezone if workspace else "UTC") if enabled() else None


def _approval(workspace: WorkspaceRecord | None, reviewer: Reviewer) -> dict[str, Any] | None:
    """The approval state every post of the import starts with, when the workspace's
    policy requires approval of the committer's posts; None when it does not."""
    from chalicelib.posts import approvals
    from chalicelib.posts.facts import policy_in_force

    if workspace is None:
        return None
    policy = policy_in_force(workspace)
    if not approvals.required(policy, reviewer):
        return None
    return approvals.initial_state(workspace.workspace_id, policy, reviewer, utcnow())


def _existing(workspace_id: str, post_ids: list[str]) -> set[str]:
    from chalicelib.store.posts import PostItem

    found: set[str] = set()
    for start in range(0, len(post_ids), 100):
        keys = [(workspace_id, pid) for pid in post_ids[start : start + 100]]
        found |= {p.post_id for p in PostItem.batch_get(keys, attributes_to_get=["post_id"])}
    return found


def _target_id(post_id: str, account_id: str) -> str:
    return "t_" + hashlib.sha256(f"{post_id}:{account_id}".encode()).hexdigest()[:24]


def _identities(workspace_id: str) -> dict[str, str]:
    """{account_id: its network identity (external id)}: kept on each target, so the
    publisher never sends to an account that became another identity since."""
    from chalicelib.store import accounts as account_store

    return {a.account_id: a.external_id for a in account_store.list_accounts(workspace_id)}


def _create_one(
    workspace_id: str,
    created_by: str | None,
    post_id: str,
    row: dict[str, Any],
    post_store: Any,
    identities: dict[str, str] | None = None,
    approval: dict[str, Any] | None = None,
    link_tracking: dict[str, Any] | None = None,
    billed_timezone: str | None = None,
) -> None:
    """Arm the schedule, then write the post saying it is armed: one CreateSchedule and
    one conditional put. A schedule left without its post (the put failed) fires into a
    missing post, which the publisher ignores; a retried commit writes the post. With
    `approval`, the post waits for it: written pending, armed only to expire."""
    now = utcnow()
    when = datetime.fromisoformat(row["at"].replace("Z", "+00:00"))
    stamp = iso_utc(now)
    post = post_store.PostItem(
        workspace_id,
        post_id,
        version=1,
        status=PostStatus.SCHEDULED if approval is None else PostStatus.PENDING_APPROVAL,
        approval=approval,
        link_tracking=link_tracking,
        text=row["text"],
        media_ids=list(row["media_ids"]),
        first_comment=row["first_comment"],
        timezone=row["timezone"],
        scheduled_at=row["at"],
        targets=[
            post_store.TargetAttribute(
                target_id=_target_id(post_id, t["account_id"]),
                account_id=t["account_id"],
                network=t["network"],
                account_external_id=(identities or {}).get(t["account_id"]),
                text=t["text"],
                options=t.get("options") or {},
                status=TargetStatus.PENDING,
                attempts=0,
            )
            for t in row["targets"]
        ],
        created_by=created_by,
        created_at=stamp,
        updated_at=stamp,
    )
    if billed_timezone is not None:  # counted when the commit was requested
        from chalicelib.billing.entitlements import month_of

        post.billed_month = month_of(when, billed_timezone)
    payload = {"workspace_id": workspace_id, "post_id": post_id, "version": 1}
    if approval is not None:
        scheduling.arm_expiry(workspace_id, post_id, 1, when, new=True)
        post.armed_version = 1
        try:
            post_store.create(post)
        except Exception as error:
            if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise
        return
    immediate = when - now <= NOW_WINDOW
    if not immediate:
        scheduling.arm_new(workspace_id, post_id, 1, when)
        post.armed_version = 1
    try:
        post_store.create(post)
    except Exception as error:
        if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
            return  # written by an earlier attempt of this commit
        raise
    if immediate:
        scheduling.invoke_now(payload)
        post_store.mark_armed(workspace_id, post_id, 1)


# ------------------------------------------------------------------------------------- reads


def load_plan(item: store.ImportItem) -> dict[str, Any]:
    return _plan(item.plan_key)


@lru_cache(maxsize=4)
def _plan(key: str) -> dict[str, Any]:
    # A plan is written once, by validation, and never changes: a warm Lambda (and the
    # progress polling during a commit) reads it from S3 once. Callers must not mutate it.
    return json.loads(_get(key))


def plan_if_any(item: store.ImportItem) -> dict[str, Any] | None:
    """The plan once validation wrote it; None while validating or when it failed."""
    if item.status == "validating" or (item.status == "failed" and not item.valid_rows):
        return None
    return load_plan(item)


def preview_rows(document: dict[str, Any], first: int = planning.PREVIEW_ROWS) -> list[int]:
    """The rows a reader sees: the first `first`, and every row with a problem."""
    wrong = {error["row"] for error in document["errors"]}
    rows = [row["row"] for row in document["rows"]]
    return sorted(set(rows[:first]) | set(list(sorted(wrong))[:500]))


def _found(workspace_id: str, import_id: str) -> store.ImportItem:
    item = store.get(workspace_id, import_id)
    if item is None:
        raise NotFound("Import not found.")
    return item


def _dispatch(workspace_id: str, import_id: str, job: str) -> None:
    scheduling.invoke_async(
        get_settings().import_worker_arn,
        {"workspace_id": workspace_id, "import_id": import_id, "job": job},
    )


def run_job(event: dict[str, Any]) -> None:
    """The import worker's entry point: `{workspace_id, import_id, job}`."""
    job = {"validate": validate, "commit": commit}[event["job"]]
    job(event["workspace_id"], event["import_id"])


def _put(key: str, data: bytes, content_type: str) -> None:
    client("s3").put_object(
        Bucket=get_settings().media_bucket, Key=key, Body=data, ContentType=content_type
    )


def _get(key: str, limit: int | None = None) -> bytes:
    """The object's bytes; with `limit`, at most its first `limit` bytes (a ranged read)."""
    extra = {"Range": f"bytes=0-{limit - 1}"} if limit else {}
    body: Iterable[bytes] = client("s3").get_object(
        Bucket=get_settings().media_bucket, Key=key, **extra
    )["Body"]
    return body.read()  # type: ignore[attr-defined]
