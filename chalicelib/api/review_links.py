"""Client review links: a signed, expiring, revocable URL to one post for someone
without an account (a client), who sees its previews and approves or asks for changes.

| method and path | result |
|---|---|
| GET, POST /v1/workspaces/{ws}/posts/{post_id}/review-links | list; create (201, editors) |
| DELETE .../review-links/{link_id} | revoke it (204): it stops working at once |
| GET /v1/review-links/{link_token} | public: the post as each network will show it |
| POST /v1/review-links/{link_token}/decision | public: approve or request changes |

The public routes answer 404 for a link that is forged, expired or revoked (saying which
of the last two), and reach nothing but the linked post's content.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from chalicelib.api.networks import NetworkOut
from chalicelib.api.routing import Access, ApiBlueprint, RequestContext
from chalicelib.domain.limits import Capability
from chalicelib.domain.model import Model
from chalicelib.domain.roles import Role

review_links = ApiBlueprint(__name__)

Label = Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)]


class ReviewLinkIn(Model):
    expires_in_days: int = Field(default=7, ge=1, le=30, description="how long it works")
    label: Label | None = Field(None, description="who it is for, e.g. the client's name")


class ReviewLinkOut(Model):
    id: str
    post_id: str
    label: str | None
    url: str = Field(description="the page to send: /review/<token> in the web app")
    token: str
    status: Literal["active", "expired", "revoked"]
    expires_at: str
    revoked_at: str | None
    last_opened_at: str | None
    decisions: int = Field(description="decisions made through it")
    created_by: str | None
    created_at: str


class ReviewLinkList(Model):
    items: list[ReviewLinkOut]


class ReviewTarget(Model):
    network: str
    account_name: str
    account_handle: str | None
    avatar_url: str | None
    text: str = Field(description="what this network will show")


class ReviewFocalPoint(Model):
    x: float
    y: float


class ReviewMedia(Model):
    id: str = Field(description="its place in the post (1, 2, ...), not a library id")
    kind: str | None
    url: str | None
    thumbnail_url: str | None
    alt_text: str | None
    width: int | None
    height: int | None
    focal_point: ReviewFocalPoint


class ClientDecisionOut(Model):
    decision: str
    at: str
    comment: str | None


class ReviewView(Model):
    workspace_name: str
    label: str | None
    expires_at: str
    status: str = Field(description="the post's status")
    version: int = Field(description="send it back with a decision")
    text: str
    first_comment: str | None
    scheduled_at: str | None
    timezone: str
    targets: list[ReviewTarget]
    media: list[ReviewMedia]
    networks: list[NetworkOut] = Field(description="the limits the previews are drawn with")
    can_decide: bool
    reason: str | None = Field(None, description="why no decision can be made now")
    step: int | None = Field(None, description="the step waiting (1-based)")
    steps: int | None = None
    your_last_decision: ClientDecisionOut | None = Field(
        None, description="the last decision made through this link, if it is the latest"
    )


ClientDecision = Literal["approve", "request_changes"]


class ClientDecisionIn(Model):
    decision: ClientDecision
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)] | None = None
    name: Label | None = Field(None, description="the reviewer's name, shown to the team")
    version: int = Field(ge=1, description="the version shown (409 when it changed since)")


def link_out(item: object) -> ReviewLinkOut:
    from chalicelib.posts.review_links import status_of, token_of, url_of
    from chalicelib.store.review_links import ReviewLinkItem

    assert isinstance(item, ReviewLinkItem)
    token = token_of(item)
    return ReviewLinkOut(
        id=item.link_id,
        post_id=item.post_id,
        label=item.label,
        url=url_of(token),
        token=token,
        status=status_of(item),  # type: ignore[arg-type]
        expires_at=item.expires_at,
        revoked_at=item.revoked_at,
        last_opened_at=item.last_opened_at,
        decisions=int(item.decisions or 0),
        created_by=item.created_by,
        created_at=item.created_at,
    )


def review_view(opened: object) -> ReviewView:
    from chalicelib.media.uploads import presign_download
    from chalicelib.networks.registry import get_limits
    from chalicelib.posts.approvals import state_of
    from chalicelib.posts.review_links import Opened, can_decide
    from chalicelib.store import accounts as account_store
    from chalicelib.store import media as media_store
    from chalicelib.store.workspaces import get_workspace

    assert isinstance(opened, Opened)
    post, link = opened.post, opened.link
    ws = link.workspace_id
    workspace = get_workspace(ws)
    accounts = {a.account_id: a for a in account_store.list_accounts(ws)}
    targets = []
    for target in post.targets:  # type: ignore[attr-defined]
        account = accounts.get(target.account_id)
        targets.append(
            ReviewTarget(
                network=target.network,
                account_name=account.display_name if account else target.network,
                account_handle=account.handle if account else None,
                avatar_url=account.avatar_url if account else None,
                text=target.text if target.text is not None else post.text,  # type: ignore[attr-defined]
            )
        )
    found = media_store.get_many(ws, list(post.media_ids))  # type: ignore[attr-defined]
    media = []
    for index, media_id in enumerate(post.media_ids, start=1):  # type: ignore[attr-defined]
        item = found.get(media_id)
        if item is None:
            continue
        media.append(
            ReviewMedia(
                id=str(index),
                kind=item.kind,
                url=presign_download(item.key, item.filename) if item.key else None,
                thumbnail_url=presign_download(item.thumbnail_key) if item.thumbnail_key else None,
                alt_text=item.alt_text,
                width=int(item.width) if item.width is not None else None,
                height=int(item.height) if item.height is not None else None,
                focal_point=ReviewFocalPoint(x=item.focal_x, y=item.focal_y),
            )
        )
    networks = []
    for network in dict.fromkeys(t.network for t in targets):
        limits = get_limits(network)
        networks.append(
            NetworkOut(
                id=limits.network,
                name=limits.name,
                capabilities=[c for c in Capability if c in limits.capabilities],
                limits=limits,
            )
        )
    allowed, reason = can_decide(opened)
    state = state_of(post)  # type: ignore[arg-type]
    waiting = state is not None and state.step < len(state.steps) and allowed
    mine = None
    if state is not None and state.last and state.last.actor == f"client:{link.link_id}":
        mine = ClientDecisionOut(
            decision=state.last.decision.value, at=state.last.at, comment=state.last.comment
        )
    return ReviewView(
        workspace_name=workspace.name if workspace else "",
        label=link.label,
        expires_at=link.expires_at,
        status=str(post.status),  # type: ignore[attr-defined]
        version=int(post.version),  # type: ignore[attr-defined]
        text=post.text or "",  # type: ignore[attr-defined]
        first_comment=post.first_comment,  # type: ignore[attr-defined]
        scheduled_at=post.scheduled_at,  # type: ignore[attr-defined]
        timezone=post.timezone,  # type: ignore[attr-defined]
        targets=targets,
        media=media,
        networks=networks,
        can_decide=allowed,
        reason=reason,
        step=(state.step + 1) if waiting and state is not None else None,
        steps=len(state.steps) if waiting and state is not None else None,
        your_last_decision=mine,
    )


LINKS = "/v1/workspaces/{ws}/posts/{post_id}/review-links"
PUBLIC = "/v1/review-links/{link_token}"


@review_links.endpoint("GET", LINKS, auth=Role.EDITOR, response=ReviewLinkList)
def list_review_links(ctx: RequestContext, ws: str, post_id: str) -> ReviewLinkList:
    """The post's client review links, newest first."""
    from chalicelib.posts.review_links import list_for_post

    return ReviewLinkList(items=[link_out(i) for i in list_for_post(ws, post_id)])


