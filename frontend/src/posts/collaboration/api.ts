// Comments, the activity timeline and the version history of a post (issue 21).
import { api } from "../../api/client";
import type { Post } from "../api";

export interface Person {
  id: string | null;
  name: string;
  email?: string | null;
}

export interface Comment {
  id: string;
  post_id: string;
  author: Person;
  text: string;
  mentions: Person[];
  created_at: string;
}

export interface TimelineEvent {
  id: string;
  kind: string;
  actor: Person | null;
  details: Record<string, unknown>;
  at: string;
}

export interface VersionTarget {
  account_id: string;
  network: string;
  text: string | null;
  options: Record<string, unknown>;
}

export interface VersionContent {
  text: string;
  targets: VersionTarget[];
  media_ids: string[];
  first_comment: string | null;
  scheduled_at: string | null;
  timezone: string | null;
  recurrence: string | null;
}

export interface VersionSummary {
  version: number;
  reason: "created" | "edited" | "restored" | string;
  restored_from: number | null;
  actor: Person | null;
  at: string;
  current: boolean;
}

export interface Change {
  field: string;
  label: string;
  before: unknown;
  after: unknown;
}

export interface VersionDiff {
  from_version: number;
  to_version: number;
  changes: Change[];
}

const base = (ws: string, postId: string) => `/v1/workspaces/${ws}/posts/${postId}`;

export const collaborationKeys = {
  comments: (ws: string, postId: string) => ["post-comments", ws, postId],
  timeline: (ws: string, postId: string) => ["post-timeline", ws, postId],
  versions: (ws: string, postId: string) => ["post-versions", ws, postId],
  diff: (ws: string, postId: string, version: number, against: number | null) => ["post-diff", ws, postId, version, against],
};

export const listComments = (ws: string, postId: string) => api<{ items: Comment[] }>(`${base(ws, postId)}/comments`);

export const addComment = (ws: string, postId: string, text: string, mentions: string[]) =>
  api<Comment>(`${base(ws, postId)}/comments`, { method: "POST", body: { text, mentions } });

export const deleteComment = (ws: string, postId: string, commentId: string) =>
  api<void>(`${base(ws, postId)}/comments/${commentId}`, { method: "DELETE" });

export const getTimeline = (ws: string, postId: string) => api<{ items: TimelineEvent[] }>(`${base(ws, postId)}/timeline`);

export const listVersions = (ws: string, postId: string) => api<{ items: VersionSummary[] }>(`${base(ws, postId)}/versions`);

export const diffVersion = (ws: string, postId: string, version: number, against: number | null) =>
  api<VersionDiff>(`${base(ws, postId)}/versions/${version}/diff${against ? `?against=${against}` : ""}`);

export const restoreVersion = (ws: string, postId: string, version: number, postVersion: number, restoreTime: boolean) =>
  api<Post>(`${base(ws, postId)}/versions/${version}/restore`, {
    method: "POST",
    body: { version: postVersion, restore_time: restoreTime },
  });

/** What a timeline event says, in words. */
export function describeEvent(event: TimelineEvent): string {
  const d = event.details;
  const network = typeof d.network === "string" ? networkName(d.network) : "";
  switch (event.kind) {
    case "created":
      return "created the post";
    case "edited": {
      const changes = Array.isArray(d.changes) ? (d.changes as string[]) : [];
      return changes.length ? `edited ${changes.join(", ").toLowerCase()}` : "saved the post";
    }
    case "restored":
      return `restored version ${String(d.restored_from ?? "")}`;
    case "submitted":
      return "submitted it for approval";
    case "approved":
      return "approved it";
    case "rejected":
      return "rejected it";
    case "changes_requested":
      return "requested changes";
    case "expired":
      return "it was still waiting for approval at its time, so it was not published";
    case "published":
      return `published on ${network}`;
    case "partially_published":
      return "published on some networks";
    case "failed":
      return `failed on ${network}${typeof d.reason === "string" ? `: ${d.reason}` : ""}`;
    case "unconfirmed":
      return `may have been published on ${network}: check before retrying`;
    case "metrics":
      return "metrics updated";
    default:
      return event.kind.replace(/_/g, " ");
  }
}

const NETWORK_NAMES: Record<string, string> = {
  x: "X",
  facebook: "Facebook",
  instagram: "Instagram",
  linkedin: "LinkedIn",
  tiktok: "TikTok",
  youtube: "YouTube",
  pinterest: "Pinterest",
  threads: "Threads",
  bluesky: "Bluesky",
  mastodon: "Mastodon",
};

export function networkName(network: string): string {
  return NETWORK_NAMES[network] ?? network;
}
