import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { api } from "../api/client";
import { WorkspaceGate } from "../auth/WorkspaceGate";
import type { Notification } from "../components/NotificationBell";

export function NotificationsPage() {
  return <WorkspaceGate>{(workspace) => <Notifications workspaceId={workspace.id} />}</WorkspaceGate>;
}

function Notifications({ workspaceId }: { workspaceId: string }) {
  const queryClient = useQueryClient();
  const key = ["notifications", workspaceId];
  const list = useQuery({
    queryKey: key,
    queryFn: () => api<{ items: Notification[]; unread: number }>(`/v1/workspaces/${workspaceId}/notifications?limit=20`),
  });
  const markRead = useMutation({
    mutationFn: (id: string) => api(`/v1/workspaces/${workspaceId}/notifications/${id}/read`, { method: "POST", body: {} }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }),
  });
  return (
    <section>
      <h1>Notifications</h1>
      {list.isPending && <p role="status">Loading…</p>}
      {list.isError && <p role="alert">Could not load notifications: {list.error.message}</p>}
      {list.isSuccess && list.data.items.length === 0 && <p>Nothing needs you: failed posts and accounts to reconnect show up here.</p>}
      {list.isSuccess && list.data.items.length > 0 && (
        <ul className="notifications">
          {list.data.items.map((n) => (
            <li key={n.id} className={n.read ? "read" : "unread"}>
              <strong>{n.link ? <Link to={n.link}>{n.title}</Link> : n.title}</strong>
              <p>{n.message}</p>
              <small>{new Date(n.created_at).toLocaleString()}</small>{" "}
              {!n.read && (
                <button type="button" onClick={() => markRead.mutate(n.id)} disabled={markRead.isPending}>
                  Mark “{n.title}” as read
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
