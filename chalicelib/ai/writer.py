"""The writers' one interface: what they are given, what they return, and which one runs.

Two implementations: `offline.OfflineWriter` (templates, deterministic, no cloud: the
default, so `make dev` and the tests write complete plans) and `bedrock.BedrockWriter`
(Amazon Bedrock's Converse API), chosen by `SCHEDULO_AI_MODEL_ID`.
"""

from __future__ import annotations

from typing import Generic, Literal, Protocol, TypeVar

from pydantic import Field

from chalicelib.domain.model import Model
from chalicelib.errors import ApiError

Focus = Literal["new_clients", "education", "community", "launch", "seasonal", "other"]
Tone = Literal["neutral", "educational", "promotional", "playful"]
ItemKind = Literal["post", "promo"]
ImageTemplate = Literal["quote", "tip", "promo", "announcement"]
RewriteGoal = Literal["shorter", "longer", "tone"]

TONES: tuple[str, ...] = ("neutral", "educational", "promotional", "playful")


class SiteFacts(Model):
    """What a business's website says about it (read by `brand.site_facts`)."""

    url: str
    title: str = ""
    description: str = ""
    headings: list[str] = Field(default_factory=list)
    og_image: str | None = None
    logo: str | None = None
    # "#rrggbb", most important first.
    colours: list[str] = Field(default_factory=list)
    key_phrases: list[str] = Field(default_factory=list)


class BrandProfile(Model):
    """How a business talks about itself; written from its site, then edited by its people."""

    business_name: str = Field(max_length=200)
    what_we_do: str = Field(default="", max_length=2000)
    audience: str = Field(default="", max_length=1000)
    voice: str = Field(default="", max_length=1000)
    words_to_use: list[str] = Field(default_factory=list, max_length=50)
    words_to_avoid: list[str] = Field(default_factory=list, max_length=50)
    colours: list[str] = Field(default_factory=list, max_length=10)
    logo_media_id: str | None = None
    logo_url: str | None = None
    website: str | None = None
    # "offline", "bedrock:<model id>", or "person" once someone edited it.
    written_by: str = "offline"


class Brief(Model):
    """One month's intent for a workspace's posts."""

    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
    focus: Focus = "new_clients"
    focus_details: str = Field(default="", max_length=1000)
    promotion: bool = False
    promotion_details: str = Field(default="", max_length=1000)
    tone: Tone = "neutral"
    pillars: list[str] = Field(default_factory=list, max_length=10)
    account_ids: list[str] = Field(default_factory=list, max_length=50)


class ItemIdea(Model):
    """One post of a month's plan, before it has captions."""

    kind: ItemKind
    pillar: str
    title: str
    angle: str
    image_template: ImageTemplate
    # The few words the image shows.
    headline: str


class Caption(Model):
    """A post's text for one network. `text` excludes the hashtags; `full_text` joins them."""

    text: str
    hashtags: list[str] = Field(default_factory=list)
    first_comment: str | None = None

    def full_text(self) -> str:
        tags = " ".join(f"#{tag.lstrip('#')}" for tag in self.hashtags if tag.strip("#"))
        if not tags:
            return self.text
        return f"{self.text}\n\n{tags}" if self.text else tags


T = TypeVar("T")


class Written(Model, Generic[T]):
    """A writer's result, with who wrote it and what it cost."""

    value: T
    # "offline" or "bedrock:<model id>".
    writer: str
    input_tokens: int = 0
    output_tokens: int = 0


class Writer(Protocol):
    @property
    def name(self) -> str: ...

    def profile(self, site: SiteFacts) -> Written[BrandProfile]: ...

    def outline(
        self, brief: Brief, profile: BrandProfile, count: int
    ) -> Written[list[ItemIdea]]: ...

    def caption(
        self, idea: ItemIdea, brief: Brief, profile: BrandProfile, network: str, max_chars: int
    ) -> Written[Caption]: ...

    def rewrite(
        self, text: str, network: str, goal: RewriteGoal, tone: str | None, max_chars: int
    ) -> Written[str]: ...

    def hashtags(self, text: str, network: str) -> Written[list[str]]: ...

    def first_comment(self, text: str, network: str) -> Written[str]: ...


def writer_for_settings() -> Writer:
    """Bedrock when a model is configured (`SCHEDULO_AI_MODEL_ID`), else the offline writer."""
    from chalicelib.settings import get_settings

    settings = get_settings()
    if settings.ai_model_id:
        from chalicelib.ai.bedrock import BedrockWriter

        return BedrockWriter(settings.ai_model_id, endpoint_url=settings.bedrock_endpoint)
    from chalicelib.ai.offline import OfflineWriter

    return OfflineWriter()


class WriterUnavailable(ApiError):
    """The provider cannot write now (throttled after a retry, unreachable, or resting
    after repeated failures): try again later."""

    status, code = 503, "writer_unavailable"

    def __init__(self, message: str, retry_after: int = 30) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, int(retry_after)))})
        self.retry_after = retry_after


class WriterFailed(ApiError):
    """The provider answered, but not with something usable (twice), or refused the
    request: trying again at once would not help."""

    status, code = 502, "writer_failed"
