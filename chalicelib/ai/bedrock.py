"""The Bedrock writer: Amazon Bedrock's Converse API, through boto3's `bedrock-runtime`.

Every task is one Converse call whose only tool is the answer's shape: the tool's input
schema is the JSON schema of a pydantic model, `toolChoice` makes the model call it, and
the tool input it returns is validated with the same model. One retry when Bedrock
throttles or the answer does not validate, then a clear failure (`WriterUnavailable`,
`WriterFailed`); the tokens of every attempt are counted in the result and as metrics.

boto3's own retries are off for this client: its standard mode would retry a throttled
call up to three times with backoff, and a composer waiting on a suggestion should get a
clear answer after one retry instead.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chalicelib.ai.writer import (
    BrandProfile,
    Brief,
    Caption,
    ItemIdea,
    RewriteGoal,
    SiteFacts,
    WriterFailed,
    WriterUnavailable,
    Written,
)
from chalicelib.domain.model import Model

M = TypeVar("M", bound=BaseModel)

SYSTEM_PROMPT = (
    "You are Schedulo's writer. You write social media posts for small businesses, in the "
    "business's own voice: warm, specific and human, never generic marketing filler. Use "
    "the brand profile's words to use and never its words to avoid. Do not invent facts "
    "(prices, dates, awards, addresses) that the brief or the profile do not give. Respect "
    "every length limit you are given: it is counted by the network, hashtags included. "
    "Hashtags are given without '#', fit the network's habits and the post's subject. "
    "Answer only by calling the tool you are given, once, with every required field."
)
TEMPERATURE = 0.6
# Output tokens per task: enough for the longest answer, no more (cost and latency).
MAX_TOKENS = {
    "profile": 1024,
    "outline": 4096,
    "caption": 1500,
    "rewrite": 1500,
    "hashtags": 300,
    "first_comment": 600,
}
THROTTLED = frozenset(
    {"ThrottlingException", "TooManyRequestsException", "ServiceQuotaExceededException"}
)
UNAVAILABLE = frozenset(
    {
        "ServiceUnavailableException",
        "ModelNotReadyException",
        "InternalServerException",
        "ModelTimeoutException",
    }
)
# Before the one retry of a throttled call (tests set it to 0).
RETRY_DELAY_SECONDS = 1.0
CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 60


class DraftProfile(Model):
    business_name: str = Field(min_length=1, max_length=200)
    what_we_do: str = Field(min_length=1, max_length=2000)
    audience: str = Field(max_length=1000)
    voice: str = Field(max_length=1000)
    words_to_use: list[str] = Field(max_length=20)
    words_to_avoid: list[str] = Field(max_length=20)


class Outline(Model):
    items: list[ItemIdea]


class Text(Model):
    # Whitespace is no answer: stripped first, so an empty text is invalid (written again).
    model_config = ConfigDict(defer_build=True, str_strip_whitespace=True)

    text: str = Field(min_length=1)


class Hashtags(Model):
    hashtags: list[str] = Field(max_length=30)


class CaptionOut(Model):
    model_config = ConfigDict(defer_build=True, str_strip_whitespace=True)

    text: str = Field(min_length=1)
    hashtags: list[str] = Field(max_length=30)
    first_comment: str | None = None


class InvalidOutput(Exception):
    pass


def tool_schema(model: type[BaseModel], **extra: Any) -> dict[str, Any]:
    """The model's JSON schema with its `$defs` written in place (not every model on
    Bedrock follows references), plus `extra` constraints on top-level properties."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(defs[node["$ref"].rsplit("/", 1)[-1]])
            return {
                k: inline(v) for k, v in node.items() if not (k == "title" and isinstance(v, str))
            }
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    result: dict[str, Any] = inline(schema)
    for name, constraints in extra.items():
        result["properties"][name].update(constraints)
    return result


_clients: dict[tuple[str, str | None], Any] = {}
_clients_lock = threading.Lock()


