// The calendar: a month, a week or a day (an hour grid) of posts, or a list, in the
// workspace's time zone. Chips show the time, the network, the first words and the status;
// drag one to another day (month) or day and hour (week, day) to reschedule it, or focus it
// and press M; drag a draft from the drafts column onto the calendar to schedule it. On a
// touch screen a post is held for a moment, then slid (useTouchDrag).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type DragEvent,
  type FormEvent,
  type KeyboardEvent,
  type MouseEvent,
} from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { useAccounts } from "../accounts/api";
import { api, ApiError } from "../api/client";
import { roleAllows, type Workspace } from "../api/people";
import { DecisionBar } from "../approvals/DecisionBar";
import { mayDecide } from "../approvals/api";
import { useMe, useWorkspace } from "../auth/session";
import { NETWORK_IDS, NetworkIcon, networkColor, networkLabel } from "../components/NetworkIcon";
import { STATUS_NAMES, type Post, type PostStatus } from "./api";
import { useTouchDrag } from "./useTouchDrag";
import {
  addDays,
  browserZone,
  clockLabel,
  dayKey,
  longDay,
  monthGrid,
  parseDay,
  rangeOf,
  sameZone,
  spanLabel,
  stepDate,
  type View,
  wallParts,
  type WallTime,
  weekDays,
  zonedInstant,
} from "./dates";
import { allPosts } from "./fetching";
import "./calendar.css";

// What a chip says of its status, beside the time (a scheduled post says nothing more).
// Posts in review stand out: they are not going out until approved.
const STATUS_FLAGS: Partial<Record<PostStatus, string>> = {
  draft: "Draft",
  approved: "Approved",
  publishing: "Sending",
  published: "Published",
  partially_published: "Partly sent",
  failed: "Failed",
  pending_approval: "Needs approval",
  changes_requested: "Changes requested",
  rejected: "Rejected",
  expired: "Expired",
};
const IN_REVIEW: PostStatus[] = ["pending_approval", "changes_requested", "rejected", "expired"];
const MOVABLE: PostStatus[] = ["draft", "pending_approval", "approved", "scheduled"];
const VIEWS: View[] = ["month", "week", "day", "list"];
const HOURS = Array.from({ length: 24 }, (_, hour) => hour);
/** Where a week or day opens when it has nothing earlier. */
const FIRST_HOUR = 8;
/** A draft dropped on a day of the month goes out at 09:00. */
const DRAFT_HOUR = 9;
const MOVE_HINT_ID = "calendar-move-hint";

/** A post where the calendar shows it: its day and time in the workspace's zone. */
interface Placed {
  post: Post;
  zone: string;
  at: WallTime;
  time: string;
  networks: string[];
  /** The networks' names, e.g. "X, LinkedIn". */
  names: string;
  words: string;
}

interface MoveTarget {
  post: Post;
  day: string;
  hour: number;
  minute: number;
}

export function CalendarPage() {
  const { workspace } = useWorkspace();
  if (!workspace) return <p>Loading…</p>;
  return (
    <Calendar
      workspace={workspace}
      workspaceId={workspace.id}
      zone={workspace.timezone || "UTC"}
      canEdit={roleAllows(workspace.role, "editor")}
    />
  );
}

function isPhone(): boolean {
  return typeof window !== "undefined" && !!window.matchMedia?.("(max-width: 640px)").matches;
}

function networksOf(post: Post): string[] {
  return [...new Set(post.targets.map((t) => t.network))];
}

function firstWords(text: string, length = 60): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > length ? `${flat.slice(0, length).trimEnd()}…` : flat || "(no text)";
}

