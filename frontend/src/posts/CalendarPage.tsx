// The calendar: a month, week or day of posts (or a list), coloured by network and status;
// drag a post to another day to reschedule it, click it to edit it.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { memo, useCallback, useMemo, useState, type DragEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { useAccounts } from "../accounts/api";
import { useNetworks } from "../api/networks";
import { api, ApiError } from "../api/client";
import { roleAllows } from "../api/people";
import { useWorkspace } from "../auth/session";
import { STATUS_NAMES, wallTime, type Post, type PostStatus } from "./api";
import { addDays, dayKey, monthGrid, parseDay, rangeOf, stepDate, type View, weekDays } from "./dates";
import { allPosts } from "./fetching";
import "./posts.css";

// Posts in review stand out on the calendar: they are not going out until approved.
const REVIEW_FLAGS: Partial<Record<PostStatus, string>> = {
  pending_approval: "Needs approval",
  changes_requested: "Changes requested",
  rejected: "Rejected",
  expired: "Expired",
};

const MOVABLE: PostStatus[] = ["draft", "pending_approval", "approved", "scheduled"];

export function CalendarPage() {
  const { workspace } = useWorkspace();
  if (!workspace) return <p>Loading…</p>;
  return <Calendar workspaceId={workspace.id} canEdit={roleAllows(workspace.role, "editor")} />;
}

