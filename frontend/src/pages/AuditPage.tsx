import { useInfiniteQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router-dom";
import { actorName, describe, EVENT_KINDS, relativeTime } from "../activity/describe";
import { api } from "../api/client";
import { roleAllows, useMembers, type AuditEvent, type Page, type Workspace } from "../api/people";
import { WorkspaceGate } from "../auth/WorkspaceGate";
import { formatInZone } from "../time/zoned";
import "./activity.css";

export function AuditPage() {
  return (
    <WorkspaceGate>
      {(workspace) =>
        roleAllows(workspace.role, "admin") ? (
          <AuditLog key={workspace.id} workspace={workspace} />
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

const EXACT: Intl.DateTimeFormatOptions = { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "numeric", minute: "2-digit" };

/** The start of a local day (`2026-12-07`) as an instant, and of the next day for `to`. */
function dayStart(day: string, after = false): string {
  const start = new Date(`${day}T00:00:00`);
  if (after) start.setDate(start.getDate() + 1);
  return start.toISOString();
}

function AuditLog({ workspace }: { workspace: Workspace }) {
  const workspaceId = workspace.id;
  const [params, setParams] = useSearchParams();
  const person = params.get("person") ?? "";
  const kind = params.get("kind") ?? "";
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const filtered = Boolean(person || kind || from || to);
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  const query = new URLSearchParams({ limit: "50" });
  if (person) query.set("actor", person);
  const action = EVENT_KINDS.find((k) => k.id === kind)?.action;
  if (action) query.set("action", action);
  if (from) query.set("from", dayStart(from));
  if (to) query.set("to", dayStart(to, true));

  const events = useInfiniteQuery({
    queryKey: ["audit", workspaceId, query.toString()],
    queryFn: ({ pageParam }) =>
      api<Page<AuditEvent>>(`/v1/workspaces/${workspaceId}/audit?${query}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchOnMount: "always",
  });
  const members = useMembers(workspaceId);
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];
  const zone = workspace.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <section className="activity">
      <h1>Activity</h1>
      <p className="muted">Everything that happened in {workspace.name}: who did what, and when.</p>
      <form className="filters" role="search" aria-label="Filter the activity" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="activity-person">Person</label>
          <select id="activity-person" value={person} onChange={(e) => set("person", e.target.value)}>
            <option value="">Everyone</option>
            {(members.data?.items ?? []).map((m) => (
              <option key={m.user_id} value={m.user_id}>
                {m.name || m.email}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="activity-kind">Type</label>
          <select id="activity-kind" value={kind} onChange={(e) => set("kind", e.target.value)}>
            <option value="">Everything</option>
            {EVENT_KINDS.map((k) => (
              <option key={k.id} value={k.id}>
                {k.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="activity-from">From</label>
          <input id="activity-from" type="date" value={from} max={to || undefined} onChange={(e) => set("from", e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="activity-to">To</label>
          <input id="activity-to" type="date" value={to} min={from || undefined} onChange={(e) => set("to", e.target.value)} />
        </div>
        {filtered && (
          <button type="button" className="link-button" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
            Clear filters
          </button>
        )}
      </form>
      {events.isPending && (
        <p role="status" aria-live="polite">
          Loading activity…
        </p>
      )}
      {events.isError && <p role="alert">Could not load the activity: {events.error.message}</p>}
      {events.isSuccess && items.length === 0 && (
        <div className="empty-state">
          {filtered ? (
            <p>Nothing matches these filters. Try another person, type or dates.</p>
          ) : (
            <p>Nothing has happened yet. Connect an account or schedule a post and it will show here.</p>
          )}
        </div>
      )}
      {items.length > 0 && (
        <ol className="activity-list" aria-label="Activity">
          {items.map((event) => (
            <li key={event.id} className="activity-item">
              <p className="activity-sentence">
                <strong>{actorName(event)}</strong>{" "}
                {describe(event, zone).map((part, index) =>
                  part.to ? (
                    <Link key={index} to={part.to}>
                      {part.text}
                    </Link>
                  ) : part.strong ? (
                    <strong key={index}>{part.text}</strong>
                  ) : (
                    <span key={index}>{part.text}</span>
                  ),
                )}
              </p>
              <p className="activity-when">
                <time dateTime={event.at} title={formatInZone(event.at, zone, EXACT)}>
                  {relativeTime(event.at)}
                </time>
                <span aria-hidden="true"> · </span>
                <span>{formatInZone(event.at, zone, EXACT)}</span>
              </p>
            </li>
          ))}
        </ol>
      )}
      {events.hasNextPage && (
        <button type="button" onClick={() => void events.fetchNextPage()} disabled={events.isFetchingNextPage}>
          {events.isFetchingNextPage ? "Loading…" : "Show older"}
        </button>
      )}
    </section>
  );
}
