// Posts as the API describes them (API.md "Posts"), and what the publisher makes of them.
import type { ApprovalState } from "../approvals/api";
import type { TextRules } from "./counting";

export type PostStatus =
  | "draft"
  | "pending_approval"
  | "approved"
  | "scheduled"
  | "publishing"
  | "published"
  | "partially_published"
  | "failed"
  | "changes_requested"
  | "rejected"
  | "expired";

export type TargetStatus =
  | "pending"
  | "publishing"
  | "published"
  | "retrying"
  | "failed"
  | "unconfirmed"
  | "cancelled"
  | "held";

export interface Target {
  account_id: string;
  network: string;
  text: string | null;
  options: Record<string, unknown>;
  status: TargetStatus;
  attempts: number;
  external_id: string | null;
  url: string | null;
  error: string | null;
  published_at: string | null;
}

export interface Post {
  id: string;
  version: number;
  status: PostStatus;
  text: string;
  media_ids: string[];
  first_comment: string | null;
  scheduled_at: string | null;
  timezone: string;
  recurrence: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  targets: Target[];
  /** Its way through the approval policy (null when it never needed approval). */
  approval?: ApprovalState | null;
  /** The content plan item it is (null: written by a person). */
  origin?: { plan_id: string; item_id: string; month: string } | null;
}

export type When = { at: string; timezone: string } | { queue: true } | { now: true };

export interface PostBody {
  text: string;
  media_ids: string[];
  targets: { account_id: string; text?: string; options?: Record<string, unknown> }[];
  first_comment?: string | null;
  when?: When | null;
  recurrence?: string | null;
}

export interface NetworkLimits {
  text: TextRules;
  max_media: number;
  first_comment_max: number | null;
}

export interface Network {
  id: string;
  name: string;
  capabilities: string[];
  limits: NetworkLimits;
}

export const STATUS_NAMES: Record<PostStatus, string> = {
  draft: "Draft",
  pending_approval: "Waiting for approval",
  approved: "Approved",
  scheduled: "Scheduled",
  publishing: "Publishing",
  published: "Published",
  partially_published: "Partly published",
  failed: "Failed",
  changes_requested: "Changes requested",
  rejected: "Rejected",
  expired: "Expired waiting for approval",
};

/** "2026-12-01T09:00" in `zone` for the UTC instant `iso` (for datetime-local inputs). */
export function wallTime(iso: string, zone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "00";
  return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}`;
}

export interface PostList {
  items: Post[];
  next_cursor: string | null;
}

export const TARGET_LABELS: Record<TargetStatus, string> = {
  pending: "Waiting",
  publishing: "Publishing…",
  published: "Published",
  retrying: "Retrying",
  failed: "Failed",
  unconfirmed: "Unconfirmed: check before retrying",
  cancelled: "Cancelled",
  held: "Held: account paused by the plan",
};

/** Targets a user may send again: the failed and the unconfirmed ones. */
export function retryable(post: Post): Target[] {
  return post.targets.filter((t) => t.status === "failed" || t.status === "unconfirmed");
}

export function retryPost(workspaceId: string, postId: string, accountIds?: string[]) {
  return { path: `/v1/workspaces/${workspaceId}/posts/${postId}/retry`, body: accountIds ? { account_ids: accountIds } : {} };
}
