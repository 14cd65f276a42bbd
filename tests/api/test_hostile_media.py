"""Issue 19: an image whose header promises more memory than a Lambda has is refused
from its header at `complete`, before Pillow decodes a pixel."""

from __future__ import annotations

import struct
import zlib

import pytest

from chalicelib.media import inspection
from chalicelib.media.inspection import Refused, decoded_bytes, inspect
from chalicelib.media.source import BytesSource
from tests.api.test_media import complete, upload
from tests.support.factories import signup


def png_header(width: int, height: int, color_type: int = 6, bit_depth: int = 8) -> bytes:
    """A PNG whose header says `width` x `height` (RGBA by default), with a few bytes of
    pixel data: enough for Pillow to open it, far too few to decode."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 4096)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_a_png_near_the_pixel_cap_is_refused_from_its_header(client, monkeypatch):
    decoded = []
    monkeypatch.setattr("PIL.ImageFile.ImageFile.load", lambda self: decoded.append(1))
    owner = signup(client)
    media = upload(client, owner, png_header(9_000, 9_000), filename="huge.png")
    refused = complete(client, owner, media["id"])
    assert refused.status_code == 422
    error = refused.json["error"]
    assert error["details"][0]["field"] == "file"
    assert "308 MB once decoded (9000x9000, RGBA); at most 200 MB" in error["message"]
    assert decoded == []  # not a pixel was decoded


def test_a_large_grey_png_that_fits_in_memory_is_not_refused_for_its_size():
    data = png_header(12_000, 12_000, color_type=0)  # 144 MB decoded: one band
    with pytest.raises(Refused) as refused:
        inspect(BytesSource(data))
    assert "once decoded" not in refused.value.reason  # refused as truncated, after the check


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("RGBA", 4), ("RGB", 3), ("L", 1), ("P", 1), ("1", 1), ("I;16", 2), ("I", 4), ("F", 4)],
)
def test_the_decoded_size_counts_every_band_and_its_depth(mode, expected):
    assert decoded_bytes(10, 10, mode) == 100 * expected


def test_the_cap_is_below_what_the_pixel_cap_alone_allowed():
    assert decoded_bytes(10_000, 10_000, "RGBA") > inspection.IMAGE_MAX_DECODED_BYTES
