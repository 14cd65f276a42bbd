// The queue: each account's upcoming posts and free slots by day, in the account's own
// time zone (labelled when it is not the browser's); drag a post (by its grip on a touch
// screen, or hold it) or use its move buttons to reorder, which hands the queue's times
// out again in the new order
// (POST .../queue/reorder); and the account's posting times, edited here.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowDown, ArrowUp, GripVertical } from "lucide-react";
import { useRef, useState, type DragEvent } from "react";
import { Link } from "react-router-dom";
import { api, ApiError } from "../api/client";
import { roleAllows } from "../api/people";
import { useAccounts, type Account } from "../accounts/api";
import { WorkspaceGate } from "../auth/WorkspaceGate";
import { NetworkIcon, networkLabel } from "../components/NetworkIcon";
import { errorMessage, showError } from "../components/Toasts";
import { differsFromBrowser, formatInZone, TIME_ONLY } from "../time/zoned";
import { wallTime, type Post } from "./api";
import { allPosts } from "./fetching";
import { QueueSlots, zoneHeading } from "./QueueSlots";
import { useTouchDrag } from "./useTouchDrag";
import "./queue.css";

interface NextSlots {
  account_id: string;
  timezone: string;
  items: { at: string; local: string }[];
}

interface Reordered {
  account_id: string;
  items: Post[];
}

export function QueuePage() {
  return (
    <WorkspaceGate>
      {(workspace) => (
        <Queue
          workspaceId={workspace.id}
          workspaceZone={workspace.timezone}
          canEdit={roleAllows(workspace.role, "editor")}
          canEditSlots={roleAllows(workspace.role, "admin")}
        />
      )}
    </WorkspaceGate>
  );
}

function Queue({
  workspaceId,
  workspaceZone,
  canEdit,
  canEditSlots,
}: {
  workspaceId: string;
  workspaceZone?: string;
  canEdit: boolean;
  canEditSlots: boolean;
}) {
  const accounts = useAccounts(workspaceId);
  const active = (accounts.data?.items ?? []).filter((a) => a.status !== "disconnected");
  return (
    <section className="queue">
      <header className="queue-header">
        <h1>Queue</h1>
        <p className="muted">
          Each account posts at its own times. {canEdit && "Drag posts (by their grip on a touch screen), or use their arrows, to change the order they go out in."}
        </p>
      </header>
      {accounts.isPending && <p role="status">Loading…</p>}
      {accounts.isError && <p role="alert">Could not load the accounts: {accounts.error.message}</p>}
      {accounts.data && active.length === 0 && (
        <div className="queue-empty">
          <p>No accounts yet.</p>
          <p>
            <Link to="/accounts">Connect an account</Link> and it gets posting times you can change here.
          </p>
        </div>
      )}
      {active.map((account) => (
        <AccountQueue
          key={account.id}
          account={account}
          workspaceId={workspaceId}
          workspaceZone={workspaceZone}
          canEdit={canEdit}
          canEditSlots={canEditSlots}
        />
      ))}
    </section>
  );
}

type Row = { at: string; post: Post | null };

/** `order` with the item at `from` moved to `to` (the others shift by one). */
export function moved<T>(order: T[], from: number, to: number): T[] {
  const next = [...order];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item);
  return next;
}

/** "2026-12-07" of the instant `iso` in `zone`. */
function dayIn(iso: string, zone: string): string {
  return wallTime(iso, zone).slice(0, 10);
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();
/** "Today", "Tomorrow" or "Monday 7 December", the day of `iso` in `zone`. */
function dayHeading(iso: string, zone: string, today: string, tomorrow: string): string {
  const day = dayIn(iso, zone);
  if (day === today) return "Today";
  if (day === tomorrow) return "Tomorrow";
  let format = dayFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long", timeZone: zone });
    dayFormats.set(zone, format);
  }
  return format.format(new Date(iso));
}

