"""An account's tokens: sealed in the vault, read back as a grant, refreshed in time.

The publisher calls `access_for(item)` before each publish (refreshing when the token
expires within 5 minutes); the refresh job calls `refresh_account` for tokens expiring
within a day. Network rules live in `refresh_policy`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.networks.base import AccountAuth, ErrorKind, NetworkError, TokenGrant
from chalicelib.store import accounts as account_store
from chalicelib.store.base import iso, utcnow

# Tokens that cannot be refreshed are flagged this long before they expire.
EXPIRY_WARNING = timedelta(days=7)
# Instagram and Threads long-lived tokens may be refreshed only once they are a day old.
MIN_AGE_BEFORE_REFRESH = {"instagram": timedelta(hours=24), "threads": timedelta(hours=24)}


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).astimezone(UTC) if value else None


def store_secrets(item: account_store.AccountItem, secrets: dict[str, Any]) -> None:
    """Seal `secrets` for the account and save it with its expiry and status."""
    from chalicelib.oauth.vault import vault

    secrets = {**secrets, "issued_at": secrets.get("issued_at") or utcnow().isoformat()}
    reconnecting = item.status in ("needs_reconnect", "disconnected")
    item.sealed_tokens = vault().seal(item.workspace_id, item.account_id, secrets)
    expires = parse_time(secrets.get("expires_at"))
    item.token_expires_at = iso(expires) if expires else None
    refresh_expires = parse_time(secrets.get("refresh_expires_at"))
    item.refresh_expires_at = iso(refresh_expires) if refresh_expires else None
    item.refresh_shard = account_store.shard_for(item.account_id) if expires else None
    item.status = status_for(expires, bool(secrets.get("refresh_token")), item.network)
    account_store.save(item)
    if reconnecting:
        # Collection paused the account's analytics when it stopped accepting Schedulo.
        from chalicelib.analytics.collection import resume_collection

        resume_collection(item.workspace_id, item.account_id)


def status_for(expires: datetime | None, refreshable: bool, network: str) -> str:
    from chalicelib.networks.registry import adapter_class

    if expires is None:
        return "connected"
    if (
        not (refreshable and adapter_class(network).can_refresh)
        and expires - utcnow() < EXPIRY_WARNING
    ):
        return "expiring"
    return "connected"


def open_secrets(item: account_store.AccountItem) -> dict[str, Any]:
    from chalicelib.oauth.vault import vault

    if not item.sealed_tokens:
        raise NetworkError(ErrorKind.REAUTH, "This account is not connected; reconnect it.")
    return vault().open(item.workspace_id, item.account_id, item.sealed_tokens)


def grant_of(secrets: dict[str, Any]) -> TokenGrant:
    return TokenGrant(
        access_token=secrets["grant_access_token"] or secrets["access_token"],
        expires_at=parse_time(secrets.get("expires_at")),
        refresh_token=secrets.get("refresh_token"),
        refresh_expires_at=parse_time(secrets.get("refresh_expires_at")),
        scopes=tuple(secrets.get("scopes") or ()),
        token_type=secrets.get("token_type") or "bearer",
        subject=secrets.get("subject"),
    )


def refresh_account(item: account_store.AccountItem) -> None:
    """Refresh now; on a refusal the account needs reconnecting (and the caller notifies)."""
    from chalicelib.oauth.adapters import adapter_for

    secrets = open_secrets(item)
    adapter = adapter_for(item)
    try:
        new = adapter.refresh(grant_of(secrets))
    except NetworkError as exc:
        # A Bluesky session that ran out is opened again with the sealed app password.
        from chalicelib.networks.bluesky import BlueskyAdapter

        app_password = secrets.get("app_password")
        if not (
            exc.kind is ErrorKind.REAUTH and app_password and isinstance(adapter, BlueskyAdapter)
        ):
            raise
        new, _ = adapter.create_session(item.handle or item.external_id, app_password)
    own_token = secrets["access_token"] != secrets["grant_access_token"]
    store_secrets(
        item,
        {
            **secrets,
            # Page tokens (Facebook) outlive the user token: keep the page's own token.
            "access_token": secrets["access_token"] if own_token else new.access_token,
            "grant_access_token": new.access_token,
            # Refresh tokens rotate (TikTok, X): always keep the newest one.
            "refresh_token": new.refresh_token or secrets.get("refresh_token"),
            "expires_at": new.expires_at.isoformat() if new.expires_at else None,
            "refresh_expires_at": (
                new.refresh_expires_at.isoformat()
                if new.refresh_expires_at
                else secrets.get("refresh_expires_at")
            ),
            "scopes": list(new.scopes) or secrets.get("scopes"),
            "issued_at": utcnow().isoformat(),
        },
    )
    from chalicelib.observability import count

    count("TokenRefreshed", network=item.network)


def refresh_due(item: account_store.AccountItem, within: timedelta) -> bool:
    """Whether the account's token should be refreshed now under its network's rules."""
    from chalicelib.networks.registry import adapter_class

    expires = parse_time(item.token_expires_at)
    if expires is None or expires - utcnow() > within:
        return False
    if not adapter_class(item.network).can_refresh:
        return False
    secrets = open_secrets(item)
    if not secrets.get("refresh_token") and item.network not in MIN_AGE_BEFORE_REFRESH:
        return False
    min_age = MIN_AGE_BEFORE_REFRESH.get(item.network)
    issued = parse_time(secrets.get("issued_at"))
    return not (min_age and issued and utcnow() - issued < min_age)


def access_for(
    item: account_store.AccountItem, refresh_within: timedelta = timedelta(minutes=5)
) -> AccountAuth:
    """Who to post as, refreshing the token first when it expires within 5 minutes."""
    if refresh_due(item, refresh_within):
        refresh_account(item)
    return AccountAuth(item.external_id, open_secrets(item)["access_token"])