function Calendar({
  workspace,
  workspaceId,
  zone,
  canEdit,
}: {
  workspace: Workspace;
  workspaceId: string;
  zone: string;
  canEdit: boolean;
}) {
  const base = `/v1/workspaces/${workspaceId}`;
  const [params, setParams] = useSearchParams();
  const [phone] = useState(isPhone);
  const requested = params.get("view") as View | null;
  const view: View = requested && VIEWS.includes(requested) ? requested : phone ? "day" : "month";
  const today = wallParts(new Date(), zone).day;
  const anchor = parseDay(params.get("date")) ?? parseDay(today)!;
  const status = params.get("status") ?? "";
  const accountId = params.get("account_id") ?? "";
  const hidden = useMemo(() => new Set((params.get("hide") ?? "").split(",").filter(Boolean)), [params]);
  const [start, end] = rangeOf(view, anchor);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [notice, setNotice] = useState<string | null>(null);
  // The post a finger is moving (its first words), said while it is held.
  const [touchMoving, setTouchMoving] = useState<string | null>(null);
  const calendarRoot = useRef<HTMLElement>(null);
  const [moving, setMoving] = useState<Post | null>(null);
  const [deciding, setDeciding] = useState<Post | null>(null);
  const userId = useMe().data?.user.id ?? "";
  const differentZone = !sameZone(zone, browserZone());

  const accounts = useAccounts(workspaceId);
  const query = new URLSearchParams({ limit: "200" });
  if (!(view === "list" && status === "draft")) {
    query.set("from", zonedInstant(dayKey(start), 0, 0, zone).toISOString());
    query.set("to", zonedInstant(dayKey(end), 0, 0, zone).toISOString());
  }
  if (status) query.set("status", status);
  if (accountId) query.set("account_id", accountId);
  const postsKey = ["posts", workspaceId, query.toString()];
  const draftsKey = ["posts", workspaceId, "drafts"];
  const posts = useQuery({ queryKey: postsKey, queryFn: () => allPosts(base, query) });
  const drafts = useQuery({
    queryKey: draftsKey,
    queryFn: () => allPosts(base, new URLSearchParams({ status: "draft", limit: "200" })),
  });

  // Every post placed once per answer (a month can hold 1,000): day, hour, time label.
  const placed = useMemo(() => placePosts(posts.data ?? [], zone), [posts.data, zone]);
  const shown = useMemo(
    () => (hidden.size ? placed.filter((p) => p.networks.some((n) => !hidden.has(n))) : placed),
    [placed, hidden],
  );
  const listed = useMemo(
    () => (posts.data ?? []).filter((p) => !hidden.size || networksOf(p).some((n) => !hidden.has(n))),
    [posts.data, hidden],
  );
  // Every network's mark, and any other a post names: the same list (and no new images)
  // from one month to the next.
  const extraNetworks = useMemo(() => {
    const extra = new Set<string>();
    for (const p of placed) for (const n of p.networks) if (!(NETWORK_IDS as readonly string[]).includes(n)) extra.add(n);
    return [...extra].sort().join(",");
  }, [placed]);
  const marks = useMemo(() => [...NETWORK_IDS, ...extraNetworks.split(",").filter(Boolean)], [extraNetworks]);
  const shownDrafts = useMemo(
    () => (hidden.size ? drafts.data?.filter((p) => networksOf(p).some((n) => !hidden.has(n))) : drafts.data),
    [drafts.data, hidden],
  );
  const byDay = useMemo(() => groupBy(shown, (p) => p.at.day), [shown]);
  const byHour = useMemo(() => groupBy(shown, (p) => `${p.at.day}T${p.at.hour}`), [shown]);

  // The legend is also the network filter: the networks of the accounts and of the posts.
  const legend = useMemo(() => {
    const present = new Set<string>((accounts.data?.items ?? []).map((a) => a.network).filter(Boolean));
    const counts = new Map<string, number>();
    for (const p of placed) {
      for (const n of p.networks) {
        present.add(n);
        counts.set(n, (counts.get(n) ?? 0) + 1);
      }
    }
    const known = NETWORK_IDS.filter((n) => present.has(n));
    const others = [...present].filter((n) => !(NETWORK_IDS as readonly string[]).includes(n)).sort();
    return [...known, ...others].map((network) => ({ network, count: counts.get(network) ?? 0 }));
  }, [accounts.data, placed]);

  // Optimistic: the chip moves at once (a draft leaves the column); a refusal (409 included)
  // puts everything back. The post keeps its own zone; a draft takes the workspace's.
  const move = useMutation({
    meta: { toast: false },
    mutationFn: ({ post, day, hour, minute }: MoveTarget) => {
      const instant = zonedInstant(day, hour, minute, zone);
      const timezone = post.scheduled_at ? post.timezone : zone;
      const wall = wallParts(instant, timezone);
      const at = `${wall.day}T${pad(wall.hour)}:${pad(wall.minute)}:00`;
      return api<Post>(`${base}/posts/${post.id}`, {
        method: "PATCH",
        body: { version: post.version, when: { at, timezone } },
      });
    },
    onMutate: async ({ post, day, hour, minute }) => {
      await queryClient.cancelQueries({ queryKey: ["posts", workspaceId] });
      const before = queryClient.getQueryData<Post[]>(postsKey);
      const draftsBefore = queryClient.getQueryData<Post[]>(draftsKey);
      const scheduled_at = zonedInstant(day, hour, minute, zone).toISOString();
      queryClient.setQueryData<Post[]>(postsKey, (current) => {
        if (!current) return current;
        if (current.some((p) => p.id === post.id)) {
          return current.map((p) => (p.id === post.id ? { ...p, scheduled_at } : p));
        }
        return [...current, { ...post, status: "scheduled", scheduled_at }];
      });
      queryClient.setQueryData<Post[]>(draftsKey, (current) => current?.filter((p) => p.id !== post.id));
      return { before, draftsBefore, wasDraft: !post.scheduled_at };
    },
    onSuccess: (moved, _variables, context) => {
      const when = moved.scheduled_at
        ? new Date(moved.scheduled_at).toLocaleString(undefined, {
            dateStyle: "full",
            timeStyle: "short",
            timeZone: zone,
          })
        : "no time";
      const label = differentZone ? ` (${zone})` : "";
      setNotice(`${context?.wasDraft ? "Scheduled for" : "Moved to"} ${when}${label}.`);
    },
    onError: (error, variables, context) => {
      if (context?.before) queryClient.setQueryData(postsKey, context.before);
      if (context?.draftsBefore) queryClient.setQueryData(draftsKey, context.draftsBefore);
      setNotice(
        error instanceof ApiError && error.status === 409
          ? "Someone changed this post since the calendar loaded; it now shows the latest version. Try again."
          : `The post was not ${variables.post.scheduled_at ? "moved" : "scheduled"}: ${error instanceof ApiError && error.details[0] ? error.details[0].message : error.message}`,
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

  function toggleNetwork(network: string) {
    const next = new Set(hidden);
    if (next.has(network)) next.delete(network);
    else next.add(network);
    go({ hide: [...next].join(",") || null });
  }

  const findPost = useCallback(
    (id: string) => posts.data?.find((p) => p.id === id) ?? drafts.data?.find((p) => p.id === id),
    [posts.data, drafts.data],
  );

  // A post waiting for the viewer's approval opens where they decide on it, over the
  // calendar; any other opens on its page (or in the composer).
  const openPost = useCallback(
    (post: Post) => {
      if (mayDecide(post, { userId, role: workspace.role })) setDeciding(post);
      else navigate(postPath(post, canEdit));
    },
    [navigate, canEdit, userId, workspace.role],
  );

  const moveTo = useCallback(
    (post: Post, day: string, hour: number | null) => {
      if (!MOVABLE.includes(post.status)) return;
      const was = post.scheduled_at ? wallParts(post.scheduled_at, zone) : null;
      const target: MoveTarget = {
        post,
        day,
        hour: hour ?? was?.hour ?? DRAFT_HOUR,
        minute: was?.minute ?? 0,
      };
      if (was && was.day === target.day && was.hour === target.hour && was.minute === target.minute) return;
      move.mutate(target);
    },
    [move, zone],
  );

  // One set of handlers for every chip and cell of a view (events bubble to the view).
  const handlers = useMemo(() => {
    const chipOf = (target: EventTarget) => (target as Element).closest?.<HTMLElement>("[data-post]") ?? null;
    const slotOf = (target: EventTarget) => (target as Element).closest?.<HTMLElement>("[data-day]") ?? null;
    return {
      onClick: (event: MouseEvent) => {
        const chip = chipOf(event.target);
        const post = chip?.dataset.post ? findPost(chip.dataset.post) : undefined;
        if (post && chip?.classList.contains("post-chip")) openPost(post);
      },
      onKeyDown: (event: KeyboardEvent) => {
        if (!canEdit || event.key.toLowerCase() !== "m" || event.ctrlKey || event.metaKey || event.altKey) return;
        const chip = chipOf(event.target);
        const post = chip?.dataset.post ? findPost(chip.dataset.post) : undefined;
        if (post && MOVABLE.includes(post.status)) {
          event.preventDefault();
          setMoving(post);
        }
      },
      onDragStart: (event: DragEvent) => {
        const chip = chipOf(event.target);
        if (!chip?.dataset.post) return;
        event.dataTransfer.setData("text/plain", chip.dataset.post);
        event.dataTransfer.effectAllowed = "move";
      },
      onDragOver: (event: DragEvent) => {
        if (!canEdit || !slotOf(event.target)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
      },
      onDragEnter: (event: DragEvent) => {
        if (canEdit) slotOf(event.target)?.classList.add("drop-over");
      },
      onDragLeave: (event: DragEvent) => {
        const slot = slotOf(event.target);
        if (slot && !slot.contains(event.relatedTarget as Node | null)) slot.classList.remove("drop-over");
      },
      onDrop: (event: DragEvent) => {
        const slot = slotOf(event.target);
        if (!canEdit || !slot?.dataset.day) return;
        event.preventDefault();
        slot.classList.remove("drop-over");
        const post = findPost(event.dataTransfer.getData("text/plain"));
        if (post) moveTo(post, slot.dataset.day, slot.dataset.hour ? Number(slot.dataset.hour) : null);
      },
    };
  }, [canEdit, findPost, openPost, moveTo]);

  useTouchDrag(
    calendarRoot,
    {
      item: '[data-post][draggable="true"]',
      target: "[data-day]",
      onStart: (item) => setTouchMoving(firstWords(findPost(item.dataset.post ?? "")?.text ?? "", 40)),
      onDrop: (item, slot) => {
        const post = findPost(item.dataset.post ?? "");
        if (post && slot.dataset.day) moveTo(post, slot.dataset.day, slot.dataset.hour ? Number(slot.dataset.hour) : null);
      },
      onEnd: () => setTouchMoving(null),
    },
    canEdit && view !== "list",
  );

  const days = view === "month" ? monthGrid(anchor) : view === "week" ? weekDays(anchor) : [anchor];
  const title =
    view === "month"
      ? anchor.toLocaleDateString(undefined, { month: "long", year: "numeric" })
      : view === "week"
        ? spanLabel(start, addDays(end, -1))
        : anchor.toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long", year: "numeric" });

  return (
    <section className="calendar" aria-labelledby="calendar-title" ref={calendarRoot}>
      <header className="cal-head">
        <h1 id="calendar-title">Calendar</h1>
        {canEdit && (
          <Link className="cal-new" to="/compose">
            New post
          </Link>
        )}
      </header>
      <div className="cal-toolbar">
        <div className="cal-nav" role="group" aria-label="Dates">
          <button type="button" className="cal-prev" onClick={() => go({ date: dayKey(stepDate(view, anchor, -1)) })}>
            Previous
          </button>
          <button type="button" onClick={() => go({ date: null })}>
            Today
          </button>
          <button type="button" className="cal-next" onClick={() => go({ date: dayKey(stepDate(view, anchor, 1)) })}>
            Next
          </button>
        </div>
        <h2 className="cal-title" aria-live="polite">
          {title}
        </h2>
        <div className="cal-views" role="group" aria-label="View">
          {VIEWS.map((v) => (
            <button key={v} type="button" aria-pressed={view === v} onClick={() => go({ view: v })}>
              {v[0].toUpperCase() + v.slice(1)}
            </button>
          ))}
        </div>
      </div>
      <div className="cal-filters">
        {legend.length > 0 && (
          <div className="cal-legend" role="group" aria-label="Networks shown">
            {legend.map(({ network, count }) => (
              <button
                key={network}
                type="button"
                className="cal-network"
                aria-pressed={!hidden.has(network)}
                style={{ ["--network-color" as string]: networkColor(network) }}
                onClick={() => toggleNetwork(network)}
              >
                <NetworkIcon network={network} size={14} />
                <span>{networkLabel(network)}</span>
                <span className="cal-count" aria-label={`${count} posts`}>
                  {count}
                </span>
              </button>
            ))}
          </div>
        )}
        <label>
          Status{" "}
          <select value={status} onChange={(e) => go({ status: e.target.value || null })}>
            <option value="">Any</option>
            {Object.entries(STATUS_NAMES).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Account{" "}
          <select value={accountId} onChange={(e) => go({ account_id: e.target.value || null })}>
            <option value="">Any</option>
            {(accounts.data?.items ?? []).map((a) => (
              <option key={a.id} value={a.id}>{`${networkLabel(a.network)} · ${a.display_name}`}</option>
            ))}
          </select>
        </label>
      </div>
      <p className="cal-zone muted">
        {differentZone ? (
          <>
            Times in <strong>{zone}</strong>, the workspace's time zone (your browser is on {browserZone()}).
          </>
        ) : (
          <>Times in {zone}.</>
        )}
        {canEdit && view !== "list" && <> Drag a post to reschedule it (on a touch screen, hold it first), or focus it and press M.</>}
      </p>
      <NetworkMarks networks={marks} />
      <span id={MOVE_HINT_ID} hidden>
        Press M to move it to another day or time.
      </span>
      {touchMoving !== null && (
        <p role="status" className="touch-drag-status">
          Moving “{touchMoving || "(no text)"}”: lift your finger on a day or an hour.
        </p>
      )}
      {notice && (
        <p role="status" className="notice cal-notice">
          {notice}{" "}
          <button type="button" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </p>
      )}
      <div className={`cal-body${view === "list" ? " is-list" : ""}`}>
        <div className="cal-main">
          {posts.isPending && <p>Loading posts…</p>}
          {posts.isError && <p role="alert">Could not load the posts: {posts.error.message}</p>}
          {posts.data && view === "list" && <PostList posts={listed} zone={zone} canEdit={canEdit} />}
          {posts.data && view === "month" && (
            <MonthGrid
              days={days}
              month={anchor.getMonth()}
              title={title}
              today={today}
              byDay={byDay}
              canEdit={canEdit}
              handlers={handlers}
            />
          )}
          {posts.data && (view === "week" || view === "day") && (
            <HourGrid
              days={days}
              view={view}
              title={title}
              today={today}
              nowHour={wallParts(new Date(), zone).hour}
              byHour={byHour}
              canEdit={canEdit}
              handlers={handlers}
            />
          )}
        </div>
        {view !== "list" && (
          <DraftsColumn
            drafts={shownDrafts}
            failed={drafts.isError}
            canEdit={canEdit}
            handlers={handlers}
            onSchedule={setMoving}
          />
        )}
      </div>
      {moving && (
        <MoveDialog
          post={moving}
          zone={zone}
          initial={
            moving.scheduled_at
              ? wallParts(moving.scheduled_at, zone)
              : { day: dayKey(anchor) < today ? today : dayKey(anchor), hour: DRAFT_HOUR, minute: 0 }
          }
          onClose={() => setMoving(null)}
          onMove={(day, hour, minute) => {
            setMoving(null);
            move.mutate({ post: moving, day, hour, minute });
          }}
        />
      )}
      {deciding && (
        <DecideDialog
          workspace={workspace}
          post={deciding}
          onClose={() => setDeciding(null)}
          onDecided={(post) => {
            setDeciding(null);
            setNotice(`“${firstWords(post.text, 40)}” is now ${STATUS_NAMES[post.status].toLowerCase()}.`);
          }}
        />
      )}
    </section>
  );
}

/** A post in review opens on its page (its approvers decide over the calendar); others in the composer. */
function postPath(post: Post, canEdit: boolean): string {
  return IN_REVIEW.includes(post.status) || !canEdit ? `/posts/${post.id}` : `/posts/${post.id}/edit`;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

// A post's placement is kept with the post object: going back to a month whose answer is
// still cached places its 1,000 posts again without formatting a date.
const placements = new WeakMap<Post, Placed>();

/** Each post with its day, hour and time label in `zone`, in time order. */
export function placePosts(posts: Post[], zone: string): Placed[] {
  const placed: Placed[] = [];
  for (const post of posts) {
    if (!post.scheduled_at) continue;
    let found = placements.get(post);
    if (!found || found.zone !== zone) {
      const at = wallParts(post.scheduled_at, zone);
      const time = clockLabel(at.hour, at.minute);
      const networks = networksOf(post);
      const names = networks.map(networkLabel).join(", ");
      found = { post, zone, at, time, networks, names, words: firstWords(post.text) };
      placements.set(post, found);
    }
    placed.push(found);
  }
  // UTC ISO strings sort as plain strings (localeCompare would collate 10,000 pairs).
  return placed.sort((a, b) => (a.post.scheduled_at! < b.post.scheduled_at! ? -1 : a.post.scheduled_at! > b.post.scheduled_at! ? 1 : 0));
}

function groupBy(placed: Placed[], key: (p: Placed) => string): Map<string, Placed[]> {
  const groups = new Map<string, Placed[]>();
  for (const p of placed) {
    const k = key(p);
    const group = groups.get(k);
    if (group) group.push(p);
    else groups.set(k, [p]);
  }
  return groups;
}

type Handlers = {
  onClick: (event: MouseEvent) => void;
  onKeyDown: (event: KeyboardEvent) => void;
  onDragStart: (event: DragEvent) => void;
  onDragOver: (event: DragEvent) => void;
  onDragEnter: (event: DragEvent) => void;
  onDragLeave: (event: DragEvent) => void;
  onDrop: (event: DragEvent) => void;
};

/** Days in rows of seven (the month's weeks). */
function weeksOf(days: Date[]): Date[][] {
  const weeks: Date[][] = [];
  for (let i = 0; i < days.length; i += 7) weeks.push(days.slice(i, i + 7));
  return weeks;
}

const MonthGrid = memo(function MonthGrid({
  days,
  month,
  title,
  today,
  byDay,
  canEdit,
  handlers,
}: {
  days: Date[];
  month: number;
  title: string;
  today: string;
  byDay: Map<string, Placed[]>;
  canEdit: boolean;
  handlers: Handlers;
}) {
  return (
    <div className="cal-month" role="grid" aria-label={title} {...handlers}>
      <div role="row" className="cal-row">
        {days.slice(0, 7).map((day) => (
          <div key={`head-${dayKey(day)}`} role="columnheader" className="cal-weekday">
            <span aria-hidden="true">{day.toLocaleDateString(undefined, { weekday: "short" })}</span>
            <span className="visually-hidden">{day.toLocaleDateString(undefined, { weekday: "long" })}</span>
          </div>
        ))}
      </div>
      {weeksOf(days).map((week) => (
        <div key={`row-${dayKey(week[0])}`} role="row" className="cal-row">
          {week.map((day) => {
            const key = dayKey(day);
            const classes = ["cal-day"];
            if (day.getMonth() !== month) classes.push("outside");
            if (key === today) classes.push("today");
            if (key < today) classes.push("past");
            return (
              <div
                key={key}
                role="gridcell"
                aria-current={key === today ? "date" : undefined}
                data-day={key}
                className={classes.join(" ")}
              >
                <span className="cal-day-number" aria-hidden="true">
                  {day.getDate()}
                </span>
                <span className="visually-hidden">{longDay(day)}</span>
                <Chips placed={byDay.get(key)} canEdit={canEdit} />
              </div>
            );
          })}
        </div>
      ))}
    </div>
  );
});

const HourGrid = memo(function HourGrid({
  days,
  view,
  title,
  today,
  nowHour,
  byHour,
  canEdit,
  handlers,
}: {
  days: Date[];
  view: View;
  title: string;
  today: string;
  nowHour: number;
  byHour: Map<string, Placed[]>;
  canEdit: boolean;
  handlers: Handlers;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const keys = days.map(dayKey);
  const first = keys[0];
  // Opens on the first hour with a post, or 08:00, whichever is earlier.
  let openAt = FIRST_HOUR;
  for (const key of keys) {
    for (let hour = 0; hour < openAt; hour++) if (byHour.has(`${key}T${hour}`)) openAt = hour;
  }
  useLayoutEffect(() => {
    const box = scroller.current;
    const row = box?.querySelector<HTMLElement>(`[data-row-hour="${openAt}"]`);
    const head = box?.querySelector<HTMLElement>(".cal-hours-head");
    if (box && row) box.scrollTop = row.offsetTop - (head?.offsetHeight ?? 0);
    // Only when the days shown change, not when a post moves.
  }, [first, view]);
  return (
    <div className="cal-hours-scroll" ref={scroller}>
      <div
        className={`cal-hours view-${view}`}
        style={{ ["--days" as string]: days.length }}
        role="grid"
        aria-label={title}
        {...handlers}
      >
        <div role="row" className="cal-row">
          <div role="columnheader" className="cal-hours-head cal-corner">
            <span className="visually-hidden">Time</span>
          </div>
          {days.map((day, i) => (
            <div
              key={keys[i]}
              role="columnheader"
              className={`cal-hours-head${keys[i] === today ? " today" : ""}`}
              aria-current={keys[i] === today ? "date" : undefined}
            >
              <span className="cal-head-weekday">{day.toLocaleDateString(undefined, { weekday: "short" })}</span>{" "}
              <span className="cal-head-date">{day.getDate()}</span>
            </div>
          ))}
        </div>
        {HOURS.map((hour) => (
          <div key={hour} role="row" className="cal-row">
            <div role="rowheader" className="cal-hour-label" data-row-hour={hour}>
              {clockLabel(hour)}
            </div>
            {days.map((day, i) => {
              const key = keys[i];
              const classes = ["cal-slot"];
              if (key === today) classes.push("today");
              if (key === today && hour === nowHour) classes.push("now");
              if (key < today || (key === today && hour < nowHour)) classes.push("past");
              return (
                <div
                  key={key}
                  role="gridcell"
                  data-day={key}
                  data-hour={hour}
                  className={classes.join(" ")}
                >
                  <span className="visually-hidden">{`${longDay(day)}, ${clockLabel(hour)}`}</span>
                  <Chips placed={byHour.get(`${key}T${hour}`)} canEdit={canEdit} />
                </div>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
});

// A day's (or an hour's) chips re-render only when its posts change.
const Chips = memo(function Chips({ placed, canEdit }: { placed: Placed[] | undefined; canEdit: boolean }) {
  if (!placed) return null;
  return <>{placed.map((p) => chip(p, canEdit))}</>;
});

// A plain function, not a component: a month can hold 1,000 chips, each kept small (one
// element for its marks, which are images: see NetworkMarks; styles made once per network).
function chip(placed: Placed, canEdit: boolean) {
  const { post, networks, time } = placed;
  const movable = canEdit && MOVABLE.includes(post.status);
  const flag = STATUS_FLAGS[post.status];
  return (
    <button
      key={post.id}
      type="button"
      className={`post-chip status-${post.status}`}
      data-post={post.id}
      draggable={movable}
      aria-describedby={movable ? MOVE_HINT_ID : undefined}
      style={looks(networks[0] ?? "").chip}
      title={`${STATUS_NAMES[post.status]}: ${post.text}`}
    >
      <span className="chip-time">{time}</span>{" "}
      <span className="chip-marks" role="img" aria-label={placed.names}>
        {networks.map((n) => (
          <span key={n} className="chip-mark" style={looks(n).mark} />
        ))}
      </span>{" "}
      {flag && <span className="chip-flag">{flag}</span>}{" "}
      <span className="chip-text">{placed.words}</span>
    </button>
  );
}

const LOOKS = new Map<string, { chip: CSSProperties; mark: CSSProperties }>();

/** A network's chip colour and mark, as style objects made once. */
function looks(network: string) {
  let found = LOOKS.get(network);
  if (!found) {
    found = {
      chip: { ["--chip-color" as string]: networkColor(network) },
      mark: { backgroundImage: `var(${markName(network)})` },
    };
    LOOKS.set(network, found);
  }
  return found;
}

function markName(network: string): string {
  return `--mark-${network.replace(/[^a-z0-9_-]/gi, "")}`;
}

/**
 * Each network's mark, as NetworkIcon draws it, made an image once and set on the calendar
 * (`--mark-<network>`) for the chips' backgrounds: a month can hold 1,000 chips, and an
 * inline SVG (or a `<use>` of one) in each costs more than the rest of the month.
 */
const NetworkMarks = memo(function NetworkMarks({ networks }: { networks: string[] }) {
  const box = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    // On the calendar's element, its parent: in the DOM already (a ref to it is not yet set
    // when this child's effect runs on the first render).
    const target = box.current?.parentElement;
    if (!target || !box.current) return;
    const serializer = new XMLSerializer();
    for (const svg of box.current.querySelectorAll<SVGElement>("svg[data-network]")) {
      const markup = encodeURIComponent(serializer.serializeToString(svg));
      target.style.setProperty(markName(svg.dataset.network ?? ""), `url("data:image/svg+xml,${markup}")`);
    }
  }, [networks]);
  return (
    <div ref={box} hidden>
      {networks.map((n) => (
        <NetworkIcon key={n} network={n} size={24} />
      ))}
    </div>
  );
});

function DraftsColumn({
  drafts,
  failed,
  canEdit,
  handlers,
  onSchedule,
}: {
  drafts: Post[] | undefined;
  failed: boolean;
  canEdit: boolean;
  handlers: Handlers;
  onSchedule: (post: Post) => void;
}) {
  const sorted = useMemo(
    () => [...(drafts ?? [])].sort((a, b) => b.updated_at.localeCompare(a.updated_at)),
    [drafts],
  );
  return (
    <aside className="cal-drafts" aria-labelledby="cal-drafts-title">
      <h2 id="cal-drafts-title">
        Drafts{drafts ? <span className="cal-count">{drafts.length}</span> : null}
      </h2>
      {canEdit && <p className="muted cal-drafts-help">Drag a draft onto a day or an hour to schedule it.</p>}
      {failed && <p role="alert">Could not load the drafts.</p>}
      {drafts && sorted.length === 0 && (
        <p className="muted">
          No drafts. Ideas saved without a time wait here.{" "}
          {canEdit && <Link to="/compose">Write one</Link>}
        </p>
      )}
      {sorted.length > 0 && (
        <ul className="cal-draft-list" aria-label="Drafts" onDragStart={handlers.onDragStart}>
          {sorted.map((post) => {
            const networks = networksOf(post);
            return (
              <li
                key={post.id}
                className="cal-draft"
                data-post={post.id}
                draggable={canEdit}
                style={{ ["--chip-color" as string]: networkColor(networks[0] ?? "") }}
              >
                <span className="chip-meta">
                  {networks.map((n) => (
                    <NetworkIcon key={n} network={n} size={14} label={networkLabel(n)} />
                  ))}
                </span>
                <Link to={postPath(post, canEdit)} className="cal-draft-text">
                  {firstWords(post.text, 90)}
                </Link>
                {canEdit && (
                  <button
                    type="button"
                    className="cal-draft-schedule"
                    aria-label={`Schedule: ${firstWords(post.text, 40)}`}
                    onClick={() => onSchedule(post)}
                  >
                    Schedule…
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </aside>
  );
}

/** The keyboard's (and a phone's) way to move a post or schedule a draft. */
function MoveDialog({
  post,
  zone,
  initial,
  onClose,
  onMove,
}: {
  post: Post;
  zone: string;
  initial: WallTime;
  onClose: () => void;
  onMove: (day: string, hour: number, minute: number) => void;
}) {
  const [day, setDay] = useState(initial.day);
  const [time, setTime] = useState(`${pad(initial.hour)}:${pad(initial.minute)}`);
  const opener = useRef<Element | null>(null);
  const first = useRef<HTMLInputElement>(null);
  const scheduling = !post.scheduled_at;

  useEffect(() => {
    opener.current = document.activeElement;
    first.current?.focus();
    return () => {
      const back = opener.current;
      if (back instanceof HTMLElement && back.isConnected) back.focus();
    };
  }, []);

  function submit(event: FormEvent) {
    event.preventDefault();
    const match = time.match(/^(\d{2}):(\d{2})/);
    if (!parseDay(day) || !match) return;
    onMove(day, Number(match[1]), Number(match[2]));
  }

  return (
    <div className="cal-dialog-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="cal-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="cal-dialog-title"
        onKeyDown={(event) => keepFocus(event, onClose)}
      >
        <h2 id="cal-dialog-title">{scheduling ? "Schedule draft" : "Move post"}</h2>
        <p className="cal-dialog-text">{firstWords(post.text, 120)}</p>
        <form onSubmit={submit}>
          <label>
            Date
            <input ref={first} type="date" required value={day} onChange={(e) => setDay(e.target.value)} />
          </label>
          <label>
            Time ({zone})
            <input type="time" required value={time} onChange={(e) => setTime(e.target.value)} />
          </label>
          <div className="cal-dialog-actions">
            <button type="submit" className="primary">
              {scheduling ? "Schedule" : "Move"}
            </button>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}

// A dialog's keys: Escape closes; Tab goes round its controls, not out of it (it is modal).
function keepFocus(event: KeyboardEvent<HTMLDivElement>, onClose: () => void) {
  if (event.key === "Escape") {
    event.stopPropagation();
    onClose();
    return;
  }
  if (event.key !== "Tab") return;
  const controls = [
    ...event.currentTarget.querySelectorAll<HTMLElement>("a[href], input, textarea, button:not([disabled])"),
  ];
  const edge = event.shiftKey ? controls[0] : controls[controls.length - 1];
  if (document.activeElement === edge) {
    event.preventDefault();
    (event.shiftKey ? controls[controls.length - 1] : controls[0]).focus();
  }
}

/** Approve, request changes or reject a post waiting for you, without leaving the calendar. */
function DecideDialog({
  workspace,
  post,
  onClose,
  onDecided,
}: {
  workspace: Workspace;
  post: Post;
  onClose: () => void;
  onDecided: (post: Post) => void;
}) {
  const opener = useRef<Element | null>(null);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    opener.current = document.activeElement;
    box.current?.querySelector<HTMLElement>("a[href]")?.focus();
    return () => {
      const back = opener.current;
      if (back instanceof HTMLElement && back.isConnected) back.focus();
    };
  }, []);

  return (
    <div className="cal-dialog-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={box}
        className="cal-dialog cal-decide"
        role="dialog"
        aria-modal="true"
        aria-labelledby="cal-decide-title"
        onKeyDown={(event) => keepFocus(event, onClose)}
      >
        <h2 id="cal-decide-title">Waiting for your approval</h2>
        <p className="cal-dialog-text">{firstWords(post.text, 200)}</p>
        <p>
          <Link to={`/posts/${post.id}`}>Open the post</Link> to see its previews, comments and versions.
        </p>
        <DecisionBar workspace={workspace} post={post} compact onDecided={onDecided} />
        <div className="cal-dialog-actions">
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}

function PostList({ posts, zone, canEdit }: { posts: Post[]; zone: string; canEdit: boolean }) {
  if (posts.length === 0) return <p>No posts here.</p>;
  return (
    <table className="cal-list">
      <thead>
        <tr>
          <th>When</th>
          <th>Networks</th>
          <th>Status</th>
          <th>Text</th>
        </tr>
      </thead>
      <tbody>
        {posts.map((post) => {
          const at = post.scheduled_at ? wallParts(post.scheduled_at, zone) : null;
          return (
            <tr key={post.id}>
              <td>{at ? `${longDay(parseDay(at.day)!)}, ${clockLabel(at.hour, at.minute)}` : "No time yet"}</td>
              <td>
                {networksOf(post).map((n) => (
                  <span key={n} className="cal-list-network">
                    <NetworkIcon network={n} size={14} /> {networkLabel(n)}
                  </span>
                ))}
              </td>
              <td>
                <span className={`status-badge status-${post.status}`}>{STATUS_NAMES[post.status]}</span>
              </td>
              <td>
                <Link to={postPath(post, canEdit)}>{firstWords(post.text, 80)}</Link>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
