"""Real media files made by the tests: Pillow images and minimal valid MP4s.

`mp4_bytes` writes an ISO-BMFF file box by box (ftyp, mdat, moov with mvhd and one trak:
tkhd, mdia/mdhd/hdlr, minf/vmhd/dinf/stbl with an avc1 sample description), so the
inspection is tested against a file laid out exactly like a camera's or an encoder's.
`write_sparse_mp4` writes the same with a huge `mdat` by seeking (a sparse file).
"""

from __future__ import annotations

import io
import os
import struct
from pathlib import Path

from PIL import Image

IDENTITY = (0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
ROTATE_90 = (0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000)


def image_bytes(
    fmt: str = "JPEG",
    size: tuple[int, int] = (640, 480),
    *,
    mode: str = "RGB",
    noise: bool = False,
    orientation: int | None = None,
    **save: object,
) -> bytes:
    """An image in `fmt`: a gradient (compresses well) or noise (compresses badly)."""
    width, height = size
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(width * height * 3))
    else:
        image = Image.linear_gradient("L").resize(size).convert("RGB")
    if mode != "RGB":
        image = image.convert(mode)
    buffer = io.BytesIO()
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        save["exif"] = exif
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def animated_gif(frames: int = 5, size: tuple[int, int] = (120, 80)) -> bytes:
    images = [Image.new("RGB", size, color=(i * 40 % 256, 90, 200)) for i in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:], duration=100, loop=0)
    return buffer.getvalue()


def box(kind: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I4s", 8 + len(body), kind) + body


def full_box(kind: bytes, version: int, flags: int, *payload: bytes) -> bytes:
    return box(kind, struct.pack(">I", (version << 24) | flags), *payload)


def _matrix(values: tuple[int, ...]) -> bytes:
    return struct.pack(">9i", *values)


def _video_trak(
    width: int, height: int, ticks: int, timescale: int, codec: bytes, matrix: tuple[int, ...]
) -> bytes:
    tkhd = full_box(
        b"tkhd", 0, 3,
        struct.pack(">IIIII", 0, 0, 1, 0, ticks),
        bytes(8), struct.pack(">hhhH", 0, 0, 0, 0),
        _matrix(matrix),
        struct.pack(">II", width << 16, height << 16),
    )  # fmt: skip
    mdhd = full_box(b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, timescale, ticks, 0x55C4, 0))
    hdlr = full_box(b"hdlr", 0, 0, bytes(4), b"vide", bytes(12), b"VideoHandler\x00")
    avcc = box(b"avcC", bytes([1, 0x64, 0, 0x1F, 0xFF, 0xE0, 0]))
    sample_entry = box(
        codec,
        bytes(6), struct.pack(">H", 1),  # reserved, data reference index
        bytes(16),  # pre-defined and reserved
        struct.pack(">HHIIIH", width, height, 0x00480000, 0x00480000, 0, 1),
        bytes(32),  # compressor name
        struct.pack(">Hh", 0x18, -1),
        avcc,
    )  # fmt: skip
    stbl = box(
        b"stbl",
        full_box(b"stsd", 0, 0, struct.pack(">I", 1), sample_entry),
        full_box(b"stts", 0, 0, struct.pack(">I", 0)),
        full_box(b"stsc", 0, 0, struct.pack(">I", 0)),
        full_box(b"stsz", 0, 0, struct.pack(">II", 0, 0)),
        full_box(b"stco", 0, 0, struct.pack(">I", 0)),
    )
    dinf = box(b"dinf", full_box(b"dref", 0, 0, struct.pack(">I", 1), full_box(b"url ", 0, 1)))
    minf = box(b"minf", full_box(b"vmhd", 0, 1, bytes(8)), dinf, stbl)
    return box(b"trak", tkhd, box(b"mdia", mdhd, hdlr, minf))


def _audio_trak(ticks: int, timescale: int) -> bytes:
    tkhd = full_box(
        b"tkhd", 0, 3,
        struct.pack(">IIIII", 0, 0, 2, 0, ticks), bytes(8),
        struct.pack(">hhhH", 0, 1, 0x0100, 0), _matrix(IDENTITY), struct.pack(">II", 0, 0),
    )  # fmt: skip
    mdhd = full_box(b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, timescale, ticks, 0x55C4, 0))
    hdlr = full_box(b"hdlr", 0, 0, bytes(4), b"soun", bytes(12), b"SoundHandler\x00")
    config = bytes([0x05, 2, 0x12, 0x10])  # AAC-LC, 44.1 kHz, stereo
    decoder = bytes([0x04, 13 + len(config), 0x40, 0x15, 0, 0, 0]) + bytes(8) + config
    es = bytes([0x03, 3 + len(decoder) + 3, 0, 2, 0]) + decoder + bytes([0x06, 1, 2])
    entry = box(
        b"mp4a",
        bytes(6), struct.pack(">H", 1), bytes(8),
        struct.pack(">HHHHI", 2, 16, 0, 0, 44100 << 16),
        full_box(b"esds", 0, 0, es),
    )  # fmt: skip
    stbl = box(b"stbl", full_box(b"stsd", 0, 0, struct.pack(">I", 1), entry))
    minf = box(b"minf", full_box(b"smhd", 0, 0, bytes(4)), stbl)
    return box(b"trak", tkhd, box(b"mdia", mdhd, hdlr, minf))


def moov(
    width: int = 1280,
    height: int = 720,
    seconds: float = 12.5,
    *,
    timescale: int = 1000,
    codec: bytes = b"avc1",
    rotate: bool = False,
    audio: bool = False,
    video: bool = True,
) -> bytes:
    ticks = round(seconds * timescale)
    mvhd = full_box(
        b"mvhd", 0, 0,
        struct.pack(">IIII", 0, 0, timescale, ticks),
        struct.pack(">IH", 0x00010000, 0x0100), bytes(10),
        _matrix(IDENTITY), bytes(24), struct.pack(">I", 3),
    )  # fmt: skip
    traks = []
    if video:
        matrix = ROTATE_90 if rotate else IDENTITY
        traks.append(_video_trak(width, height, ticks, timescale, codec, matrix))
    if audio:
        traks.append(_audio_trak(round(seconds * 44100), 44100))
    return box(b"moov", mvhd, *traks)


FTYP = box(b"ftyp", b"isom", struct.pack(">I", 0x200), b"isomiso2avc1mp41")


def mp4_bytes(*, media: bytes = b"\x00" * 1024, moov_first: bool = True, **movie: object) -> bytes:
    """A small valid MP4; the index (`moov`) before or after the media data."""
    index = moov(**movie)  # type: ignore[arg-type]
    mdat = box(b"mdat", media)
    return FTYP + (index + mdat if moov_first else mdat + index)


def write_sparse_mp4(path: Path, mdat_bytes: int, **movie: object) -> int:
    """An MP4 of `mdat_bytes` of media data with `moov` at the end, written by seeking: the
    disk holds only the headers. Returns the file size."""
    index = moov(**movie)  # type: ignore[arg-type]
    with path.open("wb") as out:
        out.write(FTYP)
        # A 64-bit box size so files over 4 GB work the same way.
        out.write(struct.pack(">I4sQ", 1, b"mdat", 16 + mdat_bytes))
        out.seek(mdat_bytes, os.SEEK_CUR)
        out.write(index)
        return out.tell()