def _client(region: str, endpoint_url: str | None) -> Any:
    from botocore.config import Config

    from chalicelib.aws import build_with_shared_session

    key = (region, endpoint_url)
    with _clients_lock:
        found = _clients.get(key)
    if found is None:
        config = Config(
            retries={"total_max_attempts": 1},
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            read_timeout=READ_TIMEOUT_SECONDS,
        )
        found = build_with_shared_session(
            lambda session: session.create_client(
                "bedrock-runtime", region_name=region, endpoint_url=endpoint_url, config=config
            )
        )
        with _clients_lock:
            _clients[key] = found
    return found


def reset_clients() -> None:
    with _clients_lock:
        _clients.clear()


def _habit_words(network: str) -> str:
    from chalicelib.ai.offline import DEFAULT_HABIT, HABITS

    habit = HABITS.get(network, DEFAULT_HABIT)
    case = "CamelCase" if habit.case == "camel" else "lowercase"
    return f"about {habit.hashtags} hashtags in {case}; usually about {habit.length} characters"


def _network_name(network: str) -> str:
    from chalicelib.networks.registry import network_name

    return network_name(network)


class BedrockWriter:
    def __init__(
        self, model_id: str, endpoint_url: str | None = None, region: str | None = None
    ) -> None:
        self.model_id = model_id
        self.endpoint_url = endpoint_url
        self.region = region

    @property
    def name(self) -> str:
        return f"bedrock:{self.model_id}"

    # ------------------------------------------------------------------------------ tasks

    def profile(self, site: SiteFacts) -> Written[BrandProfile]:
        prompt = {
            "task": "Describe this business from what its website says, for the people who "
            "will write its posts: what it does, who it serves, its voice, words to use "
            "and words to avoid.",
            "website": site.model_dump(),
        }
        out = self._call(
            "profile", "brand_profile", "The business's brand profile.", DraftProfile, prompt
        )
        value = BrandProfile(
            **out.value.model_dump(),
            colours=site.colours[:5],
            logo_url=site.logo,
            website=site.url,
            written_by=self.name,
        )
        return Written[BrandProfile](
            value=value,
            writer=self.name,
            input_tokens=out.input_tokens,
            output_tokens=out.output_tokens,
        )

    def outline(self, brief: Brief, profile: BrandProfile, count: int) -> Written[list[ItemIdea]]:
        prompt = {
            "task": f"Plan {count} social media posts for {brief.month}: a mix of the content "
            "pillars, serving the brief's focus, with promo posts spread through the month "
            "when the brief has a promotion. Each has a short title, its angle, an image "
            "template and a headline of at most 6 words for the image.",
            "count": count,
            "brief": brief.model_dump(exclude={"account_ids"}),
            "brand_profile": _profile_for_prompt(profile),
        }
        schema = tool_schema(Outline, items={"minItems": count, "maxItems": count})
        out = self._call(
            "outline",
            "month_plan",
            "The month's posts.",
            Outline,
            prompt,
            schema=schema,
            count=count,
        )
        return Written[list[ItemIdea]](
            value=out.value.items[:count],
            writer=self.name,
            input_tokens=out.input_tokens,
            output_tokens=out.output_tokens,
        )

    def caption(
        self, idea: ItemIdea, brief: Brief, profile: BrandProfile, network: str, max_chars: int
    ) -> Written[Caption]:
        prompt = {
            "task": f"Write this post's caption for {_network_name(network)}, in the shape "
            f"people there expect ({_habit_words(network)}). At most {max_chars} characters "
            "with the hashtags. Suggest a first comment only where it helps.",
            "network": network,
            "max_characters": max_chars,
            "post": idea.model_dump(),
            "brief": brief.model_dump(exclude={"account_ids"}),
            "brand_profile": _profile_for_prompt(profile),
        }
        out = self._call("caption", "caption", "The post's caption.", CaptionOut, prompt)
        value = Caption(
            text=out.value.text.strip(),
            hashtags=clean_tags(out.value.hashtags, out.value.text),
            first_comment=(out.value.first_comment or "").strip() or None,
        )
        return Written[Caption](
            value=value,
            writer=self.name,
            input_tokens=out.input_tokens,
            output_tokens=out.output_tokens,
        )

    def rewrite(
        self, text: str, network: str, goal: RewriteGoal, tone: str | None, max_chars: int
    ) -> Written[str]:
        goals = {
            "shorter": "Make it clearly shorter and punchier; keep its meaning and its links.",
            "longer": "Make it longer and richer: short paragraphs, a concrete detail, a "
            "question at the end; keep its meaning and its links.",
            "tone": f"Rewrite it in a {tone or 'neutral'} tone; keep its meaning and its links.",
        }
        prompt = {
            "task": f"Rewrite this {_network_name(network)} post. {goals[goal]} At most "
            f"{max_chars} characters.",
            "network": network,
            "max_characters": max_chars,
            "text": text,
        }
        return self._text("rewrite", "rewritten_post", "The rewritten post.", prompt)

    def hashtags(self, text: str, network: str) -> Written[list[str]]:
        prompt = {
            "task": f"Suggest hashtags for this {_network_name(network)} post "
            f"({_habit_words(network)}), none it already has.",
            "network": network,
            "text": text,
        }
        out = self._call("hashtags", "hashtags", "Hashtags without '#'.", Hashtags, prompt)
        tags = clean_tags(out.value.hashtags, text)
        return Written[list[str]](
            value=tags,
            writer=self.name,
            input_tokens=out.input_tokens,
            output_tokens=out.output_tokens,
        )

    def first_comment(self, text: str, network: str) -> Written[str]:
        prompt = {
            "task": f"Write a first comment to post under this {_network_name(network)} post: "
            "one that starts a conversation or adds a useful detail.",
            "network": network,
            "text": text,
        }
        return self._text("first_comment", "first_comment", "The first comment.", prompt)

    # ------------------------------------------------------------------------- one call

    def _text(self, task: str, tool: str, description: str, prompt: dict[str, Any]) -> Written[str]:
        out = self._call(task, tool, description, Text, prompt)
        return Written[str](
            value=out.value.text.strip(),
            writer=self.name,
            input_tokens=out.input_tokens,
            output_tokens=out.output_tokens,
        )

    def request(
        self, task: str, tool: str, description: str, schema: dict[str, Any], prompt: dict[str, Any]
    ) -> dict[str, Any]:
        """The Converse request of one task."""
        return {
            "modelId": self.model_id,
            "system": [{"text": SYSTEM_PROMPT}],
            "messages": [
                {
                    "role": "user",
                    "content": [{"text": json.dumps(prompt, ensure_ascii=False, indent=1)}],
                }
            ],
            "inferenceConfig": {"maxTokens": MAX_TOKENS[task], "temperature": TEMPERATURE},
            "toolConfig": {
                "tools": [
                    {
                        "toolSpec": {
                            "name": tool,
                            "description": description,
                            "inputSchema": {"json": schema},
                        }
                    }
                ],
                "toolChoice": {"tool": {"name": tool}},
            },
        }

    def _call(
        self,
        task: str,
        tool: str,
        description: str,
        output: type[M],
        prompt: dict[str, Any],
        schema: dict[str, Any] | None = None,
        count: int | None = None,
    ) -> Written[M]:
        from botocore.exceptions import BotoCoreError, ClientError

        from chalicelib.settings import get_settings

        region = self.region or get_settings().region
        client = _client(region, self.endpoint_url)
        request = self.request(task, tool, description, schema or tool_schema(output), prompt)
        used_in = used_out = 0
        problem = ""
        for attempt in (1, 2):
            try:
                response = client.converse(**request)
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                message = error.response.get("Error", {}).get("Message", "")
                if code in THROTTLED:
                    if attempt == 1:
                        time.sleep(RETRY_DELAY_SECONDS)
                        problem = "throttled"
                        continue
                    raise WriterUnavailable(
                        f"Bedrock is throttling {self.model_id} (tried twice); "
                        "try again in a minute"
                    ) from error
                if code in UNAVAILABLE:
                    raise WriterUnavailable(
                        f"Bedrock could not run {self.model_id}: {code}: {message}"
                    ) from error
                raise WriterFailed(
                    f"Bedrock refused the {task} request for {self.model_id}: {code}: {message}",
                    [{"field": "model", "message": f"{code}: {message}"}],
                ) from error
            except BotoCoreError as error:
                # Unreachable endpoint, timeouts: the provider is unavailable, not wrong.
                raise WriterUnavailable(f"Bedrock could not be reached: {error}") from error
            usage = response.get("usage") or {}
            used_in += int(usage.get("inputTokens", 0))
            used_out += int(usage.get("outputTokens", 0))
            try:
                value = _tool_input(response, tool, output, count)
            except InvalidOutput as invalid:
                problem = str(invalid)
                continue
            _record(self.model_id, task, used_in, used_out)
            return Written[output](  # type: ignore[valid-type]
                value=value, writer=self.name, input_tokens=used_in, output_tokens=used_out
            )
        _record(self.model_id, task, used_in, used_out)
        raise WriterFailed(
            f"{self.model_id} did not answer the {task} request with a valid {tool} (tried "
            f"twice): {problem}",
            [{"field": tool, "message": problem}],
        )


