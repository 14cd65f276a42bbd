"""A workspace with connected sandbox accounts, posts scheduled straight into the store
and armed as the posts service does, and the scheduler emulator firing them at the real
publisher handler (`app.publisher`) in this process."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from chalice.test import Client

from chalicelib.domain.ids import new_id
from chalicelib.store.base import iso, utcnow
from tests.support.connect import connect
from tests.support.factories import SignedUp, signup
from tests.support.sandbox import RunningSandbox


def invoke_publisher(payload: dict[str, Any]) -> Any:
    from chalice.local import LambdaContext

    import app

    context = LambdaContext(function_name="publisher", memory_size=1024, max_runtime_ms=900_000)
    return app.publisher(payload, context)


class PublishingWorld:
    def __init__(self, client: Client, sandbox: RunningSandbox) -> None:
        self.client, self.sandbox = client, sandbox
        self.owner: SignedUp | None = None
        self.emulator: Any = None
        self.invocations: list[dict[str, Any]] = []

    def __enter__(self) -> PublishingWorld:
        from chalicelib import scheduling
        from chalicelib.aws import client as aws_client
        from chalicelib.settings import get_settings
        from local.scheduler import SchedulerEmulator

        get_settings.cache_clear()
        self.owner = signup(self.client)

        def invoke(arn: str, payload: dict[str, Any]) -> Any:
            self.invocations.append(payload)
            return invoke_publisher(payload)

        scheduling.use_local_invoker(invoke)
        self.emulator = SchedulerEmulator(
            scheduler=aws_client("scheduler"),
            sqs=aws_client("sqs"),
            group=get_settings().schedule_group,
            invoke=invoke,
            tick_seconds=0.1,
            retry_base_seconds=0.2,
            log=lambda line: None,
        ).start()
        return self

    def __exit__(self, *exc: object) -> None:
        from chalicelib import scheduling

        self.emulator.stop()
        scheduling.use_local_invoker(None)

    @property
    def ws(self) -> str:
        assert self.owner is not None
        return self.owner.workspace_id

    def account(self, network: str) -> str:
        assert self.owner is not None
        return connect(self.client, self.owner, network)[0]

    def bluesky_account(self, handle: str = "bakery.bsky.social") -> str:
        """A Bluesky account (app password sign-in, as its connect flow does)."""
        from chalicelib.oauth.connect import save_identity
        from tests.support.networks import adapter

        assert self.owner is not None
        grant, identity = adapter("bluesky").create_session(handle, "abcd-efgh-ijkl-mnop")
        return save_identity(self.ws, self.owner.user_id, grant, identity)

    def schedule(
        self, accounts: dict[str, str], text: str, at: datetime | None = None, arm: bool = True
    ) -> str:
        """A scheduled post for {account_id: network}, armed as the posts service does."""
        from chalicelib import scheduling
        from chalicelib.store import posts as store

        at = at or utcnow() + timedelta(seconds=2)
        stamp = iso(utcnow())
        item = store.PostItem(
            self.ws,
            new_id("p"),
            version=1,
            status="scheduled",
            text=text,
            scheduled_at=iso(at.replace(microsecond=0)),
            targets=[
                store.TargetAttribute(
                    target_id=new_id("t"), account_id=account, network=network, status="pending"
                )
                for account, network in accounts.items()
            ],
            created_at=stamp,
            updated_at=stamp,
        )
        store.create(item)
        if arm:
            scheduling.arm(self.ws, item.post_id, 1, datetime.fromisoformat(item.scheduled_at))
            store.mark_armed(self.ws, item.post_id, 1)
        return item.post_id

    def post(self, post_id: str) -> Any:
        from chalicelib.store import posts as store

        return store.get(self.ws, post_id)

    def wait_for(
        self, post_id: str, done: Callable[[Any], bool] | None = None, timeout: float = 20
    ) -> Any:
        finished = done or (lambda item: item.status not in ("scheduled", "publishing"))
        deadline = time.time() + timeout
        while time.time() < deadline:
            item = self.post(post_id)
            if item is not None and finished(item):
                return item
            time.sleep(0.1)
        raise AssertionError(f"post {post_id} still {self.post(post_id).status}")

    def audit(self, action: str = "post.publish_attempt") -> list[dict[str, Any]]:
        import json

        from chalicelib.store.audit import list_events

        events, _ = list_events(self.ws, 200, None)
        return [{"target": e.target, **json.loads(e.details)} for e in events if e.action == action]
