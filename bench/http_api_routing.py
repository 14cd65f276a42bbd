"""What the HTTP API's routing in the function costs (chalicelib/api/gateway.py).

With one `$default` route, API Gateway no longer finds the route: the API function does,
on each request. Prints the route table's build (once per container, at its first
request) and a match per path, over one path per route of the app (parameters filled)
and an unknown path, best of several rounds.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SCHEDULO_STAGE", "bench")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")

ROUNDS = 7
MATCHES = 200


def concrete(template: str) -> str:
    parts = template.split("/")
    return "/".join("w_01J0BENCHBENCHBENCHBENCH00" if p.startswith("{") else p for p in parts)


def main() -> None:
    import app
    from chalicelib.api.gateway import RouteTable

    routes = list(app.app.routes)
    builds = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        table = RouteTable(routes)
        builds.append(time.perf_counter() - started)
    paths = [concrete(r) for r in routes] + ["/v1/workspaces/w_1/no-such-thing"]
    for path in paths[:-1]:
        assert table.match(path) is not None, path
    rounds = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(MATCHES):
            for path in paths:
                table.match(path)
        rounds.append((time.perf_counter() - started) / (MATCHES * len(paths)))
    deepest = max(paths, key=lambda p: p.count("/"))
    started = time.perf_counter()
    for _ in range(MATCHES * 10):
        table.match(deepest)
    deep = (time.perf_counter() - started) / (MATCHES * 10)
    print(f"routes:                   {len(routes)}")
    print(
        f"route table build:        {min(builds) * 1000:6.2f} ms (best of {ROUNDS}; per container)"
    )
    print(f"match, mean over routes:  {min(rounds) * 1e6:6.1f} µs (best of {ROUNDS})")
    print(f"match, deepest path:      {deep * 1e6:6.1f} µs ({deepest})")


if __name__ == "__main__":
    main()
