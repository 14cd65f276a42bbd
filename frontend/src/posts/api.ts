// Posts as the API returns them (API.md "Posts"), and what the publisher makes of them.

export type TargetStatus =
  | "pending"
  | "publishing"
  | "published"
  | "retrying"
  | "failed"
  | "unconfirmed"
  | "cancelled";

export interface Target {
  account_id: string;
  network: string;
  text: string | null;
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
  status: string;
  text: string;
  media_ids: string[];
  first_comment: string | null;
  scheduled_at: string | null;
  timezone: string;
  recurrence: string | null;
  created_at: string;
  updated_at: string;
  targets: Target[];
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
};

/** Targets a user may send again: the failed and the unconfirmed ones. */
export function retryable(post: Post): Target[] {
  return post.targets.filter((t) => t.status === "failed" || t.status === "unconfirmed");
}

export function retryPost(workspaceId: string, postId: string, accountIds?: string[]) {
  return { path: `/v1/workspaces/${workspaceId}/posts/${postId}/retry`, body: accountIds ? { account_ids: accountIds } : {} };
}