function Calendar({ workspaceId, canEdit }: { workspaceId: string; canEdit: boolean }) {
  const base = `/v1/workspaces/${workspaceId}`;
  const [params, setParams] = useSearchParams();
  const view = (params.get("view") as View | null) ?? "month";
  const anchor = parseDay(params.get("date")) ?? new Date();
  const status = params.get("status") ?? "";
  const network = params.get("network") ?? "";
  const accountId = params.get("account_id") ?? "";
  const [start, end] = rangeOf(view, anchor);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [notice, setNotice] = useState<string | null>(null);

  const networks = useNetworks();
  const accounts = useAccounts(workspaceId);
  const names = useMemo(
    () => Object.fromEntries((networks.data ?? []).map((n) => [n.id, n.name])) as Record<string, string>,
    [networks.data],
  );
  const query = new URLSearchParams({ limit: "200" });
  if (!(view === "list" && status === "draft")) {
    query.set("from", start.toISOString());
    query.set("to", end.toISOString());
  }
  if (status) query.set("status", status);
  if (network) query.set("network", network);
  if (accountId) query.set("account_id", accountId);
  const posts = useQuery({ queryKey: ["posts", workspaceId, query.toString()], queryFn: () => allPosts(base, query) });

  const postsKey = ["posts", workspaceId, query.toString()];
  // Optimistic: the chip moves at once; a refusal (409 included) puts it back.
  const move = useMutation({
    meta: { toast: false },
    mutationFn: ({ post, day }: { post: Post; day: Date }) => {
      const time = post.scheduled_at ? wallTime(post.scheduled_at, post.timezone).slice(11) : "09:00";
      const at = `${dayKey(day)}T${time}:00`;
      return api<Post>(`${base}/posts/${post.id}`, {
        method: "PATCH",
        body: { version: post.version, when: { at, timezone: post.timezone } },
      });
    },
    onMutate: async ({ post, day }) => {
      await queryClient.cancelQueries({ queryKey: postsKey });
      const before = queryClient.getQueryData<Post[]>(postsKey);
      const old = new Date(post.scheduled_at ?? day);
      const moved = new Date(day.getFullYear(), day.getMonth(), day.getDate(), old.getHours(), old.getMinutes()).toISOString();
      queryClient.setQueryData<Post[]>(postsKey, (current) =>
        current?.map((p) => (p.id === post.id ? { ...p, scheduled_at: moved } : p)),
      );
      return { before };
    },
    onSuccess: (moved) => setNotice(`Moved to ${new Date(moved.scheduled_at ?? "").toLocaleString()}.`),
    onError: (error, _variables, context) => {
      if (context?.before) queryClient.setQueryData(postsKey, context.before);
      setNotice(
        error instanceof ApiError && error.status === 409
          ? "Someone changed this post since the calendar loaded; it now shows the latest version. Try again."
          : `The post was not moved: ${error instanceof ApiError && error.details[0] ? error.details[0].message : error.message}`,
      );
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["posts", workspaceId] }),
  });

  function go(changes: Record<string, string | null>) {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next);
  }

  const byDay = useMemo(() => postsByDay(posts.data ?? []), [posts.data]);
  const days = view === "month" ? monthGrid(anchor) : view === "week" ? weekDays(anchor) : [anchor];
  const title =
    view === "month"
      ? anchor.toLocaleDateString(undefined, { month: "long", year: "numeric" })
      : view === "day"
        ? anchor.toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long", year: "numeric" })
        : `${start.toLocaleDateString()} – ${addDays(end, -1).toLocaleDateString()}`;

  // A post in review opens on its page, where its approvers decide; others in the composer.
  const openPost = useCallback(
    (post: Post) => navigate(REVIEW_FLAGS[post.status] || !canEdit ? `/posts/${post.id}` : `/posts/${post.id}/edit`),
    [navigate, canEdit],
  );

  function dropOn(day: Date, event: DragEvent) {
    event.preventDefault();
    const id = event.dataTransfer.getData("text/plain");
    const post = posts.data?.find((p) => p.id === id);
    if (post && dayKey(new Date(post.scheduled_at ?? "")) !== dayKey(day)) move.mutate({ post, day });
  }

  return (
    <section className="calendar">
      <h1>Calendar</h1>
      <div className="calendar-bar">
        <div role="group" aria-label="View">
          {(["month", "week", "day", "list"] as View[]).map((v) => (
            <button key={v} type="button" aria-pressed={view === v} onClick={() => go({ view: v })}>
              {v[0].toUpperCase() + v.slice(1)}
            </button>
          ))}
        </div>
        <div role="group" aria-label="Dates">
          <button type="button" onClick={() => go({ date: dayKey(stepDate(view, anchor, -1)) })}>Previous</button>
          <button type="button" onClick={() => go({ date: null })}>Today</button>
          <button type="button" onClick={() => go({ date: dayKey(stepDate(view, anchor, 1)) })}>Next</button>
        </div>
        <label>
          Status{" "}
          <select value={status} onChange={(e) => go({ status: e.target.value || null })}>
            <option value="">Any</option>
            {Object.entries(STATUS_NAMES).map(([value, label]) => (
              <option key={value} value={value}>{label}</option>
            ))}
          </select>
        </label>
        <label>
          Network{" "}
          <select value={network} onChange={(e) => go({ network: e.target.value || null })}>
            <option value="">Any</option>
            {(networks.data ?? []).map((n) => (
              <option key={n.id} value={n.id}>{n.name}</option>
            ))}
          </select>
        </label>
        <label>
          Account{" "}
          <select value={accountId} onChange={(e) => go({ account_id: e.target.value || null })}>
            <option value="">Any</option>
            {(accounts.data?.items ?? []).map((a) => (
              <option key={a.id} value={a.id}>{`${names[a.network] ?? a.network} · ${a.display_name}`}</option>
            ))}
          </select>
        </label>
        {canEdit && <Link to="/compose">New post</Link>}
      </div>
      <h2>{title}</h2>
      {notice && (
        <p role="status" className="notice">
          {notice} <button type="button" onClick={() => setNotice(null)}>Dismiss</button>
        </p>
      )}
      {posts.isPending && <p>Loading posts…</p>}
      {posts.isError && <p role="alert">Could not load the posts: {posts.error.message}</p>}
      {posts.data && view === "list" && (
        posts.data.length === 0 ? <p>No posts here.</p> : (
          <table className="post-list">
            <thead>
              <tr><th>When</th><th>Accounts</th><th>Status</th><th>Text</th></tr>
            </thead>
            <tbody>
              {posts.data.map((post) => (
                <tr key={post.id}>
                  <td>{post.scheduled_at ? new Date(post.scheduled_at).toLocaleString() : "No time yet"}</td>
                  <td>{post.targets.map((t) => names[t.network] ?? t.network).join(", ")}</td>
                  <td>{STATUS_NAMES[post.status]}</td>
                  <td><Link to={`/posts/${post.id}/edit`}>{post.text.slice(0, 80) || "(no text)"}</Link></td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
      {posts.data && view !== "list" && (
        <div className={`calendar-grid view-${view}`} role="grid" aria-label={title}>
          {view !== "day" && (
            <div role="row" className="calendar-row">
              {days.slice(0, 7).map((day) => (
                <div key={`head-${dayKey(day)}`} role="columnheader" className="weekday">
                  {day.toLocaleDateString(undefined, { weekday: "short" })}
                </div>
              ))}
            </div>
          )}
          {weeksOf(days).map((week) => (
            <div key={`row-${dayKey(week[0])}`} role="row" className="calendar-row">
              {week.map((day) => {
                const key = dayKey(day);
                const outside = view === "month" && day.getMonth() !== anchor.getMonth();
                return (
                  <div
                    key={key}
                    role="gridcell"
                    aria-label={day.toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long" })}
                    data-day={key}
                    className={outside ? "day outside" : "day"}
                    onDragOver={(event) => canEdit && event.preventDefault()}
                    onDrop={(event) => canEdit && dropOn(day, event)}
                  >
                    <span className="day-number">{day.getDate()}</span>
                    <DayPosts posts={byDay.get(key)} names={names} canEdit={canEdit} onOpen={openPost} />
                  </div>
                );
              })}
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

/** Days in rows of seven (the grid's rows; a day view is one short row). */
function weeksOf(days: Date[]): Date[][] {
  const weeks: Date[][] = [];
  for (let i = 0; i < days.length; i += 7) weeks.push(days.slice(i, i + 7));
  return weeks;
}

/** Posts grouped by the local day they go out, each day's in time order. */
function postsByDay(posts: Post[]): Map<string, Post[]> {
  const byDay = new Map<string, Post[]>();
  for (const post of posts) {
    if (!post.scheduled_at) continue;
    const key = dayKey(new Date(post.scheduled_at));
    const day = byDay.get(key);
    if (day) day.push(post);
    else byDay.set(key, [post]);
  }
  for (const day of byDay.values()) day.sort((a, b) => (a.scheduled_at ?? "").localeCompare(b.scheduled_at ?? ""));
  return byDay;
}

const chipTime = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

// A day's chips re-render only when that day's posts change (a month can hold 1,000 posts).
const DayPosts = memo(function DayPosts({
  posts,
  names,
  canEdit,
  onOpen,
}: {
  posts: Post[] | undefined;
  names: Record<string, string>;
  canEdit: boolean;
  onOpen: (post: Post) => void;
}) {
  if (!posts) return null;
  return (
    <>
      {posts.map((post) => (
        <button
          key={post.id}
          type="button"
          className={`post-chip status-${post.status} network-${post.targets[0]?.network ?? "none"}`}
          draggable={canEdit && MOVABLE.includes(post.status)}
          onDragStart={(event) => event.dataTransfer.setData("text/plain", post.id)}
          onClick={() => onOpen(post)}
          title={`${STATUS_NAMES[post.status]}: ${post.text}`}
        >
          {REVIEW_FLAGS[post.status] && <span className="chip-flag">{REVIEW_FLAGS[post.status]}</span>}
          <span className="chip-time">{chipTime.format(new Date(post.scheduled_at ?? ""))}</span>{" "}
          {post.targets.map((t) => (
            <span key={t.account_id} className={`dot network-${t.network}`} aria-hidden="true" />
          ))}
          <span className="visually-hidden">{post.targets.map((t) => names[t.network] ?? t.network).join(", ")}</span>{" "}
          {post.text.slice(0, 40) || "(no text)"}
        </button>
      ))}
    </>
  );
});
