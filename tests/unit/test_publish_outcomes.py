"""How an attempt's outcome is judged: retry times, reasons, the post's status."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from chalicelib.networks.base import ErrorKind, NetworkError
from chalicelib.publishing.handler import post_status
from chalicelib.publishing.outcomes import Failure, failure_of, retry_time
from chalicelib.store.base import utcnow

ACCOUNT = SimpleNamespace(network="x", display_name="Acme")


def test_a_reset_time_is_honoured_else_backoff_doubles_with_jitter():
    reset = utcnow() + timedelta(minutes=7)
    assert retry_time(Failure("slow down", True, retry_at=reset), 1, 30) == reset
    for attempt, base in ((1, 30), (2, 60), (3, 120)):
        delay = (retry_time(Failure("down", True), attempt, 30) - utcnow()).total_seconds()
        assert base - 1 <= delay <= base * 1.5 + 1
    capped = (retry_time(Failure("down", True), 30, 30) - utcnow()).total_seconds()
    assert capped <= 3600 * 1.5 + 1


def test_network_errors_become_reasons_people_understand():
    reauth = failure_of(NetworkError(ErrorKind.REAUTH, "Unauthorized"), "X", ACCOUNT)
    assert not reauth.retryable
    assert reauth.reason.startswith("X no longer accepts Schedulo's access to Acme")
    throttled = failure_of(NetworkError(ErrorKind.THROTTLED, "Too Many Requests"), "X", ACCOUNT)
    assert throttled.retryable and "rate limit" in throttled.reason
    refused = failure_of(NetworkError(ErrorKind.PERMANENT, "Text too long."), "X", ACCOUNT)
    assert refused.reason == "X refused the post: Text too long."
    assert (
        Failure("X was unavailable (503).", True)
        .final_reason(5)
        .endswith("Gave up after 5 attempts.")
    )


def test_an_unanswered_publish_is_unconfirmed_unless_the_network_deduplicates():
    error = NetworkError(ErrorKind.TRANSIENT, "read timed out")
    error.unanswered = error.maybe_published = True
    lost = failure_of(error, "X", ACCOUNT)
    assert lost.maybe_published and not lost.retryable
    assert "check before retrying" in lost.reason
    bluesky = SimpleNamespace(network="bluesky", display_name="Bakery")
    assert failure_of(error, "Bluesky", bluesky).retryable


def test_the_post_status_follows_its_targets():
    assert post_status(["published", "published"]) == ("published", True)
    assert post_status(["published", "failed"]) == ("partially_published", True)
    assert post_status(["failed", "unconfirmed"]) == ("failed", True)
    assert post_status(["published", "retrying"]) == ("publishing", False)
    assert post_status(["published", "cancelled"]) == ("published", True)
