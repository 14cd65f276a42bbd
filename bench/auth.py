"""What authentication costs per request, through the real app on the in-process
embedded AWS (moto): sign-up of a new and of a taken address (the same answer, and about
the same time), sign-in (argon2id hashing), refresh, and the guard's
overhead on an authorised request (JWT check + one membership read) against the same
request with an API key, and against a public endpoint.

Figures are medians in milliseconds; moto's DynamoDB is slower than the real one, so the
guard's share is an upper bound.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from local.offline import provisioned_moto, use_offline_environment

use_offline_environment("bench")

RUNS = 30


def median_ms(action: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    from chalice.test import Client

    with provisioned_moto("bench"):
        import logging

        import app

        logging.getLogger("schedulo-api").setLevel(logging.WARNING)  # no line per request
        from tests.support.factories import PASSWORD, api_key, bearer, call, signup, unique_email

        with Client(app.app) as client:
            owner = signup(client)
            key = api_key(client, owner)
            workspace = f"/v1/workspaces/{owner.workspace_id}"
            tokens = {"refresh": owner.refresh_token}
            taken = {"email": owner.email, "password": PASSWORD, "name": "Again"}

            def new_signup() -> dict[str, str]:
                return {"email": unique_email("bench"), "password": PASSWORD, "name": "New"}

            def refresh() -> None:
                reply = call(
                    client, "POST", "/v1/auth/refresh", {"refresh_token": tokens["refresh"]}
                )
                tokens["refresh"] = reply.json["refresh_token"]

            figures = {
                # The same answer (202) for a new address and a taken one, and about the
                # same time: a new one is hashed and written, a taken one hashed and its
                # owner emailed.
                "sign-up, new address (hash, transaction, email)": median_ms(
                    lambda: call(client, "POST", "/v1/auth/signup", new_signup()), 10
                ),
                "sign-up, taken address (hash, email to owner)": median_ms(
                    lambda: call(client, "POST", "/v1/auth/signup", taken), 10
                ),
                "sign-in (argon2id verify)": median_ms(
                    lambda: call(
                        client,
                        "POST",
                        "/v1/auth/login",
                        {"email": owner.email, "password": PASSWORD},
                    ),
                    10,
                ),
                "refresh (rotation)": median_ms(refresh),
                "GET /v1/health (public, no guard)": median_ms(
                    lambda: call(client, "GET", "/v1/health")
                ),
                "GET workspace with a JWT": median_ms(
                    lambda: call(client, "GET", workspace, headers=owner.headers)
                ),
                "GET workspace with an API key": median_ms(
                    lambda: call(client, "GET", workspace, headers=bearer(key))
                ),
            }
    for name, value in figures.items():
        print(f"{name:45s} {value:8.1f} ms")


if __name__ == "__main__":
    main()
