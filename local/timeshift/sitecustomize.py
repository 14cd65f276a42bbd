"""Loaded by every Python process of `make test-timeshift` (this directory is on its
PYTHONPATH), which runs the tests under libfaketime with the wall clock moved ahead.

Only the wall clock moves; the Makefile sets two libfaketime variables for that:

- `FAKETIME_DONT_FAKE_MONOTONIC=1`: Python's lock, `Event.wait` and `Queue.get` timeouts
  wait with `sem_clockwait(CLOCK_MONOTONIC)`, which libfaketime does not intercept; with a
  faked monotonic clock each timed wait would last the whole shift (a hang).
- `FAKETIME_FORCE_MONOTONIC_FIX=0`: with the fix on (libfaketime turns it on for this
  glibc), its `pthread_cond_timedwait` makes the GIL's timed waits return at once, and two
  busy threads run 10 to 30 times slower.

And libfaketime 0.9.10 (Debian bookworm) with the monotonic clock left alone breaks
`clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)`, which `time.sleep` uses since Python
3.11: it fails with EINVAL (https://github.com/wolfcw/libfaketime/issues/426). So here
`time.sleep` waits in `select` with a relative timeout, which libfaketime passes through.
"""

from __future__ import annotations

import os
import select
import time


def _sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        select.select([], [], [], left)


if "faketime" in os.environ.get("LD_PRELOAD", ""):
    time.sleep = _sleep
