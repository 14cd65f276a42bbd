"""What a workspace's plan allows. The billing issue fills in plans; until then every
workspace may connect 25 accounts."""

from __future__ import annotations

from chalicelib.errors import PlanLimit

DEFAULT_MAX_ACCOUNTS = 25


def max_accounts(workspace_id: str) -> int:
    return DEFAULT_MAX_ACCOUNTS


def check_can_connect(workspace_id: str, adding: int) -> None:
    """Raise 402 when connecting `adding` more accounts would pass the plan's limit."""
    from chalicelib.store.accounts import count

    if adding <= 0:
        return
    limit = max_accounts(workspace_id)
    if count(workspace_id) + adding > limit:
        raise PlanLimit(
            f"Your plan allows {limit} connected accounts; disconnect one or upgrade.",
            [{"field": "network", "message": f"at most {limit} accounts"}],
        )
