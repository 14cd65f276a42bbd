"""Collaboration on a post (issue 21): internal comments with @mentions, the activity
timeline and the version history.

| method and path | result |
|---|---|
| GET /v1/workspaces/{ws}/posts/{post_id}/comments | the thread, oldest first |
| POST .../posts/{post_id}/comments | 201 a comment; mentioned members are notified |
| DELETE .../posts/{post_id}/comments/{comment_id} | 204; its author, or an admin or owner |
| GET .../posts/{post_id}/timeline | what happened to the post, oldest first |
| GET .../posts/{post_id}/versions | every saved version, newest first |
| GET .../posts/{post_id}/versions/{version} | one version's content |
| GET .../posts/{post_id}/versions/{version}/diff?against= | what it changed |
| POST .../posts/{post_id}/versions/{version}/restore | a new edit with its content |

Roles: every member reads, and every member comments (a comment is a conversation
about the post, not a change to it: reviewers with the viewer role take part); only
editors and up restore, as only they edit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.api.routing import ApiBlueprint, RequestContext
from chalicelib.domain.collaboration import (
    CommentIn,
    CommentList,
    CommentOut,
    DiffQuery,
    Person,
    RestoreIn,
    Timeline,
    TimelineEventOut,
    VersionDiff,
    VersionList,
    VersionOut,
    VersionSummary,
)
from chalicelib.domain.posts import PostOut
from chalicelib.domain.roles import Role
from chalicelib.errors import NotFound

if TYPE_CHECKING:
    from chalicelib.store.collaboration import CommentItem, VersionItem
    from chalicelib.store.members import MemberRecord

collaboration = ApiBlueprint(__name__)

BASE = "/v1/workspaces/{ws}/posts/{post_id}"


class People:
    """Names for the ids the records keep (one read of the members per request)."""

    def __init__(self, members: list[MemberRecord]) -> None:
        self.members = {m.user_id: m for m in members}

    def of(self, actor: str | None, shown: object = None) -> Person | None:
        """`shown`: the name the event itself keeps (a client reviewer's)."""
        if actor is None:
            return None
        member = self.members.get(actor)
        if member is not None:
            return Person(id=actor, name=member.name, email=member.email)
        if actor.startswith("api_key:"):
            return Person(id=actor, name="API key")
        if actor.startswith("client:"):  # a client review link's reviewer
            return Person(id=actor, name=shown if isinstance(shown, str) and shown else "Client")
        if actor == "system":
            return None
        return Person(id=actor, name="Former member")


def _members(ws: str) -> list[MemberRecord]:
    from chalicelib.store.members import list_members

    return list_members(ws)


def _version_number(version: str) -> int:
    if not version.isdigit() or not 0 < int(version) < 10**9:
        raise NotFound("No such version of this post.")
    return int(version)


def _comment_out(item: CommentItem, people: People) -> CommentOut:
    author = people.of(item.author) or Person(id=None, name="Schedulo")
    return CommentOut(
        id=item.comment_id,
        post_id=item.post_id,
        author=author,
        text=item.text,
        mentions=[p for p in (people.of(u) for u in item.mention_list()) if p is not None],
        created_at=item.at,  # type: ignore[arg-type]
    )


def _summary(item: VersionItem, people: People, current: int | None) -> VersionSummary:
    return VersionSummary(
        version=int(item.version),
        reason=item.reason,
        restored_from=int(item.restored_from) if item.restored_from is not None else None,
        actor=people.of(item.actor),
        at=item.at,  # type: ignore[arg-type]
        current=int(item.version) == current,
    )


# ------------------------------------------------------------------------------ comments


@collaboration.endpoint(
    "GET", f"{BASE}/comments", auth=Role.VIEWER, response=CommentList, tags=("collaboration",)
)
def list_comments(ctx: RequestContext, ws: str, post_id: str) -> CommentList:
    """The post's internal comments, oldest first."""
    from chalicelib.posts.comments import list_comments as load
    from chalicelib.store import posts as store

    store.get_or_404(ws, post_id)
    people = People(_members(ws))
    return CommentList(items=[_comment_out(c, people) for c in load(ws, post_id)])


@collaboration.endpoint(
    "POST",
    f"{BASE}/comments",
    auth=Role.VIEWER,
    body=CommentIn,
    response=CommentOut,
    status=201,
    tags=("collaboration",),
)
def add_comment(ctx: RequestContext, ws: str, post_id: str, body: CommentIn) -> CommentOut:
    """Comment on a post; `mentions` (member ids) and `@their@email` notify those members."""
    from chalicelib.posts.comments import add_comment as add

    members = _members(ws)
    people = People(members)
    actor = ctx.principal.actor
    author = people.of(actor)
    item = add(ws, post_id, actor, author.name if author else "Someone", body, members)
    return _comment_out(item, people)


@collaboration.endpoint(
    "DELETE",
    f"{BASE}/comments/{{comment_id}}",
    auth=Role.VIEWER,
    status=204,
    tags=("collaboration",),
)
def delete_comment(ctx: RequestContext, ws: str, post_id: str, comment_id: str) -> None:
    """Delete a comment (204): its author, or an admin or owner."""
    from chalicelib.auth.guard import caller_role
    from chalicelib.posts.comments import delete_comment as delete

    delete(ws, post_id, comment_id, ctx.principal.actor, caller_role(ctx))


# ------------------------------------------------------------------------------ timeline


@collaboration.endpoint(
    "GET", f"{BASE}/timeline", auth=Role.VIEWER, response=Timeline, tags=("collaboration",)
)
def timeline(ctx: RequestContext, ws: str, post_id: str) -> Timeline:
    """What happened to the post (created, edited, decisions, published, failed), oldest
    first."""
    from chalicelib.posts.timeline import events
    from chalicelib.store import posts as store

    post = store.get_or_404(ws, post_id)
    people = People(_members(ws))
    return Timeline(
        items=[
            TimelineEventOut(
                id=event.event_id,
                kind=event.kind,
                actor=people.of(event.actor, event.details_dict().get("client")),
                details=event.details_dict(),
                at=event.at,  # type: ignore[arg-type]
            )
            for event in events(post)
        ]
    )


# ------------------------------------------------------------------------------ versions


@collaboration.endpoint(
    "GET", f"{BASE}/versions", auth=Role.VIEWER, response=VersionList, tags=("collaboration",)
)
def list_versions(ctx: RequestContext, ws: str, post_id: str) -> VersionList:
    """Every saved version of the post, newest first; `current` marks the post's own."""
    from chalicelib.posts.versions import list_versions as load

    items = load(ws, post_id)
    people = People(_members(ws))
    current = max((int(v.version) for v in items), default=None)
    return VersionList(items=[_summary(v, people, current) for v in items])


@collaboration.endpoint(
    "GET",
    f"{BASE}/versions/{{version}}",
    auth=Role.VIEWER,
    response=VersionOut,
    tags=("collaboration",),
)
def get_version(ctx: RequestContext, ws: str, post_id: str, version: str) -> VersionOut:
    """One saved version's content (text per network, media, first comment, time)."""
    from chalicelib.posts.versions import find, list_versions, stored_content

    number = _version_number(version)
    versions = list_versions(ws, post_id)
    item = find(versions, number)
    latest = max((int(v.version) for v in versions), default=None)
    summary = _summary(item, People(_members(ws)), latest)
    return VersionOut(**summary.model_dump(), content=stored_content(item))


@collaboration.endpoint(
    "GET",
    f"{BASE}/versions/{{version}}/diff",
    auth=Role.VIEWER,
    query=DiffQuery,
    response=VersionDiff,
    tags=("collaboration",),
)
def diff_version(
    ctx: RequestContext, ws: str, post_id: str, version: str, query: DiffQuery
) -> VersionDiff:
    """What `version` changed from `against` (default: the saved version before it)."""
    from chalicelib.posts.versions import compare

    number = _version_number(version)
    base, changes = compare(ws, post_id, number, query.against)
    return VersionDiff(from_version=base, to_version=number, changes=changes)


@collaboration.endpoint(
    "POST",
    f"{BASE}/versions/{{version}}/restore",
    auth=Role.EDITOR,
    body=RestoreIn,
    response=PostOut,
    tags=("collaboration",),
)
def restore_version(
    ctx: RequestContext, ws: str, post_id: str, version: str, body: RestoreIn
) -> PostOut:
    """Bring a saved version back as a new edit: `version` in the body is the post's
    version you read (409 when someone changed it since). The time stays unless
    `restore_time`."""
    from chalicelib.api.approvals import reviewer_of
    from chalicelib.api.posts import post_out
    from chalicelib.posts.facts import load_facts
    from chalicelib.posts.versions import get_version as load
    from chalicelib.posts.versions import restore, stored_content

    number = _version_number(version)
    media_ids = stored_content(load(ws, post_id, number)).media_ids
    facts = load_facts(ws, media_ids)
    return post_out(
        restore(ws, post_id, number, body, ctx.principal.actor, facts, reviewer=reviewer_of(ctx))
    )
