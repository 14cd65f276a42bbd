"""Short links of a workspace's own: made when a post is published, one per link, post and
network (each network's link carries its own utm_source, and its clicks count apart).

Made at publish time, not when the post is scheduled: until then the text may be edited,
the post cancelled or deleted, and every code in the table is one that went out. The
length of the text as sent is known before (a code always has SHORT_CODE_LENGTH
characters), so the network's limit is checked on it when the post is written.

A code is derived from the link it stands for (a hash of workspace, post, network and
URL), so a retried or concurrent publish finds the code it made before instead of making
a second one; on the rare code another link already holds, the next derivation is tried.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from chalicelib.domain.utm import SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH

CODE = re.compile(rf"^[0-9A-Za-z]{{{SHORT_CODE_LENGTH}}}$")
_ATTEMPTS = 8
# The networks fetch a link as soon as it is posted to draw its card, and so do chat apps
# and search engines: they are sent on but not counted as clicks.
CRAWLERS = re.compile(
    r"bot\b|bot/|crawler|spider|facebookexternalhit|facebookcatalog|embedly|preview|"
    r"slurp|cardyb|mastodon/|pleroma|misskey|whatsapp|skypeuripreview|outbrain",
    re.IGNORECASE,
)


def code_for(workspace_id: str, post_id: str, network: str, url: str, attempt: int = 0) -> str:
    digest = hashlib.sha256(f"{workspace_id}\n{post_id}\n{network}\n{url}\n{attempt}".encode())
    number = int.from_bytes(digest.digest()[:12], "big")
    code = []
    for _ in range(SHORT_CODE_LENGTH):
        number, digit = divmod(number, len(SHORT_CODE_ALPHABET))
        code.append(SHORT_CODE_ALPHABET[digit])
    return "".join(code)


def shortener(
    workspace_id: str, post_id: str, network: str, short_base: str
) -> Callable[[str], str]:
    """`url` -> its short link for this post on this network, stored on first use."""
    from chalicelib.store.short_links import claim

    def shorten(url: str) -> str:
        for attempt in range(_ATTEMPTS):
            code = code_for(workspace_id, post_id, network, url, attempt)
            if claim(workspace_id, post_id, network, code, url):
                return f"{short_base.rstrip('/')}/{code}"
        raise RuntimeError(f"no free short code for a link of post {post_id}")

    return shorten


def follow(code: str, user_agent: str | None) -> str | None:
    """The link a short code stands for, its click counted unless a crawler asks; None
    when there is none."""
    if not CODE.match(code):
        return None
    from chalicelib.store.short_links import click, peek

    item = peek(code) if CRAWLERS.search(user_agent or "") else click(code)
    return str(item.target_url) if item is not None else None
