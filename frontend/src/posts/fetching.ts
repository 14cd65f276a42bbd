// Reading posts across pages: the calendar, dashboard and queue all want "every post in a range".
import { api } from "../api/client";
import type { Post } from "./api";

export async function allPosts(base: string, query: URLSearchParams): Promise<Post[]> {
  const posts: Post[] = [];
  let cursor: string | null = null;
  do {
    const page = new URLSearchParams(query);
    if (cursor) page.set("cursor", cursor);
    const result: { items: Post[]; next_cursor: string | null } = await api(`${base}/posts?${page}`);
    posts.push(...result.items);
    cursor = result.next_cursor;
  } while (cursor);
  return posts;
}

/** Monday 00:00 local time of the week holding `day`, and the Monday after. */
export function weekOf(day: Date): [Date, Date] {
  const start = new Date(day.getFullYear(), day.getMonth(), day.getDate() - ((day.getDay() + 6) % 7));
  const end = new Date(start.getFullYear(), start.getMonth(), start.getDate() + 7);
  return [start, end];
}
