"""Find `faketime` (libfaketime's wrapper) for `make test-timeshift`, installing it when
there is none.

`make test-timeshift` runs the Python tests with the machine's clock moved ahead, so a
test that hard-codes a date which has since gone into the past fails today, not the day
the date passes. Order: a `faketime` already on the machine; Debian's `faketime` package
when running as root. Prints the executable's path; fails (exit 1) when there is none.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def main() -> int:
    path = shutil.which("faketime")
    if not path and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=sys.stderr)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "faketime"], check=True, env=env, stdout=sys.stderr
        )
        path = shutil.which("faketime")
    if not path:
        print(
            "faketime is not installed and cannot be installed here (needs root and apt-get);"
            " install Debian's or Homebrew's `faketime` (libfaketime)",
            file=sys.stderr,
        )
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
