import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Bell } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { Link } from "react-router-dom";
import { api } from "../api/client";
import { useWorkspace } from "../auth/session";

export interface Notification {
  id: string;
  kind: string;
  title: string;
  message: string;
  link: string | null;
  read: boolean;
  created_at: string;
}

interface NotificationList {
  items: Notification[];
  unread: number;
}

/** The topbar's bell: how many notifications are unread, and the list on demand. */
export function NotificationBell() {
  const { workspace } = useWorkspace();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const queryClient = useQueryClient();
  const key = ["notifications", workspace?.id];
  const list = useQuery({
    queryKey: key,
    enabled: Boolean(workspace),
    queryFn: () => api<NotificationList>(`/v1/workspaces/${workspace!.id}/notifications?limit=20`),
    refetchInterval: 30000,
  });
  const markRead = useMutation({
    mutationFn: (id: string) => api(`/v1/workspaces/${workspace!.id}/notifications/${id}/read`, { method: "POST", body: {} }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }),
  });
  // Escape or a click elsewhere closes the list.
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    const onPointer = (event: PointerEvent) => {
      if (!box.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPointer);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPointer);
    };
  }, [open]);
  if (!workspace) return null;
  const unread = list.data?.unread ?? 0;
  return (
    <div className="bell" ref={box}>
      <button
        ref={button}
        type="button"
        className="icon-button"
        aria-expanded={open}
        aria-controls="notification-list"
        aria-label={unread ? `Notifications, ${unread} unread` : "Notifications"}
        onClick={() => setOpen(!open)}
      >
        <Bell aria-hidden="true" size={20} />
        {unread > 0 && <span className="bell-count" aria-hidden="true">{unread > 99 ? "99+" : unread}</span>}
      </button>
      {open && (
        <div id="notification-list" className="bell-panel" role="region" aria-label="Notifications">
          {list.isPending && <p>Loading…</p>}
          {list.isError && <p role="alert">Could not load notifications: {list.error.message}</p>}
          {list.isSuccess && list.data.items.length === 0 && <p>Nothing needs you.</p>}
          {list.isSuccess && list.data.items.length > 0 && (
            <ul>
              {list.data.items.map((n) => (
                <li key={n.id} className={n.read ? "read" : "unread"}>
                  <strong>{n.link ? <Link to={n.link} onClick={() => setOpen(false)}>{n.title}</Link> : n.title}</strong>
                  <p>{n.message}</p>
                  <small>{new Date(n.created_at).toLocaleString()}</small>
                  {!n.read && (
                    <button type="button" onClick={() => markRead.mutate(n.id)} disabled={markRead.isPending}>
                      Mark as read
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
