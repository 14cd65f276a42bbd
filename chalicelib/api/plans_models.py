"""The bodies of the content plans API (chalicelib/api/plans.py): brand profile, posting
rules, monthly briefs, plans and their items.

The brand profile and the brief are the writers' own models (chalicelib/ai/writer.py);
everything else is here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.ai.writer import BrandProfile, Brief, Focus, Tone
from chalicelib.domain.model import Model

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Window = Literal["morning", "afternoon", "evening"]
PlanStatus = Literal["generating", "ready", "failed"]
ItemStatus = Literal["draft", "approved", "scheduled"]

__all__ = [
    "BrandExtractIn",
    "BrandProfile",
    "Brief",
    "BriefIn",
    "ContentPlanCreate",
    "ContentPlanList",
    "ContentPlanOut",
    "ContentPlanQuery",
    "PlanApproveIn",
    "PlanCaptionOut",
    "PlanCaptionPatch",
    "PlanItemOut",
    "PlanItemPatch",
    "PlanItemRegenerate",
    "PostingRule",
    "PostingRules",
]


class BrandExtractIn(Model):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        min_length=1,
        max_length=2000,
        description="the business's website (http or https); read, not saved: PUT /brand saves",
    )


class PostingRule(Model):
    """How often and when one account (or, with no account_id, every account) posts."""

    model_config = ConfigDict(extra="forbid")

    account_id: str | None = Field(
        default=None, max_length=64, description="null: the workspace's rule for every account"
    )
    per_week: int = Field(default=3, ge=1, le=14, description="posts a week")
    days: list[Day] = Field(
        default_factory=list,
        max_length=7,
        description="days of the week to post on; empty: spread over the week",
    )
    window: Window = Field(
        default="morning",
        description="morning 08:00-11:00, afternoon 12:00-16:00, evening 17:00-20:00, "
        "in the account's time zone",
    )
    use_best_times: bool = Field(
        default=False,
        description="the account's best hours within the window (analytics), else the "
        "window's usual time",
    )


class PostingRules(Model):
    model_config = ConfigDict(extra="forbid")

    rules: list[PostingRule] = Field(default_factory=list, max_length=60)


class BriefIn(Model):
    """A month's brief as sent (`Brief`'s fields): `month` may be left out, the path's is
    the one. (Not a subclass of Brief: deriving from it costs `import app` 4 ms.)"""

    model_config = ConfigDict(extra="forbid")

    month: str | None = Field(
        default=None, pattern=MONTH_PATTERN, description="YYYY-MM; the path's when absent"
    )
    focus: Focus = "new_clients"
    focus_details: str = Field(default="", max_length=1000)
    promotion: bool = False
    promotion_details: str = Field(default="", max_length=1000)
    tone: Tone = "neutral"
    pillars: list[str] = Field(default_factory=list, max_length=10)
    account_ids: list[str] = Field(default_factory=list, max_length=50)


class ContentPlanCreate(Model):
    model_config = ConfigDict(extra="forbid")

    month: str = Field(pattern=MONTH_PATTERN, description="YYYY-MM: the brief's month")


class ContentPlanQuery(Model):
    model_config = ConfigDict(extra="forbid")

    month: str | None = Field(default=None, pattern=MONTH_PATTERN)


class PlanCaptionOut(Model):
    account_id: str
    network: str
    text: str = Field(description="the caption as posted, hashtags included")
    hashtags: list[str] = Field(default_factory=list)
    first_comment: str | None = Field(
        default=None,
        description="posted as the first comment where the network has one (Instagram: "
        "the rest of the hashtags); the post's target has it as options.first_comment",
    )
    count: int = Field(description="the text's length by the network's own count")
    limit: int = Field(description="the network's limit on that count")


class PlanItemOut(Model):
    item_id: str
    plan_id: str
    month: str = Field(description="the brief's month")
    kind: Literal["post", "promo"]
    pillar: str
    title: str
    angle: str = ""
    slot: str = Field(description="when it goes out: ISO with the offset of `timezone`")
    timezone: str
    post_id: str | None = Field(description="the draft post it is (posts API)")
    status: ItemStatus = Field(
        description="draft; approved (waiting for the workspace's approvers); scheduled"
    )
    post_status: str | None = Field(default=None, description="the post's own status")
    writer: str | None = Field(description='who wrote the text: "offline" or "bedrock:<model>"')
    captions: list[PlanCaptionOut]
    media_id: str | None
    image_template: str
    headline: str
    problem: str | None = Field(
        default=None, description="why the last approval could not schedule it, in words"
    )
    version: int


class ContentPlanOut(Model):
    plan_id: str
    month: str
    status: PlanStatus
    progress: int = Field(ge=0, le=100)
    writer: str | None
    error: str | None = None
    timezone: str
    created_at: str
    items: list[PlanItemOut] = Field(default_factory=list)


class ContentPlanList(Model):
    items: list[ContentPlanOut]


class PlanCaptionPatch(Model):
    model_config = ConfigDict(extra="forbid")

    account_id: str = Field(min_length=1, max_length=64)
    text: str = Field(max_length=70_000, description="the caption as posted, hashtags included")
    first_comment: str | None = Field(
        default=None, max_length=70_000, description="absent: kept; null or empty: none"
    )


class PlanItemPatch(Model):
    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(default=None, ge=1, description="409 when not the current one")
    title: str | None = Field(default=None, min_length=1, max_length=300)
    headline: str | None = Field(default=None, min_length=1, max_length=120)
    slot: str | None = Field(
        default=None,
        max_length=64,
        description="ISO time; with no offset it is read in the item's time zone",
    )
    captions: list[PlanCaptionPatch] | None = Field(default=None, max_length=50)


class PlanItemRegenerate(Model):
    model_config = ConfigDict(extra="forbid")

    part: Literal["text", "image"]


class PlanApproveIn(Model):
    model_config = ConfigDict(extra="forbid")

    item_ids: list[str] | None = Field(
        default=None, max_length=200, description="the items to approve; absent: every draft"
    )
