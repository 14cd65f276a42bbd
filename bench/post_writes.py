"""The DynamoDB write units of a post's life besides bench/cost.py's create and publish
(issue 26): a post for now, edits (the text, the time), a restore, an approval, publish
now and a recurring post's move to its next occurrence. Each write's table and the units
of its base table and of each global secondary index, with bench/cost.py's meter (units
by DynamoDB's rules, from the items' sizes), in this process against the embedded AWS.

    python bench/post_writes.py
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.argv[1:] = []  # bench/cost.py reads its runs from the arguments
import cost  # noqa: E402


def main() -> None:
    from chalice.test import Client

    import app
    from chalicelib import scheduling
    from chalicelib.posts import service
    from chalicelib.store import posts as store
    from chalicelib.store.base import utcnow
    from tests.support.aws import NO_CHALICE_CONFIG
    from tests.support.connect import connect
    from tests.support.factories import add_member, call, signup
    from tests.support.sandbox import running_sandbox

    meter = cost.Meter()
    meter.install()
    scheduling.use_local_invoker(lambda arn, payload: None)  # "now": nobody publishes here
    rows: list[tuple[str, cost.Profile]] = []

    def measured(label: str, action: Any) -> Any:
        with meter.measure() as profile:
            answer = action()
        rows.append((label, profile))
        return answer

    with running_sandbox(), Client(app.app, project_dir=NO_CHALICE_CONFIG) as client:
        owner = signup(client)
        editor = add_member(client, owner, "editor")
        x = connect(client, owner, "x")[0]
        ws = f"/v1/workspaces/{owner.workspace_id}"
        at = (utcnow() + timedelta(days=3)).replace(microsecond=0)

        def wall(moment: Any) -> dict[str, str]:
            return {"at": moment.strftime("%Y-%m-%dT%H:%M:%S"), "timezone": "UTC"}

        def ok(answer: Any) -> dict[str, Any]:
            assert answer.status_code in (200, 201), answer.body
            return answer.json

        text = "Fresh bread at 8, come early! #bakery https://example.com/menu"
        body: dict[str, Any] = {"text": text, "targets": [{"account_id": x}], "when": wall(at)}
        post = ok(
            measured(
                "create, scheduled",
                lambda: call(client, "POST", f"{ws}/posts", body, owner.headers),
            )
        )
        now = {**body, "when": {"now": True}}
        measured(
            "create, for now", lambda: ok(call(client, "POST", f"{ws}/posts", now, owner.headers))
        )
        path = f"{ws}/posts/{post['id']}"

        def patch(changes: dict[str, Any]) -> dict[str, Any]:
            return ok(
                call(client, "PATCH", path, {"version": post["version"], **changes}, owner.headers)
            )

        post = measured("edit the text", lambda: patch({"text": text + " Or late."}))
        post = measured("edit the time", lambda: patch({"when": wall(at + timedelta(hours=2))}))
        restore = f"{path}/versions/1/restore"
        post = measured(
            "restore version 1",
            lambda: ok(call(client, "POST", restore, {"version": post["version"]}, owner.headers)),
        )
        measured(
            "publish now",
            lambda: ok(call(client, "POST", f"{path}/publish-now", None, owner.headers)),
        )

        policy = {"mode": "role", "required_below": "admin"}
        ok(call(client, "PUT", f"{ws}/approval-policy", policy, owner.headers))
        pending = ok(
            measured(
                "create, waiting for approval",
                lambda: call(client, "POST", f"{ws}/posts", body, editor.headers),
            )
        )
        approve = f"{ws}/posts/{pending['id']}/approve"
        measured("approve", lambda: ok(call(client, "POST", approve, {}, owner.headers)))
        ok(call(client, "PUT", f"{ws}/approval-policy", {"mode": "off"}, owner.headers))

        series = ok(
            call(
                client,
                "POST",
                f"{ws}/posts",
                {**body, "recurrence": "FREQ=DAILY;COUNT=5"},
                owner.headers,
            )
        )
        published = store.get(owner.workspace_id, series["id"])
        published.status = "published"
        published.targets[0].status, published.targets[0].external_id = "published", "1"
        published.targets[0].published_at = series["scheduled_at"]
        store.save_version(published, int(published.version))
        measured(
            "a series' next occurrence (after a publish)",
            lambda: service.advance_series(
                owner.workspace_id, series["id"], at + timedelta(seconds=5)
            ),
        )

    print("| action | WRU | writes: table base + indexes |")
    print("|---|---:|---|")
    for label, profile in rows:
        writes = "; ".join(
            f"{w.table.removeprefix('schedulo-bench-')} {w.base}"
            + "".join(f" + {name} {units}" for name, units in w.indexes.items())
            for c in profile.calls
            for w in c.writes
        )
        print(f"| {label} | {profile.wru:g} | {writes} |")


if __name__ == "__main__":
    with cost.provisioned_moto("bench"):
        main()
