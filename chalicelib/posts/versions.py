"""Version history of a post: every saved version's content is kept (created, each edit,
each restore), two versions can be compared field by field, and an old version comes
back as a new edit of the current one (its version check included: 409 when stale).

Keeping a version never fails the save it follows: the post is written; a lost
snapshot is logged.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.domain.collaboration import (
    Change,
    RestoreIn,
    VersionContent,
    VersionTarget,
    diff,
)
from chalicelib.errors import NotFound, invalid
from chalicelib.observability import logger

if TYPE_CHECKING:
    from chalicelib.domain.approvals import Reviewer
    from chalicelib.posts.service import Facts
    from chalicelib.store.collaboration import VersionItem
    from chalicelib.store.posts import PostItem


def content_of(item: PostItem) -> VersionContent:
    """What a user edits of a post, as a version keeps it."""
    return VersionContent(
        text=item.text or "",
        targets=[
            VersionTarget(
                account_id=t.account_id, network=t.network, text=t.text, options=t.options or {}
            )
            for t in item.targets
        ],
        media_ids=list(item.media_ids),
        first_comment=item.first_comment,
        scheduled_at=item.scheduled_at,
        timezone=item.timezone,
        recurrence=item.recurrence,
    )


def keep(
    item: PostItem,
    actor: str | None,
    reason: str,
    before: VersionContent | None = None,
    restored_from: int | None = None,
) -> list[Change]:
    """Keep the version `item` was just saved as; the changes since `before`."""
    from chalicelib.store import collaboration as store

    content = content_of(item)
    try:
        if before is not None and int(item.version) == 2:
            # The first edit: a post written without its first version kept (a bulk
            # import writes posts directly) gets it now; a no-op when it is there.
            store.put_version(
                item.workspace_id,
                item.post_id,
                1,
                before.model_dump(mode="json"),
                item.created_by,
                "created",
                at=item.created_at,
            )
        store.put_version(
            item.workspace_id,
            item.post_id,
            int(item.version),
            content.model_dump(mode="json"),
            actor,
            reason,
            restored_from,
        )
    except Exception:
        logger.exception(
            "keeping a post version failed",
            extra={"post_id": item.post_id, "version": int(item.version)},
        )
    return diff(before, content) if before is not None else []


def stored_content(version: VersionItem) -> VersionContent:
    return VersionContent.model_validate(json.loads(version.content))


def list_versions(workspace_id: str, post_id: str) -> list[VersionItem]:
    from chalicelib.store import collaboration as store

    return store.list_versions(workspace_id, post_id)


def get_version(workspace_id: str, post_id: str, version: int) -> VersionItem:
    from chalicelib.store import collaboration as store

    found = store.get_version(workspace_id, post_id, version)
    if found is None:
        raise NotFound(f"Version {version} of this post is not kept.")
    return found


def compare(
    workspace_id: str, post_id: str, version: int, against: int | None
) -> tuple[int, list[Change]]:
    """The changes from `against` (default: the kept version before) to `version`."""
    target = get_version(workspace_id, post_id, version)
    if against is None:
        older = [v for v in list_versions(workspace_id, post_id) if int(v.version) < version]
        if not older:  # the first version: everything it has is new
            return 0, diff(VersionContent(), stored_content(target))
        base = older[0]
    else:
        base = get_version(workspace_id, post_id, against)
    return int(base.version), diff(stored_content(base), stored_content(target))


def restore(
    workspace_id: str,
    post_id: str,
    version: int,
    body: RestoreIn,
    actor: str | None,
    facts: Facts,
    now: datetime | None = None,
    reviewer: Reviewer | None = None,
) -> PostItem:
    """Bring back `version`'s content as a new edit of the version the caller read; the
    approval policy treats it as an edit by `reviewer` (who restores, with their role)."""
    from chalicelib.domain.posts import PostPatch, TargetIn, When
    from chalicelib.posts.service import update_post
    from chalicelib.store.base import utcnow

    content = stored_content(get_version(workspace_id, post_id, version))
    fields: dict[str, object] = {
        "version": body.version,
        "text": content.text,
        "media_ids": content.media_ids,
        "targets": [
            TargetIn(account_id=t.account_id, text=t.text, options=t.options)
            for t in content.targets
        ],
        "first_comment": content.first_comment,
    }
    if body.restore_time:
        now = now or utcnow()
        at = datetime.fromisoformat(content.scheduled_at) if content.scheduled_at else None
        if at is not None and at <= now:
            raise invalid("restore_time", "that version's time has passed: restore without it")
        fields["when"] = (
            When(at=at.isoformat(), timezone=content.timezone) if at is not None else None
        )
        fields["recurrence"] = content.recurrence
    patch = PostPatch.model_validate(fields)
    return update_post(
        workspace_id,
        post_id,
        patch,
        facts,
        now,
        actor=actor,
        restored_from=version,
        reviewer=reviewer,
    )
