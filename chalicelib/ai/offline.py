"""The offline writer: templates, the brand profile and the brief; no model, no cloud."""

from __future__ import annotations

from chalicelib.ai.writer import (
    BrandProfile,
    Brief,
    Caption,
    ItemIdea,
    RewriteGoal,
    SiteFacts,
    Written,
)

NAME = "offline"


class OfflineWriter:
    @property
    def name(self) -> str:
        return NAME

    def profile(self, site: SiteFacts) -> Written[BrandProfile]:
        name = site.title.split("|")[0].split(" - ")[0].strip() or site.url
        value = BrandProfile(
            business_name=name,
            what_we_do=site.description,
            colours=site.colours[:5],
            logo_url=site.logo,
            website=site.url,
            written_by=NAME,
        )
        return Written[BrandProfile](value=value, writer=NAME)

    def outline(self, brief: Brief, profile: BrandProfile, count: int) -> Written[list[ItemIdea]]:
        pillars = brief.pillars or ["tips"]
        ideas = [
            ItemIdea(
                kind="post",
                pillar=pillars[i % len(pillars)],
                title=f"{pillars[i % len(pillars)]} #{i + 1}",
                angle="",
                image_template="tip",
                headline=pillars[i % len(pillars)],
            )
            for i in range(count)
        ]
        return Written[list[ItemIdea]](value=ideas, writer=NAME)

    def caption(
        self, idea: ItemIdea, brief: Brief, profile: BrandProfile, network: str, max_chars: int
    ) -> Written[Caption]:
        return Written[Caption](value=Caption(text=idea.title), writer=NAME)

    def rewrite(
        self, text: str, network: str, goal: RewriteGoal, tone: str | None, max_chars: int
    ) -> Written[str]:
        return Written[str](value=text, writer=NAME)

    def hashtags(self, text: str, network: str) -> Written[list[str]]:
        return Written[list[str]](value=[], writer=NAME)

    def first_comment(self, text: str, network: str) -> Written[str]:
        return Written[str](value="", writer=NAME)
