// Who is signed in and which workspace they are working in.
import { useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useSyncExternalStore } from "react";
import { api, restoreSession, tokenStore, type SessionStatus } from "../api/client";
import type { Me, Workspace } from "../api/people";
import { reloadQuery } from "../queryClient";

const WORKSPACE_KEY = "schedulo.workspace";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("schedulo:auth", onChange);
  return () => window.removeEventListener("schedulo:auth", onChange);
}

/**
 * Where the page stands. The first caller of a fresh page asks the API for an access
 * token from the session cookie ("checking" until it answers); a reload stays signed in.
 */
export function useSession(): SessionStatus {
  const status = useSyncExternalStore(subscribe, () => tokenStore.status());
  useEffect(() => {
    if (status === "checking") void restoreSession();
  }, [status]);
  return status;
}

/** True once the page holds an access token. */
export function useSignedIn(): boolean {
  return useSession() === "signed-in";
}

export function useMe() {
  const signedIn = useSignedIn();
  return useQuery({ queryKey: ["me"], queryFn: () => api<Me>("/v1/me"), enabled: signedIn });
}

function subscribeWorkspace(onChange: () => void): () => void {
  window.addEventListener("schedulo:workspace", onChange);
  return () => window.removeEventListener("schedulo:workspace", onChange);
}

export function chooseWorkspace(id: string): void {
  localStorage.setItem(WORKSPACE_KEY, id);
  window.dispatchEvent(new Event("schedulo:workspace"));
}

/**
 * Read /v1/me again after the user joined or left a workspace, and make its list show the
 * change. A read that began before the change would not show it, hence the reload; and
 * /v1/me finds memberships through an index that DynamoDB updates a moment after the
 * write, hence `settle`, which brings the list up to date if the answer is behind.
 */
async function reloadMe(client: QueryClient, settle: (workspaces: Workspace[]) => Workspace[]): Promise<void> {
  await reloadQuery(client, ["me"]);
  client.setQueryData<Me>(["me"], (me) => me && { ...me, workspaces: settle(me.workspaces) });
}

/** Work in a workspace the user just created or joined. */
export async function enterWorkspace(client: QueryClient, workspace: Workspace): Promise<void> {
  chooseWorkspace(workspace.id);
  await reloadMe(client, (workspaces) => (workspaces.some((w) => w.id === workspace.id) ? workspaces : [...workspaces, workspace]));
}

/** Stop listing a workspace the user just left. */
export async function leftWorkspace(client: QueryClient, workspaceId: string): Promise<void> {
  await reloadMe(client, (workspaces) => workspaces.filter((w) => w.id !== workspaceId));
}

/**
 * The workspace the user is working in: the one they chose last, else their first.
 * `workspace` is undefined until /v1/me has loaded.
 */
export function useWorkspace(): { workspace: Workspace | undefined; workspaces: Workspace[]; choose: (id: string) => void } {
  const me = useMe();
  const chosen = useSyncExternalStore(subscribeWorkspace, () => localStorage.getItem(WORKSPACE_KEY));
  const queryClient = useQueryClient();
  const workspaces = me.data?.workspaces ?? [];
  const workspace = workspaces.find((w) => w.id === chosen) ?? workspaces[0];
  const choose = useCallback(
    (id: string) => {
      chooseWorkspace(id);
      void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== "me" });
    },
    [queryClient],
  );
  return { workspace, workspaces, choose };
}
