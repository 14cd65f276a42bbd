"""Client review links (issue 21): a signed, expiring, revocable URL that shows one post's
previews to someone without an account and takes their approval or request for changes.

A link's token is `<payload>.<signature>`: the payload names the workspace, the link and
its expiry (base64url), the signature is an HMAC-SHA256 of it under a key derived from
the JWT signing key in Secrets Manager. The token is checked before anything is read; the
stored link then says whether it was revoked. Everything a link reaches is one post's
content as each network will show it: no ids, no other post, no member, no account token.

    link, token = create(ws, post_id, actor, days=7, label="Acme")
    view = open_link(token)             # the post's previews (404 when not valid)
    decide_by_link(token, "approve", comment, name, version)  # A's engine decides

A client's decision goes through `approvals.decide` as a `Reviewer(client=True)`: it
counts for a step whose policy allows a client (`allow_client`), else it is refused (403).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from chalicelib.domain.posts import PostStatus
from chalicelib.errors import Conflict, NotFound
from chalicelib.store.base import iso, utcnow
from chalicelib.store.review_links import (
    KEEP_AFTER_EXPIRY_SECONDS,
    ReviewLinkItem,
    create_link,
    get_link,
    links_of_post,
    note_use,
    revoke_link,
)

MAX_DAYS = 30
# What one link may do per hour: it is public, so its use is bounded (429 past it).
OPENS_PER_HOUR = 600
DECISIONS_PER_HOUR = 20
_CONTEXT = b"schedulo:review-links:v1"
_LINK_ID = re.compile(r"^rl_[0-9a-f]{32}$")
_WORKSPACE_ID = re.compile(r"^[a-z]{1,3}_[0-9a-zA-Z]{1,40}$")
NOT_VALID = "This review link is not valid. Ask whoever sent it for a new one."
# Statuses a link may be made for: what is still to be published.
REVIEWABLE = frozenset(
    {
        PostStatus.DRAFT,
        PostStatus.PENDING_APPROVAL,
        PostStatus.CHANGES_REQUESTED,
        PostStatus.APPROVED,
        PostStatus.SCHEDULED,
        PostStatus.REJECTED,
        PostStatus.EXPIRED,
    }
)


def _key() -> bytes:
    from chalicelib.auth.tokens import signing_key

    return hmac.new(signing_key(), _CONTEXT, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(workspace_id: str, link_id: str, expires_epoch: int) -> str:
    payload = _b64(
        json.dumps([workspace_id, link_id, expires_epoch], separators=(",", ":")).encode()
    )
    signature = _b64(hmac.new(_key(), payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{signature}"


@dataclass(frozen=True)
class Claims:
    workspace_id: str
    link_id: str
    expires_epoch: int


def verify(token: str) -> Claims:
    """The token's claims when its signature holds; NotFound otherwise (nothing read)."""
    parts = token.split(".")
    if len(parts) != 2 or not all(parts) or len(token) > 400:
        raise NotFound(NOT_VALID)
    payload, signature = parts
    expected = _b64(hmac.new(_key(), payload.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(signature, expected):
        raise NotFound(NOT_VALID)
    try:
        workspace_id, link_id, expires = json.loads(_unb64(payload))
    except (ValueError, TypeError):
        raise NotFound(NOT_VALID) from None
    if not (
        isinstance(workspace_id, str)
        and isinstance(link_id, str)
        and isinstance(expires, int)
        and _LINK_ID.match(link_id)
        and _WORKSPACE_ID.match(workspace_id)
    ):
        raise NotFound(NOT_VALID)
    return Claims(workspace_id, link_id, expires)


def url_of(token: str) -> str:
    from chalicelib.settings import get_settings

    return f"{get_settings().frontend_origin.rstrip('/')}/review/{token}"


def token_of(item: ReviewLinkItem) -> str:
    return sign(item.workspace_id, item.link_id, int(item.expires_epoch))


def status_of(item: ReviewLinkItem, now: datetime | None = None) -> str:
    if item.revoked_at:
        return "revoked"
    if int(item.expires_epoch) <= int((now or utcnow()).timestamp()):
        return "expired"
    return "active"


# ------------------------------------------------------------------------- for members


def create(
    workspace_id: str, post_id: str, actor: str | None, days: int, label: str | None
) -> tuple[ReviewLinkItem, str]:
    """A new link to `post_id`, valid for `days` days; with its token."""
    from chalicelib.store.audit import record_event
    from chalicelib.store.posts import get_or_404

    post = get_or_404(workspace_id, post_id)
    if post.status not in REVIEWABLE:
        raise Conflict(f"The post is {post.status.replace('_', ' ')}: there is nothing to review.")
    now = utcnow()
    expires = (now + timedelta(days=days)).replace(microsecond=0)
    epoch = int(expires.timestamp())
    item = ReviewLinkItem(
        workspace_id,
        f"rl_{secrets.token_hex(16)}",
        post_id=post_id,
        label=label or None,
        expires_at=iso(expires),
        expires_epoch=epoch,
        created_by=actor,
        created_at=iso(now),
        ttl=epoch + KEEP_AFTER_EXPIRY_SECONDS,
    )
    create_link(item)
    record_event(
        workspace_id,
        "review_link.created",
        actor=actor,
        target=post_id,
        details={"link_id": item.link_id, "expires_at": item.expires_at, "label": item.label},
    )
    return item, token_of(item)


def list_for_post(workspace_id: str, post_id: str) -> list[ReviewLinkItem]:
    from chalicelib.store.posts import get_or_404

    get_or_404(workspace_id, post_id)
    return sorted(links_of_post(workspace_id, post_id), key=lambda i: i.created_at, reverse=True)


def revoke(workspace_id: str, post_id: str, link_id: str, actor: str | None) -> ReviewLinkItem:
    from chalicelib.store.audit import record_event

    item = get_link(workspace_id, link_id) if _LINK_ID.match(link_id) else None
    if item is None or item.post_id != post_id:
        raise NotFound("This review link does not exist.")
    if revoke_link(item, iso(utcnow()), actor):
        record_event(
            workspace_id,
            "review_link.revoked",
            actor=actor,
            target=post_id,
            details={"link_id": link_id},
        )
    return get_link(workspace_id, link_id) or item


# ------------------------------------------------------------------- for the link holder


@dataclass(frozen=True)
class Opened:
    link: ReviewLinkItem
    post: object  # chalicelib.store.posts.PostItem


def open_link(token: str, now: datetime | None = None) -> Opened:
    """The link and its post, when the token is genuine, current and not revoked."""
    from chalicelib.store import posts as post_store

    claims = verify(token)
    now = now or utcnow()
    link = get_link(claims.workspace_id, claims.link_id)
    if link is None or int(link.expires_epoch) != claims.expires_epoch:
        raise NotFound(NOT_VALID)
    if link.revoked_at:
        raise NotFound("This review link was revoked. Ask whoever sent it for a new one.")
    if claims.expires_epoch <= int(now.timestamp()):
        expired = datetime.fromtimestamp(claims.expires_epoch, UTC)
        raise NotFound(
            f"This review link expired on {expired:%d %B %Y at %H:%M} UTC. "
            "Ask whoever sent it for a new one."
        )
    post = post_store.get(claims.workspace_id, link.post_id)
    if post is None:
        raise NotFound("The post of this review link was deleted.")
    return Opened(link, post)


def throttle(link: ReviewLinkItem, what: str, limit: int) -> None:
    """Count one use of the link; 429 with Retry-After past `limit` an hour."""
    from chalicelib.errors import RateLimited
    from chalicelib.store import rate_limits

    taken = rate_limits.take([(f"review-link:{what}:{link.link_id}", limit)], 3600)
    if not taken.ok:
        raise RateLimited(
            "This review link was used too often in the last hour: try again later.",
            taken.retry_after,
        )


def client_reviewer(link: ReviewLinkItem, name: str | None):  # -> Reviewer
    from chalicelib.domain.approvals import Reviewer

    shown = name or link.label or "Client"
    return Reviewer(actor=f"client:{link.link_id}", client=True, name=f"{shown} (client link)")


def can_decide(opened: Opened) -> tuple[bool, str | None]:
    """Whether the link's holder may decide now, and if not, why (for the page)."""
    from chalicelib.domain.approvals import Refused, eligibility
    from chalicelib.posts.approvals import DECIDABLE, state_of

    post = opened.post
    status = PostStatus(post.status)  # type: ignore[attr-defined]
    if _time_passed(post):
        return False, TIME_PASSED
    if status not in DECIDABLE:
        return False, {
            PostStatus.DRAFT: "This post has not been submitted for approval yet.",
            PostStatus.SCHEDULED: "This post is approved and scheduled.",
            PostStatus.APPROVED: "This post is approved.",
            PostStatus.CHANGES_REQUESTED: "Changes were requested: the author is on it.",
            PostStatus.REJECTED: "This post was rejected.",
        }.get(status, f"This post is {status.value.replace('_', ' ')}.")
    state = state_of(post)  # type: ignore[arg-type]
    if state is None:
        return False, "This post has not been submitted for approval yet."
    try:
        eligibility(state, client_reviewer(opened.link, None))
    except Refused:
        return False, "This post waits for the team's own approvers at this step."
    return True, None


TIME_PASSED = (
    "This post's time passed before it was approved, so it was not published: "
    "the team will give it a new time."
)


def _time_passed(post: object, now: datetime | None = None) -> bool:
    """Whether a post in review has missed its time: approving it needs a new one, which
    only the team gives (a client's approval would be refused for want of it)."""
    status = PostStatus(post.status)  # type: ignore[attr-defined]
    if status == PostStatus.EXPIRED:
        return True
    at = post.scheduled_at  # type: ignore[attr-defined]
    return (
        status == PostStatus.PENDING_APPROVAL
        and at is not None
        and datetime.fromisoformat(at) <= (now or utcnow())
    )


def decide_by_link(
    token: str,
    decision: str,
    comment: str | None,
    name: str | None,
    version: int | None,
) -> Opened:
    """The link holder approves or requests changes, through the approval engine."""
    from chalicelib.posts.approvals import decide

    opened = open_link(token)
    link = opened.link
    throttle(link, "decide", DECISIONS_PER_HOUR)
    if _time_passed(opened.post):
        raise Conflict(TIME_PASSED)
    decide(
        link.workspace_id,
        link.post_id,
        decision,
        client_reviewer(link, name),
        comment,
        version,
    )
    note_use(link, iso(utcnow()), decided=True)
    return open_link(token)
