"""Factories for network tests: connecting through the sandbox's OAuth, images,
videos that are generated on the fly, adapters with quick polling."""

from __future__ import annotations

import base64
import hashlib
import io
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import requests

from chalicelib.networks.base import (
    ClientCredentials,
    MediaItem,
    MediaKind,
    NetworkAdapter,
    Polling,
    TokenGrant,
    bytes_reader,
)
from chalicelib.networks.registry import get_adapter

CREDENTIALS = ClientCredentials("schedulo-test-client", "schedulo-test-secret")
REDIRECT_URI = "http://127.0.0.1:8000/v1/oauth/callback"


def adapter(network: str) -> NetworkAdapter:
    return get_adapter(network, CREDENTIALS, polling=Polling(interval=0.2, max_wait=15))


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def connect(
    network_adapter: NetworkAdapter, user: str = "demo", by_form: bool = False
) -> TokenGrant:
    """authorize → consent (auto-approved, or the form's Authorize button) → callback
    → token, as a user's browser and the callback endpoint would do it."""
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(16)
    url = network_adapter.authorize_url(REDIRECT_URI, state, challenge)
    if by_form:
        page = requests.get(url, timeout=10)
        assert page.status_code == 200 and ">Authorize</button>" in page.text
        answer = requests.post(
            url,
            data={"sandbox_user": user, "decision": "authorize"},
            allow_redirects=False,
            timeout=10,
        )
    else:
        answer = requests.get(
            url,
            params={"sandbox_auto_approve": "1", "sandbox_user": user},
            allow_redirects=False,
            timeout=10,
        )
    assert answer.status_code in (302, 303), answer.text
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT_URI)
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == [state]
    return network_adapter.exchange_code(query["code"][0], REDIRECT_URI, verifier)


def jpeg(width: int = 1080, height: int = 1080, color: str = "orange") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def png(width: int = 800, height: int = 600) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 128, 255, 255)).save(buffer, "PNG")
    return buffer.getvalue()


def image_item(data: bytes, content_type: str = "image/jpeg", alt: str | None = None, url=None):
    return MediaItem(
        kind=MediaKind.IMAGE,
        content_type=content_type,
        size=len(data),
        read_range=bytes_reader(data) if url is None else None,
        url=url,
        alt_text=alt,
        filename="photo.jpg",
    )


MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


@dataclass
class GeneratedVideo:
    """An MP4-looking file of `size` bytes made up on demand: never whole in memory.
    Remembers every range read from it."""

    size: int
    reads: list[tuple[int, int]] = field(default_factory=list)

    def read(self, offset: int, length: int) -> bytes:
        length = max(0, min(length, self.size - offset))
        self.reads.append((offset, length))
        pattern = bytes(range(256)) * (length // 256 + 2)
        start = offset % 256
        data = pattern[start : start + length]
        if offset < len(MP4_HEAD):
            head = MP4_HEAD[offset : offset + length]
            data = head + data[len(head) :]
        return data

    def item(self, url: str | None = None) -> MediaItem:
        return MediaItem(
            kind=MediaKind.VIDEO,
            content_type="video/mp4",
            size=self.size,
            read_range=self.read,
            url=url,
            duration_seconds=12.0,
            filename="clip.mp4",
        )

    def whole(self) -> bytes:
        return self.read(0, self.size)


def gif(width: int = 200, height: int = 100) -> bytes:
    from PIL import Image

    frames = [Image.new("P", (width, height), i * 40) for i in range(3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


def age_posts(sandbox, network: str, hours: float) -> None:
    """Moves the sandbox's posts on `network` `hours` into the past, as if published then,
    so their figures have grown (the sandbox's metrics rise with a post's age)."""
    for post in sandbox.posts(network):
        post["received_at"] -= hours * 3600
