// The analytics endpoints as TanStack queries, and the CSV/PDF downloads (which need the
// bearer token, so they are fetched and saved rather than linked).
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, ApiError, restoreSession, tokenStore } from "../api/client";
import type { DateRange } from "./ranges";
import type { BestTimes, PostMetricsAnswer, Summary, SuggestedSlot, TopMetric, TopPosts } from "./types";

export function analyticsPath(workspaceId: string, path: string, params?: Record<string, string | string[] | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    for (const one of Array.isArray(value) ? value : value === undefined || value === "" ? [] : [value]) query.append(key, one);
  }
  const search = query.toString();
  return `/v1/workspaces/${workspaceId}/analytics/${path}${search ? `?${search}` : ""}`;
}

export interface Scope {
  account_id?: string;
  network?: string;
}

/** Numbers change as collection runs (hourly at first): read again on return to the tab. */
const FRESH = 60_000;

export function useSummary(workspaceId: string, range: DateRange, scope: Scope = {}) {
  return useQuery({
    queryKey: ["analytics", workspaceId, "summary", range.from, range.to, scope.account_id ?? "", scope.network ?? ""],
    queryFn: () => api<Summary>(analyticsPath(workspaceId, "summary", { ...range, ...scope })),
    placeholderData: keepPreviousData,
    staleTime: FRESH,
  });
}

export function useTopPosts(workspaceId: string, range: DateRange, metric: TopMetric, scope: Scope = {}) {
  return useQuery({
    queryKey: ["analytics", workspaceId, "top-posts", range.from, range.to, metric, scope.account_id ?? "", scope.network ?? ""],
    queryFn: () => api<TopPosts>(analyticsPath(workspaceId, "top-posts", { ...range, metric, limit: "10", ...scope })),
    placeholderData: keepPreviousData,
    staleTime: FRESH,
  });
}

export function useBestTimes(workspaceId: string, accountId: string) {
  return useQuery({
    queryKey: ["analytics", workspaceId, "best-times", accountId],
    queryFn: () => api<BestTimes>(analyticsPath(workspaceId, "best-times", { account_id: accountId })),
    enabled: Boolean(accountId),
    staleTime: FRESH,
  });
}

/** A post's numbers per account; null when the API has none for it (not published). */
export function usePostMetrics(workspaceId: string, postId: string, enabled = true) {
  return useQuery({
    queryKey: ["analytics", workspaceId, "post", postId],
    queryFn: async () => {
      try {
        return await api<PostMetricsAnswer>(analyticsPath(workspaceId, `posts/${postId}`));
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    enabled: enabled && Boolean(workspaceId && postId),
    staleTime: FRESH,
  });
}

/** The next suggested times to post for these accounts (the composer's suggestions). */
export function useNextSlots(workspaceId: string, accountIds: string[], count = 3) {
  const ids = [...accountIds].sort();
  return useQuery({
    queryKey: ["analytics", workspaceId, "next-slots", ids.join(","), count],
    queryFn: async () => {
      const answer = await api<{ slots?: SuggestedSlot[] }>(analyticsPath(workspaceId, "next-slots", { account_id: ids, count: String(count) }));
      return Array.isArray(answer?.slots) ? answer.slots : [];
    },
    enabled: Boolean(workspaceId) && ids.length > 0,
    staleTime: 5 * 60_000,
    retry: false,
  });
}

/** The name a download is saved under: the server's (Content-Disposition) or `fallback`. */
export function attachmentName(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ""));
    } catch {
      // a malformed encoding: fall through to the plain name
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1].trim() : fallback;
}

/** Fetch `path` with the session's token and hand it to the browser as a saved file. */
export async function download(path: string, fallbackName: string, accept = "*/*"): Promise<string> {
  const fetchIt = () => {
    const token = tokenStore.get()?.access_token;
    // Accept names the type: API Gateway hands a binary body (the PDF) back only then.
    const headers: Record<string, string> = { Accept: accept, ...(token ? { Authorization: `Bearer ${token}` } : {}) };
    return fetch(path, { headers, credentials: "same-origin" });
  };
  let response = await fetchIt();
  if (response.status === 401 && (await restoreSession())) response = await fetchIt();
  if (!response.ok) {
    let message = response.statusText || `The download failed (${response.status})`;
    try {
      message = (await response.json()).error?.message ?? message;
    } catch {
      // not the API's JSON error: keep the status text
    }
    throw new ApiError(response.status, "download_failed", message);
  }
  const name = attachmentName(response.headers.get("Content-Disposition"), fallbackName);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file once the click is handled.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
