"""A 50 MB video goes out in bounded chunks: never whole in memory, never in one call."""

from __future__ import annotations

import tracemalloc

import pytest

from chalicelib.networks.base import AccountAuth, PublishRequest, auth_for
from tests.support.networks import GeneratedVideo, adapter, connect

SIZE = 50 * 1024**2
CHUNK = 4 * 1024**2
CHUNKS = 13  # 12 of 4 MiB and one of 2 MiB


def account_for(network: str, network_adapter) -> AccountAuth:
    grant = connect(network_adapter)
    return auth_for(network_adapter.identities(grant)[0], grant)


# network -> how to recognise the calls that carry video bytes
UPLOAD_CALLS = {
    "x": lambda c: c.path.endswith("/append"),
    "facebook": lambda c: c.path.endswith("/videos") and c.form.get("upload_phase") == "transfer",
    "linkedin": lambda c: c.path.startswith("/linkedin/dms-uploads/video/"),
}


@pytest.mark.parametrize("network", ["x", "facebook", "linkedin"])
def test_a_50_mb_video_is_uploaded_in_bounded_chunks(sandbox, network):
    network_adapter = adapter(network)
    account = account_for(network, network_adapter)
    video = GeneratedVideo(SIZE)

    tracemalloc.start()
    try:
        network_adapter.publish(account, PublishRequest(text="Big one", media=(video.item(),)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    [post] = sandbox.posts(network)
    assert post["media"][0]["bytes"] == SIZE
    uploads = [c for c in sandbox.calls if UPLOAD_CALLS[network](c)]
    assert len(uploads) == CHUNKS
    assert max(c.content_length for c in uploads) < CHUNK + 64 * 1024  # chunk + form overhead
    assert all(c.content_length < SIZE / 2 for c in sandbox.calls), "no call carries the file"
    assert len(video.reads) == CHUNKS and max(n for _, n in video.reads) == CHUNK
    assert sum(n for _, n in video.reads) == SIZE  # each byte read once
    # Adapter and in-process sandbox together stay far below the file's size.
    assert peak < 24 * 1024**2, f"peak {peak / 1024**2:.1f} MiB"
