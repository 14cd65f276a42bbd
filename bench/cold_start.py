"""Cold start: `import app` against `import chalice, boto3` alone.

Each import runs in a fresh interpreter with `-X importtime`, with the functions' deployed
environment variables; the figure is the sum of the top-level imports' cumulative times,
median of several runs.
Goal (issue 2): the app at most 1.5 times chalice + boto3.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7


def import_environment() -> dict[str, str]:
    """What `import app` is timed under: the variables every function is deployed with
    (.chalice/config.json; e.g. pydantic's plugins, which we do not use, are not looked up
    among the installed packages), a stage of its own, no tracing."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return {
        **os.environ,
        **config.get("environment_variables", {}),
        "SCHEDULO_STAGE": "bench",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }


def import_time_us(statement: str) -> int:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        cwd=ROOT,
        env=import_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    total = 0
    for line in result.stderr.splitlines():
        # "import time: self [us] | cumulative | imported package"; top level has no indent
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part for part in line[len("import time:") :].split("|"))
        if not name.startswith("  "):
            total += int(cumulative)
    return total


def median_ms(statement: str) -> float:
    return statistics.median(import_time_us(statement) for _ in range(RUNS)) / 1000


def main() -> None:
    baseline = median_ms("import chalice, boto3")
    app = median_ms("import app")
    print(f"import chalice + boto3: {baseline:7.1f} ms (median of {RUNS})")
    print(f"import app:             {app:7.1f} ms (median of {RUNS})")
    print(f"ratio:                  {app / baseline:7.2f}  (goal: at most 1.5)")


if __name__ == "__main__":
    main()
