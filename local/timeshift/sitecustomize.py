"""Loaded by every Python process of `make test-timeshift` (this directory is on its
PYTHONPATH), i.e. only under libfaketime with `FAKETIME_DONT_FAKE_MONOTONIC=1`.

Why: the monotonic clock must stay real, because Python's lock and `Event.wait` timeouts
wait with `sem_clockwait(CLOCK_MONOTONIC)`, which libfaketime does not intercept: with a
faked monotonic clock every timed wait sleeps for the whole shift. But libfaketime 0.9.10
(Debian bookworm) then breaks `clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)`, which
`time.sleep` uses since Python 3.11: it fails with EINVAL
(https://github.com/wolfcw/libfaketime/issues/426). So `time.sleep` waits in `select`
with a relative timeout instead, which libfaketime leaves alone.
"""

from __future__ import annotations

import os
import select
import time

_real_sleep = time.sleep


def _sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        select.select([], [], [], left)


if "faketime" in os.environ.get("LD_PRELOAD", ""):
    time.sleep = _sleep
