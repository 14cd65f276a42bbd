// The posts list's filters (kept in the page's address) as the API's list parameters.

export const POST_FILTERS = ["q", "status", "account", "network", "from", "to"] as const;
export type PostFilters = Record<(typeof POST_FILTERS)[number], string>;

/** Each status choice of the list, as the statuses the API is asked for. */
export const STATUS_GROUPS: Record<string, string> = {
  scheduled: "scheduled,approved,publishing",
  published: "published,partially_published",
  failed: "failed,partially_published",
  review: "pending_approval,changes_requested,rejected,expired",
  draft: "draft",
};

const DAY = 24 * 3600 * 1000;

/** The start of a local day ("2026-12-07") as a UTC instant; `after`: of the next day. */
export function localDayStart(day: string, after = false): string {
  const start = new Date(`${day}T00:00:00`);
  if (after) start.setDate(start.getDate() + 1);
  return start.toISOString();
}

/** "2026-12-07": the local date of `moment`. */
export function localDate(moment: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`;
}

/** The query string of GET .../posts for these filters. Without a start date the list
 * starts 30 days before `now` (recent and coming posts); drafts have no dates. */
export function postListQuery(filters: PostFilters, now: Date, limit = 50): string {
  const query = new URLSearchParams();
  const statuses = STATUS_GROUPS[filters.status];
  if (statuses) query.set("status", statuses);
  if (filters.status !== "draft") {
    // A whole day, so the query (and its cache key) stays the same all day long.
    query.set("from", localDayStart(filters.from || localDate(new Date(now.getTime() - 30 * DAY))));
    if (filters.to) query.set("to", localDayStart(filters.to, true));
  }
  if (filters.account) query.set("account_id", filters.account);
  if (filters.network) query.set("network", filters.network);
  if (filters.q.trim()) query.set("q", filters.q.trim());
  query.set("limit", String(limit));
  return query.toString();
}
