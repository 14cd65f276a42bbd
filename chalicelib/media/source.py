"""Random access to a stored object's bytes, so inspection reads only what it needs.

`S3Source` turns each read into one ranged GET and counts the bytes it fetched; tests and
benchmarks check that a 1 GB video is inspected without being read whole.
"""

from __future__ import annotations

from typing import Any, Protocol


class ByteSource(Protocol):
    size: int

    def read(self, offset: int, length: int) -> bytes:
        """Up to `length` bytes from `offset` (fewer only at the end of the object)."""
        ...


class BytesSource:
    """An object already in memory (imports, tests)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self.size = len(data)

    def read(self, offset: int, length: int) -> bytes:
        return self._data[offset : offset + length]


class S3Source:
    """An S3 object read by ranged GETs."""

    def __init__(
        self, s3: Any, bucket: str, key: str, size: int | None = None, etag: str | None = None
    ) -> None:
        self._s3 = s3
        self.bucket = bucket
        self.key = key
        # With an ETag, every read is of that version only: S3 answers 412 (a ClientError
        # "PreconditionFailed") once the object was replaced.
        self.etag = etag
        self.size = (
            size if size is not None else s3.head_object(Bucket=bucket, Key=key)["ContentLength"]
        )
        self.bytes_read = 0
        self.requests = 0

    def read(self, offset: int, length: int) -> bytes:
        if length <= 0 or offset >= self.size:
            return b""
        last = min(offset + length, self.size) - 1
        condition = {"IfMatch": self.etag} if self.etag else {}
        response = self._s3.get_object(
            Bucket=self.bucket, Key=self.key, Range=f"bytes={offset}-{last}", **condition
        )
        data = response["Body"].read()
        self.requests += 1
        self.bytes_read += len(data)
        return data
