"""Account health: the periodic token refresh, failures, and disconnecting."""

from __future__ import annotations

from datetime import timedelta

from chalicelib import webhooks
from chalicelib.networks.base import ErrorKind, NetworkError
from chalicelib.observability import count, logger
from chalicelib.store import accounts as account_store
from chalicelib.store.base import utcnow

REFRESH_AHEAD = timedelta(days=1)


def refresh_expiring_tokens() -> dict[str, int]:
    """The job: refresh tokens expiring within a day; flag the ones that cannot be.

    Runs across tenants: the sparse index gives (workspace, account) keys, and each
    account is then read and written with its own workspace id.
    """
    from chalicelib.oauth.tokens import (
        EXPIRY_WARNING,
        parse_time,
        refresh_account,
        refresh_due,
        status_for,
    )

    counts = {"refreshed": 0, "failed": 0, "flagged": 0}
    for workspace_id, account_id in account_store.due_for_refresh(utcnow() + EXPIRY_WARNING):
        item = account_store.get(workspace_id, account_id)
        if item is None or item.status in ("disconnected", "needs_reconnect"):
            continue
        try:
            if refresh_due(item, REFRESH_AHEAD):
                refresh_account(item)
                counts["refreshed"] += 1
                continue
        except NetworkError as exc:
            mark_refresh_failed(item, exc)
            counts["failed"] += 1
            continue
        expires = parse_time(item.token_expires_at)
        status = status_for(expires, _has_refresh_token(item), item.network)
        if status != item.status:
            item.status = status
            account_store.save(item)
            counts["flagged"] += 1
            if status == "expiring":
                _notify_expiring(item)
    logger.info("token refresh job", extra=counts)
    return counts


def _has_refresh_token(item: account_store.AccountItem) -> bool:
    from chalicelib.oauth.tokens import open_secrets

    return bool(open_secrets(item).get("refresh_token"))


def mark_refresh_failed(item: account_store.AccountItem, error: NetworkError) -> None:
    """A refused refresh means the user must reconnect; a passing fault is just noted."""
    count("TokenRefreshFailed", network=item.network, kind=error.kind.value)
    item.last_error = error.message
    if error.kind is ErrorKind.REAUTH:
        item.status = "needs_reconnect"
        account_store.save(item)
        mark_needs_reconnect_notified(item, error.message)
    else:
        account_store.save(item)


def mark_needs_reconnect_notified(item: account_store.AccountItem, reason: str) -> None:
    from chalicelib.networks.registry import network_name
    from chalicelib.notify import notify

    notify(
        item.workspace_id,
        kind="account.needs_reconnect",
        title=f"Reconnect {item.display_name}",
        message=(
            f"{item.display_name} on {network_name(item.network)} no longer accepts "
            f"Schedulo's access ({reason}). Reconnect it so its scheduled posts can go out."
        ),
        link="/accounts",
        subject_id=item.account_id,
    )
    webhooks.account_event(item, "account.needs_reconnect", reason)


def _notify_expiring(item: account_store.AccountItem) -> None:
    from chalicelib.networks.registry import network_name
    from chalicelib.notify import notify

    notify(
        item.workspace_id,
        kind="account.expiring",
        title=f"{item.display_name}'s access expires soon",
        message=(
            f"{network_name(item.network)} does not let Schedulo renew the access of "
            f"{item.display_name}; "
            f"it ends on {item.token_expires_at}. Reconnect before then."
        ),
        link="/accounts",
        subject_id=item.account_id,
    )


def disconnect(item: account_store.AccountItem, actor: str) -> int:
    """Revoke at the network where it offers that, forget the tokens, and cancel the
    account's scheduled targets. Returns how many targets were cancelled."""
    from chalicelib import scheduling
    from chalicelib.oauth.adapters import adapter_for
    from chalicelib.oauth.tokens import grant_of, open_secrets
    from chalicelib.store.posts import cancel_account_targets

    adapter = adapter_for(item)
    if adapter.can_revoke and item.sealed_tokens:
        try:
            adapter.revoke(grant_of(open_secrets(item)))
        except NetworkError as exc:  # the grant may already be gone; disconnect anyway
            logger.warning("revoke failed", extra={"network": item.network, "kind": exc.kind})
    item.sealed_tokens = None
    item.refresh_shard = None
    item.token_expires_at = None
    was_connected = item.status != "disconnected"
    item.status = "disconnected"
    account_store.save(item)
    if was_connected:
        from chalicelib.billing.entitlements import release_accounts

        release_accounts(item.workspace_id, 1)
    reason = f"{item.display_name} was disconnected"
    cancelled = cancel_account_targets(item.workspace_id, item.account_id, reason)
    for post_id in cancelled.emptied:
        scheduling.disarm(post_id)
    _audit(item, actor, cancelled.targets)
    return cancelled.targets


def _audit(item: account_store.AccountItem, actor: str, cancelled: int) -> None:
    from chalicelib.store.audit import record_event

    record_event(
        item.workspace_id,
        actor=actor,
        action="account.disconnected",
        target=item.account_id,
        details={
            "network": item.network,
            "name": item.display_name,
            "handle": item.handle,
            "cancelled_targets": cancelled,
        },
    )
