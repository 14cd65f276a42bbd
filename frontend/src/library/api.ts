// The content library (GET/POST /v1/workspaces/{ws}/library, GET/PATCH/DELETE .../{id}).
import { useInfiniteQuery } from "@tanstack/react-query";
import { api } from "../api/client";

export type LibraryKind = "snippet" | "hashtags" | "template";

export interface LibraryItem {
  id: string;
  kind: LibraryKind;
  name: string;
  text: string;
  hashtags: string[];
  variants: Record<string, string>;
  media_ids: string[];
  first_comment: string | null;
  version: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface LibraryItemBody {
  kind?: LibraryKind;
  name: string;
  text: string;
  hashtags: string[];
  variants: Record<string, string>;
  media_ids: string[];
  first_comment: string | null;
}

export const KIND_NAMES: Record<LibraryKind, string> = {
  snippet: "Caption or snippet",
  hashtags: "Hashtag group",
  template: "Post template",
};

export function libraryPath(workspaceId: string, itemId?: string): string {
  const base = `/v1/workspaces/${workspaceId}/library`;
  return itemId ? `${base}/${itemId}` : base;
}

/** The library's items matching `q` (every word) and `kind`, page by page. */
export function useLibrary(workspaceId: string, q: string, kind: LibraryKind | "") {
  return useInfiniteQuery({
    queryKey: ["library", workspaceId, q, kind],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams({ limit: "50" });
      if (q.trim()) query.set("q", q.trim());
      if (kind) query.set("kind", kind);
      if (pageParam) query.set("cursor", pageParam);
      return api<{ items: LibraryItem[]; next_cursor: string | null }>(`${libraryPath(workspaceId)}?${query}`);
    },
    getNextPageParam: (last) => last.next_cursor,
  });
}

/** Hashtags typed as "#a #b, c" as a list ("#a", "#b", "c"). */
export function splitHashtags(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((tag) => tag.trim())
    .filter(Boolean);
}

/** `addition` appended to `text` on a new paragraph (or alone when `text` is empty). */
export function appendText(text: string, addition: string): string {
  if (!text.trim()) return addition;
  return `${text.replace(/\s+$/, "")}\n\n${addition}`;
}

/** `addition` put into `text` at the caret (`start`-`end`), with a space either side when needed. */
export function insertAt(text: string, addition: string, start: number, end: number): string {
  const before = text.slice(0, start);
  const after = text.slice(end);
  const left = before && !/\s$/.test(before) ? " " : "";
  const right = after && !/^\s/.test(after) ? " " : "";
  return `${before}${left}${addition}${right}${after}`;
}
