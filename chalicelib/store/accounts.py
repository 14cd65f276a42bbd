"""Connected social accounts: one item per identity behind a grant, per workspace."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import DoesNotExist

from chalicelib.store.base import table_meta, utcnow
from chalicelib.store.model import StoredModel

# Accounts whose tokens expire are spread over this many GSI partitions for the refresh job.
REFRESH_SHARDS = 4


class SlotAttribute(MapAttribute):
    weekday = NumberAttribute()  # 0 = Monday
    time = UnicodeAttribute()  # "HH:MM", in the account's time zone


class AccountItem(StoredModel):
    Meta = table_meta("accounts")

    workspace_id = UnicodeAttribute(hash_key=True)
    account_id = UnicodeAttribute(range_key=True)
    network = UnicodeAttribute()
    external_id = UnicodeAttribute()
    display_name = UnicodeAttribute()
    handle = UnicodeAttribute(null=True)
    avatar_url = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(default="profile")  # profile, page, organization, business
    status = UnicodeAttribute(default="connected")
    sealed_tokens = UnicodeAttribute(null=True)  # the token vault's blob; never returned
    token_expires_at = UnicodeAttribute(null=True)  # UTC ISO-8601
    refresh_expires_at = UnicodeAttribute(null=True)
    refresh_shard = UnicodeAttribute(null=True)  # sparse GSI: only refreshable tokens
    scopes = ListAttribute(of=UnicodeAttribute, default=list)
    slots = ListAttribute(of=SlotAttribute, default=list)
    timezone = UnicodeAttribute(default="UTC")
    options = JSONAttribute(default=dict)  # per network: Pinterest board, Mastodon instance
    last_error = UnicodeAttribute(null=True)
    connected_by = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute(default=utcnow)
    updated_at = UTCDateTimeAttribute(default=utcnow)


@dataclass
class AccountFields:
    """What a connection writes about one identity."""

    network: str
    external_id: str
    display_name: str
    handle: str | None = None
    avatar_url: str | None = None
    kind: str = "profile"
    scopes: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)


def slot_items(slots: list[tuple[int, str]]) -> list[SlotAttribute]:
    """Posting slots as stored: (weekday, "HH:MM") pairs."""
    return [SlotAttribute(weekday=weekday, time=at) for weekday, at in slots]


def new_account_id() -> str:
    return f"a_{secrets.token_hex(8)}"


def get(workspace_id: str, account_id: str) -> AccountItem | None:
    try:
        return AccountItem.get(workspace_id, account_id, consistent_read=True)
    except DoesNotExist:
        return None


def list_accounts(workspace_id: str) -> list[AccountItem]:
    return list(AccountItem.query(workspace_id))


def find_by_identity(workspace_id: str, network: str, external_id: str) -> AccountItem | None:
    for item in AccountItem.query(workspace_id):
        if item.network == network and item.external_id == external_id:
            return item
    return None


def count(workspace_id: str) -> int:
    return sum(1 for item in AccountItem.query(workspace_id) if item.status != "disconnected")


def save(item: AccountItem) -> AccountItem:
    item.updated_at = utcnow()
    item.save()
    return item


def shard_for(account_id: str) -> str:
    return str(int(account_id[-2:], 16) % REFRESH_SHARDS) if account_id[-2:].isalnum() else "0"


def due_for_refresh(before: datetime) -> list[tuple[str, str]]:
    """(workspace_id, account_id) of accounts whose tokens expire before `before`.

    The refresh job runs across tenants by design; it reads keys from the sparse GSI and
    then loads each account with its own workspace id.
    """
    from chalicelib.aws import client
    from chalicelib.store.base import iso

    dynamodb = client("dynamodb")
    found = []
    for shard in range(REFRESH_SHARDS):
        pages = dynamodb.get_paginator("query").paginate(
            TableName=AccountItem.Meta.table_name,
            IndexName="token-expiry-index",
            KeyConditionExpression="refresh_shard = :s AND token_expires_at < :t",
            ExpressionAttributeValues={":s": {"S": str(shard)}, ":t": {"S": iso(before)}},
        )
        for page in pages:
            found += [(i["workspace_id"]["S"], i["account_id"]["S"]) for i in page["Items"]]
    return found
