"""Find a Chromium for the browser tests, installing one when there is none.

Order: a Chromium already on the machine; Debian's `chromium` package when running as
root; Playwright's own download otherwise. Prints the executable's path. As root, Debian's
colour emoji font is added when missing: a stock Chromium draws emoji (the composer's
picker, texts) as empty boxes without one, in the tests' screenshots too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def installed() -> str | None:
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


EMOJI_FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"


def main() -> int:
    path = installed()
    packages = [
        name
        for name, missing in (
            ("chromium", not path),
            ("fonts-noto-color-emoji", not os.path.exists(EMOJI_FONT)),
        )
        if missing
    ]
    if packages and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=sys.stderr)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", *packages], check=True, env=env, stdout=sys.stderr
        )
        path = installed()
    if not path:
        subprocess.run(
            [sys.executable, "-m", "playwright", "install", "chromium"],
            check=True,
            stdout=sys.stderr,
        )
        path = ""  # Playwright finds its own download
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
