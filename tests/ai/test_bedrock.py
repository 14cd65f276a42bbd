"""The Bedrock writer against a local Converse endpoint, through the real boto3 client:
what it sends (model, system prompt, tool schema, limits, a signed request) and how it
takes Bedrock's and the model's failures (one retry, then a clear error)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from chalicelib.ai import bedrock
from chalicelib.ai.bedrock import SYSTEM_PROMPT, BedrockWriter, CaptionOut, tool_schema
from chalicelib.ai.writer import (
    BrandProfile,
    Brief,
    ItemIdea,
    SiteFacts,
    WriterFailed,
    WriterUnavailable,
    writer_for_settings,
)
from local.bedrock_server import (
    ConverseServer,
    answer,
    malformed,
    plain_text,
    throttled,
    validation_error,
)

MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
IDEA = ItemIdea(
    kind="post",
    pillar="baking tips",
    title="Baking tips: where to start",
    angle="a beginner's first step",
    image_template="tip",
    headline="Start here",
)
BRIEF = Brief(month="2026-03", tone="playful", pillars=["baking tips"])
PROFILE = BrandProfile(
    business_name="Crumb & Co",
    what_we_do="We bake sourdough in Leeds.",
    words_to_avoid=["cheap"],
)
GOOD_CAPTION = {
    "text": "New to sourdough? Start with a simple loaf.",
    "hashtags": ["#Sourdough", "BakingTips"],
    "first_comment": "What will you bake first?",
}


@pytest.fixture
def converse(monkeypatch: pytest.MonkeyPatch) -> Iterator[ConverseServer]:
    server = ConverseServer().start()
    monkeypatch.setattr(bedrock, "RETRY_DELAY_SECONDS", 0)
    monkeypatch.setenv("SCHEDULO_AI_MODEL_ID", MODEL)
    monkeypatch.setenv("SCHEDULO_BEDROCK_ENDPOINT", server.url)
    bedrock.reset_clients()
    yield server
    server.stop()
    bedrock.reset_clients()


def writer(server: ConverseServer) -> BedrockWriter:
    chosen = writer_for_settings()
    assert isinstance(chosen, BedrockWriter)
    assert chosen.endpoint_url == server.url
    return chosen


def test_settings_choose_the_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCHEDULO_AI_MODEL_ID", raising=False)
    assert writer_for_settings().name == "offline"
    monkeypatch.setenv("SCHEDULO_AI_MODEL_ID", MODEL)
    from chalicelib.settings import get_settings

    get_settings.cache_clear()
    assert writer_for_settings().name == f"bedrock:{MODEL}"


def test_the_caption_request_bedrock_receives(converse: ConverseServer) -> None:
    converse.script(answer(GOOD_CAPTION, input_tokens=812, output_tokens=64))
    written = writer(converse).caption(IDEA, BRIEF, PROFILE, "x", 280)

    assert written.writer == f"bedrock:{MODEL}"
    assert written.value.text == GOOD_CAPTION["text"]
    assert written.value.hashtags == ["Sourdough", "BakingTips"], "no '#' kept"
    assert written.value.first_comment == "What will you bake first?"
    assert (written.input_tokens, written.output_tokens) == (812, 64)

    [seen] = converse.requests
    assert seen.model_id == MODEL, "the model id from the settings, in the path"
    assert seen.headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=")
    assert "/bedrock/aws4_request" in seen.headers["Authorization"], "signed for Bedrock"
    body = seen.body
    assert body["system"] == [{"text": SYSTEM_PROMPT}]
    assert body["inferenceConfig"] == {"maxTokens": 1500, "temperature": 0.6}
    [tool] = body["toolConfig"]["tools"]
    assert tool["toolSpec"]["name"] == "caption"
    schema = tool["toolSpec"]["inputSchema"]["json"]
    assert schema == tool_schema(CaptionOut)
    assert schema["required"] == ["text", "hashtags"]
    assert schema["properties"]["hashtags"]["maxItems"] == 30
    assert "$defs" not in json.dumps(schema) and "$ref" not in json.dumps(schema)
    assert body["toolConfig"]["toolChoice"] == {"tool": {"name": "caption"}}
    [message] = body["messages"]
    assert message["role"] == "user"
    prompt = json.loads(message["content"][0]["text"])
    assert prompt["network"] == "x" and prompt["max_characters"] == 280
    assert prompt["post"]["title"] == IDEA.title
    assert prompt["brand_profile"]["words_to_avoid"] == ["cheap"]
    assert "account_ids" not in prompt["brief"]


def test_the_outline_schema_asks_for_the_count(converse: ConverseServer) -> None:
    idea = IDEA.model_dump()
    converse.script(
        answer({"items": [idea] * 2}),  # one short: not what was asked, written again
        answer({"items": [idea] * 3}),
    )
    written = writer(converse).outline(BRIEF, PROFILE, 3)
    assert len(written.value) == 3
    assert len(converse.requests) == 2
    first = converse.requests[0].body
    items = first["toolConfig"]["tools"][0]["toolSpec"]["inputSchema"]["json"]["properties"][
        "items"
    ]
    assert (items["minItems"], items["maxItems"]) == (3, 3)
    assert items["items"]["properties"]["image_template"]["enum"] == [
        "quote",
        "tip",
        "promo",
        "announcement",
    ]
    assert first["inferenceConfig"]["maxTokens"] == 4096
    assert written.input_tokens == 240, "both attempts' tokens are counted"


def test_the_profile_keeps_what_the_site_said(converse: ConverseServer) -> None:
    converse.script(
        answer(
            {
                "business_name": "Crumb & Co",
                "what_we_do": "Sourdough bakery",
                "audience": "Neighbours",
                "voice": "Warm",
                "words_to_use": ["sourdough"],
                "words_to_avoid": ["cheap"],
            }
        )
    )
    site = SiteFacts(url="http://bakery.test/", title="Crumb & Co", colours=["#8b4513"])
    profile = writer(converse).profile(site).value
    assert profile.written_by == f"bedrock:{MODEL}"
    assert profile.colours == ["#8b4513"] and profile.website == "http://bakery.test/"


def test_a_models_hashtags_become_tags(converse: ConverseServer) -> None:
    converse.script(
        answer(
            {
                "text": "Fresh #Sourdough today.",
                "hashtags": ["#sourdough", "fresh bread", "Leeds!", "#FreshBread", "  "],
            }
        )
    )
    caption = writer(converse).caption(IDEA, BRIEF, PROFILE, "x", 280).value
    assert caption.hashtags == ["FreshBread", "Leeds"], "none twice, none the text has"


def test_throttled_once_is_retried(converse: ConverseServer) -> None:
    converse.script(throttled(), answer({"hashtags": ["Sourdough"]}))
    written = writer(converse).hashtags("Fresh sourdough", "x")
    assert written.value == ["Sourdough"]
    assert len(converse.requests) == 2


def test_throttled_twice_is_a_clear_503(converse: ConverseServer) -> None:
    converse.script(throttled(), throttled(), answer({"hashtags": ["Unused"]}))
    with pytest.raises(WriterUnavailable) as raised:
        writer(converse).hashtags("Fresh sourdough", "x")
    assert raised.value.status == 503
    assert "throttling" in raised.value.message and MODEL in raised.value.message
    assert len(converse.requests) == 2, "one retry, not boto3's own three"


def test_a_validation_error_is_not_retried(converse: ConverseServer) -> None:
    converse.script(validation_error("The provided model identifier is invalid."))
    with pytest.raises(WriterFailed) as raised:
        writer(converse).first_comment("Fresh sourdough", "facebook")
    assert raised.value.status == 502
    assert "ValidationException" in raised.value.message
    assert "model identifier is invalid" in raised.value.message
    assert len(converse.requests) == 1


@pytest.mark.parametrize(
    "bad",
    [
        malformed(),
        plain_text("Sure! Here's a caption: fresh bread."),
        answer({"text": "  \n ", "hashtags": []}),  # no text
        answer({"hashtags": "not a list", "text": "x"}),
    ],
    ids=["malformed-body", "no-tool-call", "empty-text", "wrong-type"],
)
def test_invalid_output_is_written_again_once(converse: ConverseServer, bad) -> None:
    converse.script(bad, answer(GOOD_CAPTION))
    written = writer(converse).caption(IDEA, BRIEF, PROFILE, "linkedin", 3000)
    assert written.value.text == GOOD_CAPTION["text"]
    assert len(converse.requests) == 2


def test_invalid_output_twice_fails_naming_the_problem(converse: ConverseServer) -> None:
    converse.script(answer({"text": "x"}), answer({"text": "x"}))
    with pytest.raises(WriterFailed) as raised:
        writer(converse).caption(IDEA, BRIEF, PROFILE, "x", 280)
    assert raised.value.status == 502
    assert "hashtags: Field required" in raised.value.message
    assert raised.value.details == [
        {"field": "caption", "message": raised.value.details[0]["message"]}
    ]


def test_an_unreachable_endpoint_is_unavailable(converse: ConverseServer) -> None:
    chosen = writer(converse)
    converse.stop()
    with pytest.raises(WriterUnavailable) as raised:
        chosen.hashtags("Fresh sourdough", "x")
    assert raised.value.status == 503
    assert "could not be reached" in raised.value.message
