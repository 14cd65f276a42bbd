"""The content library: saved captions and snippets, hashtag groups and post templates.

Pure rules only: what an item may hold, how hashtags are written, and what a search
matches. A template carries what the composer fills in (text, a text per network,
media, first comment); a snippet is a piece of text; a hashtag group is a list of tags.

>>> normalize_hashtags(["#Launch", "launch", "spring sale"])
['#Launch', '#springsale']
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints

from chalicelib.domain.model import Model, NetworkName

MAX_TEXT = 10_000
MAX_HASHTAGS = 60
MAX_ITEMS_PER_WORKSPACE = 2_000


class Kind(StrEnum):
    SNIPPET = "snippet"
    HASHTAGS = "hashtags"
    TEMPLATE = "template"


_TAG = re.compile(r"^[^\W_][\w]*$|^_[\w]+$", re.UNICODE)


def normalize_hashtags(tags: list[str]) -> list[str]:
    """`#`-prefixed tags, inner spaces dropped, each once (case-insensitively), in order."""
    seen: set[str] = set()
    result: list[str] = []
    for raw in tags:
        body = "".join(raw.strip().lstrip("#").split())
        if not body:
            raise ValueError("a hashtag must have a word after #")
        if not _TAG.match(body):
            raise ValueError(f"#{body} is not a hashtag: letters, digits and _ only")
        if len(body) > 100:
            raise ValueError("a hashtag is at most 100 characters")
        if body.casefold() not in seen:
            seen.add(body.casefold())
            result.append(f"#{body}")
    return result


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Hashtags = Annotated[
    list[Annotated[str, StringConstraints(min_length=1, max_length=101)]],
    Field(max_length=MAX_HASHTAGS, examples=[["#launch", "#spring"]]),
    AfterValidator(normalize_hashtags),
]
MediaIds = Annotated[
    list[Annotated[str, StringConstraints(min_length=1, max_length=64)]], Field(max_length=35)
]
Variants = Annotated[
    dict[NetworkName, Text],
    Field(description="a text per network id, used instead of `text` on that network"),
]


class LibraryItemIn(Model):
    """A new library item. A snippet needs `text`, a hashtag group `hashtags`; a template
    may hold any of text, variants, media, first comment and hashtags."""

    model_config = ConfigDict(extra="forbid")

    kind: Kind
    name: Name
    text: Text = ""
    hashtags: Hashtags = Field(default_factory=list)
    variants: Variants = Field(default_factory=dict)
    media_ids: MediaIds = Field(default_factory=list)
    first_comment: Text | None = None


class LibraryItemPatch(Model):
    """Changes to an item; `version` is the one read (409 when it moved since)."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)
    name: Name | None = None
    text: Text | None = None
    hashtags: Hashtags | None = None
    variants: Variants | None = None
    media_ids: MediaIds | None = None
    first_comment: Text | None = None


def check_kind(
    kind: Kind,
    text: str,
    hashtags: list[str],
    variants: dict[str, str],
    media_ids: list[str],
    first_comment: str | None,
) -> tuple[str, str] | None:
    """The field that does not belong to (or is missing from) `kind`, and why; or None."""
    fields = {
        "text": text.strip(),
        "hashtags": hashtags,
        "variants": variants,
        "media_ids": media_ids,
        "first_comment": first_comment,
    }
    if kind is Kind.SNIPPET:
        if not fields["text"]:
            return "text", "a snippet needs a text"
        extra = [name for name, value in fields.items() if value and name != "text"]
        return (extra[0], "a snippet holds only a text") if extra else None
    if kind is Kind.HASHTAGS:
        if not hashtags:
            return "hashtags", "a hashtag group needs at least one hashtag"
        extra = [name for name, value in fields.items() if value and name != "hashtags"]
        return (extra[0], "a hashtag group holds only hashtags") if extra else None
    if not any(fields.values()):
        return "text", "a template needs some content"
    return None


def search_blob(
    name: str, text: str, hashtags: list[str], variants: dict[str, str], first_comment: str | None
) -> str:
    """What a search looks in, folded: name, text, hashtags, variants, first comment."""
    parts = [name, text, " ".join(hashtags), *variants.values(), first_comment or ""]
    return "\n".join(parts).casefold()


def search_terms(query: str | None) -> list[str]:
    """The words of a search, folded; an item matches when it contains every one."""
    return [word.casefold() for word in (query or "").split()][:8]
