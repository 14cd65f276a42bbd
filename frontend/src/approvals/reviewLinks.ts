// Client review links: the members' side (.../posts/{id}/review-links) and the public
// page's (/v1/review-links/{token}).
import type { Network } from "../posts/api";
import type { PreviewMedia } from "../posts/PostPreview";

export interface ReviewLink {
  id: string;
  post_id: string;
  label: string | null;
  url: string;
  token: string;
  status: "active" | "expired" | "revoked";
  expires_at: string;
  revoked_at: string | null;
  last_opened_at: string | null;
  decisions: number;
  created_by: string | null;
  created_at: string;
}

export interface ReviewTarget {
  network: string;
  account_name: string;
  account_handle: string | null;
  avatar_url: string | null;
  text: string;
}

export interface ReviewView {
  workspace_name: string;
  label: string | null;
  expires_at: string;
  status: string;
  version: number;
  text: string;
  first_comment: string | null;
  scheduled_at: string | null;
  timezone: string;
  targets: ReviewTarget[];
  media: (PreviewMedia & { kind: string | null })[];
  networks: Network[];
  can_decide: boolean;
  reason: string | null;
  step: number | null;
  steps: number | null;
  your_last_decision: { decision: string; at: string; comment: string | null } | null;
}

export function reviewLinksPath(workspaceId: string, postId: string, linkId?: string): string {
  const base = `/v1/workspaces/${workspaceId}/posts/${postId}/review-links`;
  return linkId ? `${base}/${linkId}` : base;
}

export function publicReviewPath(token: string): string {
  return `/v1/review-links/${encodeURIComponent(token)}`;
}
