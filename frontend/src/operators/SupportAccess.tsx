import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { roleAllows, type Workspace } from "../api/people";
import { showToast } from "../components/Toasts";
import { reloadQuery } from "../queryClient";

/** Workspace settings: let Schedulo support see this workspace's posts for a while. */
export function SupportAccess({ workspace }: { workspace: Workspace }) {
  const queryClient = useQueryClient();
  const until = workspace.support_access_until;
  const canGrant = roleAllows(workspace.role, "admin");
  const change = useMutation({
    mutationFn: (hours: 24 | 168 | null) =>
      api<Workspace>(`/v1/workspaces/${workspace.id}/support-access`, hours ? { method: "PUT", body: { hours } } : { method: "DELETE" }),
    onSuccess: async (fresh) => {
      await reloadQuery(queryClient, ["me"]);
      showToast(fresh.support_access_until ? "Support access granted." : "Support access ended.");
    },
    // the app's one error toast (queryClient) says what failed
  });
  const ends = until ? new Date(until).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : null;
  return (
    <section aria-labelledby="support-access-title">
      <h2 id="support-access-title">Support access</h2>
      <p className="muted">
        Schedulo support sees your workspace's accounts, members and which posts failed, never what they say. To let them read
        your posts while they help you, grant access for a while; it ends by itself.
      </p>
      <p role="status">{ends ? `Support can read your posts until ${ends}.` : "Support cannot read your posts."}</p>
      {canGrant && (
        <div className="actions">
          {ends ? (
            <button type="button" className="danger" disabled={change.isPending} onClick={() => change.mutate(null)}>
              End support access now
            </button>
          ) : (
            <>
              <button type="button" disabled={change.isPending} onClick={() => change.mutate(24)}>
                Grant for 24 hours
              </button>
              <button type="button" disabled={change.isPending} onClick={() => change.mutate(168)}>
                Grant for 7 days
              </button>
            </>
          )}
        </div>
      )}
    </section>
  );
}
