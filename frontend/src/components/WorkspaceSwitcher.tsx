import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { signOut, signOutEverywhere } from "../api/people";
import { useMe, useWorkspace } from "../auth/session";

/** The topbar's workspace picker: every workspace of the user, and a way to add one. */
export function WorkspaceSwitcher() {
  const me = useMe();
  const { workspace, workspaces, choose } = useWorkspace();
  if (me.isPending) return <span className="muted">Loading workspaces…</span>;
  if (me.isError) return <span role="alert">Could not load your workspaces.</span>;
  return (
    <span className="switcher">
      <label htmlFor="workspace-switcher">Workspace</label>
      <select id="workspace-switcher" value={workspace?.id ?? ""} onChange={(e) => choose(e.target.value)}>
        {workspaces.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name} ({w.role})
          </option>
        ))}
      </select>
      <Link to="/workspaces/new">New workspace</Link>
    </span>
  );
}

export function UserMenu() {
  const me = useMe();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<string | null>(null);
  const out = async () => {
    await signOut().catch(() => undefined);
    queryClient.clear();
    navigate("/login");
  };
  const everywhere = async () => {
    if (!window.confirm("Sign out on every device and browser, this one included?")) return;
    try {
      await signOutEverywhere();
    } catch (e) {
      setProblem(`Could not sign out everywhere: ${(e as Error).message}`);
      return;
    }
    queryClient.clear();
    navigate("/login");
  };
  return (
    <span className="user-menu">
      {me.data && <span className="muted">{me.data.user.email}</span>}
      {me.data?.operator && <Link to="/operators">Operators</Link>}
      <button type="button" onClick={() => void out()}>
        Sign out
      </button>
      <button type="button" onClick={() => void everywhere()}>
        Sign out everywhere
      </button>
      {problem && <span role="alert">{problem}</span>}
    </span>
  );
}
