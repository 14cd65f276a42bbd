"""What email costs, through the real code on the in-process embedded AWS (moto): one
notification to a workspace of 10 owners and admins (preferences read in one batch, a
suppression check, the layout rendered and one SendRawEmail each), and one weekly digest
of a workspace with 300 posts in the week, 100 failed and 100 coming (the posts queried,
the analytics summary, rendered and sent).

Figures are medians in milliseconds of CPU-bound work against moto, whose DynamoDB and
SES are slower than the real ones: upper bounds for the app's own share.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from local.offline import provisioned_moto, use_offline_environment

use_offline_environment("bench")


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    from chalice.test import Client

    with provisioned_moto("bench"):
        import logging

        import app

        logging.getLogger("schedulo-api").setLevel(logging.WARNING)
        from chalicelib.domain.ids import new_id
        from chalicelib.notify import notify
        from chalicelib.notify.digest import compose, handle
        from chalicelib.store import posts as post_store
        from chalicelib.store.base import iso
        from tests.support.factories import add_member, call, signup

        with Client(app.app) as client:
            owner = signup(client)
            ws = owner.workspace_id
            for _ in range(9):
                add_member(client, owner, "admin")
            one = median_ms(
                lambda: notify(ws, "post.failed", "A post did not go out", "why", "/posts/p_1"), 20
            )
            print(f"notify to 10 owners and admins: {one:.1f} ms median ({one / 10:.1f} ms each)")

            saved = call(
                client,
                "PUT",
                f"/v1/workspaces/{ws}/notification-preferences",
                {"digest": "weekly", "timezone": "Europe/Paris"},
                owner.headers,
            )
            due = datetime.fromisoformat(saved.json["next_digest_at"].replace("Z", "+00:00"))
            for index in range(500):
                status = ("published", "failed", "scheduled")[index % 5 % 3]
                at = due + timedelta(hours=index % 100) * (1 if status == "scheduled" else -1)
                post_store.create(
                    post_store.PostItem(
                        workspace_id=ws,
                        post_id=new_id("p"),
                        status=status,
                        text=f"Post {index} with a little text",
                        scheduled_at=iso(at),
                        created_at=iso(at),
                        updated_at=iso(at),
                        targets=[
                            post_store.TargetAttribute(
                                target_id=new_id("t"),
                                account_id="a_1",
                                network="x",
                                status="failed" if status == "failed" else "published",
                            )
                        ],
                    )
                )
            document = {"digest": "weekly", "timezone": "Europe/Paris", "immediate": {}}
            composed = median_ms(lambda: compose(ws, owner.user_id, "weekly", document, due), 10)
            print(f"weekly digest composed (500 posts around it): {composed:.1f} ms median")
            started = time.perf_counter()
            from chalicelib.store.email import get_preferences

            item = get_preferences(ws, owner.user_id)
            payload = {
                "workspace_id": ws,
                "user_id": owner.user_id,
                "version": int(item.digest_version or 0) if item else 0,
                "due": iso(due),
            }
            assert handle(payload)["sent"] is True
            took = (time.perf_counter() - started) * 1000
            print(f"digest invocation (armed the next, composed, sent): {took:.1f} ms")
            print(f"at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
