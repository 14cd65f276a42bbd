"""Issue 19: the media import's deadline holds over the whole fetch. A server dripping its
body or its headers a byte at a time (each socket read well inside the timeout) is cut
at the deadline, instead of holding the request until the Lambda's own limit."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from chalicelib.media.fetch import FetchError, FetchLimits, fetch

# The drip would last 20 seconds: longer than the deadline, shorter than a hung test.
DRIP_BYTES = 100
DRIP_EVERY = 0.2
LIMITS = FetchLimits(max_bytes=10_000, timeout_seconds=1, allow_loopback=True)


@contextmanager
def dripping(head: bytes, body: bytes, drip_head: bool) -> Iterator[tuple[str, list[bool]]]:
    """A server answering every connection with `head` + `body`, a byte at a time for the
    part that drips; the list says whether a whole answer was ever sent."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    completed: list[bool] = []

    def answer(connection: socket.socket) -> None:
        with connection:
            try:
                connection.recv(65536)  # the request
                if not drip_head:
                    connection.sendall(head)
                for byte in (head if drip_head else b"") + body:
                    if stop.wait(DRIP_EVERY):
                        return
                    connection.sendall(bytes([byte]))
                completed.append(True)
            except OSError:
                return  # the client gave up: what the test wants

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=answer, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/slow.jpg", completed
    finally:
        stop.set()
        thread.join()
        listener.close()


def collect() -> tuple[list[bytes], object]:
    chunks: list[bytes] = []
    return chunks, chunks.append


def test_a_body_dripped_a_byte_at_a_time_is_cut_at_the_deadline():
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {DRIP_BYTES}\r\n\r\n".encode()
    with dripping(head, b"x" * DRIP_BYTES, drip_head=False) as (url, completed):
        chunks, sink = collect()
        with pytest.raises(FetchError, match="took too long"):
            fetch(url, LIMITS, sink)
        assert not completed  # the fetch gave up while the server was still sending
    assert 0 < sum(map(len, chunks)) < DRIP_BYTES  # some came, the rest was not waited for


def test_a_chunked_body_dripped_a_byte_at_a_time_is_cut_at_the_deadline():
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    body = f"{DRIP_BYTES:x}\r\n".encode() + b"x" * DRIP_BYTES + b"\r\n0\r\n\r\n"
    with dripping(head, body, drip_head=False) as (url, completed):
        with pytest.raises(FetchError, match="took too long"):
            fetch(url, LIMITS, collect()[1])
        assert not completed


def test_headers_dripped_a_byte_at_a_time_are_cut_at_the_deadline():
    head = b"HTTP/1.1 200 OK\r\n" + b"X-Padding: " + b"a" * DRIP_BYTES + b"\r\n\r\n"
    with dripping(head, b"x", drip_head=True) as (url, completed):
        with pytest.raises(FetchError, match="took too long"):
            fetch(url, LIMITS, collect()[1])
        assert not completed


def test_a_prompt_server_is_read_whole():
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
    with dripping(head + b"hello", b"", drip_head=False) as (url, completed):
        chunks, sink = collect()
        fetched = fetch(url, LIMITS, sink)
    assert b"".join(chunks) == b"hello" and fetched.size == 5
    assert completed == [True]
