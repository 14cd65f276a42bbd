"""The real type of a file, from its first bytes (magic numbers), never from its name.

>>> sniff(b"\\x89PNG\\r\\n\\x1a\\n" + bytes(8)).content_type
'image/png'
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# How many leading bytes `sniff` needs to decide.
SNIFF_BYTES = 4096


class Kind(StrEnum):
    IMAGE = "image"
    GIF = "gif"
    VIDEO = "video"
    DOCUMENT = "document"  # CSV files for bulk import


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    # None when the library does not accept this type; `refusal` then says why.
    kind: Kind | None
    refusal: str | None = None

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.content_type, "bin")


EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "text/csv": "csv",
}

SUPPORTED = "an image (JPEG, PNG, GIF, WebP), a video (MP4, MOV) or a CSV file"

_EXECUTABLE = "This file is an executable program, not " + SUPPORTED + "."

# Leading bytes of programs and archives: refused whatever their name says.
_REFUSED_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"MZ", "application/x-msdownload", _EXECUTABLE),
    (b"\x7fELF", "application/x-executable", _EXECUTABLE),
    (b"\xfe\xed\xfa\xce", "application/x-mach-binary", _EXECUTABLE),
    (b"\xfe\xed\xfa\xcf", "application/x-mach-binary", _EXECUTABLE),
    (b"\xce\xfa\xed\xfe", "application/x-mach-binary", _EXECUTABLE),
    (b"\xcf\xfa\xed\xfe", "application/x-mach-binary", _EXECUTABLE),
    (b"\xca\xfe\xba\xbe", "application/x-mach-binary", _EXECUTABLE),
    (b"#!", "text/x-shellscript", "This file is a script, not " + SUPPORTED + "."),
    (b"%PDF", "application/pdf", "PDF documents are not accepted; upload " + SUPPORTED + "."),
    (b"PK\x03\x04", "application/zip", "Archives are not accepted; upload " + SUPPORTED + "."),
    (b"\x1a\x45\xdf\xa3", "video/webm", "WebM videos are not accepted; upload MP4 or MOV."),
)

# ISO-BMFF `ftyp` major brands that are not MP4 video.
_STILL_BRANDS = {b"heic", b"heix", b"hevc", b"mif1", b"msf1", b"avif", b"avis"}
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P "}
# QuickTime files made before `ftyp` existed start with one of these boxes.
_QUICKTIME_BOXES = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def sniff(head: bytes) -> Sniffed:
    """What the first bytes of a file say it is."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", Kind.IMAGE)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", Kind.IMAGE)
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("image/gif", Kind.GIF)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image/webp", Kind.IMAGE)
    if head[4:8] == b"ftyp":
        return _sniff_iso_media(head[8:12])
    if head[4:8] in _QUICKTIME_BOXES:
        return Sniffed("video/quicktime", Kind.VIDEO)
    for magic, content_type, refusal in _REFUSED_MAGIC:
        if head.startswith(magic):
            return Sniffed(content_type, None, refusal)
    if _looks_like_text(head):
        return Sniffed("text/csv", Kind.DOCUMENT)
    return Sniffed(
        "application/octet-stream",
        None,
        "The file's content is not " + SUPPORTED + ".",
    )


def _sniff_iso_media(brand: bytes) -> Sniffed:
    if brand in _STILL_BRANDS:
        return Sniffed(
            "image/heic", None, "HEIC and AVIF images are not accepted; export as JPEG or PNG."
        )
    if brand in _AUDIO_BRANDS:
        return Sniffed("audio/mp4", None, "Audio files are not accepted; upload a video.")
    if brand == b"qt  ":
        return Sniffed("video/quicktime", Kind.VIDEO)
    return Sniffed("video/mp4", Kind.VIDEO)


def _looks_like_text(head: bytes) -> bool:
    """UTF-8 text without control characters other than tab and line breaks."""
    if not head or b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The sample may end in the middle of a multi-byte character.
        if error.start < len(head) - 3:
            return False
        text = head[: error.start].decode("utf-8")
    return all(ch in "\t\r\n" or ch >= " " or ch == "\ufeff" for ch in text)
