"""Accounts and media as posts find them, written straight to their stores."""

from __future__ import annotations

from chalicelib.domain.ids import new_id
from chalicelib.store import accounts as account_store
from chalicelib.store import media as media_store

MONDAY_9 = [{"weekday": 0, "time": "09:00"}]


def an_account(
    workspace_id: str,
    network: str,
    *,
    status: str = "connected",
    timezone: str = "Europe/Paris",
    slots: list[dict] | None = None,
) -> str:
    """A connected account of `network` in the workspace; returns its id."""
    item = account_store.AccountItem(
        workspace_id,
        account_store.new_account_id(),
        network=network,
        external_id=new_id("ext"),
        display_name=f"Test {network}",
        status=status,
        timezone=timezone,
        slots=[
            account_store.SlotAttribute(**slot) for slot in (MONDAY_9 if slots is None else slots)
        ],
    )
    account_store.save(item)
    return item.account_id


def a_picture(
    workspace_id: str,
    *,
    size: int = 200_000,
    width: int = 1080,
    height: int = 1080,
    content_type: str = "image/jpeg",
) -> str:
    """An inspected image (a JPEG unless said) in the workspace's library; returns its id."""
    media_id = new_id("m")
    item = media_store.create(
        workspace_id,
        media_id,
        filename="photo.jpg",
        declared_content_type=content_type,
        declared_size=size,
        max_bytes=size,
        upload_key=f"uploads/{media_id}",
        created_by="u_test",
    )
    inspection = {
        "kind": "image",
        "content_type": content_type,
        "size": size,
        "width": width,
        "height": height,
    }
    media_store.mark_ready(item, inspection=inspection, key=f"media/{media_id}", thumbnail_key=None)
    return media_id