@review_links.endpoint(
    "POST", LINKS, auth=Role.EDITOR, body=ReviewLinkIn, response=ReviewLinkOut, status=201
)
def create_review_link(
    ctx: RequestContext, ws: str, post_id: str, body: ReviewLinkIn
) -> ReviewLinkOut:
    """A new client review link to the post."""
    from chalicelib.billing.entitlements import require
    from chalicelib.billing.plans import Feature
    from chalicelib.posts.review_links import create

    require(ws, Feature.CLIENT_REVIEW_LINKS)

    item, _ = create(ws, post_id, ctx.principal.actor, body.expires_in_days, body.label)
    return link_out(item)


@review_links.endpoint("DELETE", LINKS + "/{link_id}", auth=Role.EDITOR, status=204)
def revoke_review_link(ctx: RequestContext, ws: str, post_id: str, link_id: str) -> None:
    """Revoke a link: it stops working at once."""
    from chalicelib.posts.review_links import revoke

    revoke(ws, post_id, link_id, ctx.principal.actor)


@review_links.endpoint("GET", PUBLIC, auth=Access.PUBLIC, response=ReviewView)
def open_review_link(ctx: RequestContext, link_token: str) -> ReviewView:
    """The linked post as each network will show it (no sign-in)."""
    from chalicelib.posts.review_links import OPENS_PER_HOUR, open_link, throttle
    from chalicelib.store.base import iso, utcnow
    from chalicelib.store.review_links import note_use

    opened = open_link(link_token)
    throttle(opened.link, "open", OPENS_PER_HOUR)
    note_use(opened.link, iso(utcnow()), decided=False)
    return review_view(opened)


@review_links.endpoint(
    "POST",
    PUBLIC + "/decision",
    auth=Access.PUBLIC,
    body=ClientDecisionIn,
    response=ReviewView,
)
def decide_review_link(ctx: RequestContext, link_token: str, body: ClientDecisionIn) -> ReviewView:
    """Approve the post or ask for changes (with a comment), as the link's client."""
    from chalicelib.errors import invalid
    from chalicelib.posts.review_links import decide_by_link

    if body.decision == "request_changes" and not body.comment:
        raise invalid("comment", "say what should change")
    opened = decide_by_link(link_token, body.decision, body.comment, body.name, body.version)
    return review_view(opened)
