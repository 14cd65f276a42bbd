"""Version history of a post: every saved version's content is kept (created, each edit,
each restore), two versions can be compared field by field, and an old version comes
back as a new edit of the current one (its version check included: 409 when stale).

The newest version is the post itself (its `content_version`, who saved it and when):
a version's row is written only when an edit replaces it, so a post never edited costs
no version write. Posts written before kept a row for every version, their current one
included; they read as they did.

Keeping a version never fails the save it comes with: a lost snapshot is logged.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.domain.collaboration import (
    Change,
    RestoreIn,
    TimelineKind,
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


def _as_version(item: PostItem, number: int) -> VersionItem:
    """The post's own content as version `number` (not written)."""
    from chalicelib.store import collaboration as store

    edited = number > 1
    restored = int(item.restored_from) if edited and item.restored_from is not None else None
    return store.new_version(
        item.workspace_id,
        item.post_id,
        number,
        content_of(item).model_dump(mode="json"),
        item.content_by if edited else item.created_by,
        TimelineKind.RESTORED if restored else TimelineKind.EDITED if edited else "created",
        restored,
        at=(item.content_at or item.updated_at) if edited else item.created_at,
    )


def superseded(item: PostItem) -> VersionItem | None:
    """The version an edit of `item` (as read, before the edit changes it) replaces, to
    keep; None when it is kept already (a post written before, past its first version)."""
    if item.content_version is not None:
        return _as_version(item, int(item.content_version))
    return _as_version(item, 1) if int(item.version) == 1 else None


def saved_as(item: PostItem, actor: str | None, restored_from: int | None, at: str) -> None:
    """Make `item`'s content the version its edit writes (call before the write)."""
    item.content_version = int(item.version) + 1
    item.content_by, item.content_at, item.restored_from = actor, at, restored_from


def keep(version: VersionItem | None) -> None:
    """Write the row of a version an edit replaces; a failure is logged, never raised."""
    from chalicelib.store import collaboration as store

    if version is None:
        return
    try:
        store.put_version(version)
    except Exception:
        logger.exception(
            "keeping a post version failed",
            extra={"post_id": version.post_id, "version": int(version.version)},
        )


def stored_content(version: VersionItem) -> VersionContent:
    return VersionContent.model_validate(json.loads(version.content))


def history(item: PostItem) -> list[VersionItem]:
    """Every version of the post, newest first: the kept rows and the post itself."""
    from chalicelib.store import collaboration as store

    kept = store.list_versions(item.workspace_id, item.post_id)
    if item.content_version is None:  # written before: its rows hold its current version
        return kept or [_as_version(item, 1)]
    number = int(item.content_version)
    return [_as_version(item, number)] + [v for v in kept if int(v.version) < number]


def list_versions(workspace_id: str, post_id: str) -> list[VersionItem]:
    from chalicelib.store import posts as post_store

    return history(post_store.get_or_404(workspace_id, post_id))


def get_version(workspace_id: str, post_id: str, version: int) -> VersionItem:
    return find(list_versions(workspace_id, post_id), version)


def find(versions: list[VersionItem], version: int) -> VersionItem:
    found = next((v for v in versions if int(v.version) == version), None)
    if found is None:
        raise NotFound(f"Version {version} of this post is not kept.")
    return found


def compare(
    workspace_id: str, post_id: str, version: int, against: int | None
) -> tuple[int, list[Change]]:
    """The changes from `against` (default: the kept version before) to `version`."""
    versions = list_versions(workspace_id, post_id)
    target = find(versions, version)
    if against is None:
        older = [v for v in versions if int(v.version) < version]
        if not older:  # the first version: everything it has is new
            return 0, diff(VersionContent(), stored_content(target))
        base = older[0]
    else:
        base = find(versions, against)
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
