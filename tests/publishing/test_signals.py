"""What the publisher tells CloudWatch: the EMF metrics the dashboard and the alarms of
infrastructure/template.yaml name (same names, same dimensions), and log lines that
carry the workspace, the post and the target."""

from __future__ import annotations

import json
import time
from typing import Any


def emitted(text: str) -> list[dict[str, Any]]:
    """Every EMF metric written: {name, value, dimensions...}."""
    found = []
    for line in text.splitlines():
        if not line.startswith('{"_aws"'):
            continue
        record = json.loads(line)
        [directive] = record["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == "Schedulo"
        [dimensions] = directive["Dimensions"]
        for metric in directive["Metrics"]:
            found.append(
                {
                    "name": metric["Name"],
                    "unit": metric["Unit"],
                    "value": record[metric["Name"]],
                    **{key: record[key] for key in dimensions},
                }
            )
    return found


def log_lines(text: str) -> list[dict[str, Any]]:
    lines = []
    for line in text.splitlines():
        if line.startswith("{") and '"message"' in line:
            lines.append(json.loads(line))
    return lines


def emitted_until(capfd, wanted: set[tuple[str, str]], timeout: float = 10) -> list[dict]:
    """The metric lines written so far, read until each (name, network) wanted is among
    them or the time is up (the publisher's thread writes them after the outcome)."""
    out = ""
    deadline = time.monotonic() + timeout
    while True:
        out += capfd.readouterr().out
        metrics = emitted(out)
        if wanted <= {(m["name"], m.get("network")) for m in metrics}:
            return metrics
        if time.monotonic() > deadline:
            return metrics
        time.sleep(0.05)


def test_published_failed_by_kind_and_lateness_are_metrics_per_network(world, capfd):
    x, linkedin, threads = world.account("x"), world.account("linkedin"), world.account("threads")
    world.sandbox.fault("linkedin", "duplicate", 1)
    world.sandbox.fault("threads", "401", 1)
    post_id = world.schedule({x: "x", linkedin: "linkedin", threads: "threads"}, "Signals")
    item = world.wait_for(post_id)
    assert [t.status for t in item.targets] == ["published", "failed", "failed"]

    # The post's status is written before its metric lines: wait for the last of them.
    metrics = emitted_until(capfd, {("PostsPublished", "x"), ("TokenRefreshFailed", "threads")})
    names = {(m["name"], m.get("network"), m.get("kind")) for m in metrics}
    assert ("PostsPublished", "x", None) in names
    assert ("PublishFailed", "linkedin", None) in names
    assert ("PublishFailedByKind", "linkedin", "duplicate") in names
    assert ("PublishFailedByKind", "threads", "reauth") in names
    assert ("TokenRefreshFailed", "threads", "reauth") in names
    [lateness] = [m for m in metrics if m["name"] == "PublishLatenessSeconds"]
    assert lateness["unit"] == "Seconds" and lateness["network"] == "x"
    assert 0 <= lateness["value"][0] < 60
    # The alarms and the dashboard name these dimensions exactly.
    assert all(m["service"] == "schedulo-api" for m in metrics)
    assert {frozenset(m) - {"name", "unit", "value"} for m in metrics if m.get("network")} <= {
        frozenset({"network", "service"}),
        frozenset({"network", "kind", "service"}),
    }


def test_a_retry_and_a_transient_failure_are_counted(world, capfd):
    x = world.account("x")
    world.sandbox.fault("x", "5xx", 1)
    post_id = world.schedule({x: "x"}, "Second time lucky")
    item = world.wait_for(post_id)
    assert item.status == "published"
    metrics = emitted_until(capfd, {("PublishRetried", "x"), ("PostsPublished", "x")})
    names = [(m["name"], m.get("network")) for m in metrics]
    assert ("PublishRetried", "x") in names
    assert ("PostsPublished", "x") in names


def test_the_publishers_log_lines_name_the_workspace_the_post_and_the_target(world, monkeypatch):
    import io
    import logging

    from chalicelib.observability import SERVICE
    from chalicelib.publishing import outcomes

    written = io.StringIO()
    for handler in logging.getLogger(SERVICE).handlers:  # bound to stdout at import
        if isinstance(handler, logging.StreamHandler):  # not pytest's own, when it adds one
            monkeypatch.setattr(handler, "stream", written)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(outcomes, "publish_request", broken)
    x = world.account("x")
    post_id = world.schedule({x: "x"}, "Logged with its ids")
    item = world.wait_for(post_id, done=lambda item: bool(item.targets[0].error))
    lines = log_lines(written.getvalue())
    [unexpected, *_] = [
        line for line in lines if line["message"] == "publishing failed unexpectedly"
    ]
    assert unexpected["workspace_id"] == world.ws
    assert unexpected["post_id"] == post_id
    assert unexpected["target_id"] == item.targets[0].target_id
