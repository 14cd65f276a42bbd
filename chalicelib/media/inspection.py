"""What a stored file really is: its type from its bytes, then its dimensions, duration,
codec and frames. Anything unsupported or corrupt is `Refused` with a reason for the user.

Images are decoded in full (a truncated or corrupt one fails here, not at publish time);
videos are read by box headers and their `moov` index only (see `mp4`).
"""

from __future__ import annotations

import io
import warnings

from chalicelib.domain.model import Model
from chalicelib.media.mp4 import CODECS, Mp4Error, read_movie
from chalicelib.media.sniff import SNIFF_BYTES, Kind, Sniffed, sniff
from chalicelib.media.source import ByteSource

IMAGE_MAX_BYTES = 50 * 1024 * 1024
IMAGE_MAX_PIXELS = 100_000_000
# What an image may take once decoded (width x height x bands x bytes per band): a PNG
# near the pixel cap decodes to 400 MB, most of a 512 MB Lambda. Checked from the header,
# before anything is decoded.
IMAGE_MAX_DECODED_BYTES = 200 * 1024 * 1024
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
PILLOW_FORMATS = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}


class Refused(Exception):
    """The file cannot go in the library; `reason` is written for the user."""

    def __init__(self, reason: str, content_type: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.content_type = content_type


class Inspection(Model):
    kind: Kind
    content_type: str
    extension: str
    size: int
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    video_codec: str | None = None
    audio_codec: str | None = None
    frames: int | None = None


def inspect(source: ByteSource) -> Inspection:
    """Inspect a stored file; raises `Refused` when it is unsupported or corrupt."""
    if source.size == 0:
        raise Refused("The file is empty.")
    sniffed = sniff(source.read(0, SNIFF_BYTES))
    if sniffed.kind is None:
        raise Refused(sniffed.refusal or "Unsupported file.", sniffed.content_type)
    if sniffed.kind in (Kind.IMAGE, Kind.GIF):
        return _inspect_image(source, sniffed)
    if sniffed.kind is Kind.VIDEO:
        return _inspect_video(source, sniffed)
    return _inspect_document(source, sniffed)


def _base(source: ByteSource, sniffed: Sniffed) -> dict:
    return {
        "kind": sniffed.kind,
        "content_type": sniffed.content_type,
        "extension": sniffed.extension,
        "size": source.size,
    }


def _inspect_image(source: ByteSource, sniffed: Sniffed) -> Inspection:
    from PIL import Image

    if source.size > IMAGE_MAX_BYTES:
        raise Refused(
            f"Images over {IMAGE_MAX_BYTES // (1024 * 1024)} MB are not accepted.",
            sniffed.content_type,
        )
    too_large = (
        f"The image has more than {IMAGE_MAX_PIXELS // 1_000_000} megapixels; "
        "that many are not accepted."
    )
    try:
        with warnings.catch_warnings():
            # Our own pixel cap below replaces Pillow's warning.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(source.read(0, source.size)))
        with image:
            width, height = image.size
            if width * height > IMAGE_MAX_PIXELS:
                raise Refused(too_large, sniffed.content_type)
            decoded = decoded_bytes(width, height, image.mode)
            if decoded > IMAGE_MAX_DECODED_BYTES:
                raise Refused(
                    f"The image would take {decoded // (1024 * 1024)} MB once decoded "
                    f"({width}x{height}, {image.mode}); at most "
                    f"{IMAGE_MAX_DECODED_BYTES // (1024 * 1024)} MB are accepted.",
                    sniffed.content_type,
                )
            if PILLOW_FORMATS.get(image.format or "") != sniffed.content_type:
                raise Refused("The image's content does not match its header.")
            image.load()
            frames = getattr(image, "n_frames", 1)
            orientation = image.getexif().get(0x0112, 1)
    except Image.DecompressionBombError:
        raise Refused(too_large, sniffed.content_type) from None
    except (OSError, SyntaxError, ValueError) as error:
        raise Refused(
            f"The image is corrupt or truncated ({error}).", sniffed.content_type
        ) from None
    if orientation in (5, 6, 7, 8):  # EXIF rotation by 90°: what people see is turned
        width, height = height, width
    return Inspection(**_base(source, sniffed), width=width, height=height, frames=frames)


def decoded_bytes(width: int, height: int, mode: str) -> int:
    """The memory an image of this size and Pillow mode takes decoded: width x height x
    bands x bytes per band (16-bit and 32-bit modes take more than a byte a band)."""
    from PIL import Image

    try:
        bands = Image.getmodebands(mode)
    except (KeyError, ValueError):
        bands = 4
    depth = 4 if mode in ("I", "F") else 2 if mode.startswith("I;16") else 1
    return width * height * bands * depth


def _inspect_video(source: ByteSource, sniffed: Sniffed) -> Inspection:
    try:
        movie = read_movie(source)
    except Mp4Error as error:
        raise Refused(str(error), sniffed.content_type) from None
    video = movie.video
    if video is None:
        raise Refused("The file has no video track.", sniffed.content_type)
    if not (video.width and video.height):
        raise Refused("The video's dimensions are missing from its index.", sniffed.content_type)
    if movie.duration_seconds <= 0:
        raise Refused("The video's duration is missing from its index.", sniffed.content_type)
    audio = movie.audio
    return Inspection(
        **_base(source, sniffed),
        width=video.width,
        height=video.height,
        duration_seconds=movie.duration_seconds,
        video_codec=CODECS.get(video.codec or "", video.codec),
        audio_codec=CODECS.get(audio.codec or "", audio.codec) if audio else None,
    )


def _inspect_document(source: ByteSource, sniffed: Sniffed) -> Inspection:
    if source.size > DOCUMENT_MAX_BYTES:
        raise Refused(
            f"CSV files over {DOCUMENT_MAX_BYTES // (1024 * 1024)} MB are not accepted.",
            sniffed.content_type,
        )
    try:
        source.read(0, source.size).decode("utf-8")
    except UnicodeDecodeError as error:
        raise Refused(
            f"The CSV file is not UTF-8 text (byte {error.start} is not valid).",
            sniffed.content_type,
        ) from None
    return Inspection(**_base(source, sniffed))