def clean_tags(tags: list[str], text: str) -> list[str]:
    """A model's hashtags as tags: no '#', no spaces or punctuation inside ("fresh bread"
    becomes FreshBread), each once, none the text already has."""
    import re

    from chalicelib.domain.text import extract_hashtags

    seen = {e.value.lower() for e in extract_hashtags(text)}
    cleaned: list[str] = []
    for tag in tags:
        words = re.findall(r"[^\W_]+", tag)
        if len(words) > 1:
            words = [w[:1].upper() + w[1:] for w in words]
        joined = "".join(words)
        if joined and joined.lower() not in seen:
            seen.add(joined.lower())
            cleaned.append(joined)
    return cleaned


def _profile_for_prompt(profile: BrandProfile) -> dict[str, Any]:
    return profile.model_dump(
        include={
            "business_name",
            "what_we_do",
            "audience",
            "voice",
            "words_to_use",
            "words_to_avoid",
        }
    )


def _tool_input(response: dict[str, Any], tool: str, output: type[M], count: int | None) -> M:
    content = ((response.get("output") or {}).get("message") or {}).get("content") or []
    uses = [block["toolUse"] for block in content if isinstance(block, dict) and "toolUse" in block]
    use = next((u for u in uses if u.get("name") == tool), None)
    if use is None:
        stop = response.get("stopReason", "?")
        raise InvalidOutput(f"no call of the {tool} tool in the answer (stop reason {stop})")
    data = use.get("input")
    if isinstance(data, str):  # some models send the input as a JSON string
        try:
            data = json.loads(data)
        except ValueError as error:
            raise InvalidOutput(f"the {tool} input is not JSON") from error
    try:
        value = output.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or tool
        raise InvalidOutput(f"{where}: {first['msg']} ({error.error_count()} problems)") from error
    if count is not None and isinstance(value, Outline) and len(value.items) < count:
        raise InvalidOutput(f"items: {len(value.items)} posts where {count} were asked for")
    return value


def _record(model_id: str, task: str, input_tokens: int, output_tokens: int) -> None:
    from chalicelib.observability import count, logger

    logger.info(
        "bedrock usage",
        extra={
            "model": model_id,
            "task": task,
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
        },
    )
    count("AiInputTokens", input_tokens, model=model_id)
    count("AiOutputTokens", output_tokens, model=model_id)
