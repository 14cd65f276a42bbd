"""Reading an MP4 or MOV (ISO base media file format) by its boxes, not its bytes.

Only box headers are read on the way to `moov` (the index: duration, tracks, codecs), so a
1 GB video whose `mdat` comes first costs a handful of small ranged reads. `moov` itself
is read whole; it is small (kilobytes to a few megabytes) and capped.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

from chalicelib.media.source import ByteSource

MOOV_MAX_BYTES = 64 * 1024 * 1024
# A file of thousands of tiny top-level boxes would cost one read each.
MAX_TOP_LEVEL_BOXES = 256
CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"mvex", b"edts"}
CODECS = {
    "avc1": "h264",
    "avc3": "h264",
    "hvc1": "hevc",
    "hev1": "hevc",
    "av01": "av1",
    "vp09": "vp9",
    "vp08": "vp8",
    "mp4v": "mpeg4",
    "apch": "prores",
    "apcn": "prores",
    "apcs": "prores",
    "apco": "prores",
    "ap4h": "prores",
    "mp4a": "aac",
    "ac-3": "ac3",
    "ec-3": "eac3",
    "Opus": "opus",
    "fLaC": "flac",
    "sowt": "pcm",
    "twos": "pcm",
    "lpcm": "pcm",
}


class Mp4Error(Exception):
    """The file is not a readable MP4/MOV; the message says why, for the user."""


@dataclass(frozen=True)
class Box:
    kind: bytes
    start: int  # offset of the header
    header: int  # 8, or 16 with a 64-bit size
    size: int  # header included

    @property
    def body_start(self) -> int:
        return self.start + self.header

    @property
    def end(self) -> int:
        return self.start + self.size


@dataclass(frozen=True)
class Track:
    handler: str  # "vide", "soun", ...
    codec: str | None  # sample entry four-character code
    width: int
    height: int
    duration_seconds: float


@dataclass(frozen=True)
class Movie:
    duration_seconds: float
    tracks: tuple[Track, ...]

    @property
    def video(self) -> Track | None:
        return next((t for t in self.tracks if t.handler == "vide"), None)

    @property
    def audio(self) -> Track | None:
        return next((t for t in self.tracks if t.handler == "soun"), None)


def _parse_header(data: bytes, start: int, limit: int) -> Box:
    if start + 8 > limit:
        raise Mp4Error("The video is truncated: a box header is cut off.")
    size, kind = struct.unpack_from(">I4s", data, 0)
    header = 8
    if size == 1:
        if len(data) < 16:
            raise Mp4Error("The video is truncated: a box header is cut off.")
        (size,) = struct.unpack_from(">Q", data, 8)
        header = 16
    elif size == 0:  # the box runs to the end of its container
        size = limit - start
    if size < header:
        raise Mp4Error(f"The video is corrupt: box {kind!r} has an impossible size.")
    if start + size > limit:
        raise Mp4Error(f"The video is truncated: box {kind.decode('latin-1')} runs past the end.")
    return Box(kind, start, header, size)


def top_level_boxes(source: ByteSource) -> Iterator[Box]:
    """The file's top-level boxes, one small read per box header."""
    offset = 0
    for _ in range(MAX_TOP_LEVEL_BOXES):
        if offset >= source.size:
            return
        box = _parse_header(source.read(offset, 16), offset, source.size)
        yield box
        offset = box.end
    raise Mp4Error("The video has too many top-level boxes to be a normal MP4.")


def child_boxes(data: bytes, start: int, end: int) -> Iterator[Box]:
    """The boxes inside data[start:end] (a container already in memory)."""
    offset = start
    while offset + 8 <= end:
        box = _parse_header(data[offset : offset + 16], offset, end)
        yield box
        offset = box.end


def read_movie(source: ByteSource) -> Movie:
    """Duration and tracks from `moov`, wherever it is in the file."""
    moov = None
    for box in top_level_boxes(source):
        if box.kind == b"moov":
            moov = box
            break
    if moov is None:
        raise Mp4Error(
            "The video has no index (moov box): it is incomplete or was not saved properly."
        )
    if moov.size > MOOV_MAX_BYTES:
        raise Mp4Error("The video's index (moov box) is implausibly large.")
    data = source.read(moov.start, moov.size)
    if len(data) != moov.size:
        raise Mp4Error("The video is truncated inside its index (moov box).")
    return _parse_moov(data, moov.header)


