"""Request bodies read from a `MediaItem` piece by piece, for networks that take a whole
file in one request (a presigned S3 POST, Mastodon media, Bluesky video): `requests`
sends them with a Content-Length and never holds more than one piece."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

from chalicelib.networks.base import MediaItem

PIECE_BYTES = 1024**2


class _PieceStream:
    """A file-like body over a sequence of byte pieces (`_iterate`), of known length."""

    def __init__(self) -> None:
        self._pieces: Iterator[bytes] | None = None
        self._buffer = b""
        self._position = 0

    def _iterate(self) -> Iterator[bytes]:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def __iter__(self) -> Iterator[bytes]:
        while True:
            piece = self.read(PIECE_BYTES)
            if not piece:
                return
            yield piece

    def read(self, size: int = -1) -> bytes:
        if self._pieces is None:
            self._pieces = self._iterate()
        # A cursor into the current piece: slicing off the front would copy it each time.
        out = bytearray()
        while size < 0 or len(out) < size:
            if self._position >= len(self._buffer):
                piece = next(self._pieces, None)
                if piece is None:
                    break
                self._buffer, self._position = piece, 0
            want = len(self._buffer) - self._position
            if size >= 0:
                want = min(want, size - len(out))
            out += self._buffer[self._position : self._position + want]
            self._position += want
        return bytes(out)


class BodyStream(_PieceStream):
    """The item's bytes as the whole request body.

    >>> requests.post(url, data=BodyStream(item), headers={"Content-Type": item.content_type})
    """

    def __init__(self, item: MediaItem) -> None:
        super().__init__()
        self.item = item

    def __len__(self) -> int:
        return self.item.size

    def _iterate(self) -> Iterator[bytes]:
        for _, piece in self.item.chunks(PIECE_BYTES):
            yield piece


class MultipartStream(_PieceStream):
    """multipart/form-data with text `fields` first, then `item` as `file_field`.

    >>> body = MultipartStream([("key", "uploads/1")], "file", item)
    >>> requests.post(url, data=body, headers={"Content-Type": body.content_type})
    """

    def __init__(self, fields: list[tuple[str, str]], file_field: str, item: MediaItem) -> None:
        super().__init__()
        self.boundary = f"schedulo-{secrets.token_hex(12)}"
        self.item = item
        head = b"".join(
            self._part_header(name) + b"\r\n" + value.encode() + b"\r\n" for name, value in fields
        )
        self._head = (
            head
            + self._part_header(file_field, f'; filename="{item.filename}"', item.content_type)
            + b"\r\n"
        )
        self._tail = f"\r\n--{self.boundary}--\r\n".encode()

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def __len__(self) -> int:
        return len(self._head) + self.item.size + len(self._tail)

    def _part_header(self, name: str, extra: str = "", content_type: str | None = None) -> bytes:
        lines = f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}"{extra}\r\n'
        if content_type:
            lines += f"Content-Type: {content_type}\r\n"
        return lines.encode()

    def _iterate(self) -> Iterator[bytes]:
        yield self._head
        for _, piece in self.item.chunks(PIECE_BYTES):
            yield piece
        yield self._tail
