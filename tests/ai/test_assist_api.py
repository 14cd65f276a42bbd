"""Writing help through the API: suggestions per network that fit each network's count,
which writer wrote them, roles and tenancy, and the limits (AI credits, generations per
hour, the circuit breaker) with the offline writer and with Bedrock (a local endpoint)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from chalicelib.ai import bedrock, guard
from chalicelib.billing.plans import Meter
from chalicelib.domain.validation import TargetDraft, validate_target
from chalicelib.networks.registry import NETWORK_IDS, get_limits
from chalicelib.settings import get_settings
from local.bedrock_server import ConverseServer, answer, throttled
from tests.billing.test_limits import on_plan, use
from tests.support.factories import add_member, call, signup

MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
TEXT = (
    "Our sourdough takes 36 hours from starter to shelf. We feed the starter at dawn, "
    "shape every loaf by hand and bake them in a stone oven until the crust sings. "
    "Come early on Saturdays: the seeded rye is usually gone by ten. #Sourdough"
)


def assist(client, user, **body):
    path = f"/v1/workspaces/{user.workspace_id}/ai/assist"
    return call(client, "POST", path, body, user.headers)


def text_problems(network: str, text: str) -> list[str]:
    found = validate_target(TargetDraft(target="a", text=text), get_limits(network))
    return [p.message for p in found if p.field == "text"]


@pytest.fixture(autouse=True)
def _fresh_breaker(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Every test in the middle of an hour window: none depends on the time of day.
    hour = int(time.time()) // 3600 * 3600
    monkeypatch.setattr(guard, "clock", lambda: hour + 1800.0)
    guard.breaker.reset()
    yield
    guard.breaker.reset()


@pytest.fixture
def converse(monkeypatch: pytest.MonkeyPatch) -> Iterator[ConverseServer]:
    server = ConverseServer().start()
    monkeypatch.setattr(bedrock, "RETRY_DELAY_SECONDS", 0)
    monkeypatch.setenv("SCHEDULO_AI_MODEL_ID", MODEL)
    monkeypatch.setenv("SCHEDULO_BEDROCK_ENDPOINT", server.url)
    get_settings.cache_clear()
    bedrock.reset_clients()
    yield server
    server.stop()
    bedrock.reset_clients()


@pytest.fixture
def billing_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHEDULO_STRIPE_SECRET_KEY", "sk_test_schedulo_tests")
    monkeypatch.setenv("SCHEDULO_TRIAL_DAYS", "0")
    get_settings.cache_clear()


def test_rewrite_is_shorter_for_x_and_longer_for_linkedin(client) -> None:
    editor = signup(client, role="editor")
    got = assist(client, editor, action="rewrite", text=TEXT, networks=["x", "linkedin", "x"])
    assert got.status_code == 200, got.body
    body = got.json
    assert body["writer"] == "offline" and body["action"] == "rewrite"
    assert body["credits"] == 2, "one credit per network, each network once"
    x, linkedin = body["suggestions"]
    assert (x["network"], x["goal"]) == ("x", "shorter")
    assert (linkedin["network"], linkedin["goal"]) == ("linkedin", "longer")
    assert len(x["text"]) < len(TEXT) and x["count"] <= x["limit"] == 280
    assert len(linkedin["text"]) > len(TEXT) and linkedin["limit"] == 3000
    assert "36 hours" in linkedin["text"], "the longer text keeps what was said"
    for suggestion in body["suggestions"]:
        assert text_problems(suggestion["network"], suggestion["text"]) == []


def test_every_suggestion_fits_its_network(client) -> None:
    """A text far over most networks' limits: each network's rewrite is within its own
    count (X's weighted count and emoji, Bluesky's graphemes, YouTube's bytes)."""
    owner = signup(client)
    long_text = ("Fresh bread 🥐 from our oven, shaped by hand with care. " * 120).strip()
    got = assist(client, owner, action="rewrite", text=long_text, networks=list(NETWORK_IDS))
    assert got.status_code == 200, got.body
    suggestions = got.json["suggestions"]
    assert [s["network"] for s in suggestions] == list(NETWORK_IDS)
    for suggestion in suggestions:
        network = suggestion["network"]
        assert suggestion["text"].strip(), network
        assert suggestion["count"] <= suggestion["limit"], network
        assert text_problems(network, suggestion["text"]) == [], network
        assert suggestion["limit"] == get_limits(network).text.max_length


def test_tone_needs_a_tone_and_changes_the_text(client) -> None:
    owner = signup(client)
    missing = assist(client, owner, action="tone", text=TEXT, networks=["facebook"])
    assert missing.status_code == 422, missing.body
    assert "tone" in missing.json["error"]["message"]
    got = assist(client, owner, action="tone", tone="playful", text=TEXT, networks=["facebook"])
    assert got.status_code == 200, got.body
    [suggestion] = got.json["suggestions"]
    assert suggestion["goal"] == "tone" and suggestion["text"] != TEXT
    assert "sourdough" in suggestion["text"].lower()
    calm = assist(
        client, owner, action="tone", tone="neutral", text=suggestion["text"], networks=["facebook"]
    )
    assert "!" not in calm.json["suggestions"][0]["text"]


def test_hashtags_fit_each_network_habit(client) -> None:
    owner = signup(client)
    got = assist(client, owner, action="hashtags", text=TEXT, networks=["instagram", "x"])
    assert got.status_code == 200, got.body
    instagram, x = got.json["suggestions"]
    assert len(instagram["hashtags"]) > len(x["hashtags"]) >= 1
    for suggestion in (instagram, x):
        assert "Sourdough" not in suggestion["hashtags"], "not one the text has"
        assert all(not tag.startswith("#") for tag in suggestion["hashtags"])
        assert suggestion["text"].startswith(TEXT)
        assert suggestion["text"].endswith("#" + suggestion["hashtags"][-1])
        assert text_problems(suggestion["network"], suggestion["text"]) == []
    assert all(tag == tag.lower() for tag in instagram["hashtags"])
    # At X's limit already: no tag fits, and the help says so instead of offering one.
    full = "word " * 55 + "loaves"
    at_limit = assist(client, owner, action="hashtags", text=full, networks=["x"])
    assert at_limit.json["suggestions"] == []
    assert at_limit.json["skipped"] == [
        {"network": "x", "reason": "no hashtag fits: the text is at the limit"}
    ]


def test_first_comments_where_the_network_has_them(client) -> None:
    owner = signup(client)
    got = assist(client, owner, action="first_comment", text=TEXT, networks=["facebook", "youtube"])
    assert got.status_code == 200, got.body
    [facebook] = got.json["suggestions"]
    assert facebook["network"] == "facebook" and facebook["text"].endswith(("?", ".", "👇"))
    assert facebook["limit"] == 8000 and facebook["count"] == len(facebook["text"])
    assert got.json["skipped"] == [{"network": "youtube", "reason": "YouTube has no first comment"}]
    assert got.json["credits"] == 1


def test_bad_input_names_the_field(client) -> None:
    owner = signup(client)
    unknown = assist(client, owner, action="rewrite", text=TEXT, networks=["myspace"])
    assert unknown.status_code == 422
    assert unknown.json["error"]["details"][0]["field"].startswith("networks")
    blank = assist(client, owner, action="rewrite", text="   ", networks=["x"])
    assert blank.status_code == 422
    assert blank.json["error"]["details"][0]["field"] == "text"
    none = assist(client, owner, action="rewrite", text=TEXT, networks=[])
    assert none.status_code == 422 and none.json["error"]["details"][0]["field"] == "networks"
    odd = assist(client, owner, action="translate", text=TEXT, networks=["x"])
    assert odd.status_code == 422 and odd.json["error"]["details"][0]["field"] == "action"


def test_roles_and_tenancy(client) -> None:
    owner = signup(client)
    viewer = add_member(client, owner, "viewer")
    assert assist(client, viewer, action="rewrite", text=TEXT, networks=["x"]).status_code == 403
    stranger = signup(client)
    path = f"/v1/workspaces/{owner.workspace_id}/ai/assist"
    body = {"action": "rewrite", "text": TEXT, "networks": ["x"]}
    assert call(client, "POST", path, body, stranger.headers).status_code in (403, 404)
    assert call(client, "POST", path, body).status_code == 401


def test_generations_per_hour(client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHEDULO_AI_GENERATIONS_PER_HOUR", "4")
    get_settings.cache_clear()
    owner = signup(client)
    assert (
        assist(
            client, owner, action="rewrite", text=TEXT, networks=["x", "bluesky", "threads"]
        ).status_code
        == 200
    )
    over = assist(client, owner, action="hashtags", text=TEXT, networks=["x", "linkedin"])
    assert over.status_code == 429, over.body
    assert over.json["error"]["code"] == "rate_limited"
    assert "4 AI generations an hour" in over.json["error"]["message"]
    assert int(over.headers["Retry-After"]) == 1800
    # The one left is still there; another workspace has its own hour.
    assert assist(client, owner, action="hashtags", text=TEXT, networks=["x"]).status_code == 200
    other = signup(client)
    assert (
        assist(client, other, action="hashtags", text=TEXT, networks=["x", "linkedin"]).status_code
        == 200
    )


def test_a_first_request_costing_more_than_the_hour_allows_is_refused(
    client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHEDULO_AI_GENERATIONS_PER_HOUR", "2")
    get_settings.cache_clear()
    owner = signup(client)
    over = assist(client, owner, action="hashtags", text=TEXT, networks=["x", "bluesky", "threads"])
    assert over.status_code == 429, over.body
    assert "2 AI generations an hour" in over.json["error"]["message"]
    # Nothing was counted: the hour's two are still there.
    within = assist(client, owner, action="hashtags", text=TEXT, networks=["x", "bluesky"])
    assert within.status_code == 200, within.body


def test_ai_credits_are_a_billing_meter(client, billing_on) -> None:
    from chalicelib.billing.entitlements import usage, utc_month

    free = signup(client)
    refused = assist(client, free, action="rewrite", text=TEXT, networks=["x"])
    assert refused.status_code == 402 and refused.json["error"]["code"] == "plan_feature"

    owner = signup(client)
    ws = owner.workspace_id
    on_plan(ws, "pro")  # 100 credits a month
    use(ws, Meter.AI_CREDITS_PER_MONTH, 98, utc_month())
    got = assist(client, owner, action="rewrite", text=TEXT, networks=["x", "linkedin"])
    assert got.status_code == 200, got.body
    assert usage(ws, Meter.AI_CREDITS_PER_MONTH, utc_month()) == 100
    over = assist(client, owner, action="rewrite", text=TEXT, networks=["x"])
    assert over.status_code == 402 and over.json["error"]["code"] == "plan_limit"
    assert over.json["error"]["details"][0]["meter"] == "ai_credits_per_month"


def test_bedrock_writes_and_says_so(client, converse: ConverseServer) -> None:
    owner = signup(client)
    converse.script(answer({"text": "Sourdough: 36 hours, shaped by hand. Come early!"}))
    got = assist(client, owner, action="rewrite", text=TEXT, networks=["x"])
    assert got.status_code == 200, got.body
    assert got.json["writer"] == f"bedrock:{MODEL}"
    [suggestion] = got.json["suggestions"]
    assert suggestion["text"] == "Sourdough: 36 hours, shaped by hand. Come early!"
    [seen] = converse.requests
    assert seen.model_id == MODEL


def test_a_bedrock_rewrite_too_long_is_written_again_then_cut(
    client, converse: ConverseServer
) -> None:
    owner = signup(client)
    too_long = {"text": "Our loaves are shaped by hand every single morning. " * 12}
    converse.script(answer(too_long), answer(too_long))
    got = assist(client, owner, action="rewrite", text=TEXT, networks=["bluesky"])
    assert got.status_code == 200, got.body
    [suggestion] = got.json["suggestions"]
    assert suggestion["cut"] is True and suggestion["text"].endswith("…")
    assert suggestion["count"] <= 300 and text_problems("bluesky", suggestion["text"]) == []
    assert len(converse.requests) == 2, "asked once more before cutting"
    prompts = [r.body["messages"][0]["content"][0]["text"] for r in converse.requests]
    assert '"max_characters": 300' in prompts[0] and '"max_characters": 270' in prompts[1]


def test_a_failing_provider_gives_credits_back_and_trips_the_breaker(
    client, converse: ConverseServer, billing_on
) -> None:
    from chalicelib.billing.entitlements import usage, utc_month

    owner = signup(client)
    ws = owner.workspace_id
    on_plan(ws, "pro")
    converse.script(*[throttled()] * 6)
    for _ in range(3):
        failed = assist(client, owner, action="hashtags", text=TEXT, networks=["x"])
        assert failed.status_code == 503, failed.body
        assert failed.json["error"]["code"] == "writer_unavailable"
        assert "throttling" in failed.json["error"]["message"]
    assert len(converse.requests) == 6
    assert usage(ws, Meter.AI_CREDITS_PER_MONTH, utc_month()) == 0, "failures cost nothing"
    # Three failures in a row: Bedrock is not called for a while.
    resting = assist(client, owner, action="hashtags", text=TEXT, networks=["x"])
    assert resting.status_code == 503
    assert "failed 3 times in a row" in resting.json["error"]["message"]
    assert int(resting.headers["Retry-After"]) > 0
    assert len(converse.requests) == 6, "the breaker did not call Bedrock"


def test_the_breaker_tries_again_after_its_rest() -> None:
    from chalicelib.ai.writer import WriterUnavailable

    now = [1000.0]
    breaker = guard.Breaker(failures=2, rest_seconds=30, clock=lambda: now[0])
    calls: list[str] = []

    def failing() -> str:
        calls.append("fail")
        raise WriterUnavailable("down")

    for _ in range(2):
        with pytest.raises(WriterUnavailable):
            breaker.call("bedrock:m", failing)
    with pytest.raises(WriterUnavailable, match="not called for 30 more seconds"):
        breaker.call("bedrock:m", failing)
    assert len(calls) == 2
    assert breaker.call("bedrock:other", lambda: "ok") == "ok", "per provider"
    now[0] += 31
    with pytest.raises(WriterUnavailable, match="down"):  # the trial call fails: open again
        breaker.call("bedrock:m", failing)
    assert breaker.is_open("bedrock:m") and len(calls) == 3
    now[0] += 31
    assert breaker.call("bedrock:m", lambda: "back") == "back"
    assert not breaker.is_open("bedrock:m")
