"""A post with media publishes at most MEDIA_TARGETS_AT_ONCE targets at once: each holds
its network's upload chunk while it sends, and the publisher's memory (512 MB,
.chalice/config.json) is sized for that many (bench/publish.py --video-only)."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from chalicelib.publishing import handler
from chalicelib.store import posts as store
from chalicelib.store.base import utcnow
from tests.support.posting import a_picture
from tests.support.publishing import invoke_publisher

NETWORKS = ("x", "linkedin", "facebook", "threads")


def test_a_post_with_media_publishes_every_target_a_few_at_a_time(world, monkeypatch):
    monkeypatch.setattr(handler, "MEDIA_TARGETS_AT_ONCE", 2)
    lock, running, most = threading.Lock(), [0], [0]

    def counted(original: Any) -> Any:
        def publish(*args: Any, **kwargs: Any) -> Any:
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            try:
                return original(*args, **kwargs)
            finally:
                with lock:
                    running[0] -= 1

        return publish

    # A target's whole turn, claimed by this invocation or not.
    for name in ("publish_target", "publish_claimed"):
        monkeypatch.setattr(handler, name, counted(getattr(handler, name)))
    accounts = {world.account(network): network for network in NETWORKS}
    for network in NETWORKS:
        world.sandbox.latency(network, 200)  # each holds its slot a while
    due = utcnow() - timedelta(seconds=1)
    post_id = world.schedule(accounts, "New menu, picture attached", at=due, arm=False)
    item = store.get(world.ws, post_id)
    item.media_ids = [_uploaded_picture(world.ws)]
    item.save()
    invoke_publisher({"workspace_id": world.ws, "post_id": post_id, "version": 1})
    published = store.get(world.ws, post_id)
    assert [t.status for t in published.targets] == ["published"] * len(NETWORKS)
    assert 1 <= most[0] <= 2


def _uploaded_picture(ws: str) -> str:
    """A 1080x1080 JPEG in the library and in the media bucket."""
    import io

    from PIL import Image

    from chalicelib.aws import client
    from chalicelib.settings import get_settings

    data = io.BytesIO()
    Image.new("RGB", (1080, 1080), (200, 120, 40)).save(data, "JPEG")
    media_id = a_picture(ws, size=len(data.getvalue()))
    client("s3").put_object(
        Bucket=get_settings().media_bucket, Key=f"media/{media_id}", Body=data.getvalue()
    )
    return media_id
