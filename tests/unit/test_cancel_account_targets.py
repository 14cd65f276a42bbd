"""Disconnecting an account cancels its targets that have not gone out."""

from __future__ import annotations

from chalicelib.store import posts as store
from chalicelib.store.base import iso, utcnow


def _post(ws: str, post_id: str, accounts: list[str], status: str = "scheduled") -> None:
    stamp = iso(utcnow())
    store.create(
        store.PostItem(
            ws,
            post_id,
            status=status,
            text="hello",
            scheduled_at=stamp,
            targets=[
                store.TargetAttribute(target_id=f"t_{a}_{post_id}", account_id=a, network="x")
                for a in accounts
            ],
            created_at=stamp,
            updated_at=stamp,
        )
    )


def test_the_accounts_pending_targets_are_cancelled_with_the_reason(aws):
    _post("w1", "p_shared", ["a1", "a2"])
    _post("w1", "p_alone", ["a1"])
    _post("w1", "p_other", ["a2"])
    _post("w1", "p_done", ["a1"], status="published")

    cancelled = store.cancel_account_targets("w1", "a1", "Acme was disconnected")
    assert (cancelled.targets, cancelled.emptied) == (2, ["p_alone"])

    shared = store.get("w1", "p_shared")
    assert [(t.account_id, t.status) for t in shared.targets] == [
        ("a1", "cancelled"),
        ("a2", "pending"),
    ]
    assert shared.targets[0].error == "Acme was disconnected"
    assert shared.status == "scheduled"
    alone = store.get("w1", "p_alone")
    assert alone.status == "failed"  # nothing left to publish: no longer waiting
    assert alone.sweep_shard is None
    assert store.get("w1", "p_other").targets[0].status == "pending"
    assert store.get("w1", "p_done").targets[0].status == "pending"