def _find(data: bytes, start: int, end: int, path: tuple[bytes, ...]) -> list[Box]:
    """Every box along `path` (e.g. (b"mdia", b"hdlr")) below data[start:end]."""
    found = []
    for box in child_boxes(data, start, end):
        if box.kind != path[0]:
            continue
        if len(path) == 1:
            found.append(box)
        elif box.kind in CONTAINERS:
            found.extend(_find(data, box.body_start, box.end, path[1:]))
    return found


def _full_box_version(data: bytes, box: Box) -> int:
    return data[box.body_start]


def _mvhd_duration(data: bytes, box: Box) -> tuple[int, int]:
    """(timescale, duration) of an mvhd or mdhd box."""
    body = box.body_start
    if _full_box_version(data, box) == 1:
        timescale, duration = struct.unpack_from(">IQ", data, body + 4 + 16)
    else:
        timescale, duration = struct.unpack_from(">II", data, body + 4 + 8)
    return timescale, duration


def _tkhd_size(data: bytes, box: Box) -> tuple[int, int]:
    """Presentation width and height, turned when the track's matrix rotates by 90°."""
    body = box.body_start
    fixed = 4 + (32 if _full_box_version(data, box) == 1 else 20)
    matrix_at = body + fixed + 8 + 8
    a, b = struct.unpack_from(">ii", data, matrix_at)
    width, height = struct.unpack_from(">II", data, matrix_at + 36)
    width, height = width >> 16, height >> 16
    if a == 0 and b != 0:  # 90° or 270°
        width, height = height, width
    return width, height


def _sample_entry(data: bytes, stsd: Box) -> tuple[str | None, int, int]:
    """(four-character code, coded width, coded height) of the first sample entry."""
    entry = stsd.body_start + 8
    if entry + 8 > stsd.end:
        return None, 0, 0
    fourcc = data[entry + 4 : entry + 8].decode("latin-1")
    if entry + 36 <= stsd.end:
        width, height = struct.unpack_from(">HH", data, entry + 32)
        return fourcc, width, height
    return fourcc, 0, 0


def _parse_moov(data: bytes, header: int) -> Movie:
    end = len(data)
    try:
        mvhd = _find(data, header, end, (b"mvhd",))
        if not mvhd:
            raise Mp4Error("The video's index has no movie header (mvhd box).")
        timescale, duration = _mvhd_duration(data, mvhd[0])
        tracks = tuple(_parse_trak(data, trak) for trak in _find(data, header, end, (b"trak",)))
        seconds = duration / timescale if timescale else 0.0
        if not seconds:
            # Fragmented files: the movie extends header, else the longest track.
            mehd = _find(data, header, end, (b"mvex", b"mehd"))
            if mehd and timescale:
                version = _full_box_version(data, mehd[0])
                fmt = ">Q" if version == 1 else ">I"
                (fragments,) = struct.unpack_from(fmt, data, mehd[0].body_start + 4)
                seconds = fragments / timescale
            seconds = seconds or max((t.duration_seconds for t in tracks), default=0.0)
    except struct.error:
        raise Mp4Error("The video's index is corrupt: a box is shorter than its fields.") from None
    return Movie(round(seconds, 3), tracks)


def _parse_trak(data: bytes, trak: Box) -> Track:
    start, end = trak.body_start, trak.end
    hdlr = _find(data, start, end, (b"mdia", b"hdlr"))
    handler = (
        data[hdlr[0].body_start + 8 : hdlr[0].body_start + 12].decode("latin-1") if hdlr else ""
    )
    mdhd = _find(data, start, end, (b"mdia", b"mdhd"))
    seconds = 0.0
    if mdhd:
        timescale, duration = _mvhd_duration(data, mdhd[0])
        seconds = duration / timescale if timescale else 0.0
    tkhd = _find(data, start, end, (b"tkhd",))
    width, height = _tkhd_size(data, tkhd[0]) if tkhd else (0, 0)
    stsd = _find(data, start, end, (b"mdia", b"minf", b"stbl", b"stsd"))
    codec, coded_width, coded_height = _sample_entry(data, stsd[0]) if stsd else (None, 0, 0)
    if handler == "vide" and not (width and height):
        width, height = coded_width, coded_height
    return Track(handler, codec, width, height, seconds)
