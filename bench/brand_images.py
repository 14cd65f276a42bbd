"""Brand and images (issue 24): reading the sandbox's sample sites, drawing each template,
and a month's images stored in the media library.

- site_facts on each sample site (page, stylesheet and logo fetched from the sandbox on
  loopback): median of RUNS.
- render_image per template at 1080x1080 and at Pinterest's 1000x1500: median of RUNS.
- store_item_images for 12 items with Instagram, X and Pinterest as targets (the square
  inspected and thumbnailed, Instagram's and Pinterest's drawn renditions), into moto's
  S3 and DynamoDB in this process: wall and CPU time, and this process's peak RSS (the
  app, moto and its storage included, so an upper bound).
The issue's goal for a whole plan (12 items x 3 networks, images included): <= 10 s and
<= 300 MB on 2 cores.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = 5
ITEMS = 12
NETWORKS = ["instagram", "x", "pinterest"]


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def median_ms(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    from local.offline import provisioned_moto, use_offline_environment

    use_offline_environment("test")
    os.environ["SCHEDULO_PASSWORD_HASHING"] = "minimal"
    os.environ["SCHEDULO_ALLOW_LOOPBACK_FETCH"] = "1"
    with provisioned_moto("test"):
        from chalice.test import Client

        import app
        from chalicelib.ai.brand import site_facts
        from chalicelib.ai.images import TEMPLATES, render_image, store_item_images
        from chalicelib.ai.writer import BrandProfile
        from local.sandbox.sites import SAMPLE_SITES
        from tests.support.aws import NO_CHALICE_CONFIG
        from tests.support.factories import signup
        from tests.support.sandbox import running_sandbox

        with running_sandbox() as sandbox, Client(app.app, project_dir=NO_CHALICE_CONFIG) as client:
            import logging

            logging.getLogger("werkzeug").setLevel(logging.ERROR)
            for slug in SAMPLE_SITES:
                url = f"{sandbox.url}/sites/{slug}/"
                facts = site_facts(url)
                print(
                    f"site_facts {slug:7s} {median_ms(lambda u=url: site_facts(u)):7.1f} ms"
                    f"  colours {facts.colours}"
                )
            logo = f"{sandbox.url}/sites/bakery/logo.png"
            profile = BrandProfile(
                business_name="Crumb & Co. Bakery", colours=["#8b4513", "#f4a261"], logo_url=logo
            )
            from chalicelib.ai.images import logo_bytes

            mark = logo_bytes("w_bench", profile)
            headline = "Sourdough rises for 36 hours before it meets the oven"
            for template in TEMPLATES:
                square = median_ms(
                    lambda t=template: render_image(t, headline, profile, 1080, 1080, logo=mark)
                )
                pin = median_ms(
                    lambda t=template: render_image(t, headline, profile, 1000, 1500, logo=mark)
                )
                print(f"render {template:12s} 1080x1080 {square:6.1f} ms  1000x1500 {pin:6.1f} ms")

            owner = signup(client)
            before = peak_rss_mb()
            started, cpu = time.perf_counter(), time.process_time()
            for i in range(ITEMS):
                store_item_images(
                    owner.workspace_id,
                    owner.user_id,
                    TEMPLATES[i % len(TEMPLATES)],
                    f"{headline} ({i + 1})",
                    profile,
                    NETWORKS,
                )
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            # CPU time too: on a shared machine the wall time counts other people's work.
            print(
                f"store_item_images x{ITEMS} ({', '.join(NETWORKS)}): {elapsed:.2f} s wall,"
                f" {cpu:.2f} s CPU ({elapsed / ITEMS * 1000:.0f} ms an item);"
                f" peak RSS {peak_rss_mb():.0f} MB (moto's storage included; {before:.0f} MB"
                " before the first item)"
            )


if __name__ == "__main__":
    main()
