"""Workspaces: the caller's list, creating one, reading and changing its settings."""

from __future__ import annotations

from chalicelib.api.auth import workspace_out
from chalicelib.api.people_models import WorkspaceIn, WorkspaceList, WorkspaceOut, WorkspacePatch
from chalicelib.api.routing import Access, ApiBlueprint, RequestContext
from chalicelib.domain.roles import Role
from chalicelib.errors import NotFound

workspaces = ApiBlueprint(__name__)


@workspaces.endpoint("GET", "/v1/workspaces", auth=Access.USER, response=WorkspaceList)
def list_workspaces(ctx: RequestContext) -> WorkspaceList:
    """The workspaces the caller belongs to (an API key: its own workspace)."""
    from chalicelib.people.workspaces import workspaces_of
    from chalicelib.store.workspaces import get_workspace

    principal = ctx.principal
    if principal.is_api_key:
        workspace = get_workspace(principal.key_workspace_id)
        items = [workspace_out(workspace, Role(principal.key_role))] if workspace else []
        return WorkspaceList(items=items)
    return WorkspaceList(
        items=[workspace_out(w, role) for w, role in workspaces_of(principal.require_user())]
    )


@workspaces.endpoint(
    "POST",
    "/v1/workspaces",
    auth=Access.PERSON,
    body=WorkspaceIn,
    response=WorkspaceOut,
    status=201,
)
def create_workspace(ctx: RequestContext, body: WorkspaceIn) -> WorkspaceOut:
    """Create a workspace; the caller becomes its owner."""
    from chalicelib.billing.entitlements import take_workspace
    from chalicelib.people.workspaces import create_workspace as create

    user = ctx.principal.user()
    give_back = take_workspace(user.user_id)  # 402 past the plan's workspaces per owner
    try:
        workspace = create(user, body.name, body.timezone)
    except Exception:
        give_back()
        raise
    return workspace_out(workspace, Role.OWNER)


@workspaces.endpoint("GET", "/v1/workspaces/{ws}", auth=Role.VIEWER, response=WorkspaceOut)
def get_workspace(ctx: RequestContext, ws: str) -> WorkspaceOut:
    """One workspace's settings."""
    from chalicelib.store.workspaces import get_workspace as load

    workspace = load(ws)
    if workspace is None:
        raise NotFound("Workspace not found.")
    return workspace_out(workspace, ctx.role)


@workspaces.endpoint(
    "PATCH", "/v1/workspaces/{ws}", auth=Role.ADMIN, body=WorkspacePatch, response=WorkspaceOut
)
def update_workspace(ctx: RequestContext, ws: str, body: WorkspacePatch) -> WorkspaceOut:
    """Rename the workspace, change its default time zone, or its link tracking."""
    from chalicelib.people.workspaces import change_workspace

    tracking = body.link_tracking.model_dump() if body.link_tracking is not None else None
    workspace = change_workspace(ws, ctx.principal.actor, body.name, body.timezone, tracking)
    return workspace_out(workspace, ctx.role)
