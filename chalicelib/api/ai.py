"""Writing help in the composer (issue 24).

| method and path | result |
|---|---|
| POST /v1/workspaces/{ws}/ai/assist | suggestions for each selected network (editors and up) |

`action`: `rewrite` (shorter for the networks that read short, X and Bluesky first;
longer for LinkedIn, Facebook, Instagram and YouTube; or `goal` for every network),
`tone` (with `tone`), `hashtags`, `first_comment`. Every suggestion is checked with the
network's own count before it is offered (a rewrite is written once more, then cut at a
word boundary; hashtags that would not fit are left off), and says which writer wrote it.
One AI credit per network (a billing meter when billing is on), counted in the workspace's
generations per hour too; a provider failure gives the credits back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator, model_validator

from chalicelib.ai.writer import Tone
from chalicelib.api.routing import ApiBlueprint, RequestContext
from chalicelib.domain.model import Model, NetworkName
from chalicelib.domain.roles import Role

if TYPE_CHECKING:
    from chalicelib.ai.writer import Writer

ai = ApiBlueprint(__name__)

Action = Literal["rewrite", "tone", "hashtags", "first_comment"]
Goal = Literal["auto", "shorter", "longer"]


class AssistIn(Model):
    action: Action
    text: str = Field(min_length=1, max_length=10_000, description="the composer's text")
    networks: list[NetworkName] = Field(
        min_length=1, max_length=10, description="the networks to write for (one credit each)"
    )
    tone: Tone | None = Field(default=None, description="required with action=tone")
    goal: Goal = Field(
        default="auto",
        description="for action=rewrite: auto (shorter where posts read short, longer on "
        "LinkedIn, Facebook, Instagram and YouTube), or the same for every network",
    )

    @field_validator("text")
    @classmethod
    def _has_words(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("write some text first: the help rewrites what is there")
        return value

    @field_validator("networks")
    @classmethod
    def _once_each(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _tone_with_tone(self) -> AssistIn:
        if self.action == "tone" and self.tone is None:
            raise ValueError("tone: required when action is tone")
        return self


class Suggestion(Model):
    network: str
    text: str = Field(description="the suggested post text (or first comment); fits the network")
    hashtags: list[str] = Field(default_factory=list, description="for action=hashtags, without #")
    goal: str | None = Field(default=None, description="shorter, longer or tone (rewrites)")
    count: int = Field(description="the text's length as the network counts it")
    limit: int = Field(description="the network's limit for it")
    cut: bool = Field(default=False, description="cut at a word boundary to fit")


class Skipped(Model):
    network: str
    reason: str


class AssistOut(Model):
    writer: str = Field(description='who wrote the suggestions: "offline" or "bedrock:<model id>"')
    action: Action
    suggestions: list[Suggestion]
    skipped: list[Skipped] = Field(default_factory=list)
    credits: int = Field(description="AI credits this request used")


# Where posts read short, a rewrite makes them shorter; elsewhere, richer.
LONGER = frozenset({"linkedin", "facebook", "instagram", "youtube"})


@ai.endpoint(
    "POST",
    "/v1/workspaces/{ws}/ai/assist",
    auth=Role.EDITOR,
    body=AssistIn,
    response=AssistOut,
    errors=(402, 429, 502, 503),
)
def assist(ctx: RequestContext, ws: str, body: AssistIn) -> AssistOut:
    """Writing help: rewrite, change tone, suggest hashtags or a first comment per network."""
    from chalicelib.ai import guard
    from chalicelib.ai.writer import writer_for_settings

    writer = writer_for_settings()
    wanted = [n for n in body.networks if _skip_reason(body.action, n) is None]
    skipped = [
        Skipped(network=n, reason=reason)
        for n in body.networks
        if (reason := _skip_reason(body.action, n)) is not None
    ]
    if not wanted:
        return AssistOut(
            writer=writer.name, action=body.action, suggestions=[], skipped=skipped, credits=0
        )

    def work() -> list[Suggestion | Skipped]:
        from concurrent.futures import ThreadPoolExecutor

        # A model takes seconds per answer: the networks are asked at the same time.
        with ThreadPoolExecutor(max_workers=min(4, len(wanted))) as pool:
            return list(pool.map(lambda n: _suggest(writer, body, n), wanted))

    results = guard.generate(ws, writer, len(wanted), work)
    suggestions = [r for r in results if isinstance(r, Suggestion)]
    skipped += [r for r in results if isinstance(r, Skipped)]
    return AssistOut(
        writer=writer.name,
        action=body.action,
        suggestions=suggestions,
        skipped=skipped,
        credits=len(wanted),
    )


def _skip_reason(action: str, network: str) -> str | None:
    from chalicelib.ai.fit import limits_of
    from chalicelib.domain.limits import Capability

    limits = limits_of(network)
    if action == "first_comment" and Capability.FIRST_COMMENT not in limits.capabilities:
        return f"{limits.name} has no first comment"
    return None


def _goal(body: AssistIn, network: str) -> Literal["shorter", "longer", "tone"]:
    if body.action == "tone":
        return "tone"
    if body.goal != "auto":
        return body.goal
    return "longer" if network in LONGER else "shorter"


def _suggest(w: Writer, body: AssistIn, network: str) -> Suggestion | Skipped:
    from chalicelib.ai.fit import counted, cut_text, fit_caption, fits, limits_of, max_chars
    from chalicelib.ai.writer import Caption

    limit = max_chars(network)
    if body.action in ("rewrite", "tone"):
        goal = _goal(body, network)
        first = w.rewrite(body.text, network, goal, body.tone, limit).value
        caption = Caption(text=first)
        if not fits(network, caption):
            # Once more with a tighter room, then cut: never offered too long.
            caption = fit_caption(
                network,
                caption,
                lambda: Caption(
                    text=w.rewrite(body.text, network, goal, body.tone, (limit * 9) // 10).value
                ),
            )
        if not caption.text.strip():
            return Skipped(network=network, reason="the writer returned no text")
        return Suggestion(
            network=network,
            text=caption.text,
            goal=goal,
            count=counted(network, caption.text),
            limit=limit,
            cut=caption.text != first and caption.text.endswith("…"),
        )
    if body.action == "hashtags":
        tags = w.hashtags(body.text, network).value
        present = {t.lower() for t in _inline_tags(body.text)}
        tags = [t for t in dict.fromkeys(t.lstrip("#") for t in tags) if t.lower() not in present]
        while tags and not fits(network, Caption(text=body.text, hashtags=tags)):
            tags = tags[:-1]
        if not tags:
            return Skipped(network=network, reason="no hashtag fits: the text is at the limit")
        text = Caption(text=body.text.rstrip(), hashtags=tags).full_text()
        return Suggestion(
            network=network,
            text=text,
            hashtags=tags,
            count=counted(network, text),
            limit=limit,
        )
    comment = w.first_comment(body.text, network).value.strip()
    most = limits_of(network).first_comment_max or limit
    cut = counted(network, comment) > most
    if cut:
        comment = cut_text(network, comment, most)
    if not comment:
        return Skipped(network=network, reason="the writer suggested no first comment")
    return Suggestion(
        network=network, text=comment, count=counted(network, comment), limit=most, cut=cut
    )


def _inline_tags(text: str) -> list[str]:
    from chalicelib.domain.text import extract_hashtags

    return [e.value for e in extract_hashtags(text)]
