import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import { roleAllows, type AuditEvent, type Member, type Page } from "../api/people";
import { WorkspaceGate } from "../auth/WorkspaceGate";

export function AuditPage() {
  return (
    <WorkspaceGate>
      {(workspace) =>
        roleAllows(workspace.role, "admin") ? (
          <AuditLog key={workspace.id} workspaceId={workspace.id} />
        ) : (
          <section>
            <h1>Activity</h1>
            <p role="alert">Only owners and admins of {workspace.name} can read its activity log.</p>
          </section>
        )
      }
    </WorkspaceGate>
  );
}

function AuditLog({ workspaceId }: { workspaceId: string }) {
  const events = useInfiniteQuery({
    queryKey: ["audit", workspaceId],
    queryFn: ({ pageParam }) =>
      api<Page<AuditEvent>>(`/v1/workspaces/${workspaceId}/audit?limit=50${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const members = useQuery({
    queryKey: ["members", workspaceId],
    queryFn: () => api<Page<Member>>(`/v1/workspaces/${workspaceId}/members`),
  });
  // Events name people by id; show the names of those still in the workspace.
  const names = new Map((members.data?.items ?? []).map((m) => [m.user_id, m.name]));
  const who = (id: string | null) => (id ? (names.get(id) ?? id) : "—");
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section>
      <h1>Activity</h1>
      {events.isPending && <p>Loading activity…</p>}
      {events.isError && <p role="alert">Could not load the activity: {events.error.message}</p>}
      {events.isSuccess && items.length === 0 && <p>Nothing has happened yet.</p>}
      {items.length > 0 && (
        <table className="table" aria-label="Activity">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Who</th>
              <th scope="col">Subject</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {items.map((event) => (
              <tr key={event.id}>
                <td>{new Date(event.at).toLocaleString()}</td>
                <td>{event.action}</td>
                <td>{who(event.actor)}</td>
                <td>{who(event.target)}</td>
                <td>
                  {Object.entries(event.details)
                    .map(([k, v]) => `${k}: ${String(v)}`)
                    .join(", ")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {events.hasNextPage && (
        <button type="button" onClick={() => void events.fetchNextPage()} disabled={events.isFetchingNextPage}>
          {events.isFetchingNextPage ? "Loading…" : "Show older"}
        </button>
      )}
    </section>
  );
}
