"""Schedulo's app at each Mastodon instance (registered once per instance, shared by every
workspace): its client id and its client secret sealed by the token vault
(chalicelib/oauth/adapters.py seals and opens). In the rate-limits table beside the other
small items that belong to no workspace (chalicelib/store/health.py): a Secrets Manager
secret per instance cost $0.40 a month each, and the functions may not create secrets.
"""

from __future__ import annotations

from typing import Any

PREFIX = "mastodon-app#"


def _table() -> str:
    from chalicelib.settings import get_settings

    return get_settings().tables.rate_limits


def _key(instance: str) -> dict[str, Any]:
    return {"counter_key": {"S": PREFIX + instance}}


def get(instance: str) -> tuple[str, str] | None:
    """(client id, sealed client secret) kept for the instance, or None."""
    from chalicelib.aws import client

    item = (
        client("dynamodb")
        .get_item(TableName=_table(), Key=_key(instance), ConsistentRead=True)
        .get("Item")
    )
    if item is None:
        return None
    return item["client_id"]["S"], item["sealed"]["S"]


def keep(instance: str, client_id: str, sealed: str, replacing: str | None = None) -> bool:
    """Keep a registration: the first for the instance, or (`replacing`) one in place of
    the client id the instance forgot. False when another connection got there first."""
    from chalicelib.aws import client

    dynamodb = client("dynamodb")
    condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(counter_key)"}
    if replacing is not None:
        condition = {
            "ConditionExpression": "attribute_not_exists(counter_key) OR client_id = :stale",
            "ExpressionAttributeValues": {":stale": {"S": replacing}},
        }
    try:
        dynamodb.put_item(
            TableName=_table(),
            Item={**_key(instance), "client_id": {"S": client_id}, "sealed": {"S": sealed}},
            **condition,
        )
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return False
    return True
