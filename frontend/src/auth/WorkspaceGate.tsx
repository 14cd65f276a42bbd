import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import type { Workspace } from "../api/people";
import { useMe, useWorkspace } from "./session";

/** Renders `children` with the current workspace once known; loading, error and
 * no-workspace states otherwise. Pages that work inside a workspace start here. */
export function WorkspaceGate({ children }: { children: (workspace: Workspace) => ReactNode }) {
  const me = useMe();
  const { workspace } = useWorkspace();
  if (me.isPending) return <p>Loading…</p>;
  if (me.isError) return <p role="alert">Could not load your workspaces: {me.error.message}</p>;
  if (!workspace) {
    return (
      <p>
        You are not in any workspace yet. <Link to="/workspaces/new">Create a workspace</Link> or ask for an
        invitation.
      </p>
    );
  }
  if (workspace.two_factor_required && me.data?.user.two_factor_enabled === false) {
    // The API refuses every request of this workspace (403 two_factor_required) until then.
    return (
      <p role="alert">
        {workspace.name} requires two-factor sign-in. <Link to="/settings/account">Turn it on in Your account</Link> to use it.
      </p>
    );
  }
  return <>{children(workspace)}</>;
}
