"""What a post refers to, read from the workspace: its accounts, media and time zone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from typing import TYPE_CHECKING

from chalicelib.domain.approvals import ApprovalMode, ApprovalPolicy
from chalicelib.domain.posts import AccountFacts
from chalicelib.domain.slots import Slot
from chalicelib.domain.utm import link_tracking_of
from chalicelib.domain.validation import MediaFacts
from chalicelib.errors import NotFound
from chalicelib.posts.service import Facts

if TYPE_CHECKING:
    from chalicelib.store.accounts import AccountItem
    from chalicelib.store.media import MediaItem
    from chalicelib.store.workspaces import WorkspaceRecord


def load_facts(workspace_id: str, media_ids: Iterable[str] = ()) -> Facts:
    """The facts the review of a post in `workspace_id` needs (four reads at most)."""
    from chalicelib.admin.suspension import check_not_suspended
    from chalicelib.networks.registry import all_limits
    from chalicelib.settings import get_settings
    from chalicelib.store import accounts as account_store
    from chalicelib.store import media as media_store
    from chalicelib.store.workspaces import get_workspace

    workspace = get_workspace(workspace_id)
    if workspace is None:
        raise NotFound("Workspace not found.")
    check_not_suspended(workspace.suspended)  # 423: a suspended workspace changes no post
    listed = account_store.list_accounts(workspace_id)
    accounts = {item.account_id: account_facts(item) for item in listed}
    identities = {item.account_id: item.external_id for item in listed}
    items = list(media_store.get_many(workspace_id, list(media_ids)).values())
    media = {item.media_id: media_facts(item) for item in items}
    limits = {table.network: table for table in all_limits()}
    return Facts(
        accounts,
        media,
        limits,
        workspace.timezone,
        media_as_sent(items, limits),
        identities,
        policy_in_force(workspace),
        link_tracking_of(workspace.link_tracking, get_settings().short_link_base),
    )


def policy_in_force(workspace: WorkspaceRecord) -> ApprovalPolicy:
    """The policy posts follow: the stored one, unless the workspace's plan has no
    approvals any more (it is kept, and in force again on a plan that has them)."""
    policy = policy_of(workspace.approval_policy)
    if policy.mode is ApprovalMode.OFF:
        return policy
    from chalicelib.billing.entitlements import has_feature
    from chalicelib.billing.plans import Feature

    flags = workspace.feature_flags or {}
    if has_feature(workspace.workspace_id, Feature.APPROVALS, flags):
        return policy
    return ApprovalPolicy()  # off: kept, in force again on a plan that has approvals


def policy_of(stored: dict | None) -> ApprovalPolicy:
    """The workspace's approval policy as stored (off when it never set one)."""
    if not stored:
        return ApprovalPolicy()  # off
    fields = {k: v for k, v in stored.items() if k not in ("updated_by", "updated_at")}
    return ApprovalPolicy.model_validate(fields)


def media_as_sent(items: Iterable[MediaItem], networks: Iterable[str]) -> dict:
    """Each image as each network will receive it: the rendition the publisher sends."""
    from chalicelib.media.library import facts_for_target

    return {
        (network, item.media_id): facts_for_target(item, network)
        for item in items
        for network in networks
        if (item.content_type or "").startswith("image/")
    }


def account_facts(item: AccountItem) -> AccountFacts:
    return AccountFacts(
        account_id=item.account_id,
        network=item.network,
        status=item.status,
        timezone=item.timezone or "UTC",
        slots=tuple(Slot(int(s.weekday), time.fromisoformat(s.time)) for s in item.slots or []),
    )


def media_facts(item: MediaItem) -> MediaFacts:
    from chalicelib.store.media import READY

    return MediaFacts(
        media_id=item.media_id,
        content_type=item.content_type or item.declared_content_type,
        bytes=int(item.size or item.declared_size or 0),
        width=int(item.width) if item.width else None,
        height=int(item.height) if item.height else None,
        duration_seconds=float(item.duration_seconds) if item.duration_seconds else None,
        alt_text=item.alt_text,
        ready=item.status == READY,
    )
