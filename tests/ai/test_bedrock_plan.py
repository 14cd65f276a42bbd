"""A month's plan written by Bedrock (the local Converse endpoint, the real boto3 client):
the plan and each item say which writer wrote them, the outline is asked for as many posts
as there are slots, every caption is asked for within its network's count, and a caption
the model writes too long is cut to fit before it becomes a post."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from chalicelib.ai import bedrock, guard
from chalicelib.settings import get_settings
from local.bedrock_server import ConverseServer
from tests.plans.test_plans_api import _base, _brief, _generated, _next_month
from tests.support.factories import call, signup
from tests.support.posting import an_account

MODEL = "amazon.nova-lite-v1:0"


@pytest.fixture
def worker(aws):  # type: ignore[no-untyped-def]
    """The plan worker in-process, as the local stack invokes it."""
    import app as app_module
    from chalicelib import scheduling

    def invoke(arn, payload):  # type: ignore[no-untyped-def]
        return getattr(app_module, arn.rsplit(":", 1)[-1].split("-")[-1])(payload, None)

    scheduling.use_local_invoker(invoke)
    yield
    scheduling.use_local_invoker(None)


@pytest.fixture
def converse(monkeypatch: pytest.MonkeyPatch) -> Iterator[ConverseServer]:
    server = ConverseServer().start()
    monkeypatch.setattr(bedrock, "RETRY_DELAY_SECONDS", 0)
    monkeypatch.setenv("SCHEDULO_AI_MODEL_ID", MODEL)
    monkeypatch.setenv("SCHEDULO_BEDROCK_ENDPOINT", server.url)
    get_settings.cache_clear()
    bedrock.reset_clients()
    guard.breaker.reset()
    yield server
    server.stop()
    bedrock.reset_clients()
    guard.breaker.reset()


def test_a_plan_written_by_bedrock(client, worker, converse: ConverseServer) -> None:
    owner = signup(client)
    x = an_account(owner.workspace_id, "x", timezone="Europe/London")
    rules = {"rules": [{"per_week": 1, "days": ["tue"], "window": "morning"}]}
    assert (
        call(client, "PUT", f"{_base(owner)}/posting-rules", rules, owner.headers).status_code
        == 200
    )
    month = _next_month()
    assert _brief(client, owner, month, [x]).status_code == 200
    # Every caption far too long for X: the plan must still hold only captions that fit.
    converse.by_tool["caption"] = {
        "text": "Fresh sourdough from our stone oven, every morning. " * 12,
        "hashtags": ["Sourdough"],
    }
    plan = _generated(client, owner, month)

    assert plan["writer"] == f"bedrock:{MODEL}"
    items = plan["items"]
    assert 4 <= len(items) <= 5, "one Tuesday a week"
    outline, *captions = converse.requests
    assert {r.model_id for r in converse.requests} == {MODEL}
    tool = outline.body["toolConfig"]["tools"][0]["toolSpec"]
    assert tool["name"] == "month_plan"
    items_schema = tool["inputSchema"]["json"]["properties"]["items"]
    assert items_schema["minItems"] == items_schema["maxItems"] == len(items)
    prompt = json.loads(outline.body["messages"][0]["content"][0]["text"])
    assert prompt["brief"]["pillars"] == ["behind the scenes", "our bread", "tips"]
    assert {c.body["toolConfig"]["tools"][0]["toolSpec"]["name"] for c in captions} == {"caption"}
    # Each caption too long: asked once more, then cut at a word boundary.
    assert len(captions) == 2 * len(items)
    for request in captions:
        asked = json.loads(request.body["messages"][0]["content"][0]["text"])
        assert asked["network"] == "x" and asked["max_characters"] == 280
    for item in items:
        assert item["writer"] == f"bedrock:{MODEL}"
        [caption] = item["captions"]
        assert caption["count"] <= caption["limit"] == 280
        assert "…" in caption["text"]
