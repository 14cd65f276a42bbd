"""The web app's two numbers, measured in headless Chromium over the production build.

1. The first page's bundle, gzipped: every script and stylesheet the browser loads to show
   the dashboard of a signed-in user (goal, issue 11: under 300 KB).
2. A calendar month holding 1,000 posts: from the click on "Next" (the month's posts already
   in the query cache) until all 1,000 chips are in the page and painted (goal: under 500 ms).

The API is mocked with page.route, and the build is served from frontend/dist the same way,
so the render is measured, not the backend or a server. Run: `python bench/frontend.py`
(builds frontend/dist first when it is missing; SCHEDULO_CHROMIUM picks the browser).
"""

from __future__ import annotations

import gzip
import json
import mimetypes
import os
import shutil
import statistics
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "frontend" / "dist"
ORIGIN = "http://schedulo.bench"
WORKSPACE = "ws_bench"
MONTH = datetime(2026, 12, 1, tzinfo=UTC)
POSTS_IN_MONTH = 1000
SAMPLES = 7


def month_posts() -> list[dict]:
    """1,000 scheduled posts spread over December's days and hours, three networks."""
    networks = ["x", "instagram", "linkedin"]
    posts = []
    for index in range(POSTS_IN_MONTH):
        at = MONTH + timedelta(days=index % 31, hours=8 + index % 12, minutes=(index * 7) % 60)
        network = networks[index % len(networks)]
        stamp = at.isoformat().replace("+00:00", "Z")
        posts.append(
            {
                "id": f"post_{index:04d}",
                "version": 1,
                "status": "scheduled",
                "text": f"Post number {index} about something worth reading",
                "media_ids": [],
                "first_comment": None,
                "scheduled_at": stamp,
                "timezone": "UTC",
                "recurrence": None,
                "created_by": "usr_bench",
                "created_at": stamp,
                "updated_at": stamp,
                "targets": [
                    {
                        "account_id": f"acc_{network}",
                        "network": network,
                        "text": None,
                        "options": {},
                        "status": "pending",
                        "attempts": 0,
                        "external_id": None,
                        "url": None,
                        "error": None,
                        "published_at": None,
                    }
                ],
            }
        )
    return posts


POSTS = month_posts()
ME = {
    "user": {
        "id": "usr_bench",
        "email": "bench@example.com",
        "name": "Bench",
        "created_at": "2026-01-01T00:00:00Z",
    },
    "workspaces": [
        {
            "id": WORKSPACE,
            "name": "Bench",
            "timezone": "UTC",
            "created_at": "2026-01-01T00:00:00Z",
            "role": "owner",
        }
    ],
}
NETWORKS = {
    "items": [
        {
            "id": n,
            "name": name,
            "capabilities": [],
            "limits": {
                "text": {"max_length": 280, "counting": "graphemes"},
                "max_media": 4,
                "first_comment_max": None,
            },
        }
        for n, name in (("x", "X"), ("instagram", "Instagram"), ("linkedin", "LinkedIn"))
    ]
}


def api_answer(path: str, query: dict[str, list[str]]) -> object:
    if path == "/v1/auth/refresh":  # the page asks for its access token (cookie session)
        return {"access_token": "bench", "token_type": "bearer", "expires_in": 900}
    if path == "/v1/me":
        return ME
    if path == "/v1/health":
        return {"status": "ok", "checks": [{"name": "dynamodb", "ok": True, "detail": ""}]}
    if path == "/v1/networks":
        return NETWORKS
    if path.endswith("/notifications"):
        return {"items": [], "unread": 0}
    if path.endswith("/posts"):
        start = query.get("from", [""])[0]
        inside = start and MONTH - timedelta(days=7) <= datetime.fromisoformat(
            start
        ) < MONTH + timedelta(days=31)
        return {"items": POSTS if inside and "status" not in query else [], "next_cursor": None}
    return {"items": [], "next_cursor": None}


def route(route_) -> None:  # type: ignore[no-untyped-def]
    url = urlparse(route_.request.url)
    if url.path.startswith("/v1/"):
        body = json.dumps(api_answer(url.path, parse_qs(url.query)))
        route_.fulfill(status=200, content_type="application/json", body=body)
        return
    file = DIST / url.path.lstrip("/")
    if not file.is_file():
        file = DIST / "index.html"  # the single-page app's fallback
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    route_.fulfill(status=200, content_type=content_type, body=file.read_bytes())


def ensure_build() -> None:
    if not (DIST / "index.html").is_file():
        subprocess.run(
            ["npm", "run", "build"], cwd=ROOT / "frontend", check=True, stdout=subprocess.DEVNULL
        )


def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def chromium() -> str | None:
    return (
        os.environ.get("SCHEDULO_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


RENDER_MONTH = """async (expected) => {
  const next = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Next');
  const start = performance.now();
  next.click();
  await new Promise((resolve) => {
    const check = () =>
      document.querySelectorAll('.post-chip').length === expected
        ? requestAnimationFrame(() => resolve())
        : requestAnimationFrame(check);
    check();
  });
  return performance.now() - start;
}"""


def main() -> int:
    from playwright.sync_api import sync_playwright

    ensure_build()
    tokens = json.dumps({"access_token": "bench", "refresh_token": "bench"})
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(base_url=ORIGIN, viewport={"width": 1280, "height": 900})
        context.add_init_script(f"localStorage.setItem('schedulo.tokens', {json.dumps(tokens)})")
        context.route("**/*", route)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))

        loaded: list[str] = []
        page.on("requestfinished", lambda request: loaded.append(urlparse(request.url).path))
        page.goto("/dashboard")
        page.get_by_role("heading", name="Dashboard", level=1).wait_for()
        page.wait_for_load_state("networkidle")
        assets = sorted(
            {p for p in loaded if p.startswith("/assets/") and p.endswith((".js", ".css"))}
        )
        first_page = sum(gzipped(DIST / p.lstrip("/")) for p in assets)
        everything = sum(
            gzipped(f) for f in (DIST / "assets").iterdir() if f.suffix in (".js", ".css")
        )

        page.goto(f"/calendar?date={MONTH:%Y-%m-%d}")
        page.locator(".post-chip").nth(POSTS_IN_MONTH - 1).wait_for()
        timings = []
        for _ in range(SAMPLES):
            page.get_by_role("button", name="Previous").click()
            page.locator(".post-chip").first.wait_for(state="detached")
            timings.append(page.evaluate(RENDER_MONTH, POSTS_IN_MONTH))
        browser.close()

    kb = first_page / 1024
    print(
        f"first page (dashboard) bundle, gzipped: {kb:.1f} KB, {len(assets)} files (goal < 300 KB)"
    )
    print(f"  every chunk of the app, gzipped: {everything / 1024:.1f} KB")
    median, worst = statistics.median(timings), max(timings)
    print(f"calendar month with {POSTS_IN_MONTH} posts, click to painted: median {median:.0f} ms,")
    print(f"  worst {worst:.0f} ms of {SAMPLES} (goal < 500 ms)")
    load = os.getloadavg()[0]
    print(f"  (load average {load:.1f} on {os.cpu_count()} CPUs: timings inflate under other work)")
    if errors:
        print(f"page errors: {errors}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
