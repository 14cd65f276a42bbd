"""Internal comments on a post. A comment mentions members by id (the web app's @
picker) or by `@their@email` in its text; each member mentioned, the author aside, is
notified (in the app and by e-mail)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.collaboration import CommentIn, mentioned_emails
from chalicelib.domain.roles import Role
from chalicelib.errors import Forbidden, NotFound, invalid
from chalicelib.observability import logger

if TYPE_CHECKING:
    from chalicelib.store.collaboration import CommentItem
    from chalicelib.store.members import MemberRecord


def add_comment(
    workspace_id: str,
    post_id: str,
    author: str,
    author_name: str,
    body: CommentIn,
    members: list[MemberRecord],
) -> CommentItem:
    from chalicelib.store import collaboration as store
    from chalicelib.store import posts as post_store

    post_store.get_or_404(workspace_id, post_id)
    mentioned = _mentioned(body, members)
    item = store.add_comment(workspace_id, post_id, author, body.text, mentioned)
    for user_id in mentioned:
        if user_id != author:
            _notify(workspace_id, post_id, user_id, author_name, body.text)
    return item


def list_comments(workspace_id: str, post_id: str) -> list[CommentItem]:
    from chalicelib.store import collaboration as store

    return store.list_comments(workspace_id, post_id)


def delete_comment(
    workspace_id: str, post_id: str, comment_id: str, actor: str, role: Role | None
) -> None:
    """Its author takes a comment back; admins and owners remove anyone's (403 else)."""
    from chalicelib.store import collaboration as store

    item = store.find_comment(workspace_id, post_id, comment_id)
    if item is None:
        raise NotFound("No such comment on this post.")
    if item.author != actor and not (role is not None and role.allows(Role.ADMIN)):
        raise Forbidden("Only its author, an admin or an owner may delete a comment.")
    store.delete_comment(item)
    from chalicelib.store.audit import record_event

    details = {"post_id": post_id, "author": item.author}
    record_event(
        workspace_id, "post.comment_deleted", actor=actor, target=comment_id, details=details
    )


def _mentioned(body: CommentIn, members: list[MemberRecord]) -> list[str]:
    """The members mentioned, each once, in the order they were named."""
    ids = {m.user_id for m in members}
    by_email = {m.email.lower(): m.user_id for m in members}
    found: list[str] = []
    for index, user_id in enumerate(body.mentions):
        if user_id not in ids:
            raise invalid(f"mentions[{index}]", "not a member of this workspace")
        found.append(user_id)
    found += [by_email[email] for email in mentioned_emails(body.text) if email in by_email]
    return list(dict.fromkeys(found))


def _notify(workspace_id: str, post_id: str, user_id: str, author_name: str, text: str) -> None:
    from chalicelib.notify import notify_member

    excerpt = " ".join(text.split())
    excerpt = excerpt if len(excerpt) <= 120 else excerpt[:119] + "…"
    try:
        notify_member(
            workspace_id,
            user_id,
            kind="post.mention",
            title=f"{author_name} mentioned you on a post",
            message=excerpt,
            link=f"/posts/{post_id}",
            subject_id=post_id,
        )
    except Exception:  # the comment is saved; a lost notification is logged
        logger.exception("mention notification failed", extra={"post_id": post_id})