function AccountQueue({
  account,
  workspaceId,
  workspaceZone,
  canEdit,
  canEditSlots,
}: {
  account: Account;
  workspaceId: string;
  workspaceZone?: string;
  canEdit: boolean;
  canEditSlots: boolean;
}) {
  const base = `/v1/workspaces/${workspaceId}`;
  const zone = account.timezone;
  const queryClient = useQueryClient();
  const [from] = useState(() => new Date().toISOString());
  const [dragging, setDragging] = useState<string | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");
  // The order shown while a reorder is on its way (post ids), so the move shows at once.
  const [optimistic, setOptimistic] = useState<string[] | null>(null);
  const column = useRef<HTMLDivElement>(null);

  const slots = useQuery({
    queryKey: ["queue", workspaceId, account.id],
    queryFn: () => api<NextSlots>(`${base}/queue/next-slots?${new URLSearchParams({ account_id: account.id, count: "6" })}`),
  });
  const posts = useQuery({
    queryKey: ["posts", workspaceId, "queue", account.id],
    queryFn: () => allPosts(base, new URLSearchParams({ account_id: account.id, status: "scheduled", from, limit: "200" })),
  });

  const queued = (posts.data ?? []).filter((p) => p.scheduled_at).sort((a, b) => a.scheduled_at!.localeCompare(b.scheduled_at!));
  const times = queued.map((p) => p.scheduled_at!);
  const byId = new Map(queued.map((p) => [p.id, p]));
  const order = optimistic && optimistic.every((id) => byId.has(id)) && optimistic.length === queued.length ? optimistic.map((id) => byId.get(id)!) : queued;

  const reorder = useMutation({
    meta: { toast: false },
    mutationFn: (posts: Post[]) =>
      api<Reordered>(`${base}/queue/reorder`, {
        method: "POST",
        body: { account_id: account.id, posts: posts.map((p) => ({ id: p.id, version: p.version })) },
      }),
    onError: (error) => {
      setOptimistic(null);
      showError(
        error instanceof ApiError && error.status === 409
          ? "Someone changed one of these posts meanwhile; the queue now shows the latest order. Try again."
          : `The posts were not reordered: ${errorMessage(error)}`,
      );
    },
    onSettled: async () => {
      await queryClient.invalidateQueries({ queryKey: ["posts", workspaceId] });
      setOptimistic(null);
    },
  });

  /** Move the post at `from` to `to` in the queue: the posts between swap their times. */
  function move(fromIndex: number, toIndex: number) {
    if (fromIndex === toIndex || toIndex < 0 || toIndex >= order.length || reorder.isPending) return;
    const next = moved(order, fromIndex, toIndex);
    const low = Math.min(fromIndex, toIndex);
    const high = Math.max(fromIndex, toIndex);
    setOptimistic(next.map((p) => p.id));
    const post = order[fromIndex];
    setAnnouncement(`Moved “${preview(post, 40)}” to ${formatInZone(times[toIndex], zone)}.`);
    reorder.mutate(next.slice(low, high + 1));
  }

  // In the queue each post takes the time of its place: the n-th post the n-th time.
  const rows: Row[] = [
    ...order.map((post, index) => ({ at: times[index], post })),
    ...(slots.data?.items ?? []).map((slot) => ({ at: slot.at, post: null })),
  ].sort((x, y) => x.at.localeCompare(y.at));
  const today = dayIn(new Date().toISOString(), zone);
  const tomorrow = dayIn(new Date(Date.now() + 86_400_000).toISOString(), zone);
  const headingId = `queue-${account.id}`;
  const labelled = differsFromBrowser(zone);

  function onDrop(event: DragEvent, target: Post) {
    event.preventDefault();
    const id = dragging ?? event.dataTransfer.getData("text/plain");
    setDragging(null);
    setOver(null);
    const fromIndex = order.findIndex((p) => p.id === id);
    const toIndex = order.indexOf(target);
    if (fromIndex >= 0 && toIndex >= 0) move(fromIndex, toIndex);
  }

  useTouchDrag(
    column,
    {
      item: 'li[data-post-id][draggable="true"]',
      target: "li[data-post-id]",
      handle: ".queue-grip",
      onStart: (item) => setDragging(item.dataset.postId ?? null),
      onDrop: (item, target) => {
        const fromIndex = order.findIndex((p) => p.id === item.dataset.postId);
        const toIndex = order.findIndex((p) => p.id === target.dataset.postId);
        if (fromIndex >= 0 && toIndex >= 0) move(fromIndex, toIndex);
      },
      onEnd: () => setDragging(null),
    },
    canEdit,
  );

  let lastDay = "";
  return (
    <section className="account-queue" aria-labelledby={headingId}>
      <header className="account-queue-head">
        {account.avatar_url ? (
          <span className="queue-avatar">
            <img src={account.avatar_url} alt="" width={40} height={40} />
            <NetworkIcon network={account.network} variant="badge" size={18} className="queue-avatar-badge" />
          </span>
        ) : (
          <NetworkIcon network={account.network} variant="badge" size={40} />
        )}
        <div>
          <h2 id={headingId}>{account.display_name}</h2>
          <p className="muted">
            {networkLabel(account.network)}
            {account.handle ? ` · @${account.handle.replace(/^@/, "")}` : ""} · times in {zoneHeading(zone)}
          </p>
        </div>
        {canEdit && account.slots.length > 0 && (
          <Link className="queue-add" to={`/compose?mode=queue&account=${account.id}`} aria-label={`Add to queue of ${account.display_name}`}>
            Add to queue
          </Link>
        )}
      </header>
      <div className="account-queue-body">
        <div className="queue-column" ref={column}>
          {account.slots.length === 0 && <p>This account has no posting times yet: add some below, and posts can be queued.</p>}
          {(slots.isPending || posts.isPending) && <p role="status">Loading…</p>}
          {slots.isError && <p role="alert">Could not load the slots: {slots.error.message}</p>}
          {posts.isError && <p role="alert">Could not load the queued posts: {posts.error.message}</p>}
          {slots.data && posts.data && rows.length === 0 && <p>Nothing queued and no free slots ahead.</p>}
          {rows.length > 0 && (
            <ol className="queue-list" aria-label={`Queue of ${account.display_name}`}>
              {rows.map((row) => {
                const day = dayIn(row.at, zone);
                const heading = day !== lastDay ? dayHeading(row.at, zone, today, tomorrow) : null;
                lastDay = day;
                const when = formatInZone(row.at, zone, TIME_ONLY);
                const dayLabel = heading ? (
                  <span className="queue-day">{heading}</span>
                ) : null;
                if (!row.post) {
                  return (
                    <li key={`slot-${row.at}`} className="queue-row free">
                      {dayLabel}
                      <div className="queue-card">
                        <time dateTime={row.at} title={zone}>
                          {when}
                        </time>
                        <span className="muted">Free slot</span>
                      </div>
                    </li>
                  );
                }
                const post = row.post;
                const index = order.indexOf(post);
                const name = preview(post, 30);
                const classes = ["queue-row", "filled", dragging === post.id ? "dragging" : "", over === post.id && dragging !== post.id ? "drop-target" : ""];
                return (
                  <li
                    key={post.id}
                    className={classes.filter(Boolean).join(" ")}
                    data-post-id={post.id}
                    draggable={canEdit && !reorder.isPending}
                    onDragStart={(e) => {
                      e.dataTransfer.setData("text/plain", post.id);
                      e.dataTransfer.effectAllowed = "move";
                      setDragging(post.id);
                    }}
                    onDragEnd={() => {
                      setDragging(null);
                      setOver(null);
                    }}
                    onDragOver={(e) => {
                      if (!canEdit || !dragging) return;
                      e.preventDefault();
                      e.dataTransfer.dropEffect = "move";
                      if (over !== post.id) setOver(post.id);
                    }}
                    onDrop={(e) => onDrop(e, post)}
                  >
                    {dayLabel}
                    <div className="queue-card">
                      {canEdit && (
                        // For pointers: a finger picks the post up here at once (keyboards use the arrows).
                        <span className="queue-grip" aria-hidden="true" title="Drag to reorder">
                          <GripVertical size={18} />
                        </span>
                      )}
                      <time dateTime={row.at} title={zone}>
                        {when}
                      </time>
                      <Link className="queue-text" to={`/posts/${post.id}/edit`} aria-label={`Edit “${preview(post, 60) || "(no text)"}”`}>
                        {preview(post, 120) || "(no text)"}
                      </Link>
                      {post.media_ids.length > 0 && (
                        <span className="queue-media muted">
                          {post.media_ids.length} {post.media_ids.length === 1 ? "file" : "files"}
                        </span>
                      )}
                      {canEdit && (
                        <span className="reorder">
                          <button
                            type="button"
                            className="icon-button"
                            aria-label={`Move “${name}” earlier`}
                            disabled={index === 0 || reorder.isPending}
                            onClick={() => move(index, index - 1)}
                          >
                            <ArrowUp size={16} aria-hidden="true" />
                          </button>
                          <button
                            type="button"
                            className="icon-button"
                            aria-label={`Move “${name}” later`}
                            disabled={index === order.length - 1 || reorder.isPending}
                            onClick={() => move(index, index + 1)}
                          >
                            <ArrowDown size={16} aria-hidden="true" />
                          </button>
                        </span>
                      )}
                    </div>
                  </li>
                );
              })}
            </ol>
          )}
          {labelled && rows.length > 0 && (
            <p className="muted queue-zone-note">
              Times are {zoneHeading(zone)} time, the account's zone; your computer is in another zone.
            </p>
          )}
          <p className="visually-hidden" role="status">
            {reorder.isPending ? "Saving the new order…" : announcement}
          </p>
        </div>
        <QueueSlots account={account} workspaceId={workspaceId} workspaceZone={workspaceZone} canEdit={canEditSlots} />
      </div>
    </section>
  );
}

function preview(post: Post, length: number): string {
  return post.text.replace(/\s+/g, " ").trim().slice(0, length);
}
